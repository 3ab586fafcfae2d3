/*
 * tests/host/test_http_server.c - the connection layer against a fake
 * tcp.h: keep-alive, pipelining answered in order and bounded, bodies by
 * reference, TCP back-pressure, close rules, EOF, the connection limit
 * (eviction of idle connections, oldest first; refusal only when all are
 * busy), the request deadline as a timer, the access log, and no leaks.
 *
 * The fake TCP "transmits" every queued byte at once into a per-connection
 * output buffer and holds it as unacknowledged until the test acks it.
 * Weak stubs for the stack's TCP entry points keep the real tcp*.o out of
 * this program (like support/nettest.h does for the lower layers).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include "check.h"
#include "site.h"
#include "support/hostsys.h"
#include "http/server.h"
#include "http/sys.h"
#include "net/net.h"
#include "net/tcp.h"

/* ---- the stack's TCP entry points, unused here ---- */
__attribute__((weak)) void tcp_input(struct pbuf *p, uint32_t s, uint32_t d, uint64_t now)
{
	(void)s, (void)d, (void)now;
	pbuf_free(p);
}
__attribute__((weak)) void tcp_init(uint64_t now) { (void)now; }
__attribute__((weak)) void tcp_timer(uint64_t now) { (void)now; }
__attribute__((weak)) void tcp_output_pending(uint64_t now) { (void)now; }
__attribute__((weak)) uint64_t tcp_next_deadline(uint64_t now) { (void)now; return NET_NO_DEADLINE; }
__attribute__((weak)) unsigned tcp_conn_count(void) { return 0; }

/* ---- http/sys.h ---- */
static uint64_t now_ms_;
uint64_t http_now_ms(void) { return now_ms_; }
size_t http_free_pages(void) { return 100; }
size_t http_total_pages(void) { return 200; }
int http_access_log_enabled(void) { return 1; }

/* ---- fake tcp.h ---- */
struct tcp_conn {
	tcp_event_fn fn;
	void *arg;
	uint8_t *rx;                  /* bytes the peer sent, not yet read */
	size_t rx_len, rx_off, rx_cap;
	int fin, reset;
	uint8_t *out;                 /* every byte queued, in order */
	size_t out_len, out_cap;
	size_t unacked;
	unsigned nq;                  /* chunks in the queue */
	unsigned chunk_limit;         /* writes fail when nq reaches it */
	int closed, aborted, in_cb, dead;
	uint32_t idle;
	unsigned refs_outside_site;   /* write_ref of bytes not in the site blob */
	unsigned copies, copy_bytes;
	unsigned long ref_bytes;
};

static tcp_accept_fn accept_fn;
static void *accept_arg;
static struct content_table *site;

int tcp_listen(uint16_t port, tcp_accept_fn fn, void *arg)
{
	(void)port;
	accept_fn = fn;
	accept_arg = arg;
	return 0;
}
void tcp_set_handler(struct tcp_conn *c, tcp_event_fn fn, void *arg)
{
	c->fn = fn;
	c->arg = arg;
}
long tcp_read(struct tcp_conn *c, void *buf, size_t len)
{
	CHECK(!c->dead);
	if (c->reset)
		return TCP_ERR;
	size_t n = c->rx_len - c->rx_off;
	if (n > len)
		n = len;
	if (n)
		memcpy(buf, c->rx + c->rx_off, n);
	c->rx_off += n;
	if (n)
		return (long)n;
	return c->fin ? TCP_EOF : 0;
}
static int fake_write(struct tcp_conn *c, const void *d, size_t len)
{
	CHECK(!c->dead);
	CHECK(!c->closed);            /* nothing may be queued after close */
	if (c->nq >= c->chunk_limit)
		return -1;
	if (c->out_len + len > c->out_cap) {
		c->out_cap = (c->out_len + len) * 2;
		c->out = realloc(c->out, c->out_cap);
	}
	memcpy(c->out + c->out_len, d, len);
	c->out_len += len;
	c->unacked += len;
	c->nq++;
	return 0;
}
int tcp_write_ref(struct tcp_conn *c, const void *d, size_t len)
{
	const uint8_t *p = d;
	if (p < site->blob || p + len > site->blob + site->total)
		c->refs_outside_site++;
	int r = fake_write(c, d, len);
	if (!r)
		c->ref_bytes += len;
	return r;
}
int tcp_write_copy(struct tcp_conn *c, const void *d, size_t len)
{
	int r = fake_write(c, d, len);
	if (!r) {
		c->copies++;
		c->copy_bytes += (unsigned)len;
	}
	return r;
}
size_t tcp_sendq_bytes(const struct tcp_conn *c) { return c->unacked; }
unsigned tcp_sendq_free_chunks(const struct tcp_conn *c) { return c->chunk_limit - c->nq; }
void tcp_flush(struct tcp_conn *c) { (void)c; }
void tcp_close(struct tcp_conn *c) { c->closed = 1; }
/* RST and gone: no event may follow, nothing may touch it (dead). */
void tcp_abort(struct tcp_conn *c)
{
	CHECK(!c->aborted);
	c->aborted = 1;
	c->dead = 1;
}
void tcp_set_idle_timeout(struct tcp_conn *c, uint32_t ms) { c->idle = ms; }
void tcp_peer(const struct tcp_conn *c, uint32_t *ip, uint16_t *port)
{
	(void)c;
	*ip = 0x0a000202;
	*port = 40000;
}

