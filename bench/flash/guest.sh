#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM (bench/flash/run.sh boots it): full-chip read of a
# simulated W25Q64FV with flashsim's clock model at 8 MHz, through /dev/mtdN
# (mectl_flash, speed_hz=8000000) and through flashrom linux_spi
# (spispeed=8000), against the clock limit size * 8 / clock. Both timed reads
# go to /dev/null (the tmpfs write is the reader's cost, not the bus's); both
# paths are then checked against the chip with the clock model off.
set -u
CLOCK=8000000
SIZE=8388608
T=/tmp/mectl-bench
SIM=/sys/kernel/debug/flashsim
SPI=/sys/bus/spi/devices/spi0.0

now() { date +%s.%N; }
fail() { echo "not ok 1 - flash read bench: $*"; rmmod mectl_flash flashsim 2>/dev/null; exit 1; }

rmmod mectl_flash flashsim 2>/dev/null
mkdir -p $T
modprobe flashsim bus_num=0 chip=w25q64fv clock_hz=$CLOCK || fail "flashsim"
head -c $SIZE /dev/urandom > $T/img
dd if=$T/img of=$SIM/data bs=1M conv=notrunc status=none

t0=$(now)
modprobe mectl_flash bus=0 cs=0 speed_hz=$CLOCK || fail "mectl_flash"
t1=$(now)
MTD=/dev/mtd$(cat $SPI/mtd_index)
echo 0 > $SIM/stats
t2=$(now)
dd if=$MTD of=/dev/null bs=4M status=none
t3=$(now)
bus_mtd=$(sed -n 's/^bus_ns //p' $SIM/stats)
frames_mtd=$(sed -n 's/^frames //p' $SIM/stats)
# the same read with the clock model off: the software cost (driver, spi
# core, simulator, copy to user, tmpfs) that does not overlap the bus time
echo 0 > /sys/module/flashsim/parameters/clock_hz
t6=$(now)
dd if=$MTD of=/dev/null bs=4M status=none
t7=$(now)
dd if=$MTD of=$T/mtd0 bs=4M status=none
cmp -s $T/mtd0 $T/img || fail "mtd read differs from the chip"
echo $CLOCK > /sys/module/flashsim/parameters/clock_hz
rmmod mectl_flash

probe=$(flashrom -p linux_spi:dev=/dev/spidev0.0,spispeed=8000 2>&1)
chip=$(echo "$probe" | sed -n 's/.*Found Winbond flash chip "\(W25Q64[^"]*\)".*/\1/p' | head -n1)
[ -n "$chip" ] || fail "flashrom does not see the chip"
echo 0 > $SIM/stats
t4=$(now)
flashrom -p linux_spi:dev=/dev/spidev0.0,spispeed=8000 -c "$chip" -r /dev/null > $T/fr.log 2>&1 || fail "flashrom -r"
t5=$(now)
bus_fr=$(sed -n 's/^bus_ns //p' $SIM/stats)
frames_fr=$(sed -n 's/^frames //p' $SIM/stats)
# verify flashrom's path too, with the clock model off
echo 0 > /sys/module/flashsim/parameters/clock_hz
flashrom -p linux_spi:dev=/dev/spidev0.0,spispeed=8000 -c "$chip" -r $T/fr > $T/fr.log 2>&1 || fail "flashrom -r"
cmp -s $T/fr $T/img || fail "flashrom read differs from the chip"
rmmod flashsim

awk -v lim="$(echo "$SIZE $CLOCK" | awk '{ printf "%.6f", $1 * 8 / $2 }')" \
    -v att="$(echo "$t0 $t1" | awk '{ print $2 - $1 }')" \
    -v mtd="$(echo "$t2 $t3" | awk '{ print $2 - $1 }')" \
    -v fr="$(echo "$t4 $t5" | awk '{ print $2 - $1 }')" \
    -v sw="$(echo "$t6 $t7" | awk '{ print $2 - $1 }')" \
    -v bm="$bus_mtd" -v bf="$bus_fr" -v fm="$frames_mtd" -v ff="$frames_fr" 'BEGIN {
	printf "# W25Q64FV (8 MiB), flashsim clock model 8 MHz, one run\n"
	printf "# clock limit (size*8/clock)     %7.3f s   1.000x\n", lim
	printf "# /dev/mtdN read (dd bs=4M)       %7.3f s   %.3fx limit   (%d frames, modelled bus %.3f s)\n", mtd, mtd / lim, fm, bm / 1e9
	printf "# flashrom linux_spi -r (whole)   %7.3f s   %.3fx limit   (%d frames, modelled bus %.3f s)\n", fr, fr / lim, ff, bf / 1e9
	printf "# flashrom / mtd                  %7.3f x\n", fr / mtd
	printf "# mtd read, clock model off       %7.3f s   (software time; copy_to_user is not hidden behind the bus)\n", sw
	printf "# mectl_flash attach (modprobe)   %7.3f s\n", att
	printf "%s 1 - mtd read within 5%% of the clock limit (%.3fx)\n", (mtd / lim <= 1.05 ? "ok" : "not ok"), mtd / lim
	printf "%s 2 - mtd read ahead of flashrom (%.3fx faster)\n", (mtd < fr ? "ok" : "not ok"), fr / mtd
	print "1..2"
}'
rm -rf $T
