# Part 3: HTTP behaviour, TCP behaviour, RFC tables, lower layers.
import html
def esc(s): return html.escape(s, quote=False)

HTTP = '''
<h2 id="http">HTTP behaviour</h2>
<p>The server speaks HTTP/1.1 as defined by RFC 9110 (semantics) and RFC 9112 (message syntax),
and answers HTTP/1.0 clients compatibly. It serves one site: the files baked into the image, plus
one generated resource, <code>/api/stats.json</code>. It has no configuration file, no virtual
hosts, no redirects, no directory listings, no scripting and no request bodies. Within that scope
it tries to be exact, because exactness is what lets every client, cache and proxy work with it
without surprises.</p>

<h3>How a request becomes a response</h3>
<p>The server is built in three parts that can each be tested without the others:</p>
<ol>
<li><strong>The parser</strong> (<code>http/parse.c</code>) is an incremental state machine. It
accepts whatever bytes TCP delivered, however they were split, consumes them one at a time, and
keeps only what the server needs: the method, the raw request target, the version and the values
of eight header fields (<code>Host</code>, <code>Connection</code>, <code>If-None-Match</code>,
<code>Range</code>, <code>If-Range</code>, <code>Accept-Encoding</code>,
<code>Content-Length</code> and <code>Transfer-Encoding</code>). It never needs the whole request in
one buffer and never reads outside the bytes it was given. A request split at every single byte
produces exactly the same result as the same request in one segment; the unit tests and the
fuzzer check this for every input they generate.</li>
<li><strong>The router</strong> (<code>http/route.c</code>) is a pure function from a parsed request
and the site to a <em>plan</em>: the status, the complete header block as text, and which bytes of
which asset form the body. It knows nothing about TCP and allocates nothing.</li>
<li><strong>The connection layer</strong> (<code>http/server.c</code>) sits on TCP's socket-like
interface. It reads, feeds the parser, asks the router, and queues the header block by copy and
the body by reference. It enforces the limits on pipelining and writes the access log.</li>
</ol>

<h3>Resolving the path</h3>
<p>The request target is turned into a path in these steps, in this order:</p>
<ol>
<li>If the target is in <em>absolute form</em> (<code>http://host/path</code> or
<code>https://...</code>, which RFC 9112 section 3.2.2 requires servers to accept), the scheme and
authority are removed. The authority is otherwise ignored: there is one site.</li>
<li>The query (everything from <code>?</code>) and any fragment (from <code>#</code>, which clients
should not send) are dropped. Queries never influence which file is served, so cache-busting URLs
such as <code>/style.css?v=3</code> work.</li>
<li>Percent-encoded bytes are decoded. A <code>%</code> not followed by two hexadecimal digits is a
400. <code>%00</code> is a 400: no file name contains a NUL byte. An encoded slash
(<code>%2F</code>) becomes a real slash.</li>
<li>Dot segments are removed as in RFC 3986 section 5.2.4: <code>/./</code> disappears,
<code>/a/../</code> becomes <code>/</code>. A path that tries to climb above the root (for example
<code>/../etc/passwd</code> or <code>/%2e%2e/x</code>) is a 400 rather than being silently clamped,
because such a request is never made by a well-behaved client.</li>
<li>The exact path <code>/api/stats.json</code> is the statistics resource.</li>
<li>Otherwise the path is looked up in the sorted index by binary search. A path ending in
<code>/</code> is looked up with <code>index.html</code> appended. A path that is not found is looked
up once more with <code>/index.html</code> appended, so that <code>/docs</code>,
<code>/docs/</code> and <code>/docs/index.html</code> all serve the same page without a redirect.
Pages on the default site use absolute links so that relative-link resolution does not depend on
which of the three forms the visitor used.</li>
<li>Nothing found: 404.</li>
</ol>

<h3>Choosing the representation</h3>
<p>When a file <code>name</code> has a baked sibling <code>name.gz</code>, the response for
<code>name</code> depends on the request's <code>Accept-Encoding</code>, and every such response
(either way) carries <code>Vary: Accept-Encoding</code> so that caches keep the two apart. The rules
follow RFC 9110 section 12.5.3:</p>
<table>
<tr><th>Accept-Encoding</th><th>Served</th></tr>
<tr><td>absent</td><td>identity (the plain file)</td></tr>
<tr><td><code>gzip</code>, <code>x-gzip</code>, <code>GZIP</code>, <code>deflate, gzip, br</code></td><td>the .gz variant with <code>Content-Encoding: gzip</code></td></tr>
<tr><td><code>gzip;q=0.5</code>, <code>gzip;q=0.001</code></td><td>the .gz variant (any non-zero weight accepts)</td></tr>
<tr><td><code>gzip;q=0</code>, <code>gzip; q=0.000</code></td><td>identity (explicitly refused)</td></tr>
<tr><td><code>*</code></td><td>the .gz variant (any coding accepted)</td></tr>
<tr><td><code>*;q=0, identity</code></td><td>identity</td></tr>
<tr><td><code>gzip;q=0, *</code></td><td>identity (the explicit gzip entry wins over <code>*</code>)</td></tr>
<tr><td><code>br</code>, <code>deflate</code>, <code>identity</code></td><td>identity</td></tr>
</table>
<p>The <code>Content-Type</code> of a gzip'd response is the type of the original file, not
<code>application/gzip</code>. Requesting <code>name.gz</code> by its own URL serves it as an
ordinary file of type <code>application/gzip</code> without <code>Content-Encoding</code>. The two
representations have different ETags, since their bytes differ. Ranges apply to the representation
that was selected: <code>Range: bytes=0-99</code> with <code>Accept-Encoding: gzip</code> returns the
first hundred bytes of the compressed file, which is what RFC 9110 specifies and what download
managers expect.</p>
<p>Precompressed files are made at site-build time, for example <code>gzip -9n -k style.css</code>
(<code>-n</code> leaves the name and time out of the gzip header, so the output is reproducible).
The default site's <code>style.css.gz</code> is made that way, and a test checks that it still
decompresses to the current <code>style.css</code>.</p>

<h3>Conditional requests and ETags</h3>
<p>Every asset response carries a strong entity tag: the 64-bit FNV-1a hash of the file's bytes,
as sixteen hexadecimal digits in double quotes, for example <code>"644fdbaa04147d70"</code>. It is
computed by the bake tool, so it changes exactly when the content changes, and it is identical
across reboots, rebuilds and machines. The server evaluates preconditions in the order RFC 9110
section 13.2.2 prescribes for the headers it implements:</p>
<ol>
<li><code>If-None-Match</code>: a list of entity tags or <code>*</code>. The comparison is the weak
comparison (a <code>W/</code> prefix is ignored), as required for this header. If any tag matches
the selected representation, or the list is <code>*</code>, the answer to GET and HEAD is
<code>304 Not Modified</code>, with the <code>ETag</code>, <code>Cache-Control</code> and, where
applicable, <code>Vary</code> fields, and no body.</li>
<li><code>Range</code>, only for GET, and only if <code>If-Range</code> is absent or matches.
<code>If-Range</code> uses the strong comparison: a weak tag never matches, and a date never
matches because the server sends no <code>Last-Modified</code>. When <code>If-Range</code> does not
match, the whole representation is sent with 200, which is exactly what a client resuming a
download of a file that changed needs.</li>
</ol>
<p>An <code>If-None-Match</code> value longer than 256 bytes, or sent twice, is ignored (the full
response is always a correct answer), never truncated and half-used.</p>

<h3>Byte ranges</h3>
<p>The server accepts a single byte range per request (RFC 9110 section 14.2). Several ranges in
one request, which would need a <code>multipart/byteranges</code> body, are answered with the whole
representation and a 200; RFC 9110 permits ignoring <code>Range</code>. The table shows the
answers for a ten-byte file <code>0123456789</code>:</p>
<table>
<tr><th>Range</th><th>Status</th><th>Content-Range</th><th>Body</th></tr>
<tr><td><code>bytes=0-0</code></td><td>206</td><td><code>bytes 0-0/10</code></td><td><code>0</code></td></tr>
<tr><td><code>bytes=3-</code></td><td>206</td><td><code>bytes 3-9/10</code></td><td><code>3456789</code></td></tr>
<tr><td><code>bytes=-2</code></td><td>206</td><td><code>bytes 8-9/10</code></td><td><code>89</code></td></tr>
<tr><td><code>bytes=-20</code></td><td>206</td><td><code>bytes 0-9/10</code></td><td>everything</td></tr>
<tr><td><code>bytes=8-999</code></td><td>206</td><td><code>bytes 8-9/10</code></td><td><code>89</code></td></tr>
<tr><td><code>BYTES=2-4</code></td><td>206</td><td><code>bytes 2-4/10</code></td><td><code>234</code> (the unit is case-insensitive)</td></tr>
<tr><td><code>bytes=10-</code></td><td>416</td><td><code>bytes */10</code></td><td>short text</td></tr>
<tr><td><code>bytes=-0</code></td><td>416</td><td><code>bytes */10</code></td><td>short text</td></tr>
<tr><td><code>bytes=5-2</code></td><td>200</td><td>none</td><td>everything (invalid range: ignored)</td></tr>
<tr><td><code>bytes=0-1,3-4</code></td><td>200</td><td>none</td><td>everything (several ranges: ignored)</td></tr>
<tr><td><code>items=0-1</code></td><td>200</td><td>none</td><td>everything (unknown unit: ignored)</td></tr>
<tr><td><code>bytes=a-b</code></td><td>200</td><td>none</td><td>everything (syntax error: ignored)</td></tr>
</table>
<p>For an empty file every range is unsatisfiable (416 with <code>bytes */0</code>). A HEAD request
ignores <code>Range</code> and describes the whole representation. A 416 response keeps the
connection open.</p>
'''

