#!/usr/bin/python3
"""tests/faults/clients.py - the fault suite's HTTP clients.

  fetch URL SHA256 [--clients N --count K --timeout S]
        N threads, K sequential GETs each; every body must hash to SHA256.
  slow URL SHA256 [--clients N --rate B/s --rcvbuf B --timeout S]
        paced readers: a small SO_RCVBUF, a few hundred bytes every 1/8 s,
        so the server meets a closed window again and again.
  idle URL [--clients N --timeout S]
        connections that never send a byte; each must be closed by the
        server (idle timeout) before S; reports when.
  slowloris URL [--conns N --duration S --trickle S]
        keeps N connections open for S seconds: half send nothing, half
        trickle a header line every --trickle seconds and never finish;
        a connection the server closes or refuses is reopened.
  probe URL [--duration S --interval S --timeout S]
        one normal client: GET every interval, each must be a 200 within
        timeout; reports successes, failures and the worst latency.
  httpfuzz URL [--count N --conc C --seed S]
        N malformed requests (mutated valid ones, junk, classic nasties),
        each on its own connection, write side shut after sending; every
        connection must end (answer or close) within 5 s.

Every command prints one summary line (last line) and exits 0 only if
its condition held.  Plain sockets, not http.client, so that what is sent
is exactly what the test says and the pacing is ours.
"""
import argparse
import hashlib
import random
import resource
import selectors
import socket
import sys
import threading
import time
from urllib.parse import urlsplit


def target(url):
    u = urlsplit(url)
    return u.hostname, u.port or 80, (u.path or "/")


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, min(max(hard, n), 1 << 20))
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Fail(Exception):
    pass


