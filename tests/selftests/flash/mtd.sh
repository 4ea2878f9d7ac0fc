#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mectl_flash on every flashsim chip model: MTD geometry and name, the module's
# sysfs attributes, reads equal the preloaded image, writeable=0 refuses with
# -EROFS and leaves the chip untouched, flash_erase + mtd_debug write, flashcp,
# and /dev/mtdblockN both ways. Expected bytes always come from flashsim's
# debugfs, never from the module under test.
#
# The full 8 MiB of one model is read once; the other checks use windows at the
# start and the end of the chip (TCG makes every byte slow).
. "$(dirname "$0")/lib.sh"
setup

WIN=262144	# window read/written per check

# errno_of PYTHON-STATEMENT: prints the errno the statement fails with, or 0.
errno_of() {
	python3 - "$MTD" <<EOF
import errno, fcntl, os, struct, sys
dev = sys.argv[1]
try:
    $1
    print(0)
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
EOF
}

# MEMERASE ('M', 2, struct erase_info_user) of the first erase block
ERASE_PY='fd = os.open(dev, os.O_RDWR); fcntl.ioctl(fd, 0x40084d02, struct.pack("II", 0, 4096))'
WRITE_PY='fd = os.open(dev, os.O_RDWR); os.write(fd, b"\0" * 256)'

one_model() {
	chip=$1 maker=$2 part=$3 full=$4
	if ! sim_load "$chip"; then
		not_ok "$chip: flashsim loads"
		return
	fi
	size=$(sim_size)
	tail=$((size - WIN))
	rand "$T/head" $WIN
	rand "$T/tail" $WIN
	if [ "$full" = full ]; then
		rand "$T/full" "$size"
		sim_put "$T/full" 0
		cp "$T/full" "$T/expect"
		dd if="$T/expect" of="$T/head" bs=$WIN count=1 status=none
		dd if="$T/expect" of="$T/tail" bs=$WIN skip=$((tail / WIN)) count=1 status=none
	else
		sim_put "$T/head" 0
		sim_put "$T/tail" $tail
	fi

	if ! flash_load speed_hz=50000000; then
		not_ok "$chip: mectl_flash attaches spi0.0"
		return
	fi
	ok "$chip: mectl_flash attaches spi0.0 as mtd$MTDN"
	check "$chip: /dev/spidev0.0 gone while attached" test ! -e /dev/spidev0.0
	check "$chip: MTD size $size" test "$(mtd_attr size)" = "$size"
	check "$chip: MTD erasesize 4096" test "$(mtd_attr erasesize)" = 4096
	check "$chip: MTD type nor" test "$(mtd_attr type)" = nor
	check "$chip: MTD name mectl-spi0.0" test "$(mtd_attr name)" = mectl-spi0.0
	check "$chip: sysfs jedec_id = flashsim's" \
		test "$(cat $SPI/jedec_id)" = "$(sim_state jedec_id)"
	check "$chip: sysfs manufacturer $maker" test "$(cat $SPI/manufacturer)" = "$maker"
	check "$chip: sysfs part $part" test "$(cat $SPI/part)" = "$part"
	check "$chip: the attach line names $maker $part" \
		sh -c "dmesg | grep 'mectl-spi0.0: $maker $part, JEDEC id $(sim_state jedec_id),' >/dev/null"
	check "$chip: sysfs size/erase_size/page_size" \
		test "$(cat $SPI/size) $(cat $SPI/erase_size) $(cat $SPI/page_size)" = "$size 4096 256"
	check "$chip: sysfs mtd_index/writeable" \
		test "$(cat $SPI/mtd_index) $(cat $SPI/writeable)" = "$MTDN 0"
	check "$chip: sysfs sr1 = flashsim's" \
		test "0x$(cat $SPI/sr1)" = "$(sim_state sr1)"

	if [ "$full" = full ]; then
		t0=$(date +%s)
		mtd_debug read "$MTD" 0 "$size" "$T/got" >/dev/null
		diag "$chip: full read of $size bytes took $(( $(date +%s) - t0 )) s"
		check "$chip: mtd_debug read of the whole chip = preload" same "$T/got" "$T/expect"
	fi
	mtd_debug read "$MTD" 0 $WIN "$T/got" >/dev/null
	check "$chip: mtd_debug read at 0 = preload" same "$T/got" "$T/head"
	mtd_debug read "$MTD" $tail $WIN "$T/got" >/dev/null
	check "$chip: mtd_debug read at the end = preload" same "$T/got" "$T/tail"

	# Disarmed: erase and write fail with EROFS, the chip keeps its bytes.
	check "$chip: MEMERASE refused with EROFS" test "$(errno_of "$ERASE_PY")" = EROFS
	check "$chip: write() refused with EROFS" test "$(errno_of "$WRITE_PY")" = EROFS
	# flash_erase 2.1.5 reports the failed block and still exits 0
	flash_erase -q "$MTD" 0 1 2> "$T/err"
	check "$chip: flash_erase reports Read-only file system" \
		grep -q 'Read-only file system' "$T/err"
	sim_get "$T/got" 0 $WIN
	check "$chip: chip untouched after refused erase/write" same "$T/got" "$T/head"

	echo 1 > "$SPI/writeable"
	check "$chip: armed through sysfs" test "$(cat $SPI/writeable)" = 1

	# flash_erase + mtd_debug write
	flash_erase -q "$MTD" 0 16
	sim_get "$T/got" 0 65536
	head -c 65536 /dev/zero | tr '\0' '\377' > "$T/ff"
	check "$chip: flash_erase leaves 0xff in the chip" same "$T/got" "$T/ff"
	rand "$T/w" 65536
	mtd_debug write "$MTD" 0 65536 "$T/w" >/dev/null
	sim_get "$T/got" 0 65536
	check "$chip: mtd_debug write lands in the chip" same "$T/got" "$T/w"

	# flashcp: erase + write + its own verify; checked again in the chip
	rand "$T/cp" 102400
	check "$chip: flashcp succeeds" flashcp "$T/cp" "$MTD"
	sim_get "$T/got" 0 102400
	check "$chip: flashcp image in the chip" same "$T/got" "$T/cp"

	# mtdblock: read the tail, write a block in the middle
	modprobe mtdblock
	if [ -b "/dev/mtdblock$MTDN" ]; then
		dd if="/dev/mtdblock$MTDN" of="$T/got" bs=$WIN skip=$((tail / WIN)) count=1 status=none
		check "$chip: dd from mtdblock = chip" same "$T/got" "$T/tail"
		rand "$T/blk" 16384
		dd if="$T/blk" of="/dev/mtdblock$MTDN" bs=16384 seek=8 conv=fsync,notrunc status=none
		sim_get "$T/got" 131072 16384
		check "$chip: dd to mtdblock lands in the chip" same "$T/got" "$T/blk"
	else
		not_ok "$chip: /dev/mtdblock$MTDN exists"
	fi

	check "$chip: mectl_flash unloads" flash_unload
	check "$chip: /dev/spidev0.0 back after unload" test -e /dev/spidev0.0
	rmmod flashsim
}

# Named as marked, not as spi-nor's table: Linux 6.1 calls ef4017 "s25fl064k".
one_model w25q64fv Winbond W25Q64 full
one_model w25q128fv Winbond W25Q128 window
one_model w25q256fv Winbond W25Q256 window
one_model w25q256jv Winbond W25Q256 window
one_model mx25l6406e Macronix MX25L64 window
finish
