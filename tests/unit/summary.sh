#!/bin/bash
# tests/summary.sh counts what the programs reported: kselftest totals, plain TAP, a
# program that skips as a whole, one that died or printed nothing, failed VM runs. TAP.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# result DIR NAME RC TAP-TEXT: one program's output and exit code
result() {
	mkdir -p "$t/$1"
	printf '%b' "$4" > "$t/$1/$2.tap"
	echo "$3" > "$t/$1/$2.rc"
}
# summary WANT-LINE WANT-RC DIR... [--vm-rc N]: the last line and the exit status
summary() {
	want=$1 want_rc=$2
	shift 2
	out=$(tests/summary.sh "$@" 2> "$t/err"); rc=$?
	[ "$out" = "$want" ] && [ "$rc" -eq "$want_rc" ] || {
		diag "got '$out' rc $rc, want '$want' rc $want_rc"
		sed 's/^/# /' "$t/err"
		return 1
	}
}

echo "TAP version 13"
result a 001-plain 0 'ok 1 - x\nok 2 - y # SKIP no chip\nnot ok 3 - z\n1..3\n'
result a 002-kself 0 '# Totals: pass:4 fail:0 xfail:0 xpass:0 skip:1 error:0\n'
check "plain TAP and kselftest totals: 5 passed, 1 failed, 2 skipped" \
	summary "5 passed, 1 failed, 2 skipped" 1 "$t/a"

result b 001-skipall 4 '1..0 # SKIP needs root\n'
result b 002-ok 0 'ok 1 - fine\n1..1\n'
check "a program that skips as a whole counts as one skip, not a failure" \
	summary "1 passed, 0 failed, 1 skipped" 0 "$t/b"
check "a line per folder, then the total" sh -c \
	"tests/summary.sh '$t/a' '$t/b' 2>&1 >/dev/null | grep -qx 'summary: $t/b: 1 passed, 0 failed, 1 skipped'"

result c 001-died 139 'ok 1 - half way\n'
check "exit 139 without a failure line counts as a failure" \
	summary "1 passed, 1 failed, 0 skipped" 1 "$t/c"
result d 001-silent 0 ''
check "a program that printed no result counts as a failure" \
	summary "0 passed, 1 failed, 0 skipped" 1 "$t/d"
result e 001-badskip 1 '1..0 # SKIP but exit 1\n'
check "a whole skip with exit status 1 counts as a failure" \
	summary "0 passed, 1 failed, 1 skipped" 1 "$t/e"
result f 001-skipall 4 'TAP version 13\n1..0 # SKIP no flashsim\n'
result f 002-skipall0 0 '1..0 # skip needs root (lower case, exit 0)\n'
check "a run whose programs all skip as a whole: two skips, exit 0" \
	summary "0 passed, 0 failed, 2 skipped" 0 "$t/f"
result g 001-noplan 4 '# SKIP needs root\n'
check "a SKIP without the 1..0 plan is no result: a failure" \
	summary "0 passed, 1 failed, 0 skipped" 1 "$t/g"
result h 001-emptyplan 1 '1..0\n'
check "an empty plan without SKIP and exit status 1: a failure" \
	summary "0 passed, 1 failed, 0 skipped" 1 "$t/h"
check "whole skips beside a failure: the run fails" \
	summary "0 passed, 1 failed, 2 skipped" 1 "$t/f" "$t/h"
check "--vm-rc 2: two failed VM runs, one failure each" \
	summary "1 passed, 2 failed, 1 skipped" 1 "$t/b" --vm-rc 2
check "nothing ran: exit 1" summary "0 passed, 0 failed, 0 skipped" 1 "$t/none"
finish
