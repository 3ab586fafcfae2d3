# Part 5: design notes, glossary, FAQ, footer.
import html
def esc(s): return html.escape(s, quote=False)

GLOSSARY = [
 ("ACK", "The acknowledgement flag and field of a TCP segment: the next sequence number the sender expects to receive. Acknowledgements are cumulative: an ACK of N confirms every byte before N."),
 ("Access log", "The serial line Quartz prints for each HTTP response once the client has acknowledged it: peer, method, path, status, bytes and duration. Turned off with accesslog=0."),
 ("Absolute form", "A request target that includes scheme and authority, such as http://example.com/page. Proxies use it; origin servers must accept it. Quartz keeps only the path."),
 ("ARP", "Address Resolution Protocol (RFC 826): how an IPv4 host finds the Ethernet address of a neighbour. Quartz keeps a 64-entry cache and holds outgoing packets while an address is being resolved."),
 ("Asset", "One file of the baked site: a URL path, its bytes in .content, its length, MIME type, ETag and optionally a precompressed sibling."),
 ("Back-pressure", "Slowing the producer down by not accepting more work, rather than buffering without bound. Quartz's HTTP layer stops reading a connection with too much unacknowledged output, which makes TCP's window close on the client."),
 ("Bake", "Turning a directory of files into the .content section and its index at build time, with tools/bake_assets."),
 ("Challenge ACK", "An acknowledgement sent in reply to a RST or SYN that is in the receive window but not exactly where it should be. A genuine peer answers it; a blind attacker cannot (RFC 5961)."),
 ("Chunk", "An entry in a TCP connection's send queue: a pointer and a length, either into immutable memory (a reference) or into a private copy TCP owns."),
 ("Congestion window (cwnd)", "The sender's estimate of how much data the network path can hold. It grows while data is acknowledged and shrinks on loss (RFC 5681). The amount in flight is limited by the smaller of cwnd and the peer's advertised window."),
 ("Content-Encoding", "A header field saying the body was transformed, here with gzip. The client undoes it; the Content-Type still describes the original."),
 (".content", "The read-only ELF section that holds every baked file back to back. Its bytes never change while the guest runs, which is what allows sending them by reference."),
 ("Delayed ACK", "Waiting briefly (up to 200 ms in Quartz) before acknowledging in-order data, in the hope of combining the ACK with data or a second ACK."),
 ("Duplicate ACK", "An acknowledgement that does not advance snd_una while data is outstanding. Three in a row signal a lost segment and trigger fast retransmit."),
 ("ETag", "Entity tag: an opaque validator for a representation. Quartz's are strong: the FNV-1a 64 hash of the exact bytes, in quotes."),
 ("Event (kernel)", "A kernel object a task can sleep on until an interrupt handler or another task signals it. Signals are remembered, so none is lost between checking for work and going to sleep."),
 ("Fast retransmit", "Retransmitting a segment as soon as three duplicate ACKs arrive, instead of waiting for the retransmission timer."),
 ("FIN", "The TCP flag that closes one direction of a connection. Quartz sends its FIN once the last response of a connection is queued."),
 ("FNV-1a", "A simple non-cryptographic hash (Fowler-Noll-Vo). Good enough to tell versions of a file apart for caching; not a defence against someone crafting collisions, which an ETag does not need."),
 ("Four-tuple", "Local address, local port, remote address, remote port: what identifies a TCP connection."),
 ("Gauge", "A counter that reports a current level (open connections, TCBs in a state) instead of a running total."),
 ("GSI", "Global System Interrupt: an interrupt line number across all IOAPICs. Microvm's virtio windows use GSI 5+n without ACPI and 24+n with it."),
 ("Headroom", "Free bytes kept in front of a packet's data so that each layer can prepend its header in place without copying."),
 ("HEAD", "The HTTP method that asks for the header fields a GET would produce, without the body."),
 ("Idle timeout", "Closing a connection after a period with no data in either direction: 15 s for HTTP connections in Quartz."),
 ("If-None-Match", "A request header carrying the ETags a client already has. If one matches, the server answers 304 Not Modified with no body."),
 ("If-Range", "A request header that makes a Range conditional: use the range only if the representation still has this ETag, otherwise send it all."),
 ("Initial window", "How much a new connection may send before the first acknowledgement: ten segments (RFC 6928) in Quartz."),
 ("IOAPIC", "The I/O interrupt controller that routes device interrupt lines to CPU vectors. Microvm has one, or two with ACPI."),
 ("ISN", "Initial sequence number of a TCP connection. Quartz derives it from a keyed hash of the four-tuple and a clock, so it cannot be guessed."),
 ("isa-debug-exit", "A QEMU device at an I/O port that makes QEMU exit with a chosen status. Quartz uses it for test results and to turn a panic into a non-zero exit status."),
 ("Karn's algorithm", "Never taking a round-trip sample from a segment that was retransmitted, because the ACK could belong to either transmission."),
 ("Keep-alive (HTTP)", "Reusing one TCP connection for several requests. The default in HTTP/1.1; opt-in with Connection: keep-alive in HTTP/1.0."),
 ("LAPIC", "The local APIC of the CPU: receives interrupts and has a timer, which Quartz calibrates against the PIT."),
 ("Listener", "A passive TCP endpoint waiting for SYNs on a port. Quartz has one, on port 80, with a backlog of 128 half-open connections."),
 ("Microvm", "QEMU's minimal x86 machine type: no PCI, no legacy devices beyond what is asked for, devices on virtio-mmio. Boots in milliseconds."),
 ("MIME type", "The media type of a body (text/html, image/png, ...), sent as Content-Type so the browser knows what to do with it."),
 ("MMIO", "Memory-mapped I/O: device registers that appear at physical addresses. virtio-mmio windows are 512 bytes each."),
 ("MSL", "Maximum segment lifetime: how long a segment may survive in the network. TIME_WAIT lasts two MSL. Quartz uses a short MSL of 1 s."),
 ("MSS", "Maximum segment size: the largest payload of one TCP segment. 1460 bytes on an Ethernet with a 1500-byte MTU."),
 ("MTU", "Maximum transmission unit: the largest IP packet a link carries, 1500 bytes on Ethernet."),
 ("NewReno", "A refinement of fast recovery (RFC 6582) that retransmits the next hole at once on a partial acknowledgement, so several losses in one window recover without a timeout."),
 ("Obs-fold", "Obsolete line folding: continuing a header field on the next line by starting it with a space. Rejected with 400 by Quartz."),
 ("Packet buffer (pbuf)", "A fixed 2 KiB buffer from a pool allocated at boot, holding one frame plus headroom."),
 ("Percent-encoding", "Writing a byte in a URL as % and two hex digits, such as %20 for a space. Quartz decodes the path before looking it up."),
 ("Persist timer", "The TCP timer that probes a peer whose advertised window is too small for the pending data, so that a lost window update cannot deadlock the connection."),
 ("Pipelining", "Sending several HTTP requests on a connection without waiting for each response. Quartz answers in order and bounds how far ahead it reads."),
 ("PIT", "The legacy programmable interval timer, whose known 1.193182 MHz frequency is the reference for calibrating the LAPIC timer and TSC."),
 ("PVH", "A boot protocol from Xen that QEMU supports for direct kernel boot: a 32-bit entry point named in an ELF note, with a start-info structure describing memory and the command line."),
 ("Range request", "A request for part of a representation (Range: bytes=A-B), answered with 206 Partial Content. Used by download managers and media players."),
 ("Receive window", "How many more bytes the receiver is prepared to accept, advertised in every segment. A slow reader advertises a small or zero window."),
 ("Reference (send by)", "Queuing a pointer to immutable bytes rather than a copy. The only copy of an asset's bytes happens when a segment is built."),
 ("Representation", "The bytes sent for a resource in a particular form. The plain file and its gzip variant are two representations of one resource."),
 ("Request smuggling", "An attack that exploits two HTTP processors disagreeing about where a request ends. Quartz rejects every ambiguous framing (bare CR, obs-fold, conflicting lengths, Transfer-Encoding) and closes the connection."),
 ("RST", "The reset flag: aborts a TCP connection at once. Quartz sends it to segments for unknown connections, when refusing a connection over the limit, and when giving up after repeated timeouts."),
 ("RTO", "Retransmission timeout: how long TCP waits for an acknowledgement before resending, computed from measured round-trip times (RFC 6298)."),
 ("RTT", "Round-trip time: from sending a segment to receiving its acknowledgement."),
 ("Sequence number", "The 32-bit position of a byte in a TCP stream. Numbers wrap around, so they are compared only with wrap-safe macros (SEQ_LT and friends)."),
 ("Serial console", "The emulated 16550 UART on COM1 where Quartz writes its log."),
 ("SLIRP", "QEMU's user-mode network stack (-netdev user): the guest talks to a virtual gateway 10.0.2.2, and hostfwd maps host ports to guest ports. No privileges needed."),
 ("Slow start", "The phase in which cwnd grows by about one segment per acknowledged segment, doubling every round trip, until loss or ssthresh."),
 ("snd_una, snd_nxt, snd_wnd", "RFC 9293's names for the oldest unacknowledged sequence number, the next sequence number to send, and the peer's advertised window."),
 ("rcv_nxt", "The next sequence number expected from the peer; everything before it has been received in order."),
 ("ssthresh", "Slow-start threshold: the cwnd size at which slow start gives way to congestion avoidance, set to half the flight size after a loss."),
 ("Statistics group", "A named set of counters (tcp, ip, http, ...) declared once with an X-macro list, from which both the struct and the name table are generated."),
 ("Strong comparison", "ETag comparison that requires both tags to be strong and identical. Required for If-Range."),
 ("SWS", "Silly window syndrome: a degenerate exchange of tiny segments. Avoided on the sending side by waiting for full segments and on the receiving side by announcing window increases only in large steps."),
 ("SYN", "The flag that opens a TCP connection and carries the initial sequence number and options such as MSS and window scale."),
 ("Tap device", "A virtual Ethernet interface on the host whose other end is the guest's NIC. Gives the guest a real address on a host network, unlike user networking."),
 ("TCB", "Transmission control block: the state of one TCP connection. Quartz has a table of 1024."),
 ("TCG", "QEMU's Tiny Code Generator: the software CPU emulator used when KVM is not available. Slower, but fully functional."),
 ("TIME_WAIT", "The state a connection's closing side stays in for two MSL, to absorb delayed duplicates and retransmit the final ACK if needed."),
 ("TSC", "The CPU's time-stamp counter. Quartz reads time since boot from it, scaled by the calibration done at boot."),
 ("Unikernel", "A single-purpose kernel that contains exactly one application, linked together into one image, with no user space, processes or general-purpose system calls."),
 ("Vary", "A response header naming the request headers that influenced the representation, so caches store variants separately."),
 ("virtio", "The standard interface for paravirtualised devices. Quartz implements the network device over the MMIO transport, legacy and modern."),
 ("Virtqueue", "A ring of descriptors shared between driver and device: the driver posts buffers, the device returns them as used."),
 ("Weak comparison", "ETag comparison that ignores the W/ prefix. Used for If-None-Match."),
 ("Window scale", "A TCP option that multiplies the 16-bit window field by a power of two, allowing windows above 64 KiB (RFC 7323)."),
 ("Zero-window probe", "A segment sent into a closed window to learn when it opens. Quartz's carry one byte of data, which Linux requires."),
]

