#!/bin/bash
# Unpack an arm64 Debian 12 root for the arm64 test VM, and the sysroot the test
# programs are cross-linked against (the same tree), from Debian's archive only.
# Packages are extracted (mmdebstrap --variant=extract), never installed: no
# maintainer script runs, nothing arm64 executes on this machine.
#
# usage: rootfs.sh KVER DIR   (KVER: a Debian arm64 kernel, e.g. 6.12.117+deb12-arm64)
# DIR is replaced once the new root is complete; DIR/.packages lists what it holds (the cache key: the caller
# rebuilds only when this script or KVER changes).
set -eu
kver=$1
dir=$2

packages=(
	"linux-image-$kver"					# the guest's kernel and its modules
	busybox-static						# the initramfs, poweroff
	libc-bin dash bash coreutils util-linux mount sed grep mawk diffutils findutils procps
	kmod							# modprobe, modinfo
	flashrom mtd-utils python3 gpiod			# the peers and helpers of the tests
	libnl-3-200 libnl-genl-3-200				# the netlink test's libraries
	libc6-dev libnl-3-dev libnl-genl-3-dev			# sysroot: cross-linking the tests
)
# Links an installation would have made (busybox applets no package above provides;
# the alternatives the maintainer scripts would have registered): LINK:TARGET.
links=(bin/poweroff:busybox usr/bin/awk:mawk)

command -v mmdebstrap >/dev/null || { echo "rootfs: mmdebstrap missing (make deps)" >&2; exit 1; }
mkdir -p "$(dirname "$dir")"
tmp=$dir.tmp
rm -rf "$tmp"
include=$(IFS=,; echo "${packages[*]}")
mmdebstrap --quiet --variant=extract --architectures=arm64 --mode=root --format=directory \
	--include="$include" bookworm "$tmp" \
	"deb http://deb.debian.org/debian bookworm bookworm-updates main" \
	"deb http://deb.debian.org/debian-security bookworm-security main"
[ -f "$tmp/boot/vmlinuz-$kver" ] || { echo "rootfs: no kernel $kver in the extracted root" >&2; exit 1; }
depmod -b "$tmp" "$kver"	# what the kernel package's postinst would have done
for l in "${links[@]}"; do
	[ -e "$tmp/${l%%:*}" ] || ln -s "${l#*:}" "$tmp/${l%%:*}"
done
# mount points of the VM (tests/vm/initramfs-init.sh, guest-init.sh)
mkdir -p "$tmp/mnt/vmout" "$tmp/sys/kernel/debug" "$tmp/dev/pts" "$tmp/dev/shm" "$tmp/run"
printf '%s\n' "${packages[@]}" > "$tmp/.packages"
rm -rf "$dir"
mv "$tmp" "$dir"
