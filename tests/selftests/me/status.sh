#!/bin/bash
# VM test of `mectl status`: verdicts and exit codes for a disabled ME (the seed
# guide's sample + meisim mode=disabled), an enabled one, a hidden MEI, no MEI, no
# module, contradicting evidence, Platform Disable Wait, a caller without permission,
# --json, and bad options. TAP output; unloads mectl_me and meisim on exit.
set -u
cd "${MECTL_SRC:-$(dirname "$0")/../../..}" || exit 1
MECTL=$PWD/build/mectl
MEI=/dev/meisim0
n=0 failed=0
tmp=$(mktemp -d)

cleanup() {
	rmmod mectl_me 2>/dev/null
	rmmod meisim 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# check NAME EXPECTED_RC [grep patterns that must be in stdout ...]
# uses $rc, $tmp/out, $tmp/err from the last status() call
check() {
	local name=$1 want=$2 p
	shift 2
	if [ "$rc" != "$want" ]; then
		echo "# $name: exit $rc, expected $want"
		sed 's/^/#   out: /' "$tmp/out"; sed 's/^/#   err: /' "$tmp/err"
		not_ok "$name"
		return
	fi
	for p in "$@"; do
		if ! grep -qxF -- "$p" "$tmp/out"; then
			echo "# $name: missing line: $p"
			sed 's/^/#   out: /' "$tmp/out"
			not_ok "$name"
			return
		fi
	done
	ok "$name"
}

status() {
	"$MECTL" status "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}

err_has() { grep -qF -- "$1" "$tmp/err"; }
out_has() { grep -qF -- "$1" "$tmp/out"; }

reset() {
	rmmod mectl_me 2>/dev/null
	rmmod meisim 2>/dev/null
}

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 4
fi
if ! modprobe -n mectl_me 2>/dev/null || ! modprobe -n meisim 2>/dev/null; then
	echo "1..0 # SKIP mectl_me.ko or meisim.ko not installed"
	exit 4
fi
[ -x "$MECTL" ] || { echo "not ok 1 - $MECTL missing (make)"; exit 1; }
reset

SEED_LINES=(
	"ME Status   : 0x1e020191"
	"ME Status 2 : 0x104d0142"
	"ME: FW Partition Table      : OK"
	"ME: Bringup Loader Failure  : NO"
	"ME: Firmware Init Complete  : NO"
	"ME: Manufacturing Mode      : YES"
	"ME: Boot Options Present    : NO"
	"ME: Update In Progress      : NO"
	"ME: Current Working State   : Initializing"
	"ME: Current Operation State : Bring up"
	"ME: Current Operation Mode  : Debug"
	"ME: Error Code              : No Error"
	"ME: Progress Phase          : BUP Phase"
	"ME: Power Management Event  : Clean Moff->Mx wake"
	"ME: Progress Phase State    : 0x4d"
)

# 1. no module at all
status --mei "$tmp/nothing"
check "no module: unknown" 2 "ME disabled: unknown"
if err_has "mectl_me is not loaded" && err_has "does not exist"; then ok "no module: messages"; else not_ok "no module: messages"; fi

# 2. module loaded, no MEI function (QEMU has none)
modprobe mectl_me
if [ -e /sys/class/intel_me/me0 ]; then
	skip "no device: unknown" "this machine has an MEI function"
else
	status --no-mei
	check "no device: unknown" 2 "ME disabled: unknown" \
		"  evidence: status registers not read: no MEI function found (no ME interface, or hidden by firmware)"
	if err_has "found no MEI function"; then ok "no device: message"; else not_ok "no device: message"; fi
fi
reset

# 3. the seed guide's machine: disabled
modprobe mectl_me sim_hfsts=0x1e020191,0x104d0142 sim_device=0x9c3a
modprobe meisim mode=disabled
status --mei $MEI --timeout 300
check "disabled: seed sample, verdict yes, exit 0" 0 "${SEED_LINES[@]}" \
	"ME: GET FW VERSION message failed" "ME: GET FWCAPS message failed" \
	"ME disabled: yes" \
	"  evidence: ME: Firmware Init Complete  : NO" \
	"  evidence: ME: Current Working State   : Initializing" \
	"  evidence: ME: Current Operation State : Bring up" \
	"  evidence: ME: Progress Phase          : BUP Phase" \
	"  evidence: ME: Progress Phase State    : 0x4d" \
	"  evidence: ME: GET FW VERSION message failed" \
	"  evidence: ME: GET FWCAPS message failed"
if out_has "30 minutes"; then not_ok "disabled: no watchdog advice without Platform Disable Wait"; else ok "disabled: no watchdog advice without Platform Disable Wait"; fi
if out_has "MEI found: [8086:9c3a] Lynx Point LP"; then ok "disabled: device line"; else not_ok "disabled: device line"; fi

# 4. JSON of the same
status --mei $MEI --timeout 300 --json
if [ "$rc" = 0 ] && python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["disabled"] == "yes", d
assert d["registers_disabled"] == "yes"
assert d["fields"]["progress_phase_state"] == "0x4d"
assert d["fields"]["operation_mode"] == "Debug"
assert d["registers"]["hfsts1"] == "0x1e020191"
assert d["mkhi"] == "failed"
assert "ME: GET FWCAPS message failed" in d["evidence"]
assert d["watchdog_advice"] is False
PY
then ok "json: disabled"; else not_ok "json: disabled (rc $rc)"; sed 's/^/#   /' "$tmp/out"; fi

# 5. a caller without permission on the MEI device: registers still decide
chmod 0755 "$tmp"
status_as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MECTL" status "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}
status_as_nobody --mei $MEI --timeout 300
check "no permission: verdict from registers" 0 "ME disabled: yes"
if err_has "permission denied (the MEI device is root-only; run as root)"; then ok "no permission: message"; else not_ok "no permission: message"; sed 's/^/#   err: /' "$tmp/err"; fi

# 6. registers say disabled but MKHI answers: contradiction
echo enabled > /sys/module/meisim/parameters/mode
status --mei $MEI
check "contradiction: unknown, exit 2" 2 "ME disabled: unknown" \
	"  evidence: the status registers say disabled, but the ME answered MKHI:" \
	"  evidence: ME: Firmware Version 11.8.92.4222 (code)"

# 7. an enabled ME: Normal, M0 with UMA, init complete, Host Communication
echo 0x00000245,0x60000000 > /sys/module/mectl_me/parameters/sim_hfsts
status --mei $MEI
check "enabled: verdict no, exit 1" 1 "ME disabled: no" \
	"ME: Current Working State   : Normal" \
	"ME: Progress Phase State    : Host communication established" \
	"ME: Firmware Version 11.8.92.4222 (code) 11.8.92.4222 (recovery) 11.8.92.4222 (fitc)" \
	"$(printf 'ME Capability: %-42s: ON' Manageability)" \
	"$(printf 'ME Capability: %-42s: OFF' 'Full Network manageability')" \
	"  evidence: ME: Current Working State   : Normal"

# 8. Platform Disable Wait: disabled, with the 30-minute watchdog advice
echo 0x00000246,0x60000000 > /sys/module/mectl_me/parameters/sim_hfsts
echo disabled > /sys/module/meisim/parameters/mode
status --mei $MEI --timeout 200
check "platform disable wait: yes + advice" 0 "ME disabled: yes" \
	"  evidence: ME: Current Working State   : Platform Disable Wait" \
	"The ME reports \"Platform Disable Wait\": leave this machine running for 30 minutes."

# 9. error code set: intelmetool's "broken implementation" line
echo 0x00003245,0x60000000 > /sys/module/mectl_me/parameters/sim_hfsts
status --no-mei
check "image failure: yes" 0 "ME disabled: yes" \
	"ME: Error Code              : Image Failure" \
	"ME: has a broken implementation on your board with this firmware"
reset

# 10. hidden MEI function
modprobe mectl_me sim_hidden=1 sim_hfsts=0x1e020191,0x104d0142 sim_device=0x9c3a
status --no-mei
check "hidden: unknown, exit 2" 2 "ME disabled: unknown" \
	"  evidence: status registers not read: the firmware hides the MEI function (FD2.ME1D)"
if out_has "MEI hidden: Lynx Point LP" && err_has "unhide=1"; then ok "hidden: messages"; else not_ok "hidden: messages"; fi
reset

# 11. registers unavailable, MKHI answers: enabled
modprobe meisim
status --mei $MEI
check "no module + MKHI answers: no" 1 "ME disabled: no"
reset

# 12. the SYSFS_ROOT seam: a fake tree
mkdir -p "$tmp/root/sys/class/intel_me/me0"
for kv in hfsts1=0x00000245 hfsts2=0x60000000 firmware_init_complete=YES working_state=Normal \
	"error_code=No Error" "progress_phase=Host Communication" disabled=no hidden=no; do
	echo "${kv#*=}" > "$tmp/root/sys/class/intel_me/me0/${kv%%=*}"
done
status --no-mei --sysfs-root "$tmp/root"
check "sysfs-root: fake enabled device" 1 "ME disabled: no" "ME: Current Working State   : Normal"
SYSFS_ROOT="$tmp/root" "$MECTL" status --no-mei > "$tmp/out" 2> "$tmp/err"; rc=$?
check "SYSFS_ROOT environment" 1 "ME disabled: no"

# 13. bad command lines: one error line, exit 2
for args in "--bogus" "--timeout 0" "--timeout x" "--device ../x" "extra"; do
	# shellcheck disable=SC2086
	status $args
	if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ]; then
		ok "bad option '$args'"
	else
		not_ok "bad option '$args' (rc $rc)"; sed 's/^/#   err: /' "$tmp/err"
	fi
done
status --help
if [ "$rc" = 0 ] && out_has "0  the ME is disabled" && out_has "2  unknown"; then ok "help documents exit codes"; else not_ok "help"; fi

echo "1..$n"
[ "$failed" = 0 ]