STATUS = [
    (200, "OK", "A file (or /api/stats.json) is sent in full.", "Content-Type, Content-Length, Accept-Ranges, ETag, Cache-Control, Vary when a .gz sibling exists", "open"),
    (206, "Partial Content", "A satisfiable single Range on GET.", "as 200 plus Content-Range", "open"),
    (304, "Not Modified", "If-None-Match matched the selected representation.", "ETag, Cache-Control, Vary when applicable; no Content-Length, no body", "open"),
    (400, "Bad Request", "Malformed request line or header field; HTTP/1.1 request without exactly one Host; bad percent-encoding; path above the root; conflicting or invalid Content-Length; both Content-Length and Transfer-Encoding; too many empty lines before the request; a target that is not a path.", "Content-Type, Content-Length, Connection: close; body <code>400 Bad Request</code>", "closed"),
    (404, "Not Found", "No asset at the resolved path.", "Content-Type, Content-Length; body <code>404 Not Found</code>", "open"),
    (405, "Method Not Allowed", "POST, PUT, DELETE, OPTIONS, TRACE, PATCH or CONNECT.", "Allow: GET, HEAD, plus the usual; body <code>405 Method Not Allowed</code>. A Content-Length body in the request is read and discarded, so the connection stays usable.", "open"),
    (408, "Request Timeout", "A request was still incomplete 20 seconds after its first byte, and another byte arrived (a slow-header attack, or a hopelessly slow client).", "Connection: close", "closed"),
    (414, "URI Too Long", "The request target exceeded 2048 bytes. Sent as soon as byte 2049 arrives.", "Connection: close", "closed"),
    (416, "Range Not Satisfiable", "The single range starts beyond the end of the representation, or is a zero-length suffix.", "Content-Range: bytes */LENGTH", "open"),
    (431, "Request Header Fields Too Large", "More than 64 header fields, or more than 8192 bytes of them.", "Connection: close", "closed"),
    (500, "Internal Server Error", "No memory for the /api/stats.json buffer, or the document did not fit.", "Connection: close", "closed"),
    (501, "Not Implemented", "A method token the server does not know (including lower-case <code>get</code>, since methods are case-sensitive), a method longer than 16 bytes, or a request with Transfer-Encoding (RFC 9112 section 6.1).", "Connection: close", "closed"),
    (505, "HTTP Version Not Supported", "A version whose major number is not 1 (HTTP/0.9 in request-line form, HTTP/2.0, HTTP/3.0).", "Connection: close", "closed"),
]

