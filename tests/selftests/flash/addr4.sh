#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 32 MiB parts: data across the 16 MiB boundary reads and writes correctly, and
# after detach the chip is back in 3-byte address mode with EAR 0, so that a
# plain 3-byte READ at a low address (what flashrom and the firmware use)
# returns the low bytes. W25Q256FV has no 4-byte opcodes: spi-nor enters
# 4-byte mode (EN4B) and we must leave it; W25Q256JV uses 4-byte opcodes.
. "$(dirname "$0")/lib.sh"
setup

B16=16777216
W=524288

one_model() {
	chip=$1 addr4_attached=$2
	if ! sim_load "$chip"; then
		not_ok "$chip: flashsim loads"
		return
	fi
	rand "$T/low" 65536
	rand "$T/cross" $((2 * W))
	sim_put "$T/low" 0
	sim_put "$T/cross" $((B16 - W))
	if ! flash_load; then
		not_ok "$chip: attaches"
		return
	fi
	ok "$chip: attaches"
	check "$chip: chip in ${addr4_attached}-byte mode while attached" \
		test "$(sim_state addr_bytes)" = "$addr4_attached"
	mtd_debug read "$MTD" $((B16 - W)) $((2 * W)) "$T/got" >/dev/null
	check "$chip: read across 16 MiB = preload" same "$T/got" "$T/cross"
	mtd_debug read "$MTD" 0 65536 "$T/got" >/dev/null
	check "$chip: read at 0 = preload" same "$T/got" "$T/low"

	echo 1 > "$SPI/writeable"
	rand "$T/w" 131072
	flash_erase -q "$MTD" $((B16 - 65536)) 32
	mtd_debug write "$MTD" $((B16 - 65536)) 131072 "$T/w" >/dev/null
	sim_get "$T/got" $((B16 - 65536)) 131072
	check "$chip: write across 16 MiB lands in the chip" same "$T/got" "$T/w"
	sim_get "$T/got" 0 65536
	check "$chip: low bytes untouched by that write" same "$T/got" "$T/low"

	check "$chip: detaches" flash_unload
	check "$chip: chip back in 3-byte mode" test "$(sim_state addr_bytes)" = 3
	check "$chip: extended address register 0" test "$(sim_state ear)" = 0x00
	spidev_read 0 65536 "$T/got"
	check "$chip: 3-byte READ at 0 over spidev = low bytes" same "$T/got" "$T/low"
	# flashrom 1.3 has two definitions for ef4019 (FV and JV): it may ask
	# for -c, but it must see the chip
	$FLASHROM > "$T/probe" 2>&1
	check "$chip: flashrom finds a W25Q256 on spidev" grep -q 'W25Q256' "$T/probe"
	rmmod flashsim
}

one_model w25q256fv 4
one_model w25q256jv 3
finish
