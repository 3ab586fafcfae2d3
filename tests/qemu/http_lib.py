#!/usr/bin/env python3
"""tests/qemu/http_lib.py - HTTP checks shared by the tests/qemu/3*_http_*.sh scripts.

Standard library only.  Every check prints "PASS name" or "FAIL name: why"
(what tests/run.sh counts); the exit status is the number of failures.

  http_lib.py assets PORT DIR [PREFIX]   every file under DIR byte-exact, right Content-Type
  http_lib.py protocol PORT              status codes, 304, 206, 416, gzip, HEAD, errors
  http_lib.py pipeline PORT              many requests in one send, answered in order
  http_lib.py keepalive PORT             several requests on one socket, 1.0 rules
  http_lib.py stats PORT [GROUP.NAME]    /api/stats.json parses; prints a counter
"""
import gzip
import hashlib
import http.client
import json
import os
import socket
import sys
import time
import urllib.parse

HOST = "127.0.0.1"
FAILS = 0

# Must match tools/bake_assets.c's table for the extensions tests use.
MIME = {
    "html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
    "mjs": "text/javascript; charset=utf-8", "json": "application/json",
    "txt": "text/plain; charset=utf-8", "svg": "image/svg+xml", "png": "image/png",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
    "ico": "image/vnd.microsoft.icon", "pdf": "application/pdf", "wasm": "application/wasm",
    "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "mp4": "video/mp4",
    "webm": "video/webm", "xml": "application/xml", "gz": "application/gzip",
}


PREFIX = os.environ.get("CHECK_PREFIX", "")


def ok(name):
    print(f"PASS {PREFIX}{name}", flush=True)


def fail(name, why):
    global FAILS
    FAILS += 1
    print(f"FAIL {PREFIX}{name}: {why}", flush=True)


def check(name, cond, why=""):
    (ok if cond else lambda n: fail(n, why))(name)
    return cond


def raw(port, data, timeout=10.0, until_close=True):
    """Send bytes, return everything received until the server closes
    (or the timeout passes)."""
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.sendall(data)
    out = b""
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            out += b
            if not until_close and b"\r\n\r\n" in out:
                break
    finally:
        s.close()
    return out


