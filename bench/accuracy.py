#!/usr/bin/env python3
"""Tracker recall and precision of `telltale audit` on the shared captures,
against a list Telltale does not ship: Disconnect's services.json.

A third-party site counts as a tracker by the reference when Disconnect
names it (or a host under it) in a tracking category: Advertising,
Analytics, Social, FingerprintingInvasive, FingerprintingGeneral,
Cryptomining, EmailAggressive. Content, ConsentManagers, Anti-fraud and
Email are not tracking. Disconnect misses trackers too, so "precision" here
is a floor: a false alarm is a site Telltale calls a tracker and
Disconnect does not, listed for a reader to check.

Usage: python3 bench/accuracy.py [TELLTALE_BINARY] [HAR...]
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, '..', 'shared', 'data')
TRACKING = {'Advertising', 'Analytics', 'Social', 'FingerprintingInvasive', 'FingerprintingGeneral', 'Cryptomining', 'EmailAggressive'}


def reference():
    with open(os.path.join(SHARED, 'disconnect', 'services.json')) as f:
        services = json.load(f)
    tracking, other = set(), set()
    for category, entries in services['categories'].items():
        for entry in entries:
            for _, sites in entry.items():
                for _, domains in sites.items():
                    if not isinstance(domains, list):
                        continue
                    (tracking if category in TRACKING else other).update(d.lower() for d in domains)
    return tracking, other


def named(site, domains):
    return any(d == site or d.endswith('.' + site) for d in domains)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'target', 'release', 'telltale')
    hars = sys.argv[2:] or sorted(os.path.join(SHARED, 'har', f) for f in os.listdir(os.path.join(SHARED, 'har')) if f.endswith('.har'))
    tracking, other = reference()
    tp = fn = fp = 0
    for har in hars:
        out = subprocess.run([binary, 'audit', '--json', har], check=True, capture_output=True).stdout
        for page in json.loads(out)['pages']:
            hits, misses, alarms = [], [], []
            for t in page['third_parties']:
                ref = named(t['site'], tracking)
                if t['tracker'] and ref:
                    hits.append(t['site'])
                elif ref:
                    misses.append(t['site'])
                elif t['tracker']:
                    alarms.append(f"{t['site']} ({', '.join(t['categories'])}{'; Disconnect: not tracking' if named(t['site'], other) else ''})")
            tp, fn, fp = tp + len(hits), fn + len(misses), fp + len(alarms)
            print(f"{os.path.basename(har)} {page['site']}: {len(hits)} found, {len(misses)} missed, {len(alarms)} not in the reference")
            for m in misses:
                print(f'  missed: {m}')
            for a in alarms:
                print(f'  not in the reference: {a}')
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    print(f'recall {recall:.1%} ({tp} of {tp + fn}); precision against the reference {precision:.1%} ({tp} of {tp + fp})')


if __name__ == '__main__':
    main()
