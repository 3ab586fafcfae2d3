/*
 * http/server.h - the connection layer: HTTP on the tcp.h socket API.
 *
 * One struct http_conn per TCP connection (allocated on accept, freed on
 * TCP_EV_CLOSED).  Each connection parses requests from what it reads,
 * asks route.c for a plan, and queues the head by copy and the body by
 * reference.  Pipelining is bounded: while HTTP_PIPELINE_MAX responses
 * are unacknowledged or more than HTTP_SENDQ_HIGH bytes are queued, the
 * connection stops reading (TCP's window then pushes back on the client)
 * and resumes on TCP_EV_WRITE.
 *
 * At most HTTP_MAX_CONNS are held.  Those that owe the client nothing (no
 * response queued or unacknowledged) sit on an eviction list, least
 * valuable first: connections closing after their last response at the
 * head, then idle and part-received ones in the order they became idle.
 * A connection accepted at the limit evicts the head (RST, no TIME_WAIT:
 * conn_evicted_*); it is refused (conn_refused) only when the list is
 * empty, i.e. every held connection is sending a response.  conn_idle_now
 * is the list's length.
 */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include <stdint.h>
#include <stddef.h>
#include "net/stats.h"
#include "content.h"

#define HTTP_STATS(X) \
	X(requests) X(status_1xx) X(status_2xx) X(status_3xx) X(status_4xx) X(status_5xx) \
	X(resp_200) X(resp_206) X(resp_304) X(resp_400) X(resp_404) X(resp_405) \
	X(resp_408) X(resp_414) X(resp_416) X(resp_431) X(resp_500) X(resp_501) X(resp_505) \
	X(head_requests) X(gzip_served) X(bytes_sent) X(body_bytes_ref) \
	X(conn_current) X(conn_total) X(conn_refused) X(conn_nomem) \
	X(conn_evicted_idle) X(conn_evicted_partial) X(conn_evicted_closing) \
	X(conn_idle_now) X(closed_mid_request) \
	X(keepalive_reuse) X(pipelined) X(read_stalls) X(write_again) \
	X(aborted_responses) X(eof_mid_request) X(request_timeout) X(stats_nomem) X(stats_truncated)
STATS_DECLARE(http, HTTP_STATS)

/* Listen on `port` serving `site`.  0 ok, -1 if the port is taken. */
int http_server_start(uint16_t port, const struct content_table *site, uint64_t now);

/* Access-log lines on (default) or off. */
void http_set_access_log(int on);

/* Write /api/stats.json into buf (NUL-terminated).  Returns its length;
 * if it did not fit, *truncated is set and the text is not valid JSON. */
size_t http_stats_json(char *buf, size_t cap, const struct content_table *site,
		       uint64_t now, int *truncated);

#endif
