# Part 2: /api/stats.json and every counter.
import html, json, os
def esc(s): return html.escape(s, quote=False)

STATS_INTRO = '''
<h2 id="stats">Statistics: /api/stats.json</h2>
<p><code>GET /api/stats.json</code> returns a snapshot of every counter in the system as one
JSON object. It is generated on request into a buffer owned by the connection (so two clients
never share or corrupt one another's snapshot), sent with <code>Cache-Control: no-store</code>,
and freed as soon as TCP has taken its copy. <code>HEAD</code> works too and returns the same
headers without the body. The object contains only integers and nested objects, never floating
point (the kernel is built without a floating-point unit in use), so every value is exact.</p>

<h3>Top-level fields</h3>
<table>
<tr><th>Field</th><th>Type</th><th>Meaning</th></tr>
<tr><td><code>uptime_ms</code></td><td>integer</td><td>Milliseconds since the timer was calibrated at boot (a few tens of milliseconds after QEMU started the guest).</td></tr>
<tr><td><code>free_pages</code></td><td>integer</td><td>Free 4 KiB physical pages right now. Multiply by 4096 for bytes. A steady decline under constant load indicates a leak; under load it dips (connection state, packet copies) and recovers when the load stops.</td></tr>
<tr><td><code>total_pages</code></td><td>integer</td><td>Pages managed by the allocator (usable RAM after the kernel image).</td></tr>
<tr><td><code>requests</code></td><td>object</td><td><code>total</code> responses sent, and by status class: <code>1xx</code>, <code>2xx</code>, <code>3xx</code>, <code>4xx</code>, <code>5xx</code>. A request rejected by the parser counts as a response too (it got one).</td></tr>
<tr><td><code>bytes_sent</code></td><td>integer</td><td>Bytes of HTTP responses (status lines, header fields and bodies) handed to TCP. Retransmissions are not counted here; see <code>tcp.rexmt_bytes</code>.</td></tr>
<tr><td><code>connections</code></td><td>object</td><td><code>current</code> open HTTP connections, <code>total</code> accepted since boot, <code>refused</code> because the HTTP connection limit was reached or memory ran out.</td></tr>
<tr><td><code>assets</code></td><td>object</td><td><code>count</code> of baked files and their total <code>bytes</code>, as in the listening line.</td></tr>
<tr><td><code>pbuf</code>, <code>eth</code>, <code>arp</code>, <code>ip</code>, <code>icmp</code>, <code>fault</code>, <code>tcp</code>, <code>virtio_net</code>, <code>http</code></td><td>objects</td><td>One object per statistics group, each mapping counter names to values. A group added to the code appears here automatically; the set above is what this build registers.</td></tr>
</table>
<p>The counters are 64-bit and never reset while the guest runs. To measure a rate, fetch twice
and subtract. Gauges (names starting with <code>cur_</code> and <code>conn_current</code>) go up
and down; everything else only goes up.</p>

<h3>An actual snapshot</h3>
<p>Taken from a freshly booted guest after five requests (a page, a gzip'd stylesheet, a missing
page, a range of an image and a HEAD), then reformatted with <code>python3 -m json.tool</code>
and shortened where marked:</p>
'''

def snapshot():
    j = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "stats_snapshot.json")))
    text = json.dumps(j, indent=2)
    return "<pre><code>" + esc(text) + "</code></pre>\n"

