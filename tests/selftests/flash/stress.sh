#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lifetime: 100 load/attach/unload cycles, unload and detach while /dev/mtdN
# or /dev/mtdblockN is open, concurrent readers with live status-register
# reads. The VM runner fails the run on any kernel BUG/WARNING/Oops. Leaks:
# kmemleak is not in Debian's kernel, so Slab and MemAvailable from
# /proc/meminfo are compared, loosely, before and after the 100 cycles.
. "$(dirname "$0")/lib.sh"
setup
sim_load w25q64fv || { not_ok "flashsim loads"; finish; exit; }
W=1048576
rand "$T/img" $W
sim_put "$T/img" 0

KM="kmalloc-16 kmalloc-64 kmalloc-256 kmalloc-1k kmalloc-2k kmalloc-4k kmalloc-8k"
slab_snap() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	for c in $KM; do printf '%s ' "$(slab_objs $c)"; done
}

meminfo() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo
}

# insmod, not modprobe: the same module, without modprobe's dependency lookup
# over 9p (4x faster under TCG); mtd and spi-nor stay loaded.
insmod "$KO" bus=0 cs=0 && rmmod mectl_flash	# warm-up: first-use allocations

# Reference drift: loading and unloading the module without attaching costs
# the kernel some memory by itself (module loader, not us); measure it first.
slab0=$(meminfo Slab) avail0=$(meminfo MemAvailable) objs0=$(slab_snap)
i=0
while [ $i -lt 30 ]; do
	i=$((i + 1))
	insmod "$KO" && rmmod mectl_flash
done
slab1=$(meminfo Slab) avail1=$(meminfo MemAvailable) objs1=$(slab_snap)

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
slab2=$(meminfo Slab) avail2=$(meminfo MemAvailable) objs2=$(slab_snap)
# per cycle, in bytes
ref_slab=$(( (slab1 - slab0) * 1024 / 30 )) att_slab=$(( (slab2 - slab1) * 1024 / 100 ))
ref_av=$(( (avail0 - avail1) * 1024 / 30 )) att_av=$(( (avail1 - avail2) * 1024 / 100 ))
diag "per cycle: Slab +$ref_slab B without attach, +$att_slab B with; MemAvailable -$ref_av B without, -$att_av B with"
diag "objects in $KM: $objs0 | after 30 bare cycles: $objs1 | after 100 attach cycles: $objs2"
# struct mectl_chip (spi_nor + mtd_info with its struct device, and the
# command buffers) is a kmalloc-2k object, spi-nor's bounce buffer a
# kmalloc-4k one: leaking either per attach adds 100 objects there (a mutant
# that kept the chip read +50 per 50 cycles, every round). The small caches
# are shown, not judged: module loading churns them by hundreds of objects.
set -- $objs1
o2k=$5 o4k=$6
set -- $objs2
check "no kmalloc-2k growth over 100 attach cycles (<50 objects)" test $(($5 - o2k)) -lt 50
check "no kmalloc-4k growth over 100 attach cycles (<50 objects)" test $(($6 - o4k)) -lt 50
# Slab and MemAvailable move by tens of KiB per cycle either way under TCG
# (module loader, page cache of the 9p overlay): loose bounds only.
check "Slab per attach cycle within 8 KiB of the bare-load reference" \
	test $((att_slab - ref_slab)) -lt 8192
check "MemAvailable per attach cycle within 256 KiB of the reference" \
	test $((att_av - ref_av)) -lt 262144

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

# hammer_unbind MODE SECONDS DELAY WHAT: genl-hammer.py in MODE for SECONDS, the
# controller unbound DELAY seconds after the loop's first success (python's cold
# start over 9p can take longer than that); the loop must see replies, then errors.
hammer_unbind() {
	./tests/selftests/flash/genl-hammer.py "$2" "$1" > "$T/hammer" 2>&1 &
	hammer=$!
	for _ in $(seq 100); do grep -q '^ready' "$T/hammer" && break; sleep 0.1; done
	sleep "$3"
	echo flashsim > /sys/bus/platform/drivers/flashsim/unbind
	wait "$hammer"
	check "$4 while the controller goes away: the loop survives" \
		grep -qE '^[1-9][0-9]* replies, [1-9][0-9]* errors' "$T/hammer"
	diag "$(cat "$T/hammer")"
}

# GET_INFO racing the controller's removal: the netlink handlers look the chip
# up and use it under the list lock that mectl_remove() unlinks it under.
check "attach again after the controller came back" flash_load
diag "$(dmesg | grep -E 'mectl_flash|flashsim' | tail -n 3)"
hammer_unbind info 4 1 "GET_INFO in a loop"
check "controller gone under GET_INFO: mectl_flash unloads" rmmod mectl_flash
echo flashsim > /sys/bus/platform/drivers/flashsim/bind

# ATTACH/DETACH cycles racing the controller's removal: a detach looks at the
# chip only under the spi_device's lock, which mectl_remove() runs under.
modprobe mectl_flash
hammer_unbind cycle 6 2 "attach/detach in a loop"
check "controller gone under attach/detach: mectl_flash unloads" rmmod mectl_flash
echo flashsim > /sys/bus/platform/drivers/flashsim/bind
check "controller back after the cycles: spidev again" test -e /dev/spidev0.0

rmmod flashsim
check "flashsim unloads after detach (pin released)" test ! -e /sys/module/flashsim
finish
