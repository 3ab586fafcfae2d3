/*
 * http/server.c - HTTP connections on the tcp.h API (see server.h).
 *
 * Everything runs in the network task from TCP's accept and event
 * callbacks; one function, pump(), moves a connection forward as far as
 * it can: finish queueing the current response, log responses the peer
 * has acknowledged, then parse and answer the next request if the
 * pipeline has room, reading more from TCP only when the parser has
 * consumed everything read so far.  When it cannot go on it returns, and
 * the next TCP_EV_READ or TCP_EV_WRITE calls it again.
 *
 * After each event the connection is filed: one that owes the client
 * nothing (no response being queued or unacknowledged) is on the eviction
 * list, which on_accept takes from when HTTP_MAX_CONNS are held.  A
 * slowloris flood (thousands of connections that send nothing, or a
 * header line every few seconds) then costs the server its oldest idle
 * connections instead of every new client; a keep-alive connection
 * between requests is evicted on the same terms, as nginx and Apache's
 * event MPM do.  Only responses in flight are never cut for a newcomer.
 */
#include "server.h"
#include "parse.h"
#include "route.h"
#include "sys.h"
#include "net/sys.h"
#include "net/tcp.h"

/* A response whose bytes are queued: logged once the peer acknowledged
 * all of it (so the duration covers the transfer, not just the queueing). */
struct log_rec {
	char method[HTTP_METHOD_MAX + 1];
	char path[HTTP_LOG_PATH + 1];
	int status;
	uint64_t bytes;          /* head + body */
	uint64_t start;          /* first byte of the request seen, ms */
	uint64_t end;            /* conn's queued_total after its last byte */
};

struct http_conn {
	struct tcp_conn *tc;
	uint32_t peer_ip;
	uint16_t peer_port;
	uint8_t sending;          /* resp is (partly) queued */
	uint8_t head_queued;      /* resp.head is in TCP's queue */
	uint8_t closing;          /* tcp_close() called: no more requests */
	uint8_t eof;              /* the peer has finished sending */
	uint8_t req_started;      /* bytes of the current request were parsed */
	uint8_t on_lru;           /* on the eviction list (owes the client nothing) */
	uint8_t deadline_armed;   /* TCP idle timeout cut to the request deadline */
	struct http_conn *lru_prev, *lru_next;
	uint32_t nreq;            /* requests answered on this connection */
	uint64_t req_start;       /* when the current request's first byte came */
	uint64_t body_queued;     /* of resp's body */
	uint64_t queued_total;    /* every byte ever queued on this connection */
	char *gen;                /* generated body (stats JSON), net_malloc'd */
	size_t gen_len;
	struct log_rec logq[HTTP_PIPELINE_MAX];
	unsigned log_head, log_n; /* FIFO of responses not yet acknowledged */
	uint16_t in_off, in_len;  /* unparsed bytes are in[in_off .. in_len) */
	uint8_t in[HTTP_INBUF];
	struct http_req req;
	struct http_resp resp;
};

static const struct content_table *site;
static int access_log = 1;

/* The eviction list: connections with no response queued or unacknowledged,
 * least valuable at the head (see file comment).  Doubly linked so filing
 * and eviction are O(1); nothing ever walks it. */
static struct http_conn *lru_head, *lru_tail;

static void lru_remove(struct http_conn *hc)
{
	if (!hc->on_lru)
		return;
	if (hc->lru_prev)
		hc->lru_prev->lru_next = hc->lru_next;
	else
		lru_head = hc->lru_next;
	if (hc->lru_next)
		hc->lru_next->lru_prev = hc->lru_prev;
	else
		lru_tail = hc->lru_prev;
	hc->lru_prev = hc->lru_next = NULL;
	hc->on_lru = 0;
	http_stats.conn_idle_now--;
}

