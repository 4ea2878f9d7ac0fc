#!/bin/bash
# Count the results of a test run: one line per DIR, then the one plain line for all of
# them: N passed, N failed, N skipped.
#
# usage: summary.sh DIR... [--vm-rc N]
# Each DIR holds NAME.tap (a program's output) and NAME.rc (its exit code). A program
# that ends with kselftest's "# Totals:" line is counted by it; other TAP is counted
# by its top-level "ok"/"not ok" lines; a program that skips as a whole ("1..0 # SKIP
# why") counts as one skip. A program that exited non-zero (and not 4, kselftest's
# skip) without reporting a failure counts as one failure; one that printed no result
# at all counts as one failure too. --vm-rc N: N VM runs failed by the runner's own
# verdict (guest hung, died or logged a kernel warning), one failure each.
# Exit 0 only when nothing failed and something reported a result: a run whose
# programs all skipped succeeds, one that counted nothing at all does not.
pass=0 fail=0 skip=0 vmrc=0
dirs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--vm-rc) vmrc=$2; shift 2 ;;
	*) dirs+=("$1"); shift ;;
	esac
done

for d in "${dirs[@]}"; do
	dpass=$pass dfail=$fail dskip=$skip
	for tap in "$d"/*.tap; do
		[ -e "$tap" ] || continue
		name=$(basename "$tap" .tap)
		rc=$(cat "$d/$name.rc" 2>/dev/null || echo 255)
		totals=$(grep -E '^# Totals: pass:[0-9]+ fail:[0-9]+' "$tap" | tail -n1)
		if [ -n "$totals" ]; then
			p=$(sed -E 's/.*Totals: pass:([0-9]+).*/\1/' <<< "$totals")
			f=$(sed -E 's/.* fail:([0-9]+).*/\1/' <<< "$totals")
			s=$(sed -E 's/.*skip:([0-9]+).*/\1/' <<< "$totals")
			e=$(sed -E 's/.*error:([0-9]+).*/\1/' <<< "$totals")
			f=$((f + ${e:-0}))
		else
			s=$(grep -cE '^ok [0-9]+.*# [Ss][Kk][Ii][Pp]' "$tap" || true)
			p=$(( $(grep -cE '^ok [0-9]+' "$tap") - s ))
			f=$(grep -cE '^not ok [0-9]+' "$tap")
			if [ $((p + f + s)) -eq 0 ] && grep -qE '^1\.\.0 # [Ss][Kk][Ii][Pp]' "$tap"; then
				s=1
			fi
		fi
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$f" -eq 0 ]; then
			echo "summary: $d/$name exited $rc without reporting a failure" >&2
			f=1
		fi
		if [ $((p + f + s)) -eq 0 ]; then
			echo "summary: $d/$name printed no result" >&2
			f=1
		fi
		[ "$f" -eq 0 ] || echo "summary: FAILED in $d/$name.tap" >&2
		pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	done
	echo "summary: $d: $((pass - dpass)) passed, $((fail - dfail)) failed, $((skip - dskip)) skipped" >&2
done
if [ "$vmrc" -ne 0 ]; then
	echo "summary: $vmrc VM run(s) failed (see above)" >&2
	fail=$((fail + vmrc))
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ $((pass + skip)) -gt 0 ]
