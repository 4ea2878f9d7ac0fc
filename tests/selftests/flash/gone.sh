#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The SPI controller goes away while /dev/mtdN and /dev/mtdblockN are open
# (a Pi's controller can be unbound, or its driver unloaded): every MTD
# operation afterwards fails cleanly, twice in a row (spi-nor's own state
# went with the unbinding), nothing oopses (the VM runner fails the run on a
# kernel BUG/Oops), and the chip is freed when the last user closes: over
# CYCLES rounds the slab cache of struct mectl_chip must not grow.
. "$(dirname "$0")/lib.sh"
setup
modprobe mtdblock
CYCLES=20
UNBIND=/sys/bus/platform/drivers/flashsim/unbind
BIND=/sys/bus/platform/drivers/flashsim/bind

sim_load w25q128fv || { not_ok "flashsim loads"; finish; exit; }
check "attach (armed, so write paths reach the gate)" flash_load writeable=1
./tests/selftests/flash/gone-ops.py "$MTD" "/dev/mtdblock$MTDN" "$UNBIND" flashsim > "$T/ops" 2>&1
rc=$?
sed 's/^/# /' "$T/ops"
check "every MTD op after the unbind returned" test $rc -eq 0 -a -n "$(grep -x closed "$T/ops")"
for op in MEMISLOCKED MEMLOCK MEMUNLOCK MEMERASE MEMERASE64 read write; do
	check "$op after the unbind fails with ENODEV (both calls)" \
		test "$(grep -c "^$op: errno ENODEV\$" "$T/ops")" -eq 2
done
# w25q128fv has no OTP area spi-nor knows of: the MTD core refuses alone
for op in "OTP factory read" "OTP user read"; do
	check "$op after the unbind fails (both calls)" \
		test "$(grep -c "^$op: errno" "$T/ops")" -eq 2
done
check "MEMGETINFO still answers from the MTD core" \
	test "$(grep -c '^MEMGETINFO: ok$' "$T/ops")" -eq 2
# mtdblock's disk is deleted with the MTD device; what the page cache holds
# may still be read back
check "mtdblock read after the unbind returns (both calls)" \
	test "$(grep -c '^mtdblock read: ' "$T/ops")" -eq 2
check "mectl_flash unloads after the close" rmmod mectl_flash
echo flashsim > "$BIND"
check "controller back: spidev again" test -e /dev/spidev0.0

# The same cycle without the op list; the chip is a kmalloc-2k object on
# Linux 6.1 and 6.12 (spi_nor + mtd_info + command buffers): a chip not freed
# on this path adds one object per cycle.
insmod "$KO" && rmmod mectl_flash	# warm-up: first-use allocations
# shellcheck disable=SC2046 # the counts are words
set -- $(slab_snap kmalloc-2k kmalloc-4k)
o2k=$2 o4k=$3
i=0 fails=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	insmod "$KO" bus=0 cs=0 || { fails=$((fails + 1)); continue; }
	MTDN=$(cat "$SPI/mtd_index")
	exec 3< "/dev/mtd$MTDN" 4< "/dev/mtdblock$MTDN"
	echo flashsim > "$UNBIND"
	dd bs=4096 count=1 <&3 > /dev/null 2>&1 && fails=$((fails + 1))
	exec 3<&- 4<&-
	rmmod mectl_flash || fails=$((fails + 1))
	echo flashsim > "$BIND"
done
check "$CYCLES open/unbind/close cycles" test $fails -eq 0
# shellcheck disable=SC2046 # the counts are words
set -- $(slab_snap kmalloc-2k kmalloc-4k)
n2k=$2 n4k=$3
diag "kmalloc-2k $o2k -> $n2k, kmalloc-4k $o4k -> $n4k over $CYCLES cycles"
check "no kmalloc-2k growth over $CYCLES cycles (<$((CYCLES / 2)) objects)" \
	test $((n2k - o2k)) -lt $((CYCLES / 2))
check "no kmalloc-4k growth over $CYCLES cycles (<$((CYCLES / 2)) objects)" \
	test $((n4k - o4k)) -lt $((CYCLES / 2))
finish