static void lru_push_head(struct http_conn *hc)
{
	hc->lru_prev = NULL;
	hc->lru_next = lru_head;
	if (lru_head)
		lru_head->lru_prev = hc;
	else
		lru_tail = hc;
	lru_head = hc;
	hc->on_lru = 1;
	http_stats.conn_idle_now++;
}

static void lru_push_tail(struct http_conn *hc)
{
	hc->lru_next = NULL;
	hc->lru_prev = lru_tail;
	if (lru_tail)
		lru_tail->lru_next = hc;
	else
		lru_head = hc;
	lru_tail = hc;
	hc->on_lru = 1;
	http_stats.conn_idle_now++;
}

/* File hc after an event.  It is evictable while it owes the client
 * nothing: no response being queued (sending) and none unacknowledged
 * (log_n).  Joining, it goes to the tail, so the list is ordered by when
 * each became idle, and request bytes trickling in do not move it: a
 * slowloris client cannot stay young by sending.  A closing connection
 * whose last response is acknowledged goes to the head: an RST costs its
 * client nothing but the FIN handshake. */
static void lru_file(struct http_conn *hc)
{
	int idle = !hc->sending && hc->log_n == 0;
	if (idle && !hc->on_lru) {
		if (hc->closing)
			lru_push_head(hc);
		else
			lru_push_tail(hc);
	} else if (!idle && hc->on_lru) {
		lru_remove(hc);
	}
}

void http_set_access_log(int on)
{
	access_log = on;
}

static void count_status(int status)
{
	STAT_INC(http, requests);
	switch (status / 100) {
	case 1: STAT_INC(http, status_1xx); break;
	case 2: STAT_INC(http, status_2xx); break;
	case 3: STAT_INC(http, status_3xx); break;
	case 4: STAT_INC(http, status_4xx); break;
	default: STAT_INC(http, status_5xx); break;
	}
	switch (status) {
	case 200: STAT_INC(http, resp_200); break;
	case 206: STAT_INC(http, resp_206); break;
	case 304: STAT_INC(http, resp_304); break;
	case 400: STAT_INC(http, resp_400); break;
	case 404: STAT_INC(http, resp_404); break;
	case 405: STAT_INC(http, resp_405); break;
	case 408: STAT_INC(http, resp_408); break;
	case 414: STAT_INC(http, resp_414); break;
	case 416: STAT_INC(http, resp_416); break;
	case 431: STAT_INC(http, resp_431); break;
	case 500: STAT_INC(http, resp_500); break;
	case 501: STAT_INC(http, resp_501); break;
	case 505: STAT_INC(http, resp_505); break;
	}
}

static void log_line(struct http_conn *hc, const struct log_rec *l, const char *note)
{
	if (!access_log)
		return;
	uint32_t ip = hc->peer_ip;
	uint64_t now = http_now_ms();
	net_log("http: %u.%u.%u.%u:%u %s %s %d %llu %llums%s\n", ip >> 24, (ip >> 16) & 255,
		(ip >> 8) & 255, ip & 255, hc->peer_port, l->method, l->path, l->status,
		(unsigned long long)l->bytes, (unsigned long long)(now - l->start), note);
}

/* Log (and forget) every response the peer has acknowledged in full. */
static void log_acked(struct http_conn *hc)
{
	uint64_t acked = hc->queued_total - tcp_sendq_bytes(hc->tc);
	while (hc->log_n && hc->logq[hc->log_head].end <= acked) {
		log_line(hc, &hc->logq[hc->log_head], "");
		hc->log_head = (hc->log_head + 1) % HTTP_PIPELINE_MAX;
		hc->log_n--;
	}
}

