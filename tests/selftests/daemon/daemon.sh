#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mectld + mectl end to end, in the VM, as root: flashsim (the simulated chip) +
# mectl_flash (the real module) + a real dbus-daemon on a private bus using the
# real policy file. Every job type; neutralize on the lumpy ME7 image against
# me_cleaner -S; kill -9 in the middle of a write; injected read flips and program
# failures; unprivileged callers; cancel; persistence across restarts; the
# PropertiesChanged signals of a job (dbus-monitor), the client's progress with and
# without a TTY, and an image job running beside a chip job; an output fd on debugfs;
# a restore onto another board with the same part (its content is kept first); a
# queued job whose chip was swapped while mectld was down (not run).
set -u
cd "$(dirname "$0")/../../.."
. tests/selftests/daemon/lib.sh
daemon_test test
SUBMIT=$SRC/build/selftests/daemon/submit-image
PIDREUSE=$SRC/build/selftests/daemon/pid-reuse
built "$SUBMIT" "$PIDREUSE"

sim_op() { awk -v op="$1" '$1 == "op" && $2 == op { n = $4 } END { print n + 0 }' "$SIM/stats"; }
# A field of a job's JSON (mectl job ID --json) without jq: numbers and strings.
job_field() {
	"$MECTL" job "$1" --json --bus="$BUS" | python3 -c "import json,sys; print(json.load(sys.stdin)$2)"
}

# --- fixtures --------------------------------------------------------------------
lumpy_chip

start_bus
chmod 755 "$T"

# --- client without a daemon ---------------------------------------------------------
out=$("$MECTL" jobs --bus="$BUS" 2>&1); rc=$?
check "client says clearly that mectld is not running" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'mectld is not running')"

check "mectld starts on the private bus" start_daemon

# --- probe -----------------------------------------------------------------------------
out=$("$MECTL" probe --attach 0.0 --json --bus="$BUS"); rc=$?
note "$out"
MTD=$(echo "$out" | sed -n 's/.*"mtd":\([0-9]*\),.*/\1/p')
check "probe --attach 0.0 attaches the W25Q64 (JEDEC ef4017) through netlink" \
	test "$rc" = 0 -a -n "$(echo "$out" | grep '"jedec_id":"ef4017')" -a -n "$MTD" -a -e "/dev/mtd$MTD"
[ -n "$MTD" ] || { note "no chip: stopping"; exit 1; }
check "probe reports the chip as marked: Winbond W25Q64" \
	test -n "$(echo "$out" | grep '"manufacturer":"Winbond","part":"W25Q64"')"
out=$("$MECTL" probe --json --bus="$BUS"); rc=$?
check "probe without --mtd finds the one attached chip, mectld saw the ATTACHED event" \
	test "$rc" = 0 -a -n "$(echo "$out" | grep "\"mtd\":$MTD,")" -a -n "$(grep 'chip attached: spi0.0' "$T/mectld.log")"

# --- authorization ------------------------------------------------------------------------
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$MECTL" probe --bus="$BUS" 2>&1); rc=$?
check "unprivileged probe refused with org.mectl1.Error.AccessDenied" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'org.mectl1.Error.AccessDenied')"
mkdir -m 1777 "$T/pub"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$MECTL" neutralize --mtd "$MTD" \
	--backup "$T/pub/nobody.bin" --bus="$BUS" 2>&1); rc=$?
check "unprivileged neutralize refused, chip untouched, no backup file" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'AccessDenied')" -a "$(chip_sha)" = "$ORIG_SHA" -a ! -e "$T/pub/nobody.bin"
cp "$T/orig.bin" "$T/pub.bin" && chmod 644 "$T/pub.bin"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$SUBMIT" "$BUS" check "$T/pub.bin" 2>&1); rc=$?
check "unprivileged check job on a passed fd is allowed" \
	test "$rc" = 0 -a -n "$(echo "$out" | grep 'VALID')"

