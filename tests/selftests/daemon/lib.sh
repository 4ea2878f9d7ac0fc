# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the mectld tests (sourced by bash): TAP lines, a private
# dbus-daemon with the real policy file, and starting/stopping mectld on it.
# The caller sets SRC (tree), MECTL, MECTLD, T (scratch dir), BUS (unix:path=$T/bus.sock),
# STATE (mectld's state dir), and for the chip fixture SHARED and SIM (flashsim's
# debugfs) first; DPID and BPID hold the two daemons' pids.

DPID= BPID=
n=0 fails=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
note() { echo "# $*"; }

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
