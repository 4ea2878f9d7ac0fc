#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mectl neutralize --internal through mectld (a private bus), on libflashrom's dummy
# programmer emulating an 8 MiB MX25L6436 on an image file: the chip model is
# flashrom's, the path through libflashrom the one `internal` takes. Three chips, each
# a real descriptor of $SHARED's test images:
#  - fbg1701 (FLMSTR1 0xffff0000, the host may write all): the whole -S job; the chip
#    then holds me_cleaner -S's output, byte for byte;
#  - lumpy with FLMSTR1 made 0x0e0f0000 (ME region writable, descriptor not): module
#    removal only, the descriptor untouched; the chip holds me_cleaner's output
#    without -S (with the same FLMSTR1);
#  - lumpy as shipped (FLMSTR1 0x0a0b0000, the ME region locked): refused in the
#    pre-flight, before the chip is read whole, with the ways out; no erase or program
#    command reached the chip model. The dummy programmer writes its image file back
#    at shutdown only when one did (its emu_modified flag, set by every erase and
#    program command the model executes, whatever the bytes): an unchanged mtime is
#    the model's own record of no erase and no write, and the ME-only case shows the
#    same record changing when the job writes.
# `mectl check --internal` without FILE shows each chip's live pre-flight through
# mectld (a probe job of the host's chip). And the refusals before a job exists:
# internal flashing not configured, --internal with --mtd, --internal on another
# verb, a uid that may not run chip jobs.
set -u
cd "$(dirname "$0")/../../.."
. tests/selftests/daemon/lib.sh
bus_test internal
TD=$SHARED/testdata
[ -d "$TD/me_cleaner" ] || skip_all "no testdata in $SHARED"


# chip NAME IMAGE: $T/NAME.bin is the emulated chip, mectld.conf names it; mectld restarts.
chip() {
	xz -dc "$TD/images/$2.bin.xz" > "$T/$1.bin"
	printf 'InternalProgrammer=dummy:emulate=MX25L6436,image=%s\nInternalChip=MX25L6405D\n' \
		"$T/$1.bin" > "$T/mectld.conf"
}
restart() {
	stop_daemon
	start_daemon --config="$T/mectld.conf"
}
# live NAME: mectl check --internal on the configured chip; $T/live-NAME.{out,err,rc}
live() {
	"$MECTL" check --internal --bus="$BUS" > "$T/live-$1.out" 2> "$T/live-$1.err" < /dev/null
	echo $? > "$T/live-$1.rc"
}
# neutralize NAME [FLAGS]: the job on chip NAME; stdout/stderr/rc in $T/NAME.{out,err,rc}
neutralize() {
	local name=$1
	shift
	"$MECTL" neutralize --bus="$BUS" --internal --backup "$T/$name.backup" "$@" \
		> "$T/$name.out" 2> "$T/$name.err" < /dev/null
	echo $? > "$T/$name.rc"
}

start_bus || { nok "dbus-daemon starts"; exit 1; }
echo "Group=" > "$T/mectld.conf"
check "mectld starts without InternalProgrammer=" start_daemon --config="$T/mectld.conf"

# 0. Refusals before any job.
"$MECTL" neutralize --bus="$BUS" --internal --backup "$T/x.backup" > "$T/off.out" 2> "$T/off.err"
check "not configured: exit 1, one line naming InternalProgrammer=, no backup file" \
	test $? = 1 -a "$(wc -l < "$T/off.err")" = 1 -a ! -e "$T/x.backup" \
	-a -n "$(grep 'InternalProgrammer=' "$T/off.err")"
chip full full_cb_fbg1701_txe2_8M
restart
"$MECTL" neutralize --bus="$BUS" --internal --mtd 0 --backup "$T/x.backup" 2> "$T/both.err"
check "--internal with --mtd: exit 1, one line" \
	test $? = 1 -a "$(wc -l < "$T/both.err")" = 1 -a -n "$(grep 'internal and mtd' "$T/both.err")"