/* Remember a fully queued response for the access log. */
static void log_push(struct http_conn *hc)
{
	struct log_rec *l = &hc->logq[(hc->log_head + hc->log_n) % HTTP_PIPELINE_MAX];
	const struct http_req *r = &hc->req;
	size_t i, n = r->method_len;
	if (n == 0) {
		l->method[0] = '-';
		n = 1;
	} else {
		memcpy(l->method, r->method_name, n);
	}
	l->method[n] = 0;
	/* The raw target, cut short and with anything unprintable masked:
	 * the log must not let a client forge serial lines. */
	for (i = 0; i < r->target_len && i < HTTP_LOG_PATH; i++) {
		char c = r->target[i];
		l->path[i] = (c > 0x20 && c < 0x7f) ? c : '?';
	}
	if (i == 0)
		l->path[i++] = '-';
	l->path[i] = 0;
	l->status = hc->resp.status;
	l->bytes = hc->resp.head_len + hc->resp.body_bytes;
	l->start = hc->req_start;
	l->end = hc->queued_total;
	hc->log_n++;
}

/* Queue as much of the current response as TCP takes.  1 when all of it
 * is queued, 0 when TCP is full (continue on TCP_EV_WRITE). */
static int send_more(struct http_conn *hc)
{
	struct http_resp *rs = &hc->resp;
	if (!hc->head_queued) {
		if (tcp_write_copy(hc->tc, rs->head, rs->head_len) < 0) {
			STAT_INC(http, write_again);
			return 0;
		}
		hc->head_queued = 1;
		hc->queued_total += rs->head_len;
		STAT_ADD(http, bytes_sent, rs->head_len);
	}
	if (rs->body == HTTP_BODY_ASSET) {
		/* By reference: the asset bytes themselves go to TCP. */
		const uint8_t *base = content_data(site, rs->asset) + rs->off;
		while (hc->body_queued < rs->len) {
			uint64_t piece = rs->len - hc->body_queued;
			if (piece > HTTP_REF_PIECE)
				piece = HTTP_REF_PIECE;
			if (tcp_write_ref(hc->tc, base + hc->body_queued, (size_t)piece) < 0) {
				STAT_INC(http, write_again);
				return 0;
			}
			hc->body_queued += piece;
			hc->queued_total += piece;
			STAT_ADD(http, bytes_sent, piece);
			STAT_ADD(http, body_bytes_ref, piece);
		}
	} else if (rs->body == HTTP_BODY_STATS && !rs->head_only) {
		while (hc->body_queued < hc->gen_len) {
			size_t piece = hc->gen_len - (size_t)hc->body_queued;
			if (piece > HTTP_COPY_PIECE)
				piece = HTTP_COPY_PIECE;
			if (tcp_write_copy(hc->tc, hc->gen + hc->body_queued, piece) < 0) {
				STAT_INC(http, write_again);
				return 0;
			}
			hc->body_queued += piece;
			hc->queued_total += piece;
			STAT_ADD(http, bytes_sent, piece);
		}
	}
	if (hc->gen) {
		net_free(hc->gen);
		hc->gen = NULL;
	}
	return 1;
}

/* The request deadline, as a timer.  HTTP_REQUEST_MS is otherwise only
 * checked when a byte arrives, and TCP's idle timer restarts at every
 * byte, so a client that stops for good just before the deadline would
 * hold the connection for the deadline plus a whole idle period.  Once
 * the idle timer would outlast the deadline, cut it to the time left: the
 * connection is then closed at the deadline whether or not more comes
 * (tcp.conn_idle; http.closed_mid_request).  Called when request bytes
 * arrived, which is when TCP's idle clock restarted. */
static void arm_request_deadline(struct http_conn *hc)
{
	uint64_t spent = http_now_ms() - hc->req_start;
	if (spent + HTTP_IDLE_MS < HTTP_REQUEST_MS)
		return;                         /* the idle timer fires first anyway */
	uint64_t left = spent < HTTP_REQUEST_MS ? HTTP_REQUEST_MS - spent : 1;
	tcp_set_idle_timeout(hc->tc, (uint32_t)left);
	hc->deadline_armed = 1;
}

