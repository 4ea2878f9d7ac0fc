#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench` entry of the flash path: boots the test VM with bench/flash/guest.sh
# and prints its figures. Not a timed test: one run, ratios against the clock
# limit and against flashrom measured in the same guest.
set -u
cd "$(dirname "$0")/../.."
out=build/results/bench-flash
mods=$(printf '%s\n' ${VM_MODULES:-} | grep -E '/(mectl_flash|flashsim)\.ko$')
[ -n "$mods" ] && [ -n "${VM_KVER:-}" ] || { echo "bench/flash: run by make bench (VM_KVER, VM_MODULES)" >&2; exit 1; }
VM_MODULES="$mods" tests/vm/run.sh "$out" bench/flash/guest.sh >/dev/null 2>&1
rc=$?
tap=$(ls "$out"/*guest.sh.tap 2>/dev/null)
[ -n "$tap" ] || { echo "bench/flash: the VM did not run the bench (see $out/console.log)" >&2; exit 1; }
cat "$tap"
[ "$rc" -eq 0 ] && ! grep -q '^not ok' "$tap"
