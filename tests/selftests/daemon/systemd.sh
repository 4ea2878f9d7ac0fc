#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The installed mectld as a system service: systemd is PID 1 and the system bus is
# Debian's own (the VM's second boot, tests/vm/run.sh --systemd). The files
# `make install` puts in place (build/sysroot), D-Bus activation through the unit,
# Type=notify, the unit's hardening as the running process has it, a neutralize of
# the lumpy ME7 image on flashsim through all of it, and the authorization by
# Debian's polkitd (D-Bus activated): the shipped policy and rule, an admin's rule,
# the PID-reuse attack.
set -u
cd "$(dirname "$0")/../../.."
SRC=$(pwd)
SHARED=${MECTL_SHARED:-$SRC/../shared}
SIM=/sys/kernel/debug/flashsim
T=$(mktemp -d /tmp/mectld-systemd.XXXXXX)
. "$SRC/tests/selftests/daemon/lib.sh"

cleanup() {
	systemctl stop mectld.service 2>/dev/null
	rm -f /etc/polkit-1/rules.d/10-mectl-test.rules
	rmmod mectl_flash 2>/dev/null
	rmmod flashsim 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

[ "$(cat /proc/1/comm)" = systemd ] || skip_all "systemd is not PID 1 (tests/vm/run.sh --systemd)"
[ -e build/sysroot.stamp ] || skip_all "no staged install (make tests)"
[ -x /usr/lib/polkit-1/polkitd ] || skip_all "no polkitd (scripts/deps.sh)"

prop() { systemctl show -P "$1" mectld.service; }
# status FIELD: a line of /proc/PID/status of mectld's main process
status() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$(prop MainPID)/status"; }

lumpy_chip

# What `make install` would put on this system, then the two reloads a package's
# postinst does (/lib is a symlink to usr/lib: tar keeps it, cp -a would not).
echo "1..19"
check "the staged install goes into / (then daemon-reload, bus ReloadConfig)" sh -c \
	'tar -C build/sysroot -cf - . | tar -C / --keep-directory-symlink -xf - &&
	 systemctl daemon-reload &&
	 busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig'
check "mectld.service is installed, not running before first use" \
	test "$(prop LoadState)" = loaded -a "$(prop ActiveState)" = inactive

# Users of this scratch root (before mectld starts: it resolves Group= once): a member
# of the group the shipped mectld.conf names (mectl), and a user an administrator's
# polkit rule lets run chip jobs.
getent group mectl >/dev/null || groupadd --system mectl
id mectl-member >/dev/null 2>&1 ||
	useradd --system --no-create-home --gid nogroup --groups mectl mectl-member
id mectl-admitted >/dev/null 2>&1 || useradd --system --no-create-home --gid nogroup mectl-admitted
mkdir -p /etc/polkit-1/rules.d
cat > /etc/polkit-1/rules.d/10-mectl-test.rules <<'RULE'
polkit.addRule(function(action, subject) {
	if (action.id == "org.mectl1.flash" && subject.user == "mectl-admitted")
		return polkit.Result.YES;
});
RULE
MECTL_GID=$(getent group mectl | cut -d: -f3)

# --- D-Bus activation -----------------------------------------------------------
out=$(mectl probe --attach 0.0 --json 2>&1); rc=$?
note "$out"
MTD=$(echo "$out" | sed -n 's/.*"mtd":\([0-9]*\),.*/\1/p')
check "mectl probe --attach on the system bus starts mectld by D-Bus activation" \
	test "$rc" = 0 -a -n "$MTD" -a "$(prop ActiveState)" = active
check "the service is Type=notify and its main process is mectld" \
	test "$(prop Type)" = notify -a "$(cat "/proc/$(prop MainPID)/comm" 2>/dev/null)" = mectld

# --- the unit's hardening, as the process has it -------------------------------
note "NoNewPrivs $(status NoNewPrivs) Seccomp $(status Seccomp) CapBnd $(status CapBnd) CapEff $(status CapEff)"
check "NoNewPrivileges and a seccomp filter are in force" \
	test "$(status NoNewPrivs)" = 1 -a "$(status Seccomp)" = 2
# CAP_NET_ADMIN is capability 12
check "the capability bounding set is CAP_NET_ADMIN alone" \
	test "$(status CapBnd)" = 0000000000001000
pid=$(prop MainPID)
check "/usr is read-only to mectld (ProtectSystem=strict), writable outside" \
	sh -c "[ $pid -gt 0 ] && ! nsenter -t $pid -m touch /usr/mectl-test 2>/dev/null &&
		touch /usr/mectl-test && rm /usr/mectl-test"
check "/var/lib/mectl is its state directory, mode 0700" \
	test "$(stat -c %a /var/lib/mectl 2>/dev/null)" = 700

# --- the job that matters, through the unit's device and socket policy ----------
out=$(mectl neutralize --mtd "$MTD" --backup "$T/backup.bin" 2>&1); rc=$?
note "$(echo "$out" | tail -n 3)"
check "neutralize under systemd: chip equals me_cleaner -S output" \
	test "$rc" = 0 -a "$(chip_sha)" = "$S_SHA"
check "neutralize under systemd: backup equals the original image" \
	test "$(sha "$T/backup.bin" 2>/dev/null)" = "$ORIG_SHA"

out=$(setpriv --reuid=65534 --regid=65534 --clear-groups mectl probe 2>&1); rc=$?
check "unprivileged probe on the system bus refused with org.mectl1.Error.AccessDenied" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'org.mectl1.Error.AccessDenied')"