# group -> (intro, [(counter, kind, meaning)])
G = {}
G["pbuf"] = ("Packet buffers: a fixed pool of 2 KiB buffers allocated once at boot. One buffer holds one frame, with headroom so each layer prepends its header in place.", [
    ("alloc", "event", "Buffers handed out (receive refills, every transmitted segment, ARP and ICMP replies)."),
    ("free", "event", "Buffers returned. <code>alloc - free</code> is the number in use: the receive ring's posted buffers (256) plus those in flight on the transmit ring and in queues. It should return to the same level when the system is idle."),
    ("alloc_fail", "drop", "Allocations refused because the pool was empty. The caller counts its own consequence (a dropped reply, a delayed segment). Non-zero values under heavy load mean the pool is too small for the load; TCP recovers by retransmission."),
    ("double_free", "bug", "A buffer freed twice; the second free was refused and logged. Indicates a bug."),
    ("bad_free", "bug", "A pointer that is not a pool buffer was passed to free; refused and logged. Indicates a bug."),
])
G["eth"] = ("Ethernet framing: the first layer above the driver.", [
    ("rx", "event", "Frames received from the driver."),
    ("rx_bytes", "bytes", "Bytes of those frames, Ethernet header included."),
    ("drop_short", "drop", "Frames shorter than an Ethernet header (14 bytes)."),
    ("drop_not_us", "drop", "Frames addressed to another unicast MAC address. A bridge or tap in promiscuous setups can deliver these; they are ignored."),
    ("drop_type", "drop", "Frames with an EtherType other than IPv4 (0x0800) or ARP (0x0806), for example IPv6 router solicitations from the host. Expected on tap devices."),
    ("tx", "event", "Frames passed to the driver."),
    ("tx_bytes", "bytes", "Bytes of those frames."),
    ("tx_again", "backpressure", "The driver's transmit ring was full (NET_AGAIN). The caller keeps its buffer and retries; TCP rebuilds the segment from its queue on the next pass."),
    ("tx_err", "drop", "The driver refused a frame as invalid (for example larger than the MTU). Indicates a bug in an upper layer."),
    ("tx_no_headroom", "bug", "A buffer arrived without room for the Ethernet header. Indicates a bug."),
])
G["arp"] = ("The ARP cache (RFC 826): 64 entries, least recently used replaced first, each resolved entry trusted for 60 s, resolution retried every second up to three times, and up to eight packets held per unresolved address.", [
    ("rx", "event", "ARP packets received."),
    ("drop_short", "drop", "Shorter than an Ethernet ARP packet (28 bytes of ARP)."),
    ("drop_format", "drop", "Not Ethernet/IPv4 ARP (wrong hardware type, protocol type or address lengths)."),
    ("drop_op", "drop", "An operation other than request (1) or reply (2)."),
    ("drop_bad_sha", "drop", "A sender hardware address that is broadcast, multicast or zero: never learned, since it would poison the cache."),
    ("drop_unconfigured", "drop", "Received before an IP address was configured."),
    ("conflict", "event", "Another host claimed our IP address in an ARP packet. Counted, not learned: we keep our address and never point our own address at someone else's MAC."),
    ("req_rx", "event", "Requests received for our address (answered)."),
    ("reply_rx", "event", "Replies received."),
    ("req_tx", "event", "Requests we sent while resolving an address."),
    ("reply_tx", "event", "Replies we sent."),
    ("learned", "event", "New entries created from a packet addressed to us (RFC 826's merge rule)."),
    ("updated", "event", "Existing entries refreshed or completed by a packet."),
    ("resolved", "event", "Pending resolutions that completed; their held packets were sent."),
    ("mac_changed", "event", "A known IP address moved to a different MAC address (logged with <code>arp: A is-at M</code>)."),
    ("give_up", "drop", "Resolutions abandoned after three unanswered requests; the held packets are dropped and counted in <code>pending_dropped</code>."),
    ("stale_expired", "event", "Entries that reached their 60 s lifetime and were re-resolved on next use."),
    ("pending_queued", "event", "Packets held while their next hop was being resolved."),
    ("pending_sent", "event", "Held packets sent once the address resolved."),
    ("pending_overflow", "drop", "Packets dropped because eight were already held for that address: the oldest held packet makes room for the new one, since the newest is the most likely still to matter (an old segment has usually been retransmitted already)."),
    ("pending_dropped", "drop", "Held packets dropped when a resolution gave up or the entry was evicted."),
    ("pending_tx_again", "backpressure", "A held packet could not be sent because the transmit ring was full; it is dropped and TCP retransmits."),
    ("evicted", "event", "Entries replaced to make room for a new address."),
    ("tx_nobuf", "drop", "No packet buffer for an ARP request or reply."),
    ("tx_fail", "drop", "The driver refused an ARP frame."),
])
G["ip"] = ("IPv4 (RFC 791, RFC 1122): header validation, delivery to ICMP and TCP, fragment reassembly and output with routing through the gateway.", [
    ("rx", "event", "IPv4 packets received."),
    ("drop_short", "drop", "Shorter than the minimum 20-byte header."),
    ("drop_version", "drop", "Version field not 4."),
    ("drop_hlen", "drop", "Header length field below 5 words or beyond the packet."),
    ("drop_totlen_short", "drop", "Total length field smaller than the header length."),
    ("drop_truncated", "drop", "Total length field larger than the bytes received: the packet was cut short on the way."),
    ("drop_csum", "drop", "Header checksum wrong. With <code>netfault=corrupt:P</code> this is where many corrupted frames end."),
    ("drop_not_us", "drop", "Destination is neither our address nor a broadcast address. We do not forward."),
    ("drop_src", "drop", "Source address that cannot be a real sender (broadcast, multicast, our own, or 0.0.0.0 outside of the cases that allow it). RFC 1122 section 3.2.1.3."),
    ("drop_proto", "drop", "A protocol other than ICMP (1) and TCP (6), for example UDP. There is no UDP service, and no ICMP unreachable is sent (nothing listens, and silence is the conservative choice for a server)."),
    ("opts_skipped", "event", "Packets with IP options; the options are ignored (RFC 1122 allows it for the options a host does not implement), the payload delivered."),
    ("padding_trimmed", "event", "Frames longer than the IP total length (Ethernet padding to 60 bytes is the usual cause); the padding is cut before the payload is delivered."),
    ("deliver_icmp", "event", "Packets handed to ICMP."),
    ("deliver_tcp", "event", "Packets handed to TCP."),
    ("frag_rx", "event", "Fragments received."),
    ("reass_ok", "event", "Datagrams reassembled and delivered."),
    ("reass_dup", "drop", "Fragments wholly duplicating data already held."),
    ("reass_overlap", "drop", "Fragments overlapping held data with different bounds: the whole datagram is discarded, as RFC 5722 recommends for IPv6 and as is prudent for IPv4 (overlaps are an attack technique)."),
    ("reass_bad", "drop", "Fragments that are inconsistent (non-final fragment not a multiple of 8 bytes, data beyond the final fragment)."),
    ("reass_toobig", "drop", "Datagrams that would exceed 8 KiB reassembled. Nothing Quartz serves needs large inbound datagrams."),
    ("reass_noslot", "drop", "Fragments of a fifth simultaneous datagram; four are reassembled at once."),
    ("reass_nomem", "drop", "No memory for a reassembly buffer."),
    ("reass_timeout", "drop", "Incomplete datagrams discarded after 5 s."),
    ("tx", "event", "Packets sent."),
    ("tx_again", "backpressure", "The transmit ring was full; the caller retries."),
    ("tx_noroute", "drop", "No route: destination off-link and no gateway, or the gateway's ARP resolution gave up."),
    ("tx_toobig", "drop", "A packet larger than the MTU was submitted. TCP never does this (its segments fit the MSS); counted as a bug signal."),
    ("tx_no_headroom", "bug", "A buffer without room for the IP header."),
    ("tx_unconfigured", "drop", "Output attempted before an address was configured."),
])
G["icmp"] = ("ICMP (RFC 792): echo replies to pings, and the boot ping.", [
    ("rx", "event", "ICMP messages received."),
    ("drop_short", "drop", "Shorter than an ICMP header."),
    ("drop_csum", "drop", "Checksum wrong."),
    ("drop_bcast", "drop", "Echo requests sent to a broadcast address: not answered (RFC 1122 allows silence, and answering amplifies smurf attacks)."),
    ("drop_toobig", "drop", "Echo requests too large to answer in one frame."),
    ("rx_other", "event", "Other ICMP types (unreachable, time exceeded, ...). Counted and ignored; TCP does not act on ICMP errors in this version."),
    ("echo_req", "event", "Echo requests received (and answered, unless dropped above)."),
    ("echo_reply_tx", "event", "Echo replies sent. A flood ping should show <code>echo_req == echo_reply_tx</code> unless buffers ran out."),
    ("echo_reply_rx", "event", "Echo replies received (to our boot ping)."),
    ("ping_unmatched", "drop", "Echo replies that match no ping we sent."),
    ("ping_tx", "event", "Echo requests we sent."),
    ("tx_nobuf", "drop", "No packet buffer for a reply."),
    ("tx_fail", "drop", "IP output refused a reply (for example the transmit ring was full)."),
])
G["fault"] = ("The fault injector (boot option <code>netfault=</code>). All zero unless it is enabled.", [
    ("rx_drop", "fault", "Received frames dropped on purpose before the stack saw them."),
    ("rx_corrupt", "fault", "Received frames with one byte flipped on purpose."),
    ("tx_drop", "fault", "Transmitted frames dropped on purpose (the driver never saw them)."),
    ("tx_corrupt", "fault", "Transmitted frames with one byte flipped on purpose."),
])
G["tcp"] = ("TCP (RFC 9293 and friends). Input drops say why a segment was dropped; <code>cur_*</code> are gauges of connections per state.", [
    ("seg_in", "event", "Segments received and passed the checksum."),
    ("seg_out", "event", "Segments sent, retransmissions included."),
    ("bytes_in", "bytes", "Payload bytes accepted into receive buffers (in order)."),
    ("bytes_out", "bytes", "Payload bytes sent for the first time."),
    ("ack_out", "event", "Pure acknowledgements sent immediately (the second full segment, out-of-order data, a window update that mattered, a challenge)."),
    ("delack_out", "event", "Acknowledgements sent when the 200 ms delayed-ACK timer fired."),
    ("winupdate_out", "event", "Window updates sent because the application read enough to open the window by at least two segments (receiver-side silly window syndrome avoidance)."),
    ("rexmt_timeout", "event", "Retransmission timer expiries. Each doubles the RTO (bounded) and retransmits the first unacknowledged segment."),
    ("rexmt_fast", "event", "Fast retransmits after three duplicate ACKs (RFC 5681)."),
    ("rexmt_partial", "event", "Retransmissions on a partial ACK during NewReno recovery (RFC 6582)."),
    ("rexmt_synack", "event", "SYN-ACK retransmissions, by timer or because the client repeated its SYN."),
    ("rexmt_bytes", "bytes", "Payload bytes sent again. With <code>bytes_out</code> this gives the retransmission ratio."),
    ("rto_backoff_max", "event", "Times the RTO reached its 60 s ceiling."),
    ("persist_entered", "event", "Times a connection entered the persist state: data waiting and a send window too small for it (usually zero). The proof that a slow reader was handled rather than stalled."),
    ("zwp_sent", "event", "Zero-window probes sent. Each carries one byte of new data, because Linux ignores zero-length probes."),
    ("dupack_in", "event", "Duplicate ACKs received."),
    ("rst_in", "event", "Acceptable resets received (the connection is closed)."),
    ("rst_out", "event", "Resets sent: to segments for no connection, on abort, on refusing a connection."),
    ("challenge_ack", "event", "Challenge ACKs sent for an in-window but not exact RST or SYN (RFC 5961)."),
    ("challenge_ack_limited", "drop", "Challenge ACKs not sent because of the rate limit of 100 per second."),
    ("ooo_in", "event", "Out-of-order segments held for later (up to 8 per connection)."),
    ("dup_in", "event", "Segments that started below <code>rcv_nxt</code>: wholly or partly old data, trimmed."),
    ("trim_in", "event", "Segments whose data was cut to fit the receive window (or dropped entirely at a zero window while their ACK was still processed)."),
    ("drop_short", "drop", "Shorter than a TCP header, or a data offset beyond the segment."),
    ("drop_csum", "drop", "Checksum wrong."),
    ("drop_opts", "drop", "Malformed options (a length running past the header, a zero length)."),
    ("drop_no_listener", "drop", "A segment for a port nobody listens on, or no connection. Answered with a RST unless it was itself a RST."),
    ("drop_out_of_window", "drop", "Unacceptable sequence numbers (RFC 9293 section 3.10.7.4); an ACK is sent in reply unless the segment was a RST."),
    ("drop_bad_ack", "drop", "An ACK for data never sent."),
    ("drop_syn_state", "drop", "A segment inappropriate for a half-open connection (for example data before the handshake completed)."),
    ("drop_rst_bad", "drop", "A RST outside the window: ignored."),
    ("drop_no_ack", "drop", "A segment without the ACK flag on a synchronised connection."),
    ("drop_backlog_full", "drop", "A SYN dropped because the listener already had 128 half-open connections. Not refused: the client's retry may find room."),
    ("drop_table_full", "drop", "A SYN dropped because all 1024 TCBs were in use."),
    ("drop_nomem", "drop", "No memory for a new connection's receive buffer."),
    ("drop_ooo_full", "drop", "An out-of-order segment dropped because eight were already held."),
    ("drop_closed", "drop", "A segment for a connection that has just been released."),
    ("drop_bad_flags", "drop", "Nonsensical flag combinations such as SYN with FIN or RST."),
    ("out_again", "backpressure", "A segment could not be sent because the transmit ring was full. It is rebuilt from the send queue when the ring drains."),
    ("out_nomem", "drop", "No memory or buffer for an outgoing segment or a copied write."),
    ("conn_opened", "event", "Connections that reached ESTABLISHED."),
    ("conn_closed", "event", "Connections that finished normally."),
    ("conn_refused", "event", "Connection attempts not accepted (see <code>drop_backlog_full</code>, <code>drop_table_full</code>)."),
    ("conn_reset", "event", "Connections ended by a RST from the peer."),
    ("conn_aborted", "event", "Connections ended by a local abort (the application asked, or the HTTP connection limit refused it)."),
    ("conn_timedout", "event", "Connections abandoned after 12 retransmission timeouts in a row; a RST is sent."),
    ("conn_idle", "event", "Connections closed by the idle timer (no data either way for the idle timeout)."),
    ("synrcvd_timedout", "event", "Half-open connections abandoned after five SYN-ACK retransmissions."),
    ("tw_reused", "event", "A TIME_WAIT connection replaced by a new SYN from the same peer with a higher sequence number (RFC 9293 allows it; clients reusing ports quickly need it)."),
    ("tw_recycled", "event", "A TIME_WAIT connection freed early because its table slot was needed."),
    ("cur_syn_received", "gauge", "Connections in SYN_RECEIVED now."),
    ("cur_established", "gauge", "Connections in ESTABLISHED now."),
    ("cur_close_wait", "gauge", "Connections in CLOSE_WAIT now (peer closed, we have not yet)."),
    ("cur_fin_wait_1", "gauge", "Connections in FIN_WAIT_1 now (we closed, FIN not yet acknowledged)."),
    ("cur_closing", "gauge", "Connections in CLOSING now (simultaneous close)."),
    ("cur_last_ack", "gauge", "Connections in LAST_ACK now."),
    ("cur_fin_wait_2", "gauge", "Connections in FIN_WAIT_2 now (our FIN acknowledged, waiting for theirs)."),
    ("cur_time_wait", "gauge", "Connections in TIME_WAIT now. It lasts 2 MSL, and MSL is set short (1 s) because the server closes most connections first."),
])
G["virtio_net"] = ("The virtio-net driver.", [
    ("rx_frames", "event", "Frames taken from the receive ring."),
    ("rx_bytes", "bytes", "Bytes of those frames (without the virtio-net header)."),
    ("tx_frames", "event", "Frames placed on the transmit ring."),
    ("tx_bytes", "bytes", "Bytes of those frames."),
    ("tx_done", "event", "Transmit completions returned by the device; their buffers were freed. At rest, <code>tx_done == tx_frames</code>."),
    ("tx_ring_full", "backpressure", "Transmit attempts refused because the ring had no free descriptor (NET_AGAIN to the caller)."),
    ("tx_too_big", "drop", "Frames larger than the MTU refused."),
    ("tx_no_headroom", "bug", "Frames without room for the virtio-net header."),
    ("rx_refill_fail", "drop", "Receive buffers that could not be re-posted because the packet-buffer pool was empty. The driver retries soon (it never spins)."),
    ("rx_short", "drop", "Received frames shorter than the virtio-net header plus an Ethernet header."),
    ("rx_too_long", "drop", "Received frames longer than a buffer; the device should never produce them."),
    ("bad_used", "drop", "Used-ring entries naming a descriptor the driver did not post: a device or driver bug, ignored safely."),
    ("rx_starved", "event", "Times the receive ring ran empty of posted buffers."),
    ("irqs", "event", "Interrupts handled."),
    ("irq_spurious", "event", "Interrupts with nothing in the interrupt status register."),
    ("irq_config", "event", "Configuration-change interrupts (link status)."),
    ("kicks_rx", "event", "Notifications to the device that receive buffers were posted."),
    ("kicks_tx", "event", "Notifications to the device that frames were queued. Suppressed when the device says it is already processing."),
])
G["http"] = ("The HTTP server. Most of these also feed the top-level <code>requests</code>, <code>bytes_sent</code> and <code>connections</code> objects.", [
    ("requests", "event", "Responses sent, of any status."),
    ("status_1xx", "event", "Informational responses. Always zero: the server sends none (it never needs 100 Continue because it reads no request bodies)."),
    ("status_2xx", "event", "Successful responses: 200 and 206."),
    ("status_3xx", "event", "Redirection-class responses: 304 Not Modified."),
    ("status_4xx", "event", "Client errors: 400, 404, 405, 408, 414, 416, 431."),
    ("status_5xx", "event", "Server errors: 500, 501, 505."),
    ("resp_200", "event", "200 OK."),
    ("resp_206", "event", "206 Partial Content (a satisfiable byte range)."),
    ("resp_304", "event", "304 Not Modified (If-None-Match matched)."),
    ("resp_400", "event", "400 Bad Request (malformed syntax, missing Host, bad percent-encoding, a path above the root)."),
    ("resp_404", "event", "404 Not Found."),
    ("resp_405", "event", "405 Method Not Allowed (a known method other than GET and HEAD)."),
    ("resp_408", "event", "408 Request Timeout (a request still incomplete 20 s after its first byte)."),
    ("resp_414", "event", "414 URI Too Long (target over 2048 bytes)."),
    ("resp_416", "event", "416 Range Not Satisfiable."),
    ("resp_431", "event", "431 Request Header Fields Too Large (more than 64 fields or 8192 bytes)."),
    ("resp_500", "event", "500 Internal Server Error (no memory for /api/stats.json, or it did not fit its buffer)."),
    ("resp_501", "event", "501 Not Implemented (unknown method, Transfer-Encoding in a request)."),
    ("resp_505", "event", "505 HTTP Version Not Supported (a major version other than 1)."),
    ("head_requests", "event", "HEAD requests answered."),
    ("gzip_served", "event", "Bodies served from a precompressed .gz variant."),
    ("bytes_sent", "bytes", "Response bytes handed to TCP (heads and bodies)."),
    ("body_bytes_ref", "bytes", "Body bytes queued by reference into <code>.content</code>, never copied by HTTP. Normally almost all of <code>bytes_sent</code>."),
    ("conn_current", "gauge", "HTTP connections open now."),
    ("conn_total", "event", "HTTP connections accepted."),
    ("conn_refused", "drop", "Connections refused with a RST because all 640 held connections were busy sending responses (idle ones are evicted first), or memory ran out."),
    ("conn_nomem", "drop", "Of those, refused for lack of memory."),
    ("keepalive_reuse", "event", "Requests that arrived on an already-used connection."),
    ("pipelined", "event", "Requests parsed while an earlier response on the same connection was still unacknowledged."),
    ("read_stalls", "backpressure", "Times a connection stopped reading because four responses were unacknowledged or more than 64 KiB was queued. Reading resumes when TCP reports progress; meanwhile TCP's window closes on the client."),
    ("write_again", "backpressure", "Times TCP would not take more data (its send queue was out of chunk slots); the response resumes on the next write event."),
    ("aborted_responses", "event", "Responses whose connection ended before the client acknowledged all of them."),
    ("eof_mid_request", "event", "Clients that closed their side in the middle of a request; no answer is possible."),
    ("request_timeout", "drop", "Requests answered 408 because they were still incomplete 20 s after their first byte."),
    ("stats_nomem", "drop", "No memory for a /api/stats.json buffer (answered 500)."),
    ("stats_truncated", "bug", "/api/stats.json did not fit its 32 KiB buffer (answered 500). Would need a larger HTTP_STATS_BUF."),
])
GROUP_ORDER = ["pbuf", "eth", "arp", "ip", "icmp", "fault", "tcp", "virtio_net", "http"]
KIND = {
    "event": "event", "bytes": "bytes", "drop": "drop", "bug": "bug", "gauge": "gauge",
    "backpressure": "back-pressure", "fault": "injected",
}

