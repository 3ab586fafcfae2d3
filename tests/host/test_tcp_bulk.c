/*
 * tests/host/test_tcp_bulk.c - 8 MiB each way through a simulated link
 * that drops, duplicates, delays and reorders frames in both directions,
 * delivered byte-exact, with the connection closing cleanly at the end and
 * nothing leaked.  The peer is a small model of a TCP endpoint: a receiver
 * that ACKs every segment (so holes produce duplicate ACKs), or a sender
 * with go-back-N on timeout and fast retransmit.  Deterministic: a seeded
 * generator drives every loss.
 */
#include "support/tcptest.h"

#define BULK_MAX (8u << 20)
static uint32_t BULK = BULK_MAX;     /* bytes this run moves */
static unsigned delay_ms = 5;        /* one-way link delay */
static int peer_delack;              /* the receiver delays ACKs like Linux */
static int peer_sack;                /* the peer offers SACK and reports its holes */
#define PIRS 0xfff00000u             /* the peer's ISN: its sequence space wraps */

static uint8_t *src;                 /* the bytes to move */
static uint8_t *dst;                 /* the peer's receive buffer */
static uint8_t *have;                /* per byte: the peer has it */

static uint32_t rng = 1;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* ---- the link: frames in flight with a delivery time ---- */
struct lframe {
	uint64_t at;
	int to_stack;
	size_t len;
	uint8_t buf[1600];
};
#define LMAX 4096
static struct lframe *wire_q;
static unsigned nlink;
static unsigned loss_pct, dup_pct, reorder_pct;
static unsigned long dropped, duplicated;
static unsigned long late_hint;   /* times tcp_next_deadline was later than a timer */

static void link_put(int to_stack, const uint8_t *f, size_t len, uint64_t now)
{
	if (rnd() % 100 < loss_pct) {
		dropped++;
		return;
	}
	int copies = rnd() % 100 < dup_pct ? 2 : 1;
	duplicated += copies - 1;
	for (int i = 0; i < copies && nlink < LMAX; i++) {
		struct lframe *l = &wire_q[nlink++];
		l->at = now + delay_ms + (rnd() % 100 < reorder_pct ? rnd() % 20 : 0);
		l->to_stack = to_stack;
		l->len = len;
		memcpy(l->buf, f, len);
	}
}

/* Frames the stack sent go onto the wire_q. */
static void link_take_sent(uint64_t now)
{
	struct pbuf *b;
	while ((b = fakeif_pop_sent(&F)) != NULL) {
		if (b->len <= sizeof(wire_q[0].buf))
			link_put(0, pbuf_data(b), b->len, now);
		pbuf_free(b);
	}
}

static uint64_t link_next(void)
{
	uint64_t t = UINT64_MAX;
	for (unsigned i = 0; i < nlink; i++)
		if (wire_q[i].at < t)
			t = wire_q[i].at;
	return t;
}

/* ---- the peer ---- */
struct peer {
	/* receiving (download) */
	uint32_t rcv_nxt;            /* peer's rcv_nxt, absolute */
	uint32_t our_base;           /* our iss + 1 */
	int got_fin;
	int fin_seen;
	/* sending (upload) */
	uint32_t snd_una, snd_nxt;   /* offsets into src, FIN is offset BULK */
	uint32_t wnd;                /* our advertised window */
	unsigned dups;
	uint64_t rto_at;
	int fin_acked;
	int sending;
	uint64_t fin_at;             /* download: when to resend our FIN */
	int fin_sent;
	unsigned unacked;            /* download: segments not yet acked */
	uint64_t ack_at;             /* download: delayed ACK due */
	uint32_t last_off;           /* download: offset of the latest data segment */
};
static struct peer M;

/* Download receiver's SACK blocks (RFC 2018 4): the run holding the
 * latest segment first, then the others from the lowest; up to 4. */
static unsigned peer_sack_opt(uint8_t *opt)
{
	uint32_t nxt = M.rcv_nxt - M.our_base;
	uint32_t blk[4][2];
	unsigned n = 0;
	if (nxt >= BULK)
		return 0;
	uint32_t end = BULK - nxt > 70000 ? nxt + 70000 : BULK;
	uint32_t first_lo = UINT32_MAX;
	if (M.last_off > nxt && M.last_off < BULK && have[M.last_off]) {
		uint32_t lo = M.last_off, hi;
		while (lo > nxt && have[lo - 1])
			lo--;
		const uint8_t *z = memchr(have + M.last_off, 0, BULK - M.last_off);
		hi = z ? (uint32_t)(z - have) : BULK;
		blk[n][0] = M.our_base + lo;
		blk[n][1] = M.our_base + hi;
		n++;
		first_lo = lo;
	}
	for (uint32_t i = nxt; i < end && n < 4;) {
		const uint8_t *o = memchr(have + i, 1, end - i);
		if (!o)
			break;
		i = (uint32_t)(o - have);
		const uint8_t *z = memchr(have + i, 0, BULK - i);
		uint32_t j = z ? (uint32_t)(z - have) : BULK;
		if (i != first_lo) {
			blk[n][0] = M.our_base + i;
			blk[n][1] = M.our_base + j;
			n++;
		}
		i = j;
	}
	return n ? tt_sack_opt(opt, n, (const uint32_t (*)[2])blk) : 0;
}

