#!/bin/bash
# `mectl clean` / `mectl check` (the client, files and all) on mkimage images: outputs
# written only on success, sizes from the generator's ground truth (-L), JSON that
# parses, refusals that leave no file behind. TAP.
B=${B:-build}
MK=$B/mkimage
MECTL=$B/mectl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() {	# ok NAME CONDITION-EXIT-CODE
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; failed=$((failed + 1)); fi
}
val() { sed -n "s/^$1=//p" "$2"; }

if [ ! -x "$MK" ] || [ ! -x "$MECTL" ]; then
	echo "not ok 1 - $MK and $MECTL must be built first"
	exit 1
fi

# 1. Full ME 8 image: -S -t -D -M -O writes three files with the expected sizes.
"$MK" -p me8-full -o "$tmp/in.bin" -L "$tmp/in.txt"
cp "$tmp/in.bin" "$tmp/orig.bin"
"$MECTL" clean -S -t -D "$tmp/fd.bin" -M "$tmp/me.bin" -O "$tmp/out.bin" "$tmp/in.bin" > "$tmp/log" 2>&1
ok "clean -S -t -D -M -O exits 0" $?
cmp -s "$tmp/in.bin" "$tmp/orig.bin"
ok "the input is untouched with -O" $?
min=$(val min_size "$tmp/in.txt")
[ "$(stat -c %s "$tmp/me.bin")" -eq $((min)) ]
ok "-M -t: ME image is the minimum size ($min)" $?
[ "$(stat -c %s "$tmp/fd.bin")" -eq 4096 ] && [ "$(stat -c %s "$tmp/out.bin")" -eq "$(stat -c %s "$tmp/in.bin")" ]
ok "-D: 4 KiB descriptor, full-size image" $?
grep -q 'Checking the FTPR RSA signature of the extracted ME image... VALID' "$tmp/log"
ok "the extracted ME image verifies" $?

# 2. In place (no -O): the file changes, no temporary is left behind.
cp "$tmp/orig.bin" "$tmp/inplace.bin"
"$MECTL" clean -S "$tmp/inplace.bin" > /dev/null 2>&1 && ! cmp -s "$tmp/inplace.bin" "$tmp/orig.bin" &&
	[ "$(ls -A "$tmp" | grep -c mectl)" -eq 0 ]
ok "in-place clean rewrites the file, leaves no temporary" $?

# 3. A bad signature: exit 1, no output file at all.
"$MK" -p me8-badsig -o "$tmp/bad.bin"
"$MECTL" clean -S -O "$tmp/bad-out.bin" "$tmp/bad.bin" > /dev/null 2>&1
rc=$?
[ $rc -eq 1 ] && [ ! -e "$tmp/bad-out.bin" ]
ok "INVALID signature: exit 1 and nothing written" $?

# 4. CSME 15: -s sets PCHSTRP31 bit 16; clean without --force is refused, no file.
"$MK" -p me15-lt -o "$tmp/me15.bin" -L "$tmp/me15.txt"
"$MECTL" clean -s -O "$tmp/me15-s.bin" "$tmp/me15.bin" > /dev/null 2>&1
ok "CSME 15 -s exits 0" $?
off=$(( $(val fpsba "$tmp/me15.txt") + 31 * 4 + 2 ))
b=$(od -An -tu1 -j $off -N1 "$tmp/me15-s.bin" | tr -d ' ')
[ $((b & 1)) -eq 1 ]
ok "CSME 15 -s: HAP bit set in PCHSTRP31" $?
"$MECTL" clean -S -O "$tmp/me15-S.bin" "$tmp/me15.bin" > "$tmp/log" 2>&1
rc=$?
[ $rc -eq 1 ] && [ ! -e "$tmp/me15-S.bin" ] && grep -q 'refused' "$tmp/log"
ok "CSME 15 clean refused without --force, nothing written" $?

# 5. check --json parses and says what the generator made.
"$MECTL" check --json "$tmp/me15.bin" > "$tmp/me15.json" 2>/dev/null
python3 - "$tmp/me15.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["cse"]["detected"] and d["cse"]["family"] == "CSME", d["cse"]
assert d["version"] == "15.0.30.1776" and d["cse"]["cpd_header_version"] == 2
assert d["signature"] == "valid" and d["hap"]["name"] == "HAP"
EOF
ok "check --json: valid JSON with CSME 15, \$CPD v2, valid signature" $?

"$MK" -p me8-bootguard -o "$tmp/bg.bin"
"$MECTL" check --json "$tmp/bg.bin" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)["boot_guard"]
assert d["fit_present"] and d["key_manifest"] and d["boot_policy_manifest"] and d["likely_enabled"], d'
ok "check --json: Boot Guard FIT reported" $?
"$MECTL" clean -S -O "$tmp/bg-out.bin" "$tmp/bg.bin" 2>&1 >/dev/null | grep -q 'WARNING: this image carries Intel Boot Guard'
ok "clean -S on a Boot Guard image warns on stderr" $?

# 6. mkimage itself: a bad option is one line on stderr, exit 1, and no file.
bad=0
for args in "--ftpr-offset 0x1000" "-p nope" "--gen 7" "--corrupt truncated --full" "--fit"; do
	# shellcheck disable=SC2086
	"$MK" -p me8-bare $args -o "$tmp/bad-mk.bin" 2> "$tmp/err" && bad=1
	[ "$(wc -l < "$tmp/err")" -eq 1 ] && [ ! -e "$tmp/bad-mk.bin" ] || bad=1
done
ok "mkimage: bad options give one error line and no file" $bad

echo "1..$n"
[ $failed -eq 0 ]