def status_table():
    out = ['''
<h2 id="http-status">Status codes and when each is sent</h2>
<p>These are all the status codes the server can send. The last column says whether the
connection stays open afterwards (subject to the keep-alive rules below) or is closed once the
response has been sent. A request whose framing cannot be trusted always closes the connection:
bytes after a malformed request might be the rest of it rather than a new request, and guessing
is how request smuggling works.</p>
<table>
<tr><th>Status</th><th>Sent when</th><th>Header fields</th><th>Connection</th></tr>
''']
    for code, reason, when, hdrs, conn in STATUS:
        out.append(f'<tr><td><code>{code} {esc(reason)}</code></td><td>{when}</td><td>{hdrs}</td><td>{conn}</td></tr>\n')
    out.append('</table>\n<p>Error bodies are one line of plain text (the code and reason and a newline) so that they are short, predictable and safe to show. A HEAD request gets the same status and header fields, without the body.</p>\n')
    return "".join(out)

HEADERS = '''
<h2 id="http-headers">Response header fields</h2>
<table>
<tr><th>Field</th><th>Value</th><th>Notes</th></tr>
<tr><td><code>Server</code></td><td><code>quartz</code></td><td>No version number: it helps nobody but an attacker.</td></tr>
<tr><td><code>Content-Type</code></td><td>from the extension table</td><td>The original file's type even when the gzip variant is sent; <code>application/json</code> for /api/stats.json; <code>text/plain; charset=utf-8</code> for error bodies.</td></tr>
<tr><td><code>Content-Length</code></td><td>body bytes</td><td>Always present except on 304. For HEAD it is the length a GET would have sent. Responses are never chunked: every length is known in advance.</td></tr>
<tr><td><code>Accept-Ranges</code></td><td><code>bytes</code></td><td>On every asset response, so clients know they can resume.</td></tr>
<tr><td><code>Content-Range</code></td><td><code>bytes A-B/LEN</code> or <code>bytes */LEN</code></td><td>On 206 and 416.</td></tr>
<tr><td><code>Content-Encoding</code></td><td><code>gzip</code></td><td>Only when the .gz variant was selected.</td></tr>
<tr><td><code>Vary</code></td><td><code>Accept-Encoding</code></td><td>On every response for a file that has a .gz variant, compressed or not.</td></tr>
<tr><td><code>ETag</code></td><td><code>"16 hex digits"</code></td><td>Strong; the content hash of the representation sent.</td></tr>
<tr><td><code>Cache-Control</code></td><td><code>public, max-age=60</code>; <code>no-store</code> for /api/stats.json</td><td>A short lifetime: a cache serves a file for a minute, then revalidates with If-None-Match and usually gets a cheap 304.</td></tr>
<tr><td><code>Connection</code></td><td><code>close</code> or <code>keep-alive</code></td><td><code>close</code> whenever the server will close after this response; <code>keep-alive</code> only to HTTP/1.0 clients that asked for it (HTTP/1.1 is persistent by default and needs no field).</td></tr>
<tr><td><code>Allow</code></td><td><code>GET, HEAD</code></td><td>On 405, as RFC 9110 section 15.5.6 requires.</td></tr>
</table>
<p>No <code>Date</code> field is sent. RFC 9110 section 6.6.1 requires it only of servers with a
clock they can trust; the guest has no battery-backed real-time clock, only time since boot. No
<code>Last-Modified</code> either, for the same reason; the ETag does its job better.</p>
'''

