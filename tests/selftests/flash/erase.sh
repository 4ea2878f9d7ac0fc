#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mectl_flash's erase (kmod/flash/erase.c): whole aligned 64 KiB blocks of an
# MEMERASE request take one block erase command, the unaligned head and tail
# go by 4 KiB sectors through spi-nor. On every flashsim model:
#  - the bytes: a random window is preloaded, each request erases exactly its
#    range (0xff there, every other byte as before), checked through
#    flashsim's debugfs against an expectation computed here;
#  - the commands: flashsim's per-opcode counters show how many sector and
#    block erases went to the chip (0xd8, or 0xdc with 4-byte opcodes);
#  - ranges across the 16 MiB line of the 32 MiB parts;
#  - a start or length off the 4 KiB grid: EINVAL and nothing erased;
#  - with the timing model on, no command is dropped while the chip is busy
#    (the block erase waits for WIP);
#  - a part of a manufacturer without the block erase in vendor.c (an id
#    spi-nor knows as GigaDevice) reports block_erase_size 0 and is erased
#    by sectors only.
. "$(dirname "$0")/lib.sh"
setup

# op_count OPCODE: how often flashsim saw it since the last reset.
op_count() {
	awk -v op="$1" '$1 == "op" && $2 == op { n = $4 } END { print n + 0 }' "$SIM/stats"
}

# erase START LEN: one MEMERASE64; prints 0 or the errno name.
erase() {
	python3 - "$MTD" "$1" "$2" <<'EOF'
import errno, fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    # MEMERASE64 = _IOW('M', 20, struct erase_info_user64)
    fcntl.ioctl(fd, 0x40104d14, struct.pack("QQ", int(sys.argv[2], 0), int(sys.argv[3], 0)))
    print(0)
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
EOF
}

# expect_erased FILE BASE START LEN: FILE (the window at BASE) with START..+LEN set to 0xff.
expect_erased() {
	python3 - "$@" <<'EOF'
import sys
path, base, start, n = sys.argv[1], *(int(a, 0) for a in sys.argv[2:])
b = bytearray(open(path, "rb").read())
b[start - base:start - base + n] = b"\xff" * n
open(path, "wb").write(b)
EOF
}

WIN=$((0x80000))

# case NAME BASE START LEN SECTORS BLOCKS: preload the window at BASE, erase
# START..+LEN, check the bytes and the counts of sector and block erases.
case_() {
	what=$1 base=$2 start=$3 len=$4 want_se=$5 want_be=$6
	rand "$T/win" $WIN
	sim_put "$T/win" $((base))
	echo 0 > "$SIM/stats"
	rc=$(erase "$start" "$len")
	check "$chip: $what: MEMERASE $start+$len succeeds" test "$rc" = 0
	expect_erased "$T/win" "$base" "$start" "$len"
	sim_get "$T/got" $((base)) $WIN
	check "$chip: $what: exactly the range reads 0xff, the rest unchanged" same "$T/got" "$T/win"
	se=$(op_count "$sector_op") be=$(op_count "$block_op")
	check "$chip: $what: $want_se sector + $want_be block erases (saw $se + $be)" \
		test "$se $be" = "$want_se $want_be"
	check "$chip: $what: no 32 KiB or chip erase, nothing dropped" test \
		"$(op_count 0x52)$(op_count 0xc7)$(op_count 0x60)$(sim_stat ignored_busy)$(sim_stat ignored_wel)" = 00000
}

sim_stat() {
	awk -v k="$1" '$1 == k { print $2 }' "$SIM/stats"
}

# refused NAME START LEN: EINVAL, and the chip saw no erase at all.
refused() {
	rand "$T/win" $WIN
	sim_put "$T/win" 0
	echo 0 > "$SIM/stats"
	rc=$(erase "$2" "$3")
	check "$chip: $1: MEMERASE $2+$3 fails with EINVAL" test "$rc" = EINVAL
	sim_get "$T/got" 0 $WIN
	check "$chip: $1: nothing erased" same "$T/got" "$T/win"
	check "$chip: $1: no erase command sent" test \
		"$(op_count "$sector_op")$(op_count "$block_op")" = 00
}

one_model() {
	chip=$1 sector_op=$2 block_op=$3
	shift 3
	if ! sim_load "$chip" "$@"; then
		not_ok "$chip: flashsim loads"
		return
	fi
	if ! flash_load writeable=1; then
		not_ok "$chip: mectl_flash attaches spi0.0"
		return
	fi
	check "$chip: sysfs block_erase_size 65536" test "$(cat $SPI/block_erase_size)" = 65536

	case_ "head, 2 blocks, tail" 0 0x1000 0x30000 16 2
	case_ "one aligned block" 0 0x40000 0x10000 0 1
	case_ "inside one block" 0 0x52000 0x3000 3 0
	case_ "blocks only, no head or tail" 0 0x20000 0x40000 0 4
	case_ "one sector" 0 0x7f000 0x1000 1 0
	refused "start off the 4 KiB grid" 0x10800 0x10000
	refused "length off the 4 KiB grid" 0x10000 0x10800
	if [ "$(sim_size)" -gt $((0x1000000)) ]; then
		case_ "across 16 MiB" 0xfc0000 0xfef000 0x22000 2 2
		case_ "block at 16 MiB" 0xfc0000 0x1000000 0x10000 0 1
	fi
	flash_unload
}

one_model w25q64fv 0x20 0xd8
one_model w25q128fv 0x20 0xd8
one_model w25q256fv 0x20 0xd8
one_model w25q256jv 0x21 0xdc
one_model mx25l6406e 0x20 0xd8
# Datasheet busy times (45 ms per sector, 150 ms per block): every command
# after an erase must wait for it, or flashsim drops it (ignored_busy).
if sim_load w25q64fv timing=1 && flash_load writeable=1; then
	case_ "timed: head, block, tail" 0 0xf000 0x12000 2 1
	flash_unload
else
	not_ok "w25q64fv timing=1: loads and attaches"
fi

# A GigaDevice id (gd25q64 in spi-nor's table): no block erase in vendor.c.
if sim_load w25q64fv && echo c84017 > "$SIM/jedec_override" && flash_load writeable=1; then
	chip=gd25q64
	check "gd25q64: sysfs block_erase_size 0" test "$(cat $SPI/block_erase_size)" = 0
	sector_op=0x20 block_op=0xd8
	case_ "aligned block by sectors" 0 0x10000 0x10000 16 0
	flash_unload
else
	not_ok "gd25q64 (jedec_override c84017): loads and attaches"
fi

# Stuck busy: the block erase waits out its 40 s timeout and fails, naming
# the block; opt-in like faults.sh's stuck-busy case.
if [ "${MECTL_FLASH_SLOW:-0}" = 1 ]; then
	sim_load w25q64fv && flash_load writeable=1
	echo 1 > "$SIM/stuck_busy"
	dmesg_mark stuck
	rc=$(erase 0x10000 0x10000)
	echo 0 > "$SIM/stuck_busy"
	check "stuck busy: the block erase fails with ETIMEDOUT" test "$rc" = ETIMEDOUT
	n=$(dmesg_since_mark stuck | grep -c 'block at 0x10000 failed: -110')
	check "stuck busy: one kernel line names the block" test "$n" = 1
	flash_unload
else
	diag "stuck busy (40 s) skipped; MECTL_FLASH_SLOW=1 runs it"
fi
finish
