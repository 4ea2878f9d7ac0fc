#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What one unprivileged local user can make mectld spend, in the VM, as root running
# mectld on a private dbus-daemon (as daemon.sh) with ImageJobs=2, and uid 65534 as the
# attacker:
#  - a crafted 32 MiB image whose LLUT lists chunks up to the end of the region is one
#    error line, not hundreds of MiB of tables;
#  - six clean jobs from uid 65534, each on a pipe that never delivers: four are taken
#    (two run, two queue), the next two are refused with LimitsExceeded; D-Bus calls
#    are answered meanwhile, a stalled job can be cancelled (a queued one then starts),
#    and a chip read beside them finishes with the chip's bytes;
#  - the stalled jobs fed the crafted image fail with the error line, one fed a real
#    image succeeds; mectld's VmHWM stays under a bound that the crafted image alone
#    exceeded before (268 MB per job);
#  - SIGTERM while a job waits on a silent pipe: mectld exits, the job is interrupted;
#  - a clean job whose image is on a stalled file system (stallfs: FUSE, reads past
#    2 MiB held): it stays running while ListJobs and a check beside it are answered,
#    CancelJob is accepted, and SIGTERM ends mectld with the read still held (its
#    worker left to the exit), the job interrupted; so does a write job (root) on the
#    same file, its chip untouched and disarmed; then the reads are released and the
#    file system unmounts.
set -u
cd "$(dirname "$0")/../../.."
. tests/selftests/daemon/lib.sh
daemon_test limits
MKIMAGE=$SRC/build/mkimage
SUBMIT=$SRC/build/selftests/daemon/submit-image
STALLFS=$SRC/build/selftests/daemon/stallfs
built "$SUBMIT" "$MKIMAGE" "$STALLFS"
command -v setpriv >/dev/null || skip_all "no setpriv"

# mectld's high-water mark bound: two image jobs on 32 MiB images (image, copy and the
# engine's tables, 3 x 32 MiB each), the 8 MiB chip's read, 32 MiB for the daemon.
HWM_BOUND_KB=$(((2 * 3 * 32 + 8 + 32) * 1024))

# This shell's write ends of the FIFOs; children must not inherit them (a pipe ends
# when its last writer closes it). Closed first on exit.
WRITERS=()
close_writers() { for fd in "${WRITERS[@]}"; do eval "exec $fd>&-"; done; WRITERS=(); }
# stallfs, when a check failed before its end: its reads released, the mount detached,
# the server gone (its connection with it).
FPID=
stop_stallfs() {
	[ -n "$FPID" ] || return 0
	kill -USR1 "$FPID" 2>/dev/null
	umount -l "$T/stall" 2>/dev/null
	kill "$FPID" 2>/dev/null
	wait "$FPID" 2>/dev/null
	FPID=
}
on_exit() { close_writers; stop_stallfs; }

nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
jobs_in() { "$MECTL" jobs --bus="$BUS" | awk -v s="$1" '$2 == "clean" && $3 == s' | wc -l; }
job_state() { "$MECTL" jobs --bus="$BUS" | awk -v id="$1" '$1 == id { print $3 }'; }
hwm_kb() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$DPID/status"; }
# until_true TRIES CMD...: CMD, every 0.1 s, until it succeeds (liveness, not timing).
until_true() {
	local tries=$1
	shift
	for _ in $(seq "$tries"); do "$@" && return 0; sleep 0.1; done
	return 1
}
count_is() { [ "$(jobs_in "$1")" = "$2" ]; }

# --- fixtures ---------------------------------------------------------------------------
lumpy_chip
mkdir -m 1777 "$T/pub"
chmod 755 "$T"
"$MKIMAGE" -p me8-bare --me-size 0x2000000 -o "$T/pub/big.bin" -L "$T/big.txt" ||
	skip_all "mkimage failed"
