#!/bin/bash
# Host test of `mectl status` through its SYSFS_ROOT seam: fake /sys/class/intel_me
# trees (as mectl_me would publish them) for a disabled, an enabled, a hidden, an
# inaccessible and a Platform Disable Wait device, no module and an empty class.
# No kernel, no root, no MEI: --mei points at a path that does not exist. TAP output.
set -u
cd "$(dirname "$0")/../../.." || exit 1
MECTL=$PWD/build/mectl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

# device ROOT NAME attr=value...
device() {
	local d=$1/sys/class/intel_me/$2 kv
	shift 2
	mkdir -p "$d"
	for kv in "$@"; do echo "${kv#*=}" > "$d/${kv%%=*}"; done
}

# expect NAME RC ROOT [lines that must appear in stdout...]
expect() {
	local name=$1 want=$2 root=$3 line
	shift 3
	"$MECTL" status --mei "$tmp/no-mei" --sysfs-root "$root" > "$tmp/out" 2> "$tmp/err"
	local rc=$?
	if [ "$rc" != "$want" ]; then
		echo "# $name: exit $rc, expected $want"; sed 's/^/#   /' "$tmp/out" "$tmp/err"
		not_ok "$name"; return
	fi
	for line in "$@"; do
		if ! grep -qxF -- "$line" "$tmp/out"; then
			echo "# $name: missing: $line"; sed 's/^/#   /' "$tmp/out"
			not_ok "$name"; return
		fi
	done
	ok "$name"
}

[ -x "$MECTL" ] || { echo "not ok 1 - $MECTL missing (make)"; exit 1; }

common=(fw_partition_table=OK bringup_loader_failure=NO manufacturing_mode=NO
	boot_options_present=NO update_in_progress=NO operation_mode=Normal
	"pm_event=Clean Moff->Mx wake" pci_id=8086:a13a "chipset=Sunrise Point"
	"generation=CSME 11" "layout=CSME 11" source=pci hidden=no)

device "$tmp/seed" me0 "${common[@]}" hfsts1=0x1e020191 hfsts2=0x104d0142 \
	firmware_init_complete=NO working_state=Initializing "operation_state=Bring up" \
	"error_code=No Error" "progress_phase=BUP Phase" progress_phase_state=0x4d disabled=yes \
	"indicators=firmware_init_complete working_state operation_state progress_phase progress_phase_state"
expect "disabled device: yes" 0 "$tmp/seed" "ME disabled: yes" \
	"ME: Progress Phase State    : 0x4d" \
	"  evidence: ME: Firmware Init Complete  : NO" \
	"  evidence: MKHI not queried: $tmp/no-mei does not exist (mei_me not loaded, or no MEI device)"

device "$tmp/on" me0 "${common[@]}" hfsts1=0x90000245 hfsts2=0x60000000 \
	firmware_init_complete=YES working_state=Normal "operation_state=M0 with UMA" \
	"error_code=No Error" "progress_phase=Host Communication" \
	"progress_phase_state=Host communication established" disabled=no indicators=
expect "enabled device: no" 1 "$tmp/on" "ME disabled: no" \
	"MEI found: [8086:a13a] Sunrise Point (CSME 11; CSME 11 layout; source: pci; me0)"

device "$tmp/pdw" me0 "${common[@]}" hfsts1=0x00000246 hfsts2=0x60000000 \
	firmware_init_complete=YES "working_state=Platform Disable Wait" \
	"operation_state=M0 with UMA" "error_code=No Error" \
	"progress_phase=Host Communication" disabled=yes indicators=working_state
expect "platform disable wait: advice" 0 "$tmp/pdw" "ME disabled: yes" \
	"If it does not reset itself, the ME's watchdog was cleared and the ME stays off;"

# the evidence lines are the fields the module's indicators attribute names, in its order
device "$tmp/img" me0 "${common[@]}" hfsts1=0x00003245 hfsts2=0x60000000 \
	firmware_init_complete=YES working_state=Normal "operation_state=M0 with UMA" \
	"error_code=Image Failure" "progress_phase=Host Communication" disabled=yes \
	"indicators=error_code operation_mode"
expect "indicators: evidence" 0 "$tmp/img" "ME disabled: yes" \
	"  evidence: ME: Error Code              : Image Failure" \
	"  evidence: ME: Current Operation Mode  : Normal" \
	"  evidence: ME: has a broken implementation on your board with this firmware" \
	"ME: has a broken implementation on your board with this firmware"
grep -n "evidence: ME:" "$tmp/out" | sed -n 1p | grep -qF "Error Code" &&
	! grep -qF "evidence: ME: Current Working State" "$tmp/out" &&
	ok "indicators: only those, in order" || not_ok "indicators: only those, in order"
echo > "$tmp/img/sys/class/intel_me/me0/indicators"
expect "no indicators: no field evidence" 0 "$tmp/img" "ME disabled: yes"
! grep -qF "evidence: ME: Error Code" "$tmp/out" && ! grep -qF "broken implementation" "$tmp/out" &&
	ok "no indicators: no broken-implementation line" ||
	not_ok "no indicators: no broken-implementation line"

device "$tmp/hidden" me0 hfsts1=0xffffffff hfsts2=0xffffffff working_state="not accessible" \
	disabled=unknown pci_id=unknown "chipset=Lynx Point LP" "generation=ME 9.5" hidden=yes
expect "hidden: unknown" 2 "$tmp/hidden" "ME disabled: unknown" \
	"  evidence: status registers not read: the firmware hides the MEI function (FD2.ME1D)"

device "$tmp/d3" me0 "${common[@]}" hfsts1=0xffffffff hfsts2=0xffffffff \
	"working_state=not accessible" disabled=unknown
expect "not accessible: unknown" 2 "$tmp/d3" "ME disabled: unknown" \
	"  evidence: status registers not accessible (read 0xffffffff)"

mkdir -p "$tmp/empty/sys/class/intel_me"
expect "empty class: unknown" 2 "$tmp/empty" "ME disabled: unknown"
grep -qF "mectl_me found no MEI function" "$tmp/err" && ok "empty class: message" || not_ok "empty class: message"
expect "no module: unknown" 2 "$tmp/none" "ME disabled: unknown"
grep -qF "mectl_me is not loaded (modprobe mectl_me)" "$tmp/err" && ok "no module: message" || not_ok "no module: message"

# the lowest meN is the default; --device picks another
device "$tmp/two" me10 "${common[@]}" hfsts1=0x90000245 working_state=Normal disabled=no
device "$tmp/two" me2 "${common[@]}" hfsts1=0x1e020191 working_state=Initializing disabled=yes
expect "two devices: lowest index first" 0 "$tmp/two" "ME disabled: yes"
"$MECTL" status --mei "$tmp/no-mei" --sysfs-root "$tmp/two" --device me10 > "$tmp/out" 2>&1
[ $? = 1 ] && ok "--device me10" || not_ok "--device me10"
"$MECTL" status --mei "$tmp/no-mei" --sysfs-root "$tmp/two" --device me7 > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && grep -qF "no intel_me device named me7" "$tmp/err" && ok "--device me7 (absent)" ||
	not_ok "--device me7 (absent)"

echo "1..$n"
[ "$failed" = 0 ]
