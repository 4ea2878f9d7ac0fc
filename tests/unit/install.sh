#!/bin/bash
# `make install DESTDIR=` puts every piece where a Debian/Raspberry Pi OS system looks
# for it; the modules go to the kernel named by KVER= or by KDIR= (its tree), built
# for that kernel. TAP. (The DKMS install: tests/unit/dkms.sh.)
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
kvers=$(make -s --no-print-directory print-TEST_KVERS)
kver=${kvers%% *}
k2=${kvers##* }

echo "TAP version 13"
[ -n "$kver" ] || skip_all "no test kernel installed (make deps)"
if make -s --no-print-directory install DESTDIR="$dest" KVER="$kver" > "$dest.log" 2>&1; then
	ok "make install DESTDIR= KVER=$kver succeeds"
else
	sed 's/^/# /' "$dest.log" | tail -n 20
	nok "make install DESTDIR= KVER=$kver succeeds"
fi
kdir=$(readlink -f "/lib/modules/$k2/build")
if make -s --no-print-directory install-modules DESTDIR="$dest" KDIR="$kdir" > "$dest.log" 2>&1; then
	ok "make install-modules DESTDIR= KDIR=$kdir succeeds"
else
	sed 's/^/# /' "$dest.log" | tail -n 20
	nok "make install-modules DESTDIR= KDIR=$kdir succeeds"
fi
for k in $kver $k2; do
	for m in mectl_flash mectl_me; do
		magic=$(modinfo -F vermagic "$dest/lib/modules/$k/updates/mectl/$m.ko" 2>/dev/null)
		check "installs /lib/modules/$k/updates/mectl/$m.ko, built for $k" test "${magic%% *}" = "$k"
	done
done
for f in usr/bin/mectl usr/sbin/mectld lib/systemd/system/mectld.service \
	usr/share/dbus-1/system.d/org.mectl1.conf usr/share/dbus-1/system-services/org.mectl1.service \
	usr/share/bash-completion/completions/mectl \
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

rm -f "$dest.log" "$dest.man"
finish
