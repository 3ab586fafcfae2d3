# Part 4: RFC tables, lower layers, deployment, operations, examples.
import html
def esc(s): return html.escape(s, quote=False)

RFCS = [
 ("RFC 9110", "HTTP Semantics", [
  ("2.5", "A recipient of a higher minor version treats it as the highest minor version it supports.", "HTTP/1.2 through HTTP/1.9 are answered as HTTP/1.1."),
  ("5.5", "Field values must not contain CR, LF or NUL; recipients may reject them.", "Any control character other than HTAB in a value is a 400."),
  ("6.6.1", "An origin server without a reliable clock must not send Date.", "No Date field is sent."),
  ("8.8.3", "ETag: strong validators change whenever the representation data changes.", "The ETag is a hash of the exact bytes served, computed at bake time."),
  ("9.3.2", "HEAD: the same header fields as GET, without content.", "The router builds the same plan for HEAD and then drops the body; Content-Length is the GET length."),
  ("12.5.3", "Accept-Encoding with qvalues; q=0 means not acceptable; an explicit coding outranks *.", "Implemented as in the table of representation choices."),
  ("12.5.5", "Vary lists the request fields that influenced the representation.", "Vary: Accept-Encoding on every response for a file with a .gz sibling."),
  ("13.1.2", "If-None-Match uses weak comparison; * matches any current representation.", "Implemented; a match gives 304 for GET and HEAD."),
  ("13.1.5", "If-Range requires a strong comparison; a date requires a Last-Modified.", "A weak tag or a date never matches: the full representation is sent."),
  ("13.2.2", "Preconditions are evaluated in a defined order.", "If-None-Match, then If-Range and Range."),
  ("14.2", "A server may ignore Range; an invalid range is ignored; unsatisfiable ranges get 416.", "Single ranges honoured; lists ignored; invalid syntax ignored; 416 with Content-Range */length."),
  ("14.4", "Content-Range on 206 and 416.", "Sent."),
  ("15.4.5", "304 must not contain content; it should carry ETag, Cache-Control and Vary as a 200 would.", "Exactly those fields, no Content-Length."),
  ("15.5.6", "405 must carry Allow.", "Allow: GET, HEAD."),
  ("15.6.2", "501 when the method is not recognised.", "Unknown tokens, including wrong-case known methods, get 501."),
 ]),
 ("RFC 9112", "HTTP/1.1", [
  ("2.2", "A server should ignore at least one empty line before the request line; may accept a bare LF line end; must reject a bare CR.", "Up to 8 bytes of empty lines ignored; LF accepted; a CR without LF is a 400."),
  ("3", "request-line = method SP request-target SP HTTP-version.", "Exactly one SP between the parts."),
  ("3.2", "A server must respond 400 to an HTTP/1.1 request without Host, or with more than one.", "Implemented."),
  ("3.2.2", "A server must accept the absolute form of the request target.", "Accepted; scheme and authority are dropped."),
  ("5.1", "No whitespace between field name and colon; a server must reject such a request with 400.", "Implemented."),
  ("5.2", "Obsolete line folding may be rejected with 400.", "Rejected."),
  ("6.1", "A server receiving a Transfer-Encoding it does not understand should respond 501.", "Any Transfer-Encoding in a request: 501, and the connection closes."),
  ("6.3", "Transfer-Encoding with Content-Length, or invalid/conflicting Content-Length, makes the framing unreliable: respond 400 and close.", "Implemented."),
  ("9.3", "HTTP/1.1 persistent by default; close option; HTTP/1.0 keep-alive.", "Implemented as in the keep-alive table."),
  ("9.3.2", "A server may process pipelined requests but must send responses in the same order.", "In order, with bounded read-ahead."),
  ("9.6", "A server should not close while the client may still be sending; closing after a response, it should read and discard.", "After the final response, remaining input is drained and discarded until the connection ends."),
 ]),
 ("RFC 9293", "Transmission Control Protocol", [
  ("3.4.1", "Initial sequence numbers must not be predictable.", "SipHash-2-4 of the four-tuple under a random boot key, plus a clock component."),
  ("3.7.1", "Default send MSS 536 when the peer sends no MSS option.", "Implemented."),
  ("3.8.6.1", "Zero-window probing; the receiver must keep accepting probes; the sender must not give up while the receiver answers.", "One-byte probes with exponential backoff; no persist give-up; the idle timer ends a transfer that makes no progress at all."),
  ("3.8.6.2", "Silly window syndrome avoidance, both sides.", "Segments wait for a full MSS unless pushed; window updates are sent only when the window opens by two segments or half the buffer."),
  ("3.8.6.3", "Delayed ACK under 500 ms.", "200 ms."),
  ("3.10.7.4", "Segment acceptability tests; unacceptable segments get an ACK unless they carry RST.", "Implemented; counted as drop_out_of_window."),
  ("3.10.7.5", "RST in SYN_RECEIVED returns to LISTEN.", "The half-open TCB is released."),
 ]),
 ("RFC 6298", "Computing TCP's Retransmission Timer", [
  ("2.1", "Initial RTO of 1 s.", "Implemented."),
  ("2.2, 2.3", "SRTT and RTTVAR estimators with alpha 1/8, beta 1/4, RTO = SRTT + max(G, 4 RTTVAR).", "Implemented in integer milliseconds."),
  ("2.4", "RTO rounded up to 1 s minimum.", "200 ms minimum instead (as Linux and most stacks do); a conscious deviation."),
  ("2.5", "A maximum RTO of at least 60 s may be placed.", "60 s."),
  ("3", "Karn's algorithm: no RTT samples from retransmitted segments.", "Implemented."),
  ("5.5", "Back off the timer on expiry.", "RTO doubles, clamped at 60 s."),
 ]),
 ("RFC 5681", "TCP Congestion Control", [
  ("3.1", "Slow start, congestion avoidance; loss window of one segment after RTO.", "Implemented with byte counting."),
  ("3.2", "Fast retransmit on the third duplicate ACK; fast recovery.", "Implemented, with NewReno (RFC 6582)."),
  ("4.2", "ACK at least every second full-sized segment.", "Delayed ACKs are bounded by the timer; out-of-order arrivals are acknowledged at once."),
 ]),
 ("RFC 6582", "NewReno", [
  ("3.2", "Partial ACKs retransmit the next unacknowledged segment and deflate cwnd.", "Implemented; counted as rexmt_partial."),
 ]),
 ("RFC 5961", "Blind in-window attacks", [
  ("3", "RST not exactly at rcv_nxt but in window: challenge ACK.", "Implemented."),
  ("4", "SYN on a synchronised connection: challenge ACK.", "Implemented."),
  ("7", "Rate-limit challenge ACKs.", "100 per second."),
 ]),
 ("RFC 6928", "Initial window", [
  ("2", "IW = min(10 MSS, max(2 MSS, 14600)).", "min(10 MSS, max(4 MSS, 14600))."),
 ]),
 ("RFC 7323", "TCP extensions for high performance", [
  ("2.3", "Window scale shift limited to 14.", "Larger shifts are clamped to 14."),
  ("2.2", "Scaling is used only if both SYNs carry the option.", "Our SYN-ACK carries it (shift 0) only when the client's SYN did."),
 ]),
 ("RFC 791 / RFC 1122", "IPv4 and host requirements", [
  ("1122 3.2.1.1", "Silently discard datagrams with a version other than 4.", "Counted as drop_version."),
  ("1122 3.2.1.2", "Verify the header checksum; silently discard on failure.", "Counted as drop_csum."),
  ("1122 3.2.1.3", "Discard datagrams with an invalid source address.", "Counted as drop_src."),
  ("1122 3.2.1.8", "Options may be ignored when not implemented.", "Skipped and counted as opts_skipped."),
  ("791", "Reassembly with a timeout.", "Four datagrams at once, up to 8 KiB each, 5 s timeout."),
  ("1122 3.3.6", "Broadcast echo requests may be silently discarded.", "Discarded (drop_bcast)."),
 ]),
 ("RFC 792", "ICMP", [
  ("Echo", "An echo reply returns the request's identifier, sequence number and data.", "Byte-exact echo of the data; tested against flood pings."),
 ]),
 ("RFC 826", "ARP", [
  ("Packet reception", "Merge the sender's mapping if an entry exists; create one only if the packet is for us.", "Implemented; counted as learned and updated."),
 ]),
 ("RFC 3986", "URI generic syntax", [
  ("2.1", "Percent-encoding: % HEXDIG HEXDIG, case-insensitive.", "Decoded before lookup; malformed escapes are a 400."),
  ("5.2.4", "remove_dot_segments.", "Implemented; climbing above the root is a 400 instead of being clamped."),
 ]),
]