python3 - "$T/pub/big.bin" "$(sed -n 's/^llut_off=//p' "$T/big.txt")" <<'EOF'
import struct, sys
path, llut = sys.argv[1], int(sys.argv[2], 0)
b = bytearray(open(path, 'rb').read())
struct.pack_into('<I', b, llut + 4, (len(b) - llut - 0x40) // 4)   # chunks up to the region end
open(path, 'wb').write(b)
EOF
CRAFTED=$T/pub/big.bin
chmod 644 "$CRAFTED" "$T/orig.bin"
cp "$T/orig.bin" "$T/pub/good.bin"
printf 'ImageJobs=2\n' > "$T/mectld.conf"

start_bus
check "mectld starts with ImageJobs=2" start_daemon --config="$T/mectld.conf"
out=$("$MECTL" probe --attach 0.0 --json --bus="$BUS" 2>&1)
MTD=$(echo "$out" | sed -n 's/.*"mtd":\([0-9]*\),.*/\1/p')
[ -n "$MTD" ] || { note "$out"; nok "probe --attach 0.0"; echo "1..$n"; exit 1; }

# --- the crafted image ----------------------------------------------------------------------
out=$(nobody "$SUBMIT" "$BUS" clean "$CRAFTED" "$T/pub/crafted-out.bin" 2>"$T/crafted.err"); rc=$?
msg=$(echo "$out" | python3 -c "import json,sys; print(json.load(sys.stdin)['message'])" 2>/dev/null)
note "crafted: $(echo "$msg" | grep 'Error:')"
note "mectld VmHWM after the crafted image: $(hwm_kb) kB"
check "crafted 32 MiB image (LLUT to the region end): clean fails with one error line" \
	test "$rc" = 1 -a "$(echo "$msg" | grep -c 'Error:')" = 1 \
	-a -n "$(echo "$msg" | grep 'LLUT lists .* past the end of the FTPR partition')"

# --- six submitters from uid 65534, on pipes that never deliver ---------------------------------
# Each FIFO has a writer (this shell, read-write so that opening it does not block) that
# writes nothing until told to.
for i in 1 2 3 4 5 6; do
	mkfifo -m 666 "$T/pub/fifo$i"
	exec {fd}<>"$T/pub/fifo$i"
	WRITERS+=("$fd")
	FD[$i]=$fd
done
taken=0 refused=0
for i in 1 2 3 4 5 6; do
	before=$("$MECTL" jobs --bus="$BUS" | wc -l)
	(close_writers; exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SUBMIT" "$BUS" clean "$T/pub/fifo$i" "$T/pub/out$i.bin") > "$T/sub$i.out" 2>&1 &
	SPID[$i]=$!
	# taken (a new job) or refused (the submitter exits)
	until_true 300 eval '[ "$("$MECTL" jobs --bus="$BUS" | wc -l)" -gt "$before" ] || ! kill -0 ${SPID[$i]} 2>/dev/null'
	if kill -0 "${SPID[$i]}" 2>/dev/null; then
		taken=$((taken + 1))
		ID[$i]=$("$MECTL" jobs --bus="$BUS" | awk '$2 == "clean" { id = $1 } END { print id }')
	else
		wait "${SPID[$i]}"
		grep -q 'org.mectl1.Error.LimitsExceeded' "$T/sub$i.out" && refused=$((refused + 1))
		note "submitter $i: $(head -n1 "$T/sub$i.out")"
	fi
done
running=$(jobs_in running) queued=$(jobs_in queued)
note "taken $taken, refused $refused, running $running, queued $queued"
check "uid 65534: four clean jobs taken, two refused with LimitsExceeded" \
	test "$taken" = 4 -a "$refused" = 2
check "at most ImageJobs=2 run at once, the other two are queued" \
	test "$running" = 2 -a "$queued" = 2
check "mectl jobs answers while two workers wait on silent pipes" \
	test -n "$("$MECTL" jobs --bus="$BUS")"

"$MECTL" read --mtd "$MTD" --passes 1 --bus="$BUS" "$T/beside.bin" > /dev/null 2> "$T/read.err"; rc=$?
check "a chip read beside them finishes with the chip's bytes" \
	test "$rc" = 0 -a "$(sha "$T/beside.bin")" = "$ORIG_SHA"

"$MECTL" cancel --bus="$BUS" "${ID[1]}" > /dev/null 2>&1; crc=$?
until_true 300 eval '[ "$(job_state ${ID[1]})" = cancelled ]'
wait "${SPID[1]}"
check "a job stalled on its pipe is cancelled; a queued one starts in its place" \
	test "$crc" = 0 -a "$(job_state "${ID[1]}")" = cancelled -a "$(jobs_in running)" = 2 \
	-a "$(jobs_in queued)" = 1

# Job 2 gets the real image, jobs 3 and 4 the crafted one, each from a writer of its
# own; the pipe ends when that writer and this shell's have closed it. The writer's end
# is opened here, before this shell's closes: opened by the child, it could come after,
# and the job would see the pipe's end with no byte.
feed() {
	local w

	exec {w}>"$2"
	(close_writers; exec cat "$1" >&"$w") &
	exec {w}>&-
}
feed "$T/pub/good.bin" "$T/pub/fifo2"
feed "$CRAFTED" "$T/pub/fifo3"
feed "$CRAFTED" "$T/pub/fifo4"
for i in 2 3 4; do eval "exec ${FD[$i]}>&-"; done
for i in 2 3 4; do wait "${SPID[$i]}"; RC[$i]=$?; done
note "job ${ID[2]}: $(job_state "${ID[2]}"), ${ID[3]}: $(job_state "${ID[3]}"), ${ID[4]}: $(job_state "${ID[4]}")"
check "the real image through a pipe: clean succeeds, its output written" \
	test "${RC[2]}" = 0 -a "$(job_state "${ID[2]}")" = succeeded -a -s "$T/pub/out2.bin"
check "the crafted image through a pipe: both jobs fail with the error line" \
	test "${RC[3]}" = 1 -a "${RC[4]}" = 1 \
	-a -n "$("$MECTL" job "${ID[3]}" --bus="$BUS" | grep 'LLUT lists')" \
	-a -n "$("$MECTL" job "${ID[4]}" --bus="$BUS" | grep 'LLUT lists')"
hwm=$(hwm_kb)
note "mectld VmHWM after all jobs: $hwm kB (bound $HWM_BOUND_KB kB)"
check "mectld's VmHWM stays under $HWM_BOUND_KB kB" test "$hwm" -lt "$HWM_BOUND_KB"

# --- SIGTERM with a job waiting on a silent pipe ----------------------------------------------------
mkfifo -m 666 "$T/pub/fifo7"
exec {fd}<>"$T/pub/fifo7"
WRITERS+=("$fd")
(close_writers; exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$SUBMIT" "$BUS" clean "$T/pub/fifo7" "$T/pub/out7.bin") > /dev/null 2>&1 &
until_true 300 eval '[ "$(jobs_in running)" = 1 ]'
SID=$("$MECTL" jobs --bus="$BUS" | awk '$2 == "clean" && $3 == "running" { print $1 }')
kill -TERM "$DPID"
until_true 600 eval '! kill -0 $DPID 2>/dev/null'
wait "$DPID"; drc=$?
DPID=
start_daemon --config="$T/mectld.conf"
check "SIGTERM while a job waits on a silent pipe: mectld exits (0), the job is interrupted" \
	test "$drc" = 0 -a -n "$SID" -a "$(job_state "$SID")" = interrupted

# --- a job whose image is on a stalled file system ---------------------------------------------------
# The kernel reads the file ahead in 128 KiB requests: the pread of the third MiB waits
# for one of those stallfs holds, killably (only a fatal signal ends it).
modprobe fuse 2>/dev/null
mkdir "$T/stall"
"$STALLFS" "$T/stall" $((8 << 20)) $((2 << 20)) > "$T/stallfs.log" 2>&1 &
FPID=$!
until_true 300 eval 'grep -q "^mounted" "$T/stallfs.log" || ! kill -0 $FPID 2>/dev/null'
held() { grep -c '^held READ' "$T/stallfs.log"; }
released() { grep -c '^released' "$T/stallfs.log"; }
if ! grep -q '^mounted' "$T/stallfs.log"; then
	note "$(cat "$T/stallfs.log")"
	nok "stallfs mounts a FUSE file system"
	daemon_finish
fi
(close_writers; exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$SUBMIT" "$BUS" clean "$T/stall/image" "$T/pub/out8.bin") > "$T/sub8.out" 2>&1 &
SUB8=$!
until_true 600 eval '[ "$(held)" -gt 0 ] || ! kill -0 $SUB8 2>/dev/null'
FID=$("$MECTL" jobs --bus="$BUS" | awk '$2 == "clean" && $3 == "running" { print $1 }')
note "stallfs: $(tr '\n' ';' < "$T/stallfs.log")"
job_line() { "$MECTL" jobs --bus="$BUS" | awk -v id="$1" '$1 == id { print $3, $4, $5 }'; }
note "the job on the stalled file: $(job_line "$FID")"
check "a clean job on a stalled FUSE file: running, its read held past the first 2 MiB (25%)" \
	test -n "$FID" -a "$(held)" -gt 0 -a "$(job_line "$FID")" = "running input 25%"

nobody "$SUBMIT" "$BUS" check "$T/pub/good.bin" > "$T/beside-check.out" 2>&1; crc=$?
check "beside it, ListJobs answers and a check of the lumpy image succeeds" \
	test "$crc" = 0 -a -n "$("$MECTL" jobs --bus="$BUS")"
nobody "$MECTL" cancel --bus="$BUS" "$FID" > "$T/cancel.out" 2>&1; crc=$?
note "cancel: rc $crc $(cat "$T/cancel.out"); the job: $(job_line "$FID")"
check "CancelJob on it is accepted; the job stays running, its read held" \
	test "$crc" = 0 -a "$(job_line "$FID")" = "running input 25%" -a "$(released)" = 0

# term_held: SIGTERM to mectld while stallfs holds a read; stuck=1 when mectld has not
# exited a minute later (a liveness bound: it gives such a worker 3 s; the read is then
# released so the test can go on), held_at_exit=1 when the read was still held as it
# exited, drc its exit status.
term_held() {
	local deadline=$((SECONDS + 60))

	kill -TERM "$DPID"
	while kill -0 "$DPID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
	stuck=0
	if kill -0 "$DPID" 2>/dev/null; then
		stuck=1
		note "mectld still runs a minute after SIGTERM, the read held; releasing it"
		kill -USR1 "$FPID"
		until_true 600 eval '! kill -0 $DPID 2>/dev/null' || kill -KILL "$DPID"
	fi
	held_at_exit=$(( $(held) > 0 && $(released) == 0 ))
	wait "$DPID"; drc=$?
	DPID=
}
term_held
note "mectld: $(grep "job $FID:" "$T/mectld.log")"
check "SIGTERM with the read held: mectld exits (0), its worker left to the exit" \
	test "$stuck" = 0 -a "$drc" = 0 -a "$held_at_exit" = 1 \
	-a -n "$(grep "job $FID: its worker does not stop" "$T/mectld.log")"
start_daemon --config="$T/mectld.conf"
check "after a restart the job on the stalled file is interrupted" \
	test "$(job_state "$FID")" = interrupted

# The same for a chip job: a write whose image is the stalled file waits in its input
# phase, before its chip is opened; SIGTERM leaves it too, and the chip is as it was.
chip_before=$(chip_sha)
"$MECTL" write --mtd "$MTD" --force --no-block --bus="$BUS" "$T/stall/image" > /dev/null 2>&1
WID=$("$MECTL" jobs --bus="$BUS" | awk '$2 == "write" && $3 == "running" { print $1 }')
until_true 300 eval '[ -n "$WID" ] && [ "$(job_line "$WID")" = "running input 25%" ]'
note "the write job on the stalled file: $(job_line "$WID")"
term_held
start_daemon --config="$T/mectld.conf"
check "SIGTERM with a write's image read held: mectld exits (0), the job interrupted, the chip as it was and disarmed" \
	test "$stuck" = 0 -a "$held_at_exit" = 1 -a "$drc" = 0 -a -n "$WID" -a "$(job_state "$WID")" = interrupted \
	-a "$(chip_sha)" = "$chip_before" -a "$(cat /sys/bus/spi/devices/spi0.0/writeable)" = 0

[ "$(released)" -gt 0 ] || kill -USR1 "$FPID"
until_true 300 eval '! kill -0 $SUB8 2>/dev/null' || kill "$SUB8"
wait "$SUB8"
umount "$T/stall"; urc=$?
wait "$FPID"; frc=$?
FPID=
note "stallfs: $(tail -n 2 "$T/stallfs.log" | tr '\n' ';')"
check "the held reads are released, the file system unmounts and stallfs ends (0)" \
	test "$urc" = 0 -a "$frc" = 0 -a "$(released)" = 1 \
	-a -n "$(grep '^unmounted' "$T/stallfs.log")"

daemon_finish
