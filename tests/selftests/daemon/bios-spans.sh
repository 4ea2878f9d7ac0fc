#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# neutralize on a descriptor whose BIOS region spans the whole chip (FLREG1 =
# 0x07ff0000 on 8 MiB: the descriptor and ME regions lie inside it), a layout vendor
# descriptors ship and ifdtool/me_cleaner accept: mectld runs the whole job, warns,
# and the chip ends equal to me_cleaner -S's output. me_cleaner -S does not read
# FLREG1, so its output for that image is its recorded output for the lumpy image
# with the same FLREG1. A corrupt descriptor (a BIOS region past the end of the chip,
# which me_cleaner -c does not look at) is still refused with the chip untouched. In the VM, as root: flashsim + mectl_flash +
# mectld on a private dbus-daemon.
set -u
cd "$(dirname "$0")/../../.."
. tests/selftests/daemon/lib.sh
daemon_test bios

# set_flreg FILE N VALUE: FLREGn of the descriptor at 0x10 (FRBA from FLMAP0).
set_flreg() {
	python3 - "$@" <<'EOF'
import struct, sys
path, n, v = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0)
with open(path, 'r+b') as f:
    d = bytearray(f.read(0x1000))
    assert struct.unpack_from('<I', d, 0x10)[0] == 0x0FF0A55A
    frba = ((struct.unpack_from('<I', d, 0x14)[0] >> 16) & 0xFF) << 4
    f.seek(frba + 4 * n)
    f.write(struct.pack('<I', v))
EOF
}

lumpy_chip
# The vendor layout: BIOS 0-8 MiB over the descriptor and the ME region.
cp "$T/orig.bin" "$T/spans.bin"
set_flreg "$T/spans.bin" 1 0x07ff0000
xz -dc "$SHARED/testdata/me_cleaner/full_cb_lumpy_me7_8M/S/out.bin.xz" > "$T/want.bin"
[ "$(sha "$T/want.bin")" = "$S_SHA" ] || skip_all "me_cleaner's -S output does not match its sha256"
set_flreg "$T/want.bin" 1 0x07ff0000
SPANS_SHA=$(sha "$T/spans.bin") WANT_SHA=$(sha "$T/want.bin")
dd if="$T/spans.bin" of="$SIM/data" bs=1M conv=notrunc status=none

start_bus
check "mectld starts on the private bus" start_daemon
out=$("$MECTL" probe --attach 0.0 --json --bus="$BUS"); rc=$?
MTD=$(echo "$out" | sed -n 's/.*"mtd":\([0-9]*\),.*/\1/p')
check "probe --attach 0.0 attaches the chip" test "$rc" = 0 -a -n "$MTD"
[ -n "$MTD" ] || { echo "1..$n"; exit 1; }

out=$("$MECTL" check --json "$T/spans.bin"); rc=$?
warn=$(echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin)['descriptor']; print(d['sane'], d['warning'])")
note "check: $warn"
check "mectl check: the descriptor is sane, with a warning naming the BIOS region" \
	test "$rc" = 0 -a "${warn%% *}" = True -a -n "$(echo "$warn" | grep 'BIOS region (0x0-0x800000) also covers the descriptor and ME regions')"

out=$("$MECTL" neutralize --mtd "$MTD" --backup "$T/backup.bin" --json --bus="$BUS"); rc=$?
note "$(echo "$out" | python3 -c "import json,sys; r=json.load(sys.stdin); print(r.get('message') or r['result'].get('descriptor_warning'))" 2>&1 | head -c 400)"
check "neutralize runs the whole job on the spanning BIOS region" test "$rc" = 0
check "the chip equals me_cleaner -S's output for that image" test "$(chip_sha)" = "$WANT_SHA"
check "the backup equals the original chip" test "$(sha "$T/backup.bin")" = "$SPANS_SHA"
check "the job's result carries the descriptor warning" \
	test -n "$(echo "$out" | grep '"descriptor_warning":"the BIOS region (0x0-0x800000) also covers')"

# Corruption is still refused: a BIOS region that ends at 16 MiB on the 8 MiB chip.
cp "$T/orig.bin" "$T/bad.bin"
set_flreg "$T/bad.bin" 1 0x0fff0180
dd if="$T/bad.bin" of="$SIM/data" bs=1M conv=notrunc status=none
BAD_SHA=$(chip_sha)
out=$("$MECTL" neutralize --mtd "$MTD" --backup "$T/bad-backup.bin" --bus="$BUS" 2>&1); rc=$?
note "$(echo "$out" | tail -n1)"
check "a BIOS region past the chip: refused, naming it, chip untouched" \
	test "$rc" = 1 -a -n "$(echo "$out" | grep 'the BIOS region (0x180000-0x1000000) ends past the file')" \
	-a "$(chip_sha)" = "$BAD_SHA"

daemon_finish
