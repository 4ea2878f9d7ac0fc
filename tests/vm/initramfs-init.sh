#!/bin/sh
# PID 1 of the test VM's initramfs: load virtio + 9p, put a tmpfs overlay on the host's
# read-only root, and switch into it to run guest-init.sh (named on the command line).
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do
	insmod "/lib/modules/$m" || echo "initramfs: insmod $m failed"
done < /lib/modules/order

fail() {
	echo "initramfs: $*"
	poweroff -f
}

mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /host ||
	fail "cannot mount the host root over 9p"
mount -t tmpfs -o size=75% rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	fail "cannot mount the overlay root"
mkdir -p /newroot/mnt/vmout
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 vmout /newroot/mnt/vmout ||
	fail "cannot mount the results share"

script=
tree=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	mectl.init=*) script=${arg#mectl.init=} ;;
	mectl.tree=*) tree=${arg#mectl.tree=} ;;
	esac
done
# A root that is not the host's (another architecture's) gets the tree at its path.
if [ -n "$tree" ]; then
	mkdir -p "/newroot$tree"
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 tree "/newroot$tree" ||
		fail "cannot mount the tree at $tree"
fi
[ -n "$script" ] || fail "no mectl.init= on the kernel command line"
umount /proc /sys /dev
exec switch_root /newroot /bin/sh "$script"
