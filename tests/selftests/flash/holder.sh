#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mectl_flash takes spiB.C over only from spidev or when no driver holds it.
# A device bound to any other driver (here the kernel's own "spi-nor" driver,
# standing for a TPM, a CAN controller or a display on the same bus) is
# refused with EBUSY and one line naming that driver, and stays with it.
. "$(dirname "$0")/lib.sh"
setup
sim_load w25q64fv || { not_ok "flashsim loads"; finish; exit; }
DRV=/sys/bus/spi/devices/spi0.0/driver

driver_of() {
	basename "$(readlink "$DRV")"
}

check "spi0.0 handed to the kernel's spi-nor driver" sh -c "
	echo spi0.0 > $DRV/unbind && echo spi-nor > $SPI/driver_override &&
	echo spi0.0 > /sys/bus/spi/drivers/spi-nor/bind"
check "spi0.0 is spi-nor's" test "$(driver_of)" = spi-nor
dmesg_mark holder
check "modprobe mectl_flash bus=0 cs=0 refused" sh -c '! modprobe mectl_flash bus=0 cs=0 2>/dev/null'
new=$(dmesg_since_mark holder)
printf '%s\n' "$new" | sed 's/^/# dmesg: /'
check "one line names spi0.0 and the holding driver" \
	test "$(printf '%s\n' "$new" | grep 'spi0\.0' | grep -c 'held by driver spi-nor')" -eq 1
check "spi0.0 still spi-nor's" test "$(driver_of)" = spi-nor
check "its driver_override is spi-nor's again" test "$(cat "$SPI/driver_override")" = spi-nor
check "no mectl MTD registered" sh -c '! grep -qi mectl /proc/mtd'

# Unbound, it is taken; spidev's, it is taken (flash_load's usual case).
echo spi0.0 > "$DRV/unbind"
echo > "$SPI/driver_override"
check "an unbound spi0.0 is attached" flash_load
rmmod mectl_flash
check "after detach nobody holds it (no driver_override was set)" test ! -e "$DRV"
echo spidev > "$SPI/driver_override"
echo spi0.0 > /sys/bus/spi/drivers/spidev/bind
check "spidev's spi0.0 is attached" flash_load
rmmod mectl_flash
check "spidev has it back" test "$(driver_of)" = spidev
finish