/* ---- driving it ---- */
static void deliver(struct tcp_conn *c, unsigned ev)
{
	CHECK(!c->in_cb);
	c->in_cb = 1;
	c->fn(c->arg, c, ev);
	c->in_cb = 0;
	if (ev & TCP_EV_CLOSED)
		c->dead = 1;
}

static struct tcp_conn *conn_new(void)
{
	struct tcp_conn *c = calloc(1, sizeof(*c));
	c->chunk_limit = TCP_SND_CHUNKS;
	accept_fn(accept_arg, c);
	return c;
}

static void conn_free_fake(struct tcp_conn *c)
{
	free(c->rx);
	free(c->out);
	free(c);
}

static void peer_send(struct tcp_conn *c, const void *d, size_t n)
{
	if (c->rx_len + n > c->rx_cap) {
		c->rx_cap = (c->rx_len + n) * 2;
		c->rx = realloc(c->rx, c->rx_cap);
	}
	memcpy(c->rx + c->rx_len, d, n);
	c->rx_len += n;
	deliver(c, TCP_EV_READ);
}
static void peer_sends(struct tcp_conn *c, const char *s) { peer_send(c, s, strlen(s)); }

static void ack_all(struct tcp_conn *c)
{
	c->unacked = 0;
	c->nq = 0;
	deliver(c, TCP_EV_WRITE);
}

/* Finish the connection from TCP's side and release the fake. */
static void conn_end(struct tcp_conn *c)
{
	deliver(c, TCP_EV_CLOSED);
	conn_free_fake(c);
}

/* Split c->out into responses.  head_only[i] says response i has no body
 * whatever its Content-Length says (HEAD, 304). */
struct parsed { int status; char head[1024]; const uint8_t *body; size_t body_len; };
static int split_responses(const struct tcp_conn *c, struct parsed *out, int max)
{
	size_t off = 0;
	int n = 0;
	while (off < c->out_len && n < max) {
		const uint8_t *p = c->out + off;
		const uint8_t *e = memmem(p, c->out_len - off, "\r\n\r\n", 4);
		if (!e)
			return -1;
		size_t hl = (size_t)(e + 4 - p);
		if (hl >= sizeof(out[n].head))
			return -1;
		memcpy(out[n].head, p, hl);
		out[n].head[hl] = 0;
		out[n].status = atoi(out[n].head + 9);
		const char *cl = strcasestr(out[n].head, "\r\nContent-Length: ");
		size_t bl = cl ? strtoul(cl + 18, NULL, 10) : 0;
		if (out[n].status == 304)
			bl = 0;
		out[n].body = p + hl;
		out[n].body_len = bl;
		if (off + hl + bl > c->out_len)
			return -1;
		off += hl + bl;
		n++;
	}
	return n;
}

static const char big_seed[] = "0123456789abcdef";
static char *big;                 /* HTTP_SENDQ_HIGH * 3 bytes */