# --- image jobs -------------------------------------------------------------------------------
"$SUBMIT" "$BUS" clean "$T/orig.bin" "$T/clean-S.bin" -S > "$T/clean.json"; rc=$?
check "clean job -S output equals me_cleaner -S" test "$rc" = 0 -a "$(sha "$T/clean-S.bin")" = "$S_SHA"

# `mectl check/clean --daemon` go through mectld (here: DBUS_SYSTEM_BUS_ADDRESS)
# and print, return and write exactly what the in-process engine does.
jobs_before=$("$MECTL" jobs --bus="$BUS" | grep -cE ' (check|clean) ')
for mode in "check" "clean -S" "clean -S -r -t" "clean -w MFS,EFFS -S"; do
	rm -f "$T/ip.bin" "$T/dp.bin"
	set -- $mode
	if [ "$1" = check ]; then o1= o2=; else o1="-O $T/ip.bin" o2="-O $T/dp.bin"; fi
	env -u DBUS_SYSTEM_BUS_ADDRESS "$MECTL" $mode "$T/orig.bin" $o1 >"$T/ip.out" 2>"$T/ip.err"; irc=$?
	DBUS_SYSTEM_BUS_ADDRESS="$BUS" "$MECTL" $mode --daemon "$T/orig.bin" $o2 >"$T/dp.out" 2>"$T/dp.err"; drc=$?
	same=yes
	[ "$irc" = "$drc" ] && cmp -s "$T/ip.out" "$T/dp.out" && cmp -s "$T/ip.err" "$T/dp.err" || same=no
	[ -e "$T/ip.bin" ] && { cmp -s "$T/ip.bin" "$T/dp.bin" || same=no; }
	[ "$same" = yes ] || { note "mectl $mode differs through mectld (rc $irc/$drc)"; break; }
done
jobs_after=$("$MECTL" jobs --bus="$BUS" | grep -cE ' (check|clean) ')
check "mectl check/clean through mectld == in-process (stdout, stderr, rc, file)" \
	test "$same" = yes -a "$jobs_after" -eq $((jobs_before + 4))

# --- read ----------------------------------------------------------------------------------------
"$MECTL" read --mtd /dev/mtd"$MTD" --bus="$BUS" "$T/read1.bin" > "$T/read.out" 2>>"$T/client.log"; rc=$?
check "read (2 passes) gives the chip's bytes" test "$rc" = 0 -a "$(sha "$T/read1.bin")" = "$ORIG_SHA"
out=$("$MECTL" read --mtd "$MTD" --bus="$BUS" "$T/read1.bin" 2>&1); rc=$?
check "read refuses to overwrite an existing backup" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'never overwritten')" -a "$(sha "$T/read1.bin")" = "$ORIG_SHA"

# The guest's root is an overlayfs, which has no O_TMPFILE: the named-temporary path.
rm -f /var/tmp/mectl-daemon-test.bin
"$MECTL" read --mtd "$MTD" --passes 1 --bus="$BUS" /var/tmp/mectl-daemon-test.bin >/dev/null 2>>"$T/client.log"; rc=$?
check "read to a file system without O_TMPFILE (overlayfs), no temporary left" \
	test "$rc" = 0 -a "$(sha /var/tmp/mectl-daemon-test.bin 2>/dev/null)" = "$ORIG_SHA" \
	-a -z "$(ls -A /var/tmp | grep '^\.mectl-daemon-test')"
rm -f /var/tmp/mectl-daemon-test.bin

# --- injected read bit flips ------------------------------------------------------------------------
echo 200000 > "$SIM/flip_rate"
out=$("$MECTL" read --mtd "$MTD" --passes 3 --bus="$BUS" "$T/flaky.bin" 2>&1); rc=$?
echo 0 > "$SIM/flip_rate"
note "$(echo "$out" | tail -n1)"
check "read with bit flips fails naming offsets, no file, chip untouched" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep -E 'differs from pass 1 in [0-9]+ byte\(s\) at 0x')" \
	-a ! -e "$T/flaky.bin" -a "$(chip_sha)" = "$ORIG_SHA"

