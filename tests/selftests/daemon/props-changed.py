#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Summarise the PropertiesChanged signals of one job in a dbus-monitor log.

usage: props-changed.py LOG JOB_PATH
Prints one line: "signals N states A>B>C phases P>Q progress K distinct, ordered yes|no",
where states and phases are the values the signals carried, repeats folded, and
"ordered" says whether Progress never went down within one phase.
"""
import re
import sys

log, path = open(sys.argv[1]).read(), sys.argv[2]
prop = re.compile(r'string "(\w+)"\s*\n\s*variant\s+\w+\s+"?([^"\n]*)"?')
signals, states, phases, seen = 0, [], [], set()
ordered, phase, last = True, None, -1.0
for block in re.split(r'\n(?=signal )', log):
    head = block.split('\n', 1)[0]
    if f'path={path};' not in head or 'member=PropertiesChanged' not in head:
        continue
    signals += 1
    for name, value in prop.findall(block):
        if name == 'State' and (not states or states[-1] != value):
            states.append(value)
        elif name == 'Phase':
            if not phases or phases[-1] != value:
                phases.append(value)
            if value != phase:
                phase, last = value, -1.0
        elif name == 'Progress':
            p = float(value)
            seen.add(p)
            ordered &= p >= last
            last = p
print(f"signals {signals} states {'>'.join(states) or '-'} phases {'>'.join(phases) or '-'} "
      f"progress {len(seen)} distinct, ordered {'yes' if ordered else 'no'}")
