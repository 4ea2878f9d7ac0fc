#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Internal flashing through the MTD backend, the path of a PC whose kernel has the
# spi-intel driver: it registers the chip with the stock spi-nor driver and one
# partition, "BIOS", over it. Here the same stack stands on flashsim: spi-nor takes
# spi0.0 over from spidev, a "BIOS" partition is added on its MTD device (mtdpart,
# BLKPG), and mectld.conf names it (InternalMTD=BIOS). The descriptors are real (the
# test images); the access cases come from FLMSTR1 and from a read-only MTD device
# (a partition that does not end on an erase block, which the kernel makes read-only
# as spi-intel makes its own without writeable=1):
#  - fbg1701 (FLMSTR1 0xffff0000): the whole -S job through mectld; the chip then
#    holds me_cleaner -S's output, flashsim erased and programmed the changed erase
#    blocks only; restore --internal puts the original back;
#  - lumpy with FLMSTR1 0x0e0f0000: module removal only, the descriptor untouched;
#  - lumpy as shipped (the ME region locked to the host): refused in the pre-flight
#    after reading the descriptor alone, flashsim's erase and program counters at 0;
#  - the read-only partition: refused in the pre-flight, naming writeable=1;
#  - InternalMTD=auto where no device is bound to spi-intel: refused, naming it.
# mectl check --internal shows each case's live pre-flight. What a report says mectl
# status will show after the power cycle is what mectl status prints for the
# registers of that outcome (mectl_me's simulated HFSTS: the seed guide's sample of a
# parked ME, an Image Failure at M0 kernel load). In the VM, as root.
set -u
cd "$(dirname "$0")/../../.."
. tests/selftests/daemon/lib.sh
daemon_test internal-mtd
TD=$SHARED/testdata
SPI=/sys/bus/spi
[ -d "$TD/me_cleaner" ] || skip_all "no testdata in $SHARED"
command -v mtdpart >/dev/null || skip_all "no mtdpart (mtd-utils)"

on_exit() { rmmod mectl_me 2>/dev/null; }

job_phase() { "$MECTL" job --bus="$BUS" --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["phase"])'; }
# flashsim's counters: the erase and program commands it executed, array bytes it drove
sim_ops() {
	awk -v re="^($1)\$" '$1 == "op" && $3 ~ re { n += $4 } END { print n + 0 }' "$SIM/stats"
}
writes() { sim_ops 'PP|PP4|SE|SE4|BE32|BE64|BE64_4|CE|CE60|WRSR|WRSR2|WRSR3'; }
bytes_out() { awk '$1 == "bytes_out" { print $2 }' "$SIM/stats"; }
# differing 4 KiB blocks of two files
blocks_differing() {
	python3 -c "import sys; a=open(sys.argv[1],'rb').read(); b=open(sys.argv[2],'rb').read(); print(sum(a[i:i+4096] != b[i:i+4096] for i in range(0, len(a), 4096)))" "$1" "$2"
}

