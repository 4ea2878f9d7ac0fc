#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mectl's shared options before the verb, on the host: a real dbus-daemon on a private
# bus with the real policy file and mectld on it, as tests/unit/daemon/state.sh.
#  - `mectl --bus=ADDRESS VERB`, `mectl --bus ADDRESS VERB` and `mectl --json ... VERB`
#    print and return exactly what the same options after the verb do (jobs, job,
#    status, check);
#  - a leading option no verb knows, a leading --bus without its value, options and no
#    verb: one line on stderr, nothing on stdout, exit 1.
set -u
cd "$(dirname "$0")/../.."
. tests/selftests/daemon/lib.sh
daemon_env cli

cleanup() {
	stop_daemon
	stop_bus
	rm -rf "$T"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || skip_all "needs root (the bus policy lets only root own org.mectl1)"
built "$MECTL" "$MECTLD" build/mkimage
command -v dbus-daemon >/dev/null || skip_all "no dbus-daemon"

# same NAME "BEFORE..." "AFTER...": both command lines of mectl give the same stdout,
# stderr and exit status, and the first one's exit status is WANT_RC (default 0).
same() {
	local name=$1 before=$2 after=$3 brc arc

	# shellcheck disable=SC2086 # the command lines are words
	"$MECTL" $before > "$T/b.out" 2> "$T/b.err"; brc=$?
	# shellcheck disable=SC2086
	"$MECTL" $after > "$T/a.out" 2> "$T/a.err"; arc=$?
	check "$name (rc $brc, $(wc -c < "$T/b.out") bytes)" \
		test "$brc" = "${WANT_RC:-0}" -a "$brc" = "$arc" -a -s "$T/b.out" -a \
		"$(cat "$T/b.out" "$T/b.err")" = "$(cat "$T/a.out" "$T/a.err")"
}

# refused NAME WANT ARGS...: one line on stderr naming WANT, nothing on stdout, exit 1.
refused() {
	local name=$1 want=$2 rc

	shift 2
	"$MECTL" "$@" > "$T/out" 2> "$T/err"; rc=$?
	check "$name: exit 1, one line ($(head -c 100 "$T/err"))" \
		test "$rc" = 1 -a ! -s "$T/out" -a "$(wc -l < "$T/err")" = 1 -a \
		-n "$(grep -F -- "$want" "$T/err")"
}

start_bus || { nok "dbus-daemon starts"; exit 1; }
check "mectld starts on the private bus" start_daemon
build/mkimage -p me8-bare -o "$T/me.bin" >/dev/null || { nok "mkimage writes a test image"; exit 1; }
"$MECTL" check --bus="$BUS" "$T/me.bin" >/dev/null 2>&1
check "a check job through mectld, listed as a check job" sh -c "'$MECTL' jobs --bus='$BUS' | grep -q ' check '"

same "--bus=ADDRESS before jobs" "--bus=$BUS jobs" "jobs --bus=$BUS"
same "--bus ADDRESS (separate) before jobs" "--bus $BUS jobs" "jobs --bus=$BUS"
same "--json --bus=ADDRESS before jobs" "--json --bus=$BUS jobs" "jobs --json --bus=$BUS"
check "... which is JSON" python3 -c "import json; json.load(open('$T/b.out'))"
same "--bus=ADDRESS before job 1 --json" "--bus=$BUS job 1 --json" "job 1 --json --bus=$BUS"
WANT_RC=2 same "--json before status" "--json status --no-mei --sysfs-root $T/none" \
	"status --no-mei --sysfs-root $T/none --json"
same "--json before check" "--json check $T/me.bin" "check --json $T/me.bin"

refused "an unknown option before the verb" "unknown option '--frob'" --frob jobs
refused "--json=1 before the verb" "unknown option '--json=1'" --json=1 jobs
refused "--bus without its value" "--bus needs a value" --bus
refused "options and no verb" "no verb after the options" --json --bus="$BUS"
refused "an unknown verb after --bus" "unknown verb 'frob'" --bus="$BUS" frob

echo "1..$n"
exit $((fails > 0))