static void peer_emit(uint8_t flags, uint32_t seq, uint32_t ack, const void *d, size_t len, uint64_t now)
{
	uint8_t frame[1600], opt[36];
	unsigned optlen = 0;
	if (peer_sack && !M.sending && !len)
		optlen = peer_sack_opt(opt);
	size_t n = tp_build(&P, frame, flags, seq, ack, 65535, optlen ? opt : NULL, optlen, d, len);
	link_put(1, frame, n, now);
}

/* the peer's data segment at offset off (FIN at BULK) */
static void peer_send_at(uint32_t off, uint64_t now)
{
	uint32_t ack = M.our_base + (M.got_fin ? 1 : 0);
	if (off >= BULK) {
		peer_emit(TCP_ACK | TCP_FIN, PIRS + 1 + BULK, ack, NULL, 0, now);
		return;
	}
	uint32_t len = BULK - off < 1460 ? BULK - off : 1460;
	peer_emit(TCP_ACK, PIRS + 1 + off, ack, src + off, len, now);
}

static void peer_pump(uint64_t now)
{
	if (!M.sending)
		return;
	uint32_t cap = M.wnd < 32768 ? M.wnd : 32768;
	while (M.snd_nxt <= BULK && M.snd_nxt - M.snd_una < cap) {
		peer_send_at(M.snd_nxt, now);
		M.snd_nxt += M.snd_nxt == BULK ? 1 : (BULK - M.snd_nxt < 1460 ? BULK - M.snd_nxt : 1460);
		if (M.rto_at == UINT64_MAX)
			M.rto_at = now + 400;
	}
	/* a closed window and nothing outstanding: probe like a real sender */
	if (M.wnd == 0 && M.snd_nxt == M.snd_una && M.snd_una <= BULK && M.rto_at == UINT64_MAX)
		M.rto_at = now + 500;
}

static void peer_timer(uint64_t now)
{
	if (M.sending && M.rto_at <= now) {
		M.rto_at = UINT64_MAX;
		if (M.snd_una <= BULK) {
			if (M.snd_nxt == M.snd_una && M.wnd == 0) {
				peer_send_at(M.snd_una, now);        /* probe */
				M.rto_at = now + 500;
			} else {
				M.snd_nxt = M.snd_una;               /* go back N */
				M.wnd = M.wnd ? M.wnd : 1460;
				peer_pump(now);
				if (M.rto_at == UINT64_MAX)
					M.rto_at = now + 400;
			}
		}
	}
	if (!M.sending && M.ack_at <= now) {
		peer_emit(TCP_ACK, PIRS + 1 + (M.fin_sent ? 1 : 0), M.rcv_nxt, NULL, 0, now);
		M.unacked = 0;
		M.ack_at = UINT64_MAX;
	}
	if (!M.sending && M.got_fin && M.fin_at <= now && !M.fin_acked) {
		/* download: our FIN until it is acked */
		peer_emit(TCP_ACK | TCP_FIN, PIRS + 1, M.rcv_nxt, NULL, 0, now);
		M.fin_sent = 1;
		M.fin_at = now + 300;
	}
}

