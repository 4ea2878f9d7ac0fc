#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Cross-check with an independent peer: flashrom over /dev/spidev0.0 on the
# same simulated W25Q64FV. After a detach flashrom identifies the part and
# reads what /dev/mtdN read; an image flashrom writes reads back identically
# through /dev/mtdN, and one written through /dev/mtdN reads back identically
# through flashrom.
. "$(dirname "$0")/lib.sh"
setup

SIZE=8388608
random_chip $SIZE
mtd_debug read "$MTD" 0 $SIZE "$T/mtd" >/dev/null
check "mtd read = preload" same "$T/mtd" "$T/img"
flash_unload
check "spidev back after detach" test -e /dev/spidev0.0

$FLASHROM > "$T/probe" 2>&1
check "flashrom identifies the W25Q64" grep -q 'Found Winbond flash chip "W25Q64' "$T/probe"
grep -q 'Found' "$T/probe" || sed 's/^/# /' "$T/probe"
CHIP=$(sed -n 's/.*Found Winbond flash chip "\(W25Q64[^"]*\)".*/\1/p' "$T/probe" | head -n1)

t0=$(date +%s)
$FLASHROM -c "$CHIP" -r "$T/fr" > "$T/log" 2>&1
diag "flashrom read of 8 MiB took $(( $(date +%s) - t0 )) s"
check "flashrom read = mtd read" same "$T/fr" "$T/mtd"

# flashrom writes an image differing in two 64 KiB windows (it skips
# identical blocks), mtd reads it back.
cp "$T/img" "$T/img2"
rand "$T/p1" 65536
rand "$T/p2" 65536
dd if="$T/p1" of="$T/img2" bs=65536 seek=3 conv=notrunc status=none
dd if="$T/p2" of="$T/img2" bs=65536 seek=100 conv=notrunc status=none
t0=$(date +%s)
check "flashrom -w succeeds" sh -c "$FLASHROM -c '$CHIP' -w '$T/img2' > '$T/log' 2>&1"
diag "flashrom write took $(( $(date +%s) - t0 )) s"
sim_get "$T/got" 0 $SIZE
check "flashrom's image is in the chip" same "$T/got" "$T/img2"
flash_load || { not_ok "mectl_flash attaches again"; finish; exit; }
mtd_debug read "$MTD" 0 $SIZE "$T/mtd" >/dev/null
check "mtd reads flashrom's image" same "$T/mtd" "$T/img2"

# the reverse: mtd writes, flashrom reads
echo 1 > "$SPI/writeable"
rand "$T/p3" 131072
flash_erase -q "$MTD" $((50 * 65536)) 32
mtd_debug write "$MTD" $((50 * 65536)) 131072 "$T/p3" >/dev/null
cp "$T/img2" "$T/img3"
dd if="$T/p3" of="$T/img3" bs=65536 seek=50 conv=notrunc status=none
flash_unload
$FLASHROM -c "$CHIP" -r "$T/fr" > "$T/log" 2>&1
check "flashrom reads mtd's write" same "$T/fr" "$T/img3"
rmmod flashsim
finish
