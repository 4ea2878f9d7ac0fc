# TAP output for the tree-wide shell tests (sourced; POSIX sh).
#   ok NAME / nok NAME      one result line
#   check NAME CMD...       one result line for the exit status of CMD
#   check_quiet NAME CMD... the same, CMD's output kept out of the TAP stream: its last
#                           15 lines become "# " lines when it fails
#   diag TEXT...            a "# " line
#   skip_all WHY            the whole test skips: "1..0 # SKIP WHY", exit 4
#   finish                  the plan line; exit status 0 only when nothing failed
tap_n=0
tap_fail=0

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

nok() {
	tap_n=$((tap_n + 1))
	tap_fail=$((tap_fail + 1))
	echo "not ok $tap_n - $*"
}

check() {
	tap_name=$1
	shift
	if "$@"; then ok "$tap_name"; else nok "$tap_name"; fi
}

check_quiet() {
	tap_name=$1
	shift
	tap_log=$(mktemp) || { nok "$tap_name"; return; }
	if "$@" > "$tap_log" 2>&1; then ok "$tap_name"; else
		nok "$tap_name"
		tail -n 15 "$tap_log" | sed 's/^/# /'
	fi
	rm -f "$tap_log"
}

diag() {
	echo "# $*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 4
}

finish() {
	echo "1..$tap_n"
	[ "$tap_fail" -eq 0 ]
}