/* A segment from the stack arrives at the peer. */
static void peer_input(const struct tp_seg *s, uint64_t now)
{
	CHECK(s->csum_ok);
	if (s->flags & TCP_RST) {
		printf("  unexpected RST at %llu\n", (unsigned long long)now);
		check_failures_++;
		return;
	}
	if (!M.sending) {
		/* download receiver: store, advance, ACK every segment */
		uint32_t off = s->seq - M.our_base;
		if (s->len && off < BULK && off + s->len <= BULK) {
			memcpy(dst + off, s->data, s->len);
			memset(have + off, 1, s->len);
			M.last_off = off;
		}
		uint32_t nxt = M.rcv_nxt - M.our_base, was = nxt;
		while (nxt < BULK && have[nxt])
			nxt++;
		M.rcv_nxt = M.our_base + nxt;
		/* Linux-like: ACK at once out of order or when a hole fills,
		 * else every second segment or after 40 ms */
		int quick = !peer_delack || s->seq != M.our_base + was ||
			    (s->len && nxt != was + s->len) || (s->flags & TCP_FIN);
		if (s->flags & TCP_FIN)
			M.fin_seen = 1;          /* the FIN's place is BULK: remember it */
		if (M.fin_seen && nxt == BULK)
			M.got_fin = 1;
		if (M.got_fin)
			M.rcv_nxt = M.our_base + BULK + 1;
		if (M.got_fin && !M.fin_sent && M.fin_at == UINT64_MAX)
			M.fin_at = now;          /* close after the data: FIN on the next tick */
		if ((s->flags & TCP_ACK) && M.fin_sent && s->ack == PIRS + 2)
			M.fin_acked = 1;
		if (s->len || (s->flags & TCP_FIN)) {  /* ACK what carries sequence space */
			if (quick || ++M.unacked >= 2) {
				peer_emit(TCP_ACK, PIRS + 1 + (M.fin_sent ? 1 : 0), M.rcv_nxt, NULL, 0, now);
				M.unacked = 0;
				M.ack_at = UINT64_MAX;
			} else if (M.ack_at == UINT64_MAX) {
				M.ack_at = now + 40;
			}
		}
		return;
	}
	/* upload sender: ACK processing */
	uint32_t ack = s->ack - (PIRS + 1);
	M.wnd = s->wnd;
	if (s->flags & TCP_FIN) {
		M.got_fin = 1;
		M.our_base = s->seq;     /* ack their FIN */
		peer_emit(TCP_ACK, PIRS + 1 + BULK + 1, s->seq + 1, NULL, 0, now);
	}
	if (ack > M.snd_una && ack <= BULK + 1) {
		M.snd_una = ack;
		M.dups = 0;
		M.rto_at = M.snd_una == M.snd_nxt ? UINT64_MAX : now + 400;
		if (M.snd_una == BULK + 1)
			M.fin_acked = 1;
	} else if (ack == M.snd_una && s->len == 0 && M.snd_nxt != M.snd_una && !(s->flags & TCP_FIN)) {
		if (++M.dups == 3)
			peer_send_at(M.snd_una, now);
	}
	if (M.snd_nxt < M.snd_una)
		M.snd_nxt = M.snd_una;
	peer_pump(now);
}

/* Deliver every frame due by `now`, earliest first and, at equal times,
 * in the order sent: only the link's jitter reorders. */
static void deliver_due(uint64_t now)
{
	for (;;) {
		unsigned best = nlink;
		for (unsigned i = 0; i < nlink; i++)
			if (wire_q[i].at <= now && (best == nlink || wire_q[i].at < wire_q[best].at))
				best = i;
		if (best == nlink)
			return;
		static struct lframe l;
		l = wire_q[best];
		memmove(&wire_q[best], &wire_q[best + 1], (nlink - best - 1) * sizeof(wire_q[0]));
		nlink--;
		if (l.to_stack) {
			struct pbuf *b = fakeif_frame(l.buf, l.len);
			if (b)
				net_input(b, l.at);
		} else {
			struct tp_seg s;
			if (tp_parse(l.buf, l.len, &s))
				peer_input(&s, l.at);
		}
	}
}

/* Run the world until done() or the time bound; returns the end time. */
static uint64_t run(uint64_t t, uint64_t limit, int (*done)(void), int slow_reader)
{
	uint64_t next_read = t;
	while (!done() && t < limit) {
		link_take_sent(t);
		uint64_t n = link_next();
		uint64_t d = net_next_deadline(t);
		if (d < n)
			n = d;
		if (M.rto_at < n)
			n = M.rto_at;
		if (!M.sending && M.got_fin && !M.fin_acked && M.fin_at < n)
			n = M.fin_at;
		if (!M.sending && M.ack_at < n)
			n = M.ack_at;
		if (slow_reader && next_read < n)
			n = next_read;
		if (n == UINT64_MAX)
			break;
		if (n > t)
			t = n;
		deliver_due(t);
		peer_timer(t);
		if (slow_reader && A.c && next_read <= t) {
			/* read at most 6 KiB every 10 ms: the window closes now and then */
			uint8_t buf[6144];
			long r = tcp_read(A.c, buf, sizeof(buf));
			if (r > 0) {
				memcpy(A.rx + A.rx_len, buf, (size_t)r);
				A.rx_len += (size_t)r;
			} else if (r == TCP_EOF && !A.eof) {
				A.eof = 1;
				tcp_close(A.c);
			}
			next_read = t + 10;
		}
		fakeif_learn_arp(&F, PEER_IP, PEER_MAC, t);
		net_poll(t);
		/* the cached deadline may be early, never late */
		if (tcp_next_deadline(t) > tcp_test_next_deadline())
			late_hint++;
	}
	CHECK_EQ(late_hint, 0);
	return t;
}

