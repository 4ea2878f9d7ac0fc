#!/bin/bash
# Install every Debian package mectl's build, tests, demo and benchmarks need.
# Idempotent: does nothing (and needs no network) when everything is there.
# Kernels: Debian 12's own 6.1 and its 6.12 (linux-6.12 in bookworm-security): the
# newest 6.12.N+deb12 whose signed image and headers both have a candidate, unless one
# such pair is installed already.
# The arm64 architecture is added only so arm64 packages can be downloaded (the kernel
# headers of the cross-build check, the arm64 VM's root); nothing arm64 is installed.
# i386 is added for the 32-bit build of the image engine's tests (libcrypto and kernel
# headers for -m32).
set -eu
packages=(
	build-essential pkg-config xz-utils cpio kmod python3 man-db file bc	# build + test tools
	linux-image-amd64 linux-headers-amd64			# Debian 6.1: boot + build
	linux-source-6.1					# kselftest harness headers
	qemu-system-x86 busybox-static				# the test VM
	libnl-3-dev libnl-genl-3-dev libsystemd-dev libssl-dev liblzma-dev libjson-c-dev
	libflashrom-dev						# mectld's internal flashing (libflashrom)
	dbus-daemon dbus systemd				# real bus + dbus-monitor for the daemon tests; the system bus and
							# systemd as PID 1 in the VM; systemd-analyze
	polkitd							# mectld's authorization (org.mectl1.policy)
	flashrom mtd-utils coreboot-utils			# independent peers
	gpiod							# gpioinfo/gpiofind/gpioset: WP#/HOLD# lines
	clang libclang-rt-14-dev				# libFuzzer (the runtime is only a Recommends)
	gcc-aarch64-linux-gnu					# arm64 module build check
	dkms							# make install-dkms and its test
	qemu-system-arm mmdebstrap				# the arm64 VM and its root (extracted, not installed)
	libc6-dev-i386 lib32gcc-12-dev lib32stdc++-12-dev	# i386 (-m32) engine tests and fuzzers: what
	linux-libc-dev:i386 libssl-dev:i386			# gcc-multilib brings, without gcc-multilib itself
							# (it conflicts with gcc-aarch64-linux-gnu)
)
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed'
}
# The 6.12 kernels (KVER) installed with their headers.
installed_612() {
	dpkg-query -W -f='${Package} ${Status}\n' 'linux-image-6.12.*+deb12-amd64' 2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-amd64\) install ok installed$/\1/p' |
		while read -r k; do installed "linux-headers-$k" && echo "$k"; done
}
# The newest 6.12 kernel (KVER) whose image and headers apt can install.
candidate_612() {
	apt-cache pkgnames linux-headers-6.12. 2>/dev/null |
		sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12-amd64\)$/\1/p' | sort -rV |
		while read -r k; do
			for p in linux-image-$k linux-headers-$k; do
				apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]' || continue 2
			done
			echo "$k"
			break
		done
}

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
update=
for arch in arm64 i386; do
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		$sudo dpkg --add-architecture "$arch"
		update=1
	fi
done
k612=$(installed_612 | sort -V | tail -n1)
if [ ${#missing[@]} -eq 0 ] && [ -z "$update" ] && [ -n "$k612" ]; then
	echo "deps: all installed (kernels $(ls /lib/modules | xargs))"
	exit 0
fi
$sudo apt-get update -q
if [ -z "$k612" ]; then
	k612=$(candidate_612)
	[ -n "$k612" ] || { echo "deps: no linux-image/linux-headers-6.12.*+deb12-amd64 pair in apt's sources" >&2; exit 1; }
	missing+=("linux-image-$k612" "linux-headers-$k612")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
