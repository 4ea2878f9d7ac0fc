#!/bin/sh
# Runs inside the test VM as root, on a writable overlay of the host's root.
# Reads /mnt/vmout/tests.list (one command per line, written by run.sh), runs each from
# the tree (bound at $MECTL_SRC) with a per-test time limit, and leaves NAME.tap / NAME.rc
# beside it. Every test start is
# marked in the kernel log so the host can name the test behind a kernel warning.
#
# With mectl.systemd=1 on the kernel command line (run.sh --systemd) the script sets
# the guest up, then hands PID 1 to systemd, which runs this script again as the
# oneshot mectl-vmtest.service ("run"), with the system bus up, and powers off after.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
out=/mnt/vmout

run_tests() {
	. "$out/env"
	n=0
	while IFS= read -r t; do
		[ -n "$t" ] || continue
		n=$((n + 1))
		name=$(printf '%03d-%s' "$n" "$(basename "${t%% *}")")
		echo "mectl-vm: begin $name" > /dev/kmsg
		# stdin from /dev/null: a test that reads stdin must not eat this list
		(cd "$MECTL_SRC" && timeout -k 5 "$MECTL_TEST_TIMEOUT" sh -c "$t") \
			< /dev/null > "$out/$name.tap" 2>&1
		echo $? > "$out/$name.rc"
		echo "mectl-vm: end $name" > /dev/kmsg
	done < "$out/tests.list"
	dmesg > "$out/dmesg.txt"
	echo done > "$out/finished"
	sync
}

if [ "${1:-}" = run ]; then	# as mectl-vmtest.service, under systemd
	run_tests
	systemctl poweroff -ff
	exit 0
fi

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# what udev would link: bash's <(...) and /dev/stdin need them
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
. "$out/env"
# The tree and the test data at fixed paths, bound before anything mounts over the
# host's paths (they may lie in /tmp); then the guest's own fresh /tmp, which systemd's
# tmpfiles would empty at boot in any case.
mkdir -p "$MECTL_SRC" "$MECTL_SHARED"
mount --bind "$MECTL_HOST_SRC" "$MECTL_SRC" || echo "mectl-vm: cannot bind the tree at $MECTL_SRC" > /dev/kmsg
[ -d "$MECTL_HOST_SHARED" ] && mount --bind "$MECTL_HOST_SHARED" "$MECTL_SHARED"
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug

# Make this tree's modules loadable by name (plain modprobe, as on a real system).
kver=$(uname -r)
mkdir -p "/lib/modules/$kver/extra"
cp "$out/modroot/lib/modules/$kver"/modules.* "/lib/modules/$kver/"
cp "$out/modroot/lib/modules/$kver"/extra/* "/lib/modules/$kver/extra/" 2>/dev/null

echo "mectl-vm: guest up, kernel $kver" > /dev/kmsg

if grep -qw mectl.systemd=1 /proc/cmdline; then
	# Only what the tests need: sysinit (udev, journald, tmpfiles) and the bus;
	# none of the host's own units are enabled into this target.
	mkdir -p /run/systemd/system
	cat > /run/systemd/system/mectl-vmtest.target <<UNIT
[Unit]
Description=mectl VM tests
Requires=mectl-vmtest.service
UNIT
	cat > /run/systemd/system/mectl-vmtest.service <<UNIT
[Unit]
Description=mectl VM tests
Wants=dbus.socket
After=dbus.socket basic.target

[Service]
Type=oneshot
ExecStart=/bin/sh $0 run
StandardOutput=journal+console
UNIT
	exec /lib/systemd/systemd --unit=mectl-vmtest.target
fi

run_tests
poweroff -f
