#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# WP# and HOLD# by GPIO line name, against flashsim's gpiochip (the Pi header's
# GPIO0-27, GPIO23 wired to WP#, GPIO24 to HOLD#) with both pins floating low
# as on a clip without pull-ups:
# - wp_gpio=GPIO23 hold_gpio=GPIO24 attaches; the lines are outputs of
#   mectl_flash, high as the chip sees them, and inputs again after detach;
# - without them the chip does not answer (JEDEC id ff ff ff): attach fails
#   with one line, as flashrom finds no chip;
# - an unknown name, or a line another consumer holds: one line, nothing
#   attached, no line left requested;
# - a bare legacy number still works, with one warning line.
. "$(dirname "$0")/lib.sh"
setup
command -v gpioinfo >/dev/null || skip_all "gpioinfo not installed (make deps: gpiod)"
sim_load w25q64fv || { not_ok "flashsim loads"; finish; exit; }

nothing_left() {
	test ! -e /sys/module/mectl_flash && test -e /dev/spidev0.0 &&
		! grep -q mectl /proc/mtd
}

# line_info N: gpioinfo's line of flashsim's line N.
line_info() {
	gpioinfo "$GPIOCHIP" | grep "line  *$1:"
}

# unused N: nobody holds line N. (gpiolib keeps showing the last direction
# it set; what the pin does is flashsim's *_pin.)
unused() {
	line_info "$1" | grep -q '" *unused '
}

# mectl_lines NAME: dmesg lines since mark NAME, gpiolib's own lookup warning
# ("cannot find GPIO line X, deferring", the same in 6.1 and 6.12) left out.
mectl_lines() {
	dmesg_since_mark "$1" | grep -v 'cannot find GPIO line .*, deferring$'
}

GPIOCHIP=$(gpiofind GPIO23 | cut -d' ' -f1)
check "flashsim's gpiochip has GPIO23 and GPIO24, as a Pi names them" \
	sh -c "test \"\$(gpiofind GPIO23)\" = '$GPIOCHIP 23' && test \"\$(gpiofind GPIO24)\" = '$GPIOCHIP 24'"
line_info 23 | sed 's/^/# /'

echo 1 > "$SIM/wp_floats_low"
echo 1 > "$SIM/hold_floats_low"
check "undriven, WP# and HOLD# float low" \
	test "$(sim_state wp_pin)$(sim_state hold_pin)" = 00

# The clip without pull-ups: the held chip leaves MISO to its pull-up.
dmesg_mark nohold
modprobe mectl_flash bus=0 cs=0 2> "$T/err"
check "no hold_gpio, HOLD# low: attach refused" test $? -ne 0
dmesg_since_mark nohold > "$T/k"
sed 's/^/# dmesg: /' "$T/k"
check "no hold_gpio: one kernel line, no chip, id ff ff ff" \
	sh -c "test \$(wc -l < $T/k) -eq 1 && grep -q 'no SPI NOR chip on bus 0 cs 0: JEDEC id bytes ff ff ff' $T/k"
check "no hold_gpio: nothing left, spidev back" nothing_left
$FLASHROM > "$T/fr" 2>&1
check "flashrom on the held chip: no chip either" grep -q 'No EEPROM/flash device found' "$T/fr"

dmesg_mark named
check "wp_gpio=GPIO23 hold_gpio=GPIO24: attached" \
	flash_load wp_gpio=GPIO23 hold_gpio=GPIO24
dmesg_since_mark named > "$T/k"
sed 's/^/# dmesg: /' "$T/k"
check "named: attached quietly, no line about the GPIOs" \
	sh -c "grep -q 'mectl-spi0.0: .*mtd' $T/k && ! grep -q 'GPIO\|WP#\|HOLD#' $T/k"
line_info 23 | sed 's/^/# /'
line_info 24 | sed 's/^/# /'
check "GPIO23 is mectl's output" sh -c "gpioinfo $GPIOCHIP | grep -q 'line  *23: *\"GPIO23\" *\"mectl WP#\" *output.*\[used\]'"
check "GPIO24 is mectl's output" sh -c "gpioinfo $GPIOCHIP | grep -q 'line  *24: *\"GPIO24\" *\"mectl HOLD#\" *output.*\[used\]'"
check "gpiolib reads both lines high" \
	sh -c "grep -q '(GPIO23 *|mectl WP# *) out hi' /sys/kernel/debug/gpio && grep -q '(GPIO24 *|mectl HOLD# *) out hi' /sys/kernel/debug/gpio"
