/*
 * http/param.h - every tunable of the HTTP server, in one place.
 *
 * Each can be overridden with -DNAME=value.  The constraint on each is
 * written beside it and checked at the bottom.
 */
#ifndef HTTP_PARAM_H
#define HTTP_PARAM_H

#include "net/param.h"              /* TCP_MAX_CONNS, TCP_BACKLOG: the budget below */

/* Request parser limits (RFC 9112 section 2.3 leaves them to us). */
#ifndef HTTP_METHOD_MAX
#define HTTP_METHOD_MAX 16          /* longest method token; longer -> 501 */
#endif
#ifndef HTTP_TARGET_MAX
#define HTTP_TARGET_MAX 2048        /* request-target bytes; longer -> 414 */
#endif
#ifndef HTTP_HEADER_BYTES_MAX
#define HTTP_HEADER_BYTES_MAX 8192  /* whole header section; more -> 431 */
#endif
#ifndef HTTP_HEADERS_MAX
#define HTTP_HEADERS_MAX 64         /* header fields; more -> 431 */
#endif
#ifndef HTTP_VALUE_MAX
#define HTTP_VALUE_MAX 256          /* kept bytes of a header value we use
                                       (If-None-Match, Range, ...); longer
                                       values are ignored, never truncated */
#endif
#ifndef HTTP_LEADING_CRLF_MAX
#define HTTP_LEADING_CRLF_MAX 8     /* empty-line bytes tolerated before a
                                       request line (RFC 9112 section 2.2) */
#endif

/* Connections.
 *
 * HTTP_MAX_CONNS is how many connections the server holds at once.  At the
 * limit a new connection evicts the least valuable one held (idle or with
 * a request still trickling in, oldest first; see server.c) and is refused
 * only when every held connection is busy sending a response.
 *
 * The TCP table (TCP_MAX_CONNS TCBs, net/param.h) must never fill: when it
 * does, SYNs are dropped silently and a real client waits out its SYN
 * retransmission (1 s, 3 s, ...).  Besides our connections it holds the
 * half-open ones (at most TCP_BACKLOG for our one listener; a full backlog
 * drops its oldest) and TCBs nobody holds any more: closed by the idle
 * timer and finishing their FIN handshake, and TIME_WAIT (recycled by TCP
 * when the table is full, but only then).  HTTP_TCB_SPARE is the room left
 * for those.  With the defaults: 640 + 256 + 128 = 1024.  The backlog is
 * 256, not less, because a client that opens 256 connections at once
 * (wrk -c256 on a tap) has that many half-open before the first ACK is
 * processed, and a full backlog evicts the oldest: their ACKs then meet
 * no TCB and get a RST (measured: 127 read errors of 256 with 128).
 *
 * Memory (kernel/heap.c; -m 64M leaves 14 181 free 4 KiB pages after
 * boot): a TCB's receive buffer (TCP_RCV_BUF = 16 KiB + the heap's 256-byte
 * header) is a 5-page block aligned to 16 KiB, and a struct http_conn
 * (about 6.7 KiB) a 2-page one, so a held connection uses 7 pages (28 KiB;
 * measured: 768 held in the slowloris flood took free_pages from 14 181
 * to 8 804) and at worst 12 counting the alignment holes, which only
 * single-page allocations can fill.  640 connections plus 384 other TCBs
 * thus need at most about 11 300 pages.  With less memory an allocation
 * fails: TCP drops the SYN (tcp.drop_nomem) and on accept we evict an
 * idle connection and try again (http.conn_nomem if that fails too). */
#ifndef HTTP_MAX_CONNS
#define HTTP_MAX_CONNS 640          /* connections held; see the budget above */
#endif
#ifndef HTTP_TCB_SPARE
#define HTTP_TCB_SPARE 128          /* TCBs left for closing and TIME_WAIT ones */
#endif
#ifndef HTTP_IDLE_MS
#define HTTP_IDLE_MS 15000          /* keep-alive idle timeout */
#endif
#ifndef HTTP_REQUEST_MS
#define HTTP_REQUEST_MS 20000       /* a request still incomplete this long after
                                       its first byte gets 408 at its next byte
                                       (slow-header attacks); > HTTP_IDLE_MS */
#endif
#ifndef HTTP_INBUF
#define HTTP_INBUF 2048             /* bytes read from TCP at a time, per connection */
#endif
#ifndef HTTP_SENDQ_HIGH
#define HTTP_SENDQ_HIGH 65536       /* don't start the next pipelined response
                                       while more than this is unacknowledged */
#endif
#ifndef HTTP_PIPELINE_MAX
#define HTTP_PIPELINE_MAX 4         /* responses queued but not yet acknowledged */
#endif
#ifndef HTTP_REF_PIECE
#define HTTP_REF_PIECE (1u << 20)   /* largest single tcp_write_ref of a body */
#endif
#ifndef HTTP_COPY_PIECE
#define HTTP_COPY_PIECE 1024        /* largest single tcp_write_copy */
#endif
#ifndef HTTP_STATS_BUF
#define HTTP_STATS_BUF 32768        /* /api/stats.json must fit */
#endif
#ifndef HTTP_HEAD_MAX
#define HTTP_HEAD_MAX 768           /* response status line + headers (+ small error body) */
#endif
#ifndef HTTP_LOG_PATH
#define HTTP_LOG_PATH 64            /* path bytes kept for the access log line */
#endif

_Static_assert(HTTP_TARGET_MAX >= 256 && HTTP_TARGET_MAX < 65535, "target limit");
_Static_assert(HTTP_HEADER_BYTES_MAX >= 1024, "header limit too small for real browsers");
_Static_assert(HTTP_VALUE_MAX >= 64 && HTTP_VALUE_MAX < 65535, "value limit");
_Static_assert(HTTP_PIPELINE_MAX >= 1, "need at least one response in flight");
_Static_assert(HTTP_INBUF >= 256, "read buffer");
_Static_assert(HTTP_REQUEST_MS >= HTTP_IDLE_MS, "a slow request must not be cut before an idle one");
_Static_assert(HTTP_HEAD_MAX >= 512, "head buffer must fit every header we send");
_Static_assert(HTTP_MAX_CONNS >= 1, "need at least one connection");
_Static_assert(HTTP_MAX_CONNS + TCP_BACKLOG + HTTP_TCB_SPARE <= TCP_MAX_CONNS,
	       "HTTP connections + half-open backlog + closing TCBs must fit the TCP table");

#endif
