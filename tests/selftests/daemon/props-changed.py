#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Summarise the PropertiesChanged signals of one job in a dbus-monitor log.

usage: props-changed.py LOG JOB_PATH
Prints one line: "signals N invalidated State:A Phase:B Progress:C Message:D Result:E
values V": how often each property was named as invalidated, and how many values the
signals carried (mectld sends names only: the owner reads the values with Get).
"""
import re
import sys

log, path = open(sys.argv[1]).read(), sys.argv[2]
names = ['State', 'Phase', 'Progress', 'Message', 'Result']
signals, values, named = 0, 0, dict.fromkeys(names, 0)
for block in re.split(r'\n(?=signal )', log):
    head = block.split('\n', 1)[0]
    if f'path={path};' not in head or 'member=PropertiesChanged' not in head:
        continue
    signals += 1
    values += len(re.findall(r'^\s*variant\b', block, re.M))
    for name in re.findall(r'string "(\w+)"', block):
        if name in named:
            named[name] += 1
print(f"signals {signals} invalidated " + ' '.join(f"{k}:{named[k]}" for k in names) +
      f" values {values}")
