#!/bin/bash
# `mectl check --internal FILE`, the internal flashing pre-flight, on mkimage images
# whose FLMSTR1 is edited to each verdict: the table lines, the verdict line, the
# exit status (0 when the host can write the ME region, 1 when not), --json, and
# files it cannot decide on (one error line, exit 1, nothing on stdout). TAP.
B=${B:-build}
MK=$B/mkimage
MECTL=$B/mectl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/tap.sh

# result NAME: one TAP line for the exit status of the command before it
result() {
	if [ "$?" -eq 0 ]; then ok "$1"; else nok "$1"; fi
}

# flmstr1 FILE VALUE: FLMSTR1 (FMBA 0x60 in mkimage's descriptor), little-endian
flmstr1() {
	local v=$2
	printf '%b' "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((v & 255)) $((v >> 8 & 255)) \
		$((v >> 16 & 255)) $((v >> 24 & 255)))" |
		dd of="$1" bs=1 seek=$((0x60)) conv=notrunc status=none
}

# run NAME FILE: stdout in $tmp/NAME.out, stderr in $tmp/NAME.err, exit status in $rc
run() {
	"$MECTL" check --internal "$2" > "$tmp/$1.out" 2> "$tmp/$1.err"
	rc=$?
}

row() {	# row NAME INDEX REGION READ WRITE: the table has this line
	grep -Eq "^  $2 +$3 +0x[0-9a-f]{8}-0x[0-9a-f]{8} +$4 +$5\$" "$tmp/$1.out"
}

if [ ! -x "$MK" ] || [ ! -x "$MECTL" ]; then
	nok "$MK and $MECTL must be built first"
	finish
	exit 1
fi

# 1. ME 8 as mkimage makes it (IFD v1, FLMSTR1 = 0x0a0b0000): the ME region is locked.
"$MK" -p me8-full -o "$tmp/none.bin"
run none "$tmp/none.bin"
[ $rc -eq 1 ] && [ ! -s "$tmp/none.err" ]
result "ME locked: exit 1, nothing on stderr"
grep -q '^Flash descriptor: IFD v1 (ICH8 to 9 series), FLCOMP 0x64900024 (read clock 20 MHz)$' \
	"$tmp/none.out"
result "ME locked: layout IFD v1 from FLCOMP's 20 MHz read clock"
row none 0 descriptor yes no && row none 1 BIOS yes yes && row none 2 ME no no
result "ME locked: table rows descriptor r-, BIOS rw, ME --"
grep -qx 'Internal flashing: no: the ME region is not writable by the host (FLMSTR1 = 0x0a0b0000)' \
	"$tmp/none.out"
result "ME locked: verdict line quotes FLMSTR1"
grep -q '^  way out: the Flash Descriptor Security Override strap' "$tmp/none.out" &&
	grep -q '^  way out: an external programmer: mectl on a Raspberry Pi' "$tmp/none.out"
result "ME locked: both ways out"

# 2. ME writable, descriptor not (FLMSTR1 = 0x0e0f0000): module removal only.
cp "$tmp/none.bin" "$tmp/me.bin"
flmstr1 "$tmp/me.bin" 0x0e0f0000
run me "$tmp/me.bin"
[ $rc -eq 0 ] && row me 0 descriptor yes no && row me 2 ME yes yes
result "ME only: exit 0, rows descriptor r-, ME rw"
grep -qx 'Internal flashing: ME region only: the host can write the ME region, not the descriptor (FLMSTR1 = 0x0e0f0000)' \
	"$tmp/me.out" && grep -q 'the HAP/AltMeDisable bit cannot be set' "$tmp/me.out"
result "ME only: verdict line, no HAP bit"

# 3. Both writable (FLMSTR1 = 0x0f0f0000).
cp "$tmp/none.bin" "$tmp/full.bin"
flmstr1 "$tmp/full.bin" 0x0f0f0000
run full "$tmp/full.bin"
[ $rc -eq 0 ] && row full 0 descriptor yes yes && row full 2 ME yes yes &&
	grep -qx 'Internal flashing: yes: the host can write the ME region and the descriptor (FLMSTR1 = 0x0f0f0000)' \
		"$tmp/full.out"
result "full access: exit 0, rows, verdict line"

# 4. ME 11 (IFD v2 from the 17 MHz read clock; FLMSTR1 = 0x00a00b00): locked.
"$MK" -p me11-full -o "$tmp/v2.bin"
run v2 "$tmp/v2.bin"
[ $rc -eq 1 ] && grep -q '^Flash descriptor: IFD v2 (100 series and later), .*(read clock 17 MHz)$' \
	"$tmp/v2.out" && row v2 1 BIOS yes yes && row v2 2 ME no no &&
	grep -Eq '^  3 +GbE +unused +yes +yes$' "$tmp/v2.out"
result "IFD v2: exit 1, the v2 bits (BIOS rw, ME --, GbE rw)"

# 5. --json, after the verb and before it.
"$MECTL" check --internal --json "$tmp/me.bin" > "$tmp/me.json" 2>/dev/null
rc=$?
[ $rc -eq 0 ] && python3 - "$tmp/me.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "me-only" and d["layout"] == "v1" and d["flmstr1"] == 0x0e0f0000, d
r = {x["name"]: x for x in d["regions"]}
assert r["ME"]["write"] and r["ME"]["read"] and not r["descriptor"]["write"], r
assert any("HAP" in s for s in d["notes"]), d["notes"]
PY
result "--json: verdict me-only, ME rw, descriptor r-"
"$MECTL" --json check --internal "$tmp/none.bin" 2>/dev/null |
	python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["verdict"] == "none", d'
result "mectl --json check --internal: verdict none"

# 6. No decision: an ME region without descriptor, a missing file, no mectld.
"$MK" -p me8-bare -o "$tmp/bare.bin"
run bare "$tmp/bare.bin"
[ $rc -eq 1 ] && [ ! -s "$tmp/bare.out" ] && [ "$(wc -l < "$tmp/bare.err")" -eq 1 ] &&
	grep -q 'no flash descriptor' "$tmp/bare.err"
result "no descriptor: one error line, exit 1, nothing on stdout"
run missing "$tmp/nope.bin"
[ $rc -eq 1 ] && [ ! -s "$tmp/missing.out" ] && [ "$(wc -l < "$tmp/missing.err")" -eq 1 ]
result "missing FILE: one error line, exit 1"
"$MECTL" check --internal --bus="unix:path=$tmp/no.sock" > "$tmp/live.out" 2> "$tmp/live.err"
[ $? -eq 1 ] && [ ! -s "$tmp/live.out" ] && [ "$(wc -l < "$tmp/live.err")" -eq 1 ] &&
	grep -q 'cannot connect' "$tmp/live.err"
result "no FILE (this PC's chip, through mectld) with no mectld to ask: one error line, exit 1"
"$MECTL" check --internal --bus="unix:path=$tmp/no.sock" "$tmp/me.bin" > /dev/null 2>&1
[ $? -eq 2 ]
result "FILE and --bus: usage error, exit 2"

finish