# --- neutralize failing before the write leaves the chip untouched -------------------------
echo 200000 > "$SIM/flip_rate"
out=$("$MECTL" neutralize --mtd "$MTD" --backup "$T/nflip.bin" --bus="$BUS" 2>&1); rc=$?
echo 0 > "$SIM/flip_rate"
check "neutralize with read flips: fails naming offsets, chip untouched, no backup file" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'differs from pass 1')" -a "$(chip_sha)" = "$ORIG_SHA" -a ! -e "$T/nflip.bin"
# The ME region's partition table (FPT at 0x1010) zeroed: me_cleaner finds no ME.
head -c 4096 /dev/zero | dd of="$SIM/data" bs=4096 seek=1 conv=notrunc status=none
NODESC_SHA=$(chip_sha)
out=$("$MECTL" neutralize --mtd "$MTD" --backup "$T/nodesc.bin" --bus="$BUS" 2>&1); rc=$?
note "$(echo "$out" | tail -n1)"
check "neutralize on an image me_cleaner rejects: chip untouched, the (good) read kept as backup" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'the chip was not touched')" -a "$(chip_sha)" = "$NODESC_SHA" \
	-a "$(sha "$T/nodesc.bin")" = "$NODESC_SHA"
dd if="$T/orig.bin" of="$SIM/data" bs=4096 skip=1 seek=1 count=1 conv=notrunc status=none
[ "$(chip_sha)" = "$ORIG_SHA" ] || note "could not put the chip back"

# --- write: refused without a backup of the current content ----------------------------------------
printf '\x42' | dd of="$SIM/data" bs=1 seek=$((0x700000)) conv=notrunc status=none
UNKNOWN_SHA=$(chip_sha)
out=$("$MECTL" write --mtd "$MTD" --bus="$BUS" "$T/clean-S.bin" 2>&1); rc=$?
check "write refused without a verified backup of the chip's content; chip untouched" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'no verified backup')" -a "$(chip_sha)" = "$UNKNOWN_SHA"
out=$("$MECTL" restore --mtd "$MTD" --bus="$BUS" "$T/clean-S.bin" 2>&1); rc=$?
check "restore refuses an image that is not one of its backups" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'not a backup')" -a "$(chip_sha)" = "$UNKNOWN_SHA"
out=$("$MECTL" restore --mtd "$MTD" --json --bus="$BUS" "$T/read1.bin"); rc=$?
check "restore puts the backup back, one block changed" \
	test "$rc" = 0 -a "$(chip_sha)" = "$ORIG_SHA" -a -n "$(echo "$out" | grep '"blocks_changed":1,')"

