#!/usr/bin/env bash
# tests/qemu/34_http_browser.sh - a real browser renders the landing page:
# headless Chromium takes a 1024x768 screenshot of http://127.0.0.1:PORT/,
# which must decode as a PNG that is not one flat colour (the page, its
# stylesheet and its images arrived and were drawn), and the server's
# access log must show the browser fetched the stylesheet and the images.
# Chromium runs with a fresh profile, no network services of its own, and
# under `timeout`.
. "$(dirname "$0")/../lib.sh"

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	fail http_browser:chromium "chromium not installed (tools/deps.sh test installs it)"
	exit 0
fi
port=$(free_port)
log=$TMPDIR_T/serial.log
qemu_start "$log" 150 $(user_net "$port")
if ! wait_http "http://127.0.0.1:$port/" 30; then
	fail http_browser:boot "no HTTP answer within 30 s"
	exit 0
fi
shot=$TMPDIR_T/shot.png
timeout --signal=KILL 90 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update --disable-sync \
	--disable-dev-shm-usage --user-data-dir="$TMPDIR_T/profile" --screenshot="$shot" \
	--window-size=1024,768 "http://127.0.0.1:$port/" >"$TMPDIR_T/chrome.log" 2>&1
if [ ! -s "$shot" ]; then
	fail http_browser:screenshot "no screenshot: $(tail -n 3 "$TMPDIR_T/chrome.log" | tr '\n' '|')"
	exit 0
fi
pass http_browser:screenshot

# Decode the PNG (zlib + filters) and count colours; a blank or error page
# is one or two colours, the landing page has gradients, text and images.
/usr/bin/python3 - "$shot" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, t = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif t == b"IDAT":
        idat += body
    pos += 12 + n
bpp = {2: 3, 6: 4}[ctype]
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = set()
top_rows = set()
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 4 == 0:
        for x in range(0, w, 4):
            px = bytes(line[x * bpp:x * bpp + 3])
            colours.add(px)
            if y < 100:
                top_rows.add(px)
print(f"  screenshot {w}x{h}: {len(colours)} distinct colours sampled")
ok = w == 1024 and len(colours) > 50 and len(top_rows) > 10
print(("PASS" if ok else "FAIL") + f" http_browser:page_rendered_not_blank" +
      ("" if ok else f": {len(colours)} colours, {len(top_rows)} in the header"))
PY
# what the browser fetched, from the access log
sleep 1
for p in '/style.css' '/img/logo.svg' '/img/stack.png'; do
	check "http_browser:fetched_$p" grep -qE "^http: [0-9.:]+ GET $p 200 " <(tr -d '\r' < "$log")
done
qemu_stop
