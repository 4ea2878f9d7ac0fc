#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mectl neutralize vs the seed guide's workflow, on the same simulated chip with
# flashsim's timing model (W25Q64FV, 8 MHz SPI clock, datasheet-typical busy times):
#
#   seed:   flashrom -r a.rom; flashrom -r b.rom; cmp a.rom b.rom;
#           mectl clean -S a.rom -O mod.rom (me_cleaner -S, in-process); flashrom -w mod.rom
#   mectl:  mectl neutralize --mtd N --backup FILE   (through mectld, -S by default)
#
# Both start from the lumpy ME7 image and must end with me_cleaner -S's bytes on the
# chip (checked). Prints both wall times and the ratio (goal <= 0.5).
#
# On the host this boots the test VM with itself as the only test; in the VM (root,
# --in-vm) it does the measuring.
set -u
cd "$(dirname "$0")/../.."
SRC=$(pwd)

if [ "${1:-}" != --in-vm ]; then
	out=$SRC/build/results/bench-neutralize
	[ -n "${VM_KVER:-}" ] && [ -n "${VM_MODULES:-}" ] ||
		{ echo "bench/neutralize: run by make bench (VM_KVER, VM_MODULES)" >&2; exit 1; }
	VM_TEST_TIMEOUT=900 tests/vm/run.sh "$out" "bench/neutralize/run.sh --in-vm" >/dev/null || {
		echo "bench/neutralize: the VM run failed (see $out/console.log)" >&2
		exit 1
	}
	cat "$out"/001-run.sh.tap
	grep -q '^ratio' "$out"/001-run.sh.tap
	exit $?
fi

SHARED=${MECTL_SHARED:-$SRC/../shared}
MECTL=$SRC/build/mectl
T=$(mktemp -d /tmp/bench-neutralize.XXXXXX)
SIM=/sys/kernel/debug/flashsim
HZ=8000000
FLASHROM="flashrom -p linux_spi:dev=/dev/spidev0.0,spispeed=$((HZ / 1000)) -c W25Q64BV/W25Q64CV/W25Q64FV"
DPID= BPID=

cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	[ -n "$BPID" ] && kill "$BPID" 2>/dev/null && wait "$BPID" 2>/dev/null
	rmmod mectl_flash 2>/dev/null
	rmmod flashsim 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
die() { echo "bench/neutralize: $*" >&2; exit 1; }
now() { date +%s.%N; }
chip_sha() { sha256sum "$SIM/data" | cut -d' ' -f1; }

rmmod mectl_flash flashsim 2>/dev/null
xz -dc "$SHARED/testdata/images/full_cb_lumpy_me7_8M.bin.xz" > "$T/orig.bin" || die "no lumpy image"
S_SHA=$(awk '$2 == "out.bin" { print $1 }' "$SHARED/testdata/me_cleaner/full_cb_lumpy_me7_8M/S/sha256")

modprobe flashsim bus_num=0 chip=w25q64fv clock_hz=$HZ timing=1 || die "cannot load flashsim"
dd if="$T/orig.bin" of="$SIM/data" bs=1M conv=notrunc status=none
for _ in $(seq 50); do [ -e /dev/spidev0.0 ] && break; sleep 0.1; done

# --- the seed guide's workflow -----------------------------------------------------
t0=$(now)
$FLASHROM -r "$T/original.rom" >"$T/fr1.log" 2>&1 || die "flashrom -r failed: $(tail -n2 "$T/fr1.log")"
ta=$(now)
$FLASHROM -r "$T/original2.rom" >"$T/fr2.log" 2>&1 || die "second flashrom -r failed"
tb=$(now)
cmp -s "$T/original.rom" "$T/original2.rom" || die "the two flashrom reads differ"
"$MECTL" clean -S "$T/original.rom" -O "$T/modified.rom" >"$T/clean.log" 2>&1 || die "mectl clean -S failed"
tc=$(now)
$FLASHROM -w "$T/modified.rom" >"$T/fw.log" 2>&1 || die "flashrom -w failed: $(tail -n2 "$T/fw.log")"
t1=$(now)
printf '# seed steps: read %.1f s, read %.1f s, cmp+clean %.1f s, write %.1f s\n' \
	"$(echo "$ta - $t0" | bc -l)" "$(echo "$tb - $ta" | bc -l)" "$(echo "$tc - $tb" | bc -l)" \
	"$(echo "$t1 - $tc" | bc -l)"
[ "$(chip_sha)" = "$S_SHA" ] || die "after the seed workflow the chip is not me_cleaner -S's output"
seed=$(echo "$t1 - $t0" | bc -l)

# --- mectl neutralize -----------------------------------------------------------------
dd if="$T/orig.bin" of="$SIM/data" bs=1M conv=notrunc status=none
modprobe mectl_flash bus=0 cs=0 speed_hz=$HZ || die "cannot load mectl_flash"
MTD=$(grep -l . /sys/class/mtd/mtd*/name | head -n1 | sed 's#.*/mtd\([0-9]*\)/name#\1#')
printf '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><auth>EXTERNAL</auth><listen>unix:path=%s/bus.sock</listen>
<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/></policy></busconfig>\n' "$T" > "$T/bus.conf"
dbus-daemon --config-file="$T/bus.conf" --nofork --nopidfile 2>/dev/null &
BPID=$!
for _ in $(seq 50); do [ -S "$T/bus.sock" ] && break; sleep 0.1; done
BUS=unix:path=$T/bus.sock
"$SRC/build/mectld" --bus="$BUS" --state-dir="$T/state" 2>"$T/mectld.log" &
DPID=$!
for _ in $(seq 100); do "$MECTL" jobs --bus="$BUS" >/dev/null 2>&1 && break; sleep 0.1; done

t0=$(now)
"$MECTL" neutralize --mtd "$MTD" --backup "$T/backup.bin" --json --bus="$BUS" >"$T/neutralize.json" 2>&1 ||
	die "mectl neutralize failed: $(tail -n2 "$T/neutralize.json")"
t1=$(now)
python3 -c "
import json,sys
r = json.load(open('$T/neutralize.json'))['result']
print('# neutralize phases: ' + ', '.join('%s %.1f s' % kv for kv in r['phases'].items()) +
      '; engine %.1f s beside the reads' % r['engine_seconds'])"
[ "$(chip_sha)" = "$S_SHA" ] || die "after neutralize the chip is not me_cleaner -S's output"
cmp -s "$T/backup.bin" "$T/orig.bin" || die "the neutralize backup is not the original"
ours=$(echo "$t1 - $t0" | bc -l)

printf 'seed workflow (flashrom -r x2, cmp, mectl clean -S, flashrom -w): %.1f s\n' "$seed"
printf 'mectl neutralize (read x2, compare, backup, check, clean, write, verify): %.1f s\n' "$ours"
printf 'ratio neutralize/seed = %.2f (goal <= 0.5) at %d MHz, W25Q64FV timings\n' \
	"$(echo "$ours / $seed" | bc -l)" $((HZ / 1000000))