# 1. fbg1701: the host may write everything: me_cleaner -S's output on the chip.
live full
check "check --internal (live): exit 0, the chip through libflashrom, no locks, verdict yes" \
	test "$(cat "$T/live-full.rc")" = 0 \
	-a -n "$(grep -x 'Chip: MX25L6405D, 8388608 bytes, through libflashrom.s programmer dummy' "$T/live-full.out")" \
	-a -n "$(grep -x 'Controller locks: none reported' "$T/live-full.out")" \
	-a -n "$(grep -x 'Internal flashing: yes: the host can write the ME region and the descriptor (FLMSTR1 = 0xffff0000)' "$T/live-full.out")"
"$MECTL" check --internal "$T/full.bin" > "$T/offline-full.out"
check "... the table the offline check prints of the same bytes" \
	test "$(grep '^  [0-9]' "$T/offline-full.out")" = "$(grep '^  [0-9]' "$T/live-full.out")"
orig=$(sha "$T/full.bin")
neutralize full
id=$(last_job)
check "full access: the job succeeds (exit 0)" test "$(cat "$T/full.rc")" = 0
check "... the chip holds me_cleaner -S's output" \
	test "$(sha "$T/full.bin")" = "$(expected full_cb_fbg1701_txe2_8M S)"
check "... the backup file is the chip as it was" test "$(sha "$T/full.backup")" = "$orig"
check "... mectld keeps it once, no staged copy left beside it" \
	test "$(ls -A "$STATE/backups")" = "flashrom-MX25L6405D-8388608-$orig.bin"
check "... the report: verdict full, HAP set, ME region and descriptor written, verified" \
	test "$(job_result "$id" host_access | python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])')" = full \
	-a "$(job_result "$id" hap_set)" = true -a "$(job_result "$id" regions_written)" = '["fd", "me"]' \
	-a "$(job_result "$id" verified)" = true
check "... and what mectl status should say after a power cycle: the ME parked in its bring-up (HAP set)" \
	test "$(job_result "$id" expect | python3 -c 'import json,sys; e=json.load(sys.stdin); print(e["disabled"], e["indicators"])')" = "yes ['firmware_init_complete', 'working_state', 'operation_state', 'progress_phase']"
check "... the message says so" grep -q 'mectl status should say: ME disabled: yes, with the ME parked in its bring-up' "$T/full.out"
check "... the undo line names restore --internal" \
	grep -q '^The original is in .*full.backup. To undo: mectl restore --internal .*full.backup$' \
	"$T/full.out"

"$MECTL" restore --bus="$BUS" --internal "$T/full.backup" > "$T/full-restore.out" 2>&1 < /dev/null
check "restore --internal: exit 0, the chip holds the backup again" \
	test $? = 0 -a "$(sha "$T/full.bin")" = "$orig"
id=$(last_job)
check "... descriptor and ME region written; the neutralized content kept as a backup first" \
	test "$(job_result "$id" regions_written)" = '["fd", "me"]' \
	-a "$(job_result "$id" kept_backup)" = "$STATE/backups/flashrom-MX25L6405D-8388608-$(expected full_cb_fbg1701_txe2_8M S).bin"
head -c 8M /dev/zero > "$T/zero.bin"
"$MECTL" restore --bus="$BUS" --internal "$T/zero.bin" > /dev/null 2> "$T/unknown.err" < /dev/null
check "... an image mectld never read off this chip: refused without --force" \
	test $? = 1 -a -n "$(grep 'not a backup mectld made of this chip' "$T/unknown.err")"