# --- polkit decides ---------------------------------------------------------------
out=$(pkaction --verbose --action-id org.mectl1.flash 2>&1; pkaction --verbose --action-id org.mectl1.image 2>&1)
note "$(echo "$out" | grep 'implicit any')"
check "polkitd runs (D-Bus activated) and has the shipped actions: flash auth_admin_keep, image yes" \
	test "$(systemctl show -P ActiveState polkit.service)" = active -a \
	"$(echo "$out" | awk '$1 == "implicit" && $2 == "any:" { printf "%s ", $3 }')" = "auth_admin_keep yes "
out=$(setpriv --reuid=mectl-member --regid=nogroup --init-groups mectl probe --mtd "$MTD" 2>&1); rc=$?
check "a member of group mectl may probe (the shipped rule, with the group mectld names)" \
	test "$rc" = 0
out=$(setpriv --reuid=mectl-admitted --regid=nogroup --init-groups mectl probe --mtd "$MTD" 2>&1); rc=$?
check "a non-member an administrator's polkit rule admits may probe: polkit decides" \
	test "$rc" = 0
out=$(setpriv --reuid=65534 --regid=65534 --groups="$MECTL_GID" mectl probe --mtd "$MTD" 2>&1); rc=$?
check "a non-member holding group mectl in its own process is refused" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'org.mectl1.Error.AccessDenied')"
note "$out"
for _ in 1 2 3; do
	out=$(build/selftests/daemon/pid-reuse system "$(prop MainPID)" "$MECTL_GID" 2>&1); rc=$?
	[ "$rc" = 2 ] || break
done
check "PID reuse: nobody's call, its PID now a root process in group mectl, is refused" \
	test "$rc" = 0 -a "$out" = org.mectl1.Error.AccessDenied
note "pid-reuse: $out"
cp "$T/orig.bin" "$T/pub.bin"; chmod 755 "$T"; chmod 644 "$T/pub.bin"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups build/selftests/daemon/submit-image \
	unix:path=/run/dbus/system_bus_socket check "$T/pub.bin" 2>&1); rc=$?
check "an unprivileged check job is allowed (org.mectl1.image)" \
	test "$rc" = 0 -a -n "$(echo "$out" | grep VALID)"

# --- stop, and back on the next call ------------------------------------------------
pid=$(prop MainPID)
systemctl stop mectld.service
# An inactive unit is unloaded at once, its Exec* properties with it: the journal
# says how the process ended ("Main process exited..." and "Failed" otherwise).
check "systemctl stop: mectld exits cleanly" sh -c "[ $pid -gt 0 ] && ! kill -0 $pid 2>/dev/null &&
	journalctl -u mectld.service -o cat -n 3 | grep -q 'Deactivated successfully'"
out=$(mectl jobs 2>&1); rc=$?
note "$out"
check "the next call activates mectld again; the neutralize job is still on record" \
	test "$rc" = 0 -a "$(prop ActiveState)" = active -a \
	-n "$(echo "$out" | awk '$2 == "neutralize" && $3 == "succeeded"')"
if [ "$fails" -ne 0 ]; then
	note "journal of mectld.service:"
	journalctl -u mectld.service --no-pager -o cat | tail -n 30 | sed 's/^/# /'
fi
exit $((fails > 0))
