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

meminfo() {
	sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo
}

# warm-up cycle: first-use allocations (module text, caches) are not leaks
flash_load && flash_unload
sync; echo 3 > /proc/sys/vm/drop_caches
slab0=$(meminfo Slab) avail0=$(meminfo MemAvailable)
fails=0
t0=$(date +%s)
i=0
while [ $i -lt 100 ]; do
	i=$((i + 1))
	if ! flash_load; then fails=$((fails + 1)); continue; fi
	[ "$(cat "$SPI/jedec_id")" = ef4017 ] || fails=$((fails + 1))
	rmmod mectl_flash || fails=$((fails + 1))
	[ -e /dev/spidev0.0 ] || fails=$((fails + 1))
done
diag "100 cycles took $(( $(date +%s) - t0 )) s"
check "100 load/attach/unload cycles" test $fails -eq 0
sync; echo 3 > /proc/sys/vm/drop_caches
slab1=$(meminfo Slab) avail1=$(meminfo MemAvailable)
diag "Slab ${slab0} -> ${slab1} kB, MemAvailable ${avail0} -> ${avail1} kB"
check "Slab grew by less than 1 MiB over 100 cycles" test $((slab1 - slab0)) -lt 1024
check "MemAvailable fell by less than 4 MiB over 100 cycles" test $((avail0 - avail1)) -lt 4096

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
rmmod flashsim
check "flashsim unloads after detach (pin released)" test ! -e /sys/module/flashsim
finish
