# Part 7: one request, step by step.
WALK = '''
<h2 id="walkthrough">One request, step by step</h2>
<p>To tie the layers together, here is what happens, in order, when <code>curl</code> fetches
<code>/style.css</code> with <code>Accept-Encoding: gzip</code> through QEMU user networking on a
fresh connection. The names in parentheses are the counters each step moves.</p>
<ol>
<li><strong>SYN.</strong> QEMU's user-mode stack opens a connection to the guest on behalf of curl:
a SYN from <code>10.0.2.2</code> to <code>10.0.2.15:80</code> with an MSS option of 1460 and no
window scaling. The driver takes the frame (<code>virtio_net.rx_frames</code>), Ethernet sees IPv4
(<code>eth.rx</code>), IP validates and delivers (<code>ip.deliver_tcp</code>), TCP finds no
connection but a listener on port 80, checks the backlog, allocates a TCB, picks an initial
sequence number from the keyed hash, and answers SYN-ACK with its own MSS (<code>tcp.seg_out</code>).
The TCB is in SYN_RECEIVED (<code>tcp.cur_syn_received</code>).</li>
<li><strong>ACK.</strong> The third segment of the handshake moves the TCB to ESTABLISHED
(<code>tcp.conn_opened</code>), and TCP calls the HTTP listener's accept callback. The HTTP layer
allocates its connection state, sets the idle timeout to 15 s, registers its event handler, and
tries to read: nothing yet (<code>http.conn_total</code>, <code>http.conn_current</code>).</li>
<li><strong>The request.</strong> curl's request, about 110 bytes, arrives in one segment. TCP
checks that it is acceptable, appends it to the connection's receive buffer
(<code>tcp.bytes_in</code>), schedules a delayed ACK, and raises a read event. The HTTP layer reads
it into its 2 KiB buffer and feeds it to the parser, which walks the request line and four header
fields and reports a complete request. The parser kept <code>Host</code> (counted),
<code>Accept-Encoding</code> (gzip accepted) and ignored <code>User-Agent</code> and
<code>Accept</code> after checking their syntax.</li>
<li><strong>Routing.</strong> The router decodes the path (nothing to decode), finds
<code>/style.css</code> by binary search in the index, sees that it has a <code>.gz</code> sibling
and that gzip is acceptable, and selects the sibling. No If-None-Match, no Range: status 200. It
formats the head: status line, Server, Content-Type <code>text/css; charset=utf-8</code>,
Content-Length of the compressed file, Accept-Ranges, Content-Encoding, ETag of the compressed
bytes, Cache-Control, Vary, blank line. The plan's body is "asset N, offset 0, length L".</li>
<li><strong>Queueing.</strong> The connection layer copies the head into TCP's send queue
(<code>tcp_write_copy</code>), then queues the body by reference (<code>tcp_write_ref</code>, a
pointer into <code>.content</code>), and asks TCP to push (<code>http.bytes_sent</code>,
<code>http.body_bytes_ref</code>, <code>http.gzip_served</code>). The pending delayed ACK rides on the
first data segment, so no separate ACK is sent.</li>
<li><strong>Sending.</strong> TCP computes the usable window (the client's window and the initial
congestion window of ten segments both exceed the 1.6 KiB response) and builds segments: for each,
a packet buffer with headroom, at most 1460 bytes copied from the head and then from
<code>.content</code>, the TCP header and checksum, then IP prepends its header, ARP supplies the
gateway's MAC from its cache, Ethernet prepends its header, and the driver prepends the virtio-net
header and posts the buffer (<code>tcp.seg_out</code>, <code>tcp.bytes_out</code>,
<code>virtio_net.tx_frames</code>). The retransmission timer is armed.</li>
<li><strong>Acknowledgement.</strong> curl's TCP acknowledges. TCP advances <code>snd_una</code>,
takes an RTT sample, updates the RTO estimators, frees the copied head, drops the reference, stops
the retransmission timer and raises a write event. The HTTP layer sees that the whole response is
acknowledged and writes the access-log line
<code>http: 10.0.2.2:PORT GET /style.css 200 1571 0ms</code>. The device has meanwhile completed
the transmit buffers (<code>virtio_net.tx_done</code>), which returned to the pool.</li>
<li><strong>Close.</strong> curl has what it wanted and closes: a FIN arrives, TCP moves to
CLOSE_WAIT and raises a read event; the HTTP layer reads end-of-stream, has no partial request, and
closes its side. TCP sends FIN (LAST_ACK), the final ACK arrives, the TCB is released
(<code>tcp.conn_closed</code>) and the HTTP layer frees its state on the closed event
(<code>http.conn_current</code> back down).</li>
</ol>
<p>Nothing in this sequence allocated memory proportional to the file's size, and nothing printed
except the one access-log line. Under load, many such sequences interleave in the one network task,
each advancing whenever its connection has an event.</p>
'''
def part7():
    return WALK