LIMITS = '''
<h2 id="http-limits">Request limits</h2>
<p>Every limit turns abuse into a definite status code instead of unbounded memory or time. All
are compile-time constants in <code>http/param.h</code>, each with its constraint checked by a
static assertion.</p>
<table>
<tr><th>Limit</th><th>Value</th><th>Exceeded</th><th>Reason for the value</th></tr>
<tr><td>Method token</td><td>16 bytes</td><td>501</td><td>The longest registered method is 17 bytes (<code>VERSION-CONTROL</code>); none of them is served anyway.</td></tr>
<tr><td>Request target</td><td>2048 bytes</td><td>414</td><td>Longer than any URL a static site produces; browsers cap URLs at similar lengths in practice.</td></tr>
<tr><td>Header section</td><td>8192 bytes</td><td>431</td><td>Real browser requests are 400 to 1500 bytes; cookies are the only thing that grows, and this site sets none.</td></tr>
<tr><td>Header fields</td><td>64</td><td>431</td><td>Browsers send about 10 to 20.</td></tr>
<tr><td>Kept header value</td><td>256 bytes</td><td>value ignored</td><td>Only for the fields the server interprets; the full response is the safe answer when a condition cannot be evaluated.</td></tr>
<tr><td>Empty lines before a request</td><td>8 bytes</td><td>400</td><td>RFC 9112 section 2.2 asks servers to ignore at least one empty line (some old clients send an extra CRLF after a POST body).</td></tr>
<tr><td>HTTP version</td><td>1.x</td><td>505</td><td>Minor versions above 1 are treated as 1.1, as RFC 9110 section 2.5 requires.</td></tr>
<tr><td>Request body</td><td>skipped by Content-Length</td><td>501 for Transfer-Encoding</td><td>Nothing uses a body; a declared length is read and discarded so the connection stays in sync.</td></tr>
<tr><td>Open connections</td><td>640</td><td>the oldest idle connection is reset to make room (<code>http.conn_evicted_idle</code>, <code>http.conn_evicted_partial</code>); a RST and <code>http.conn_refused</code> only when every held connection is sending a response</td><td>Bounded memory per connection (about 7 KiB of HTTP state plus TCP's 16 KiB receive buffer), and 640 + the SYN backlog (256) + 128 spare stay within TCP's 1024 control blocks.</td></tr>
<tr><td>Responses in flight per connection</td><td>4</td><td>stop reading</td><td>Bounds pipelining: the client's window closes instead of the server buffering.</td></tr>
<tr><td>Unacknowledged bytes before the next pipelined response</td><td>64 KiB</td><td>stop reading</td><td>As above, for large responses.</td></tr>
<tr><td>Whole request (line and header fields)</td><td>20 s from its first byte</td><td>408 at the next byte, then close</td><td>A client trickling one byte every few seconds would otherwise reset the idle timer forever and hold a connection slot; a silent one meets the idle timer instead.</td></tr>
<tr><td>Idle keep-alive connection</td><td>15 s</td><td>closed (FIN)</td><td>Frees connection slots held by browsers that keep connections open speculatively.</td></tr>
</table>

<h3>What the parser rejects, precisely</h3>
<table>
<tr><th>Input</th><th>Answer</th><th>Why</th></tr>
<tr><td><code>GET / HTTP/1.1\\n</code> with bare LF line ends</td><td>accepted</td><td>RFC 9112 section 2.2 allows recipients to accept a bare LF.</td></tr>
<tr><td>A CR not followed by LF</td><td>400</td><td>Ambiguous line ends are a smuggling vector.</td></tr>
<tr><td><code>Host : x</code> (space before the colon)</td><td>400</td><td>RFC 9112 section 5.1: MUST reject.</td></tr>
<tr><td>A field line starting with a space or tab (obsolete folding)</td><td>400</td><td>RFC 9112 section 5.2 allows rejecting it; accepting it is another smuggling vector.</td></tr>
<tr><td>Control characters (other than tab) in a field value, including NUL</td><td>400</td><td>RFC 9110 section 5.5.</td></tr>
<tr><td>Bytes outside visible ASCII in the target</td><td>400</td><td>Targets must be percent-encoded.</td></tr>
<tr><td>Two spaces between method and target</td><td>400</td><td>The request line has exactly one SP between its parts.</td></tr>
<tr><td>A request line without a version (<code>GET /</code>)</td><td>400</td><td>HTTP/0.9 is not supported.</td></tr>
<tr><td><code>HTTP/1.10</code>, <code>http/1.1</code>, <code>HTTP/1</code></td><td>400</td><td>The version is exactly <code>HTTP/</code> DIGIT <code>.</code> DIGIT, case-sensitive.</td></tr>
<tr><td>Two different Content-Length values</td><td>400</td><td>RFC 9112 section 6.3: the framing is unknowable.</td></tr>
<tr><td>Two identical Content-Length values</td><td>accepted</td><td>The same section allows it.</td></tr>
<tr><td>Content-Length with signs, spaces or over 19 digits</td><td>400</td><td>Must be 1*DIGIT and fit in 64 bits.</td></tr>
<tr><td>Obs-text bytes (0x80 to 0xFF) in a field value</td><td>accepted</td><td>RFC 9110 allows them; they are opaque.</td></tr>
<tr><td>Unknown header fields, however long the name</td><td>accepted, ignored</td><td>Only their bytes count toward the 8192-byte limit.</td></tr>
</table>
'''

