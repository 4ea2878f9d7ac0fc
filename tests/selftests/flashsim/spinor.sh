#!/bin/bash
# flashsim against the kernel's own SPI NOR stack: the stock spi-nor driver
# takes spi0.0 over from spidev (driver_override, as the reference facts
# describe), identifies every model, and MTD reads/writes must agree with the
# debugfs backing store. Checks that Linux picks 4-byte opcodes on w25q256jv
# (JESD216A SFDP) and EN4B + 3-byte opcodes on w25q256fv, and that rmmod is
# refused while /dev/mtdN is open and works once it is closed.
set -u
. "$(dirname "$0")/../../lib/tap.sh"
DBG=/sys/kernel/debug/flashsim
SPI=/sys/bus/spi
work=$(mktemp -d)

cleanup() {
	exec 9<&- 2>/dev/null
	rmmod flashsim 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

stat_op() { awk -v k="$1" '$1 == "op" && $2 == k { print $4; f = 1 } END { if (!f) print 0 }' $DBG/stats; }
state() { awk -v k="$1" '$1 == k { print $2 }' $DBG/state; }

mtd_of_spi() { # prints mtdN registered for spi0.0
	awk -F: '/"spi0.0"/ { print $1 }' /proc/mtd
}

bind_spinor() {
	echo spi0.0 > $SPI/drivers/spidev/unbind || return 1
	echo spi-nor > $SPI/devices/spi0.0/driver_override || return 1
	echo spi0.0 > $SPI/drivers/spi-nor/bind || return 1
	[ -n "$(mtd_of_spi)" ]
}

unbind_spinor() {
	echo spi0.0 > $SPI/drivers/spi-nor/unbind &&
	echo spidev > $SPI/devices/spi0.0/driver_override &&
	echo spi0.0 > $SPI/drivers/spidev/bind &&
	[ -c /dev/spidev0.0 ]
}

geometry() { # size erasesize
	local m
	m=$(mtd_of_spi)
	[ "$(cat /sys/class/mtd/$m/size)" -eq "$1" ] &&
	[ "$(cat /sys/class/mtd/$m/erasesize)" -eq "$2" ] &&
	[ "$(cat /sys/class/mtd/$m/type)" = nor ]
}

jedec() { [ "$(cat $SPI/devices/spi0.0/spi-nor/jedec_id)" = "$1" ]; }

# The 8 MiB parts are preloaded and read whole; the larger ones in 1 MiB
# windows at the start, across the middle (16 MiB) and at the end, which
# keeps the run short under TCG.
windows() { # size
	if [ "$1" -le $((8 << 20)) ]; then echo "0:$1"; else
		echo "0:$((1 << 20)) $(($1 / 2 - (512 << 10))):$((1 << 20)) $(($1 - (1 << 20))):$((1 << 20))"
	fi
}

preload() { # size
	local w off len
	for w in $(windows "$1"); do
		off=${w%%:*} len=${w#*:}
		head -c "$len" /dev/urandom > "$work/pre.$off"
		dd if="$work/pre.$off" of=$DBG/data bs=64k seek=$((off / 65536)) conv=notrunc status=none || return 1
	done
}

mtd_read_windows() { # size
	local m w off len
	m=$(mtd_of_spi)
	for w in $(windows "$1"); do
		off=${w%%:*} len=${w#*:}
		mtd_debug read /dev/$m "$off" "$len" "$work/read" >/dev/null || return 1
		cmp "$work/read" "$work/pre.$off" || return 1
	done
}

# Erase + write one 64 KiB range through MTD at offset; compare through debugfs.
mtd_write_range() { # offset
	local m off=$1
	m=$(mtd_of_spi)
	head -c 65536 /dev/urandom > "$work/blk"
	flash_erase -q /dev/$m "$off" 16 && mtd_debug write /dev/$m "$off" 65536 "$work/blk" >/dev/null &&
	dd if=$DBG/data bs=4096 skip=$((off / 4096)) count=16 status=none | cmp - "$work/blk"
}

run_chip() { # chip jedec size
	local chip=$1 id=$2 size=$3 m

	rmmod flashsim 2>/dev/null
	if ! modprobe flashsim bus_num=0 chip="$chip"; then
		nok "$chip: modprobe"
		return
	fi
	preload "$size" || nok "$chip: preload through debugfs"
	echo 0 > $DBG/stats
	check_quiet "$chip: spi-nor binds to spi0.0 and registers an MTD" bind_spinor
	check_quiet "$chip: MTD is NOR, $size bytes, 4 KiB erase" geometry "$size" 4096
	check_quiet "$chip: spi-nor reads JEDEC id $id" jedec "$id"
	check_quiet "$chip: MTD reads equal the bytes preloaded through debugfs" mtd_read_windows "$size"
	check_quiet "$chip: MTD erase+write at 0 lands in the chip" mtd_write_range 0
	if [ "$size" -gt $((16 << 20)) ]; then
		check_quiet "$chip: MTD erase+write across 16 MiB lands in the chip" \
			mtd_write_range $(((16 << 20) - 32768))
	fi
	case $chip in
	w25q256jv)
		check_quiet "$chip: Linux uses 4-byte opcodes (0x0c/0x21/0x12), no EN4B" \
			test "$(stat_op 0x0c)" -gt 0 -a "$(stat_op 0x21)" -gt 0 -a "$(stat_op 0x12)" -gt 0 \
			-a "$(stat_op 0xb7)" -eq 0 -a "$(state addr_bytes)" -eq 3
		;;
	w25q256fv)
		check_quiet "$chip: Linux sends EN4B and uses 3-byte opcodes with 4-byte addresses" \
			test "$(stat_op 0xb7)" -gt 0 -a "$(stat_op 0x0c)" -eq 0 -a "$(stat_op 0x0b)" -gt 0 \
			-a "$(state addr_bytes)" -eq 4
		;;
	esac
	m=$(mtd_of_spi)
	exec 9< /dev/$m
	check_quiet "$chip: rmmod flashsim is refused while /dev/$m is open" \
		sh -c '! rmmod flashsim 2>/dev/null'
	exec 9<&-
	check_quiet "$chip: spi0.0 goes back to spidev" unbind_spinor
	check_quiet "$chip: rmmod flashsim with spi-nor gone" rmmod flashsim
}

rmmod mectl_flash 2>/dev/null; rmmod flashsim 2>/dev/null
modprobe spi-nor || skip_all "no spi-nor module"
run_chip w25q64fv ef4017 $((8 << 20))
run_chip mx25l6406e c22017 $((8 << 20))
run_chip w25q128fv ef4018 $((16 << 20))
run_chip w25q256fv ef4019 $((32 << 20))
run_chip w25q256jv ef4019 $((32 << 20))

# rmmod with the MTD registered (closed) on top: the SPI core removes spi-nor.
rmmod flashsim 2>/dev/null
if modprobe flashsim bus_num=0 && bind_spinor; then
	check_quiet "rmmod flashsim with spi-nor bound and the MTD closed" rmmod flashsim
	check_quiet "the MTD is gone with it" test -z "$(mtd_of_spi)"
else
	nok "setup for rmmod with MTD on top"
fi
finish