def rfc_tables():
    out = ['''
<h2 id="rfc">Standards: behaviour tables by RFC</h2>
<p>These tables list, standard by standard, the requirements that matter to a server like this one
and what Quartz does about each. Deviations are marked as such and explained. Section numbers refer
to the RFC named in the heading.</p>
''']
    for rfc, title, rows in RFCS:
        out.append(f'<h3>{esc(rfc)}: {esc(title)}</h3>\n<table>\n<tr><th>Section</th><th>Requirement</th><th>Quartz</th></tr>\n')
        for sec, req, q in rows:
            out.append(f'<tr><td>{esc(sec)}</td><td>{esc(req)}</td><td>{esc(q)}</td></tr>\n')
        out.append('</table>\n')
    return "".join(out)

LOWER = '''
<h2 id="ip">IPv4, ARP and ICMP behaviour</h2>
<h3>Addressing and routing</h3>
<p>The interface has one IPv4 address and prefix (from <code>ip=</code>, default
<code>10.0.2.15/24</code>) and one default gateway (<code>gw=</code>, default <code>10.0.2.2</code>).
There is no routing table beyond that: a destination inside the prefix is reached directly, every
other destination through the gateway. Packets are accepted when addressed to our address, to the
limited broadcast <code>255.255.255.255</code> or to the subnet's broadcast address; anything else is
dropped and counted (<code>ip.drop_not_us</code>): Quartz does not forward.</p>

<h3>ARP</h3>
<p>The cache holds 64 entries. An entry being resolved sends a request every second, up to three
times, and holds up to eight outgoing packets meanwhile; when the reply arrives the held packets are
sent in order. An entry that has been valid for 60 seconds is re-confirmed with a unicast request the
next time it is used, while it keeps being used; if the confirmation fails the entry is dropped. When
the cache is full, the least recently used entry is replaced, preferring entries that are not
resolved. Requests for our address are answered; gratuitous ARP from other hosts updates existing
entries. A packet that claims our own IP address from another MAC is counted as a conflict and never
learned.</p>

<h3>ICMP</h3>
<p>Echo requests to our address are answered with the same identifier, sequence number and payload,
byte for byte. Requests to broadcast addresses are ignored. Other ICMP messages are counted and
otherwise ignored. At boot the network task sends one echo request of 56 bytes to the gateway and
logs the reply.</p>

<h3>Fragments</h3>
<p>Fragmented datagrams are reassembled (up to four at a time, each up to 8 KiB, within 5 seconds);
overlapping fragments discard the whole datagram, a defence against the classic overlap attacks.
Quartz never fragments what it sends: TCP segments always fit the MTU.</p>

<h2 id="driver">The virtio-net driver</h2>
<p>QEMU's microvm machine has no PCI bus; devices sit in 512-byte memory-mapped windows starting at
<code>0xFEB00000</code>, filled from the top. The driver asks the platform layer for the list of
windows, checks each for the magic value <code>0x74726976</code> ("virt") and device ID 1 (network),
and initialises the first one it finds, following the numbered steps of the virtio specification's
device initialisation: reset, acknowledge, driver, feature negotiation, queue setup, driver OK. Both
transports are supported: version 1 (legacy, QEMU's default) and version 2 (modern, with
<code>-global virtio-mmio.force-legacy=false</code>).</p>
<ul>
<li><strong>Queues.</strong> One receive and one transmit queue of 256 entries each (QEMU offers up
to 1024). The ring code (<code>drivers/virtio/virtq.c</code>) is separate from the device and uses
free-running 16-bit indices with explicit memory barriers, named for the reason each is needed.</li>
<li><strong>Receive.</strong> Every receive descriptor holds a packet buffer; after taking a frame the
driver posts a fresh buffer. If the pool is empty it counts <code>rx_refill_fail</code> and the
network task retries within a few milliseconds; it never spins.</li>
<li><strong>Transmit.</strong> A frame is sent without copying: the driver prepends the 12-byte (or
10-byte, legacy) virtio-net header into the buffer's headroom and posts the buffer. When the ring is
full the driver returns <code>AGAIN</code> and the caller keeps its buffer. Completed buffers are
freed as the device returns them.</li>
<li><strong>Interrupts.</strong> Level-triggered lines through the IOAPIC: GSI 5+n for window n with
<code>acpi=off</code>, GSI 24+n on the second IOAPIC with ACPI. The handler reads the interrupt status,
acknowledges it, and wakes the network task. Notification suppression keeps interrupts and kicks to
what is needed.</li>
</ul>

<h2 id="memory">Memory and time</h2>
<h3>Memory</h3>
<p>Physical memory from the PVH memory map is managed as 4 KiB pages by a bitmap allocator; the kernel
heap serves small allocations from pages. The baked site costs no heap at all: it is part of the
loaded image. The main users of memory at run time are:</p>
<table>
<tr><th>User</th><th>Size</th><th>When</th></tr>
<tr><td>Packet buffer pool</td><td>1024 &times; about 2.1 KiB, about 2.2 MiB</td><td>allocated once at boot</td></tr>
<tr><td>TCB table</td><td>1024 control blocks</td><td>static</td></tr>
<tr><td>TCP receive buffer</td><td>16 KiB per connection</td><td>connect to close</td></tr>
<tr><td>HTTP connection state</td><td>about 6 KiB per connection (parser, read buffer, response head)</td><td>accept to close</td></tr>
<tr><td>Copied sends</td><td>the response head, a few hundred bytes</td><td>until acknowledged</td></tr>
<tr><td>/api/stats.json</td><td>32 KiB buffer while generating, plus TCP's copy of the text</td><td>per request, briefly</td></tr>
</table>
<p>With <code>-m 64M</code> there is room for the full 640 HTTP connections (about 28 KiB each, measured) with room to spare; a
site of several tens of megabytes needs correspondingly more guest memory, because the image is
loaded into RAM.</p>
<h3>Time</h3>
<p>The LAPIC timer and the TSC are calibrated against the PIT at boot (median of five windows). Time
since boot is read from the TSC; the LAPIC timer is programmed as a one-shot to the earliest deadline
any task is waiting for. The network task computes its next deadline from the TCP timers, the ARP
retries, reassembly timeouts and the statistics interval, and sleeps until then or until an interrupt
wakes it. An idle Quartz therefore executes nothing at all between events, which is visible as near
zero host CPU usage for an idle guest under KVM.</p>
'''

