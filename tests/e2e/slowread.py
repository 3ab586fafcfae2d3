#!/usr/bin/env python3
"""tests/e2e/slowread.py - a paced HTTP/1.1 reader, the seed bug's trigger.

A socket with a small SO_RCVBUF reads CHUNK bytes every INTERVAL seconds,
optionally stopping for PAUSE seconds once AT bytes of body have arrived.
The kernel's receive buffer fills, the window closes, and the sender must
fall back to its persist timer (zero-window probes) to learn when to go on.
curl --limit-rate is no such reader here (its buffers absorb a small body),
which is why this exists.

  slowread.py --port P --path /x --expect FILE [--rcvbuf N] [--chunk N]
              [--interval S] [--pause-at N --pause S] [--timeout S]

Prints one line "ok bytes=N sha256=H secs=T" and exits 0 when the body is
byte-exact (sha256 and length of FILE); otherwise prints "error: why" and
exits 1.  --timeout bounds the whole exchange.
"""
import argparse
import hashlib
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--rcvbuf", type=int, default=4096)
    ap.add_argument("--chunk", type=int, default=4096)
    ap.add_argument("--interval", type=float, default=0.03)
    ap.add_argument("--pause-at", type=int, default=-1)
    ap.add_argument("--pause", type=float, default=0.0)
    ap.add_argument("--timeout", type=float, default=120.0)
    a = ap.parse_args()

    want = open(a.expect, "rb").read()
    deadline = time.monotonic() + a.timeout
    s = socket.socket()
    # Before connect(), so the window the handshake advertises is small too.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    s.settimeout(30)
    t0 = time.monotonic()
    s.connect((a.host, a.port))
    s.sendall(("GET %s HTTP/1.1\r\nHost: e2e\r\nConnection: close\r\n\r\n" % a.path).encode())

    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            print("error: closed before the end of the headers (%d bytes)" % len(buf))
            return 1
        buf += d
    head, body = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    if " 200 " not in lines[0] + " ":
        print("error: status line %r" % lines[0])
        return 1
    clen = None
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        if k.strip().lower() == "content-length":
            clen = int(v.strip())
    if clen != len(want):
        print("error: Content-Length %r, expected %d" % (clen, len(want)))
        return 1

    h = hashlib.sha256(body)
    got = len(body)
    paused = False
    while got < clen:
        if time.monotonic() > deadline:
            print("error: timeout after %d of %d body bytes" % (got, clen))
            return 1
        if not paused and 0 <= a.pause_at <= got:
            paused = True
            time.sleep(a.pause)
        d = s.recv(min(a.chunk, clen - got))
        if not d:
            print("error: connection closed after %d of %d body bytes" % (got, clen))
            return 1
        h.update(d)
        got += len(d)
        if a.interval > 0:
            time.sleep(a.interval)
    secs = time.monotonic() - t0
    s.close()
    if h.digest() != hashlib.sha256(want).digest():
        print("error: %d bytes arrived but sha256 differs" % got)
        return 1
    print("ok bytes=%d sha256=%s secs=%.2f" % (got, h.hexdigest(), secs))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError) as e:
        print("error: %s" % e)
        sys.exit(1)