CONN = '''
<h2 id="http-conn">Connections, keep-alive and pipelining</h2>
<p>Whether a connection persists after a response follows RFC 9112 section 9.3:</p>
<table>
<tr><th>Request</th><th>After the response</th><th>Connection field sent</th></tr>
<tr><td>HTTP/1.1</td><td>stays open</td><td>none</td></tr>
<tr><td>HTTP/1.1 with <code>Connection: close</code> (any case, anywhere in the list)</td><td>closed</td><td><code>close</code></td></tr>
<tr><td>HTTP/1.0</td><td>closed</td><td><code>close</code></td></tr>
<tr><td>HTTP/1.0 with <code>Connection: keep-alive</code></td><td>stays open</td><td><code>keep-alive</code></td></tr>
<tr><td>HTTP/1.0 asking for /api/stats.json</td><td>closed</td><td><code>close</code></td></tr>
<tr><td>Any request answered 400, 414, 431, 500, 501 or 505</td><td>closed</td><td><code>close</code></td></tr>
</table>
<p>"Closed" means the server sends its FIN once the whole response is queued; the client reads the
response to the end and then sees the end of the stream. Bytes the client sends after that are read
and discarded, so that they never sit unread in the receive buffer (which would make a careful TCP
answer the close with a reset and possibly destroy the tail of the response in flight).</p>

<h3>Pipelining</h3>
<p>A client may send several requests without waiting for the responses. The server answers them
strictly in order. It does not, however, read without limit: while four responses on the connection
are unacknowledged, or more than 64 KiB of response data is waiting for acknowledgement, it stops
taking bytes from TCP. Those bytes stay in TCP's receive buffer, the advertised window shrinks, and
the client's TCP stops sending: back-pressure travels to the client through the protocol rather
than through server memory. When TCP reports that data was acknowledged, the server resumes where
it stopped. The counter <code>http.read_stalls</code> counts these pauses and
<code>http.pipelined</code> the requests that arrived while an earlier response was still in
flight.</p>
<p>Requests that are split in odd places, including one byte per segment, and responses of any
size are handled the same way: the parser keeps its position, the response keeps its offset. Each
response's access-log line is written when its last byte is acknowledged, so the log's order is the
request order.</p>

<h3>Timeouts</h3>
<p>An HTTP connection with no data moving in either direction for 15 seconds is closed (TCP's idle
timer, set by the HTTP layer when it accepts the connection). Data in either direction restarts the
timer, so a long download to a slow client is never cut off while it makes progress. A client that
keeps its window at zero is probed by TCP's persist timer; if it accepts no byte at all for the
whole idle period, the connection is reset (see <a href="#tcp">TCP behaviour</a>).</p>

<h3>Bodies by reference</h3>
<p>The body of an asset response is never copied by the HTTP layer. It calls
<code>tcp_write_ref(conn, pointer, length)</code> with a pointer into <code>.content</code>; TCP
stores the pointer and length in its send queue (adjacent references are merged into one entry) and
copies at most one MSS at a time from it into a packet buffer when it builds a segment. Because the
bytes are immutable for the life of the image, a retransmission simply reads them again. The
response head (a few hundred bytes) and the generated /api/stats.json body are queued with
<code>tcp_write_copy</code>, which makes TCP take a private copy, because they live in
per-connection memory that is reused. The unit tests check both rules by recording every pointer
handed to TCP. The memory cost of serving a 100 MiB file to a hundred clients is therefore the same
as serving a 1 KiB file to a hundred clients.</p>
'''

