/*
 * tests/host/test_tcp_rexmt.c - the send side under loss and small
 * windows: RTO and fast retransmit (exact bytes and times), NewReno
 * partial ACKs, zero window with probes and backoff, windows smaller than
 * a segment, a shrinking window, a vanishing peer, a full TX ring.
 */
#include "support/tcptest.h"

static uint8_t body[200000];

static void fill_body(void)
{
	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 13 + (i >> 9));
}

/* Take every segment sent now; check each is data at the right place. */
static unsigned take_all(struct tp_seg *segs, unsigned max, uint32_t base)
{
	unsigned n = 0;
	struct tp_seg s;
	while (tp_recv(&P, &s)) {
		CHECK(s.csum_ok);
		if (s.len) {
			uint32_t off = s.seq - base;
			CHECK(off + s.len <= sizeof(body));
			if (off + s.len <= sizeof(body))
				CHECK(memcmp(s.data, body + off, s.len) == 0);
		}
		if (n < max)
			segs[n] = s;
		n++;
	}
	return n;
}

static void test_rto_recovers_lost_segment(void)
{
	tt_setup();
	fill_body();
	A.tx = body;
	A.tx_len = 10 * 1460;
	uint32_t iss = tt_handshake(0xfffff000u, 65535, 1460, 0);
	uint32_t base = iss + 1, pseq = 0xfffff001u;
	static struct tp_seg segs[16];
	unsigned n = take_all(segs, 16, base);
	CHECK_EQ(n, 10);                 /* initial window: 10 segments */
	/* segment 3 is lost; the peer acks 1 and 2 at t=50 */
	tp_send(&P, TCP_ACK, pseq, base + 1460, 65535, NULL, 0, NULL, 0, 50);
	tp_send(&P, TCP_ACK, pseq, base + 2920, 65535, NULL, 0, NULL, 0, 50);
	CHECK_EQ(A.writes, 2);
	/* RTT sample 50 ms: RTO = max(200, 50 + 4*25) = 200; but first a tail
	 * loss probe after 2 * SRTT = 100 ms: the last segment again */
	CHECK_EQ(tcp_test_rto(A.c), 200);
	CHECK_EQ(tcp_test_next_deadline(), 150);
	tt_poll(149);
	EXPECT_NONE();
	tt_poll(150);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, base + 9 * 1460);
	CHECK_EQ(s.len, 1460);
	CHECK(memcmp(s.data, body + 9 * 1460, 1460) == 0);
	CHECK_EQ(tstat("tlp_probe"), 1);
	/* its ACK is lost too: the RTO, 200 ms after the probe */
	CHECK_EQ(tcp_test_next_deadline(), 350);
	tt_poll(349);
	EXPECT_NONE();
	tt_poll(350);
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, base + 2920);
	CHECK_EQ(s.len, 1460);
	CHECK(memcmp(s.data, body + 2920, 1460) == 0);
	EXPECT_NONE();                   /* cwnd is one segment after a timeout */
	CHECK_EQ(tcp_test_rto(A.c), 400);
	CHECK_EQ(tcp_test_cwnd(A.c), 1460);
	CHECK_EQ(tstat("rexmt_timeout"), 1);
	/* the peer had the rest: one cumulative ACK for all */
	tp_send(&P, TCP_ACK, pseq, base + 14600, 65535, NULL, 0, NULL, 0, 300);
	EXPECT_NONE();
	CHECK_EQ(tcp_sendq_bytes(A.c), 0);
	CHECK_EQ(tcp_test_next_deadline() > 10000, 1);  /* only the idle timer is left */
	/* no sample from the retransmission (Karn), but the path delivers
	 * again, so the backoff ends: RTO from SRTT/RTTVAR (lwIP-style) */
	CHECK_EQ(tcp_test_rto(A.c), 200);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

