#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The main job, end to end, inside the test VM (make demo): a simulated BIOS chip
# holding a real firmware image (Samsung Lumpy, ME 7.1), the real flash module on the
# simulated SPI bus, mectld on a real dbus-daemon, one `mectl neutralize`, then
# `mectl status` against simulated target registers before and after.
#
# Only the hardware is simulated (flashsim.ko: SPI controller + W25Q64FV; the target's
# HFSTS registers via mectl_me sim_hfsts=, and meisim.ko for /dev/mei). Everything
# else is what runs on a Raspberry Pi and on the target PC.
set -u
cd "$(dirname "$0")/../.."
SRC=$(pwd)
SHARED=${MECTL_SHARED:-$SRC/../shared}
MECTL=$SRC/build/mectl
T=$(mktemp -d /tmp/demo.XXXXXX)
BUS=unix:path=$T/bus.sock
SIM=/sys/kernel/debug/flashsim
IMAGE=$SHARED/testdata/images/full_cb_lumpy_me7_8M.bin.xz
EXPECT=$SHARED/testdata/me_cleaner/full_cb_lumpy_me7_8M/S/sha256
CLOCK_HZ=${DEMO_CLOCK_HZ:-0}
DPID= BPID=
failed=0

cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	[ -n "$BPID" ] && kill "$BPID" 2>/dev/null && wait "$BPID" 2>/dev/null
	rmmod mectl_flash flashsim mectl_me meisim 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

t0=$(date +%s.%N)
phase_start=$t0
phase() {
	printf '\n== %s\n' "$*"
	phase_start=$(date +%s.%N)
}
since() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }
took() { echo "   ($(since "$phase_start") s)"; }
die() {
	echo "demo: $*" >&2
	echo "not ok 1 - demo: $*"
	exit 1
}
say() { echo "   $*"; }
run() { echo "   \$ $*"; "$@" 2>&1 | sed 's/^/     /'; return "${PIPESTATUS[0]}"; }

echo "mectl demo — neutralise the Intel ME of a simulated target PC"

phase "1. The target's BIOS chip, clipped to the programmer (simulated)"
modprobe flashsim bus_num=0 chip=w25q64fv clock_hz="$CLOCK_HZ" || die "cannot load flashsim"
xz -dc "$IMAGE" > "$T/original.bin" || die "no firmware image at $IMAGE"
dd if="$T/original.bin" of="$SIM/data" bs=1M conv=notrunc status=none || die "cannot preload the chip"
say "W25Q64FV (8 MiB) on spi0.0, bound to spidev as on a Pi with dtparam=spi=on"
say "holding $(basename "$IMAGE" .xz): flash descriptor + ME 7.1.40.1161 (Samsung Lumpy)"
[ "$CLOCK_HZ" -gt 0 ] && say "SPI clock model: $CLOCK_HZ Hz"
took

phase "2. The programmer: modprobe mectl_flash bus=0 cs=0 (replaces pigpio + flashrom -p linux_spi)"
run modprobe mectl_flash bus=0 cs=0 || die "mectl_flash did not attach"
dmesg | grep -i mectl_flash | tail -n 2 | sed 's/^/   /'
mtd=$(for d in /sys/class/mtd/mtd*; do
	[ -f "$d/name" ] && grep -q mectl "$d/name" && basename "$d"; done | grep -v ro | head -n1)
[ -n "$mtd" ] || die "no MTD device from mectl_flash"
say "/dev/$mtd: $(cat /sys/class/mtd/$mtd/name), $(cat /sys/class/mtd/$mtd/size) bytes, erase block $(cat /sys/class/mtd/$mtd/erasesize)"
took

phase "3. mectld on D-Bus (a private bus here; the system bus on a Pi)"
sed -e "s#@BUS_SOCKET@#$T/bus.sock#" -e "s#@POLICY@#$SRC/daemon/org.mectl1.conf#" \
	tests/selftests/daemon/test-bus.conf > "$T/bus.conf"
dbus-daemon --config-file="$T/bus.conf" --nofork --nopidfile & BPID=$!
for _ in $(seq 50); do [ -S "$T/bus.sock" ] && break; sleep 0.1; done
"$SRC/build/mectld" --bus="$BUS" --state-dir="$T/state" > "$T/mectld.log" 2>&1 & DPID=$!
for _ in $(seq 100); do "$MECTL" jobs --bus="$BUS" >/dev/null 2>&1 && break; sleep 0.1; done
run "$MECTL" probe --bus="$BUS" --mtd "/dev/$mtd" || die "probe failed"
took

phase "4. mectl neutralize: read twice, compare, keep a backup, check, clean (-S), write changed blocks, verify"
run "$MECTL" neutralize --bus="$BUS" --mtd "/dev/$mtd" --backup "$T/backup.bin" ||
	die "neutralize failed (mectld log: $(tail -n 3 "$T/mectld.log"))"
took

phase "5. What is on the chip now"
chip=$(sha256sum < "$SIM/data" | cut -d' ' -f1)
want=$(awk '$2 == "out.bin" { print $1 }' "$EXPECT")
back=$(sha256sum < "$T/backup.bin" | cut -d' ' -f1)
orig=$(sha256sum < "$T/original.bin" | cut -d' ' -f1)
say "chip (read back by the simulator): $chip"
say "me_cleaner -S output (reference):  $want"
if [ "$chip" = "$want" ]; then say "=> identical to me_cleaner -S"; else say "=> DIFFERENT"; failed=1; fi
if [ "$back" = "$orig" ]; then say "backup equals the original image"; else say "backup DIFFERS from the original"; failed=1; fi
took

status() {
	modprobe mectl_me sim_hfsts="$1" sim_device=0x1c3a || die "cannot load mectl_me"
	# The firmware version the image on the chip carries (me_cleaner -c says so).
	modprobe meisim mode="$2" fw_version=7.1.40.1161 || die "cannot load meisim"
	run "$MECTL" status --mei /dev/meisim0
	rc=$?
	rmmod meisim mectl_me
	return $rc
}
phase "6. The target before: mectl status on a running ME 7 (simulated 6 Series HECI 8086:1c3a)"
status 0x00000245,0x60000000 enabled
rc=$?
say "exit status $rc (1 = enabled)"
[ "$rc" -eq 1 ] || failed=1
took

phase "7. The target after booting the cleaned image (the seed guide's registers of a disabled ME)"
status 0x1e020191,0x104d0142 disabled
rc=$?
say "exit status $rc (0 = disabled)"
[ "$rc" -eq 0 ] || failed=1
took

printf '\n== total %s s\n' "$(since "$t0")"
if [ "$failed" -eq 0 ]; then
	echo "ok 1 - demo: chip neutralised, identical to me_cleaner -S, status enabled -> disabled"
else
	echo "not ok 1 - demo"
	exit 1
fi
