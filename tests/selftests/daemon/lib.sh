# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the mectld tests (sourced by bash): TAP lines, a private
# dbus-daemon with the real policy file, and starting/stopping mectld on it.
# The caller sets SRC (tree), MECTL, MECTLD, T (scratch dir), BUS (unix:path=$T/bus.sock),
# STATE (mectld's state dir), and for the chip fixture SHARED and SIM (flashsim's
# debugfs) first, or has daemon_test set them all; DPID and BPID hold the two daemons'
# pids.

DPID= BPID=
n=0 fails=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
note() { echo "# $*"; }

# daemon_env NAME: run from the tree's top, sets SRC, SHARED (MECTL_SHARED, else SHARED,
# else beside the tree), MECTL, MECTLD, SIM, T (a fresh /tmp/mectld-NAME.XXXXXX), BUS
# and STATE.
daemon_env() {
	SRC=$(pwd)
	SHARED=${MECTL_SHARED:-${SHARED:-$SRC/../shared}}
	MECTL=$SRC/build/mectl
	MECTLD=$SRC/build/mectld
	SIM=/sys/kernel/debug/flashsim
	T=$(mktemp -d "/tmp/mectld-$1.XXXXXX") || exit 1
	BUS=unix:path=$T/bus.sock
	STATE=$T/state
}

# daemon_test NAME: the start of a mectld test in the VM: daemon_env NAME, daemon_cleanup
# on exit; skips unless root with dbus-daemon and mectl and mectld built; unloads the
# modules an earlier run left.
daemon_test() {
	daemon_env "$1"
	trap daemon_cleanup EXIT
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	built "$MECTL" "$MECTLD"
	command -v dbus-daemon >/dev/null || skip_all "no dbus-daemon"
	rmmod mectl_flash flashsim 2>/dev/null
}

# bus_test NAME: the start of a mectld test on the host (a private bus, no chip):
# daemon_env NAME, bus_cleanup on exit; skips unless root with dbus-daemon and mectl
# and mectld built.
bus_test() {
	daemon_env "$1"
	trap bus_cleanup EXIT
	[ "$(id -u)" = 0 ] || skip_all "needs root (the bus policy lets only root own org.mectl1)"
	built "$MECTL" "$MECTLD"
	command -v dbus-daemon >/dev/null || skip_all "no dbus-daemon"
}

# bus_cleanup: the test's own on_exit first when it defines one, both daemons, $T
# (kept when KEEP_T is set).
bus_cleanup() {
	if declare -F on_exit >/dev/null; then on_exit; fi
	stop_daemon
	stop_bus
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}

# built PROGRAM...: skips unless every PROGRAM is built.
built() {
	local p

	for p in "$@"; do [ -x "$p" ] || skip_all "build first (make)"; done
}

# daemon_cleanup: the test's own on_exit first when it defines one, then both daemons,
# flashsim's timing back off, the modules a test loads, $T.
daemon_cleanup() {
	if declare -F on_exit >/dev/null; then on_exit; fi
	stop_daemon
	stop_bus
	echo 0 > /sys/module/flashsim/parameters/timing 2>/dev/null
	echo 0 > /sys/module/flashsim/parameters/clock_hz 2>/dev/null
	rmmod mectl_flash 2>/dev/null
	rmmod flashsim 2>/dev/null
	rmmod mtdram 2>/dev/null
	rm -rf "$T"
}

# daemon_finish: the plan at the end, as TAP allows (no count to keep by hand), and
# mectld's log when something failed; exit status 0 only when nothing did.
daemon_finish() {
	echo "1..$n"
	if [ "$fails" -ne 0 ]; then
		note "mectld log:"; sed 's/^/# /' "$T/mectld.log" | tail -n 30
	fi
	exit $((fails > 0))
}

# start_bus: dbus-daemon on $T/bus.sock, system-like, with daemon/org.mectl1.conf.
start_bus() {
	sed -e "s#@BUS_SOCKET@#$T/bus.sock#" -e "s#@POLICY@#$SRC/daemon/org.mectl1.conf#" \
		"$SRC/tests/selftests/daemon/test-bus.conf" > "$T/bus.conf"
	dbus-daemon --config-file="$T/bus.conf" --nofork --nopidfile 2>"$T/dbus.log" &
	BPID=$!
	for _ in $(seq 50); do [ -S "$T/bus.sock" ] && return 0; sleep 0.1; done
	return 1
}

# start_daemon [mectld options...]: mectld on $BUS; waits until it answers.
start_daemon() {
	"$MECTLD" --bus="$BUS" --state-dir="$STATE" "$@" >> "$T/mectld.log" 2>&1 &
	DPID=$!
	for _ in $(seq 100); do
		"$MECTL" jobs --bus="$BUS" >/dev/null 2>&1 && return 0
		kill -0 "$DPID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# stop_daemon: SIGTERM, 5 s to finish, then SIGKILL.
stop_daemon() {
	if [ -n "$DPID" ]; then
		kill -TERM "$DPID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	DPID=
}

stop_bus() {
	[ -n "$BPID" ] && kill "$BPID" 2>/dev/null && wait "$BPID" 2>/dev/null
	BPID=
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# job_result JOB KEY: one member of a job's result (mectl job --json), lists, objects
# and booleans as JSON
job_result() {
	"$MECTL" job --bus="$BUS" --json "$1" |
		python3 -c "import json,sys; v=json.load(sys.stdin)['result'].get(sys.argv[1]); print(json.dumps(v) if isinstance(v,(list,dict,bool)) else v)" "$2"
}
last_job() { "$MECTL" jobs --bus="$BUS" --json | python3 -c "import json,sys; print(json.load(sys.stdin)[-1]['id'])"; }
# expected IMAGE CASE: the sha256 of me_cleaner's output recorded in the test data
expected() { awk '$2 == "out.bin" { print $1 }' "$SHARED/testdata/me_cleaner/$1/$2/sha256"; }
# flmstr1 FILE VALUE: FLMSTR1 (at FMBA 0x60 in the test images' IFD v1 descriptors)
flmstr1() {
	python3 -c "import struct,sys; f=open(sys.argv[1],'r+b'); f.seek(0x60); f.write(struct.pack('<I', int(sys.argv[2], 0)))" "$1" "$2"
}
chip_sha() { sha "$SIM/data"; }

# lumpy_chip: the lumpy ME7 image in $T/orig.bin and on a flashsim W25Q64FV, with
# mectl_flash loaded but not attached (mectl probe --attach does that through
# netlink); ORIG_SHA and S_SHA (me_cleaner -S's output) set. Skips what is missing.
lumpy_chip() {
	xz -dc "$SHARED/testdata/images/full_cb_lumpy_me7_8M.bin.xz" > "$T/orig.bin" ||
		skip_all "no lumpy image"
	S_SHA=$(awk '$2 == "out.bin" { print $1 }' \
		"$SHARED/testdata/me_cleaner/full_cb_lumpy_me7_8M/S/sha256")
	ORIG_SHA=$(sha "$T/orig.bin")
	modprobe flashsim bus_num=0 chip=w25q64fv || skip_all "flashsim not available"
	dd if="$T/orig.bin" of="$SIM/data" bs=1M conv=notrunc status=none
	modprobe mectl_flash || skip_all "mectl_flash not available"
}