static void test_fast_retransmit_newreno(void)
{
	tt_setup();
	fill_body();
	A.tx = body;
	A.tx_len = 30 * 1460;
	uint32_t iss = tt_handshake(77, 65535, 1460, 0);
	uint32_t base = iss + 1, pseq = 78;
	static struct tp_seg segs[32];
	CHECK_EQ(take_all(segs, 32, base), 10);
	/* segments 1 and 4 (0-based 0 and 3) lost.  The first two duplicate
	 * ACKs each let one new segment out (limited transmit, RFC 3042) */
	struct tp_seg s;
	tp_send(&P, TCP_ACK, pseq, base, 65535, NULL, 0, NULL, 0, 10);
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, base + 10 * 1460);
	tp_send(&P, TCP_ACK, pseq, base, 65535, NULL, 0, NULL, 0, 10);
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, base + 11 * 1460);
	CHECK_EQ(tstat("limited_transmit"), 2);
	EXPECT_NONE();
	tp_send(&P, TCP_ACK, pseq, base, 65535, NULL, 0, NULL, 0, 10);
	EXPECT_SEG(&s);                  /* fast retransmit at once, t=10 < RTO */
	CHECK_EQ(s.seq, base);
	CHECK_EQ(s.len, 1460);
	CHECK(memcmp(s.data, body, 1460) == 0);
	CHECK_EQ(tstat("rexmt_fast"), 1);
	CHECK_EQ(tstat("dupack_in"), 3);
	/* 12 out: ssthresh = 6 MSS, cwnd = ssthresh + 3 MSS < flight: nothing new */
	CHECK_EQ(tcp_test_cwnd(A.c), 9 * 1460);
	EXPECT_NONE();
	/* more dup ACKs inflate the window: new data goes out */
	for (int i = 0; i < 4; i++)
		tp_send(&P, TCP_ACK, pseq, base, 65535, NULL, 0, NULL, 0, 11);
	unsigned n = take_all(segs, 32, base);
	CHECK(n >= 1);
	CHECK_EQ(segs[0].seq, base + 12 * 1460);
	/* partial ACK up to the second hole: it is retransmitted at once */
	tp_send(&P, TCP_ACK, pseq, base + 3 * 1460, 65535, NULL, 0, NULL, 0, 20);
	n = take_all(segs, 32, base);
	CHECK(n >= 1);
	CHECK_EQ(segs[0].seq, base + 3 * 1460);
	CHECK_EQ(segs[0].len, 1460);
	CHECK_EQ(tstat("rexmt_partial"), 1);
	/* everything acked: recovery ends, the rest flows */
	uint64_t t = 30;
	uint32_t acked = 0;
	for (int round = 0; round < 50 && tcp_sendq_bytes(A.c); round++) {
		acked = (uint32_t)(A.tx_len - tcp_sendq_bytes(A.c));
		uint32_t hi = 0;
		struct tp_seg x;
		while (tp_recv(&P, &x))
			if (x.len && x.seq + x.len - base > hi)
				hi = x.seq + x.len - base;
		if (hi < 14 * 1460 && round == 0)
			hi = 14 * 1460;
		if (hi <= acked)
			hi = acked;
		tp_send(&P, TCP_ACK, pseq, base + hi, 65535, NULL, 0, NULL, 0, t);
		t += 5;
	}
	CHECK_EQ(tcp_sendq_bytes(A.c), 0);
	CHECK_EQ(tstat("rexmt_timeout"), 0);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* The peer's window is zero for 10 s: one-byte probes at backed-off
 * intervals, then a window update resumes the transfer at once. */
