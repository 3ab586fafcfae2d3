#!/usr/bin/python3
"""tests/faults/stats.py - read and compare the guest's /api/stats.json.

  stats.py get URL             flatten URL/api/stats.json to "group.name value" lines
  stats.py flat                the same for JSON on stdin
  stats.py settled BASE NOW    0 when NOW's leak gauges are back to BASE's (see below)
  stats.py val FILE KEY...     print the first KEY present (0 if none)
  stats.py sum FILE REGEX      sum of every value whose key matches REGEX
  stats.py delta A B REGEX     sum over REGEX in B minus the same in A
  stats.py diff A B            every key whose value changed, "key a -> b (+d)"
  stats.py gauges FILE         the gauges the leak checks use (see GAUGES)
  stats.py gen-assets DIR      write the deterministic test site into DIR

The JSON holds one object per stats group (tcp, ip, arp, eth, icmp, pbuf,
virtio_net, http, fault, ...) and maybe a few top-level numbers; nested
objects flatten with dots.  Counter names come from the X-macro lists in
net/ and http/; the leak gauges below are looked up by a list of candidate
names so a renamed field shows up as "missing" rather than as a false pass.
"""
import json
import re
import sys
import urllib.request

# gauge -> candidate keys (first present wins) or a (minuend, subtrahend) pair
GAUGES = {
    "tcbs": [("sum", r"^tcp\.cur_"), "tcp.conns", "tcp.in_use"],
    "http_conns": ["connections.current", "http.conn_current"],
    "pbufs": ["pbuf.in_use", "pbuf.used", "pbuf.inuse", ("pbuf.alloc", "pbuf.free")],
    "free_pages": ["mem.free_pages", "pmm.free_pages", "kernel.free_pages", "free_pages",
                   "mem.pages_free", "pmm.free"],
    "heap_used": ["mem.heap_used", "kmalloc.in_use", "heap.used", "mem.kmalloc_bytes"],
}
# counters that must never move: buffers lost or leaked, invariants broken
LEAK_RE = r"(double_free|bad_free|leak|lost|bad_used)"


def flatten(obj, prefix="", out=None):
    out = {} if out is None else out
    if isinstance(obj, dict):
        for k, v in obj.items():
            flatten(v, f"{prefix}{k}.", out)
    elif isinstance(obj, bool):
        out[prefix[:-1]] = int(obj)
    elif isinstance(obj, (int, float)):
        out[prefix[:-1]] = obj
    return out


def load(path):
    d = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                try:
                    d[parts[0]] = float(parts[1]) if "." in parts[1] else int(parts[1])
                except ValueError:
                    pass
    return d


def gauge(d, name):
    for cand in GAUGES[name]:
        if isinstance(cand, tuple) and cand[0] == "sum":
            r = re.compile(cand[1])
            if any(r.search(k) for k in d):
                return rsum(d, cand[1])
        elif isinstance(cand, tuple):
            if cand[0] in d and cand[1] in d:
                return d[cand[0]] - d[cand[1]]
        elif cand in d:
            return d[cand]
    return None


def rsum(d, rx):
    r = re.compile(rx)
    return sum(v for k, v in d.items() if r.search(k))


# Slack for gauges that wobble without leaking: a TX buffer or two still
# waiting for its completion, and the heap keeping one 16 KiB slab (4
# pages) per size class (kernel/heap.c, 9 classes) when the last empties.
SLACK = {"tcbs": 0, "http_conns": 0, "pbufs": 2, "free_pages": 36, "heap_used": 0}


def settled(base, now):
    """Compare NOW with BASE: TCBs, HTTP connections and pbufs no more than
    at baseline, free pages no fewer (within SLACK), and no leak counter
    moved.  Prints one line (what differs, or the gauges) and returns 0
    when settled, 1 when not (yet), 2 when a gauge is missing."""
    why, shown = [], []
    for g, worse in (("tcbs", 1), ("http_conns", 1), ("pbufs", 1), ("free_pages", -1),
                     ("heap_used", 1)):
        b, n = gauge(base, g), gauge(now, g)
        if b is None or n is None:
            if g in ("tcbs", "pbufs"):
                print(f"gauge {g} missing from stats")
                return 2
            continue
        shown.append(f"{g}={n} (base {b})")
        if (n - b) * worse > SLACK[g]:
            why.append(f"{g} {b} -> {n}")
    r = re.compile(LEAK_RE)
    for k in sorted(now):
        if r.search(k) and now[k] != base.get(k, 0):
            why.append(f"{k} {base.get(k, 0)} -> {now[k]}")
    print("; ".join(why) if why else " ".join(shown))
    return 1 if why else 0


def gen_assets(dst):
    """The suite's site: sizes the cases name, content that a byte slip
    anywhere would change (a sha256 counter stream, not zeros)."""
    import hashlib
    import os
    os.makedirs(dst, exist_ok=True)
    sizes = {"1k.bin": 1024, "img.bin": 228126, "slow.bin": 40000, "4m.bin": 4 << 20}
    for name, size in sizes.items():
        p = os.path.join(dst, name)
        if os.path.exists(p) and os.path.getsize(p) == size:
            continue
        buf = bytearray()
        i = 0
        while len(buf) < size:
            buf += hashlib.sha256(f"{name}:{i}".encode()).digest()
            i += 1
        with open(p, "wb") as f:
            f.write(buf[:size])
    with open(os.path.join(dst, "index.html"), "w") as f:
        f.write("<!doctype html><title>quartz fault suite</title><p>fault suite site\n")


def main(argv):
    cmd = argv[1]
    if cmd == "get":
        url = argv[2].rstrip("/") + "/api/stats.json"
        with urllib.request.urlopen(url, timeout=10) as r:
            d = flatten(json.load(r))
        for k in sorted(d):
            print(k, d[k])
    elif cmd == "flat":
        d = flatten(json.load(sys.stdin))
        for k in sorted(d):
            print(k, d[k])
    elif cmd == "settled":
        sys.exit(settled(load(argv[2]), load(argv[3])))
    elif cmd == "val":
        d = load(argv[2])
        print(next((d[k] for k in argv[3:] if k in d), 0))
    elif cmd == "sum":
        print(rsum(load(argv[2]), argv[3]))
    elif cmd == "delta":
        print(rsum(load(argv[3]), argv[4]) - rsum(load(argv[2]), argv[4]))
    elif cmd == "diff":
        a, b = load(argv[2]), load(argv[3])
        for k in sorted(set(a) | set(b)):
            if a.get(k, 0) != b.get(k, 0):
                print(f"{k} {a.get(k, 0)} -> {b.get(k, 0)} ({b.get(k, 0) - a.get(k, 0):+})")
    elif cmd == "gauges":
        d = load(argv[2])
        print(" ".join(f"{g}={gauge(d, g) if gauge(d, g) is not None else 'missing'}"
                       for g in GAUGES))
    elif cmd == "gen-assets":
        gen_assets(argv[2])
    else:
        sys.exit(f"stats.py: unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