static int download_done(void)
{
	return M.rcv_nxt == M.our_base + BULK + 1 && M.fin_acked && tcp_conn_count() == 0;
}

static int upload_done(void)
{
	return A.rx_len == BULK && M.fin_acked && A.closes && tcp_conn_count() == 0;
}

static void bulk_setup(unsigned loss, unsigned dup, unsigned reorder, uint32_t seed)
{
	tt_setup();
	if (!src) {
		src = malloc(BULK_MAX);
		dst = malloc(BULK_MAX);
		have = malloc(BULK_MAX);
		wire_q = malloc(sizeof(*wire_q) * LMAX);
		for (uint32_t i = 0; i < BULK_MAX; i++)
			src[i] = (uint8_t)((i * 2654435761u) >> 13);
	}
	memset(dst, 0, BULK);
	memset(have, 0, BULK);
	nlink = 0;
	rng = seed;
	loss_pct = loss;
	dup_pct = dup;
	reorder_pct = reorder;
	dropped = duplicated = 0;
	memset(&M, 0, sizeof(M));
	M.rto_at = UINT64_MAX;
	M.fin_at = UINT64_MAX;
	M.ack_at = UINT64_MAX;
}

static uint64_t download(unsigned loss, unsigned dup, unsigned reorder, uint32_t seed)
{
	bulk_setup(loss, dup, reorder, seed);
	A.tx = src;
	A.tx_len = BULK;
	A.close_after_tx = 1;
	tcp_test_force_iss(0xffff0000u);     /* our sequence space wraps too */
	uint32_t iss = tt_handshake_sack(PIRS, 65535, 1460, peer_sack, 0);
	M.our_base = iss + 1;
	M.rcv_nxt = iss + 1;
	tcp_set_idle_timeout(A.c, 600000);
	uint64_t t = run(1, 3600 * 1000, download_done, 0);
	printf("  download loss=%u%% dup=%u%% reorder=%u%%: %llu ms simulated, %lu dropped, "
	       "%lu duplicated, rexmt timeout=%llu fast=%llu\n", loss, dup, reorder,
	       (unsigned long long)t, dropped, duplicated,
	       (unsigned long long)tstat("rexmt_timeout"), (unsigned long long)tstat("rexmt_fast"));
	if (peer_sack)
		printf("  sack: recovery=%llu rexmt=%llu skip_bytes=%llu blocks_rx=%llu bad=%llu "
		       "rexmt_bytes=%llu\n", (unsigned long long)tstat("sack_recovery"),
		       (unsigned long long)tstat("sack_rexmt"), (unsigned long long)tstat("sack_skip_bytes"),
		       (unsigned long long)tstat("sack_blocks_rx"), (unsigned long long)tstat("sack_blocks_bad"),
		       (unsigned long long)tstat("rexmt_bytes"));
	else
		printf("  rexmt_bytes=%llu\n", (unsigned long long)tstat("rexmt_bytes"));
	if (peer_sack && loss) {
		CHECK(tstat("sack_recovery") > 0);
		CHECK_EQ(tstat("sack_blocks_bad"), 0);
	}
	if (tcp_conn_count() && A.c)
		printf("  state %s sendq %zu rcv %u fin_acked %d fin_sent %d got_fin %d\n", tcp_state_names[tcp_test_state(A.c)],
		       tcp_sendq_bytes(A.c), M.rcv_nxt - M.our_base, M.fin_acked, M.fin_sent, M.got_fin);
	CHECK_EQ(M.rcv_nxt - M.our_base, BULK + 1);
	CHECK(memcmp(dst, src, BULK) == 0);
	CHECK(M.fin_acked);
	CHECK_EQ(A.closes, 1);
	CHECK_EQ(tcp_conn_count(), 0);
	if (loss)
		CHECK(tstat("rexmt_timeout") + tstat("rexmt_fast") > 0);
	CHECK_EQ(tstat("conn_timedout"), 0);
	tt_teardown();
	return t;
}

