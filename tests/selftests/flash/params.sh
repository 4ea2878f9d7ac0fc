#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Module parameters: bad values fail with EINVAL and leave nothing behind;
# a missing spiB.C fails with ENODEV; a WP# GPIO number no chip provides
# fails cleanly with one line; no bus= loads and waits. (GPIO lines by name:
# gpio.sh.)
. "$(dirname "$0")/lib.sh"
setup
sim_load w25q64fv || { not_ok "flashsim loads"; finish; exit; }

nothing_left() {
	test ! -e /sys/module/mectl_flash && test -e /dev/spidev0.0 &&
		! grep -q mectl /proc/mtd
}

for p in "bus=-2" "bus=0 cs=256" "bus=0 cs=-3" "bus=0 speed_hz=300000000" \
	 "bus=0 wp_gpio=-7" "cs=1" "speed_hz=1000000" "wp_gpio=3" \
	 "wp_gpio=GPIO23" "bus=0 wp_gpio=3 hold_gpio=3" \
	 "bus=0 wp_gpio=GPIO23 hold_gpio=GPIO23" "bus=0 hold_gpio=24x" \
	 "bus=0 wp_gpio=GPIO_NAME_LONGER_THAN_31_CHARACTERS" \
	 "bus=0 writeable=2" "bus=zero"; do
	insmod "$KO" $p 2> "$T/err"
	rc=$?
	check "'$p': refused" test $rc -ne 0
	# insmod says "Invalid parameters" for -EINVAL
	check "'$p': EINVAL" grep -q 'Invalid param' "$T/err"
	check "'$p': nothing left registered" nothing_left
done

dmesg_mark nobus
modprobe mectl_flash bus=3 cs=0 2> "$T/err"
check "bus=3 (no spi3.0): refused with No such device" grep -q 'No such device' "$T/err"
dmesg_since_mark nobus > "$T/k"
check "bus=3: one kernel line naming spi3.0" \
	sh -c "test \$(wc -l < $T/k) -eq 1 && grep -q 'spi3.0' $T/k"
check "bus=3: nothing left registered" nothing_left

dmesg_mark gpio
modprobe mectl_flash bus=0 cs=0 wp_gpio=5 2> "$T/err"
check "wp_gpio=5 on a machine without it: refused" test $? -ne 0
dmesg_since_mark gpio > "$T/k"
sed 's/^/# dmesg: /' "$T/k"
check "wp_gpio=5: one kernel line naming GPIO 5" \
	sh -c "test \$(wc -l < $T/k) -eq 1 && grep -q 'mectl WP#: GPIO 5 does not exist' $T/k"
check "wp_gpio=5: nothing left, spidev back" nothing_left
modprobe mectl_flash bus=0 cs=0 hold_gpio=6 2>/dev/null
check "hold_gpio=6: refused the same way" nothing_left

check "no bus=: loads" modprobe mectl_flash
check "no bus=: spi0.0 stays with spidev" test -e /dev/spidev0.0
check "no bus=: no MTD device" sh -c "! grep -q mectl /proc/mtd"
rmmod mectl_flash

check "bus=0 writeable=1: loads" modprobe mectl_flash bus=0 cs=0 writeable=1
check "bus=0 writeable=1: armed" test "$(cat $SPI/writeable)" = 1
check "writeable parameter is read-only at runtime" \
	test "$(stat -c %a /sys/module/mectl_flash/parameters/writeable)" = 444
echo 0 > "$SPI/writeable"
check "disarmed through sysfs" test "$(cat $SPI/writeable)" = 0
check "sysfs writeable rejects garbage" sh -c "! echo maybe > $SPI/writeable 2>/dev/null"
check "sr2/sr3 readable on Winbond" sh -c "cat $SPI/sr2 $SPI/sr3 >/dev/null"
check "flashsim pinned while attached" sh -c "! rmmod flashsim 2>/dev/null"
rmmod mectl_flash

# Macronix has no SR2/SR3: the attributes are not there
sim_load mx25l6406e
flash_load
check "mx25l6406e: no sr2/sr3 attributes" test ! -e "$SPI/sr2" -a ! -e "$SPI/sr3" -a -e "$SPI/sr1"
rmmod mectl_flash
rmmod flashsim
finish
