#!/bin/bash
# Boot an installed kernel (/boot/vmlinuz-KVER, /lib/modules/KVER) in QEMU (TCG) with
# the host root over virtio-9p and run selftests inside as root. In the guest the tree
# is at /mnt/src and the shared test data at /mnt/shared, wherever they are on the host
# (the guest's /tmp is its own, as on a booted system).
#
# usage: run.sh [--systemd] OUTDIR TEST...  (each TEST is a command line run from the tree)
#        --systemd: systemd is PID 1 and the system bus runs; the tests run as a service.
# env:   VM_KVER (kernel version, required), VM_TIMEOUT (whole run, s), VM_TEST_TIMEOUT
#        (per test, s), VM_MEM (MiB), VM_CPUS, VM_MODULES (.ko files made loadable by
#        name in the guest), SHARED (the test data folder; default ../shared),
#        VM_LABEL (what each result line is prefixed with; default KVER),
#        VM_ARCH (x86_64 or aarch64: the QEMU machine), VM_ROOT (the guest's root, with
#        the kernel in its /boot; default the host's /; any other root gets the tree
#        shared at its own path)
#
# Exit 0 when the guest ran every test and its kernel log is clean; 1 otherwise. The
# tests' own verdicts are in OUTDIR/*.tap and *.rc, every result line prefixed with
# the kernel's name ("ok 3 - KVER: ..."; VM_LABEL); this script only vouches for the VM.
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
kver=${VM_KVER:-}
limit=${VM_TIMEOUT:-3000}
shared=${SHARED:-$src/../shared}
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
[ -n "$kver" ] || die "VM_KVER= names the kernel to boot (one of: $(cd "$root/boot" && ls vmlinuz-* 2>/dev/null | sed 's/^vmlinuz-//' | tr '\n' ' '))"
[ -f "$root/boot/vmlinuz-$kver" ] && [ -d "$root/lib/modules/$kver/kernel" ] ||
	die "kernel $kver is not in $root (no $root/boot/vmlinuz-$kver or $root/lib/modules/$kver)"
root=$(cd "$root" && pwd)
share_tree=
[ "$root" = / ] || share_tree=" mectl.tree=$src"
[ -d "$shared" ] && shared=$(cd "$shared" && pwd)

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
printf '%s\n' "$@" > "$out/tests.list"
# The host paths are for guest-init.sh's bind mounts; the tests see the fixed ones.
cat > "$out/env" <<ENV
MECTL_HOST_SRC='$src'
MECTL_HOST_SHARED='$shared'
MECTL_SRC=/mnt/src
MECTL_SHARED=/mnt/shared
MECTL_TEST_TIMEOUT='${VM_TEST_TIMEOUT:-600}'
export MECTL_SRC MECTL_SHARED
ENV
# The guest's init from the results share: it must not depend on where the tree is.
cp "$here/guest-init.sh" "$out/guest-init.sh"

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
# rcu_cpu_stall_timeout: under TCG on a loaded host a virtual CPU can go unscheduled
# for longer than the default 21 s, and the stall warning's backtrace would fail the
# run; a real hang still shows after 300 s (and hits the test's time limit).
start=$(date +%s)
# shellcheck disable=SC2086 # the machine's options are words
timeout -k 10 "$limit" "qemu-system-$arch" ${machine[$arch]} -smp "${VM_CPUS:-2}" \
	-m "${VM_MEM:-2048}" -nodefaults -display none -no-reboot \
	-serial "file:$out/console.log" \
	-kernel "$root/boot/vmlinuz-$kver" -initrd "$initrd" \
	-append "console=${console[$arch]} log_buf_len=8M rcupdate.rcu_cpu_stall_timeout=300 panic=-1 mectl.init=/mnt/vmout/guest-init.sh$init_args$share_tree" \
	-virtfs "local,path=$root,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	${share_tree:+-virtfs "local,path=$src,mount_tag=tree,security_model=none,readonly=on,multidevs=remap"} \
	-virtfs "local,path=$out,mount_tag=vmout,security_model=none,multidevs=remap"
rc=$?
echo "vm: $kver guest ran $(( $(date +%s) - start )) s" >&2

# Name the kernel in every result line: "ok 3 - desc" and kselftest's "ok 3 name"
# become "ok 3 - LABEL: desc" / "ok 3 - LABEL: name" (VM_LABEL, default KVER).
label=${VM_LABEL:-$kver}
for tap in "$out"/*.tap; do
	[ -e "$tap" ] || continue
	sed -i -E "s/^((not )?ok [0-9]+)( -)? /\1 - $label: /" "$tap"
done

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
