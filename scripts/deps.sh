#!/bin/bash
# Install every Debian package mectl's build, tests, demo and benchmarks need.
# Idempotent: does nothing (and needs no network) when everything is there.
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
	libnl-3-dev libnl-genl-3-dev libsystemd-dev libssl-dev liblzma-dev
	dbus-daemon dbus systemd				# real bus + dbus-monitor for the daemon tests; the system bus and
							# systemd as PID 1 in the VM; systemd-analyze
	polkitd							# mectld's authorization (org.mectl1.policy)
	flashrom mtd-utils coreboot-utils			# independent peers
	gpiod							# gpioinfo/gpiofind/gpioset: WP#/HOLD# lines
	clang libclang-rt-14-dev				# libFuzzer (the runtime is only a Recommends)
	gcc-aarch64-linux-gnu					# arm64 module build check
	qemu-system-arm mmdebstrap				# the arm64 VM and its root (extracted, not installed)
	libc6-dev-i386 lib32gcc-12-dev lib32stdc++-12-dev	# i386 (-m32) engine tests and fuzzers: what
	linux-libc-dev:i386 libssl-dev:i386			# gcc-multilib brings, without gcc-multilib itself
							# (it conflicts with gcc-aarch64-linux-gnu)
)
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing+=("$p")
done
update=
for arch in arm64 i386; do
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		$sudo dpkg --add-architecture "$arch"
		update=1
	fi
done
if [ ${#missing[@]} -eq 0 ] && [ -z "$update" ]; then
	echo "deps: all installed"
	exit 0
fi
$sudo apt-get update -q
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
