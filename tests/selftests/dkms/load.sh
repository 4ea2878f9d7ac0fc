#!/bin/bash
# In the VM, as root, booted with the modules dkms installed for this kernel (the
# staged `make install-dkms DESTDIR=build/dkms` of tests/unit/dkms.sh) as its mectl
# modules: they load by name, and the loaded ones are the files dkms built for this
# kernel (GNU build id: our modules carry no MODULE_VERSION, so no srcversion) with
# this kernel's vermagic.
set -u
cd "$(dirname "$0")/../../.."
. tests/lib/tap.sh
kver=$(uname -r)
built=$(ls -d build/dkms/var/lib/dkms/mectl/*/"$kver/$(uname -m)"/module 2>/dev/null | head -n1)
tmp=$(mktemp)
trap 'rm -f "$tmp"; rmmod mectl_flash mectl_me 2>/dev/null' EXIT

# build_id FILE: the GNU build id of a module file (.ko or Debian 6.12's .ko.xz)
build_id() {
	case "$1" in
	*.xz) xz -dc "$1" > "$tmp" ;;
	*) cp "$1" "$tmp" ;;
	esac
	readelf -n "$tmp" 2>/dev/null | sed -n 's/.*Build ID: //p'
}
# loaded_id MODULE: the same, as the kernel has it for the loaded module
loaded_id() { od -An -tx1 -j16 "/sys/module/$1/notes/.note.gnu.build-id" 2>/dev/null | tr -d ' \n'; }

echo "TAP version 13"
[ "$(id -u)" -eq 0 ] || skip_all "needs root"
diag "dkms's build for $kver: ${built:-none}"
check "dkms built mectl for $kver (build/dkms)" test -n "$built"
check "modprobe mectl_flash" modprobe mectl_flash
check "modprobe mectl_me (with its simulated registers)" \
	modprobe mectl_me sim_hfsts=0x245,0x60000000 sim_device=0x1c3a
for m in mectl_flash mectl_me; do
	path=$(modinfo -n "$m" 2>/dev/null)
	id=$(loaded_id "$m")
	check "the loaded $m ($path) is the file dkms built (build id ${id:-none})" \
		test -n "$id" -a "$id" = "$(build_id "$path")" \
		-a "$id" = "$(build_id "$(ls "$built/$m".ko* 2>/dev/null)")"
	magic=$(modinfo -F vermagic "$m" 2>/dev/null)
	check "$m's vermagic names the running kernel: $magic" test "${magic%% *}" = "$kver"
done
check "/sys/class/intel_me/me0 while mectl_me is loaded" test -d /sys/class/intel_me/me0
check "rmmod mectl_flash mectl_me" rmmod mectl_flash mectl_me
finish
