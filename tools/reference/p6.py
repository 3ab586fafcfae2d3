# Part 6: tunables, scenarios, source tour, test reference (generated from the tree).
import html, os, re, glob
def esc(s): return html.escape(s, quote=False)
TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

def tunables():
    out = ['''
<h2 id="tunables">Tunables</h2>
<p>Every limit and timer of the network stack and of the HTTP server is a named constant in one of
two headers, <code>net/param.h</code> and <code>http/param.h</code>. Each can be overridden at build
time with <code>-DNAME=value</code> (the host tests do so to make tables small and timers short).
The constraint on each value is written beside it and enforced by static assertions, so an
impossible combination fails the build instead of misbehaving. The values below are those of this
build.</p>
''']
    for hdr in ("net/param.h", "http/param.h"):
        text = open(os.path.join(TOP, hdr)).read()
        rows = []
        lines = text.split("\n")
        i = 0
        while i < len(lines):
            m = re.match(r'#define (\w+)\s+(.+?)\s*(/\*(.*))?$', lines[i])
            if m and not m.group(1).endswith("_H"):
                name, val, c = m.group(1), m.group(2).strip(), m.group(4) or ""
                comment = c
                while comment and "*/" not in comment and i + 1 < len(lines):
                    i += 1
                    comment += " " + lines[i].strip()
                comment = comment.replace("*/", "").strip()
                comment = re.sub(r'\s+', ' ', comment)
                rows.append((name, val, comment))
            i += 1
        out.append(f'<h3><code>{hdr}</code></h3>\n<table>\n<tr><th>Name</th><th>Value</th><th>Meaning and constraint</th></tr>\n')
        for n, v, c in rows:
            out.append(f'<tr><td><code>{esc(n)}</code></td><td><code>{esc(v)}</code></td><td>{esc(c)}</td></tr>\n')
        out.append('</table>\n')
    return "".join(out)

SCEN = [
 ("A client downloads a large file over a fast path",
  "Segments flow at the rate the client acknowledges; cwnd grows through slow start.",
  "tcp.seg_out, tcp.bytes_out, http.body_bytes_ref, virtio_net.tx_frames, virtio_net.kicks_tx rise together. tcp.rexmt_* stay at zero.",
  "One access-log line when the last byte is acknowledged; its duration is the transfer time."),
 ("A client reads slowly (small socket buffer, pauses)",
  "The client's window closes; TCP stops sending and arms the persist timer; one-byte probes go out with growing intervals; sending resumes when the window opens.",
  "tcp.persist_entered and tcp.zwp_sent increase; http.read_stalls may increase if the client also pipelines.",
  "Nothing until the response completes; then one access-log line with a long duration."),
 ("A client stops reading for good but keeps the connection open",
  "Probes keep the window state known, but no byte moves; after 15 s the idle timer resets the connection.",
  "tcp.zwp_sent, then tcp.conn_idle; http.aborted_responses.",
  "An access-log line ending in aborted."),
 ("Packet loss of a few percent",
  "Most losses are repaired by fast retransmit within a round trip; losses at the end of a response or of many segments at once wait for the retransmission timer.",
  "tcp.dupack_in, tcp.rexmt_fast, tcp.rexmt_partial, tcp.rexmt_timeout, tcp.rexmt_bytes. With netfault=, the fault group counts the injected drops.",
  "Access-log durations grow; responses remain byte-exact."),
 ("A client disappears mid-transfer (cable pulled)",
  "Retransmission timeouts with backoff; after 12 expiries in a row the connection is aborted with a RST.",
  "tcp.rexmt_timeout, tcp.rto_backoff_max, then tcp.conn_timedout and tcp.rst_out; http.aborted_responses.",
  "An access-log line ending in aborted, long after the event."),
 ("SYN flood from spoofed addresses",
  "Each SYN occupies a half-open slot of the listener's backlog (128) until its SYN-ACKs time out; SYNs beyond the backlog are dropped. Established connections are unaffected.",
  "tcp.cur_syn_received near 128, tcp.drop_backlog_full, tcp.rexmt_synack, tcp.synrcvd_timedout.",
  "Nothing: no line per packet, by design."),
 ("Port scan",
  "SYNs to closed ports are answered with RST; other probes (FIN, NULL, Xmas scans) to closed ports get RST or are dropped as nonsensical flags.",
  "tcp.drop_no_listener, tcp.rst_out, tcp.drop_bad_flags; ip.drop_proto for UDP probes.",
  "Nothing."),
 ("Flood ping",
  "Every echo request is answered byte for byte as long as buffers last.",
  "icmp.echo_req and icmp.echo_reply_tx rise together; pbuf.alloc_fail or icmp.tx_nobuf only if the host floods faster than the NIC drains.",
  "Nothing."),
 ("A client trickles a request one byte every few seconds (slow headers)",
  "Each byte resets TCP's idle timer, but the request as a whole is bounded: the first byte arriving more than 20 s after the request began is answered 408 and the connection closes.",
  "http.request_timeout, http.resp_408.",
  "One access-log line with status 408."),
 ("Malformed or hostile HTTP",
  "A definite status (400, 414, 431, 501, 505), then close.",
  "http.resp_400 and friends, http.status_4xx or status_5xx.",
  "One access-log line per bad request, with the method and path masked to printable characters."),
 ("A thousand keep-alive requests on one connection",
  "One TCP connection, one HTTP connection state, a thousand responses.",
  "http.keepalive_reuse rises by 999; http.conn_total by one.",
  "A thousand access-log lines, unless accesslog=0."),
 ("Deep pipelining",
  "Up to four responses in flight; then the server stops reading until the client acknowledges, and the client's window does the rest.",
  "http.pipelined, http.read_stalls.",
  "Access-log lines in request order."),
 ("More than 640 clients at once (slowloris)",
  "The longest-idle held connection is reset to make room; a newcomer is refused only when all are busy.",
  "http.conn_evicted_idle, http.conn_evicted_partial, http.conn_refused.",
  "Nothing per refused connection."),
 ("A corrupted frame on the wire",
  "Caught by the IP or TCP checksum and dropped; TCP retransmits.",
  "ip.drop_csum or tcp.drop_csum; with netfault=corrupt:P also fault.rx_corrupt or fault.tx_corrupt.",
  "Nothing."),
 ("The host's network stops for ten seconds, then recovers",
  "Retransmission timers back off; when the path returns, the next retransmission gets through and transfers continue.",
  "tcp.rexmt_timeout climbs, then stops; no connection is lost unless the outage exceeds the give-up bound.",
  "Longer durations in the access log."),
 ("The gateway's MAC address changes",
  "The next ARP packet from it updates the cache.",
  "arp.mac_changed, arp.updated.",
  "arp: A is-at NEW-MAC."),
]

