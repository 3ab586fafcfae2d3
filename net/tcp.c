/*
 * net/tcp.c - the TCB table, initial sequence numbers, and the socket-like
 * API of tcp.h (read, write by reference or copy, close, abort, events).
 *
 * TCBs live in a fixed pool of TCP_MAX_CONNS, hashed by 4-tuple.  A TCB
 * that is over is "released": unhashed, state CLOSED, its owner told
 * TCP_EV_CLOSED, and only freed ("reaped") when control is back at the
 * top of an entry point, so neither a handler that aborts its own
 * connection nor a timer walk ever touches freed memory.
 */
#include "tcp_internal.h"
#include "sys.h"

STATS_DEFINE(tcp, TCP_STATS)

const char *const tcp_state_names[TCPS_NSTATES] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
	"CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK", "FIN_WAIT_2",
	"TIME_WAIT",
};

#define TCP_HASH_SIZE 1024u          /* buckets; power of two */
_Static_assert((TCP_HASH_SIZE & (TCP_HASH_SIZE - 1)) == 0, "hash size");

static struct tcp_conn pool[TCP_MAX_CONNS];
static struct tcp_conn *freelist;
static struct tcp_conn *hashtab[TCP_HASH_SIZE];
static struct tcp_conn *reaplist;
static unsigned nconns;
static unsigned depth;               /* nesting of entry points */
struct tcp_conn *tcp_active;
struct tcp_listener tcp_listeners[TCP_MAX_LISTEN];
uint64_t tcp_now;

static uint64_t isn_key[2], hash_key[2];
static uint32_t forced_iss;
static int iss_forced;

/* ---- keyed hash (SipHash-2-4 over the 4-tuple), for ISNs and buckets ---- */

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do { \
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); } while (0)