# --- neutralize -----------------------------------------------------------------------------------------
echo 0 > "$SIM/stats"
out=$("$MECTL" neutralize --mtd /dev/mtd"$MTD" --backup "$T/backup.bin" --json --bus="$BUS"); rc=$?
echo "$out" | python3 -c "import json,sys; r=json.load(sys.stdin)['result']; print('# neutralize: %s blocks, %s bytes changed, %s erased, %s pages, %.1f s' % (r['blocks_changed'], r['bytes_changed'], r['blocks_erased'], r['pages_programmed'], r['seconds']))" 2>/dev/null
check "neutralize: chip equals me_cleaner -S output" test "$rc" = 0 -a "$(chip_sha)" = "$S_SHA"
# The erase commands the chip saw, against the plan worked out here from the two
# images: per 64 KiB block, one block erase when all 16 sectors differ, or more than
# half do and the rest are blank before and after; otherwise one sector erase each.
want=$(python3 -c "
a = open('$T/orig.bin', 'rb').read(); b = open('$T/clean-S.bin', 'rb').read()
S, B, blank = 4096, 65536, b'\xff' * 4096
se = be = 0
for g in range(0, len(a), B):
    secs = range(g, g + B, S)
    diff = [s for s in secs if a[s:s + S] != b[s:s + S]]
    rest_blank = all(a[s:s + S] == blank == b[s:s + S] for s in secs if s not in diff)
    if len(diff) * 2 > B // S and rest_blank:
        be += 1
    else:
        se += len(diff)
print(se, be)")
got="$(sim_op 0x20) $(sim_op 0xd8)"
check "neutralize: erase commands as planned (sector, block: want $want, got $got)" \
	test "$got" = "$want" -a "${want#* }" -gt 0
check "neutralize: backup equals the original image" test "$(sha "$T/backup.bin")" = "$ORIG_SHA"
out=$("$MECTL" neutralize --mtd "$MTD" --backup "$T/backup.bin" --bus="$BUS" 2>&1); rc=$?
check "neutralize refuses an existing backup file" \
	test "$rc" = 1 -a "$(sha "$T/backup.bin")" = "$ORIG_SHA"
out=$("$MECTL" neutralize --mtd "$MTD" --backup "$T/b2.bin" --bogus-flag --bus="$BUS" 2>&1); rc=$?
check "neutralize with a bad me_cleaner flag: InvalidArgs, nothing created" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'InvalidArgs')" -a ! -e "$T/b2.bin" -a "$(chip_sha)" = "$S_SHA"
"$MECTL" restore --mtd "$MTD" --bus="$BUS" "$T/backup.bin" >/dev/null 2>>"$T/client.log"; rc=$?
check "restore after neutralize brings back the original" test "$rc" = 0 -a "$(chip_sha)" = "$ORIG_SHA"

# --- injected program failure ----------------------------------------------------------------------------
STUCK=$(python3 -c "
a=open('$T/orig.bin','rb').read(); b=open('$T/clean-S.bin','rb').read()
print(next(i for i in range(len(a)) if a[i]!=b[i] and b[i]!=0xff))")
echo "$STUCK" > "$SIM/stuck_addr"
out=$("$MECTL" neutralize --mtd "$MTD" --backup "$T/backup2.bin" --bus="$BUS" 2>&1); rc=$?
echo -1 > "$SIM/stuck_addr"
note "$(echo "$out" | tail -n1)"
check "program failure: verify catches it, the job fails naming restore" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'verify failed')" -a -n "$(echo "$out" | grep 'mectl restore')"
check "program failure: the backup was still kept" test "$(sha "$T/backup2.bin")" = "$ORIG_SHA"
"$MECTL" restore --mtd "$MTD" --bus="$BUS" "$T/backup2.bin" >/dev/null 2>>"$T/client.log"; rc=$?
check "restore after the program failure brings back the original" test "$rc" = 0 -a "$(chip_sha)" = "$ORIG_SHA"

# --- cancel ---------------------------------------------------------------------------------------------------
echo 1000000 > /sys/module/flashsim/parameters/clock_hz
"$MECTL" read --mtd "$MTD" --bus="$BUS" "$T/cancelled.bin" > "$T/cancel.out" 2>&1 &
CPID=$!
for _ in $(seq 100); do
	ID=$("$MECTL" jobs --bus="$BUS" | awk '$2 == "read" && $3 == "running" { print $1 }' | tail -n1)
	[ -n "$ID" ] && break
	sleep 0.1
done
"$MECTL" cancel --bus="$BUS" "$ID"
wait "$CPID"; rc=$?
echo 0 > /sys/module/flashsim/parameters/clock_hz
check "cancel stops a running read: job cancelled, no backup file" \
	test "$rc" = 1 -a "$(job_field "$ID" "['state']")" = cancelled -a ! -e "$T/cancelled.bin"

# --- PropertiesChanged, progress output, an image job beside a chip job ------------------
# A 16 MHz clock: a one-pass read takes ~4 s, long enough to watch and to run beside.
echo 16000000 > /sys/module/flashsim/parameters/clock_hz
dbus-monitor --address "$BUS" \
	"type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'" \
	> "$T/monitor.log" 2>&1 &
