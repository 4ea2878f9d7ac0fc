#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The failure modes of a clip on a chip, injected by flashsim, and how they
# surface through mectl_flash:
#  - bit flips on read: caught by reading twice and comparing (what mectld
#    does before it trusts a backup);
#  - a program that does not stick: spi-nor reports success (SPI NOR has no
#    program-verify status), so the error surfaces only in a read-back
#    compare: flashcp's verify fails, and so does the daemon's verify;
#  - an erase that does not erase: same, caught by the read-back;
#  - a chip stuck busy: spi-nor's ready timeout turns it into an error
#    (MECTL_FLASH_SLOW=1: 40 s);
#  - no chip (MISO pulled up or down): probe fails with one dmesg line naming
#    the id bytes, bus and cs, and spi0.0 goes back to spidev.
. "$(dirname "$0")/lib.sh"
setup

W=262144
random_chip $W

echo 65536 > "$SIM/flip_rate"
mtd_debug read "$MTD" 0 $W "$T/r1" >/dev/null
mtd_debug read "$MTD" 0 $W "$T/r2" >/dev/null
echo 0 > "$SIM/flip_rate"
check "bit flips: the two reads differ (caught)" sh -c "! cmp -s $T/r1 $T/r2"
check "bit flips: flips happened" test "$(sed -n 's/^flips //p' "$SIM/stats")" -gt 0
mtd_debug read "$MTD" 0 $W "$T/r1" >/dev/null
mtd_debug read "$MTD" 0 $W "$T/r2" >/dev/null
check "no flips: two reads agree and equal the chip" sh -c "cmp -s $T/r1 $T/r2 && cmp -s $T/r1 $T/img"

echo 1 > "$SPI/writeable"
# program failure at one byte of the second block
echo $((4096 + 100)) > "$SIM/stuck_addr"
head -c 4096 /dev/zero > "$T/zero"
rand "$T/w" 8192
flash_erase -q "$MTD" 0 2
mtd_debug write "$MTD" 0 8192 "$T/w" >/dev/null
check "stuck program: spi-nor itself reports success" test $? -eq 0
mtd_debug read "$MTD" 0 8192 "$T/got" >/dev/null
check "stuck program: read-back compare catches it" sh -c "! cmp -s $T/got $T/w"
check "stuck program: the difference is at the stuck byte" \
	sh -c "cmp $T/got $T/w | grep -q 'byte $((4096 + 101)),'"
check "stuck program: flashcp's verify fails" sh -c "! flashcp $T/w $MTD 2>/dev/null"
echo -1 > "$SIM/stuck_addr"
check "stuck program cleared: flashcp passes" flashcp "$T/w" "$MTD"

echo 1 > "$SIM/erase_fail"
flash_erase -q "$MTD" 0 1
echo 0 > "$SIM/erase_fail"
head -c 4096 /dev/zero | tr '\0' '\377' > "$T/ff"
mtd_debug read "$MTD" 0 4096 "$T/got" >/dev/null
check "failed erase: read-back shows the block not erased" sh -c "! cmp -s $T/got $T/ff"

# stuck busy: spi-nor waits for WIP up to its timeout (40 s in 6.1), then
# fails the write; opt-in, it costs those 40 s
if [ "${MECTL_FLASH_SLOW:-0}" = 1 ]; then
	echo 1 > "$SIM/stuck_busy"
	t0=$(date +%s)
	mtd_debug write "$MTD" 8192 256 "$T/w" > "$T/out" 2>&1
	rc=$?
	echo 0 > "$SIM/stuck_busy"
	diag "stuck busy: write returned after $(( $(date +%s) - t0 )) s"
	check "stuck busy: the write fails" test $rc -ne 0
else
	diag "stuck busy (40 s) skipped; MECTL_FLASH_SLOW=1 runs it"
fi
flash_unload

# absent chip, MISO high then low
for absent in 1 2; do
	[ $absent = 1 ] && bytes="ff ff ff ff ff ff" || bytes="00 00 00 00 00 00"
	echo $absent > "$SIM/absent"
	dmesg_mark absent$absent
	modprobe mectl_flash bus=0 cs=0 2> "$T/err"
	rc=$?
	check "absent=$absent: modprobe fails" test $rc -ne 0
	check "absent=$absent: with No such device" grep -q 'No such device' "$T/err"
	dmesg_since_mark absent$absent > "$T/k"
	sed 's/^/# dmesg: /' "$T/k"
	check "absent=$absent: exactly one kernel line" test "$(wc -l < "$T/k")" -eq 1
	check "absent=$absent: it names id bytes, bus and cs" \
		grep -q "bus 0 cs 0: JEDEC id bytes $bytes" "$T/k"
	check "absent=$absent: module not left loaded" test ! -e /sys/module/mectl_flash
	check "absent=$absent: spi0.0 back with spidev" test -e /dev/spidev0.0
	echo 0 > "$SIM/absent"
done
rmmod flashsim
finish
