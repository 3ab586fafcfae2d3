/*
 * tests/host/test_tcp_robust.c - hostile and unusual input: RST in every
 * state, RFC 5961 blind RST/SYN/ACK injection with rate-limited challenge
 * ACKs, segments outside the window, segments for no connection, bad
 * options and checksums, full backlog and full table, TIME_WAIT reuse,
 * idle timeouts, an owner aborting from its own handler.
 */
#include "support/tcptest.h"

#define IRS 0xfffffffau

/* Bring one connection into `state` (we are port 80, the peer PEER_PORT).
 * Returns our ISS; *pseq the peer's next sequence number. */
static uint32_t reach(unsigned state, uint32_t *pseq)
{
	uint32_t iss = tt_handshake(IRS, 65535, 1460, 0);
	uint32_t ps = IRS + 1;
	switch (state) {
	case TCPS_ESTABLISHED:
		break;
	case TCPS_FIN_WAIT_1:
		tcp_close(A.c);
		break;
	case TCPS_FIN_WAIT_2:
		tcp_close(A.c);
		tp_send(&P, TCP_ACK, ps, iss + 2, 65535, NULL, 0, NULL, 0, 1);
		break;
	case TCPS_CLOSE_WAIT:
		tp_send(&P, TCP_ACK | TCP_FIN, ps, iss + 1, 65535, NULL, 0, NULL, 0, 1);
		ps++;
		break;
	case TCPS_CLOSING:
		tcp_close(A.c);
		tp_send(&P, TCP_ACK | TCP_FIN, ps, iss + 1, 65535, NULL, 0, NULL, 0, 1);
		ps++;
		break;
	case TCPS_LAST_ACK:
		tp_send(&P, TCP_ACK | TCP_FIN, ps, iss + 1, 65535, NULL, 0, NULL, 0, 1);
		ps++;
		tcp_close(A.c);
		break;
	case TCPS_TIME_WAIT:
		tcp_close(A.c);
		tp_send(&P, TCP_ACK | TCP_FIN, ps, iss + 2, 65535, NULL, 0, NULL, 0, 1);
		ps++;
		break;
	}
	fakeif_drop_sent(&F);
	*pseq = ps;
	return iss;
}

static void test_rst_every_state(void)
{
	static const unsigned states[] = { TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
		TCPS_CLOSE_WAIT, TCPS_CLOSING, TCPS_LAST_ACK, TCPS_TIME_WAIT };
	for (unsigned i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		tt_setup();
		uint32_t pseq;
		uint32_t iss = reach(states[i], &pseq);
		CHECK_EQ(tcp_conn_count(), 1);
		if (states[i] != TCPS_TIME_WAIT)
			CHECK_EQ(tcp_test_state(A.c), states[i]);
		else
			CHECK_EQ(tstat("cur_time_wait"), 1);
		unsigned closes = A.closes;
		tp_send(&P, TCP_RST | TCP_ACK, pseq, iss + 1, 0, NULL, 0, NULL, 0, 2);
		CHECK_EQ(tcp_conn_count(), 0);
		CHECK_EQ(tstat("rst_in"), 1);
		/* the owner hears of it once, unless it was already told */
		CHECK_EQ(A.closes, 1);
		if (closes == 0 && states[i] < TCPS_CLOSING)
			CHECK(A.err);
		EXPECT_NONE();           /* never answer an RST */
		tt_teardown();
	}
	/* and in SYN_RECEIVED: back to listening, no accept */
	tt_setup();
	tp_send(&P, TCP_SYN, IRS, 0, 65535, NULL, 0, NULL, 0, 0);
	fakeif_drop_sent(&F);
	tp_send(&P, TCP_RST, IRS + 1, 0, 0, NULL, 0, NULL, 0, 1);
	CHECK_EQ(tcp_conn_count(), 0);
	CHECK_EQ(A.accepts, 0);
	tt_teardown();
}