MON=$!
sleep 1	# dbus-monitor has no ready signal; a late start loses only the first changes
"$MECTL" read --mtd "$MTD" --passes 1 --bus="$BUS" "$T/watched.bin" > /dev/null 2> "$T/plain.err" &
RPID=$!
RID=
for _ in $(seq 100); do
	RID=$("$MECTL" jobs --bus="$BUS" | awk '$2 == "read" && $3 == "running" { print $1 }' | tail -n1)
	[ -n "$RID" ] && break
	sleep 0.1
done
jobs0=$("$MECTL" jobs --bus="$BUS" | wc -l)
DBUS_SYSTEM_BUS_ADDRESS="$BUS" "$MECTL" check --daemon "$T/orig.bin" > /dev/null 2>&1; crc=$?
beside=$(job_field "$RID" "['state']")
jobs1=$("$MECTL" jobs --bus="$BUS" | wc -l)
wait "$RPID"; rrc=$?
kill "$MON"; wait "$MON" 2>/dev/null
note "beside read job $RID: check exit $crc, the read was $beside, jobs $jobs0 -> $jobs1"
check "a check job runs through mectld to its end while the chip's read is running" \
	test -n "$RID" -a "$crc" = 0 -a "$beside" = running -a "$jobs1" -eq $((jobs0 + 1))
sig=$(tests/selftests/daemon/props-changed.py "$T/monitor.log" "/org/mectl1/job/$RID")
note "job $RID: $sig"
signals_ok() {
	echo "$sig" | grep -qE '^signals [0-9]+ invalidated State:[2-9][0-9]* Phase:[1-9][0-9]* Progress:([5-9]|[1-9][0-9]+) Message:[0-9]+ Result:[1-9][0-9]* values 0$'
}
# The owner's client re-reads on each signal: its plain lines name the read phase and
# climb within it (25% steps), without a carriage return.
plain_lines() {
	[ "$rrc" = 0 ] && grep -q "^mectl: job $RID: read" "$T/plain.err" && ! grep -q $'\r' "$T/plain.err" &&
		awk -v id="$RID" '$1 == "mectl:" && $3 == id":" && $NF ~ /^[0-9]+%$/ {
			ph = $0; sub(/ [0-9]+%$/, "", ph); p = $NF + 0
			if (ph != last_ph) { last_ph = ph; last = 0 }
			if (p <= last) bad = 1
			last = p; n++ }
			END { exit !(n >= 2 && !bad) }' "$T/plain.err"
}
tty_bar() {
	grep -q $'\r\033\\[Kjob [0-9]* read' "$T/tty.out" && grep -q '] 100%' "$T/tty.out" &&
		[ "$(sha "$T/tty.bin")" = "$ORIG_SHA" ]
}
check "PropertiesChanged follows the read: State, Phase, Progress (5+), Result named, no values" signals_ok
check "without a TTY the client prints plain progress lines, rising within the read phase" plain_lines
check "PropertiesChanged names a changed Message and Result without their text" \
	sh -c "grep -q 'string \"Message\"' '$T/monitor.log' && grep -q 'string \"Result\"' '$T/monitor.log' && ! grep -q 'identical reads' '$T/monitor.log'"
script -qec "'$MECTL' read --mtd $MTD --passes 1 --bus=$BUS '$T/tty.bin'" /dev/null \
	< /dev/null > "$T/tty.out" 2>&1
echo 0 > /sys/module/flashsim/parameters/clock_hz
check "on a TTY the client draws a bar in place, to 100%" tty_bar

# --- kill -9 in the middle of a write ---------------------------------------------------------------------------
# timing=1: every 4 KiB erase keeps the chip busy 45 ms, so the 140-block write takes seconds.
echo 1 > /sys/module/flashsim/parameters/timing
WID=$("$MECTL" write --mtd "$MTD" --no-block --json --bus="$BUS" "$T/clean-S.bin" | sed 's#.*/job/\([0-9]*\).*#\1#')
PID2=$("$MECTL" probe --mtd "$MTD" --no-block --bus="$BUS" | sed 's#.*/job/##')
for _ in $(seq 600); do
	st=$("$MECTL" job "$WID" --bus="$BUS" | awk '$1 == "Phase:" { p = $2 } $1 == "Progress:" { print p, $2 + 0 }')
	case "$st" in "write "*) [ "${st#write }" -ge 20 ] && break ;; esac