static void upload(unsigned loss, unsigned dup, unsigned reorder, uint32_t seed, int slow)
{
	bulk_setup(loss, dup, reorder, seed);
	A.close_on_eof = 1;
	A.auto_read = !slow;
	A.rx = malloc(BULK + 4096);
	A.rx_cap = BULK + 4096;
	uint32_t iss = tt_handshake_sack(PIRS, 65535, 1460, peer_sack, 0);
	tcp_set_idle_timeout(A.c, 600000);
	M.sending = 1;
	M.wnd = TCP_RCV_BUF;
	M.our_base = iss + 1;
	peer_pump(1);
	uint64_t t = run(1, 3600 * 1000, upload_done, slow);
	printf("  upload loss=%u%% dup=%u%% reorder=%u%% slow=%d: %llu ms simulated, %lu dropped, "
	       "%lu duplicated, ooo=%llu dup_in=%llu\n", loss, dup, reorder, slow,
	       (unsigned long long)t, dropped, duplicated,
	       (unsigned long long)tstat("ooo_in"), (unsigned long long)tstat("dup_in"));
	CHECK_EQ(A.rx_len, BULK);
	CHECK(A.rx_len == BULK && memcmp(A.rx, src, BULK) == 0);
	CHECK(A.eof);
	CHECK_EQ(A.closes, 1);
	if (peer_sack) {                     /* we held data out of order: we said so */
		printf("  sack_blocks_tx=%llu\n", (unsigned long long)tstat("sack_blocks_tx"));
		CHECK(tstat("sack_blocks_tx") > 0);
	}
	CHECK_EQ(tcp_conn_count(), 0);
	tt_teardown();
}

static void test_download_clean(void) { download(0, 0, 0, 11); }

/* The e2e loss test's case: 2 MiB, 15% loss each way, ~1 ms one-way delay,
 * a receiver with Linux-like delayed ACKs.  Averaged over seeds. */
static void test_download_15pct(void)
{
	BULK = 2u << 20;
	delay_ms = 1;
	peer_delack = 1;
	uint64_t total = 0;
	for (uint32_t seed = 1; seed <= 5; seed++)
		total += download(15, 0, 0, 100 + seed);
	printf("  2 MiB at 15%% loss: %llu ms simulated on average\n", (unsigned long long)(total / 5));
	/* the e2e test allows 90 s; a Linux guest did 1 MiB at 20% in 32 s.
	 * Deterministic (seeded), so this is a regression bound, not a flake */
	CHECK(total / 5 < 75000);
	BULK = BULK_MAX;
	delay_ms = 5;
	peer_delack = 0;
}
/* Issue 6 case 1, in simulation: 8 MiB at 25% loss each way, ~1 ms
 * one-way delay, Linux-like delayed ACKs, with and without SACK (both
 * byte-exact, averaged over three seeds); SACK must finish sooner. */
static void test_download_25pct_sack(void)
{
	delay_ms = 1;
	peer_delack = 1;
	uint64_t off = 0, on = 0;
	for (uint32_t seed = 251; seed < 254; seed++)
		off += download(25, 0, 0, seed) / 3;
	peer_sack = 1;
	for (uint32_t seed = 251; seed < 254; seed++)
		on += download(25, 0, 0, seed) / 3;
	printf("  8 MiB at 25%% loss: %llu ms simulated without SACK, %llu ms with\n",
	       (unsigned long long)off, (unsigned long long)on);
	CHECK(on < off);
	peer_sack = 0;
	delay_ms = 5;
	peer_delack = 0;
}

/* The other lossy cases again with the peer offering SACK: reordering and
 * duplication must not confuse the scoreboard. */
static void test_download_lossy_sack(void)
{
	peer_sack = 1;
	download(3, 1, 10, 12);
	download(10, 3, 30, 13);
	peer_sack = 0;
}
static void test_upload_lossy_sack(void)
{
	peer_sack = 1;
	upload(3, 1, 10, 22, 0);             /* checks sack_blocks_tx itself */
	peer_sack = 0;
}

static void test_download_lossy(void) { download(3, 1, 10, 12); }
static void test_download_very_lossy(void) { download(10, 3, 30, 13); }
static void test_upload_clean(void) { upload(0, 0, 0, 21, 0); }
static void test_upload_lossy(void) { upload(3, 1, 10, 22, 0); }
static void test_upload_lossy_slow_reader(void) { upload(5, 2, 20, 23, 1); }

int main(void)
{
	RUN(test_download_clean);
	RUN(test_download_lossy);
	RUN(test_download_very_lossy);
	RUN(test_download_15pct);
	RUN(test_upload_clean);
	RUN(test_upload_lossy);
	RUN(test_upload_lossy_slow_reader);
	RUN(test_download_lossy_sack);
	RUN(test_upload_lossy_sack);
	RUN(test_download_25pct_sack);
	return check_done();
}