def scenarios():
    out = ['''
<h2 id="scenarios">Scenario guide: what moves when</h2>
<p>For common situations, what Quartz does, which counters move, and what the log shows. The
end-to-end and fault tests reproduce most of these scenarios and assert on exactly these
counters.</p>
<table>
<tr><th>Scenario</th><th>Behaviour</th><th>Counters</th><th>Serial log</th></tr>
''']
    for s, b, c, l in SCEN:
        out.append(f'<tr><td>{esc(s)}</td><td>{esc(b)}</td><td>{esc(c)}</td><td>{esc(l)}</td></tr>\n')
    out.append('</table>\n')
    return "".join(out)

def first_comment(path):
    t = open(path, errors="replace").read()
    if path.endswith((".c", ".h", ".S")):
        m = re.match(r'\s*/\*(.*?)\*/', t, re.S)
        if not m:
            return ""
        body = m.group(1)
        lines = [re.sub(r'^\s*\* ?', '', l) for l in body.split("\n")]
    else:
        lines = []
        for l in t.split("\n")[1:] if t.startswith("#!") else t.split("\n"):
            if l.startswith("#"):
                lines.append(l[1:].lstrip(" ") if len(l) > 1 else "")
            elif lines:
                break
    text = "\n".join(lines).strip()
    return text

def para_html(text):
    # first line is usually "path - summary"; keep prose paragraphs, keep indented blocks as pre
    out = []
    for block in re.split(r'\n\s*\n', text):
        if not block.strip():
            continue
        if any(l.startswith(("  ", "\t")) for l in block.split("\n")[1:]) and not block.lstrip().startswith(("-", "1.")):
            out.append("<pre><code>" + esc(block) + "</code></pre>")
        else:
            out.append("<p>" + esc(re.sub(r'\s+', ' ', block)) + "</p>")
    return "\n".join(out)

def source_tour():
    out = ['''
<h2 id="source">Source tour, file by file</h2>
<p>Every source file begins with a comment saying what it is for and why it is built the way it is.
This section collects those comments, so that the structure of the whole system can be read in one
place; the code is the authority, and this text is generated from it.</p>
''']
    groups = [("Boot", "boot/*.S"), ("Kernel", "kernel/*.c"), ("Kernel interfaces", "kernel/*.h"),
              ("virtio driver", "drivers/virtio/*.[ch]"), ("Network stack", "net/*.c"),
              ("Network interfaces", "net/*.h"), ("HTTP server", "http/*.[ch]"), ("Tools", "tools/*.c")]
    for title, pat in groups:
        files = sorted(glob.glob(os.path.join(TOP, pat)))
        if not files:
            continue
        out.append(f'<h3>{esc(title)}</h3>\n')
        for f in files:
            c = first_comment(f)
            if not c:
                continue
            rel = os.path.relpath(f, TOP)
            c = re.sub(r'^' + re.escape(rel) + r'\s*-\s*', '', c)
            c = c[:1].upper() + c[1:]
            out.append(f'<h4><code>{esc(rel)}</code></h4>\n{para_html(c)}\n')
    return "".join(out)

def tests():
    out = ['''
<h2 id="tests">Test reference</h2>
<p><code>make test</code> runs everything below and prints one <code>PASS</code> or
<code>FAIL</code> line per check, then a total. Host unit tests are C programs built with
AddressSanitizer and UndefinedBehaviorSanitizer; the numbered scripts boot the real image in QEMU.
Each entry is the test's own description of itself.</p>
''']
    for title, pat in [("Host unit tests", "tests/host/test_*.c"), ("QEMU and end-to-end scripts", "tests/qemu/[0-9]*.sh"),
                       ("Fuzz targets", "tests/fuzz/fuzz_*.c")]:
        files = sorted(glob.glob(os.path.join(TOP, pat)))
        if not files:
            continue
        out.append(f'<h3>{esc(title)}</h3>\n')
        for f in files:
            c = first_comment(f)
            if not c:
                continue
            rel = os.path.relpath(f, TOP)
            c = re.sub(r'^' + re.escape(rel) + r'\s*-\s*', '', c)
            c = c[:1].upper() + c[1:]
            out.append(f'<h4><code>{esc(rel)}</code></h4>\n{para_html(c)}\n')
    return "".join(out)

def part6():
    return tunables() + scenarios() + source_tour() + tests()
