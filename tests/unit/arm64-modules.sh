#!/bin/bash
# Cross-build every kernel module for arm64 (a Raspberry Pi 4/5 on Debian's arm64 kernel)
# against Debian's arm64 6.1 headers, W=1 with -Werror. The headers package is downloaded,
# not installed: tests/vm/arm64/headers.sh unpacks it under build/arm64/ against this
# machine's amd64 linux-kbuild-6.1.
# Prints TAP: one test per kmod/ folder.
set -u
cd "$(dirname "$0")/../.."
kver=$(ls -d /lib/modules/6.1.*-amd64 2>/dev/null | sort -V | tail -n1 | xargs -r basename)
akver=${kver%-amd64}-arm64
top=$PWD/build/arm64

echo "TAP version 13"
dirs=$(ls kmod/*/Kbuild 2>/dev/null | xargs -rn1 dirname | xargs -rn1 basename)
echo "1..$(echo "$dirs" | wc -w)"

skip_all() {
	n=0
	for d in $dirs; do n=$((n + 1)); echo "ok $n - arm64 kmod/$d # SKIP $1"; done
	exit 0
}
command -v aarch64-linux-gnu-gcc >/dev/null || skip_all "no aarch64-linux-gnu-gcc (make deps)"
hdr=$(tests/vm/arm64/headers.sh "$akver" "$top/root") ||
	skip_all "no linux-headers-$akver:arm64 (make deps adds the arm64 architecture)"

# A private copy per run: kbuild writes next to the sources, and two runs may overlap.
src=$(mktemp -d "$top/src.XXXXXX")
trap 'rm -rf "$src"' EXIT
cp -r kmod include "$src/"
n=0
for d in $dirs; do
	n=$((n + 1))
	log=$src/$d.log
	if make -C "$hdr" M="$src/kmod/$d" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		W=1 KCFLAGS=-Werror modules > "$log" 2>&1 &&
	   ! grep -q 'warning:' "$log" &&
	   file "$src"/kmod/"$d"/*.ko | grep -q 'ARM aarch64'; then
		echo "ok $n - arm64 kmod/$d builds warning-free"
	else
		sed 's/^/# /' "$log" | tail -n 20
		echo "not ok $n - arm64 kmod/$d"
	fi
done