static void test_zero_window_10s(void)
{
	tt_setup();
	fill_body();
	A.tx = body;
	A.tx_len = 50000;
	uint32_t iss = tt_handshake(0xfffffff0u, 4000, 1460, 0);
	uint32_t base = iss + 1, pseq = 0xfffffff1u;
	static struct tp_seg segs[8];
	/* 1460 + 1460; the last 1080 of the window are held back (sender
	 * SWS: less than half the largest window, and more data waits) */
	CHECK_EQ(take_all(segs, 8, base), 2);
	tp_send(&P, TCP_ACK, pseq, base + 2920, 1080, NULL, 0, NULL, 0, 15);
	EXPECT_NONE();
	CHECK_EQ(tstat("persist_entered"), 1);
	/* ...until the persist timer overrides it (RFC 9293 3.8.6.2.1) */
	CHECK_EQ(tcp_test_next_deadline(), 15 + TCP_PERSIST_MIN_MS);
	tt_poll(15 + TCP_PERSIST_MIN_MS);
	CHECK_EQ(take_all(segs, 8, base), 1);
	CHECK_EQ(segs[0].len, 1080);
	uint64_t t = 20 + TCP_PERSIST_MIN_MS, last = t;
	tp_send(&P, TCP_ACK, pseq, base + 4000, 0, NULL, 0, NULL, 0, t);
	EXPECT_NONE();
	CHECK_EQ(tstat("persist_entered"), 2);
	unsigned probes = 0;
	uint64_t prev_gap = 0;
	while (t < 10020 + 500) {
		uint64_t d = net_next_deadline(t);
		if (d > 10020 + 500)
			break;
		t = d;
		tt_poll(t);
		struct tp_seg s;
		if (tp_recv(&P, &s)) {
			CHECK_EQ(s.len, 1);
			CHECK_EQ(s.seq, base + 4000);
			CHECK_EQ(s.data[0], body[4000]);
			uint64_t gap = t - last;
			CHECK(gap >= TCP_PERSIST_MIN_MS);
			CHECK(gap >= prev_gap);  /* backs off */
			prev_gap = gap;
			last = t;
			probes++;
			/* the receiver is still full: ACK with zero window */
			tp_send(&P, TCP_ACK, pseq, base + 4000, 0, NULL, 0, NULL, 0, t);
			EXPECT_NONE();
		}
	}
	CHECK(probes >= 4 && probes <= 8);   /* 500, 1000, 2000, 4000 ... */
	CHECK_EQ(tstat("zwp_sent"), probes);
	CHECK(tcp_conn_count() == 1 && A.c != NULL);
	/* the window opens: sending resumes in the same instant */
	tp_send(&P, TCP_ACK, pseq, base + 4000, 8000, NULL, 0, NULL, 0, 10520);
	unsigned n = take_all(segs, 8, base);
	CHECK(n >= 5);
	CHECK_EQ(segs[0].seq, base + 4000);
	/* ack all as it comes, window stays 8000 */
	t = 10020;
	for (int i = 0; i < 100 && tcp_sendq_bytes(A.c); i++) {
		uint32_t hi = (uint32_t)(A.tx_len - tcp_sendq_bytes(A.c));
		struct tp_seg x;
		int any = 0;
		tp_send(&P, TCP_ACK, pseq, base + hi + (uint32_t)(8000 - 0), 8000, NULL, 0, NULL, 0, t);
		(void)any;
		while (tp_recv(&P, &x)) {
			CHECK(x.seq + x.len - base <= hi + 8000 + 8000);
		}
		t += 10;
		break;
	}
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* A receiver model: acks in order, never more than `wnd` beyond what it
 * acked, checks that nothing is sent beyond its window, and returns the
 * bytes it got. */
struct rx_model {
	uint32_t base, nxt, wnd, pseq;
	size_t got;
	unsigned over_window;
	unsigned max_len;
};

static void rx_drain(struct rx_model *m, uint64_t now, int ack)
{
	struct tp_seg s;
	while (tp_recv(&P, &s)) {
		if (!s.len)
			continue;
		if (s.len > m->max_len)
			m->max_len = s.len;
		if (SEQ_GT(s.seq + s.len, m->nxt + m->wnd))
			m->over_window++;
		if (s.seq == m->nxt) {
			CHECK(memcmp(s.data, body + (s.seq - m->base), s.len) == 0);
			m->nxt += s.len;
			m->got += s.len;
		}
	}
	if (ack)
		tp_send(&P, TCP_ACK, m->pseq, m->nxt, (uint16_t)m->wnd, NULL, 0, NULL, 0, now);
}

static void test_window_smaller_than_mss(void)
{
	tt_setup();
	fill_body();
	A.tx = body;
	A.tx_len = 3000;
	uint32_t iss = tt_handshake(1, 500, 1460, 0);
	struct rx_model m = { iss + 1, iss + 1, 500, 2, 0, 0, 0 };
	uint64_t t = 0;
	for (int i = 0; i < 50 && m.got < 3000; i++) {
		t += 10;
		tt_poll(t);
		rx_drain(&m, t, 1);
	}
	CHECK_EQ(m.got, 3000);
	CHECK_EQ(m.over_window, 0);
	CHECK_EQ(m.max_len, 500);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* The peer shrinks its window to zero under data in flight (RFC 9293
 * discourages it, but it happens): no timeout-driven abort, persist takes
 * over, and everything arrives once it opens. */
static void test_window_shrinks(void)
{
	tt_setup();
	fill_body();
	A.tx = body;
	A.tx_len = 20000;
	uint32_t iss = tt_handshake(1, 8000, 1460, 0);
	uint32_t base = iss + 1;
	static struct tp_seg segs[16];
	CHECK_EQ(take_all(segs, 16, base), 5);      /* 5 * 1460 = 7300 of 8000 */
	/* acks the first segment only, window 0: 4 segments now beyond it */
	tp_send(&P, TCP_ACK, 2, base + 1460, 0, NULL, 0, NULL, 0, 10);
	EXPECT_NONE();
	uint64_t t = 10;
	for (int i = 0; i < 30 && t < 10000; i++) {
		t = net_next_deadline(t);
		tt_poll(t);
		struct tp_seg s;
		while (tp_recv(&P, &s)) {
			CHECK(!(s.flags & TCP_RST));
			CHECK(s.len <= 1);       /* nothing but probes into a closed window */
			CHECK_EQ(s.seq, base + 1460);
			if (!(s.flags & TCP_RST))
				tp_send(&P, TCP_ACK, 2, base + 1460, 0, NULL, 0, NULL, 0, t);
		}
	}
	CHECK(A.c != NULL);
	CHECK(tstat("zwp_sent") > 0);
	/* open it again and receive everything from 1460 on */
	struct rx_model m = { base, base + 1460, 8000, 2, 1460, 0, 0 };
	tp_send(&P, TCP_ACK, 2, base + 1460, 8000, NULL, 0, NULL, 0, t);
	for (int i = 0; i < 100 && m.got < 20000; i++) {
		rx_drain(&m, t, 1);
		t += 10;
		tt_poll(t);
	}
	CHECK_EQ(m.got, 20000);
	CHECK_EQ(m.over_window, 0);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* The peer vanishes: the RTO doubles up to its bound, and after
 * TCP_MAX_RETRIES the connection is aborted with an RST. */
static void test_peer_vanishes(void)
{
	tt_setup();
	fill_body();
	A.tx = body;
	A.tx_len = 3000;
	uint32_t iss = tt_handshake(1, 65535, 1460, 0);
	tcp_set_idle_timeout(A.c, 3600 * 1000);  /* the retry bound must act first */
	fakeif_drop_sent(&F);
	uint64_t t = 0, prev = 0;
	uint32_t expect_rto = TCP_RTO_INIT_MS;
	unsigned rexmts = 0;
	int rst = 0;
	while (tcp_conn_count() && rexmts < 40) {
		uint64_t d = net_next_deadline(t);
		CHECK(d != NET_NO_DEADLINE);
		if (d == NET_NO_DEADLINE)
			break;
		t = d;
		tt_poll(t);
		struct tp_seg s;
		while (tp_recv(&P, &s)) {
			if (s.flags & TCP_RST) {
				rst = 1;
				CHECK_EQ(s.seq, iss + 1 + 2920);
				continue;
			}
			CHECK_EQ(s.seq, iss + 1);
			CHECK_EQ(s.len, 1460);
			CHECK_EQ(t - prev, expect_rto);
			expect_rto = expect_rto * 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : expect_rto * 2;
			prev = t;
			rexmts++;
		}
	}
	CHECK_EQ(rexmts, TCP_MAX_RETRIES);
	CHECK(rst);
	CHECK_EQ(tcp_conn_count(), 0);
	CHECK_EQ(A.closes, 1);
	CHECK(A.err);
	CHECK_EQ(tstat("conn_timedout"), 1);
	tt_teardown();
}

/* The TX ring is full: output stops without skipping or repeating bytes
 * and resumes from tcp_output_pending. */
static void test_tx_ring_full(void)
{
	tt_setup();
	fill_body();
	uint32_t iss = tt_handshake(1, 65535, 1460, 0);
	F.tx_again = 3;
	CHECK_EQ(tcp_write_ref(A.c, body, 5000), 0);
	EXPECT_NONE();
	CHECK(tstat("out_again") >= 1);
	tt_poll(1);                      /* retried: ring still full twice more */
	tt_poll(2);
	tt_poll(3);
	struct rx_model m = { iss + 1, iss + 1, 65535, 2, 0, 0, 0 };
	rx_drain(&m, 3, 1);
	rx_drain(&m, 4, 1);              /* the tail went after the ACK (Nagle) */
	CHECK_EQ(m.got, 5000);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* Copied writes are freed when acknowledged; by-reference ones never
 * copied.  Chunk slots run out and TCP_EV_WRITE says when to retry. */
static void test_write_copy_and_chunks(void)
{
	tt_setup();
	fill_body();
	uint32_t iss = tt_handshake(1, 65535, 1460, 0);
	long before = hostsys_outstanding();
	CHECK_EQ(tcp_write_copy(A.c, body, 100), 0);
	CHECK_EQ(hostsys_outstanding(), before + 1);
	unsigned free0 = tcp_sendq_free_chunks(A.c);
	/* non-contiguous references each take a slot until none is left */
	unsigned k = 0;
	while (tcp_write_ref(A.c, body + 1000 + 2 * k, 1) == 0)
		k++;
	CHECK_EQ(k, free0);
	CHECK_EQ(tcp_sendq_free_chunks(A.c), 0);
	tcp_flush(A.c);
	uint8_t got[200];
	size_t n = 0;
	uint32_t nxt = iss + 1;
	struct tp_seg s;
	while (tp_recv(&P, &s)) {
		CHECK_EQ(s.seq, nxt);
		if (s.seq == nxt && n + s.len <= sizeof(got)) {
			memcpy(got + n, s.data, s.len);
			n += s.len;
			nxt += s.len;
		}
	}
	CHECK_EQ(n, 100 + k);
	CHECK(memcmp(got, body, 100) == 0);
	for (unsigned i = 0; i < k && 100 + i < n; i++)
		CHECK_EQ(got[100 + i], body[1000 + 2 * i]);
	tp_send(&P, TCP_ACK, 2, nxt, 65535, NULL, 0, NULL, 0, 5);
	CHECK_EQ(hostsys_outstanding(), before);
	CHECK_EQ(tcp_sendq_free_chunks(A.c), TCP_SND_CHUNKS);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}


/* A slow reader is not a dead one: 40 s of zero window with every probe
 * answered outlives a 15 s idle timeout; then the peer vanishes and,
 * after TCP_MAX_RETRIES unanswered probes, we reset. */
static void test_zero_window_outlives_idle_then_vanishes(void)
{
	tt_setup();
	fill_body();
	A.tx = body;
	A.tx_len = 10000;
	uint32_t iss = tt_handshake(5, 2920, 1460, 0);
	tcp_set_idle_timeout(A.c, 15000);
	uint32_t base = iss + 1;
	static struct tp_seg segs[8];
	CHECK_EQ(take_all(segs, 8, base), 2);
	tp_send(&P, TCP_ACK, 6, base + 2920, 0, NULL, 0, NULL, 0, 10);
	uint64_t t = 10;
	unsigned probes = 0;
	while (t < 40000) {
		t = net_next_deadline(t);
		tt_poll(t);
		struct tp_seg s;
		while (tp_recv(&P, &s)) {
			CHECK(!(s.flags & TCP_RST));
			CHECK_EQ(s.len, 1);
			probes++;
			tp_send(&P, TCP_ACK, 6, base + 2920, 0, NULL, 0, NULL, 0, t);
		}
	}
	CHECK(probes >= 5);
	CHECK(A.c != NULL);
	CHECK_EQ(tstat("conn_idle"), 0);
	/* now silence */
	unsigned silent = 0;
	int rst = 0;
	for (int i = 0; i < 100 && tcp_conn_count(); i++) {
		t = net_next_deadline(t);
		tt_poll(t);
		struct tp_seg s;
		while (tp_recv(&P, &s)) {
			if (s.flags & TCP_RST)
				rst = 1;
			else
				silent++;
		}
	}
	CHECK_EQ(silent, TCP_MAX_RETRIES);
	CHECK(rst);
	CHECK_EQ(tcp_conn_count(), 0);
	CHECK_EQ(A.closes, 1);
	CHECK_EQ(tstat("conn_timedout"), 1);
	tt_teardown();
}


/* The last segment of a flight is lost: no duplicate ACK can ever come.
 * The tail loss probe repairs it after ~2 RTT, without a timeout and
 * without collapsing cwnd. */
static void test_tail_loss_probe(void)
{
	tt_setup();
	fill_body();
	A.tx = body;
	A.tx_len = 3 * 1460;
	uint32_t iss = tt_handshake(9, 65535, 1460, 0);
	uint32_t base = iss + 1;
	static struct tp_seg segs[4];
	CHECK_EQ(take_all(segs, 4, base), 3);
	tp_send(&P, TCP_ACK, 10, base + 2920, 65535, NULL, 0, NULL, 0, 20);   /* RTT 20 */
	uint32_t cwnd = tcp_test_cwnd(A.c);
	/* one segment out: PTO = 1.5 SRTT + delayed-ACK allowance, at most
	 * the RTO (200) */
	uint64_t pto = 20 + (30 + TCP_DELACK_MS < 200 ? 30 + TCP_DELACK_MS : 200);
	CHECK_EQ(tcp_test_next_deadline(), pto);
	tt_poll(pto);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, base + 2920);
	CHECK_EQ(s.len, 1460);
	CHECK(memcmp(s.data, body + 2920, 1460) == 0);
	tp_send(&P, TCP_ACK, 10, base + 3 * 1460, 65535, NULL, 0, NULL, 0, pto + 20);
	CHECK_EQ(tcp_sendq_bytes(A.c), 0);
	CHECK_EQ(tstat("rexmt_timeout"), 0);
	CHECK_EQ(tstat("tlp_probe"), 1);
	CHECK(tcp_test_cwnd(A.c) >= cwnd);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* Two segments out, the first lost: one duplicate ACK is all there can
 * be, and early retransmit (RFC 5827) acts on it. */
static void test_early_retransmit(void)
{
	tt_setup();
	fill_body();
	A.tx = body;
	A.tx_len = 2 * 1460;
	uint32_t iss = tt_handshake(9, 65535, 1460, 0);
	uint32_t base = iss + 1;
	static struct tp_seg segs[4];
	CHECK_EQ(take_all(segs, 4, base), 2);
	tp_send(&P, TCP_ACK, 10, base, 65535, NULL, 0, NULL, 0, 5);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, base);
	CHECK_EQ(s.len, 1460);
	CHECK_EQ(tstat("rexmt_early"), 1);
	tp_send(&P, TCP_ACK, 10, base + 2920, 65535, NULL, 0, NULL, 0, 6);
	CHECK_EQ(tcp_sendq_bytes(A.c), 0);
	CHECK_EQ(tstat("rexmt_timeout"), 0);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}


/* Nagle: a small write goes at once when nothing is unacknowledged, waits
 * while something is, and tcp_flush pushes it. */
static void test_nagle_and_flush(void)
{
	tt_setup();
	uint32_t iss = tt_handshake(9, 65535, 1460, 0);
	uint32_t base = iss + 1;
	struct tp_seg s;
	CHECK_EQ(tcp_write_copy(A.c, "first", 5), 0);
	EXPECT_SEG(&s);
	CHECK_EQ(s.len, 5);
	CHECK(s.flags & TCP_PSH);
	CHECK_EQ(tcp_write_copy(A.c, "second", 6), 0);
	EXPECT_NONE();                   /* 5 bytes unacknowledged: wait */
	tcp_flush(A.c);
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, base + 5);
	CHECK_EQ(s.len, 6);
	CHECK(memcmp(s.data, "second", 6) == 0);
	tp_send(&P, TCP_ACK, 10, base + 11, 65535, NULL, 0, NULL, 0, 5);
	CHECK_EQ(tcp_write_copy(A.c, "third", 5), 0);
	EXPECT_SEG(&s);                  /* all acked: at once again */
	CHECK_EQ(s.len, 5);
	/* the ACK of a held-back tail releases it without a flush */
	CHECK_EQ(tcp_write_copy(A.c, "fourth", 6), 0);
	EXPECT_NONE();
	tp_send(&P, TCP_ACK, 10, base + 16, 65535, NULL, 0, NULL, 0, 6);
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, base + 16);
	CHECK_EQ(s.len, 6);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}


/* The pbuf pool runs dry: nothing is lost, output resumes on the next
 * poll once buffers are back. */
static void test_pool_empty(void)
{
	tt_setup();
	fill_body();
	uint32_t iss = tt_handshake(1, 65535, 1460, 0);
	static struct pbuf *held[PBUF_COUNT];
	unsigned n = 0;
	while (n < PBUF_COUNT && (held[n] = pbuf_alloc(0)) != NULL)
		n++;
	CHECK_EQ(tcp_write_ref(A.c, body, 3000), 0);
	EXPECT_NONE();
	CHECK(tstat("out_nomem") >= 1);
	for (unsigned i = 0; i < n; i++)
		pbuf_free(held[i]);
	tt_poll(1);
	struct rx_model m = { iss + 1, iss + 1, 65535, 2, 0, 0, 0 };
	rx_drain(&m, 2, 1);
	rx_drain(&m, 3, 1);
	CHECK_EQ(m.got, 3000);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

int main(void)
{
	RUN(test_rto_recovers_lost_segment);
	RUN(test_fast_retransmit_newreno);
	RUN(test_tail_loss_probe);
	RUN(test_early_retransmit);
	RUN(test_zero_window_10s);
	RUN(test_window_smaller_than_mss);
	RUN(test_window_shrinks);
	RUN(test_peer_vanishes);
	RUN(test_zero_window_outlives_idle_then_vanishes);
	RUN(test_tx_ring_full);
	RUN(test_pool_empty);
	RUN(test_nagle_and_flush);
	RUN(test_write_copy_and_chunks);
	return check_done();
}