DEPLOY = '''
<h2 id="deploy">Deployment: systemd, nginx, tap</h2>
<p>The repository's <code>deploy/</code> directory holds everything needed to run Quartz as a
service on a Debian or Ubuntu server; <a href="/docs/deployment/">the deployment guide</a> walks
through it step by step. In short:</p>
<table>
<tr><th>File</th><th>Role</th></tr>
<tr><td><code>deploy/quartz-run</code></td><td>Starts one guest: chooses KVM when <code>/dev/kvm</code> is usable and TCG otherwise (with TCG's code cache bounded to 32 MiB), adds the isa-debug-exit device so a panic becomes an exit status, <code>-no-reboot</code>, QEMU's seccomp sandbox, the serial console on stdio for the journal, user networking forwarding <code>LISTEN:PORT</code> to guest port 80 or a tap device, and execs QEMU so that systemd supervises QEMU itself.</td></tr>
<tr><td><code>deploy/quartz-unikernel.service</code></td><td>One instance on <code>127.0.0.1:8080</code>, restarted on any exit, heavily sandboxed (dynamic user, no capabilities, read-only system, only <code>/dev/kvm</code> allowed).</td></tr>
<tr><td><code>deploy/quartz-unikernel@.service</code></td><td>Instance N on <code>127.0.0.1:(8080+N)</code>, for several behind nginx.</td></tr>
<tr><td><code>deploy/nginx/quartz.conf</code></td><td>nginx terminating TLS, balancing over the instances with passive health checks and retries, keeping upstream connections alive, and restricting <code>/api/stats.json</code> to localhost.</td></tr>
<tr><td><code>deploy/install.sh</code></td><td>Installs all of it idempotently and checks each instance with curl.</td></tr>
</table>

<h3>Why nginx in front</h3>
<p>Quartz speaks plain HTTP; TLS belongs in a process that has a certificate store, OCSP, session
caches and a security update stream. nginx also smooths over a property of QEMU's user networking:
its forwarded port listens with a backlog of one, so a burst of new connections waits in the host
kernel for one to three seconds regardless of what the guest does. nginx keeps a pool of persistent
upstream connections (<code>keepalive 32</code>), so clients' connection bursts never reach that
backlog. Upstream keep-alive requires <code>proxy_http_version 1.1</code> and an empty
<code>Connection</code> header, both set in the shipped configuration.</p>

<h3>Tap networking for busy sites</h3>
<p>For a site that faces heavy traffic directly, or to see real client addresses in the access log,
give the guest a tap device on a bridge or a routed link instead of user networking:</p>
<pre><code># on the host, once
ip tuntap add dev qtap0 mode tap user root
ip addr add 192.168.77.1/24 dev qtap0
ip link set qtap0 up
# the guest
quartz-run --elf /opt/quartz/quartz-unikernel.elf --net tap:qtap0 \\
    --append "ip=192.168.77.2/24 gw=192.168.77.1"
# from the host
curl http://192.168.77.2/</code></pre>
<p>With tap the guest has its own address; the host routes or bridges to it (add NAT or a bridge to
the public interface as your network requires). The guest answers ARP, so nothing else is
needed.</p>

<h3>Capacity planning</h3>
<p>Measured on the development machine (two cores, QEMU 7.2 under TCG, no KVM), through user
networking: about 5 000 requests per second with ApacheBench at 8 concurrent keep-alive
connections and about 7 000 with wrk at 16 connections, for the 4 KiB landing page, with zero errors
and the access log off. Under KVM the figures are several times higher. Large files are limited by
the virtual NIC and the host's user-networking emulation rather than by the guest. Because bodies
are served by reference, the number of simultaneous downloads is limited by the 640-connection HTTP
limit and guest memory for TCP receive buffers, not by file sizes.</p>
'''