# chip FILE: FILE onto flashsim's chip, counters reset
chip() {
	dd if="$1" of="$SIM/data" bs=1M conv=notrunc status=none
	echo 0 > "$SIM/stats"
}
# bios SIZE: the "BIOS" partition over the chip's first SIZE bytes; PART its index
bios() {
	local old
	old=$(awk -F: '/"BIOS"/ { sub("mtd", "", $1); print $1 }' /proc/mtd)
	[ -z "$old" ] || mtdpart del "/dev/$MASTER" "$old" || return 1
	mtdpart add "/dev/$MASTER" BIOS 0 "$1" || return 1
	PART=$(awk -F: '/"BIOS"/ { sub("mtd", "", $1); print $1 }' /proc/mtd)
	[ -n "$PART" ]
}
config() {
	printf 'Group=\nInternalMTD=%s\n' "$1" > "$T/mectld.conf"
	stop_daemon
	start_daemon --config="$T/mectld.conf"
}
# live NAME: mectl check --internal (this chip, through mectld); $T/live-NAME.{out,rc}
live() {
	"$MECTL" check --internal --bus="$BUS" > "$T/live-$1.out" 2>&1 < /dev/null
	echo $? > "$T/live-$1.rc"
}
# neutralize NAME [FLAGS]: the job; stdout+stderr and rc in $T/NAME.{out,rc}
neutralize() {
	local name=$1
	shift
	"$MECTL" neutralize --bus="$BUS" --internal --backup "$T/$name.backup" "$@" \
		> "$T/$name.out" 2>&1 < /dev/null
	echo $? > "$T/$name.rc"
}
# status_shows ID HFSTS DEVICE: mectl status, on simulated registers of the outcome,
# lists every indicator and prints every line job ID's report expects
status_shows() {
	local ind
	modprobe mectl_me sim_hfsts="$2" sim_device="$3" || return 1
	ind=" $(cat /sys/class/intel_me/me0/indicators) "
	"$MECTL" status --no-mei > "$T/status.out"
	rmmod mectl_me
	grep -q '^ME disabled: yes$' "$T/status.out" || return 1
	job_result "$1" expect | python3 -c '
import json, sys
e = json.load(sys.stdin)
ind, out = sys.argv[1].split(), open(sys.argv[2]).read().splitlines()
assert e["disabled"] == "yes" and e["indicators"] and e["lines"], e
missing = [i for i in e["indicators"] if i not in ind] + [l for l in e["lines"] if l not in out]
sys.exit(1 if missing else 0)' "$ind" "$T/status.out"
}

# --- fixtures: flashsim, spi-nor on spi0.0, a BIOS partition ---------------------------
xz -dc "$TD/images/full_cb_fbg1701_txe2_8M.bin.xz" > "$T/full.bin" || skip_all "no fbg1701 image"
xz -dc "$TD/images/full_cb_lumpy_me7_8M.bin.xz" > "$T/lumpy.bin" || skip_all "no lumpy image"
xz -dc "$TD/me_cleaner/full_cb_fbg1701_txe2_8M/S/out.bin.xz" > "$T/full-S.bin"
xz -dc "$TD/me_cleaner/full_cb_lumpy_me7_8M/plain/out.bin.xz" > "$T/plain.bin"
cp "$T/plain.bin" "$T/plain-locked.bin"
[ "$(sha "$T/full-S.bin")" = "$(expected full_cb_fbg1701_txe2_8M S)" ] ||
	skip_all "me_cleaner's -S output does not match its sha256"
cp "$T/lumpy.bin" "$T/meonly.bin"
flmstr1 "$T/meonly.bin" 0x0e0f0000
flmstr1 "$T/plain.bin" 0x0e0f0000
modprobe flashsim bus_num=0 chip=w25q64fv || skip_all "flashsim not available"
modprobe spi-nor || skip_all "no spi-nor module"
echo spi0.0 > $SPI/drivers/spidev/unbind && echo spi-nor > $SPI/devices/spi0.0/driver_override &&
	echo spi0.0 > $SPI/drivers/spi-nor/bind
MASTER=$(awk -F: '/"spi0.0"/ { print $1 }' /proc/mtd)
[ -n "$MASTER" ] || skip_all "spi-nor registered no MTD device on spi0.0"
check "a BIOS partition over the whole chip on spi-nor's MTD device" bios 8388608

start_bus
chmod 755 "$T"
config BIOS
check "mectld starts with InternalMTD=BIOS" kill -0 "$DPID"

# --- 1. fbg1701: the host may write everything ---------------------------------------
chip "$T/full.bin"
live full
check "check --internal (live): exit 0, the MTD device, writeable, no locks, verdict yes" \
	test "$(cat "$T/live-full.rc")" = 0 \
	-a -n "$(grep -x "Chip: /dev/mtd$PART (BIOS), 8388608 bytes, through the MTD device (drivers: spi-nor < flashsim), writeable: yes" "$T/live-full.out")" \
	-a -n "$(grep -x 'Controller locks: none reported' "$T/live-full.out")" \
	-a -n "$(grep -x 'Internal flashing: yes: the host can write the ME region and the descriptor (FLMSTR1 = 0xffff0000)' "$T/live-full.out")"