/* A request is answered by rs: count it and start queueing it. */
static void start_response(struct http_conn *hc)
{
	struct http_resp *rs = &hc->resp;
	if (hc->deadline_armed) {
		hc->deadline_armed = 0;
		tcp_set_idle_timeout(hc->tc, HTTP_IDLE_MS);
	}
	if (rs->body == HTTP_BODY_STATS) {
		int trunc = 0;
		hc->gen = net_malloc(HTTP_STATS_BUF);
		if (!hc->gen) {
			STAT_INC(http, stats_nomem);
			http_route_simple(&hc->req, 500, 1, rs);
		} else {
			hc->gen_len = http_stats_json(hc->gen, HTTP_STATS_BUF, site, http_now_ms(),
						      &trunc);
			if (trunc) {
				STAT_INC(http, stats_truncated);
				net_free(hc->gen);
				hc->gen = NULL;
				http_route_simple(&hc->req, 500, 1, rs);
			} else {
				http_head_generated(rs, "application/json", hc->gen_len);
			}
		}
	}
	count_status(rs->status);
	if (rs->head_only)
		STAT_INC(http, head_requests);
	if (rs->gzip && rs->body == HTTP_BODY_ASSET)
		STAT_INC(http, gzip_served);
	if (hc->nreq++ > 0)
		STAT_INC(http, keepalive_reuse);
	hc->sending = 1;
	hc->head_queued = 0;
	hc->body_queued = 0;
}

static void begin_close(struct http_conn *hc)
{
	hc->closing = 1;
	tcp_close(hc->tc);
}

static void pump(struct http_conn *hc)
{
	for (;;) {
		if (hc->sending) {
			if (!send_more(hc))
				return;                 /* TCP full: wait for WRITE */
			hc->sending = 0;
			log_push(hc);
			tcp_flush(hc->tc);
			if (hc->resp.close) {
				begin_close(hc);
				return;
			}
			http_req_init(&hc->req);
			hc->req_started = 0;
		}
		log_acked(hc);
		if (hc->closing)
			return;
		/* Bounded pipelining: no new request while this much is
		 * unacknowledged.  Unread bytes stay in TCP's buffer, whose
		 * window then closes on the client. */
		if (hc->log_n >= HTTP_PIPELINE_MAX || tcp_sendq_bytes(hc->tc) > HTTP_SENDQ_HIGH) {
			STAT_INC(http, read_stalls);
			return;
		}
		if (hc->in_off < hc->in_len) {
			size_t used = 0;
			if (!hc->req_started) {
				hc->req_started = 1;
				hc->req_start = http_now_ms();
				if (hc->nreq > 0 && hc->log_n > 0)
					STAT_INC(http, pipelined);
			}
			/* A request trickling in byte by byte resets TCP's idle
			 * timer forever; bound the whole request instead.  Checked
			 * when bytes arrive, which is exactly when such a client
			 * acts (a silent one meets the idle timer). */
			if (http_now_ms() - hc->req_start > HTTP_REQUEST_MS) {
				STAT_INC(http, request_timeout);
				hc->in_off = hc->in_len = 0;
				http_route_simple(&hc->req, 408, 1, &hc->resp);
				start_response(hc);
				continue;
			}
			enum http_parse_result pr = http_parse(&hc->req, hc->in + hc->in_off,
							      hc->in_len - hc->in_off, &used);
			hc->in_off = (uint16_t)(hc->in_off + used);
			if (pr == HTTP_PARSE_DONE) {
				http_route(&hc->req, site, &hc->resp);
				start_response(hc);
				continue;
			}
			if (pr == HTTP_PARSE_ERROR) {
				hc->in_off = hc->in_len = 0;   /* nothing after it is trusted */
				http_route_error(&hc->req, &hc->resp);
				start_response(hc);
				continue;
			}
			hc->in_off = hc->in_len = 0;       /* all consumed */
			arm_request_deadline(hc);
		}
		if (hc->eof) {
			/* The client is done: a half-received request can never
			 * complete, so it gets no answer. */
			if (hc->req_started)
				STAT_INC(http, eof_mid_request);
			begin_close(hc);
			return;
		}
		long n = tcp_read(hc->tc, hc->in, sizeof(hc->in));
		if (n > 0) {
			hc->in_off = 0;
			hc->in_len = (uint16_t)n;
			continue;
		}
		if (n == TCP_EOF) {
			hc->eof = 1;
			continue;
		}
		if (n == TCP_ERR)
			hc->closing = 1;        /* reset: TCP_EV_CLOSED follows */
		return;                         /* 0: nothing to read now */
	}
}

