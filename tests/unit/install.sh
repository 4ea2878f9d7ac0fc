#!/bin/bash
# `make install DESTDIR=` puts every piece where a Debian/Raspberry Pi OS system looks
# for it, and the DKMS source tree it can install builds every module on its own
# through the top-level Kbuild (as dkms does), W=1 without warnings. TAP.
set -u
cd "$(dirname "$0")/../.."
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
kver=$(make -s --no-print-directory -f Makefile -f - <<< 'print-kver: ; @echo $(KVER)' print-kver)
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }

echo "TAP version 13"
if make -s --no-print-directory install DESTDIR="$dest" > "$dest.log" 2>&1; then
	ok "make install DESTDIR= succeeds"
else
	sed 's/^/# /' "$dest.log" | tail -n 20
	nok "make install DESTDIR= succeeds"
fi
for f in usr/bin/mectl usr/sbin/mectld lib/systemd/system/mectld.service \
	usr/share/dbus-1/system.d/org.mectl1.conf usr/share/dbus-1/system-services/org.mectl1.service \
	usr/share/bash-completion/completions/mectl \
	lib/modules/$kver/updates/mectl/mectl_flash.ko lib/modules/$kver/updates/mectl/mectl_me.ko \
	usr/share/man/man1/mectl.1 usr/share/man/man8/mectld.8 etc/mectl/mectld.conf; do
	if [ -s "$dest/$f" ]; then ok "installs /$f"; else nok "installs /$f"; fi
done
for m in "$dest"/usr/share/man/man*/*; do
	[ -e "$m" ] || continue
	if man --warnings -l "$m" > /dev/null 2> "$dest.man"; [ ! -s "$dest.man" ]; then
		ok "man page $(basename "$m") renders without warnings"
	else
		sed 's/^/# /' "$dest.man" | head -n 5
		nok "man page $(basename "$m") renders without warnings"
	fi
done

# The unit as systemd reads it (ExecStart pointed into DESTDIR, the one change), and its
# sandbox: systemd-analyze's exposure score must stay at most 3.5 (3.3 when written, 1.7 with the system call filter).
unit=$dest/lib/systemd/system/mectld.service
if command -v systemd-analyze > /dev/null && [ -s "$unit" ]; then
	mkdir -p "$dest/verify"
	sed "s#^ExecStart=/usr/sbin/mectld#ExecStart=$dest/usr/sbin/mectld#" "$unit" > "$dest/verify/mectld.service"
	if systemd-analyze verify "$dest/verify/mectld.service" > "$dest.log" 2>&1 && [ ! -s "$dest.log" ]; then
		ok "systemd-analyze verify: mectld.service has no errors or warnings"
	else
		sed 's/^/# /' "$dest.log" | head -n 5
		nok "systemd-analyze verify: mectld.service has no errors or warnings"
	fi
	# No local user can take mectld past its cgroup's bounds (a memory and a task limit).
	if grep -q '^MemoryMax=[1-9]' "$unit" && grep -q '^TasksMax=[1-9]' "$unit"; then
		ok "mectld.service sets MemoryMax= and TasksMax="
	else
		nok "mectld.service sets MemoryMax= and TasksMax="
	fi
	score=$(systemd-analyze security --offline=true --root="$dest" mectld.service 2>/dev/null |
		sed -n 's/.*Overall exposure level for mectld.service: \([0-9.]*\).*/\1/p')
	if [ -n "$score" ] && [ "$(echo "$score <= 3.5" | bc)" = 1 ]; then
		ok "systemd-analyze security: exposure $score <= 3.5"
	else
		nok "systemd-analyze security: exposure '$score' <= 3.5"
	fi
else
	nok "systemd-analyze and the installed unit are there"
fi

if make -s --no-print-directory install-dkms DESTDIR="$dest" > "$dest.log" 2>&1; then
	src=$(ls -d "$dest"/usr/src/mectl-*)
	grep -q '^PACKAGE_VERSION="@VERSION@"' "$src/dkms.conf" && nok "dkms.conf has a version" ||
		ok "dkms.conf has a version"
	make -C "/lib/modules/$kver/build" M="$src" W=1 modules > "$dest.log" 2>&1
	if [ $? -eq 0 ] && ! grep -q 'warning:' "$dest.log" &&
	   [ -f "$src/kmod/flash/mectl_flash.ko" ] && [ -f "$src/kmod/me/mectl_me.ko" ]; then
		ok "the DKMS tree builds mectl_flash.ko and mectl_me.ko through the top-level Kbuild"
	else
		sed 's/^/# /' "$dest.log" | tail -n 20
		nok "the DKMS tree builds through the top-level Kbuild"
	fi
else
	nok "make install-dkms"
fi
rm -f "$dest.log" "$dest.man"
echo "1..$n"
[ "$fails" -eq 0 ]
