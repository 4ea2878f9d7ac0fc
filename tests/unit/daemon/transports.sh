#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `mectl check/clean` in-process and through mectld (--bus=ADDRESS: a private bus, no
# chip) print, return and write the same: on every me_cleaner case of
# $SHARED/testdata/me_cleaner (the table of tests/unit/image/img-testdata.c), with and
# without --json, and in place. Compared byte for byte: stdout, stderr, the exit
# status, and every file left in the case's folder.
set -u
cd "$(dirname "$0")/../../.."
. tests/selftests/daemon/lib.sh
bus_test transports
[ -d "$SHARED/testdata/me_cleaner" ] || skip_all "no testdata in $SHARED"

# image: mode=flags (img-testdata.c's REGION_CASES and FULL_CASES); "-O out.bin" is
# added to every mode but c, as there.
region_cases=("c=-c" "plain=" "k=-k" "t=-t" "r=-r" "rt=-r -t" "w=-w MFS,EFFS" "b=-b MFS")
full_cases=("c=-c" "plain=" "S=-S" "s=-s" "k=-S -k" "d=-S -d" "r=-S -r" "rtM=-S -r -t -M me.bin"
	    "DtM=-S -t -D desc.bin -M me.bin" "w=-S -w MFS,EFFS" "b=-S -b MFS")
declare -A images=(
	[cb_google_link_me]=region [dasharo_minnowmax_txe]=region [cb_facebook_fbg1701_me]=region
	[full_cb_lumpy_me7_8M]=full [full_cb_fbg1701_txe2_8M]=full
)

start_bus || { nok "dbus-daemon starts"; exit 1; }
check "mectld starts" start_daemon

# run SIDE DIR IMAGE ARGS...: mectl in DIR on a fresh copy of IMAGE; SIDE "daemon" adds
# --bus. Leaves DIR/{stdout,stderr,rc} and whatever mectl wrote.
run() {
	local side=$1 dir=$2 img=$3
	shift 3
	mkdir -p "$dir"
	cp "$img" "$dir/in.bin"
	[ "$side" = daemon ] && set -- "$1" --bus="$BUS" "${@:2}"
	(cd "$dir" && "$MECTL" "$@" > .stdout 2> .stderr; echo $? > .rc)
}

# same A B: every file of A is in B with the same bytes, and B has no other.
same() {
	[ "$(ls -A "$1")" = "$(ls -A "$2")" ] || return 1
	for f in "$1"/* "$1"/.[!.]*; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$2/${f##*/}" || return 1
	done
}

cases=0 differ=0 daemon_runs=0
for img in "${!images[@]}"; do
	bin=$T/$img.bin
	xz -dc "$SHARED/testdata/images/$img.bin.xz" > "$bin" || { nok "$img decompresses"; continue; }
	if [ "${images[$img]}" = region ]; then list=("${region_cases[@]}"); else list=("${full_cases[@]}"); fi
	for c in "${list[@]}" "inplace=-S"; do
		mode=${c%%=*} flags=${c#*=}
		[ "${images[$img]}" = region ] && [ "$mode" = inplace ] && flags=
		for json in "" --json; do
			out=(-O out.bin)
			[ "$mode" = c ] || [ "$mode" = inplace ] && out=()
			d=$T/run/$img-$mode$json
			# shellcheck disable=SC2086
			run local "$d/local" "$bin" clean $flags $json "${out[@]}" in.bin
			# shellcheck disable=SC2086
			run daemon "$d/daemon" "$bin" clean $flags $json "${out[@]}" in.bin
			cases=$((cases + 1))
			if ! same "$d/local" "$d/daemon"; then
				differ=$((differ + 1))
				note "differs: mectl clean $flags $json ${out[*]} on $img (rc $(cat "$d/local/.rc")/$(cat "$d/daemon/.rc"))"
			fi
		done
	done
done
daemon_runs=$("$MECTL" jobs --bus="$BUS" --json |
	python3 -c "import json,sys; print(sum(j['type'] in ('check','clean') for j in json.load(sys.stdin)))")
check "$cases runs in-process == through mectld (stdout, stderr, exit status, files): $differ differ" \
	test "$cases" -ge 100 -a "$differ" = 0
check "... each one a job of mectld ($daemon_runs listed, KeepJobs=100)" \
	test "$daemon_runs" -ge $((cases < 100 ? cases : 100))

# mectl check is mectl clean -c, the same on both sides.
img=$T/full_cb_lumpy_me7_8M.bin
run local "$T/check/local" "$img" check --json in.bin
run daemon "$T/check/daemon" "$img" check --json in.bin
check "mectl check --json: the same on both sides" same "$T/check/local" "$T/check/daemon"
check "... and its report parses" python3 -c "import json; json.load(open('$T/check/daemon/.stdout'))"

# --daemon with nobody on the bus: an error, never a silent fallback.
run daemon "$T/none" "$img" check in.bin
stop_daemon
run daemon "$T/none" "$img" check in.bin
check "without mectld, --bus fails with one line naming it" sh -c \
	"[ \"\$(cat '$T/none/.rc')\" = 1 ] && [ \"\$(wc -l < '$T/none/.stderr')\" = 1 ] &&
	 grep -q 'mectld is not running' '$T/none/.stderr' && [ ! -s '$T/none/.stdout' ]"
echo "1..$n"
[ "$fails" = 0 ]
