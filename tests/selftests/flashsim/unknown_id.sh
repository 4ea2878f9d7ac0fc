#!/bin/bash
# A chip that answers with a JEDEC id spi-nor does not know (flashsim's
# jedec_override).
# - Without SFDP (the mx25l6406e model) no kernel can set it up:
#   `modprobe mectl_flash bus=0 cs=0` must fail with exactly one dmesg line
#   naming the id bytes and spi0.0, register nothing, and hand spi0.0 back to
#   spidev.
# - With SFDP (the w25q64fv model) Linux 6.2 and later accept it as spi-nor's
#   generic part: it attaches, reported with its id and as an unknown
#   manufacturer and part; 6.1 refuses it like the first case.
set -u
. "$(dirname "$0")/../flash/lib.sh"
ID=123456
IDS="12 34 56"

kernel_has_generic_sfdp_part() {
	local v
	v=$(uname -r | cut -d- -f1)
	[ "$(printf '%s\n' 6.2 "$v" | sort -V | head -n1)" = 6.2 ]
}

# $1: flashsim model. Loads it with the unknown id.
load_unknown() {
	modprobe flashsim bus_num=0 chip="$1" || { not_ok "$1: modprobe flashsim"; return 1; }
	check "$1: jedec_override takes $ID" \
		sh -c "echo $ID > $SIM/jedec_override && grep -qx $ID $SIM/jedec_override"
}

# $1: flashsim model. The attach fails, logs one line, leaves spidev.
expect_refused() {
	local new lines
	# New lines are those after a mark of our own: counting lines breaks
	# once earlier tests have filled the kernel's ring buffer.
	dmesg_mark "unknown_id_$1"
	check "$1: modprobe mectl_flash bus=0 cs=0 fails on id $ID" \
		sh -c '! modprobe mectl_flash bus=0 cs=0 2>/dev/null'
	new=$(dmesg_since_mark "unknown_id_$1")
	printf '%s\n' "$new" | sed 's/^/# dmesg: /'
	lines=$(printf '%s\n' "$new" | grep -ci "$IDS")
	check "$1: exactly one new dmesg line names the id bytes ($lines)" test "$lines" -eq 1
	check "$1: that line names spi0.0" \
		sh -c "printf '%s\n' \"\$1\" | grep -i '$IDS' | grep -q 'spi0\.0'" _ "$new"
	check "$1: no MTD registered" \
		sh -c '! grep -qi mectl /proc/mtd && ! grep -qsi mectl /sys/class/mtd/*/name'
	check "$1: /dev/spidev0.0 is back" test -c /dev/spidev0.0
	check "$1: spi0.0 bound to spidev again" \
		sh -c 'basename "$(readlink /sys/bus/spi/devices/spi0.0/driver)" | grep -qx spidev'
}

# $1: flashsim model. The attach succeeds with the id and nothing invented.
expect_generic() {
	check "$1: SFDP part with id $ID attaches as spi-nor's generic part" \
		modprobe mectl_flash bus=0 cs=0
	check "$1: reported with its JEDEC id" test "$(cat $SPI/jedec_id 2>/dev/null)" = $ID
	check "$1: manufacturer unknown" test "$(cat $SPI/manufacturer 2>/dev/null)" = unknown
	check "$1: part unknown" test "$(cat $SPI/part 2>/dev/null)" = unknown
	check "$1: size from SFDP" test "$(cat $SPI/size 2>/dev/null)" = $((8 << 20))
	rmmod mectl_flash 2>/dev/null
}

setup
if load_unknown mx25l6406e; then
	expect_refused mx25l6406e
	# The same chip with its own id attaches: the failure was the id alone.
	echo > $SIM/jedec_override
	check "mx25l6406e: with the model's id mectl_flash attaches" modprobe mectl_flash bus=0 cs=0
	check "mx25l6406e: and registers an MTD" sh -c 'grep -qi mectl /proc/mtd'
	rmmod mectl_flash 2>/dev/null
	rmmod flashsim
fi
if load_unknown w25q64fv; then
	if kernel_has_generic_sfdp_part; then
		expect_generic w25q64fv
	else
		expect_refused w25q64fv
	fi
	rmmod flashsim
fi
finish