OPS = '''
<h2 id="ops">Operating it: monitoring and troubleshooting</h2>
<h3>What to watch</h3>
<table>
<tr><th>Signal</th><th>Where</th><th>Healthy</th><th>Investigate when</th></tr>
<tr><td>Error responses</td><td><code>requests.5xx</code></td><td>0</td><td>any: 500 means memory trouble, 501/505 odd clients</td></tr>
<tr><td>Refused connections</td><td><code>connections.refused</code></td><td>0</td><td>growing: more than 640 concurrent clients all being sent responses, or memory</td></tr>
<tr><td>Retransmissions</td><td><code>tcp.rexmt_bytes</code> vs <code>tcp.bytes_out</code></td><td>under 1%</td><td>several percent: a lossy path or an overloaded host</td></tr>
<tr><td>Timeouts</td><td><code>tcp.conn_timedout</code>, <code>tcp.conn_idle</code></td><td>low, proportional to traffic</td><td>spikes: clients vanishing, or the host dropping traffic</td></tr>
<tr><td>Buffer exhaustion</td><td><code>pbuf.alloc_fail</code>, <code>virtio_net.rx_refill_fail</code></td><td>0</td><td>non-zero: the pool is too small for the load</td></tr>
<tr><td>Free memory</td><td><code>free_pages</code></td><td>stable at rest</td><td>falling over hours at a constant load</td></tr>
<tr><td>Bug counters</td><td><code>pbuf.double_free</code>, <code>pbuf.bad_free</code>, <code>http.stats_truncated</code>, <code>eth.tx_no_headroom</code></td><td>0</td><td>ever non-zero: report it</td></tr>
</table>
<p>A minimal probe for a monitoring system that runs on the host:</p>
<pre><code>curl -fsS http://127.0.0.1:8080/api/stats.json | python3 -c '
import json, sys
j = json.load(sys.stdin)
print("uptime_s", j["uptime_ms"] // 1000)
print("req_total", j["requests"]["total"], "req_5xx", j["requests"]["5xx"])
print("conn_current", j["connections"]["current"], "refused", j["connections"]["refused"])
print("rexmt_ratio", j["tcp"]["rexmt_bytes"] / max(1, j["tcp"]["bytes_out"]))'</code></pre>

<h3>Troubleshooting</h3>
<table>
<tr><th>Symptom</th><th>Likely cause</th><th>What to do</th></tr>
<tr><td>QEMU exits at once with "Error loading uncompressed kernel without PVH ELF Note"</td><td>Not a Quartz ELF, or built with a modified linker script.</td><td>Rebuild with <code>make</code>; check that <code>readelf -n</code> shows a Xen note of type 0x12.</td></tr>
<tr><td>No <code>virtio-net:</code> line; "no device found"</td><td>The QEMU command line lacks <code>-device virtio-net-device,netdev=n0</code> (note: <em>-device</em>, not the PCI variant).</td><td>Use <code>deploy/quartz-run</code> or copy its command line.</td></tr>
<tr><td>curl connects but hangs with no answer right after starting QEMU</td><td>User networking accepts on the host side before the guest is listening.</td><td>Wait for <code>http: listening</code> on the serial console, or retry; health checks should look for an HTTP answer, not a TCP connect.</td></tr>
<tr><td>The boot ping never gets a reply</td><td>Wrong <code>gw=</code>, or on tap the host side has no address in the guest's prefix.</td><td>Check <code>net: ip ... gw ...</code> and the host's <code>ip addr</code>.</td></tr>
<tr><td>Latency spikes of 1 to 3 s with many new connections</td><td>The backlog of one on user networking's forwarded port.</td><td>Put nginx in front with upstream keep-alive, or use tap.</td></tr>
<tr><td>A page is 404 but the file exists in the source tree</td><td>The image was built before the file was added, or the file name needs percent-encoding.</td><td><code>make</code> rebakes on any change; check the asset count in the listening line.</td></tr>
<tr><td>A stylesheet is ignored by the browser</td><td>Wrong extension (the MIME type comes from it).</td><td>Name it <code>.css</code>.</td></tr>
<tr><td>Serial console is flooded</td><td>The access log under heavy traffic.</td><td>Boot with <code>accesslog=0</code>.</td></tr>
<tr><td>QEMU exits with an odd status</td><td>A guest panic: the last serial lines say which invariant broke.</td><td>Keep the journal lines and report them; systemd restarts the guest.</td></tr>
</table>
'''