def read_response(s, deadline, pace=None):
    """Read one HTTP/1.1 response with a Content-Length body.  pace =
    (bytes, seconds): read at most that many bytes per period.  Returns
    (status, body)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        d = s.recv(4096)
        if not d:
            raise Fail(f"EOF in headers after {len(buf)} bytes")
        buf += d
        if len(buf) > 65536:
            raise Fail("header section over 64 KiB")
    head, body = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        raise Fail(f"bad status line {lines[0][:60]!r}")
    clen = None
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        if k.strip().lower() == "content-length":
            clen = int(v.strip())
    if clen is None:
        raise Fail("no Content-Length")
    h = hashlib.sha256(body)
    got = len(body)
    while got < clen:
        if time.monotonic() > deadline:
            raise Fail(f"timeout with {got}/{clen} body bytes")
        s.settimeout(max(0.01, deadline - time.monotonic()))
        want = min(clen - got, pace[0] if pace else 65536)
        d = s.recv(want)
        if not d:
            raise Fail(f"EOF with {got}/{clen} body bytes")
        h.update(d)
        got += len(d)
        if pace:
            time.sleep(pace[1])
    return status, got, h.hexdigest()


def get(url, timeout, rcvbuf=None, pace=None):
    host, port, path = target(url)
    deadline = time.monotonic() + timeout
    s = socket.socket()
    try:
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.settimeout(timeout)
        s.connect((host, port))
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: quartz-faults\r\n\r\n".encode())
        return read_response(s, deadline, pace)
    finally:
        s.close()


def run_threads(n, fn):
    ts = [threading.Thread(target=fn, args=(i,), daemon=True) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


# ---- fetch / slow ------------------------------------------------------------
def cmd_fetch(a, slow=False):
    res = dict(ok=0, bad=0, err=0)
    times, errs = [], []
    lock = threading.Lock()
    pace = None
    if slow:      # 8 reads a second of rate/8 bytes each
        pace = (max(1, a.rate // 8), 0.125)

    def worker(i):
        for _ in range(a.count):
            t0 = time.monotonic()
            try:
                st, n, sha = get(a.url, a.timeout, a.rcvbuf if slow else None, pace)
                good = st == 200 and sha == a.sha
                why = None if good else f"status {st}, {n} bytes, sha {'ok' if sha == a.sha else 'wrong'}"
            except (OSError, Fail) as e:
                good, why = None, f"{type(e).__name__}: {e}"
            with lock:
                times.append(time.monotonic() - t0)
                if good:
                    res["ok"] += 1
                elif good is None:
                    res["err"] += 1
                    errs.append(why)
                else:
                    res["bad"] += 1
                    errs.append(why)

    raise_nofile(a.clients * 2 + 64)
    t0 = time.monotonic()
    run_threads(a.clients, worker)
    wall = time.monotonic() - t0
    total = a.clients * a.count
    for e in errs[:5]:
        print("  error:", e)
    kind = "slow readers" if slow else "fetch"
    extra = f" at {a.rate} B/s, SO_RCVBUF {a.rcvbuf}" if slow else ""
    print(f"{kind}: {a.clients} clients x {a.count}{extra}: {res['ok']}/{total} byte-exact, "
          f"{res['bad']} wrong, {res['err']} errors; per request min {min(times):.2f}s "
          f"max {max(times):.2f}s; wall {wall:.1f}s")
    return 0 if res["ok"] == total else 1


# ---- idle ----------------------------------------------------------------------
def cmd_idle(a):
    host, port, _ = target(a.url)
    raise_nofile(a.clients + 64)
    socks, closed = [], {}
    for _ in range(a.clients):
        s = socket.create_connection((host, port), timeout=5)
        s.setblocking(False)
        socks.append(s)
    t0 = time.monotonic()
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    how = {}
    while len(closed) < len(socks) and time.monotonic() - t0 < a.timeout:
        for key, _ in sel.select(0.5):
            s = key.fileobj
            try:
                d = s.recv(4096)
                kind = "data" if d else "fin"
                if d:
                    # a 408-style answer is fine too, as long as it closes
                    continue
            except ConnectionResetError:
                kind = "rst"
            except BlockingIOError:
                continue
            closed[s] = time.monotonic() - t0
            how[kind] = how.get(kind, 0) + 1
            sel.unregister(s)
    for s in socks:
        s.close()
    left = len(socks) - len(closed)
    tl = sorted(closed.values())
    span = f"after {tl[0]:.1f}..{tl[-1]:.1f}s" if tl else ""
    print(f"idle: {len(socks)} connections never sent a byte; {len(closed)} closed by the "
          f"server {span} ({', '.join(f'{k} {v}' for k, v in sorted(how.items()))}); "
          f"{left} still open after {a.timeout}s")
    return 0 if left == 0 else 1


# ---- slowloris -----------------------------------------------------------------
def cmd_slowloris(a):
    host, port, path = target(a.url)
    raise_nofile(a.conns + 256)
    sel = selectors.DefaultSelector()
    st = dict(opened=0, connect_fail=0, closed_fin=0, closed_rst=0, trickled=0)
    conns = {}          # sock -> [index, state, next_trickle]
    pending_max = 128   # connects in flight at once (the guest's SYN backlog)
    t_end = time.monotonic() + a.duration
    peak = 0
    want = set(range(a.conns))      # slots needing a connection
    retry_at = {}

    def open_one(i):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect((host, port))
        except BlockingIOError:
            pass
        except OSError:
            st["connect_fail"] += 1
            s.close()
            retry_at[i] = time.monotonic() + 1
            return
        conns[s] = [i, "connecting", 0.0]
        sel.register(s, selectors.EVENT_WRITE)

    def drop(s, kind):
        i = conns.pop(s)[0]
        sel.unregister(s)
        s.close()
        st[kind] += 1
        retry_at[i] = time.monotonic() + 1

    while time.monotonic() < t_end:
        now = time.monotonic()
        connecting = sum(1 for v in conns.values() if v[1] == "connecting")
        for i in list(retry_at):
            if retry_at[i] <= now:
                del retry_at[i]
                want.add(i)
        while want and connecting < pending_max:
            open_one(want.pop())
            connecting += 1
        for key, ev in sel.select(0.2):
            s = key.fileobj
            v = conns.get(s)
            if v is None:
                continue
            if v[1] == "connecting":
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    st["connect_fail"] += 1
                    i = conns.pop(s)[0]
                    sel.unregister(s)
                    s.close()
                    retry_at[i] = time.monotonic() + 1
                    continue
                st["opened"] += 1
                v[1] = "open"
                sel.modify(s, selectors.EVENT_READ)
                if v[0] % 2:       # the trickling half starts a request
                    try:
                        s.send(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n".encode())
                    except OSError:
                        drop(s, "closed_rst")
                        continue
                    v[2] = time.monotonic() + a.trickle
            else:
                try:
                    d = s.recv(4096)
                    if not d:
                        drop(s, "closed_fin")
                except ConnectionResetError:
                    drop(s, "closed_rst")
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    drop(s, "closed_rst")
        now = time.monotonic()
        for s, v in list(conns.items()):
            if v[1] == "open" and v[0] % 2 and v[2] <= now:
                try:
                    s.send(b"X-Slow: %d\r\n" % random.randrange(1000))
                    st["trickled"] += 1
                except OSError:
                    drop(s, "closed_rst")
                    continue
                v[2] = now + a.trickle
        peak = max(peak, sum(1 for v in conns.values() if v[1] == "open"))
    for s in list(conns):
        s.close()
    print(f"slowloris: {a.conns} slots for {a.duration}s: {st['opened']} connections opened, "
          f"peak {peak} open at once, {st['connect_fail']} connects failed, server closed "
          f"{st['closed_fin']} (FIN) and reset {st['closed_rst']}, {st['trickled']} header lines trickled")
    return 0


# ---- probe ---------------------------------------------------------------------
def cmd_probe(a):
    ok = bad = 0
    worst = 0.0
    whys = []
    t_end = time.monotonic() + a.duration
    while time.monotonic() < t_end:
        t0 = time.monotonic()
        try:
            st, _, _ = get(a.url, a.timeout)
            good = st == 200
            why = f"status {st}"
        except (OSError, Fail) as e:
            good, why = False, f"{type(e).__name__}: {e}"
        dt = time.monotonic() - t0
        worst = max(worst, dt)
        if good and dt <= a.timeout:
            ok += 1
        else:
            bad += 1
            whys.append(f"t+{a.duration - (t_end - t0):.1f}s {why}")
        time.sleep(max(0.0, a.interval - dt))
    for w in whys[:5]:
        print("  probe failure:", w)
    print(f"probe: {ok} of {ok + bad} requests got 200 within {a.timeout}s; worst {worst:.2f}s")
    return 0 if bad == 0 and ok > 0 else 1


# ---- httpfuzz ------------------------------------------------------------------
VALID = [
    b"GET / HTTP/1.1\r\nHost: q\r\n\r\n",
    b"GET /img.bin HTTP/1.1\r\nHost: q\r\nRange: bytes=0-99\r\n\r\n",
    b"HEAD /1k.bin HTTP/1.1\r\nHost: q\r\nIf-None-Match: \"x\"\r\n\r\n",
    b"GET /index.html HTTP/1.1\r\nHost: q\r\nAccept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n",
    b"GET /1k.bin HTTP/1.0\r\n\r\n",
]
NASTY = [
    b"", b"\r\n" * 20, b"GET\r\n\r\n", b"GET / HTTP/1.1\n\n", b"GET / HTTP/1.1\r\r\r\r",
    b"GET /\r\n\r\n", b"GET / HTTP/9.9\r\nHost: q\r\n\r\n", b"GET / HTTP/1.10\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost q\r\n\r\n", b"GET / HTTP/1.1\r\n: empty\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: q\r\n folded\r\n\r\n", b"GET  /  HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
    b"GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    b"GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
    b"GET /img.bin HTTP/1.1\r\nRange: bytes=999999999999999999999-\r\n\r\n",
    b"GET /img.bin HTTP/1.1\r\nRange: bytes=5-2\r\n\r\n",
    b"GET /img.bin HTTP/1.1\r\nRange: bytes=-0\r\n\r\n",
    b"GET /img.bin HTTP/1.1\r\nRange: bytes=0-1,2-3,4-5,6-7\r\n\r\n",
    b"GET /img.bin HTTP/1.1\r\nRange: bytes=--1\r\n\r\n",
    b"GET /%00 HTTP/1.1\r\n\r\n", b"GET /../../etc/passwd HTTP/1.1\r\n\r\n",
    b"GET /%2e%2e/%2e%2e HTTP/1.1\r\n\r\n", b"GET http://q/ HTTP/1.1\r\n\r\n",
    b"GET * HTTP/1.1\r\n\r\n", b"OPTIONS * HTTP/1.1\r\n\r\n", b"CONNECT q:80 HTTP/1.1\r\n\r\n",
    b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
    b"G\x00T / HTTP/1.1\r\n\r\n", b"GET / HTTP/1.1\r\nX: \x00\x01\x7f\xff\r\n\r\n",
]


def fuzz_request(r):
    k = r.random()
    if k < 0.15:
        return r.choice(NASTY)
    if k < 0.25:
        return bytes(r.randrange(256) for _ in range(r.randrange(1, 600)))
    if k < 0.30:      # oversized: long target, many or long headers, long method
        return r.choice([
            b"GET /" + b"a" * r.randrange(2000, 9000) + b" HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * r.randrange(60, 400) + b"\r\n",
            b"GET / HTTP/1.1\r\nX-Big: " + b"v" * r.randrange(200, 12000) + b"\r\n\r\n",
            b"G" * r.randrange(10, 3000) + b" / HTTP/1.1\r\n\r\n",
        ])
    b = bytearray(r.choice(VALID))
    for _ in range(r.randrange(1, 6)):
        op = r.randrange(6)
        pos = r.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(pos, len(b) - 1)] ^= 1 << r.randrange(8)
        elif op == 1:
            b[pos:pos] = bytes(r.randrange(256) for _ in range(r.randrange(1, 8)))
        elif op == 2:
            del b[pos:pos + r.randrange(1, 10)]
        elif op == 3:
            b[pos:pos] = r.choice([b"\r", b"\n", b"\r\n", b"\x00", b" ", b"\t", b":", b"%"])
        elif op == 4:
            seg = b[pos:pos + r.randrange(1, 20)]
            b[pos:pos] = seg * r.randrange(2, 50)
        else:
            b = b[:pos]          # truncated: EOF mid-request
    return bytes(b)


def cmd_httpfuzz(a):
    host, port, _ = target(a.url)
    r = random.Random(a.seed)
    reqs = [fuzz_request(r) for _ in range(a.count)]
    out = dict(timeout=0, connect_err=0, no_answer=0, reset=0)
    lock = threading.Lock()
    nxt = [0]

    def worker(_):
        while True:
            with lock:
                if nxt[0] >= len(reqs):
                    return
                req = reqs[nxt[0]]
                nxt[0] += 1
            kind = None
            try:
                s = socket.create_connection((host, port), timeout=5)
            except OSError:
                kind = "connect_err"
            if not kind:
                try:
                    s.settimeout(5)
                    s.sendall(req)
                    s.shutdown(socket.SHUT_WR)
                    first = b""
                    while True:
                        d = s.recv(65536)
                        if not d:
                            break
                        if len(first) < 16:
                            first += d[:16]
                    if first.startswith(b"HTTP/1.1 ") or first.startswith(b"HTTP/1.0 "):
                        kind = first[9:10].decode("latin-1") + "xx"
                    else:
                        kind = "no_answer"
                except socket.timeout:
                    kind = "timeout"
                except (ConnectionResetError, BrokenPipeError):
                    kind = "reset"
                except OSError:
                    kind = "reset"
                finally:
                    s.close()
            with lock:
                out[kind] = out.get(kind, 0) + 1

    t0 = time.monotonic()
    run_threads(a.conc, worker)
    wall = time.monotonic() - t0
    print(f"httpfuzz: {a.count} malformed requests (seed {a.seed}) in {wall:.1f}s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(out.items()) if v))
    return 0 if out["timeout"] == 0 and out["connect_err"] == 0 else 1


def main():
    p = argparse.ArgumentParser()
    sp = p.add_subparsers(dest="cmd", required=True)
    for name in ("fetch", "slow"):
        q = sp.add_parser(name)
        q.add_argument("url")
        q.add_argument("sha")
        q.add_argument("--clients", type=int, default=1)
        q.add_argument("--count", type=int, default=1)
        q.add_argument("--timeout", type=float, default=60)
        q.add_argument("--rate", type=int, default=2048)
        q.add_argument("--rcvbuf", type=int, default=4096)
    q = sp.add_parser("idle")
    q.add_argument("url")
    q.add_argument("--clients", type=int, default=20)
    q.add_argument("--timeout", type=float, default=60)
    q = sp.add_parser("slowloris")
    q.add_argument("url")
    q.add_argument("--conns", type=int, default=2000)
    q.add_argument("--duration", type=float, default=30)
    q.add_argument("--trickle", type=float, default=5)
    q = sp.add_parser("probe")
    q.add_argument("url")
    q.add_argument("--duration", type=float, default=30)
    q.add_argument("--interval", type=float, default=0.5)
    q.add_argument("--timeout", type=float, default=5)
    q = sp.add_parser("httpfuzz")
    q.add_argument("url")
    q.add_argument("--count", type=int, default=10000)
    q.add_argument("--conc", type=int, default=16)
    q.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if a.cmd == "fetch":
        return cmd_fetch(a)
    if a.cmd == "slow":
        return cmd_fetch(a, slow=True)
    return {"idle": cmd_idle, "slowloris": cmd_slowloris, "probe": cmd_probe,
            "httpfuzz": cmd_httpfuzz}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
