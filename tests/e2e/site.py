#!/usr/bin/env python3
"""tests/e2e/site.py - write the end-to-end test site: files of exact sizes
filled from a seeded PRNG, so every run serves the same bytes and a failure
can be replayed.

  site.py DIR        create or refresh DIR (files already of the right size
                     and content are left alone, keeping their mtime, so
                     `make ASSETS=DIR` does not rebake for nothing)

The sizes are chosen for the tests in tests/qemu/2*_e2e_*.sh:
  seed.bin   228126 B     the seed bug's body (a slow reader closes the window)
  big.bin    8 MiB + 333  full speed and --limit-rate 200k over user networking
  one.bin    1 MiB + 77   64 clients in parallel
  stall.bin  3 MiB + 5    read 100 KB, stop 30 s, resume
  loss.bin   2 MiB + 1    nftables random loss on a tap
Odd tails make the last segment partial, as real files are.
"""
import hashlib
import os
import random
import sys

SEED = 20240607
FILES = [
    ("seed.bin", 228126),
    ("big.bin", 8 * 1024 * 1024 + 333),
    ("one.bin", 1024 * 1024 + 77),
    ("stall.bin", 3 * 1024 * 1024 + 5),
    ("loss.bin", 2 * 1024 * 1024 + 1),
]


def content(name, size):
    # One PRNG per file, seeded by (SEED, name): adding a file never changes
    # the bytes of another.
    rnd = random.Random("%d/%s" % (SEED, name))
    return rnd.randbytes(size)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    for name, size in FILES:
        data = content(name, size)
        path = os.path.join(d, name)
        try:
            with open(path, "rb") as f:
                if hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest():
                    continue
        except FileNotFoundError:
            pass
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)
    index = os.path.join(d, "index.html")
    page = b"<h1>quartz e2e site</h1>\n"
    if not os.path.exists(index) or open(index, "rb").read() != page:
        with open(index, "wb") as f:
            f.write(page)


if __name__ == "__main__":
    main()