/* SipHash-2-4 of the two 64-bit words m0, m1 (16 bytes of message). */
static uint64_t siphash2(const uint64_t k[2], uint64_t m0, uint64_t m1)
{
	uint64_t v0 = k[0] ^ 0x736f6d6570736575ull, v1 = k[1] ^ 0x646f72616e646f6dull;
	uint64_t v2 = k[0] ^ 0x6c7967656e657261ull, v3 = k[1] ^ 0x7465646279746573ull;
	uint64_t m[3] = { m0, m1, (uint64_t)16 << 56 };
	for (int i = 0; i < 3; i++) {
		v3 ^= m[i];
		SIPROUND; SIPROUND;
		v0 ^= m[i];
	}
	v2 ^= 0xff;
	SIPROUND; SIPROUND; SIPROUND; SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t tuple_hash(const uint64_t k[2], uint32_t lip, uint16_t lport,
			   uint32_t rip, uint16_t rport)
{
	return siphash2(k, (uint64_t)lip << 32 | rip, (uint64_t)lport << 16 | rport);
}

/* RFC 6528: ISN = M + F(4-tuple, secret), M a clock ticking every 4 us. */
uint32_t tcp_new_iss(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
	if (iss_forced) {
		iss_forced = 0;
		return forced_iss;
	}
	return (uint32_t)tuple_hash(isn_key, lip, lport, rip, rport) + (uint32_t)(tcp_now * 250);
}

void tcp_test_force_iss(uint32_t iss)
{
	forced_iss = iss;
	iss_forced = 1;
}

/* Bucket of a 4-tuple: every segment pays for this, so a cheap keyed mix
 * (multiply-xorshift) rather than SipHash; the random key keeps an outsider
 * from aiming many tuples at one chain, and a chain is bounded by the table
 * anyway. */
static unsigned bucket(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
	uint32_t h = (rip ^ (uint32_t)hash_key[0]) * 0x9e3779b1u;
	h ^= ((uint32_t)lport << 16 | rport) ^ (uint32_t)(hash_key[0] >> 32);
	h ^= lip ^ (uint32_t)hash_key[1];
	/* murmur3's finalizer: every input bit reaches the low bits */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h & (TCP_HASH_SIZE - 1);
}

/* ---- the table ---- */

struct tcp_conn *tcp_lookup(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
	struct tcp_conn *c = hashtab[bucket(lip, lport, rip, rport)];
	for (; c; c = c->hnext)
		if (c->rip == rip && c->rport == rport && c->lport == lport && c->lip == lip)
			return c;
	return NULL;
}

struct tcp_listener *tcp_find_listener(uint16_t port)
{
	for (unsigned i = 0; i < TCP_MAX_LISTEN; i++)
		if (tcp_listeners[i].port == port)
			return &tcp_listeners[i];
	return NULL;
}

static uint64_t *state_gauge(enum tcp_state s)
{
	switch (s) {
	case TCPS_SYN_RECEIVED: return &tcp_stats.cur_syn_received;
	case TCPS_ESTABLISHED: return &tcp_stats.cur_established;
	case TCPS_CLOSE_WAIT: return &tcp_stats.cur_close_wait;
	case TCPS_FIN_WAIT_1: return &tcp_stats.cur_fin_wait_1;
	case TCPS_CLOSING: return &tcp_stats.cur_closing;
	case TCPS_LAST_ACK: return &tcp_stats.cur_last_ack;
	case TCPS_FIN_WAIT_2: return &tcp_stats.cur_fin_wait_2;
	case TCPS_TIME_WAIT: return &tcp_stats.cur_time_wait;
	default: return NULL;
	}
}

void tcp_set_state(struct tcp_conn *c, enum tcp_state s)
{
	uint64_t *g = state_gauge(c->state);
	if (g)
		(*g)--;
	c->state = s;
	g = state_gauge(s);
	if (g)
		(*g)++;
}

static void unhash(struct tcp_conn *c)
{
	if (!c->hashed)
		return;
	struct tcp_conn **pp = &hashtab[bucket(c->lip, c->lport, c->rip, c->rport)];
	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	c->hashed = 0;
}

struct tcp_conn *tcp_conn_new(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
	struct tcp_conn *c = freelist;
	if (!c)
		return NULL;
	uint8_t *rbuf = net_malloc(TCP_RCV_BUF);
	if (!rbuf) {
		STAT_INC(tcp, drop_nomem);
		return NULL;
	}
	freelist = c->hnext;
	memset(c, 0, sizeof(*c));
	c->inuse = 1;
	c->rbuf = rbuf;
	c->state = TCPS_CLOSED;
	c->lip = lip; c->lport = lport; c->rip = rip; c->rport = rport;
	c->rto = TCP_RTO_INIT_MS;
	c->snd_mss = TCP_MSS_DEFAULT;
	c->ssthresh = 0x7fffffff;
	c->t_rexmt = c->t_persist = c->t_delack = c->t_2msl = c->t_rack = TCP_NO_TIMER;
	c->last_data = tcp_now;
	c->idle_ms = TCP_IDLE_MS;

	unsigned b = bucket(lip, lport, rip, rport);
	c->hnext = hashtab[b];
	hashtab[b] = c;
	c->hashed = 1;
	c->anext = tcp_active;
	if (tcp_active)
		tcp_active->aprev = c;
	tcp_active = c;
	nconns++;
	return c;
}

static void sq_free_all(struct tcp_conn *c)
{
	while (c->sq_count) {
		struct tcp_chunk *k = &c->sq[c->sq_head];
		if (k->owned)
			net_free((void *)k->data);
		c->sq_head = (c->sq_head + 1) % TCP_SND_CHUNKS;
		c->sq_count--;
	}
	c->sq_bytes = 0;
	c->sq_off = 0;
}

/* The connection is over.  Unhash it (no more input reaches it), stop its
 * timers, tell the owner, and leave the memory to tcp_reap(). */
void tcp_release(struct tcp_conn *c)
{
	if (c->dead)
		return;
	if (c->listener)             /* still half-open: give the backlog slot back */
		tcp_half_remove(c);
	unhash(c);
	tcp_set_state(c, TCPS_CLOSED);
	c->t_rexmt = c->t_persist = c->t_delack = c->t_2msl = c->t_rack = TCP_NO_TIMER;
	c->blocked = 0;
	c->dead = 1;
	c->znext = reaplist;
	reaplist = c;
	if (!c->detached)
		c->ev |= TCP_EV_CLOSED;
	if (depth == 0) {
		tcp_deliver(c);
		tcp_reap();
	}
}

static void reap_head(void);

void tcp_reap(void)
{
	while (reaplist) {
		if (reaplist->in_cb)     /* its handler is still running */
			return;
		reap_head();
	}
}

/* Free the TCB at the head of the reap list. */
static void reap_head(void)
{
	struct tcp_conn *c = reaplist;
	reaplist = c->znext;
	sq_free_all(c);
	net_free(c->rbuf);
	c->rbuf = NULL;
	if (c->aprev)
		c->aprev->anext = c->anext;
	else
		tcp_active = c->anext;
	if (c->anext)
		c->anext->aprev = c->aprev;
	c->inuse = 0;
	c->hnext = freelist;
	freelist = c;
	nconns--;
}

/* Free a just-released, ownerless TCB at once rather than at the end of
 * the entry point, when the caller needs its slot (release put it at the
 * head of the reap list). */
void tcp_free_now(struct tcp_conn *c)
{
	if (reaplist == c && !c->in_cb)
		reap_head();
}

/* The table is full and a SYN waits: a TIME_WAIT TCB has no owner and
 * only guards against old duplicates, so it is the cheapest to give up. */
int tcp_recycle_timewait(void)
{
	for (struct tcp_conn *c = tcp_active; c; c = c->anext) {
		if (c->dead || c->state != TCPS_TIME_WAIT || c->in_cb)
			continue;
		c->detached = 1;
		tcp_release(c);
		tcp_free_now(c);
		STAT_INC(tcp, tw_recycled);
		return 1;
	}
	return 0;
}

void tcp_half_add(struct tcp_conn *c, struct tcp_listener *l)
{
	c->listener = l;
	c->half_next = NULL;
	c->half_prev = l->half_tail;
	if (l->half_tail)
		l->half_tail->half_next = c;
	else
		l->half_head = c;
	l->half_tail = c;
	l->n_half++;
}

void tcp_half_remove(struct tcp_conn *c)
{
	struct tcp_listener *l = c->listener;
	if (c->half_prev)
		c->half_prev->half_next = c->half_next;
	else
		l->half_head = c->half_next;
	if (c->half_next)
		c->half_next->half_prev = c->half_prev;
	else
		l->half_tail = c->half_prev;
	c->half_next = c->half_prev = NULL;
	c->listener = NULL;
	l->n_half--;
}

/* SYN_RECEIVED -> ESTABLISHED done: hand the connection to the listener's
 * owner, who sets a handler; events queued meanwhile follow. */
void tcp_accept(struct tcp_conn *c, struct tcp_listener *l)
{
	if (l->on_accept) {
		c->in_cb = 1;
		l->on_accept(l->arg, c);
		c->in_cb = 0;
	}
	tcp_deliver(c);
}

void tcp_enter(uint64_t now)
{
	if (now > tcp_now)
		tcp_now = now;
	depth++;
}

void tcp_leave(void)
{
	if (--depth == 0)
		tcp_reap();
}

/* Hand pending events to the owner.  A handler may call any API function,
 * including tcp_abort on this very connection: output it asks for is done
 * after it returns, and the TCB is only freed by tcp_reap(). */
void tcp_deliver(struct tcp_conn *c)
{
	if (c->in_cb)
		return;
	while (c->ev) {
		unsigned ev = c->ev;
		c->ev = 0;
		if (!c->detached && c->handler) {
			c->in_cb = 1;
			c->handler(c->harg, c, ev);
			c->in_cb = 0;
		}
		if (ev & TCP_EV_CLOSED)
			c->detached = 1;
	}
	if (c->want_output && !c->dead) {
		c->want_output = 0;
		tcp_output(c);
	}
}

/* Output now, or after the running handler returns (so a handler that
 * writes a header and then a body sends full segments). */
static void kick(struct tcp_conn *c)
{
	if (c->in_cb)
		c->want_output = 1;
	else if (!c->dead)
		tcp_output(c);
}

/* ---- the API ---- */

void tcp_init(uint64_t now)
{
	/* also used between host tests: give back whatever is still held */
	for (unsigned i = 0; i < TCP_MAX_CONNS; i++) {
		struct tcp_conn *c = &pool[i];
		if (c->inuse) {
			sq_free_all(c);
			net_free(c->rbuf);
		}
	}
	memset(pool, 0, sizeof(pool));
	memset(hashtab, 0, sizeof(hashtab));
	memset(tcp_listeners, 0, sizeof(tcp_listeners));
	memset(&tcp_stats, 0, sizeof(tcp_stats));
	freelist = NULL;
	for (unsigned i = TCP_MAX_CONNS; i-- > 0;) {
		pool[i].hnext = freelist;
		freelist = &pool[i];
	}
	tcp_active = NULL;
	reaplist = NULL;
	nconns = 0;
	depth = 0;
	iss_forced = 0;
	tcp_due_hint = TCP_NO_TIMER;
	tcp_any_blocked = 0;
	tcp_now = now;
	for (int i = 0; i < 2; i++) {
		isn_key[i] = (uint64_t)net_random32() << 32 | net_random32();
		hash_key[i] = (uint64_t)net_random32() << 32 | net_random32();
	}
}

int tcp_listen(uint16_t port, tcp_accept_fn on_accept, void *arg)
{
	if (port == 0 || tcp_find_listener(port))
		return -1;
	struct tcp_listener *l = tcp_find_listener(0);
	if (!l)
		return -1;
	l->port = port;
	l->on_accept = on_accept;
	l->arg = arg;
	l->n_half = 0;
	l->half_head = l->half_tail = NULL;
	return 0;
}

void tcp_set_handler(struct tcp_conn *c, tcp_event_fn fn, void *arg)
{
	c->handler = fn;
	c->harg = arg;
}

/* After the application read: advertise the freed space if it is worth a
 * segment of its own (receiver SWS avoidance, RFC 9293 3.8.6.2.2). */
void tcp_rcv_update_window(struct tcp_conn *c)
{
	uint32_t edge = tcp_rcv_edge(c);
	uint32_t thresh = 2u * c->snd_mss < TCP_RCV_BUF / 2 ? 2u * c->snd_mss : TCP_RCV_BUF / 2;
	if (SEQ_GT(edge, c->rcv_adv) && edge - c->rcv_adv >= thresh) {
		c->ack_now = 1;
		STAT_INC(tcp, winupdate_out);
	}
}

long tcp_read(struct tcp_conn *c, void *buf, size_t len)
{
	if (c->reset)
		return TCP_ERR;
	size_t n = len < c->rb_len ? len : c->rb_len;
	uint8_t *d = buf;
	size_t first = TCP_RCV_BUF - c->rb_head;
	if (first > n)
		first = n;
	memcpy(d, c->rbuf + c->rb_head, first);
	memcpy(d + first, c->rbuf, n - first);
	c->rb_head = (uint32_t)((c->rb_head + n) % TCP_RCV_BUF);
	c->rb_len -= (uint32_t)n;
	if (n > 0) {
		if (c->state >= TCPS_ESTABLISHED && !TCPS_HAVE_RCVD_FIN(c->state) && !c->dead) {
			tcp_rcv_update_window(c);
			if (c->ack_now)
				kick(c);
		}
		return (long)n;
	}
	if (TCPS_HAVE_RCVD_FIN(c->state))
		return TCP_EOF;
	if (c->dead)                 /* timed out or aborted without a reset */
		return TCP_ERR;
	return 0;
}

static int can_write(const struct tcp_conn *c)
{
	return !c->dead && (c->state == TCPS_ESTABLISHED || c->state == TCPS_CLOSE_WAIT);
}

static int enqueue(struct tcp_conn *c, const uint8_t *data, uint32_t len, uint8_t owned)
{
	if (c->sq_count) {           /* extend a by-reference chunk that ends where this starts */
		struct tcp_chunk *t = &c->sq[(c->sq_head + c->sq_count - 1) % TCP_SND_CHUNKS];
		if (!owned && !t->owned && t->data + t->len == data && t->len + len > t->len) {
			t->len += len;
			c->sq_bytes += len;
			return 0;
		}
	}
	if (c->sq_count == TCP_SND_CHUNKS)
		return -1;
	struct tcp_chunk *k = &c->sq[(c->sq_head + c->sq_count) % TCP_SND_CHUNKS];
	k->data = data;
	k->len = len;
	k->owned = owned;
	c->sq_count++;
	c->sq_bytes += len;
	return 0;
}

int tcp_write_ref(struct tcp_conn *c, const void *data, size_t len)
{
	if (!can_write(c) || len > 0x40000000u - c->sq_bytes)
		return -1;
	if (len == 0)
		return 0;
	if (enqueue(c, data, (uint32_t)len, 0) < 0)
		return -1;
	kick(c);
	return 0;
}

int tcp_write_copy(struct tcp_conn *c, const void *data, size_t len)
{
	if (!can_write(c) || len > 0x40000000u - c->sq_bytes ||
	    (c->sq_count == TCP_SND_CHUNKS))
		return -1;
	if (len == 0)
		return 0;
	uint8_t *copy = net_malloc(len);
	if (!copy) {
		STAT_INC(tcp, out_nomem);
		return -1;
	}
	memcpy(copy, data, len);
	if (enqueue(c, copy, (uint32_t)len, 1) < 0) {
		net_free(copy);
		return -1;
	}
	kick(c);
	return 0;
}

/* Acknowledged bytes leave the queue; copied chunks are freed. */
void tcp_sq_ack(struct tcp_conn *c, uint32_t n)
{
	c->sq_bytes -= n;
	while (n) {
		struct tcp_chunk *k = &c->sq[c->sq_head];
		uint32_t left = k->len - c->sq_off;
		if (n < left) {
			c->sq_off += n;
			return;
		}
		n -= left;
		if (k->owned)
			net_free((void *)k->data);
		c->sq_off = 0;
		c->sq_head = (c->sq_head + 1) % TCP_SND_CHUNKS;
		c->sq_count--;
	}
}

size_t tcp_sendq_bytes(const struct tcp_conn *c)
{
	return c->sq_bytes;
}

unsigned tcp_sendq_free_chunks(const struct tcp_conn *c)
{
	return TCP_SND_CHUNKS - c->sq_count;
}

void tcp_flush(struct tcp_conn *c)
{
	if (c->dead)
		return;
	c->push = 1;
	kick(c);
}

void tcp_close(struct tcp_conn *c)
{
	if (c->dead)
		return;
	if (c->state == TCPS_ESTABLISHED)
		tcp_set_state(c, TCPS_FIN_WAIT_1);
	else if (c->state == TCPS_CLOSE_WAIT)
		tcp_set_state(c, TCPS_LAST_ACK);
	else
		return;
	c->push = 1;
	kick(c);
}

void tcp_abort(struct tcp_conn *c)
{
	if (c->dead)
		return;
	if (c->state >= TCPS_SYN_RECEIVED && c->state != TCPS_TIME_WAIT)
		tcp_send_rst(c);
	STAT_INC(tcp, conn_aborted);
	c->detached = 1;
	c->ev = 0;
	tcp_release(c);
}

void tcp_set_idle_timeout(struct tcp_conn *c, uint32_t ms)
{
	c->idle_ms = ms ? ms : TCP_IDLE_MS;
	tcp_due(c);
}

void tcp_peer(const struct tcp_conn *c, uint32_t *ip, uint16_t *port)
{
	*ip = c->rip;
	*port = c->rport;
}

unsigned tcp_conn_count(void)
{
	return nconns;
}

unsigned tcp_test_state(const struct tcp_conn *c) { return c->state; }
uint32_t tcp_test_rto(const struct tcp_conn *c) { return c->rto; }
uint32_t tcp_test_cwnd(const struct tcp_conn *c) { return c->cwnd; }
uint32_t tcp_test_snd_wnd(const struct tcp_conn *c) { return c->snd_wnd; }