def glossary():
    out = ['<h2 id="glossary">Glossary</h2>\n<p>Terms used on this page and in the source, in alphabetical order.</p>\n<dl class="glossary">\n']
    for t, d in sorted(GLOSSARY, key=lambda x: x[0].lower().lstrip('.')):
        out.append(f'<dt>{esc(t)}</dt><dd>{esc(d)}</dd>\n')
    out.append('</dl>\n')
    return "".join(out)

FAQ = [
 ("Why is there no TLS?", "Because TLS is better done by a dedicated, constantly updated process with a certificate store, OCSP stapling and session caches. nginx (or any TLS-terminating proxy) in front of Quartz does that in a few lines of configuration, shipped in deploy/nginx/quartz.conf. Quartz itself stays small enough to read in an afternoon, and its attack surface is the HTTP/1.1 parser described on this page."),
 ("Can it serve files larger than the guest's memory?", "No: the site is part of the kernel image, which QEMU loads into guest RAM. A 200 MiB site needs a guest with a few hundred MiB. What Quartz avoids is any per-connection cost proportional to file size: serving a large file to many clients costs no more memory than serving a small one."),
 ("Why are bodies sent by reference, and is it safe?", "The baked files never change while the guest runs, so TCP can keep a pointer to them instead of a copy, and a retransmission re-reads the same bytes. This removes both the memory cost and the copy per connection. It is safe precisely because .content is read-only and immutable; anything that is not (response heads, the statistics document) is copied."),
 ("How do I update the site?", "Rebuild the ELF with the new files (make ASSETS=dir) and restart the service. deploy/install.sh replaces the ELF atomically and restarts the instances; with two instances behind nginx, restart them one after the other and nginx retries requests on the one that is up."),
 ("Why does /docs serve the page instead of redirecting to /docs/?", "It saves a round trip and is what the specification of this project asks for. The cost is that relative links in /docs/index.html would resolve differently depending on the URL used; the default site uses absolute links everywhere, which works in both cases. If you bake your own site, prefer absolute links, or always link to directory URLs with the trailing slash."),
 ("Why is the ETag a hash and not a modification time?", "A hash is stable across rebuilds, machines and reboots, and changes exactly when the content changes. Modification times change when a file is touched without changes and do not exist in a meaningful way inside the guest anyway."),
 ("Why is there no Date header?", "RFC 9110 forbids an origin server without a reliable clock from sending Date. The guest knows only time since boot. A proxy in front adds Date if you need it (nginx does)."),
 ("Does it support HTTP/2 or HTTP/3?", "No. nginx in front can speak HTTP/2 to clients while using HTTP/1.1 with keep-alive to Quartz, which is the shipped configuration. A client that sends an HTTP/2.0 request line gets 505."),
 ("Why does a POST get 405 and not 501?", "POST is a method the server recognises; it is simply not allowed on a static resource, which is what 405 with Allow: GET, HEAD says. 501 is for methods the server does not recognise at all. The difference matters to clients: 405 tells them which methods would work."),
 ("Why does a request with Transfer-Encoding get 501?", "Quartz reads no request bodies and does not implement chunked decoding. RFC 9112 says a server that does not understand a transfer coding should answer 501, and without understanding it the server cannot know where the next request starts, so it also closes the connection."),
 ("How many clients can it handle at once?", "Up to 640 HTTP connections are held at once; a new one beyond that evicts the connection that has been idle longest (or is dribbling a request), and only when all are busy sending responses is the newcomer refused with a reset and counted. TCP itself has 1024 control blocks, the rest being used by connections in their closing states. With user networking, the host-side port's backlog of one is usually the first limit you meet; use nginx with upstream keep-alive or a tap device for heavy traffic."),
 ("What happens when a client reads very slowly?", "TCP stops sending when the client's window fills, probes the window periodically, and resumes as soon as it opens. The server neither spins nor buffers more. A client that stops reading entirely is released after the idle timeout (15 s without any data moving). The counters tcp.persist_entered and tcp.zwp_sent show this happening."),
 ("What happens on packet loss?", "Lost segments are retransmitted: usually by fast retransmit within one round trip, otherwise by the retransmission timer (RFC 6298). NewReno recovers several losses in one window without waiting for timeouts. A path that loses everything for long enough makes the connection give up after 12 timeouts, with a reset."),
 ("Can a malicious request crash it?", "It should not, and that is tested: the parser runs under AddressSanitizer and UndefinedBehaviorSanitizer in unit tests with hostile inputs at every limit, is fuzzed with libFuzzer (which also checks that every fragmentation of an input gives the same answer), and the network layers below it are tested with truncated, corrupted and forged packets. Bad input produces an error status or a counted drop, never a panic."),
 ("Why does every response to a malformed request close the connection?", "After a malformed request the server cannot know where the next request begins. Continuing to parse would mean guessing, and a proxy in front might guess differently: the definition of request smuggling. Closing is the safe answer."),
 ("Why are only eight header fields kept?", "Those are the only ones that change the response. Others are checked for syntax and counted toward the limits, then forgotten. Keeping fixed-size copies of exactly what is needed makes the parser's memory use constant."),
 ("Does the query string matter?", "No. /page?x=1 and /page serve the same file. This makes cache-busting query strings work, and no static file could depend on a query anyway."),
 ("How do I serve a file whose name has spaces or non-ASCII characters?", "Just put it in the directory. The bake stores the raw name; clients percent-encode it in the URL (browsers do it automatically), and the server decodes the request path before looking it up. The Makefile's rebake detection also copes with such names."),
 ("Can I add a .gz variant for every file?", "Yes: for each file name, put name.gz beside it (gzip -9nk name). Clients that accept gzip get the compressed file with Content-Encoding: gzip; others get the original. Compressing already-compressed formats (PNG, JPEG, WOFF2, MP4) gains nothing. Remember to regenerate the .gz when the original changes; the default site's test checks that its .gz is fresh."),
 ("Why is /api/stats.json not cached?", "It describes the present moment, so it carries Cache-Control: no-store. In the shipped nginx configuration it is only reachable from localhost."),
 ("How much CPU does an idle Quartz use?", "Almost none: the network task sleeps until an interrupt or its next timer deadline, and the CPU halts. There is no polling loop. Under TCG the host QEMU process still runs its own timers, but the guest executes no instructions while idle."),
 ("Can I run several sites?", "One image serves one site. Run several instances with different ELFs (the template unit makes this easy) and route by host name in nginx."),
 ("Why does the access log show every client as 10.0.2.2?", "That is QEMU user networking's gateway address: the host's connections are translated. Behind nginx, look at nginx's log for client addresses, or use a tap device so the guest sees real addresses."),
 ("How do I turn off the access log?", "Boot with accesslog=0 (QUARTZ_APPEND=accesslog=0 in /etc/default/quartz-unikernel for the systemd units)."),
 ("Why does the first request after boot sometimes hang for a moment?", "QEMU's user networking accepts the host-side connection even before the guest listens. If you connect in the first fraction of a second, the request waits until the guest is ready. Wait for the http: listening line or for a successful HTTP response."),
 ("What is the boot ping for?", "It proves the whole network path (driver, interrupts, ARP, IP, ICMP) works, with a line in the log, before any client arrives, and it pre-resolves the gateway's address."),
 ("Is IPv6 supported?", "No. IPv6 frames are counted as eth.drop_type and ignored. Put a dual-stack proxy in front if clients need IPv6; the shipped nginx configuration listens on both."),
 ("Is the behaviour with pipelining safe for proxies?", "Yes: responses are sent strictly in request order, and a malformed request in a pipeline is answered and then the connection closes, so nothing after it is misinterpreted."),
 ("How do I know a slow-client scenario really happened in a test?", "Check the counters: tcp.persist_entered and tcp.zwp_sent move only when the window closed and TCP probed it. The slow-reader tests assert that they moved."),
 ("Where are the limits defined?", "HTTP limits in http/param.h, network limits in net/param.h. Each has a comment stating its constraint and is checked by a static assertion; each can be overridden with -DNAME=value at build time."),
 ("Why C, and why no libc?", "The kernel is freestanding C: no operating system underneath, so no libc. The few functions needed (memcpy, printf-style formatting) are written in the tree. The protocol code is plain enough to be compiled for the host too, where the tests run it with sanitizers."),
 ("How is the code tested?", "make test runs host unit tests (parsers, TCP against a scripted peer with wraparound sequence numbers, the ARP cache, the virtqueue against a simulated device, the bake tool end to end), short fuzzing runs, QEMU boot tests, network tests on user networking and on tap devices in a network namespace, and HTTP end-to-end tests with curl, Python sockets, ab, wrk and headless Chromium. Every test prints PASS or FAIL; the run ends with a count."),
 ("What did the toy predecessor get wrong?", "It answered every request with one hand-written response, ignored the client's receive window and never retransmitted, so every response larger than the client's socket buffer stalled; it skipped files over 200 KB when baking; it had a single global connection; and it printed to the serial port to slow itself down. Each of those is replaced by the mechanisms described on this page, and each has a test."),
]