done
note "killing mectld at: $st"
kill -KILL "$DPID"; wait "$DPID" 2>/dev/null; DPID=
MID_SHA=$(chip_sha)
start_daemon
for _ in $(seq 100); do
	[ "$(job_field "$PID2" "['state']")" = succeeded ] && break
	sleep 0.1
done
echo 0 > /sys/module/flashsim/parameters/timing
check "after kill -9 the write job shows interrupted, the chip is half written" \
	test "$(job_field "$WID" "['state']")" = interrupted -a "$MID_SHA" != "$ORIG_SHA" -a "$MID_SHA" != "$S_SHA"
check "after kill -9 the queued probe resumed and succeeded" test "$(job_field "$PID2" "['state']")" = succeeded
check "the backup is intact and restore brings the chip back" \
	sh -c "test \"\$(sha256sum '$T/read1.bin' | cut -d' ' -f1)\" = '$ORIG_SHA' && '$MECTL' restore --mtd '$MTD' --bus='$BUS' '$T/read1.bin' >/dev/null 2>>'$T/client.log' && test \"\$(sha256sum '$SIM/data' | cut -d' ' -f1)\" = '$ORIG_SHA'"

# --- an output fd on a kernel file system ---------------------------------------------------
# flashsim's chip is a regular file on debugfs: a clean job must not write its output there.
out=$("$SUBMIT" "$BUS" clean "$T/orig.bin" "=$SIM/data" -S 2>&1); rc=$?
note "$out"
check "an output fd on debugfs is refused with one InvalidArgs line, the chip untouched" \
	test "$rc" = 1 -a "$(echo "$out" | wc -l)" = 1 -a -n "$(echo "$out" | grep 'not on debugfs (org.mectl1.Error.InvalidArgs)')" \
	-a "$(chip_sha)" = "$ORIG_SHA"

# --- restore onto another board with the same part -----------------------------------------
# Board B: the same W25Q64, its own content (one 4 KiB block differs from board A's).
cp "$T/orig.bin" "$T/boardB.bin"
head -c 4096 /dev/urandom | dd of="$T/boardB.bin" bs=4096 seek=$((0x600)) conv=notrunc status=none
dd if="$T/boardB.bin" of="$SIM/data" bs=1M conv=notrunc status=none
B_SHA=$(chip_sha)
out=$("$MECTL" restore --mtd "$MTD" --json --bus="$BUS" "$T/read1.bin"); rc=$?
KEPT=$(ls "$STATE"/backups/*-"$B_SHA".bin 2>/dev/null)
note "board B kept as: ${KEPT:-nothing}"
check "restoring board A's backup onto board B first keeps B's content as a new backup" \
	test "$rc" = 0 -a "$(chip_sha)" = "$ORIG_SHA" -a -n "$KEPT" -a "$(sha "$KEPT" 2>/dev/null)" = "$B_SHA" \
	-a -n "$(echo "$out" | grep "\"kept_backup\":\"$KEPT\"")"
"$MECTL" restore --mtd "$MTD" --bus="$BUS" "$KEPT" >/dev/null 2>>"$T/client.log"; rc=$?
check "... and that backup puts board B back" test "$rc" = 0 -a "$(chip_sha)" = "$B_SHA"
out=$("$MECTL" restore --mtd "$MTD" --json --bus="$BUS" "$T/read1.bin"); rc=$?
check "a restore over content a backup holds keeps nothing new" \
	test "$rc" = 0 -a "$(chip_sha)" = "$ORIG_SHA" -a -n "$(echo "$out" | grep '"kept_backup":null')" \
	-a "$(ls "$STATE"/backups/*-"$B_SHA".bin | wc -l)" = 1

# --- a cut-short record of a running write ---------------------------------------------------
# kill -9 while the chip is armed and written, then the job file loses its end: the job
# is still interrupted (not lost, not run) and the chip is disarmed.
echo 1 > /sys/module/flashsim/parameters/timing
TID=$("$MECTL" write --mtd "$MTD" --no-block --json --bus="$BUS" "$T/clean-S.bin" | sed 's#.*/job/\([0-9]*\).*#\1#')
for _ in $(seq 600); do
	st=$("$MECTL" job "$TID" --bus="$BUS" | awk '$1 == "Phase:" { p = $2 } $1 == "Progress:" { print p, $2 + 0 }')
	case "$st" in "write "*) [ "${st#write }" -ge 5 ] && break ;; esac