/* RFC 5961 3: an RST must hit rcv_nxt exactly; in the window it only earns
 * a challenge ACK, outside it is dropped silently. */
static void test_blind_reset(void)
{
	tt_setup();
	uint32_t pseq;
	uint32_t iss = reach(TCPS_ESTABLISHED, &pseq);
	struct tp_seg s;
	tp_send(&P, TCP_RST, pseq + 1000, 0, 0, NULL, 0, NULL, 0, 10);
	CHECK_EQ(tcp_conn_count(), 1);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_ACK);
	CHECK_EQ(s.ack, pseq);
	CHECK_EQ(s.seq, iss + 1);
	CHECK_EQ(tstat("challenge_ack"), 1);
	tp_send(&P, TCP_RST, pseq + 100000, 0, 0, NULL, 0, NULL, 0, 10);
	EXPECT_NONE();
	CHECK_EQ(tcp_conn_count(), 1);
	/* a SYN on an established connection: challenge ACK, nothing else */
	tp_send(&P, TCP_SYN, 12345, 0, 65535, NULL, 0, NULL, 0, 10);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_ACK);
	CHECK_EQ(s.ack, pseq);
	CHECK_EQ(tcp_test_state(A.c), TCPS_ESTABLISHED);
	/* an ACK for data never sent: ACK back, dropped */
	tp_send(&P, TCP_ACK, pseq, iss + 5000, 65535, NULL, 0, "x", 1, 10);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, pseq);
	CHECK_EQ(A.rx_len, 0);
	/* an ACK far below snd_una (RFC 5961 5.2): challenge ACK, dropped */
	tp_send(&P, TCP_ACK, pseq, iss - 200000, 65535, NULL, 0, "y", 1, 10);
	EXPECT_SEG(&s);
	CHECK_EQ(A.rx_len, 0);
	/* a flood of in-window RSTs: challenge ACKs are rate limited */
	fakeif_drop_sent(&F);
	uint64_t before = tstat("challenge_ack");
	for (int i = 0; i < 300; i++)
		tp_send(&P, TCP_RST, pseq + 1 + (uint32_t)i, 0, 0, NULL, 0, NULL, 0, 2000);
	uint64_t sent = tstat("challenge_ack") - before;
	CHECK(sent <= TCP_CHALLENGE_ACK_PER_S);
	CHECK(tstat("challenge_ack_limited") >= 300 - TCP_CHALLENGE_ACK_PER_S);
	CHECK_EQ(fakeif_sent_pending(&F), sent);
	CHECK_EQ(tcp_conn_count(), 1);
	/* the exact one still works */
	tp_send(&P, TCP_RST, pseq, 0, 0, NULL, 0, NULL, 0, 2001);
	CHECK_EQ(tcp_conn_count(), 0);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* Segments for no connection (RFC 9293 3.10.7.1): RST in the right form,
 * never an RST for an RST. */
static void test_no_connection(void)
{
	tt_setup();
	struct tp_seg s;
	struct tcppeer q;
	tp_init(&q, &F, PEER_IP, 5555, US_IP, 81, PEER_MAC);   /* nobody listens on 81 */
	tp_send(&q, TCP_SYN, 1000, 0, 65535, NULL, 0, NULL, 0, 0);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_RST | TCP_ACK);
	CHECK_EQ(s.seq, 0);
	CHECK_EQ(s.ack, 1001);
	tp_send(&q, TCP_ACK, 1000, 777, 65535, NULL, 0, "abc", 3, 0);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_RST);
	CHECK_EQ(s.seq, 777);
	tp_send(&q, TCP_RST, 1000, 0, 0, NULL, 0, NULL, 0, 0);
	EXPECT_NONE();
	/* an ACK to the listening port with no TCB: RST too */
	tp_send(&P, TCP_ACK, 1, 4242, 65535, NULL, 0, NULL, 0, 0);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_RST);
	CHECK_EQ(s.seq, 4242);
	CHECK_EQ(tstat("drop_no_listener"), 2);
	CHECK_EQ(tstat("drop_closed"), 2);
	CHECK_EQ(tstat("rst_out"), 3);
	CHECK_EQ(tcp_conn_count(), 0);
	tt_teardown();
}