static void setup(void)
{
	static struct site_file files[] = {
		{ "/index.html", "<h1>home</h1>\n", 0, "text/html; charset=utf-8" },
		{ "/a.txt", "AAAA", 0, "text/plain; charset=utf-8" },
		{ "/b.txt", "BB", 0, "text/plain; charset=utf-8" },
		{ "/big.bin", NULL, 0, "application/octet-stream" },
	};
	size_t bl = HTTP_SENDQ_HIGH * 3;
	big = malloc(bl);
	for (size_t i = 0; i < bl; i++)
		big[i] = big_seed[(i * 7 + i / 13) % 16];
	files[3].data = big;
	files[3].len = bl;
	site = site_build(files, 4);
	hostsys_log_capture(1);
	CHECK_EQ(http_server_start(80, site, 0), 0);
}

static const uint8_t *asset_bytes(const char *path, size_t *len)
{
	int i = content_lookup(site, path, strlen(path));
	*len = site->ent[i].len;
	return content_data(site, i);
}

static void test_one_get_by_reference(void)
{
	long before = hostsys_outstanding();
	struct tcp_conn *c = conn_new();
	CHECK_EQ(c->idle, HTTP_IDLE_MS);
	CHECK_EQ(http_stats.conn_current, 1);
	peer_sends(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
	struct parsed r[2];
	CHECK_EQ(split_responses(c, r, 2), 1);
	CHECK_EQ(r[0].status, 200);
	size_t len;
	const uint8_t *want = asset_bytes("/big.bin", &len);
	CHECK_EQ(r[0].body_len, len);
	CHECK(!memcmp(r[0].body, want, len));
	CHECK_EQ(c->refs_outside_site, 0);
	CHECK_EQ(c->ref_bytes, len);         /* the whole body went by reference */
	CHECK_EQ(c->copies, 1);              /* only the head was copied */
	CHECK(c->copy_bytes < 512);
	CHECK_EQ(c->closed, 0);
	ack_all(c);
	conn_end(c);
	CHECK_EQ(http_stats.conn_current, 0);
	CHECK_EQ(hostsys_outstanding(), before);
}

static void test_keepalive_sequence(void)
{
	struct tcp_conn *c = conn_new();
	uint64_t reuse = http_stats.keepalive_reuse;
	peer_sends(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	ack_all(c);
	peer_sends(c, "GET /b.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	ack_all(c);
	peer_sends(c, "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
	ack_all(c);
	struct parsed r[4];
	CHECK_EQ(split_responses(c, r, 4), 3);
	CHECK_EQ(r[0].status, 200);
	CHECK(r[0].body_len == 4 && !memcmp(r[0].body, "AAAA", 4));
	CHECK(r[1].body_len == 2 && !memcmp(r[1].body, "BB", 2));
	CHECK_EQ(r[2].status, 404);
	CHECK_EQ(c->closed, 0);
	CHECK_EQ(http_stats.keepalive_reuse - reuse, 2);
	conn_end(c);
}

static void test_pipelined_in_order(void)
{
	struct tcp_conn *c = conn_new();
	peer_sends(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
		      "HEAD /b.txt HTTP/1.1\r\nHost: x\r\n\r\n"
		      "GET /b.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	/* all three fit the pipeline (HTTP_PIPELINE_MAX >= 3 assumed) */
	CHECK(HTTP_PIPELINE_MAX >= 3);
	struct parsed r[4];
	/* HEAD's Content-Length describes no body: split by hand */
	const char *o = (const char *)c->out;
	const char *h2 = memmem(o, c->out_len, "HTTP/1.1 200 OK\r\n", 17);
	CHECK(h2 == o);
	CHECK_EQ(split_responses(c, r, 1), 1);
	CHECK(r[0].body_len == 4 && !memcmp(r[0].body, "AAAA", 4));
	const char *second = (const char *)r[0].body + 4;
	const char *end2 = memmem(second, c->out_len - (size_t)(second - o), "\r\n\r\n", 4);
	CHECK(end2 != NULL);
	if (end2) {
		const char *third = end2 + 4;
		CHECK(!strncmp(third, "HTTP/1.1 200 OK\r\n", 17));
		CHECK(!memcmp(o + c->out_len - 2, "BB", 2));
		/* the HEAD response carried Content-Length: 2 but no body */
		CHECK(memmem(second, (size_t)(end2 - second), "Content-Length: 2", 17) != NULL);
	}
	ack_all(c);
	conn_end(c);
}

static void test_byte_at_a_time(void)
{
	struct tcp_conn *c = conn_new();
	const char *req = "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n";
	for (size_t i = 0; req[i]; i++) {
		CHECK_EQ(c->out_len, 0);
		peer_send(c, req + i, 1);
	}
	struct parsed r[2];
	CHECK_EQ(split_responses(c, r, 2), 1);
	CHECK_EQ(r[0].status, 200);
	ack_all(c);
	conn_end(c);
}

static void test_pipeline_bounded(void)
{
	struct tcp_conn *c = conn_new();
	char many[2048] = "";
	for (int i = 0; i < 10; i++)
		strcat(many, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	peer_sends(c, many);
	struct parsed r[16];
	CHECK_EQ(split_responses(c, r, 16), HTTP_PIPELINE_MAX);
	uint64_t stalls = http_stats.read_stalls;
	CHECK(stalls > 0);
	int rounds = 0;
	while (split_responses(c, r, 16) < 10 && rounds++ < 20)
		ack_all(c);
	CHECK_EQ(split_responses(c, r, 16), 10);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(r[i].status, 200);
	ack_all(c);
	conn_end(c);
}

static void test_sendq_high_stops_reading(void)
{
	struct tcp_conn *c = conn_new();
	peer_sends(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	struct parsed r[3];
	CHECK_EQ(split_responses(c, r, 3), 1);      /* the second waits for acks */
	size_t rx_left = c->rx_len - c->rx_off;
	(void)rx_left;
	ack_all(c);
	CHECK_EQ(split_responses(c, r, 3), 2);
	CHECK(r[1].body_len == 4 && !memcmp(r[1].body, "AAAA", 4));
	ack_all(c);
	conn_end(c);
}

static void test_unread_bytes_stay_in_tcp(void)
{
	/* While stalled the server must leave later requests in TCP's buffer
	 * (that is what closes the window on a greedy client). */
	struct tcp_conn *c = conn_new();
	char many[8192] = "";
	for (int i = 0; i < 100; i++)
		strcat(many, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
	peer_sends(c, many);
	CHECK(c->rx_len - c->rx_off > 1000);
	CHECK(c->rx_off <= HTTP_INBUF);
	struct parsed r[4];
	CHECK_EQ(split_responses(c, r, 4), 1);
	c->unacked = 0;
	c->nq = 0;
	deliver(c, TCP_EV_CLOSED);                  /* peer vanishes mid-way */
	conn_free_fake(c);
	CHECK_EQ(http_stats.conn_current, 0);
}

static void test_write_blocked_then_resumed(void)
{
	struct tcp_conn *c = conn_new();
	c->chunk_limit = 0;                         /* TCP takes nothing */
	uint64_t again = http_stats.write_again;
	peer_sends(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_EQ(c->out_len, 0);
	CHECK(http_stats.write_again > again);
	c->chunk_limit = 1;                         /* room for the head only */
	deliver(c, TCP_EV_WRITE);
	struct parsed r[2];
	CHECK(c->out_len > 0);
	CHECK_EQ(split_responses(c, r, 2), -1);     /* head without body yet */
	c->chunk_limit = TCP_SND_CHUNKS;
	ack_all(c);
	CHECK_EQ(split_responses(c, r, 2), 1);
	CHECK(r[0].body_len == 4 && !memcmp(r[0].body, "AAAA", 4));
	ack_all(c);
	conn_end(c);
}

static void test_close_rules(void)
{
	struct tcp_conn *c = conn_new();
	peer_sends(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
		      "GET /b.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	struct parsed r[3];
	CHECK_EQ(split_responses(c, r, 3), 1);      /* nothing after close */
	CHECK_EQ(c->closed, 1);
	ack_all(c);
	peer_sends(c, "GET /b.txt HTTP/1.1\r\nHost: x\r\n\r\n");   /* drained, ignored */
	CHECK_EQ(split_responses(c, r, 3), 1);
	conn_end(c);

	c = conn_new();
	peer_sends(c, "GET /a.txt HTTP/1.0\r\n\r\n");
	CHECK_EQ(c->closed, 1);
	ack_all(c);
	conn_end(c);

	c = conn_new();
	peer_sends(c, "GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
	CHECK_EQ(c->closed, 0);
	CHECK(strstr((char *)c->out, "Connection: keep-alive\r\n") != NULL);
	ack_all(c);
	conn_end(c);

	/* malformed: answered, then closed, the rest ignored */
	c = conn_new();
	peer_sends(c, "GET / HTTP/1.1\r\nHost: x\r\n bad fold\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_EQ(split_responses(c, r, 3), 1);
	CHECK_EQ(r[0].status, 400);
	CHECK_EQ(c->closed, 1);
	conn_end(c);
}

static void test_eof(void)
{
	struct tcp_conn *c = conn_new();
	c->fin = 1;
	peer_sends(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	struct parsed r[2];
	CHECK_EQ(split_responses(c, r, 2), 1);      /* answered, then closed */
	CHECK_EQ(c->closed, 1);
	ack_all(c);
	conn_end(c);

	uint64_t mid = http_stats.eof_mid_request;
	c = conn_new();
	c->fin = 1;
	peer_sends(c, "GET /a.txt HTTP/1.1\r\nHo");
	CHECK_EQ(c->out_len, 0);
	CHECK_EQ(c->closed, 1);
	CHECK_EQ(http_stats.eof_mid_request, mid + 1);
	conn_end(c);

	c = conn_new();
	c->reset = 1;
	peer_sends(c, "GET");
	CHECK_EQ(c->out_len, 0);
	conn_end(c);
}

static void test_slow_request_gets_408(void)
{
	struct tcp_conn *c = conn_new();
	uint64_t t0 = now_ms_ = 50000;
	peer_sends(c, "GET /a.txt HTTP/1.1\r\nHo");
	now_ms_ = t0 + HTTP_REQUEST_MS - 1;            /* just in time: still parsing */
	peer_sends(c, "s");
	CHECK_EQ(c->out_len, 0);
	now_ms_ = t0 + HTTP_REQUEST_MS + 1;            /* one byte too late */
	peer_sends(c, "t");
	struct parsed r[2];
	CHECK_EQ(split_responses(c, r, 2), 1);
	CHECK_EQ(r[0].status, 408);
	CHECK_EQ(c->closed, 1);
	ack_all(c);
	conn_end(c);
	/* a fresh request on a kept-alive connection gets its own clock */
	c = conn_new();
	now_ms_ = t0;
	peer_sends(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	ack_all(c);
	now_ms_ = t0 + HTTP_REQUEST_MS * 3;
	peer_sends(c, "GET /b.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_EQ(split_responses(c, r, 2), 2);
	CHECK_EQ(r[1].status, 200);
	ack_all(c);
	conn_end(c);
	now_ms_ = 0;
}

static void test_stats_json_served(void)
{
	struct tcp_conn *c = conn_new();
	peer_sends(c, "GET /api/stats.json HTTP/1.1\r\nHost: x\r\n\r\n");
	struct parsed r[2];
	CHECK_EQ(split_responses(c, r, 2), 1);
	CHECK_EQ(r[0].status, 200);
	CHECK(strstr(r[0].head, "Content-Type: application/json\r\n") != NULL);
	CHECK(r[0].body_len > 100);
	CHECK(r[0].body[0] == '{');
	if (!memmem(r[0].body, r[0].body_len, "\"connections\":{\"current\":1,", 27))
		printf("  %.*s\n", (int)r[0].body_len, r[0].body);
	CHECK(memmem(r[0].body, r[0].body_len, "\"connections\":{\"current\":1,", 27) != NULL);
	CHECK_EQ(c->refs_outside_site, 0);
	ack_all(c);
	peer_sends(c, "HEAD /api/stats.json HTTP/1.1\r\nHost: x\r\n\r\n");
	ack_all(c);
	CHECK_EQ(c->closed, 0);
	conn_end(c);

	/* no memory for the JSON: 500 and close, no leak */
	long before = hostsys_outstanding();
	c = conn_new();
	hostsys_fail_malloc_after(0);
	peer_sends(c, "GET /api/stats.json HTTP/1.1\r\nHost: x\r\n\r\n");
	hostsys_fail_malloc_after(-1);
	CHECK_EQ(split_responses(c, r, 2), 1);
	CHECK_EQ(r[0].status, 500);
	CHECK_EQ(c->closed, 1);
	conn_end(c);
	CHECK_EQ(hostsys_outstanding(), before);
}

/* HTTP_MAX_CONNS fakes: cs[i] for i < n are held by the server. */
static struct tcp_conn *cs[HTTP_MAX_CONNS + 2];

static void fill(int n)
{
	for (int i = 0; i < n; i++) {
		cs[i] = conn_new();
		CHECK_EQ(cs[i]->aborted, 0);
	}
	CHECK_EQ(http_stats.conn_current, (uint64_t)n);
}

/* End every fake in cs[0..n) the server still holds; free them all. */
static void end_all(int n)
{
	for (int i = 0; i < n; i++) {
		if (!cs[i])
			continue;
		if (cs[i]->aborted)
			conn_free_fake(cs[i]);
		else
			conn_end(cs[i]);
		cs[i] = NULL;
	}
	CHECK_EQ(http_stats.conn_current, 0);
	CHECK_EQ(http_stats.conn_idle_now, 0);
}

static void test_conn_limit_evicts_oldest_idle(void)
{
	long before = hostsys_outstanding();
	uint64_t refused = http_stats.conn_refused, idle = http_stats.conn_evicted_idle;
	fill(HTTP_MAX_CONNS);
	CHECK_EQ(http_stats.conn_idle_now, HTTP_MAX_CONNS);
	/* at the limit: the newcomer is taken, the oldest idle one goes */
	cs[HTTP_MAX_CONNS] = conn_new();
	CHECK_EQ(cs[HTTP_MAX_CONNS]->aborted, 0);
	CHECK_EQ(cs[0]->aborted, 1);
	CHECK_EQ(cs[1]->aborted, 0);
	CHECK_EQ(http_stats.conn_evicted_idle, idle + 1);
	CHECK_EQ(http_stats.conn_refused, refused);
	CHECK_EQ(http_stats.conn_current, HTTP_MAX_CONNS);
	/* and the newcomer works */
	peer_sends(cs[HTTP_MAX_CONNS], "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	struct parsed r[2];
	CHECK_EQ(split_responses(cs[HTTP_MAX_CONNS], r, 2), 1);
	CHECK_EQ(r[0].status, 200);
	ack_all(cs[HTTP_MAX_CONNS]);
	/* the next one takes the next oldest, not the newcomer */
	cs[HTTP_MAX_CONNS + 1] = conn_new();
	CHECK_EQ(cs[1]->aborted, 1);
	CHECK_EQ(cs[2]->aborted, 0);
	CHECK_EQ(cs[HTTP_MAX_CONNS]->aborted, 0);
	CHECK_EQ(http_stats.conn_evicted_idle, idle + 2);
	end_all(HTTP_MAX_CONNS + 2);
	CHECK_EQ(hostsys_outstanding(), before);
}

static void test_evict_spares_busy(void)
{
	long before = hostsys_outstanding();
	fill(HTTP_MAX_CONNS);
	/* the two oldest are mid-response: one still queueing (TCP full),
	 * one fully queued but unacknowledged */
	cs[0]->chunk_limit = 1;
	peer_sends(cs[0], "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
	peer_sends(cs[1], "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK(cs[0]->out_len > 0 && cs[1]->out_len > 0);
	CHECK_EQ(http_stats.conn_idle_now, HTTP_MAX_CONNS - 2);
	cs[HTTP_MAX_CONNS] = conn_new();
	CHECK_EQ(cs[HTTP_MAX_CONNS]->aborted, 0);
	CHECK_EQ(cs[0]->aborted, 0);
	CHECK_EQ(cs[1]->aborted, 0);
	CHECK_EQ(cs[2]->aborted, 1);               /* the oldest idle one */
	/* cs[1]'s response is acknowledged: it is an idle keep-alive now,
	 * and the youngest idle one, so cs[3] goes before it */
	ack_all(cs[1]);
	cs[HTTP_MAX_CONNS + 1] = conn_new();
	CHECK_EQ(cs[3]->aborted, 1);
	CHECK_EQ(cs[1]->aborted, 0);
	cs[0]->chunk_limit = TCP_SND_CHUNKS;
	ack_all(cs[0]);
	ack_all(cs[0]);
	struct parsed r[2];
	CHECK_EQ(split_responses(cs[0], r, 2), 1);  /* delivered whole */
	CHECK_EQ(r[0].status, 200);
	end_all(HTTP_MAX_CONNS + 2);
	CHECK_EQ(hostsys_outstanding(), before);
}

static void test_refused_only_when_all_busy(void)
{
	long before = hostsys_outstanding();
	uint64_t refused = http_stats.conn_refused, idle = http_stats.conn_evicted_idle;
	fill(HTTP_MAX_CONNS);
	for (int i = 0; i < HTTP_MAX_CONNS; i++)
		peer_sends(cs[i], "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_EQ(http_stats.conn_idle_now, 0);
	struct tcp_conn *c = conn_new();
	CHECK_EQ(c->aborted, 1);
	CHECK_EQ(http_stats.conn_refused, refused + 1);
	CHECK_EQ(http_stats.conn_evicted_idle, idle);
	conn_free_fake(c);
	for (int i = 0; i < HTTP_MAX_CONNS; i++)
		CHECK_EQ(cs[i]->aborted, 0);
	/* one response is acknowledged: that keep-alive connection is idle
	 * and is the one that makes room */
	ack_all(cs[5]);
	cs[HTTP_MAX_CONNS] = conn_new();
	CHECK_EQ(cs[HTTP_MAX_CONNS]->aborted, 0);
	CHECK_EQ(cs[5]->aborted, 1);
	CHECK_EQ(http_stats.conn_evicted_idle, idle + 1);
	CHECK_EQ(http_stats.conn_refused, refused + 1);
	for (int i = 0; i < HTTP_MAX_CONNS; i++)
		if (!cs[i]->aborted)
			ack_all(cs[i]);
	end_all(HTTP_MAX_CONNS + 1);
	CHECK_EQ(hostsys_outstanding(), before);
}

static void test_evict_order_partial_and_closing(void)
{
	long before = hostsys_outstanding();
	uint64_t partial = http_stats.conn_evicted_partial;
	uint64_t closing = http_stats.conn_evicted_closing;
	uint64_t idle = http_stats.conn_evicted_idle;
	now_ms_ = 1000;
	fill(HTTP_MAX_CONNS);
	/* cs[0]: a slowloris that keeps trickling header lines; sending
	 * does not make it younger */
	peer_sends(cs[0], "GET / HTTP/1.1\r\n");
	for (int i = 0; i < 3; i++) {
		now_ms_ += 4000;
		peer_sends(cs[0], "X-a: b\r\n");
	}
	/* cs[9]: answered with Connection: close and acknowledged, waiting
	 * for the FIN handshake: the cheapest of all to reset */
	peer_sends(cs[9], "GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	CHECK_EQ(cs[9]->closed, 1);
	ack_all(cs[9]);
	cs[HTTP_MAX_CONNS] = conn_new();
	CHECK_EQ(cs[9]->aborted, 1);
	CHECK_EQ(cs[0]->aborted, 0);
	CHECK_EQ(http_stats.conn_evicted_closing, closing + 1);
	cs[HTTP_MAX_CONNS + 1] = conn_new();
	CHECK_EQ(cs[0]->aborted, 1);               /* then the oldest: the slow one */
	CHECK_EQ(cs[1]->aborted, 0);
	CHECK_EQ(http_stats.conn_evicted_partial, partial + 1);
	CHECK_EQ(http_stats.conn_evicted_idle, idle);
	CHECK_EQ(cs[0]->out_len, 0);                /* it never got an answer */
	end_all(HTTP_MAX_CONNS + 2);
	CHECK_EQ(hostsys_outstanding(), before);
	now_ms_ = 0;
}

static void test_conn_limit_nomem(void)
{
	long before = hostsys_outstanding();
	uint64_t nomem = http_stats.conn_nomem, idle = http_stats.conn_evicted_idle;
	/* no memory and nothing to evict: refused */
	hostsys_fail_malloc_after(0);
	struct tcp_conn *c = conn_new();
	hostsys_fail_malloc_after(-1);
	CHECK_EQ(c->aborted, 1);
	CHECK_EQ(http_stats.conn_nomem, nomem + 1);
	conn_free_fake(c);
	/* no memory below the limit: an idle connection is given up for the
	 * newcomer (its memory would be the newcomer's); the fake heap stays
	 * empty, so here the newcomer is still refused */
	fill(3);
	hostsys_fail_malloc_after(0);
	c = conn_new();
	hostsys_fail_malloc_after(-1);
	CHECK_EQ(c->aborted, 1);
	CHECK_EQ(cs[0]->aborted, 1);
	CHECK_EQ(cs[1]->aborted, 0);
	CHECK_EQ(http_stats.conn_evicted_idle, idle + 1);
	CHECK_EQ(http_stats.conn_nomem, nomem + 2);
	conn_free_fake(c);
	end_all(3);
	CHECK_EQ(hostsys_outstanding(), before);
}

/* A request trickling in is bounded by HTTP_REQUEST_MS as a timer, not
 * only when a byte comes: once TCP's idle timer would outlast the
 * deadline it is cut to the time left, and restored when the request
 * completes. */
static void test_request_deadline_timer(void)
{
	uint64_t t0 = now_ms_ = 100000;
	uint64_t mid = http_stats.closed_mid_request;
	struct tcp_conn *c = conn_new();
	peer_sends(c, "GET /a.txt HTTP/1.1\r\n");
	CHECK_EQ(c->idle, HTTP_IDLE_MS);            /* idle timer ends first */
	now_ms_ = t0 + HTTP_REQUEST_MS - HTTP_IDLE_MS + 1000;
	peer_sends(c, "X-a: b\r\n");
	CHECK_EQ(c->idle, HTTP_IDLE_MS - 1000);     /* deadline - now */
	now_ms_ = t0 + HTTP_REQUEST_MS - 10;
	peer_sends(c, "X-a: b\r\n");
	CHECK_EQ(c->idle, 10);
	/* TCP's idle timer fires at the deadline: closed, counted, freed */
	now_ms_ = t0 + HTTP_REQUEST_MS;
	conn_end(c);
	CHECK_EQ(http_stats.closed_mid_request, mid + 1);
	CHECK_EQ(http_stats.conn_current, 0);

	/* a slow request that does complete in time: answered, and the next
	 * request on the connection gets the whole idle period again */
	now_ms_ = t0;
	c = conn_new();
	peer_sends(c, "GET /a.txt HTTP/1.1\r\n");
	now_ms_ = t0 + HTTP_REQUEST_MS - 100;
	peer_sends(c, "Host: x\r\n");
	CHECK_EQ(c->idle, 100);
	peer_sends(c, "\r\n");
	CHECK_EQ(c->idle, HTTP_IDLE_MS);
	struct parsed r[2];
	CHECK_EQ(split_responses(c, r, 2), 1);
	CHECK_EQ(r[0].status, 200);
	ack_all(c);
	conn_end(c);
	CHECK_EQ(http_stats.closed_mid_request, mid + 1);
	now_ms_ = 0;
}

static void test_access_log(void)
{
	hostsys_log_clear();
	struct tcp_conn *c = conn_new();
	now_ms_ = 1000;
	peer_sends(c, "GET /a.txt?q=\x01 HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_EQ(hostsys_log_count("http: "), 0);   /* not until acknowledged */
	now_ms_ = 1007;
	ack_all(c);
	/* the parser refuses the control byte (400); it never reaches the log */
	CHECK(hostsys_log_contains("http: 10.0.2.2:40000 GET /a.txt?q= 400 "));
	CHECK(!hostsys_log_contains("\x01"));
	conn_end(c);
}

static void test_access_log_line(void)
{
	hostsys_log_clear();
	struct tcp_conn *c = conn_new();
	now_ms_ = 2000;
	peer_sends(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	now_ms_ = 2012;
	ack_all(c);
	CHECK_EQ(hostsys_log_count("http: "), 1);
	char want[128];
	size_t head = c->out_len - 4;
	snprintf(want, sizeof(want), "http: 10.0.2.2:40000 GET /a.txt 200 %zu 12ms\n", head + 4);
	CHECK(hostsys_log_contains(want));
	/* unacknowledged at close: logged as aborted */
	peer_sends(c, "GET /b.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	conn_end(c);
	CHECK(hostsys_log_contains("GET /b.txt 200"));
	CHECK(hostsys_log_contains("aborted"));
}

int main(void)
{
	RUN(setup);
	RUN(test_one_get_by_reference);
	RUN(test_keepalive_sequence);
	RUN(test_pipelined_in_order);
	RUN(test_byte_at_a_time);
	RUN(test_pipeline_bounded);
	RUN(test_sendq_high_stops_reading);
	RUN(test_unread_bytes_stay_in_tcp);
	RUN(test_write_blocked_then_resumed);
	RUN(test_close_rules);
	RUN(test_eof);
	RUN(test_slow_request_gets_408);
	RUN(test_stats_json_served);
	RUN(test_conn_limit_evicts_oldest_idle);
	RUN(test_evict_spares_busy);
	RUN(test_refused_only_when_all_busy);
	RUN(test_evict_order_partial_and_closing);
	RUN(test_conn_limit_nomem);
	RUN(test_request_deadline_timer);
	RUN(test_access_log);
	RUN(test_access_log_line);
	return check_done();
}
