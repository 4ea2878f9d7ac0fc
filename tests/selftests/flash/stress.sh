#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lifetime: 100 load/attach/unload cycles, unload and detach while /dev/mtdN
# or /dev/mtdblockN is open, concurrent readers with live status-register
# reads. The VM runner fails the run on any kernel BUG/WARNING/Oops. Leaks:
# kmemleak is not in Debian's kernel, so slab objects and free memory are
# counted before and after the 100 cycles (lib.sh: slab_snap, free_kib).
. "$(dirname "$0")/lib.sh"
setup
sim_load w25q64fv || { not_ok "flashsim loads"; finish; exit; }
W=1048576
rand "$T/img" $W
sim_put "$T/img" 0

# The kmalloc caches a leak of ours would show in object by object: struct
# mectl_chip (spi_nor + mtd_info with its struct device, and the command
# buffers) is a kmalloc-2k object, spi-nor's buffers and parameters, the MTD
# core's and the driver core's objects are 256 bytes to 8 KiB.
KM="kmalloc-256 kmalloc-512 kmalloc-1k kmalloc-2k kmalloc-4k kmalloc-8k"
# "FREE_KIB BYTES N...": free_kib drops the caches that slab_snap then counts.
leak_snap() {
	printf '%s ' "$(free_kib)"
	slab_snap $KM
}

# insmod, not modprobe: the same module, without modprobe's dependency lookup
# over 9p (4x faster under TCG); mtd and spi-nor stay loaded.
insmod "$KO" bus=0 cs=0 && rmmod mectl_flash	# warm-up: first-use allocations

# Reference drift: loading and unloading the module without attaching costs
# the kernel some memory by itself (module loader, not us); measure it first.
snap0=$(leak_snap)
i=0
while [ $i -lt 30 ]; do
	i=$((i + 1))
	insmod "$KO" && rmmod mectl_flash
done
snap1=$(leak_snap)

fails=0
t0=$(date +%s)
i=0
while [ $i -lt 100 ]; do
	i=$((i + 1))
	if ! insmod "$KO" bus=0 cs=0; then fails=$((fails + 1)); continue; fi
	[ "$(cat "$SPI/jedec_id")" = ef4017 ] || fails=$((fails + 1))
	[ -c "/dev/mtd$(cat "$SPI/mtd_index")" ] || fails=$((fails + 1))
	rmmod mectl_flash || fails=$((fails + 1))
	[ -e /dev/spidev0.0 ] || fails=$((fails + 1))
done
diag "100 attach cycles took $(( $(date +%s) - t0 )) s"
check "100 load/attach/unload cycles" test $fails -eq 0
snap2=$(leak_snap)
diag "free KiB, slab bytes, objects in $KM: $snap0 | after 30 bare cycles: $snap1 | after 100 attach cycles: $snap2"
# A chip kept per attach adds 100 kmalloc-2k objects (a mutant that kept it
# did, every other count stayed put); counted as slab_snap counts, what a cycle
# allocates and frees again leaves a few at most.
while read -r c grew; do
	check "no $c growth over 100 attach cycles (<50 objects)" test "$grew" -lt 50