EXAMPLES = '''
<h2 id="examples">Worked examples</h2>
<h3>A complete boot, as the serial console shows it</h3>
<pre><code>quartz: booting (pvh, cmdline "stats_every=5")
mem: [0x000000000-0x00009fbff] ram
mem: [0x00009fc00-0x00009ffff] reserved
mem: [0x0000d0000-0x0000effff] nvs
mem: [0x0000f0000-0x0000fffff] reserved
mem: [0x000100000-0x003ffffff] ram
acpi: ioapic 0 at 0xfec00000, gsi base 0
acpi: ioapic 1 at 0xfec10000, gsi base 24
mem: 61312 KiB usable, 15318 pages free
apic: lapic id 0, 2 ioapic(s), 48 pins
timer: calibration over 5 windows: lapic 1000034..1003476 kHz, tsc 2096025..2103931 kHz
timer: lapic 1000139 kHz, tick 1000 Hz (clock: tsc 2096101 kHz)
sched: running 2 tasks
irq: gsi 47 -> vector 0x30 (ioapic 1 pin 23)
virtio-net: mmio 0xfeb02e00 v1 irq 47 mac 52:54:00:12:34:56 rxq 256 txq 256
net: ip 10.0.2.15/24 gw 10.0.2.2
http: listening on :80 (6 assets, 12069 bytes)
arp: 10.0.2.2 is-at 52:55:0a:00:02:02
ping: reply from 10.0.2.2 seq=1 time=7.0 ms
http: 10.0.2.2:42010 GET / 200 4290 6ms
http: 10.0.2.2:42022 GET /style.css 200 1571 0ms
http: 10.0.2.2:42024 GET /nope 404 131 5ms
http: 10.0.2.2:42030 GET /img/stack.png 206 309 3ms
http: 10.0.2.2:42042 HEAD / 200 180 4ms
net: stats pbuf alloc=309 free=53 alloc_fail=0 double_free=0 bad_free=0
net: stats eth rx=33 rx_bytes=2320 drop_short=0 drop_not_us=0 drop_type=0 tx=20 tx_bytes=7617 ...
net: stats http requests=5 status_1xx=0 status_2xx=4 status_3xx=0 status_4xx=1 status_5xx=0 ...</code></pre>
<p>Reading it: the guest got 64 MiB and has about 60 MiB free after loading; ACPI is on, so the NIC
in the topmost window uses GSI 47 on the second IOAPIC; the NIC is the legacy transport; the site
has six files; the gateway answered ARP and ping; then five requests, one of which was a 404; then
the first periodic statistics dump. <code>pbuf alloc - free = 256</code>: exactly the posted receive
buffers, nothing leaked.</p>

<h3>Conditional and partial requests with curl</h3>
<pre><code>$ curl -sI http://127.0.0.1:8080/
HTTP/1.1 200 OK
Server: quartz
Content-Type: text/html; charset=utf-8
Content-Length: 4110
Accept-Ranges: bytes
ETag: "644fdbaa04147d70"
Cache-Control: public, max-age=60

$ curl -s -o /dev/null -w '%{http_code}\\n' -H 'If-None-Match: "644fdbaa04147d70"' http://127.0.0.1:8080/
304

$ curl -s -r 0-14 http://127.0.0.1:8080/ ; echo
&lt;!DOCTYPE html&gt;

$ curl -s -H 'Accept-Encoding: gzip' -D - -o /dev/null http://127.0.0.1:8080/style.css
HTTP/1.1 200 OK
Server: quartz
Content-Type: text/css; charset=utf-8
Content-Length: 1345
Accept-Ranges: bytes
Content-Encoding: gzip
ETag: "..."
Cache-Control: public, max-age=60
Vary: Accept-Encoding</code></pre>

<h3>Pipelining from Python</h3>
<pre><code>import socket
s = socket.create_connection(("127.0.0.1", 8080))
s.sendall(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
          b"GET /robots.txt HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
          b"GET /style.css HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
data = b""
while chunk := s.recv(65536):
    data += chunk
print(data.count(b"HTTP/1.1 200 OK"))   # 3, in request order, then the server closes</code></pre>

<h3>Errors, from a raw socket</h3>
<pre><code>$ printf 'GET / HTTP/1.1\\r\\n\\r\\n' | nc 127.0.0.1 8080
HTTP/1.1 400 Bad Request
Server: quartz
Content-Type: text/plain; charset=utf-8
Content-Length: 16
Connection: close

400 Bad Request

$ printf 'BREW /pot HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' | nc 127.0.0.1 8080 | head -1
HTTP/1.1 501 Not Implemented

$ curl -s -o /dev/null -w '%{http_code}\\n' -X DELETE http://127.0.0.1:8080/
405</code></pre>

<h3>Baking your own site</h3>
<pre><code>$ mkdir -p mysite/blog
$ echo '&lt;h1&gt;Hello&lt;/h1&gt;' &gt; mysite/index.html
$ echo 'post' &gt; mysite/blog/index.html
$ gzip -9nk mysite/index.html            # optional precompressed variant
$ make ASSETS=mysite run
  ...
  BAKE    mysite
bake_assets: 3 assets, 75 bytes from /home/me/mysite
  ...
http: listening on :80 (3 assets, 75 bytes)</code></pre>
<p>Now <code>/</code>, <code>/index.html</code>, <code>/blog</code>, <code>/blog/</code> and
<code>/blog/index.html</code> all work, and a client sending <code>Accept-Encoding: gzip</code> gets
the compressed home page.</p>
'''

def part4():
    return rfc_tables() + LOWER + DEPLOY + OPS + EXAMPLES
