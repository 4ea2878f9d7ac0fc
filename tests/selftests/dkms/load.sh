#!/bin/bash
# In the VM, as root: `dkms install` of the staged DKMS build (build/dkms, made on the
# host by tests/unit/dkms.sh with Debian's dkms) for the running kernel, then the
# modules load by name from dkms's place, and the loaded ones are the ones dkms built
# for this kernel (build id, vermagic). dkms removes them again at the end.
set -u
cd "$(dirname "$0")/../../.."
. tests/lib/tap.sh
kver=$(uname -r)
top=$PWD/build/dkms
tree=$top/var/lib/dkms
ver=$(ls "$top/usr/src" 2>/dev/null | sed -n 's/^mectl-//p' | head -n1)
dkms_() { dkms --dkmstree "$tree" --sourcetree "$top/usr/src" "$@"; }

echo "TAP version 13"
[ "$(id -u)" -eq 0 ] || skip_all "needs root"
[ -n "$ver" ] && [ -d "$tree/mectl/$ver/$kver" ] ||
	skip_all "no DKMS build for $kver in build/dkms (tests/unit/dkms.sh makes it)"

cleanup() {
	rmmod mectl_flash mectl_me 2>/dev/null
	dkms_ remove -m mectl -v "$ver" -k "$kver" > /dev/null 2>&1
}
trap cleanup EXIT
# The staged tree names its sources by the host's path of the checkout; here the
# checkout is at $PWD (this changes only the guest's overlay).
ln -sfn "$top/usr/src/mectl-$ver" "$tree/mectl/$ver/source"

out=$(dkms_ install --force -m mectl -v "$ver" -k "$kver" 2>&1); rc=$?
echo "$out" | grep -E 'Installing to|Error' | sed 's/^/# /'
check "dkms install mectl/$ver for the running kernel $kver" test "$rc" -eq 0
check "dkms status: installed" \
	grep -qx "mectl/$ver, $kver, [^:]*: installed" <<< "$(dkms_ status -m mectl -v "$ver" -k "$kver")"

# modprobe finds dkms's copy (updates/ before the test runner's extra/ copy)
for m in mectl_flash mectl_me; do
	path=$(modinfo -n "$m" 2>/dev/null)
	check "modprobe's $m is dkms's: $path" test "$path" = "/lib/modules/$kver/updates/dkms/$m.ko"
done
check "modprobe mectl_flash" modprobe mectl_flash
check "modprobe mectl_me (with its simulated registers)" \
	modprobe mectl_me sim_hfsts=0x245,0x60000000 sim_device=0x1c3a
# The loaded module is the file dkms built: its GNU build id (our modules carry no
# MODULE_VERSION, so no srcversion) as the kernel reports it and as the file has it.
loaded_id() { od -An -tx1 -j16 "/sys/module/$1/notes/.note.gnu.build-id" 2>/dev/null | tr -d ' \n'; }
file_id() { readelf -n "$1" 2>/dev/null | sed -n 's/.*Build ID: //p'; }
for m in mectl_flash mectl_me; do
	ko=/lib/modules/$kver/updates/dkms/$m.ko
	id=$(loaded_id "$m")
	check "the loaded $m is the file dkms built for $kver (build id ${id:-none})" \
		test -n "$id" -a "$id" = "$(file_id "$ko")" \
		-a "$id" = "$(file_id "$tree/mectl/$ver/$kver/$(uname -m)/module/$m.ko")"
	magic=$(modinfo -F vermagic "$ko")
	check "$m's vermagic names the running kernel: $magic" test "${magic%% *}" = "$kver"
done
check "/sys/class/intel_me exists while mectl_me is loaded" test -d /sys/class/intel_me
check "rmmod mectl_flash mectl_me" rmmod mectl_flash mectl_me
removed() {
	dkms_ remove -m mectl -v "$ver" -k "$kver" > /dev/null 2>&1 &&
		[ "$(modinfo -n mectl_flash 2>/dev/null)" != "/lib/modules/$kver/updates/dkms/mectl_flash.ko" ]
}
check "dkms remove: modprobe's mectl_flash is no longer dkms's" removed
finish