echo 0 > "$SIM/stats"
neutralize full
id=$(last_job)
note "$(tail -n 2 "$T/full.out" | head -c 600)"
check "neutralize --internal: exit 0" test "$(cat "$T/full.rc")" = 0
check "... the chip holds me_cleaner -S's output" test "$(chip_sha)" = "$(sha "$T/full-S.bin")"
check "... the backup file is the chip as it was" test "$(sha "$T/full.backup")" = "$(sha "$T/full.bin")"
changed=$(blocks_differing "$T/full.bin" "$T/full-S.bin")
note "changed 4 KiB blocks: $changed; flashsim: SE $(sim_ops SE), PP $(sim_ops PP)"
check "... the MTD backend, the descriptor and ME region written, verified" \
	test "$(job_result "$id" backend)" = mtd -a "$(job_result "$id" regions_written)" = '["fd", "me"]' \
	-a "$(job_result "$id" verified)" = true -a "$(job_result "$id" hap_set)" = true
check "... only the changed erase blocks: flashsim erased exactly them, the report says so" \
	test "$(sim_ops 'SE|SE4|BE32|BE64|BE64_4|CE|CE60')" = "$changed" \
	-a "$(job_result "$id" blocks_changed)" = "$changed" -a "$(job_result "$id" blocks_erased)" = "$changed"
check "... every page programmed is one the report counts" \
	test "$(sim_ops 'PP|PP4')" = "$(job_result "$id" pages_programmed)"
check "... the expectation (HAP set: parked in bring-up) is what mectl status shows for it" \
	status_shows "$id" 0x1e020191,0x104d0142 0x9c3a
"$MECTL" restore --bus="$BUS" --internal "$T/full.backup" > "$T/restore.out" 2>&1 < /dev/null
check "restore --internal: exit 0, the chip holds the original again" \
	test $? = 0 -a "$(chip_sha)" = "$(sha "$T/full.bin")"

# --- 2. lumpy, ME region writable, descriptor read-only -------------------------------
chip "$T/meonly.bin"
live meonly
check "check --internal (live): exit 0, ME region only" \
	test "$(cat "$T/live-meonly.rc")" = 0 \
	-a -n "$(grep -x 'Internal flashing: ME region only: the host can write the ME region, not the descriptor (FLMSTR1 = 0x0e0f0000)' "$T/live-meonly.out")"
neutralize meonly
id=$(last_job)
check "ME only: exit 0, the chip holds me_cleaner's output without -S" \
	test "$(cat "$T/meonly.rc")" = 0 -a "$(chip_sha)" = "$(sha "$T/plain.bin")"
check "... the descriptor untouched, the ME region alone written, no HAP bit; the message says so" \
	test "$(head -c 4096 "$SIM/data" | sha256sum)" = "$(head -c 4096 "$T/meonly.bin" | sha256sum)" \
	-a "$(job_result "$id" regions_written)" = '["me"]' -a "$(job_result "$id" hap_set)" = false \
	-a -n "$(grep 'module removal only' "$T/meonly.out")"
check "... the expectation (Image Failure, M0 kernel load) is what mectl status shows for it" \
	status_shows "$id" 0x1e003052,0x10320002 0x1c3a

# --- 3. lumpy as shipped: the ME region is locked to the host --------------------------
chip "$T/lumpy.bin"
live locked
check "check --internal (live): exit 1, verdict no, FLMSTR1, the ME row, the ways out" \
	test "$(cat "$T/live-locked.rc")" = 1 \
	-a -n "$(grep -x 'Internal flashing: no: the ME region is not writable by the host (FLMSTR1 = 0x0a0b0000)' "$T/live-locked.out")" \
	-a -n "$(grep -E '^  2 +ME +0x00001000-0x0017ffff +no +no$' "$T/live-locked.out")" \
	-a -n "$(grep '^  way out: the Flash Descriptor Security Override strap' "$T/live-locked.out")" \
	-a -n "$(grep '^  way out: an external programmer' "$T/live-locked.out")"
