#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# org.mectl1 as include/mectl-dbus.h describes it, on a running mectld (a private bus,
# no chip):
#  - the introspection of the manager and of a job lists exactly the members of
#    MECTL_DBUS_MEMBERS, with their signatures, and each job property's
#    EmitsChangedSignal is the table's ("const" or "invalidates");
#  - a job's Result is an a{sv} whose documented keys have their documented types;
#  - PropertiesChanged of root's job, as another uid's monitor sees it, names what
#    changed and carries no value.
set -u
cd "$(dirname "$0")/../../.."
MPID=
on_exit() {
	[ -n "$MPID" ] && kill "$MPID" 2>/dev/null && wait "$MPID" 2>/dev/null
}
. tests/selftests/daemon/lib.sh
bus_test api
built build/mkimage
command -v busctl >/dev/null || skip_all "no busctl"

start_bus || { nok "dbus-daemon starts"; exit 1; }
check "mectld starts" start_daemon
build/mkimage -p me8-bare -o "$T/me.bin" >/dev/null || { nok "mkimage writes a test image"; exit 1; }
chmod 755 "$T"
chmod 644 "$T/me.bin"

# Another uid listens to every PropertiesChanged while root's job runs.
setpriv --reuid=65534 --regid=65534 --clear-groups dbus-monitor --address "$BUS" \
	"type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'" \
	> "$T/nobody.log" 2>&1 &
MPID=$!
sleep 1	# dbus-monitor has no ready signal
"$MECTL" check --json --bus="$BUS" "$T/me.bin" > /dev/null 2>&1
check "a check job with --json runs through mectld" test $? = 0
sleep 0.3
kill "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null; MPID=

busctl --address="$BUS" introspect --xml-interface org.mectl1 /org/mectl1 > "$T/manager.xml" &&
	busctl --address="$BUS" introspect --xml-interface org.mectl1 /org/mectl1/job/1 > "$T/job.xml"
check "busctl introspects the manager and job 1" test $? = 0

out=$(python3 - include/mectl-dbus.h "$T/manager.xml" "$T/job.xml" <<'PY'
import re, sys
import xml.etree.ElementTree as ET

hdr = open(sys.argv[1]).read()
names = dict(re.findall(r'#define (MECTL_\w+_IFACE)\s+"([^"]+)"', hdr))
want = {}
for iface, kind, name, sig, emits in re.findall(
        r"\{ (MECTL_\w+_IFACE), '(\w)', \"(\w+)\", \"([^\"]*)\", (?:\"(\w+)\"|NULL) \}", hdr):
    want[(names[iface], kind, name)] = (sig, emits or None)
got = {}
for path in sys.argv[2:]:
    for itf in ET.parse(path).getroot().iter('interface'):
        if not itf.get('name').startswith('org.mectl1.'):
            continue
        for m in itf.findall('method'):
            ins = ''.join(a.get('type') for a in m.findall('arg') if a.get('direction', 'in') == 'in')
            outs = ''.join(a.get('type') for a in m.findall('arg') if a.get('direction') == 'out')
            got[(itf.get('name'), 'm', m.get('name'))] = (ins + '->' + outs, None)
        for s in itf.findall('signal'):
            got[(itf.get('name'), 's', s.get('name'))] = (''.join(a.get('type') for a in s.findall('arg')), None)
        for p in itf.findall('property'):
            ann = {a.get('name'): a.get('value') for a in p.findall('annotation')}
            got[(itf.get('name'), 'p', p.get('name'))] = (
                p.get('type'), ann.get('org.freedesktop.DBus.Property.EmitsChangedSignal', 'true'))
bad = [f"{k}: header {want.get(k)}, mectld {got.get(k)}"
       for k in sorted(set(want) | set(got)) if want.get(k) != got.get(k)]
print(f"{len(want)} members in the header, {len(got)} introspected" if len(want) >= 20 and not bad
      else '; '.join(bad) or f"only {len(want)} members parsed from the header")
PY
)
introspected_as_declared() { [[ $out == *' introspected' ]]; }
check "introspection == MECTL_DBUS_MEMBERS ($out)" introspected_as_declared

# The Result of the check job: typed values (busctl prints the variant's type).
busctl --address="$BUS" get-property org.mectl1 /org/mectl1/job/1 org.mectl1.Job Result \
	> "$T/result.txt"
typed() { grep -qE "\"$1\" $2 " "$T/result.txt"; }
result_typed() {
	typed exit_code x && typed written b && typed size x && typed log 'aa\{sv\}' &&
		typed report 'a\{sv\}'
}
check "Result is a{sv}" grep -q '^a{sv} ' "$T/result.txt"
check "Result: exit_code x, written b, size x, log aa{sv}, report a{sv}" result_typed
check "another uid's monitor saw job 1's PropertiesChanged" \
	grep -q 'path=/org/mectl1/job/1;.*member=PropertiesChanged' "$T/nobody.log"
check "... naming State, Progress and Result" sh -c \
	"grep -q 'string \"State\"' '$T/nobody.log' && grep -q 'string \"Progress\"' '$T/nobody.log' &&
	 grep -q 'string \"Result\"' '$T/nobody.log'"
check "... and no value: no variant, no state name, no log text" sh -c \
	"! grep -qE 'variant|succeeded|running|Checking' '$T/nobody.log'"
echo "1..$n"
[ "$fails" = 0 ]
