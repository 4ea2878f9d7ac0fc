#!/bin/bash
# flashsim against an independent peer: flashrom over /dev/spidev0.0.
# For every chip model: load with bus_num=0, /dev/spidev0.0 appears, flashrom
# identifies the part, reads back exactly what was preloaded through debugfs,
# and an image written with flashrom -w reads back identically through
# debugfs (changed blocks on both sides of 16 MiB on the 256 Mbit parts);
# flashrom -E leaves the 8 MiB parts all 0xFF. Full-chip passes: the 8 MiB
# parts and one 32 MiB read; the rest works on a layout region across the
# middle of the chip, to keep the run short under TCG.
set -u
. "$(dirname "$0")/../../lib/tap.sh"
DBG=/sys/kernel/debug/flashsim
DEV=/dev/spidev0.0
PROG="linux_spi:dev=$DEV,spispeed=8000"
work=$(mktemp -d)

cleanup() {
	rmmod flashsim 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

load() { # chip
	rmmod flashsim 2>/dev/null
	modprobe flashsim bus_num=0 chip="$1" || return 1
	for _ in $(seq 50); do [ -c $DEV ] && return 0; sleep 0.1; done
	return 1
}

# rand FILE BYTES
rand() { head -c "$2" /dev/urandom > "$1"; }

# Modify count 4K blocks of FILE at the given offsets with fresh random data.
scribble() {
	local f=$1
	shift
	for off in "$@"; do
		head -c 4096 /dev/urandom | dd of="$f" bs=4096 seek=$((off / 4096)) conv=notrunc status=none
	done
}

identify() { # chip flashrom-name
	flashrom -p "$PROG" -c "$2" > "$work/probe" 2>&1 &&
		grep -q "Found .* flash chip \"$2\"" "$work/probe"
}

same_as_chip() { # file
	cmp "$1" $DBG/data
}

all_ff() { # size
	head -c "$1" /dev/zero | tr '\0' '\377' | cmp - $DBG/data
}

full_read() { # fname size
	rm -f "$work/read"
	flashrom -p "$PROG" -c "$1" -r "$work/read" > "$work/log" 2>&1 || { cat "$work/log"; return 1; }
	[ "$(stat -c %s "$work/read")" -eq "$2" ] && cmp "$work/read" "$work/pre"
}

write_img() { # fname
	flashrom -p "$PROG" -c "$1" -w "$work/new" > "$work/log" 2>&1 || { cat "$work/log"; return 1; }
	grep -q 'VERIFIED' "$work/log" || { cat "$work/log"; return 1; }
}

# Region mode: a layout region of 384 KiB centred on the middle of the chip
# (16 MiB on the 256 Mbit parts, where 4-byte addressing starts).
mid_layout() { # size
	local mid=$(($1 / 2))
	printf '%08x:%08x mid\n' $((mid - 196608)) $((mid + 196608 - 1)) > "$work/layout"
}

slice() { # file offset length -> stdout
	dd if="$1" bs=4096 skip=$(($2 / 4096)) count=$(($3 / 4096)) status=none
}

region_read() { # fname size
	local mid=$(($2 / 2))
	rm -f "$work/read"
	flashrom -p "$PROG" -c "$1" -l "$work/layout" -i mid -r "$work/read" > "$work/log" 2>&1 || { cat "$work/log"; return 1; }
	slice "$work/read" $((mid - 196608)) 393216 > "$work/a"
	slice "$work/pre" $((mid - 196608)) 393216 > "$work/b"
	cmp "$work/a" "$work/b"
}

region_write() { # fname
	flashrom -p "$PROG" -c "$1" -l "$work/layout" -i mid -N -w "$work/new" > "$work/log" 2>&1 || { cat "$work/log"; return 1; }
	grep -q 'VERIFIED' "$work/log" || { cat "$work/log"; return 1; }
}

erase_chip() { # fname
	flashrom -p "$PROG" -c "$1" -E > "$work/log" 2>&1 || { cat "$work/log"; return 1; }
}

# chip  flashrom-name  size  read(full|region)  write(full|region)  [erase]
run_chip() {
	local chip=$1 fname=$2 size=$3 rmode=$4 wmode=$5 erase=${6:-}
	local t0=$SECONDS mid=$(($3 / 2))

	if ! load "$chip"; then
		nok "$chip: modprobe flashsim bus_num=0 chip=$chip gives $DEV"
		return
	fi
	ok "$chip: modprobe flashsim bus_num=0 chip=$chip gives $DEV"
	rand "$work/pre" "$size"
	check_quiet "$chip: preload $size bytes through debugfs" \
		sh -c "dd if='$work/pre' of=$DBG/data bs=1M conv=notrunc status=none && cmp '$work/pre' $DBG/data"
	check_quiet "$chip: flashrom identifies $fname" identify "$chip" "$fname"
	mid_layout "$size"
	if [ "$rmode" = full ]; then
		check_quiet "$chip: flashrom -r reads exactly the preloaded bytes" full_read "$fname" "$size"
	else
		check_quiet "$chip: flashrom -r of a region across $((mid >> 20)) MiB reads the preloaded bytes" \
			region_read "$fname" "$size"
	fi
	# Changed blocks on both sides of the middle (16 MiB on the 256 Mbit
	# parts: 4-byte addressing), and at both ends for a full write.
	cp "$work/pre" "$work/new"
	if [ "$wmode" = full ]; then
		scribble "$work/new" 0 $((mid - 4096)) $mid $((mid + 65536)) $((size - 4096))
		check_quiet "$chip: flashrom -w of a changed image verifies" write_img "$fname"
	else
		scribble "$work/new" $((mid - 4096)) $mid $((mid + 65536))
		check_quiet "$chip: flashrom -w of a changed region across $((mid >> 20)) MiB verifies" \
			region_write "$fname"
	fi
	check_quiet "$chip: debugfs holds exactly the written image" same_as_chip "$work/new"
	if [ -n "$erase" ]; then
		check_quiet "$chip: flashrom -E erases the chip" erase_chip "$fname"
		check_quiet "$chip: debugfs reads all 0xFF after flashrom -E" all_ff "$size"
	fi
	echo "# $chip: $((SECONDS - t0)) s"
	rmmod flashsim || nok "$chip: rmmod flashsim"
}

rmmod mectl_flash 2>/dev/null; rmmod flashsim 2>/dev/null
run_chip mx25l6406e "MX25L6406E/MX25L6408E" $((8 << 20)) full full erase
run_chip w25q64fv "W25Q64BV/W25Q64CV/W25Q64FV" $((8 << 20)) full full erase
run_chip w25q128fv "W25Q128.V" $((16 << 20)) region region
run_chip w25q256fv "W25Q256FV" $((32 << 20)) full region
run_chip w25q256jv "W25Q256JV_Q" $((32 << 20)) region region
finish
