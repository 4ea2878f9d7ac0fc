#!/bin/bash
# Boot Debian's 6.1 kernel in QEMU (TCG) with the host root over virtio-9p and run
# selftests inside as root.
#
# usage: run.sh [--systemd] OUTDIR TEST...  (each TEST is a command line run from the tree)
#        --systemd: systemd is PID 1 and the system bus runs; the tests run as a service.
# env:   VM_KVER (kernel version), VM_TIMEOUT (whole run, s), VM_TEST_TIMEOUT (per test, s),
#        VM_MEM (MiB), VM_MODULES (.ko files made loadable by name in the guest),
#        VM_ARCH (x86_64 or aarch64: the QEMU machine), VM_ROOT (the guest's root, with
#        the kernel in its /boot; default the host's /; any other root gets the tree
#        shared at its own path)
#
# Exit 0 when the guest ran every test and its kernel log is clean; 1 otherwise. The
# tests' own verdicts are in OUTDIR/*.tap and *.rc; this script only vouches for the VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
init_args=
if [ "${1:-}" = --systemd ]; then
	# firstboot off: with an empty /etc/machine-id it would prompt on the console
	init_args=" mectl.systemd=1 systemd.firstboot=off"
	shift
fi
out=$1
shift
kver=${VM_KVER:-$(cd /lib/modules && ls -d 6.1.*-amd64 2>/dev/null | sort -V | tail -n1)}
limit=${VM_TIMEOUT:-3000}
arch=${VM_ARCH:-x86_64}
root=${VM_ROOT:-/}

# The machine per architecture: QEMU's options and the serial console's name.
# aarch64: pauth-impdef, as QEMU's own cheap pointer-authentication hash (TCG).
declare -A machine=(
	[x86_64]="-accel tcg -cpu max"
	[aarch64]="-M virt -accel tcg -cpu max,pauth-impdef=on"
)
declare -A console=([x86_64]=ttyS0 [aarch64]=ttyAMA0)

die() { echo "vm: $*" >&2; exit 1; }
[ -n "${machine[$arch]:-}" ] || die "VM_ARCH=$arch: not one of ${!machine[*]}"
[ -n "$kver" ] && [ -f "$root/boot/vmlinuz-$kver" ] || die "no Debian kernel $kver in $root/boot (make deps)"
root=$(cd "$root" && pwd)
share_tree=
[ "$root" = / ] || share_tree=" mectl.tree=$src"

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
printf '%s\n' "$@" > "$out/tests.list"
cat > "$out/env" <<ENV
MECTL_SRC='$src'
MECTL_TEST_TIMEOUT='${VM_TEST_TIMEOUT:-600}'
MECTL_SHARED='${SHARED:-$src/../shared}'
export MECTL_SRC MECTL_SHARED
ENV

# Index this tree's modules on the host (depmod over 9p under TCG takes ~25 s): the
# guest copies the resulting modules.* files and the .ko files into its overlay.
moddir="$out/modroot/lib/modules/$kver"
mkdir -p "$moddir/extra"
for f in "$root/lib/modules/$kver"/*; do
	case "$f" in
	*/modules.*) cp "$f" "$moddir/" ;;
	*) ln -s "$f" "$moddir/" ;;
	esac
done
for ko in ${VM_MODULES:-}; do
	cp "$ko" "$moddir/extra/" || die "missing module $ko (make modules)"
done
depmod -b "$out/modroot" "$kver" || die "depmod failed"

initrd="$out/initrd.cpio.gz"
"$here/mkinitramfs.sh" "$kver" "$initrd" "$root" || die "cannot build the initramfs"

# log_buf_len: Debian's 128 KiB ring buffer fills up within one full run; tests
# read dmesg, and dmesg.txt should hold the whole run.
start=$(date +%s)
# shellcheck disable=SC2086 # the machine's options are words
timeout -k 10 "$limit" "qemu-system-$arch" ${machine[$arch]} -smp "${VM_CPUS:-2}" \
	-m "${VM_MEM:-2048}" -nodefaults -display none -no-reboot \
	-serial "file:$out/console.log" \
	-kernel "$root/boot/vmlinuz-$kver" -initrd "$initrd" \
	-append "console=${console[$arch]} log_buf_len=8M panic=-1 mectl.init=$here/guest-init.sh$init_args$share_tree" \
	-virtfs "local,path=$root,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	${share_tree:+-virtfs "local,path=$src,mount_tag=tree,security_model=none,readonly=on,multidevs=remap"} \
	-virtfs "local,path=$out,mount_tag=vmout,security_model=none,multidevs=remap"
rc=$?
echo "vm: guest ran $(( $(date +%s) - start )) s" >&2

# The test that was running when something went wrong: the last "begin" mark.
last_test() {
	grep -o 'mectl-vm: begin [^ ]*' "$out/console.log" | tail -n1 | cut -d' ' -f3
}
bad=$(grep -nE 'BUG:|WARNING:|Oops|Call Trace|general protection' "$out/console.log" | head -n1)
if [ -n "$bad" ]; then
	line=${bad%%:*}
	t=$(head -n "$line" "$out/console.log" | grep -o 'mectl-vm: begin [^ ]*' | tail -n1 | cut -d' ' -f3)
	echo "vm: kernel log trouble during ${t:-boot}: ${bad#*:}" >&2
	echo "${t:-boot}" > "$out/kernel-trouble"
	exit 1
fi
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	die "time limit ${limit}s hit (guest killed) during $(last_test)"
fi
[ -f "$out/finished" ] || die "guest stopped before finishing (qemu rc $rc) during $(last_test); see $out/console.log"
want=$(grep -c . "$out/tests.list")
ran=$(find "$out" -maxdepth 1 -name '*.rc' | wc -l)
[ "$ran" -eq "$want" ] || die "the guest ran $ran of $want tests; see $out/console.log"
exit 0
