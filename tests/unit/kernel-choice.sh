#!/bin/bash
# Which kernel `make` builds the modules for: the running one by default, KVER= or KDIR=
# otherwise; the test targets use the Debian test kernels, never the running one. A
# kernel without headers gets one line naming the package to install (Raspberry Pi OS:
# its flavour's headers package) or KDIR=, and make fails. TAP.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
# A user's make: no flags inherited from a make that runs this test.
unset MAKEFLAGS MAKELEVEL MFLAGS
var() { make -s --no-print-directory "print-$1" "${@:2}"; }
running=$(uname -r)

# one_line NAME WANT MAKE-ARGS...: make fails with exactly one line that contains WANT.
one_line() {
	name=$1 want=$2
	shift 2
	out=$(make --no-print-directory "$@" 2>&1); rc=$?
	diag "make $*: $out"
	check "$name" test "$rc" -ne 0 -a "$(printf '%s\n' "$out" | wc -l)" -eq 1 \
		-a -n "$(printf '%s' "$out" | grep -F -- "$want")"
}

echo "TAP version 13"
check "KVER defaults to the running kernel ($running)" test "$(var KVER)" = "$running"
check "KDIR defaults to /lib/modules/$running/build" test "$(var KDIR)" = "/lib/modules/$running/build"
kvers=$(var TEST_KVERS)
diag "test kernels: $kvers"
check "the test kernels are a 6.1 and a 6.12 kernel, neither the running one" sh -c \
	"echo '$kvers' | grep -Eqx '6\\.1\\.[^ ]+ 6\\.12\\.[^ ]+' && ! echo ' $kvers ' | grep -qF ' $running '"
k2=${kvers##* }
if [ -n "$k2" ]; then
	kdir=$(readlink -f "/lib/modules/$k2/build")
	check "KDIR=$kdir: KVER is read from the tree ($k2)" test "$(var KVER KDIR="$kdir")" = "$k2"
	check "KVER=$k2: KDIR is its headers" test "$(var KDIR KVER="$k2")" = "/lib/modules/$k2/build"
fi

# No headers: one line, naming what to install.
one_line "a Debian kernel without headers: one line naming linux-headers-KVER" \
	"install linux-headers-0.0.0-1-none, or name a kernel tree with KDIR=" modules KVER=0.0.0-1-none
one_line "Raspberry Pi OS, Pi 5 kernel: one line naming linux-headers-rpi-2712" \
	"install linux-headers-rpi-2712," modules KVER=6.12.34+rpt-rpi-2712
one_line "Raspberry Pi OS, Pi 4 kernel: one line naming linux-headers-rpi-v8" \
	"install linux-headers-rpi-v8," modules KVER=6.12.34+rpt-rpi-v8
one_line "KDIR= that is no kernel tree: one line naming it" \
	"KDIR=/nonexistent is not a configured kernel tree" modules KDIR=/nonexistent
one_line "make install-dkms for a kernel without headers: the same line" \
	"install linux-headers-0.0.0-1-none" install-dkms KVER=0.0.0-1-none DESTDIR=/nonexistent
if [ -e "/lib/modules/$running/build/Makefile" ]; then
	ok "a plain make on a running kernel without headers # SKIP the running kernel has headers"
else
	one_line "a plain make, the running kernel without headers: one line naming linux-headers-$running" \
		"install linux-headers-$running," all
fi
finish
