#!/bin/bash
# A chip that answers with a JEDEC id spi-nor does not know (flashsim's
# jedec_override): `modprobe mectl_flash bus=0 cs=0` must fail with exactly
# one dmesg line naming the id bytes and spi0.0, register nothing, and hand
# spi0.0 back to spidev.
set -u
. "$(dirname "$0")/../flash/lib.sh"
ID=123456
IDS="12 34 56"

setup
modprobe flashsim bus_num=0 || { not_ok "modprobe flashsim bus_num=0"; finish; exit 1; }
check "jedec_override takes $ID" sh -c "echo $ID > $SIM/jedec_override && grep -qx $ID $SIM/jedec_override"

# New lines are those after a mark of our own: counting lines breaks once
# earlier tests have filled the kernel's ring buffer.
dmesg_mark unknown_id
check "modprobe mectl_flash bus=0 cs=0 fails on id $ID" sh -c '! modprobe mectl_flash bus=0 cs=0 2>/dev/null'
new=$(dmesg_since_mark unknown_id)
printf '%s\n' "$new" | sed 's/^/# dmesg: /'
lines=$(printf '%s\n' "$new" | grep -ci "$IDS")
check "exactly one new dmesg line names the id bytes ($lines)" test "$lines" -eq 1
check "that line names spi0.0" sh -c "printf '%s\n' \"\$1\" | grep -i '$IDS' | grep -q 'spi0\.0'" _ "$new"
check "no MTD registered" sh -c '! grep -qi mectl /proc/mtd && ! grep -qsi mectl /sys/class/mtd/*/name'
check "/dev/spidev0.0 is back" test -c /dev/spidev0.0
check "spi0.0 bound to spidev again" sh -c 'basename "$(readlink /sys/bus/spi/devices/spi0.0/driver)" | grep -qx spidev'

# The same chip with its own id attaches: the failure was the id alone.
rmmod mectl_flash 2>/dev/null
echo > $SIM/jedec_override
check "with the model's id mectl_flash attaches" modprobe mectl_flash bus=0 cs=0
check "and registers an MTD" sh -c 'grep -qi mectl /proc/mtd'
rmmod mectl_flash 2>/dev/null
finish