static void conn_free(struct http_conn *hc)
{
	lru_remove(hc);
	while (hc->log_n) {
		log_line(hc, &hc->logq[hc->log_head], " aborted");
		STAT_INC(http, aborted_responses);
		hc->log_head = (hc->log_head + 1) % HTTP_PIPELINE_MAX;
		hc->log_n--;
	}
	if (hc->sending)
		STAT_INC(http, aborted_responses);
	if (hc->gen)
		net_free(hc->gen);
	http_stats.conn_current--;
	net_free(hc);
}

static void on_event(void *arg, struct tcp_conn *c, unsigned events)
{
	struct http_conn *hc = arg;
	(void)c;
	if (events & TCP_EV_CLOSED) {
		/* The handle dies when we return; nothing more can be sent. */
		log_acked(hc);
		/* Ended by a timer or a reset while a request was part-received
		 * (the request deadline's close lands here). */
		if (hc->req_started && !hc->sending && !hc->closing)
			STAT_INC(http, closed_mid_request);
		conn_free(hc);
		return;
	}
	if (hc->closing) {
		/* Drain whatever the client still sends so its data never
		 * sits unread (which would turn our FIN into a RST). */
		uint8_t sink[256];
		while (tcp_read(c, sink, sizeof(sink)) > 0)
			;
		log_acked(hc);
	} else {
		pump(hc);
	}
	lru_file(hc);
}

/* Make room for a newcomer: RST the connection at the head of the
 * eviction list and forget it (tcp_abort frees the TCB with no
 * TIME_WAIT and sends us no TCP_EV_CLOSED).  0 if nothing is evictable. */
static int evict_one(void)
{
	struct http_conn *v = lru_head;
	if (!v)
		return 0;
	if (v->closing)
		STAT_INC(http, conn_evicted_closing);
	else if (v->req_started)
		STAT_INC(http, conn_evicted_partial);
	else
		STAT_INC(http, conn_evicted_idle);
	tcp_abort(v->tc);
	conn_free(v);
	return 1;
}

static void on_accept(void *arg, struct tcp_conn *c)
{
	(void)arg;
	if (http_stats.conn_current >= HTTP_MAX_CONNS && !evict_one()) {
		/* every connection held is sending a response: those win */
		STAT_INC(http, conn_refused);
		tcp_abort(c);
		return;
	}
	struct http_conn *hc = net_malloc(sizeof(*hc));
	if (!hc && evict_one())                 /* its memory is ours again */
		hc = net_malloc(sizeof(*hc));
	if (!hc) {
		STAT_INC(http, conn_nomem);
		STAT_INC(http, conn_refused);
		tcp_abort(c);
		return;
	}
	memset(hc, 0, sizeof(*hc));
	hc->tc = c;
	tcp_peer(c, &hc->peer_ip, &hc->peer_port);
	http_req_init(&hc->req);
	STAT_INC(http, conn_total);
	STAT_INC(http, conn_current);
	tcp_set_handler(c, on_event, hc);
	tcp_set_idle_timeout(c, HTTP_IDLE_MS);
	pump(hc);                               /* the request may already be here */
	lru_file(hc);
}

int http_server_start(uint16_t port, const struct content_table *t, uint64_t now)
{
	(void)now;
	site = t;
	lru_head = lru_tail = NULL;
	stats_register(&http_stat_group);
	return tcp_listen(port, on_accept, NULL);
}
