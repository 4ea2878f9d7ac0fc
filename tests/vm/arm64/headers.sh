#!/bin/bash
# Unpack Debian's arm64 kernel headers for KVER under DIR for a cross-build with
# ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-. The package is downloaded, not
# installed: its kbuild host tools would be arm64 binaries, so its scripts/ link is
# pointed at this machine's amd64 linux-kbuild of the same version, and its Makefile
# includes the (architecture-independent) common headers installed with the amd64
# headers of that version.
#
# usage: headers.sh KVER DIR   (KVER e.g. 6.12.117+deb12-arm64)
# Prints the headers' path (the KDIR of the build).
set -eu
kver=$1
dir=$2
hdr=$dir/usr/src/linux-headers-$kver

if [ ! -f "$hdr/Module.symvers" ]; then
	mkdir -p "$dir/deb"
	(cd "$dir/deb" && apt-get download -q "linux-headers-$kver:arm64" >/dev/null 2>&1) || {
		echo "headers: cannot download linux-headers-$kver:arm64 (make deps adds the arm64 architecture)" >&2
		exit 1
	}
	dpkg-deb -x "$dir"/deb/linux-headers-"$kver"_*_arm64.deb "$dir"
fi
# scripts -> ../../lib/linux-kbuild-VERSION/scripts
kbuild=$(basename "$(dirname "$(readlink "$hdr/scripts")")")
[ -d "/usr/lib/$kbuild" ] || { echo "headers: /usr/lib/$kbuild missing: install $kbuild (make deps)" >&2; exit 1; }
common=$(sed -n 's|^include \(/usr/src/[^/]*\)/Makefile$|\1|p' "$hdr/Makefile")
[ -z "$common" ] || [ -d "$common" ] ||
	{ echo "headers: $common missing: install $(basename "$common") (make deps)" >&2; exit 1; }
mkdir -p "$dir/usr/lib"
ln -sfn "/usr/lib/$kbuild" "$dir/usr/lib/$kbuild"
echo "$hdr"
