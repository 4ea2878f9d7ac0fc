#!/bin/sh
# Build a busybox initramfs that loads virtio + 9p (+ overlay) for KVER, mounts the
# host's root read-only over virtio-9p under a tmpfs overlay, and runs guest-init.sh
# from the host tree inside it.
#
# usage: mkinitramfs.sh KVER OUT.cpio.gz [ROOT]
# ROOT (default /): the root whose kernel modules and static busybox go in (another
# architecture's root: tests/vm/arm64/rootfs.sh).
set -eu
kver=$1
out=$2
root=${3:-/}
mods=$root/lib/modules/$kver
here=$(cd "$(dirname "$0")" && pwd)

[ -f "$mods/modules.dep" ] || { echo "mkinitramfs: no modules for $kver in $mods" >&2; exit 1; }
if [ "$root" = / ]; then
	bb=$(command -v busybox) || bb=
else
	bb=$root/bin/busybox
fi
[ -x "$bb" ] || { echo "mkinitramfs: busybox not found in $root (apt-get install busybox-static)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/lib/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/host" \
	"$tmp/rw" "$tmp/newroot"
cp "$bb" "$tmp/bin/busybox"
for applet in sh mount umount insmod mkdir cat echo switch_root poweroff sleep; do
	ln -s busybox "$tmp/bin/$applet"
done

# Resolve the modules we need and their dependencies, in load order.
resolve() {
	dep=$(grep -E "/$1\.ko(\.[a-z]+)?:" "$mods/modules.dep" | head -n1) || true
	[ -n "$dep" ] || { echo "mkinitramfs: module $1 not found" >&2; exit 1; }
	path=${dep%%:*}
	for d in ${dep#*:}; do
		echo "$d"
	done | tac
	echo "$path"
}
: > "$tmp/lib/modules/order"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
	netfs fscache 9pnet 9pnet_virtio 9p overlay; do
	grep -qE "/$m\.ko(\.[a-z]+)?:" "$mods/modules.dep" || continue
	for p in $(resolve "$m"); do
		grep -qx "$p" "$tmp/lib/modules/order" || echo "$p" >> "$tmp/lib/modules/order"
	done
done
# Uncompressed (Debian compresses its modules from 6.12 on; busybox's insmod would
# hand the kernel the .xz file first).
while read -r p; do
	f=$(basename "$p")
	case "$f" in
	*.ko.xz) xz -dc "$mods/$p" > "$tmp/lib/modules/${f%.xz}" ;;
	*) cp "$mods/$p" "$tmp/lib/modules/" ;;
	esac
done < "$tmp/lib/modules/order"
sed -i 's|.*/||; s|\.xz$||' "$tmp/lib/modules/order"

cp "$here/initramfs-init.sh" "$tmp/init"
chmod 755 "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