static void test_bad_options_and_checksum(void)
{
	tt_setup();
	struct tp_seg s;
	/* option length running past the header */
	uint8_t bad1[4] = { TCP_OPT_MSS, 8, 5, 0xb4 };
	tp_send(&P, TCP_SYN, 1, 0, 65535, bad1, 4, NULL, 0, 0);
	/* option length 0 and 1 */
	uint8_t bad2[4] = { 99, 0, 0, 0 };
	tp_send(&P, TCP_SYN, 1, 0, 65535, bad2, 4, NULL, 0, 0);
	uint8_t bad3[4] = { TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_NOP, 99 };
	tp_send(&P, TCP_SYN, 1, 0, 65535, bad3, 4, NULL, 0, 0);
	/* MSS with the wrong length */
	uint8_t bad4[4] = { TCP_OPT_MSS, 3, 5, 0 };
	tp_send(&P, TCP_SYN, 1, 0, 65535, bad4, 4, NULL, 0, 0);
	EXPECT_NONE();
	CHECK_EQ(tstat("drop_opts"), 4);
	CHECK_EQ(tcp_conn_count(), 0);
	/* a corrupted checksum */
	uint8_t frame[200];
	size_t n = tp_build(&P, frame, TCP_SYN, 1, 0, 65535, NULL, 0, NULL, 0);
	frame[14 + 20 + 4] ^= 0x40;          /* a seq bit, after the checksum was set */
	struct pbuf *b = fakeif_frame(frame, n);
	net_input(b, 0);
	EXPECT_NONE();
	CHECK_EQ(tstat("drop_csum"), 1);
	/* unknown options (and timestamps, SACK-permitted) are skipped */
	uint8_t ok[20] = { 77, 6, 1, 2, 3, 4, TCP_OPT_SACK_PERM, 2, TCP_OPT_TS, 10,
			   0, 0, 0, 1, 0, 0, 0, 0, TCP_OPT_MSS, 4 };
	uint8_t okx[24];
	memcpy(okx, ok, 20);
	okx[20] = 0x02; okx[21] = 0x00; okx[22] = TCP_OPT_EOL; okx[23] = 0;
	tp_send(&P, TCP_SYN, 1, 0, 65535, okx, 24, NULL, 0, 0);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
	tp_send(&P, TCP_ACK, 2, s.seq + 1, 65535, NULL, 0, NULL, 0, 0);
	/* the peer asked for MSS 512: we honour it */
	static const uint8_t big[3000];
	tcp_write_ref(A.c, big, sizeof(big));
	EXPECT_SEG(&s);
	CHECK_EQ(s.len, 512);
	/* truncated header: data offset beyond the segment */
	n = tp_build(&P, frame, TCP_ACK, 2, 0, 65535, NULL, 0, NULL, 0);
	frame[14 + 20 + 12] = 0xf0;
	net_input(fakeif_frame(frame, n), 0);
	CHECK(tstat("drop_short") + tstat("drop_csum") >= 2);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

static void test_backlog_full(void)
{
	tt_setup();
	struct tcppeer q;
	struct tp_seg s;
	/* a flood of SYNs whose SYN-ACKs go nowhere (counted as they go: the
	 * fake interface's queue is smaller than a big backlog) */
	unsigned synacks = 0;
	for (unsigned i = 0; i < TCP_BACKLOG + 5; i++) {
		tp_init(&q, &F, PEER_IP, (uint16_t)(1000 + i), US_IP, US_PORT, PEER_MAC);
		tp_send(&q, TCP_SYN, i * 1000, 0, 65535, NULL, 0, NULL, 0, 0);
		synacks += fakeif_sent_pending(&F);
		fakeif_drop_sent(&F);
	}
	/* the backlog holds TCP_BACKLOG; each extra SYN pushed out the oldest */
	CHECK_EQ(tcp_conn_count(), TCP_BACKLOG);
	CHECK_EQ(tstat("drop_backlog_full"), 5);
	CHECK_EQ(synacks, TCP_BACKLOG + 5);
	/* the oldest (port 1000) is gone: its late ACK gets an RST */
	tp_init(&q, &F, PEER_IP, 1000, US_IP, US_PORT, PEER_MAC);
	tp_send(&q, TCP_ACK, 1, 12345, 65535, NULL, 0, NULL, 0, 1);
	EXPECT_SEG(&s);
	CHECK(s.flags & TCP_RST);
	/* a real client in the middle of the flood still gets in */
	tp_init(&q, &F, PEER_IP, 999, US_IP, US_PORT, PEER_MAC);
	tp_send(&q, TCP_SYN, 5, 0, 65535, NULL, 0, NULL, 0, 2);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
	tp_send(&q, TCP_ACK, 6, s.seq + 1, 65535, NULL, 0, NULL, 0, 3);
	CHECK_EQ(A.accepts, 1);
	CHECK_EQ(tcp_conn_count(), TCP_BACKLOG);      /* 127 half-open + 1 */
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	/* half-open ones expire; the backlog empties */
	uint64_t t = 3;
	for (int i = 0; i < 20 && tcp_conn_count(); i++) {
		t = net_next_deadline(t);
		tt_poll(t);
	}
	fakeif_drop_sent(&F);
	CHECK_EQ(tcp_conn_count(), 0);
	CHECK_EQ(tstat("synrcvd_timedout"), TCP_BACKLOG - 1);
	tt_teardown();
}

/* Fill the whole table with established connections: the next SYN is
 * refused, the established ones carry on; a TIME_WAIT TCB is recycled. */
static struct tcp_conn *conns[TCP_MAX_CONNS];
static unsigned nconns_acc;
static void many_accept(void *arg, struct tcp_conn *c)
{
	(void)arg;
	if (nconns_acc < TCP_MAX_CONNS)
		conns[nconns_acc++] = c;
}

static void test_table_full(void)
{
	tt_setup();
	nconns_acc = 0;
	CHECK_EQ(tcp_listen(8080, many_accept, NULL), 0);
	struct tcppeer q;
	struct tp_seg s;
	for (unsigned i = 0; i < TCP_MAX_CONNS; i++) {
		tp_init(&q, &F, PEER_IP, (uint16_t)(2000 + i), US_IP, 8080, PEER_MAC);
		tp_send(&q, TCP_SYN, 7, 0, 65535, NULL, 0, NULL, 0, 0);
		if (tp_recv(&q, &s))
			tp_send(&q, TCP_ACK, 8, s.seq + 1, 65535, NULL, 0, NULL, 0, 0);
	}
	CHECK_EQ(nconns_acc, TCP_MAX_CONNS);
	CHECK_EQ(tcp_conn_count(), TCP_MAX_CONNS);
	tp_init(&q, &F, PEER_IP, 60000, US_IP, 8080, PEER_MAC);
	tp_send(&q, TCP_SYN, 7, 0, 65535, NULL, 0, NULL, 0, 1);
	EXPECT_NONE();
	CHECK_EQ(tstat("drop_table_full"), 1);
	/* an established one still talks */
	tp_init(&q, &F, PEER_IP, 2000 + 5, US_IP, 8080, PEER_MAC);
	CHECK_EQ(tcp_write_copy(conns[5], "still here", 10), 0);
	EXPECT_SEG(&s);
	CHECK_EQ(s.len, 10);
	CHECK_EQ(s.dport, 2005);
	/* one goes to TIME_WAIT: its slot can be taken by a new SYN */
	tcp_close(conns[7]);
	EXPECT_SEG(&s);
	tp_init(&q, &F, PEER_IP, 2000 + 7, US_IP, 8080, PEER_MAC);
	tp_send(&q, TCP_ACK | TCP_FIN, 8, s.seq + 1, 65535, NULL, 0, NULL, 0, 2);
	fakeif_drop_sent(&F);
	CHECK_EQ(tstat("cur_time_wait"), 1);
	tp_init(&q, &F, PEER_IP, 60001, US_IP, 8080, PEER_MAC);
	tp_send(&q, TCP_SYN, 7, 0, 65535, NULL, 0, NULL, 0, 3);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
	CHECK_EQ(tstat("tw_recycled"), 1);
	CHECK_EQ(tcp_conn_count(), TCP_MAX_CONNS);
	tp_send(&q, TCP_ACK, 8, s.seq + 1, 65535, NULL, 0, NULL, 0, 3);
	CHECK_EQ(nconns_acc, TCP_MAX_CONNS);     /* (the array is full; accepted anyway) */
	for (unsigned i = 0; i < TCP_MAX_CONNS; i++)
		if (i != 7)
			tcp_abort(conns[i]);
	fakeif_drop_sent(&F);
	CHECK_EQ(tcp_conn_count(), 1);               /* the one on port 60001 */
	tt_poll(100000);                             /* its idle timer */
	tt_poll(200000);
	tt_poll(300000);
	fakeif_drop_sent(&F);
	CHECK_EQ(tcp_conn_count(), 0);
	tt_teardown();
}

/* A new SYN for a 4-tuple in TIME_WAIT, above its sequence space, starts
 * a new connection (RFC 9293 3.10.7.4, RFC 6191). */
static void test_timewait_reuse(void)
{
	tt_setup();
	uint32_t pseq;
	uint32_t iss = reach(TCPS_TIME_WAIT, &pseq);
	CHECK_EQ(tstat("cur_time_wait"), 1);
	/* a SYN below: not a new incarnation; challenge/ACK only */
	tp_send(&P, TCP_SYN, pseq - 10, 0, 65535, NULL, 0, NULL, 0, 10);
	CHECK_EQ(tstat("tw_reused"), 0);
	fakeif_drop_sent(&F);
	tp_send(&P, TCP_SYN, pseq + 100000, 0, 65535, OPT_MSS1460, 4, NULL, 0, 11);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
	CHECK(SEQ_GT(s.seq, iss + 2));
	CHECK_EQ(tstat("tw_reused"), 1);
	CHECK_EQ(tcp_conn_count(), 1);
	tp_send(&P, TCP_ACK, pseq + 100001, s.seq + 1, 65535, NULL, 0, NULL, 0, 12);
	CHECK_EQ(A.accepts, 2);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

static void test_idle_timeout(void)
{
	tt_setup();
	uint32_t pseq;
	uint32_t iss = reach(TCPS_ESTABLISHED, &pseq);
	tcp_set_idle_timeout(A.c, 5000);
	CHECK_EQ(tcp_test_next_deadline(), 5000);
	tt_poll(4999);
	EXPECT_NONE();
	tt_poll(5000);
	/* nothing queued: a graceful close, the owner is told at once */
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_ACK | TCP_FIN);
	CHECK_EQ(A.closes, 1);
	CHECK_EQ(tstat("conn_idle"), 1);
	/* the peer never answers: FIN retransmits, then the idle bound again */
	uint64_t t = 5000;
	for (int i = 0; i < 20 && tcp_conn_count(); i++) {
		t = net_next_deadline(t);
		tt_poll(t);
	}
	CHECK_EQ(tcp_conn_count(), 0);
	CHECK(t <= 10000);
	fakeif_drop_sent(&F);
	(void)iss;
	tt_teardown();
}

/* Aborting from inside the handler is safe: nothing touches the TCB after. */
static void test_abort_in_handler(void)
{
	tt_setup();
	A.abort_on_read = 1;
	uint32_t pseq;
	uint32_t iss = reach(TCPS_ESTABLISHED, &pseq);
	tp_send(&P, TCP_ACK, pseq, iss + 1, 65535, NULL, 0, "boom", 4, 1);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK(s.flags & TCP_RST);
	EXPECT_NONE();
	CHECK_EQ(tcp_conn_count(), 0);
	CHECK_EQ(A.closes, 0);               /* tcp_abort: no CLOSED event */
	CHECK_EQ(tstat("conn_aborted"), 1);
	tt_teardown();
}


/* Random segments at a listener and at connections in every state: no
 * crash, no sanitizer report, nothing leaked, and the table stays sane. */
static uint32_t frng = 99;
static uint32_t frand(void)
{
	frng ^= frng << 13;
	frng ^= frng >> 17;
	frng ^= frng << 5;
	return frng;
}

static void test_random_segments(void)
{
	static const unsigned states[] = { TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
		TCPS_CLOSE_WAIT, TCPS_CLOSING, TCPS_LAST_ACK, TCPS_TIME_WAIT };
	static const uint8_t junk[1460];
	for (unsigned k = 0; k < 7; k++) {
		tt_setup();
		uint32_t pseq;
		uint32_t iss = reach(states[k], &pseq);
		if (A.c)
			tcp_write_ref(A.c, junk, sizeof(junk));
		for (int i = 0; i < 3000; i++) {
			uint8_t opt[40];
			unsigned optlen = frand() % 4 == 0 ? frand() % 41 : 0;
			for (unsigned j = 0; j < optlen; j++)
				opt[j] = (uint8_t)(frand() % 8 == 0 ? frand() : frand() % 5);
			uint32_t seq = frand() % 2 ? pseq + frand() % 40000 - 20000 : frand();
			uint32_t ack = frand() % 2 ? iss + frand() % 4000 - 1000 : frand();
			uint8_t flags = (uint8_t)frand();
			size_t len = frand() % 3 == 0 ? frand() % 1400 : 0;
			tp_send(&P, flags, seq, ack, (uint16_t)frand(), opt, optlen, junk, len, (uint64_t)i);
			fakeif_drop_sent(&F);
			CHECK(tcp_next_deadline(i) <= tcp_test_next_deadline());   /* never late */
			if (i % 500 == 0)
				tt_poll((uint64_t)i);
		}
		CHECK(tstat("seg_in") >= 3000);
		if (k == 0)
			printf("  state %s: seg_in=%llu drop_opts=%llu drop_csum=%llu challenge=%llu rst_in=%llu\n",
			       tcp_state_names[states[k]], (unsigned long long)tstat("seg_in"),
			       (unsigned long long)tstat("drop_opts"), (unsigned long long)tstat("drop_csum"),
			       (unsigned long long)tstat("challenge_ack"), (unsigned long long)tstat("rst_in"));
		if (A.c)
			tcp_abort(A.c);
		/* whatever is left (TIME_WAIT, half-open from random SYNs) times out */
		uint64_t t = 3000;
		for (int i = 0; i < 200 && tcp_conn_count(); i++) {
			t = net_next_deadline(t);
			if (t == NET_NO_DEADLINE)
				break;
			tt_poll(t);
			fakeif_drop_sent(&F);
		}
		CHECK_EQ(tcp_conn_count(), 0);
		tt_teardown();
	}
}

int main(void)
{
	RUN(test_rst_every_state);
	RUN(test_blind_reset);
	RUN(test_no_connection);
	RUN(test_bad_options_and_checksum);
	RUN(test_backlog_full);
	RUN(test_table_full);
	RUN(test_timewait_reuse);
	RUN(test_idle_timeout);
	RUN(test_abort_in_handler);
	RUN(test_random_segments);
	return check_done();
}