check "the chip sees WP# and HOLD# high" \
	test "$(sim_state wp_pin)$(sim_state hold_pin)" = 11
check "the module parameters keep the names" \
	test "$(cat /sys/module/mectl_flash/parameters/wp_gpio) $(cat /sys/module/mectl_flash/parameters/hold_gpio)" = "GPIO23 GPIO24"
rand "$T/pat" 65536
sim_put "$T/pat" 0
dd if="$MTD" of="$T/got" bs=64k count=1 status=none
check "the chip answers: /dev/mtdN reads what it holds" same "$T/pat" "$T/got"
check "gpioset cannot take GPIO23 while attached" \
	sh -c "! gpioset $GPIOCHIP 23=0 2>/dev/null"
flash_unload
check "detach: GPIO23 released" unused 23
check "detach: GPIO24 released" unused 24
check "detach: the pins float low again" \
	test "$(sim_state wp_pin)$(sim_state hold_pin)" = 00
check "detach: spidev back" test -e /dev/spidev0.0

# Unknown name for HOLD# after WP# was taken: WP# is let go again.
dmesg_mark unknown
modprobe mectl_flash bus=0 cs=0 wp_gpio=GPIO23 hold_gpio=GPIO99 2> "$T/err"
check "hold_gpio=GPIO99: refused" test $? -ne 0
check "hold_gpio=GPIO99: No such device" grep -q 'No such device' "$T/err"
dmesg_since_mark unknown | sed 's/^/# dmesg: /'
mectl_lines unknown > "$T/k"
check "hold_gpio=GPIO99: one line of ours, naming the line" \
	sh -c "test \$(wc -l < $T/k) -eq 1 && grep -q 'mectl HOLD#: no GPIO line is named \"GPIO99\"' $T/k"
check "hold_gpio=GPIO99: nothing left, spidev back" nothing_left
check "hold_gpio=GPIO99: GPIO23 not left requested" unused 23

# The legacy global numbers of flashsim's lines (6.1 counts dynamic bases
# down from ARCH_NR_GPIOS, 1024 on x86; 6.2 and later up from 512).
base=
for d in /sys/class/gpio/gpiochip*; do
	[ "$(cat "$d/label")" = flashsim ] && base=$(cat "$d/base")
done
diag "flashsim's gpiochip base: $base"

# A line another consumer holds (the GPIO sysfs export requests it).
echo $((base + 24)) > /sys/class/gpio/export
line_info 24 | sed 's/^/# /'
dmesg_mark busy
modprobe mectl_flash bus=0 cs=0 hold_gpio=GPIO24 2> "$T/err"
check "hold_gpio=GPIO24 held by another consumer: refused" test $? -ne 0
dmesg_since_mark busy > "$T/k"
sed 's/^/# dmesg: /' "$T/k"
check "busy: one kernel line saying who" \
	sh -c "test \$(wc -l < $T/k) -eq 1 && grep -q 'GPIO line \"GPIO24\" is in use by another consumer' $T/k"
check "busy: nothing left, spidev back" nothing_left
rmmod mectl_flash 2>/dev/null
echo $((base + 24)) > /sys/class/gpio/unexport

# The bare number of GPIO24.
dmesg_mark number
check "hold_gpio=$((base + 24)) (a bare number): attached" \
	flash_load hold_gpio=$((base + 24))
dmesg_since_mark number > "$T/k"
sed 's/^/# dmesg: /' "$T/k"
check "bare number: one warning line, naming the number" \
	sh -c "test \$(grep -c 'GPIO' $T/k) -eq 1 && grep -q 'mectl HOLD#: driving legacy GPIO number $((base + 24)); .*name the line' $T/k"
line_info 24 > "$T/l"
check "bare number: GPIO24 is mectl's output" grep -q '"mectl HOLD#" *output' "$T/l"
check "bare number: the chip sees HOLD# high" test "$(sim_state hold_pin)" = 1
flash_unload
check "bare number: released after detach" unused 24

echo 0 > "$SIM/wp_floats_low"
echo 0 > "$SIM/hold_floats_low"
rmmod flashsim
finish