done <<EOF
$(printf '%s\n%s\n' "$snap1" "$snap2" | awk -v km="$KM" 'NR == 1 { split($0, a) }
	function num(v) { return v ~ /^[0-9]+$/ }
	NR == 2 { n = split(km, c); for (i = 1; i <= n; i++)
		print c[i], num($(i + 2)) && num(a[i + 2]) ? $(i + 2) - a[i + 2] : "?" }')
EOF
# The same per cycle in bytes, over all slab caches, and for free memory; the
# reference's drift per cycle is subtracted.
set -- $snap0
free0=$1 bytes0=$2
set -- $snap1
free1=$1 bytes1=$2
set -- $snap2
free2=$1 bytes2=$2
ref_slab=$(((bytes1 - bytes0) / 30)) att_slab=$(((bytes2 - bytes1) / 100))
ref_free=$(((free0 - free1) * 1024 / 30)) att_free=$(((free1 - free2) * 1024 / 100))
diag "per cycle: slab objects grew $ref_slab B without attach, $att_slab B with; free memory shrank $ref_free B without, $att_free B with"
check "slab bytes per attach cycle within 8 KiB of the bare-load reference" \
	test $((att_slab - ref_slab)) -lt 8192
check "free memory per attach cycle within 256 KiB of the reference" \
	test $((att_free - ref_free)) -lt 262144

# unload while /dev/mtdN is open: refused (the MTD core holds our module),
# the open fd keeps working, unload succeeds after close
flash_load
exec 3< "$MTD"
check "rmmod refused while /dev/mtdN is open" sh -c "! rmmod mectl_flash 2>/dev/null"
dd bs=65536 count=1 <&3 > "$T/got" 2>/dev/null
head -c 65536 "$T/img" > "$T/exp"
check "the open fd still reads the chip" same "$T/got" "$T/exp"
exec 3<&-
check "rmmod succeeds after close" rmmod mectl_flash

# the same through mtdblock
flash_load
modprobe mtdblock
exec 3< "/dev/mtdblock$MTDN"
check "rmmod refused while /dev/mtdblockN is open" sh -c "! rmmod mectl_flash 2>/dev/null"
exec 3<&-
rmmod mtdblock
check "rmmod succeeds after mtdblock closed" rmmod mectl_flash

# concurrent readers plus live sr1 reads
flash_load
n=0
while [ $n -lt 4 ]; do
	n=$((n + 1))
	mtd_debug read "$MTD" 0 $W "$T/r$n" >/dev/null &
done
k=0
while [ $k -lt 50 ]; do k=$((k + 1)); cat "$SPI/sr1" "$SPI/sr2" > /dev/null; done
wait
allsame=0
for n in 1 2 3 4; do same "$T/r$n" "$T/img" || allsame=1; done
check "4 concurrent readers all read the chip" test $allsame -eq 0

# unload while readers run: rmmod refused or succeeds after them, never oops
mtd_debug read "$MTD" 0 $W "$T/r1" >/dev/null &
rmmod mectl_flash 2>/dev/null
wait
rmmod mectl_flash 2>/dev/null
check "module gone after the reader finished" test ! -e /sys/module/mectl_flash
check "spidev back at the end" test -e /dev/spidev0.0

# the SPI controller goes away under an open /dev/mtdN (flashsim pinned by
# us can only be unbound, as a Pi's controller could be): I/O fails with
# ENODEV, close and unload work, nothing oopses
flash_load
exec 3< "$MTD"
echo flashsim > /sys/bus/platform/drivers/flashsim/unbind
dd bs=4096 count=1 <&3 > /dev/null 2> "$T/err"
check "controller gone under an open fd: read fails with ENODEV" grep -q 'No such device' "$T/err"
exec 3<&-
check "controller gone: mectl_flash unloads after close" rmmod mectl_flash
echo flashsim > /sys/bus/platform/drivers/flashsim/bind
check "controller back: spidev again" test -e /dev/spidev0.0

# hammer_unbind MODE DELAY WHAT: genl-hammer.py in MODE, the controller unbound
# DELAY seconds after the loop's first reply; the loop must go on replying until
# then and report the error it gets afterwards (it stops at that error).
hammer_unbind() {
	./tests/selftests/flash/genl-hammer.py "$1" > "$T/hammer" 2>&1 &
	hammer=$!
	# until the first reply, or the loop ended without one (a zombie counts)
	until grep -q '^ready' "$T/hammer" ||
		! grep -q '^State:[[:space:]]*[^Z[:space:]]' "/proc/$hammer/status" 2>/dev/null; do
		sleep 0.1
	done
	sleep "$2"
	echo flashsim > /sys/bus/platform/drivers/flashsim/unbind
	kill -USR1 $hammer 2>/dev/null
	wait $hammer
	check "$3 while the controller goes away: replies, then an error" \
		sh -c "grep -qE '^[1-9][0-9]* replies, [1-9][0-9]* errors' '$T/hammer' &&
			grep -qx 'stopped by an error after the chip went away' '$T/hammer'"
	diag "$(cat "$T/hammer")"
}

# GET_INFO racing the controller's removal: the netlink handlers look the chip
# up and use it under the list lock that mectl_remove() unlinks it under.
check "attach again after the controller came back" flash_load
diag "$(dmesg | grep -E 'mectl_flash|flashsim' | tail -n 3)"
hammer_unbind info 1 "GET_INFO in a loop"
check "controller gone under GET_INFO: mectl_flash unloads" rmmod mectl_flash
echo flashsim > /sys/bus/platform/drivers/flashsim/bind

# ATTACH/DETACH cycles racing the controller's removal: a detach looks at the
# chip only under the spi_device's lock, which mectl_remove() runs under.
modprobe mectl_flash
hammer_unbind cycle 2 "attach/detach in a loop"
check "controller gone under attach/detach: mectl_flash unloads" rmmod mectl_flash
echo flashsim > /sys/bus/platform/drivers/flashsim/bind
check "controller back after the cycles: spidev again" test -e /dev/spidev0.0

rmmod flashsim
check "flashsim unloads after detach (pin released)" test ! -e /sys/module/flashsim
finish
