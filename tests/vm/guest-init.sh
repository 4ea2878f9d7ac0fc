#!/bin/sh
# Runs inside the test VM as root, on a writable overlay of the host's root.
# Reads /mnt/vmout/tests.list (one command per line, written by run.sh), runs each with
# a per-test time limit, and leaves NAME.tap / NAME.rc beside it. Every test start is
# marked in the kernel log so the host can name the test behind a kernel warning.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
. /mnt/vmout/env
# A fresh /tmp, unless the tree under test lives in the host's /tmp (a clone anywhere).
case "$MECTL_SRC/" in
/tmp/*) ;;
*) mount -t tmpfs tmpfs /tmp ;;
esac
mount -t debugfs debugfs /sys/kernel/debug
out=/mnt/vmout

# Make this tree's modules loadable by name (plain modprobe, as on a real system).
kver=$(uname -r)
mkdir -p "/lib/modules/$kver/extra"
cp "$out/modroot/lib/modules/$kver"/modules.* "/lib/modules/$kver/"
cp "$out/modroot/lib/modules/$kver"/extra/* "/lib/modules/$kver/extra/" 2>/dev/null

echo "mectl-vm: guest up, kernel $kver" > /dev/kmsg
n=0
while IFS= read -r t; do
	[ -n "$t" ] || continue
	n=$((n + 1))
	name=$(printf '%03d-%s' "$n" "$(basename "${t%% *}")")
	echo "mectl-vm: begin $name" > /dev/kmsg
	(cd "$MECTL_SRC" && timeout -k 5 "$MECTL_TEST_TIMEOUT" sh -c "$t") > "$out/$name.tap" 2>&1
	echo $? > "$out/$name.rc"
	echo "mectl-vm: end $name" > /dev/kmsg
done < "$out/tests.list"
dmesg > "$out/dmesg.txt"
echo done > "$out/finished"
sync
poweroff -f