# 2. lumpy, ME region writable, descriptor read-only: module removal only.
chip meonly full_cb_lumpy_me7_8M
flmstr1 "$T/meonly.bin" 0x0e0f0000
xz -dc "$TD/me_cleaner/full_cb_lumpy_me7_8M/plain/out.bin.xz" > "$T/plain.bin"
flmstr1 "$T/plain.bin" 0x0e0f0000
head -c 4096 "$T/meonly.bin" > "$T/meonly.fd"
touch -d '2001-01-01 00:00:00' "$T/meonly.bin"
restart
live meonly
check "check --internal (live): exit 0, verdict ME region only, module removal only" \
	test "$(cat "$T/live-meonly.rc")" = 0 \
	-a -n "$(grep -x 'Internal flashing: ME region only: the host can write the ME region, not the descriptor (FLMSTR1 = 0x0e0f0000)' "$T/live-meonly.out")" \
	-a -n "$(grep 'module removal only' "$T/live-meonly.out")"
neutralize meonly
id=$(last_job)
check "ME only: the job succeeds (exit 0)" test "$(cat "$T/meonly.rc")" = 0
check "... the chip model recorded erase/program commands: its image file was rewritten" \
	test "$(stat -c %Y "$T/meonly.bin")" != "$(date -d '2001-01-01 00:00:00' +%s)"
check "... the chip holds me_cleaner's output without -S (modules removed, no HAP)" \
	test "$(sha "$T/meonly.bin")" = "$(sha "$T/plain.bin")"
check "... the descriptor is byte for byte what it was" \
	cmp -s -n 4096 "$T/meonly.fd" "$T/meonly.bin"
check "... the report says module removal only: verdict me-only, HAP not set, ME region alone" \
	test "$(job_result "$id" host_access | python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])')" = me-only \
	-a "$(job_result "$id" hap_set)" = false -a "$(job_result "$id" regions_written)" = '["me"]'
check "... and so does the message" grep -q 'module removal only' "$T/meonly.out"
check "... what mectl status should say: Image Failure, M0 kernel load (ME 7: pre-Skylake)" \
	test "$(job_result "$id" expect | python3 -c 'import json,sys; e=json.load(sys.stdin); print(e["disabled"], e["indicators"], e["lines"])')" = "yes ['error_code'] ['ME: Error Code              : Image Failure', 'ME: Progress Phase State    : M0 kernel load']"
"$MECTL" restore --bus="$BUS" --internal "$T/meonly.backup" > /dev/null 2>&1 < /dev/null
check "restore --internal (ME only): the chip holds the backup again, the ME region alone written" \
	test $? = 0 -a "$(sha "$T/meonly.bin")" = "$(sha "$T/meonly.backup")" \
	-a "$(job_result "$(last_job)" regions_written)" = '["me"]'
chip meonly2 full_cb_lumpy_me7_8M
flmstr1 "$T/meonly2.bin" 0x0e0f0000
restart
before=$(sha "$T/meonly2.bin")
neutralize meonly2 -s
check "ME only with -s (the HAP bit alone): refused, chip and file untouched" \
	test "$(cat "$T/meonly2.rc")" = 1 -a "$(sha "$T/meonly2.bin")" = "$before" \
	-a ! -e "$T/meonly2.backup" -a -n "$(grep 'the host cannot write' "$T/meonly2.err")"

# 3. lumpy as shipped: the ME region is locked to the host.
chip locked full_cb_lumpy_me7_8M
touch -d '2001-01-01 00:00:00' "$T/locked.bin"
before=$(sha "$T/locked.bin")
restart
live locked
check "check --internal (live): exit 1, verdict no, FLMSTR1 and the ways out" \
	test "$(cat "$T/live-locked.rc")" = 1 \
	-a -n "$(grep -x 'Internal flashing: no: the ME region is not writable by the host (FLMSTR1 = 0x0a0b0000)' "$T/live-locked.out")" \
	-a -n "$(grep -E '^  2 +ME +0x00001000-0x0017ffff +no +no$' "$T/live-locked.out")" \
	-a -n "$(grep '^  way out: an external programmer' "$T/live-locked.out")"
