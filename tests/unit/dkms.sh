#!/bin/bash
# `make install-dkms` with Debian's real dkms, staged (DESTDIR=build/dkms), for every
# test kernel: once by KVER=, once by KDIR= (the kernel's version read from its tree).
# dkms adds the sources, builds them through the top-level Kbuild without a warning and
# installs mectl_flash.ko and mectl_me.ko built for that kernel; the host's own dkms
# tree, /usr/src and /lib/modules stay untouched. The staged tree is kept for the VM
# test that installs and loads these modules (tests/selftests/dkms/load.sh). TAP.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
dest=$PWD/build/dkms
log=$PWD/build/dkms.log
kvers=$(make -s --no-print-directory print-TEST_KVERS)

echo "TAP version 13"
command -v dkms > /dev/null || skip_all "no dkms (make deps)"
[ -n "$kvers" ] || skip_all "no test kernel installed (make deps)"

# What the host has before: dkms's tree, the source tree, each kernel's extra modules.
host_state() {
	find /var/lib/dkms /usr/src -maxdepth 2 2>/dev/null
	for k in $kvers; do find "/lib/modules/$k/updates" "/lib/modules/$k/extra" 2>/dev/null; done
}
before=$(host_state)
rm -rf "$dest"

how=KVER
for k in $kvers; do
	if [ "$how" = KVER ]; then arg="KVER=$k"; else arg="KDIR=$(readlink -f "/lib/modules/$k/build")"; fi
	how=KDIR
	if make -s --no-print-directory install-dkms DESTDIR="$dest" "$arg" > "$log" 2>&1; then
		ok "make install-dkms DESTDIR= $arg"
	else
		sed 's/^/# /' "$log" | tail -n 20
		nok "make install-dkms DESTDIR= $arg"
		continue
	fi
	# dkms's own account of the build
	grep -E '^make .*-C |^Signing module|Installing to' "$log" | sed "s|$dest|DESTDIR|g; s/^/# /"
	ver=$(ls "$dest/usr/src" | sed -n 's/^mectl-//p')
	state=$(dkms --dkmstree "$dest/var/lib/dkms" --sourcetree "$dest/usr/src" \
		--installtree "$dest/lib/modules" status -m mectl -v "$ver" -k "$k" 2>/dev/null)
	diag "dkms status: $state"
	check "dkms status: mectl/$ver installed for $k" \
		grep -qx "mectl/$ver, $k, [^:]*: installed" <<< "$state"
	mlog=$(ls "$dest/var/lib/dkms/mectl/$ver/$k"/*/log/make.log 2>/dev/null)
	if [ -s "$mlog" ] && ! grep -q 'warning:' "$mlog"; then
		ok "$k: dkms's build log has no warning"
	else
		sed 's/^/# /' "${mlog:-/dev/null}" | grep -m 10 'warning:'
		nok "$k: dkms's build log ($mlog) has no warning"
	fi
	for m in mectl_flash mectl_me; do
		ko=$(ls "$dest/lib/modules/$k/updates/dkms/$m".ko* 2>/dev/null)	# .ko.xz from 6.12 on
		magic=$(modinfo -F vermagic "$ko" 2>/dev/null)
		check "$k: dkms installed ${ko##*/} built for $k (vermagic '$magic')" \
			test "${magic%% *}" = "$k"
	done
done

after=$(host_state)
if [ "$before" = "$after" ]; then
	ok "the host's /var/lib/dkms, /usr/src and /lib/modules/KVER/{updates,extra} are untouched"
else
	diff <(echo "$before") <(echo "$after") | sed 's/^/# /' | head -n 10
	nok "the host's /var/lib/dkms, /usr/src and /lib/modules/KVER/{updates,extra} are untouched"
fi
rm -f "$log"
finish