def counters():
    out = ['''
<h2 id="counters">Every counter, group by group</h2>
<p>Each counter has a kind. <em>event</em> counts things that happened; <em>bytes</em> counts
bytes; <em>drop</em> counts input rejected or work abandoned for a reason that can legitimately
occur (bad input, exhaustion); <em>back-pressure</em> counts moments when a layer had to wait for
the one below; <em>gauge</em> is a current level, not a total; <em>bug</em> counts events that
indicate a programming error and should stay zero; <em>injected</em> counts deliberate faults.
The names are the same on the serial console (<code>net: stats GROUP name=value</code>) and in
<code>/api/stats.json</code> (<code>GROUP.name</code>).</p>
''']
    n = 0
    for g in GROUP_ORDER:
        intro, rows = G[g]
        out.append(f'<h3 id="group-{g}">Group <code>{g}</code> ({len(rows)} counters)</h3>\n<p>{intro}</p>\n<table>\n<tr><th>Counter</th><th>Kind</th><th>Meaning</th></tr>\n')
        for c, k, m in rows:
            out.append(f'<tr><td id="c-{g}-{c}"><code>{g}.{c}</code></td><td>{KIND[k]}</td><td>{m}</td></tr>\n')
            n += 1
        out.append('</table>\n')
    out.append(f'<p>In all, {n} counters in {len(GROUP_ORDER)} groups.</p>\n')
    out.append('''
<h3>Reading the counters together</h3>
<p>Single counters rarely tell the whole story. These relations hold in a healthy system and are
worth checking when something looks wrong:</p>
<table>
<tr><th>Relation</th><th>Why it holds</th><th>If it does not</th></tr>
<tr><td><code>virtio_net.rx_frames == eth.rx</code></td><td>Every frame the driver takes goes to Ethernet (unless the fault injector dropped it first: then add <code>fault.rx_drop</code>).</td><td>A driver bug.</td></tr>
<tr><td><code>eth.rx &asymp; ip.rx + arp.rx + eth.drop_*</code></td><td>Every frame is IPv4, ARP or dropped with a reason.</td><td>A counter is missing somewhere.</td></tr>
<tr><td><code>ip.deliver_tcp &asymp; tcp.seg_in + tcp.drop_short + tcp.drop_csum</code></td><td>TCP counts a segment as received only after its header and checksum check out.</td><td>As above.</td></tr>
<tr><td><code>virtio_net.tx_done == virtio_net.tx_frames</code> at rest</td><td>The device completes every frame it was given.</td><td>The device stopped processing (host side problem) or completions are not being reaped.</td></tr>
<tr><td><code>pbuf.alloc - pbuf.free</code> constant at rest</td><td>Buffers in use at rest are the posted receive buffers.</td><td>A leak: a growing difference under no load.</td></tr>
<tr><td><code>http.conn_current == tcp.cur_established + tcp.cur_close_wait</code> (roughly)</td><td>Each HTTP connection is one TCP connection until HTTP closes it.</td><td>Transient differences during closes are normal.</td></tr>
<tr><td><code>tcp.rexmt_bytes / tcp.bytes_out</code> small</td><td>On a clean link only the first segments after idle are ever retransmitted.</td><td>Loss on the path, or a too-short RTO: look at <code>rexmt_timeout</code> versus <code>rexmt_fast</code>.</td></tr>
<tr><td><code>http.body_bytes_ref &asymp; http.bytes_sent - heads</code></td><td>Bodies go by reference; only heads and /api/stats.json are copied.</td><td>Nothing else copies bodies; if this diverges, something changed.</td></tr>
<tr><td><code>http.requests == requests.total</code></td><td>The same counter, reported twice for convenience.</td><td>Cannot differ.</td></tr>
</table>
''')
    return "".join(out)

def part2():
    return STATS_INTRO + snapshot() + counters()