neutralize locked
id=$(last_job)
check "ME locked: refused (exit 1), naming FLMSTR1 and both ways out" \
	test "$(cat "$T/locked.rc")" = 1 -a -n "$(grep 'FLMSTR1 = 0x0a0b0000' "$T/locked.err")" \
	-a -n "$(grep 'way out: the Flash Descriptor Security Override strap.*way out: an external programmer' "$T/locked.err")"
check "... the result carries the host's access (ME region: no read, no write)" \
	test "$(job_result "$id" host_access | python3 -c 'import json,sys; a=json.load(sys.stdin); print(a["verdict"], [(r["read"], r["write"]) for r in a["regions"] if r["name"] == "ME"])')" = "none [(False, False)]"
check "... the chip model executed no erase and no program command: same bytes, image file never rewritten" \
	test "$(sha "$T/locked.bin")" = "$before" \
	-a "$(stat -c %Y "$T/locked.bin")" = "$(date -d '2001-01-01 00:00:00' +%s)"
check "... no backup file left, the job says the chip was not touched" \
	test ! -e "$T/locked.backup" -a "$(job_result "$id" chip_touched)" = false
check "... refused in the pre-flight, before read pass 1 began" test "$("$MECTL" job --bus="$BUS" \
	--json "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["phase"])')" = preflight

xz -dc "$TD/me_cleaner/full_cb_lumpy_me7_8M/plain/out.bin.xz" > "$T/plain-locked.bin"
"$MECTL" restore --bus="$BUS" --internal --force "$T/plain-locked.bin" > /dev/null \
	2> "$T/lrestore.err" < /dev/null
check "restore --internal --force onto the locked ME region: refused, naming it, chip untouched" \
	test $? = 1 -a -n "$(grep 'differs from the chip in the ME region, which the host cannot write' \
	"$T/lrestore.err")" -a "$(sha "$T/locked.bin")" = "$before"

"$MECTL" read --bus="$BUS" --internal "$T/r.bin" 2> "$T/read.err"
check "--internal on read: refused, one line" test $? -ne 0 -a "$(wc -l < "$T/read.err")" = 1

# 4. Internal jobs need what chip jobs need: without polkit on this bus, root or the
# group (none here); another uid is refused before a job exists.
chip auth full_cb_fbg1701_txe2_8M
restart
before=$(sha "$T/auth.bin") jobs=$("$MECTL" jobs --bus="$BUS" --json)
chmod 755 "$T"
mkdir -m 1777 "$T/pub"
cp "$T/full.backup" "$T/pub/r.bin" && chmod 644 "$T/pub/r.bin"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_nobody "$MECTL" neutralize --bus="$BUS" --internal --backup "$T/pub/x.backup" \
	> /dev/null 2> "$T/auth-nz.err" < /dev/null
check "another uid: neutralize --internal refused (chip jobs need root), one line" \
	test $? = 1 -a "$(wc -l < "$T/auth-nz.err")" = 1 \
	-a -n "$(grep 'chip jobs need root (uid 65534 refused)' "$T/auth-nz.err")"
as_nobody "$MECTL" restore --bus="$BUS" --internal --force "$T/pub/r.bin" \
	> /dev/null 2> "$T/auth-rs.err" < /dev/null
check "... restore --internal refused the same way" \
	test $? = 1 -a -n "$(grep 'chip jobs need root (uid 65534 refused)' "$T/auth-rs.err")"
as_nobody "$MECTL" check --internal --bus="$BUS" > /dev/null 2> "$T/auth-ck.err" < /dev/null
check "... and the live pre-flight (a probe of the host's chip) too" \
	test $? = 1 -a -n "$(grep 'chip jobs need root (uid 65534 refused)' "$T/auth-ck.err")"
check "... no job was made, the chip and its file untouched, no backup file" \
	test "$("$MECTL" jobs --bus="$BUS" --json)" = "$jobs" -a "$(sha "$T/auth.bin")" = "$before" \
	-a ! -e "$T/pub/x.backup"

echo "1..$n"
[ "$fails" = 0 ]
