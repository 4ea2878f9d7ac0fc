#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mectld's configuration file and job pruning, on the host: a real dbus-daemon on a
# private bus with the real policy file, mectld with a temporary state dir, image jobs
# (check) submitted by the real client. No chip needed.
#  - KeepJobs= keeps the newest N finished jobs: the others' files are gone, ListJobs
#    and the bus no longer show them, JobRemoved is signalled;
#  - a restart prunes by the new setting and numbering carries on;
#  - --keep-jobs overrides the file;
#  - a bad file, a bad option value or a missing --config file stop mectld before it
#    starts, with one line naming the problem, and nothing in the state dir changes;
#  - damaged job files (missing or unknown keys, an id that is not the file's name) are
#    never loaded or run: moved to jobs/rejected/, logged once; a cut-short record of a
#    running job becomes an interrupted job; stale temporaries are removed;
#  - a job's record is its owner's and root's: another user's ListJobs and property
#    reads do not see it.
set -u
cd "$(dirname "$0")/../../.."
SRC=$(pwd)
MECTL=$SRC/build/mectl
MECTLD=$SRC/build/mectld
T=$(mktemp -d /tmp/mectld-state.XXXXXX)
BUS=unix:path=$T/bus.sock
STATE=$T/state
MPID=
. "$SRC/tests/selftests/daemon/lib.sh"