done
kill -KILL "$DPID"; wait "$DPID" 2>/dev/null; DPID=
echo 0 > /sys/module/flashsim/parameters/timing
armed=$(cat /sys/bus/spi/devices/spi0.0/writeable)
head -c 60 "$STATE/jobs/$TID" > "$T/cut" && cat "$T/cut" > "$STATE/jobs/$TID"
start_daemon
tjob=$("$MECTL" job "$TID" --json --bus="$BUS" | python3 -c "import json,sys; j=json.load(sys.stdin); print(j['state'], '|', j['message'])")
note "job $TID: $tjob"
check "a cut-short running write record: interrupted, kept in jobs/rejected/, the chip disarmed (was $armed)" \
	sh -c "test '$armed' = 1 -a \"\$(cat /sys/bus/spi/devices/spi0.0/writeable)\" = 0 -a -e '$STATE/jobs/rejected/$TID' && echo '$tjob' | grep -q '^interrupted | .*partly written.*damaged'"
"$MECTL" restore --mtd "$MTD" --bus="$BUS" "$T/read1.bin" >/dev/null 2>>"$T/client.log"
[ "$(chip_sha)" = "$ORIG_SHA" ] || note "could not put the chip back"

# --- the configured group may run chip jobs ------------------------------------------------
# No polkit on this bus: membership as the user database has it (getgrouplist of the
# uid the bus reports). A member: a user of the VM's scratch root whose group is users.
stop_daemon
GRP=$(getent group users | cut -d: -f1,3)
id mectl-member >/dev/null 2>&1 ||
	useradd --system --no-create-home --gid nogroup --groups users mectl-member
start_daemon --group="${GRP%%:*}"
out=$(setpriv --reuid=mectl-member --regid=nogroup --init-groups "$MECTL" probe --mtd "$MTD" --bus="$BUS" 2>&1); rc=$?
out2=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$MECTL" probe --mtd "$MTD" --bus="$BUS" 2>&1); rc2=$?
check "a member of --group=${GRP%%:*} may probe, a non-member may not" \
	test -n "$GRP" -a "$rc" = 0 -a "$rc2" = 1 -a -n "$(echo "$out2" | grep AccessDenied)"
out=$(setpriv --reuid=65534 --regid=65534 --groups="${GRP##*:}" "$MECTL" probe --mtd "$MTD" --bus="$BUS" 2>&1); rc=$?
check "a non-member holding the group in its own process (setpriv --groups) is refused" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep AccessDenied)"
# The PID-reuse attack: nobody's call waits while a root process in the group takes
# the caller's PID (tests/selftests/daemon/pid-reuse.c); up to 3 tries for the PID.
for _ in 1 2 3; do out=$("$PIDREUSE" "$BUS" "$DPID" "${GRP##*:}" 2>&1); rc=$?; [ "$rc" = 2 ] || break; done
note "pid-reuse: $out"
check "PID reuse: nobody's call, its PID now a root process in group ${GRP%%:*}, is refused" \
	test "$rc" = 0 -a "$out" = org.mectl1.Error.AccessDenied