TCP = '''
<h2 id="tcp">TCP behaviour</h2>
<p>Quartz's TCP is a server-side implementation of RFC 9293 with the standard congestion control
and retransmission machinery. It keeps connections in a fixed table of 1024 control blocks (TCBs)
looked up by a keyed hash of the four-tuple. It names things the way the RFC does
(<code>snd_una</code>, <code>snd_nxt</code>, <code>snd_wnd</code>, <code>rcv_nxt</code>,
<code>rcv_wnd</code>), compares sequence numbers only through wrap-safe macros, and is tested
against a scripted peer with sequence numbers starting just below 2<sup>32</sup> so that every
comparison crosses the wrap during the tests.</p>

<h3>Parameters</h3>
<table>
<tr><th>Parameter</th><th>Value</th><th>Source and reason</th></tr>
<tr><td>Maximum segment size</td><td>1460 advertised; the peer's MSS option respected; 536 when the peer sends none</td><td>RFC 9293 section 3.7.1 default; 1460 fits a 1500-byte MTU.</td></tr>
<tr><td>Receive buffer / window</td><td>16 KiB per connection</td><td>HTTP requests are small; a small window is plenty and bounds memory.</td></tr>
<tr><td>Window scaling</td><td>accepted from the peer; our own shift 0</td><td>RFC 7323: lets the client advertise large windows so big files flow at full speed; we never need more than 64 KiB of receive window.</td></tr>
<tr><td>Initial congestion window</td><td>min(10 &times; MSS, max(4 &times; MSS, 14600))</td><td>RFC 6928.</td></tr>
<tr><td>Initial RTO</td><td>1 s</td><td>RFC 6298 section 2.1.</td></tr>
<tr><td>RTO bounds</td><td>200 ms to 60 s</td><td>The 200 ms floor is what Linux uses; RFC 6298's 1 s floor is very slow on a LAN.</td></tr>
<tr><td>Retransmission give-up</td><td>12 consecutive RTO expiries</td><td>Then the connection is aborted with a RST and counted in <code>tcp.conn_timedout</code>.</td></tr>
<tr><td>SYN-ACK retries</td><td>5</td><td>A half-open connection is dropped after that (<code>tcp.synrcvd_timedout</code>).</td></tr>
<tr><td>Half-open backlog</td><td>128 per listener</td><td>A SYN beyond it is dropped, not refused, so the client's retry may succeed.</td></tr>
<tr><td>Delayed ACK</td><td>at most 200 ms after in-order data</td><td>RFC 9293 requires less than 500 ms; an ACK is sent at once when a segment arrives out of order or fills a hole.</td></tr>
<tr><td>Persist timer</td><td>500 ms doubling to 60 s</td><td>Probes a zero (or too small) window.</td></tr>
<tr><td>MSL / TIME_WAIT</td><td>1 s / 2 s</td><td>Short on purpose: the server closes most connections first and holds many TIME_WAITs; a TIME_WAIT slot can also be reused by a new SYN with a higher sequence number or recycled when the table is full.</td></tr>
<tr><td>Idle timeout</td><td>30 s by default, 15 s for HTTP connections</td><td>No data either way for that long closes the connection.</td></tr>
<tr><td>Out-of-order queue</td><td>8 segments per connection</td><td>Enough for the reordering seen on real paths; more is a memory attack.</td></tr>
<tr><td>Send queue</td><td>32 chunks per connection</td><td>A chunk is a reference (pointer, length) or a copied block; references to adjacent bytes merge.</td></tr>
<tr><td>Challenge ACK rate</td><td>100 per second</td><td>RFC 5961 section 7.</td></tr>
</table>

<h3>Sending: a calculation, then a list of reasons</h3>
<p>Each time output is considered, TCP first computes how much it may send:
<code>usable = min(snd_wnd, cwnd) - (snd_nxt - snd_una)</code>. Then it walks a list of reasons
to send a segment: there is queued data and enough usable window for a full segment, or for the
rest of the queue when the application asked for a push; a FIN is due; an ACK is owed (immediately
or because the delayed-ACK timer fired); a window update is worth sending; a retransmission is due.
If none applies, nothing is sent. If data is waiting but the window is too small for the next
segment, the persist timer is armed: a peer that closed its window will be probed until it opens
again.</p>

<h3>The slow reader, and why it no longer stalls</h3>
<p>The predecessor of Quartz sent as much as it liked regardless of the client's window and never
retransmitted, so a client that read slowly (its socket buffer full, its window at zero) lost data
and the transfer hung forever. Quartz handles that client correctly:</p>
<ol>
<li>When the advertised window drops below what the next segment needs, sending stops and the
persist timer starts (<code>tcp.persist_entered</code>).</li>
<li>When the timer fires, a probe carrying one byte of new data is sent
(<code>tcp.zwp_sent</code>). One byte rather than none, because Linux ignores zero-length
probes. The probe interval doubles up to 60 s.</li>
<li>The client's ACK of a probe carries its current window; as soon as it is large enough, normal
sending resumes and the timer stops.</li>
<li>The persist timer never gives up by itself: a client that keeps acknowledging probes keeps
its connection (RFC 9293 section 3.8.6.1). What ends a stuck transfer is the idle timer: if no
data at all moves in either direction for the idle period (15 s for HTTP connections), the
connection is reset, because data is still waiting. A client that pauses for a few seconds and
then reads on is therefore served to the end; one that stops reading for good is eventually
released.</li>
</ol>

<h3>Retransmission and congestion control</h3>
<ul>
<li><strong>RTT measurement and RTO</strong> follow RFC 6298: SRTT and RTTVAR from one timed
segment per window, Karn's rule (no samples from retransmitted segments), RTO doubled on every
expiry, clamped to 60 s, reset from the estimators when new data is acknowledged.</li>
<li><strong>On RTO expiry</strong> ssthresh becomes half the flight size (at least two segments),
cwnd drops to one segment (the loss window of RFC 5681 section 3.1) and the first unacknowledged
segment is sent again.</li>
<li><strong>Fast retransmit</strong> on the third duplicate ACK, with NewReno fast recovery
(RFC 6582): cwnd is inflated by three segments and by one per further duplicate; a partial ACK
retransmits the next hole at once; recovery ends when everything outstanding at its start has been
acknowledged.</li>
<li><strong>Slow start and congestion avoidance</strong> as in RFC 5681, counting acknowledged
bytes.</li>
<li>No SACK and no timestamps. They are negotiated only if both sides offer them, and Quartz does
not offer them; QEMU's user networking does not negotiate them either.</li>
</ul>

<h3>Robustness against bad input</h3>
<ul>
<li>Every header field is length-checked before it is read; options are walked with bounds checks
and a malformed option drops the segment (<code>tcp.drop_opts</code>).</li>
<li>A RST is accepted only if its sequence number is exactly <code>rcv_nxt</code>; an in-window RST
or SYN that is not exact gets a challenge ACK, rate-limited (RFC 5961 sections 3 and 4).</li>
<li>An ACK for data never sent is dropped (<code>tcp.drop_bad_ack</code>) and answered with an ACK.</li>
<li>Initial sequence numbers are a keyed hash of the four-tuple plus a clock (RFC 6528), so they
cannot be predicted by an off-path attacker.</li>
<li>SYN floods fill at most the 128-entry backlog of the listener; each entry times out after its
SYN-ACK retries. Established connections are not affected.</li>
</ul>

<h3>Connection states</h3>
<p>The states are those of RFC 9293, ordered so that "at least ESTABLISHED" is a single comparison.
The statistics show how many connections are in each state right now (<code>tcp.cur_*</code>).</p>
<table>
<tr><th>State</th><th>Meaning here</th><th>Left by</th></tr>
<tr><td>LISTEN</td><td>The HTTP listener on port 80 (a listener, not a TCB).</td><td>never</td></tr>
<tr><td>SYN_RECEIVED</td><td>A client's SYN was answered with SYN-ACK.</td><td>the client's ACK (to ESTABLISHED), a RST, or SYN-ACK retries exhausted</td></tr>
<tr><td>ESTABLISHED</td><td>Data flows both ways; HTTP owns the connection.</td><td>our close (FIN_WAIT_1) or the client's FIN (CLOSE_WAIT)</td></tr>
<tr><td>CLOSE_WAIT</td><td>The client finished sending; we may still send responses.</td><td>our close (LAST_ACK)</td></tr>
<tr><td>LAST_ACK</td><td>Both sides sent FIN; waiting for the ACK of ours.</td><td>that ACK (CLOSED)</td></tr>
<tr><td>FIN_WAIT_1</td><td>We sent FIN after the last response.</td><td>its ACK (FIN_WAIT_2), the client's FIN (CLOSING)</td></tr>
<tr><td>FIN_WAIT_2</td><td>Our FIN is acknowledged; waiting for the client's.</td><td>the client's FIN (TIME_WAIT), or the idle timer</td></tr>
<tr><td>CLOSING</td><td>Simultaneous close.</td><td>the ACK of our FIN (TIME_WAIT)</td></tr>
<tr><td>TIME_WAIT</td><td>Both FINs done; old duplicates are absorbed for 2 MSL.</td><td>the timer, reuse by a new SYN, or recycling</td></tr>
</table>
'''

def part3():
    return HTTP + status_table() + HEADERS + LIMITS + CONN + TCP
