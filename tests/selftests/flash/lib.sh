# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the flash selftests (sourced, POSIX sh + bash-isms avoided).
#
# The chip is flashsim's model on spi0.0. Everything a test compares against is
# read or written through flashsim's debugfs (the simulated chip's own memory),
# never through mectl_flash, so the module under test cannot vouch for itself.

SIM=/sys/kernel/debug/flashsim
SPI=/sys/bus/spi/devices/spi0.0
T=${TMPDIR:-/tmp}/mectl-flash.$$

# TAP: ok, check, diag, skip_all and finish; not_ok is nok under its older name.
. "$(dirname "$0")/../../lib/tap.sh"
not_ok() {
	nok "$@"
}

# Leave the guest as we found it, whatever happened.
cleanup() {
	rmmod mtdblock 2>/dev/null
	rmmod mectl_flash 2>/dev/null
	rmmod flashsim 2>/dev/null
	modprobe -r -q spi_nor 2>/dev/null	# and mtd, if nobody else uses them
	rm -rf "$T"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
	cleanup
	modinfo flashsim >/dev/null 2>&1 || skip_all "flashsim.ko not built"
	modinfo mectl_flash >/dev/null 2>&1 || skip_all "mectl_flash.ko not built"
	trap cleanup EXIT
	mkdir -p "$T"
	# insmod (used where modprobe's lookups over 9p would cost minutes)
	# needs the dependencies in place
	modprobe spi-nor
	KO=$(modinfo -n mectl_flash)
}

# sim_load CHIP [flashsim params...]
sim_load() {
	chip=$1
	shift
	rmmod mectl_flash 2>/dev/null
	rmmod flashsim 2>/dev/null
	modprobe flashsim bus_num=0 chip="$chip" "$@" || return 1
	[ -e /dev/spidev0.0 ] && [ -e "$SIM/data" ]
}

# sim_size: capacity of the simulated chip in bytes.
sim_size() {
	sed -n 's/^size //p' "$SIM/state"
}

sim_state() {
	sed -n "s/^$1 //p" "$SIM/state"
}

# sim_put FILE OFFSET: preload FILE into the chip at byte OFFSET.
sim_put() {
	dd if="$1" of="$SIM/data" bs=64k oflag=seek_bytes seek="$2" conv=notrunc status=none
}

# sim_get FILE OFFSET LEN: copy LEN bytes of the chip at OFFSET into FILE.
sim_get() {
	dd if="$SIM/data" of="$1" bs=64k iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none
}

# sim_fill BYTE: set the whole chip to BYTE (hex, e.g. ff), as after an erase.
sim_fill() {
	size=$(sim_size)
	head -c "$size" /dev/zero | tr '\0' "\\$(printf '%03o' "0x$1")" > "$T/fill"
	sim_put "$T/fill" 0
	rm -f "$T/fill"
}

# rand FILE LEN: LEN random bytes.
rand() {
	head -c "$2" /dev/urandom > "$1"
}

# random_chip LEN: flashsim's W25Q64FV on spi0.0 holding LEN random bytes from 0 (also
# in $T/img), mectl_flash attached (MTD, MTDN). Failing, it ends the test with one
# "not ok".
random_chip() {
	sim_load w25q64fv || { not_ok "flashsim loads"; finish; exit; }
	rand "$T/img" "$1"
	sim_put "$T/img" 0
	flash_load || { not_ok "mectl_flash attaches"; finish; exit; }
}

# flash_load [mectl_flash params...]: attach spi0.0; sets MTD=/dev/mtdN and MTDN=N.
flash_load() {
	modprobe mectl_flash bus=0 cs=0 "$@" || return 1
	MTDN=$(cat "$SPI/mtd_index") || return 1
	MTD=/dev/mtd$MTDN
	[ -c "$MTD" ]
}

flash_unload() {
	rmmod mtdblock 2>/dev/null
	rmmod mectl_flash
}

mtd_attr() {
	cat "/sys/class/mtd/mtd$MTDN/$1"
}

# slab_snap CACHE...: "BYTES N...": the bytes of all slab objects in use, then
# the objects in use of each CACHE ("?" for none by that name). SLUB counts
# every object of the slab a CPU allocates from as in use; writing to a cache's
# "shrink" hands those slabs back. Reading /proc/slabinfo allocates a
# kmalloc-4k buffer, which would give a CPU such a slab again: the first line is
# read (the buffer allocated) before the shrink, the rest by shell builtins,
# which allocate nothing; the shrink writes themselves allocate from caches of
# 192 bytes and less only. Run it in $(...): it sets variables.
slab_snap() {
	exec 5< /proc/slabinfo
	read -r _ <&5
	for d in /sys/kernel/slab/*; do
		[ -L "$d" ] || echo 1 > "$d/shrink"
	done
	bytes=0 objs=
	while read -r name active _ size _ <&5; do
		case $name in \#*) continue ;; esac
		bytes=$((bytes + active * size))
		for c; do [ "$c" = "$name" ] && objs="$objs $c=$active"; done
	done
	exec 5<&-
	printf '%s' "$bytes"
	for c; do
		case $objs in
		*" $c="*) n=${objs#* "$c"=} && printf ' %s' "${n%% *}" ;;
		*) printf ' ?' ;;
		esac
	done
	echo
}

# free_kib: free memory in KiB after dropping the caches, counting the pages on
# the per-CPU free lists, which /proc/meminfo leaves out: those lists fill up
# by tens of MiB and drain at once, whatever the test does.
free_kib() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk -v kib=$(($(getconf PAGESIZE) / 1024)) \
		'$1 == "nr_free_pages" || $1 == "count:" { n += $2 } END { print n * kib }' \
		/proc/zoneinfo
}

# same FILE1 FILE2: byte-identical.
same() {
	cmp -s "$1" "$2"
}

# kernel_lines PATTERN: dmesg lines since the last mark matching PATTERN.
dmesg_mark() {
	echo "mectl-flash-test: mark $$ $1" > /dev/kmsg
}

dmesg_since_mark() {
	dmesg | sed -n "/mectl-flash-test: mark $$ $1\$/,\$p" | sed 1d
}

# spidev_read ADDR LEN FILE: READ (0x03) with a 3-byte address through
# /dev/spidev0.0, one full-duplex transfer: what any 3-byte-mode tool sees.
spidev_read() {
	python3 - "$1" "$2" "$3" <<'EOF_PY'
import ctypes, fcntl, os, struct, sys
addr, n, out = int(sys.argv[1], 0), int(sys.argv[2]), sys.argv[3]
tx = ctypes.create_string_buffer(bytes([0x03, (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff]) + bytes(n), 4 + n)
rx = ctypes.create_string_buffer(4 + n)
# struct spi_ioc_transfer: tx_buf, rx_buf, len, speed_hz, delay_usecs,
# bits_per_word, cs_change, tx_nbits, rx_nbits, word_delay_usecs, pad
xfer = struct.pack("QQIIHBBBBBB", ctypes.addressof(tx), ctypes.addressof(rx), 4 + n, 1000000, 0, 8, 0, 0, 0, 0, 0)
fd = os.open("/dev/spidev0.0", os.O_RDWR)
fcntl.ioctl(fd, 0x40206b00, xfer)	# SPI_IOC_MESSAGE(1)
os.close(fd)
open(out, "wb").write(rx.raw[4:])
EOF_PY
}

# flashrom on spidev, as a user of a Pi would run it (8 MHz).
FLASHROM="flashrom -p linux_spi:dev=/dev/spidev0.0,spispeed=8000"