def parse_responses(buf, head_only=()):
    """Split a byte stream into (status, headers dict, body) tuples.
    head_only: indexes of responses that carry no body (HEAD, 304)."""
    res = []
    i = 0
    while buf:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            break
        head = buf[:end].decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        hdrs = {}
        for line in head[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = 0 if (i in head_only or status in (204, 304)) else int(hdrs.get("content-length", "0"))
        body = buf[end + 4:end + 4 + n]
        res.append((status, hdrs, body))
        buf = buf[end + 4 + n:]
        i += 1
    return res


def request(port, method, path, headers=None):
    c = http.client.HTTPConnection(HOST, port, timeout=20)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hdrs, body


def cmd_assets(port, top, prefix="assets"):
    n = 0
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for f in sorted(files):
            full = os.path.join(root, f)
            rel = "/" + os.path.relpath(full, top).replace(os.sep, "/")
            url = urllib.parse.quote(rel)
            want = open(full, "rb").read()
            try:
                st, h, body = request(port, "GET", url)
            except Exception as e:        # noqa: BLE001 - report, don't die
                fail(f"{prefix}{rel}", f"request failed: {e}")
                continue
            name = f"{prefix}{rel}"
            if st != 200:
                fail(name, f"status {st}")
                continue
            if hashlib.sha256(body).hexdigest() != hashlib.sha256(want).hexdigest():
                fail(name, f"body differs: got {len(body)} bytes, want {len(want)}")
                continue
            ext = f.rsplit(".", 1)[-1].lower() if "." in f else ""
            mime = MIME.get(ext, "application/octet-stream" if ext not in MIME else None)
            if mime and h.get("content-type") != mime:
                fail(name, f"Content-Type {h.get('content-type')!r}, want {mime!r}")
                continue
            if h.get("content-length") != str(len(want)):
                fail(name, f"Content-Length {h.get('content-length')}")
                continue
            n += 1
    check(f"{prefix}: every file served byte-exact ({n} files)", n > 0, "no files checked")


def cmd_protocol(port):
    st, h, body = request(port, "GET", "/")
    idx = body
    check("GET / is 200", st == 200, st)
    etag = h.get("etag", "")
    check("ETag is a strong quoted tag", etag.startswith('"') and etag.endswith('"') and len(etag) > 2, etag)
    for p in ("/index.html", "/?x=1", "/index.html?a=b#c", "/./index.html", "/%69ndex.html"):
        st, h, body = request(port, "GET", p)
        check(f"{p} is the landing page", st == 200 and body == idx, f"{st}, {len(body)} bytes")
    st1, _, b1 = request(port, "GET", "/docs")
    st2, _, b2 = request(port, "GET", "/docs/")
    st3, _, b3 = request(port, "GET", "/docs/index.html")
    check("/docs, /docs/ and /docs/index.html are one page", st1 == st2 == st3 == 200 and b1 == b2 == b3,
          f"{st1} {st2} {st3}")
    # HEAD: same headers, no body
    s = raw(port, b"HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    rs = parse_responses(s, head_only=(0,))
    check("HEAD: 200, Content-Length of the body, no body",
          len(rs) == 1 and rs[0][0] == 200 and rs[0][1].get("content-length") == str(len(idx))
          and s.endswith(b"\r\n\r\n"), repr(s[:200]))
    # 304
    st, h, body = request(port, "GET", "/", {"If-None-Match": etag})
    check("If-None-Match with the ETag: 304, no body", st == 304 and body == b"" and h.get("etag") == etag, st)
    st, h, body = request(port, "GET", "/", {"If-None-Match": '"nope", W/' + etag})
    check("If-None-Match weak match in a list: 304", st == 304, st)
    st, h, body = request(port, "GET", "/", {"If-None-Match": '"0000000000000000"'})
    check("If-None-Match other tag: 200", st == 200 and body == idx, st)
    # ranges
    st, h, body = request(port, "GET", "/", {"Range": "bytes=0-99"})
    check("Range 0-99: 206 with the first 100 bytes", st == 206 and body == idx[:100]
          and h.get("content-range") == f"bytes 0-99/{len(idx)}", f"{st} {h.get('content-range')}")
    st, h, body = request(port, "GET", "/", {"Range": "bytes=-10"})
    check("Range -10: the last 10 bytes", st == 206 and body == idx[-10:], st)
    st, h, body = request(port, "GET", "/", {"Range": f"bytes=100-"})
    check("Range 100-: the rest", st == 206 and body == idx[100:], st)
    st, h, body = request(port, "GET", "/", {"Range": f"bytes={len(idx)}-"})
    check("Range past the end: 416 with Content-Range */len",
          st == 416 and h.get("content-range") == f"bytes */{len(idx)}", f"{st} {h}")
    st, h, body = request(port, "GET", "/", {"Range": "bytes=0-1,5-6"})
    check("several ranges: the whole body with 200", st == 200 and body == idx, st)
    st, h, body = request(port, "GET", "/", {"Range": "bytes=0-9", "If-Range": '"old"'})
    check("If-Range with another tag: 200, everything", st == 200 and body == idx, st)
    st, h, body = request(port, "GET", "/", {"Range": "bytes=0-9", "If-Range": etag})
    check("If-Range with the tag: 206", st == 206 and body == idx[:10], st)
    # gzip variant
    css = open(os.path.join(TOP, "assets", "style.css"), "rb").read()
    st, h, body = request(port, "GET", "/style.css", {"Accept-Encoding": "gzip"})
    check("Accept-Encoding gzip: the .gz variant", st == 200 and h.get("content-encoding") == "gzip"
          and h.get("vary") == "Accept-Encoding" and h.get("content-type", "").startswith("text/css")
          and gzip.decompress(body) == css, f"{st} {h}")
    st, h, body = request(port, "GET", "/style.css", {"Accept-Encoding": "gzip;q=0, br"})
    check("gzip;q=0: identity, Vary still set", st == 200 and "content-encoding" not in h and body == css
          and h.get("vary") == "Accept-Encoding", f"{st} {h}")
    st, h, body = request(port, "GET", "/style.css")
    check("no Accept-Encoding: identity", st == 200 and body == css and "content-encoding" not in h, st)
    # errors
    st, h, body = request(port, "GET", "/no/such/page")
    check("missing page: 404 with a small body", st == 404 and 0 < len(body) < 100, st)
    st, h, body = request(port, "POST", "/", {"Content-Length": "0"})
    check("POST: 405 with Allow: GET, HEAD", st == 405 and h.get("allow") == "GET, HEAD", f"{st} {h}")
    st, h, body = request(port, "DELETE", "/index.html")
    check("DELETE: 405", st == 405, st)

    def status_of(data):
        r = raw(port, data)
        rs = parse_responses(r)
        return (rs[0][0], rs[0][1]) if rs else (None, {})

    st, h = status_of(b"BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n")
    check("unknown method: 501 and close", st == 501 and h.get("connection") == "close", st)
    st, h = status_of(b"GET / HTTP/1.1\r\n\r\n")
    check("HTTP/1.1 without Host: 400", st == 400, st)
    st, h = status_of(b"GET / HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n")
    check("obsolete line folding: 400 and close", st == 400 and h.get("connection") == "close", st)
    st, h = status_of(b"GET /../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n")
    check("path above the root: 400", st == 400, st)
    st, h = status_of(b"GET /%zz HTTP/1.1\r\nHost: t\r\n\r\n")
    check("bad percent-encoding: 400", st == 400, st)
    st, h = status_of(b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: t\r\n\r\n")
    check("5000-byte target: 414", st == 414, st)
    st, h = status_of(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"v" * 9000 + b"\r\n\r\n")
    check("9000 bytes of header: 431", st == 431, st)
    st, h = status_of(b"GET / HTTP/1.1\r\nHost: t\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(100)) + b"\r\n")
    check("100 header fields: 431", st == 431, st)
    st, h = status_of(b"GET / HTTP/2.0\r\nHost: t\r\n\r\n")
    check("HTTP/2.0 request line: 505", st == 505, st)
    st, h = status_of(b"GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    check("Transfer-Encoding: 501", st == 501, st)
    st, h = status_of(b"\x00\x01\x02garbage\r\n\r\n")
    check("binary garbage: 400", st == 400, st)
    # the server is still fine after all that
    st, h, body = request(port, "GET", "/")
    check("still serving after the bad requests", st == 200 and body == idx, st)


def cmd_pipeline(port):
    paths = ["/", "/style.css", "/img/logo.svg", "/nope", "/robots.txt", "/docs/"] * 5
    want = []
    for p in paths:
        want.append(request(port, "GET", p))
    data = b"".join(b"GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % p.encode() for p in paths)
    data += b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    got = parse_responses(raw(port, data, timeout=20))
    check(f"pipelined: {len(paths) + 1} requests in one send, {len(got)} answers", len(got) == len(paths) + 1,
          f"{len(got)} responses")
    same = all(g[0] == w[0] and g[2] == w[2] for g, w in zip(got, want))
    check("pipelined: answers in request order, byte-exact", same and len(got) >= len(paths))
    # pipelined HEAD and GET mixed, split at odd places and sent in pieces
    s = socket.create_connection((HOST, port), timeout=10)
    msg = b"HEAD / HTTP/1.1\r\nHost: t\r\n\r\nGET /robots.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /robots.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    for i in range(0, len(msg), 7):
        s.sendall(msg[i:i + 7])
        time.sleep(0.002)
    buf = b""
    while True:
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        if not b:
            break
        buf += b
    s.close()
    rs = parse_responses(buf, head_only=(0,))
    robots = open(os.path.join(TOP, "assets", "robots.txt"), "rb").read()
    check("pipelined in 7-byte pieces: HEAD then two GETs", len(rs) == 3 and rs[0][2] == b""
          and rs[1][2] == robots and rs[2][2] == robots, f"{[r[0] for r in rs]}")


def cmd_keepalive(port):
    s = socket.create_connection((HOST, port), timeout=10)
    okc = 0
    for i in range(20):
        s.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        buf = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            buf += b
            rs = parse_responses(buf)
            if rs and len(rs[0][2]) == int(rs[0][1].get("content-length", 0)):
                break
        rs = parse_responses(buf)
        if rs and rs[0][0] == 200:
            okc += 1
    s.close()
    check("keep-alive: 20 requests one after another on one connection", okc == 20, okc)
    r = raw(port, b"GET /robots.txt HTTP/1.0\r\n\r\n")
    rs = parse_responses(r)
    check("HTTP/1.0 without keep-alive: answered, Connection: close, closed",
          len(rs) == 1 and rs[0][1].get("connection") == "close", r[:100])
    r = raw(port, b"GET /robots.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", timeout=3, until_close=False)
    rs = parse_responses(r)
    check("HTTP/1.0 with keep-alive: Connection: keep-alive", len(rs) == 1
          and rs[0][1].get("connection") == "keep-alive", r[:200])


def cmd_stats(port, which=None):
    st, h, body = request(port, "GET", "/api/stats.json")
    try:
        j = json.loads(body)
    except ValueError as e:
        fail("stats.json parses", str(e))
        return None
    if which:
        g, _, n = which.partition(".")
        v = j.get(g, {}).get(n) if n else j.get(g)
        print(v)
        return v
    check("stats.json: 200 application/json, parses", st == 200 and h.get("content-type") == "application/json")
    need = ["uptime_ms", "free_pages", "requests", "bytes_sent", "connections", "tcp", "ip", "http"]
    missing = [k for k in need if k not in j]
    check("stats.json: has uptime, requests, bytes, connections, groups", not missing, f"missing {missing}")
    return j


if __name__ == "__main__":
    TOP = os.environ.get("TOP", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "assets":
        cmd_assets(port, sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "assets")
    elif cmd == "protocol":
        cmd_protocol(port)
    elif cmd == "pipeline":
        cmd_pipeline(port)
    elif cmd == "keepalive":
        cmd_keepalive(port)
    elif cmd == "stats":
        cmd_stats(port, sys.argv[3] if len(sys.argv) > 3 else None)
    else:
        print(__doc__)
        sys.exit(2)
    sys.exit(min(FAILS, 100))