echo 0 > "$SIM/stats"
neutralize locked
id=$(last_job)
check "ME locked: refused (exit 1) in the pre-flight, naming FLMSTR1, nothing written" \
	test "$(cat "$T/locked.rc")" = 1 -a "$(job_phase "$id")" = preflight \
	-a -n "$(grep 'FLMSTR1 = 0x0a0b0000.*the chip was not touched' "$T/locked.out")" \
	-a "$(job_result "$id" chip_touched)" = false -a ! -e "$T/locked.backup"
note "flashsim after the refusal: erase/program commands $(writes), bytes out $(bytes_out)"
check "... flashsim executed no erase and no program command, and drove the descriptor alone" \
	test "$(writes)" = 0 -a "$(bytes_out)" -le 8192 -a "$(chip_sha)" = "$(sha "$T/lumpy.bin")"
"$MECTL" restore --bus="$BUS" --internal --force "$T/plain-locked.bin" > "$T/lrestore.out" 2>&1 < /dev/null
check "restore --internal --force onto the locked ME region: refused, naming it; counters still 0" \
	test $? = 1 -a -n "$(grep 'differs from the chip in the ME region, which the host cannot write (FLMSTR1 = 0x0a0b0000)' "$T/lrestore.out")" \
	-a "$(writes)" = 0 -a "$(chip_sha)" = "$(sha "$T/lumpy.bin")"

# --- 4. a read-only MTD device (spi-intel without writeable=1) -------------------------
chip "$T/full.bin"
check "the BIOS partition made read-only (it ends 2 KiB short of an erase block)" \
	bios $((8388608 - 2048))
live ro
check "check --internal (live): exit 1, writeable: no, the lock, verdict no by the controller, writeable=1" \
	test "$(cat "$T/live-ro.rc")" = 1 \
	-a -n "$(grep "^Chip: /dev/mtd$PART (BIOS), .*writeable: no$" "$T/live-ro.out")" \
	-a -n "$(grep -x "  /dev/mtd$PART (BIOS) is read-only (no MTD_WRITEABLE)" "$T/live-ro.out")" \
	-a -n "$(grep -x "Internal flashing: no: the controller keeps the ME region from the host: /dev/mtd$PART (BIOS) is read-only (no MTD_WRITEABLE)" "$T/live-ro.out")" \
	-a -n "$(grep '^  way out: spi-intel registers it read-only unless loaded with writeable=1' "$T/live-ro.out")"
echo 0 > "$SIM/stats"
neutralize ro
id=$(last_job)
check "read-only MTD: refused (exit 1) in the pre-flight, naming writeable=1, nothing written" \
	test "$(cat "$T/ro.rc")" = 1 -a "$(job_phase "$id")" = preflight \
	-a -n "$(grep 'writeable=1' "$T/ro.out")" -a "$(writes)" = 0 \
	-a "$(chip_sha)" = "$(sha "$T/full.bin")" -a ! -e "$T/ro.backup"
check "... its result: mtd_writeable false, the lock in the pre-flight" \
	test "$(job_result "$id" mtd_writeable)" = false \
	-a "$(job_result "$id" preflight | python3 -c 'import json,sys; p=json.load(sys.stdin); print(p["verdict"], len(p["locks"]), p["writable"])')" = "none 1 []"

# --- 5. InternalMTD=auto: no device bound to spi-intel here ----------------------------
config auto
live auto
check "InternalMTD=auto without spi-intel: check --internal says so (exit 1)" \
	test "$(cat "$T/live-auto.rc")" = 1 \
	-a -n "$(grep "no MTD device of the kernel's spi-intel driver" "$T/live-auto.out")"
neutralize auto
check "... and neutralize --internal is refused, naming CONFIG_SPI_INTEL_PCI, nothing written" \
	test "$(cat "$T/auto.rc")" = 1 -a -n "$(grep 'CONFIG_SPI_INTEL_PCI' "$T/auto.out")" \
	-a "$(writes)" = 0 -a ! -e "$T/auto.backup"

daemon_finish
