#!/usr/bin/env python3
"""tests/e2e/stats.py - read the guest's /api/stats.json for the e2e tests.

  stats.py get URL FILE           save URL/api/stats.json to FILE (exit 1 if unreachable)
  stats.py delta A B KEY...       print "KEY=+N" for each group.name KEY, B minus A
  stats.py sum A B KEY...         print the sum of the KEYs' deltas (a number)

Keys are "group.name" (tcp.persist_entered, tcp.rexmt_fast, ...).  A key
missing from either file is an error, so a renamed counter fails loudly
instead of reading as 0.
"""
import json
import sys
import urllib.request


def val(doc, key):
    v = doc
    for part in key.split("."):
        if not isinstance(v, dict) or part not in v:
            raise KeyError(key)
        v = v[part]
    return int(v)


def main():
    cmd = sys.argv[1]
    if cmd == "get":
        with urllib.request.urlopen(sys.argv[2] + "/api/stats.json", timeout=10) as r:
            doc = json.load(r)
        with open(sys.argv[3], "w") as f:
            json.dump(doc, f)
        return 0
    a = json.load(open(sys.argv[2]))
    b = json.load(open(sys.argv[3]))
    keys = sys.argv[4:]
    try:
        d = {k: val(b, k) - val(a, k) for k in keys}
    except KeyError as e:
        print("missing-counter:%s" % e.args[0])
        return 1
    if cmd == "delta":
        print(" ".join("%s=%+d" % (k, v) for k, v in d.items()))
    else:
        print(sum(d.values()))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError) as e:
        print("error: %s" % e)
        sys.exit(1)