cleanup() {
	stop_daemon
	[ -n "$MPID" ] && kill "$MPID" 2>/dev/null && wait "$MPID" 2>/dev/null
	stop_bus
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || skip_all "needs root (the bus policy lets only root own org.mectl1)"
[ -x "$MECTL" ] && [ -x "$MECTLD" ] && [ -x build/mkimage ] || skip_all "build first (make)"
command -v dbus-daemon >/dev/null || skip_all "no dbus-daemon"

start_bus || { nok "dbus-daemon starts"; exit 1; }

# The ids mectld lists, and the job files in its state dir, space-separated.
listed() {
	"$MECTL" jobs --bus="$BUS" --json |
		python3 -c "import json,sys; print(' '.join(str(j['id']) for j in json.load(sys.stdin)))"
}
on_disk() { ls "$STATE/jobs" | grep -x '[0-9]*' | sort -n | tr '\n' ' ' | sed 's/ $//'; }
# One check job through mectld (--bus makes mectl check run the engine there).
submit_check() { "$MECTL" check --bus="$BUS" "$T/me.bin" >/dev/null 2>&1; }

build/mkimage -p me8-bare -o "$T/me.bin" >/dev/null || { nok "mkimage writes a test image"; exit 1; }

# --- the shipped file (every key commented out) is valid ------------------------------------
check "mectld starts with the shipped daemon/mectld.conf" start_daemon --config=daemon/mectld.conf
stop_daemon
rm -rf "$STATE"

# --- KeepJobs= from the file -----------------------------------------------------------
printf '# test\nKeepJobs = 3\n' > "$T/mectld.conf"
check "mectld starts with KeepJobs=3" start_daemon --config="$T/mectld.conf"
dbus-monitor --address "$BUS" "type='signal',interface='org.mectl1.Manager',member='JobRemoved'" \
	> "$T/monitor.log" 2>&1 &
MPID=$!
sleep 0.5
for i in 1 2 3 4 5; do submit_check || nok "check job $i through mectld"; done
check "5 jobs run, the newest 3 listed (got: $(listed))" test "$(listed)" = "3 4 5"
check "... and only their files are in the state dir (got: $(on_disk))" test "$(on_disk)" = "3 4 5"
check "a pruned job's object is gone from the bus" \
	sh -c "! busctl --address='$BUS' get-property org.mectl1 /org/mectl1/job/1 org.mectl1.Job State >/dev/null 2>&1"
check "a kept job's object is still there" \
	sh -c "busctl --address='$BUS' get-property org.mectl1 /org/mectl1/job/5 org.mectl1.Job State >/dev/null"
sleep 0.3
check "JobRemoved signalled for jobs 1 and 2" \
	test "$(grep -c 'member=JobRemoved' "$T/monitor.log")" = 2
kill "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null; MPID=
stop_daemon

# --- restart: the new setting applies at once, numbering carries on -----------------------
printf 'KeepJobs=2\n' > "$T/mectld.conf"
check "restart with KeepJobs=2" start_daemon --config="$T/mectld.conf"
check "restart prunes to the newest 2 (got: $(listed))" test "$(listed) / $(on_disk)" = "4 5 / 4 5"
submit_check
check "the next job is number 6, jobs 5 and 6 kept (got: $(listed))" test "$(listed)" = "5 6"
stop_daemon

# --- the command line overrides the file ----------------------------------------------------
check "restart with --keep-jobs=4 over KeepJobs=2" start_daemon --config="$T/mectld.conf" --keep-jobs=4
submit_check
submit_check
check "4 kept (got: $(listed))" test "$(listed)" = "5 6 7 8"
stop_daemon

# --- bad configuration: one line, exit 1, nothing touched -----------------------------------
before=$(on_disk)
bad() {
	local name=$1 want=$2
	shift 2
	"$MECTLD" --bus="$BUS" --state-dir="$STATE" "$@" > "$T/out" 2>&1
	rc=$?
	check "$name: exit 1, one line ($(head -c 120 "$T/out"))" \
		test "$rc" = 1 -a "$(wc -l < "$T/out")" = 1 -a -n "$(grep -F -- "$want" "$T/out")"
}
printf 'KeepJobs=2\nColour=blue\n' > "$T/bad.conf"
bad "unknown key" "bad.conf:2: unknown key 'Colour'" --config="$T/bad.conf"
printf 'KeepJobs=0\n' > "$T/bad.conf"
bad "KeepJobs=0" "bad.conf:1: KeepJobs: '0' is not a number of jobs, 1 to 100000" --config="$T/bad.conf"
printf 'Group mectl\n' > "$T/bad.conf"
bad "no '='" "bad.conf:1: not a Key=Value line" --config="$T/bad.conf"
bad "--keep-jobs=many" "--keep-jobs: 'many' is not a number of jobs" --config="$T/mectld.conf" --keep-jobs=many
bad "missing --config file" "cannot read $T/none.conf: No such file or directory" --config="$T/none.conf"
check "the state dir is as before ($(on_disk))" test "$(on_disk)" = "$before"

# --- damaged job files -------------------------------------------------------------------------
GOOD=$STATE/jobs/8
STATE=$T/state2
mkdir -p -m 0700 "$STATE/jobs"
printf 'id=7\nmtd=3\n' > "$STATE/jobs/7"
sed 's/^id=8$/id=11/' "$GOOD" > "$STATE/jobs/11"
{ sed 's/^id=8$/id=12/; s/^state=.*/state=queued/' "$GOOD"; echo 'colour=blue'; } > "$STATE/jobs/12"
sed 's/^state=.*/state=queued/' "$GOOD" > "$STATE/jobs/13"	# says id=8
printf 'id=14\ntype=write\nstate=running\nowner=0\nmtd=99\nchip=jedec-ef4017-83' > "$STATE/jobs/14"
printf 'half a job' > "$STATE/jobs/.15.tmp"
check "mectld starts over damaged job files" start_daemon
check "only the intact job and the cut-short running one are listed (got: $(listed))" \
	test "$(listed)" = "11 14"
check "id=7/mtd=3 is moved to jobs/rejected/7 as it was" \
	sh -c "test ! -e '$STATE/jobs/7' && printf 'id=7\nmtd=3\n' | cmp -s - '$STATE/jobs/rejected/7'"
check "... logged with its reason" grep -q "job file 7 rejected, moved to jobs/rejected/7: missing key 'type'" "$T/mectld.log"
check "an unknown key rejects the file" grep -q "job file 12 rejected.*unknown key 'colour'" "$T/mectld.log"
check "an id that is not the file name rejects the file" grep -q "job file 13 rejected.*id=8 in a file named 13" "$T/mectld.log"
j14=$("$MECTL" job 14 --json --bus="$BUS" | python3 -c "import json,sys; j=json.load(sys.stdin); print(j['state'], '|', j['message'])")
check "a cut-short running write job is interrupted, says the chip may be written ($j14)" \
	sh -c "echo '$j14' | grep -q '^interrupted | .*partly written.*damaged'"
check "the stale temporary .15.tmp is removed" test ! -e "$STATE/jobs/.15.tmp"
stop_daemon
check "restart: still the two jobs, nothing more rejected" \
	sh -c "'$MECTLD' --bus='$BUS' --state-dir='$STATE' >> '$T/mectld2.log' 2>&1 & p=\$!; sleep 1.5; kill \$p; wait \$p; ! grep -q rejected '$T/mectld2.log'"

# --- a job's record is its owner's and root's ----------------------------------------------
chmod 755 "$T"
chmod 644 "$T/me.bin"
start_daemon
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_nobody "$MECTL" check --bus="$BUS" "$T/me.bin" >/dev/null 2>&1
mine=$(as_nobody "$MECTL" jobs --bus="$BUS" --json |
	python3 -c "import json,sys; print(' '.join(str(j['id']) for j in json.load(sys.stdin)))")
check "another user lists only their own job (got: $mine; root sees $(listed))" \
	test "$mine" = 15 -a "$(listed)" = "11 14 15"
check "another user cannot read root's job's properties" \
	sh -c "! setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address='$BUS' get-property org.mectl1 /org/mectl1/job/11 org.mectl1.Job Message >/dev/null 2>&1"
check "... nor find it in GetManagedObjects" \
	sh -c "! setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address='$BUS' call org.mectl1 /org/mectl1 org.freedesktop.DBus.ObjectManager GetManagedObjects | grep -q 'job/11'"
check "... but reads their own, and root reads every job" \
	sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address='$BUS' get-property org.mectl1 /org/mectl1/job/15 org.mectl1.Job State >/dev/null && busctl --address='$BUS' get-property org.mectl1 /org/mectl1/job/11 org.mectl1.Job State >/dev/null && busctl --address='$BUS' call org.mectl1 /org/mectl1 org.freedesktop.DBus.ObjectManager GetManagedObjects | grep -q 'job/15'"
stop_daemon

echo "1..$n"
[ "$fails" -eq 0 ]
