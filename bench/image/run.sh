#!/bin/bash
# bench/image: `mectl clean -S` of the 8 MiB full image (ME 7, Samsung Lumpy), wall time
# and peak RSS, printed beside the previous run's figures (build/bench/image.last) and
# against the goals: peak RSS <= 2x the image, wall time a small fraction of the
# Python me_cleaner's ~0.15 s for the same job (me_cleaner.py is not on this machine).
set -e
B=${B:-build}
SHARED=${SHARED:-../shared}
N=${BENCH_RUNS:-20}
mkdir -p "$B/bench"
img=$B/bench/full_cb_lumpy_me7_8M.bin
[ -s "$img" ] || xz -dc "$SHARED/testdata/images/full_cb_lumpy_me7_8M.bin.xz" > "$img"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
size=$(stat -c %s "$img")

read -r wmin wmed rss _ < <("$B/bench/image-measure" "$N" "$B/mectl" clean -S -O "$out/out.bin" "$img")
# The same without writing (no 8 MiB write + fsync): what parsing and cleaning cost.
read -r cmin cmed _ _ < <("$B/bench/image-measure" "$N" "$B/mectl" check "$img")
# The result must still be right: same bytes as me_cleaner's (testdata sha256).
want=$(awk '/out.bin/ {print $1}' "$SHARED/testdata/me_cleaner/full_cb_lumpy_me7_8M/S/sha256" 2>/dev/null || true)
got=$(sha256sum "$out/out.bin" | cut -d' ' -f1)

last=$B/bench/image.last
lwmed=- lrss=-
[ -f "$last" ] && read -r lwmed lrss < "$last"
ms() { awk -v s="$1" 'BEGIN { if (s == "-") print "-"; else printf "%.2f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "-" || b == 0) print "-"; else printf "%.2fx", a / b }'; }

printf '%-28s %14s %14s %10s\n' "mectl clean -S (8 MiB)" "this run" "last run" "this/last"
printf '%-28s %14s %14s %10s\n' "wall time, median of $N" "$(ms "$wmed")" "$(ms "$lwmed")" "$(ratio "$wmed" "$lwmed")"
printf '%-28s %14s %14s %10s\n' "wall time, best" "$(ms "$wmin")" "" ""
printf '%-28s %14s %14s %10s\n' "mectl check (no write), med" "$(ms "$cmed")" "" ""
printf '%-28s %14s %14s %10s\n' "mectl check, best" "$(ms "$cmin")" "" ""
printf '%-28s %11s KiB %10s KiB %10s\n' "peak RSS" "$rss" "$lrss" "$(ratio "$rss" "$lrss")"
printf '%-28s %14s   (goal <= 2.00x)\n' "peak RSS / image size" "$(ratio "$((rss * 1024))" "$size")"
printf '%-28s %14s   (goal: a small fraction)\n' "wall / me_cleaner.py 0.15 s" "$(ratio "$wmed" 0.15)"
if [ -n "$want" ]; then
	[ "$got" = "$want" ] && echo "output: identical to me_cleaner -S (sha256 $got)" ||
		{ echo "output: DIFFERS from me_cleaner -S ($got != $want)"; exit 1; }
fi
echo "$wmed $rss" > "$last"