check "mectld serves on after the attack" sh -c "'$MECTL' jobs --bus='$BUS' >/dev/null"

# --- only chips mectl_flash attached, unless AllowMTD= names them ------------------------
# mtdram stands for the host's own flash: an MTD device this tree did not attach.
if modprobe mtdram total_size=256 erase_size=64 2>/dev/null; then
	RAM=$(grep -lx 'mtdram test device' /sys/class/mtd/mtd*/name | head -n 1 | sed 's#.*/mtd\([0-9]*\)/name#\1#')
	dd if="$T/orig.bin" of="/dev/mtd$RAM" bs=64k count=4 status=none
	RAM_SHA=$(sha "/dev/mtd$RAM")
	head -c 262144 "$T/orig.bin" > "$T/ram-image.bin"
	out=$("$MECTL" read --mtd "$RAM" --bus="$BUS" "$T/ram.bin" 2>&1); rc=$?
	out2=$("$MECTL" write --mtd "$RAM" --force --bus="$BUS" "$T/ram-image.bin" 2>&1); rc2=$?
	out3=$("$MECTL" neutralize --mtd "$RAM" --backup "$T/ram-nb.bin" --bus="$BUS" 2>&1); rc3=$?
	note "$out2"
	check "an MTD device mectl_flash did not attach: read, write, neutralize refused (ChipNotAllowed)" \
		test "$rc" = 1 -a "$rc2" = 1 -a "$rc3" = 1 -a "$(echo "$out $out2 $out3" | grep -o ChipNotAllowed | wc -l)" = 3 \
		-a "$(sha "/dev/mtd$RAM")" = "$RAM_SHA"
	stop_daemon
	printf 'Group=%s\nAllowMTD=mtdram test device\n' "${GRP%%:*}" > "$T/allow.conf"
	start_daemon --config="$T/allow.conf"
	out=$("$MECTL" read --mtd "$RAM" --passes 1 --bus="$BUS" "$T/ram.bin" 2>&1); rc=$?
	check "named by AllowMTD= in mectld.conf, the device can be read" \
		test "$rc" = 0 -a "$(sha "$T/ram.bin" 2>/dev/null)" = "$RAM_SHA"
	rmmod mtdram
else
	ok "# SKIP mtdram not available"
fi

# --- a queued job whose chip was swapped while mectld was down -------------------------------
# A slow read holds the chip, a probe waits behind it; kill -9; the W25Q64 gives way to
# a W25Q128 on the same bus; the probe must not run on it.
echo 1000000 > /sys/module/flashsim/parameters/clock_hz
"$MECTL" read --mtd "$MTD" --passes 1 --bus="$BUS" "$T/slow.bin" > /dev/null 2>&1 &
SPID=$!
for _ in $(seq 100); do
	"$MECTL" jobs --bus="$BUS" | awk '$2 == "read" && $3 == "running"' | grep -q . && break
	sleep 0.1
done
QID=$("$MECTL" probe --mtd "$MTD" --no-block --bus="$BUS" | sed 's#.*/job/##')
qstate=$(job_field "$QID" "['state']")
kill -KILL "$DPID"; wait "$DPID" 2>/dev/null; DPID=
wait "$SPID" 2>/dev/null
rmmod mectl_flash; rmmod flashsim
modprobe flashsim bus_num=0 chip=w25q128fv && modprobe mectl_flash bus=0 cs=0
note "job $QID was $qstate at kill -9; now: $(ls /sys/class/mtd | tr '\n' ' ')"
start_daemon
qjob=$("$MECTL" job "$QID" --json --bus="$BUS" | python3 -c "import json,sys; j=json.load(sys.stdin); print(j['state'], '|', j['message'])")
note "job $QID: $qjob"
check "a queued probe whose chip changed across a kill -9 is not run: failed, naming both chips" \
	sh -c "test '$qstate' = queued && echo '$qjob' | grep -q '^failed | not run: .*jedec-ef4017-8388608, now '"

daemon_finish
