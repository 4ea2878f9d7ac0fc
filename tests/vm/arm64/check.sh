#!/bin/bash
# Run VM selftests on arm64: qemu-system-aarch64 -M virt (TCG) boots the Debian arm64
# kernel of ROOT (tests/vm/arm64/rootfs.sh) with ROOT as its root and this tree shared
# at its own path (tests/vm/run.sh does the boot).
#
# usage: check.sh KVER ROOT OUTDIR TEST...
# env:   VM_MODULES (the cross-built .ko files), VM_TIMEOUT, VM_TEST_TIMEOUT
#
# Every test's TAP names are marked "arm64 KVER:". The VM's own verdict (booted, ran
# every test, kernel log clean) is one more test in OUTDIR, so that tests/summary.sh
# counts everything from the folder alone. Exit status: run.sh's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
kver=$1
root=$2
out=$3
shift 3

mkdir -p "$(dirname "$out")"
label="arm64 $kver:"
VM_ARCH=aarch64 VM_ROOT=$root VM_KVER=$kver VM_LABEL="arm64 $kver" \
	"$here/../run.sh" "$out" "$@" 2> >(tee "$out.vm-log" >&2)
rc=$?
wait	# for tee

if [ "$rc" -eq 0 ]; then
	echo "ok 1 - $label the VM booted, ran every test, kernel log clean" > "$out/000-vm.tap"
else
	echo "not ok 1 - $label the VM run: $(tail -n1 "$out.vm-log")" > "$out/000-vm.tap"
fi
echo 0 > "$out/000-vm.rc"
rm -f "$out.vm-log"
exit "$rc"