def faq():
    out = ['<h2 id="faq">Frequently asked questions</h2>\n']
    for i, (q, a) in enumerate(FAQ, 1):
        out.append(f'<h3 id="faq-{i}">{esc(q)}</h3>\n<p>{esc(a)}</p>\n')
    return "".join(out)

DESIGN = '''
<h2 id="design">Design notes</h2>
<p>Some choices recur throughout the code and explain behaviour that might otherwise look
arbitrary.</p>
<h3>One task owns the network</h3>
<p>All protocol state (ARP cache, reassembly slots, TCBs, HTTP connections) is touched only by the
network task. Interrupt handlers do not run protocol code; they acknowledge the device and signal
an event. This makes locks unnecessary in the stack and makes the order of operations deterministic
for a given sequence of inputs and times, which is what lets host tests replay scenarios exactly.</p>
<h3>Deadlines instead of periodic ticks</h3>
<p>Every timer in the stack is a deadline stored in the object it belongs to: a TCB's
retransmission, persist, delayed-ACK, TIME_WAIT and idle deadlines, an ARP entry's retry deadline,
a reassembly slot's expiry. The network task asks for the earliest of them and sleeps exactly until
then. Nothing wakes up merely to find that nothing needs doing.</p>
<h3>Wire formats apart from logic</h3>
<p>Headers are described once as packed structures with explicit big-endian accessors and size
assertions (<code>net/wire.h</code>). Input code checks lengths, parses a header once into a
host-order structure, and hands that structure on; no layer re-reads raw bytes that another layer
already validated.</p>
<h3>A counter for every early exit</h3>
<p>Input processing is a sequence of checks, and every check that can fail increments a counter
named after the reason before dropping the packet. Reading the counters therefore answers "where
did my packet go?" without a debugger. The same applies to resource exhaustion and to every kind
of back-pressure.</p>
<h3>Panics only for broken invariants</h3>
<p>A panic means the kernel's own state is inconsistent (a double free of a page, a scheduler with
no task to run). Anything that can be caused from outside (malformed packets, floods, exhaustion)
is an expected condition: it returns an error code and increments a counter.</p>
<h3>Tests outweigh code</h3>
<p>Each layer is tested on the host, under sanitizers, before it is tested in QEMU. TCP is tested
against a scripted peer with an explicit clock, including loss, reordering, duplication, zero and
tiny windows, resets, a peer that vanishes, and sequence-number wraparound. The HTTP parser is
tested at every limit and every error, with inputs split at every byte, and fuzzed; the connection
layer is tested against a fake TCP that records every byte and pointer it is given. The end-to-end
tests then exercise the whole system with real clients.</p>
'''

FOOTER = '''
</main>
<footer><div class="wrap">The Quartz reference, served from the <code>.content</code> section of
the kernel that it describes. Corrections are welcome: every statement here should match the code,
and where it does not, one of them is wrong.</div></footer>
</body>
</html>
'''

def part5():
    return DESIGN + glossary() + faq() + FOOTER
