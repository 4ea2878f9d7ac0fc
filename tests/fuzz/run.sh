#!/bin/bash
# Run every libFuzzer target (the image engine, mectld's job file and config) for a bounded time from its seed
# corpus; print TAP ("ok N - fuzz <target> <runs> runs", "fuzz32" for the i386 build:
# the name of the folder it is installed in); any crash, leak, sanitizer report or
# timeout is "not ok" with the reproducer's path.
#
# usage: run.sh [TARGET...]     FUZZ_TIME=seconds per target (default 10)
here=$(cd "$(dirname "$0")" && pwd)
label=$(basename "$here")
t=${FUZZ_TIME:-10}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(clean ifd fpt gen2 gen3 cse bootguard args jobfile config)
echo "1..${#targets[@]}"
n=0 failed=0
for tg in "${targets[@]}"; do
	n=$((n + 1))
	bin=$here/fuzz-$tg
	art=$here/artifacts/$tg/
	work=$(mktemp -d)
	log=$here/fuzz-$tg.log
	mkdir -p "$art"
	if [ ! -x "$bin" ] || [ ! -d "$here/corpus/$tg" ]; then
		echo "not ok $n - $label $tg: $bin or its corpus is missing"
		failed=$((failed + 1)); rm -rf "$work"; continue
	fi
	cp -r "$here/corpus/$tg/." "$work/"
	# New inputs go to a scratch copy: the seed corpus stays as mkcorpus made it.
	timeout -k 5 $((t + 120)) "$bin" -max_total_time="$t" -timeout=20 -rss_limit_mb=2048 \
		-artifact_prefix="$art" -print_final_stats=1 "$work" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n1)
	found=$(ls "$art" 2>/dev/null | head -n1)
	if [ $rc -eq 0 ] && [ -z "$found" ] && [ -n "$runs" ]; then
		echo "ok $n - $label $tg $runs runs"
	else
		echo "not ok $n - $label $tg (exit $rc${found:+, reproducer $art$found})"
		grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "$log" | head -n 20 | sed 's/^/# /'
		echo "# full log: $log"
		failed=$((failed + 1))
	fi
	rm -rf "$work"
done
[ $failed -eq 0 ]
