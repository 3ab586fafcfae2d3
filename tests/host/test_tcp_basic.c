/*
 * tests/host/test_tcp_basic.c - handshake, data both ways, and every order
 * of teardown, against a scripted peer; sequence numbers near 2^32.
 */
#include "support/tcptest.h"

static uint8_t body[100000];

static void fill_body(void)
{
	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7 + (i >> 8));
}

static void test_handshake_options(void)
{
	tt_setup();
	uint8_t opt[8] = { TCP_OPT_MSS, 4, 0x05, 0xb4, TCP_OPT_NOP, TCP_OPT_WSCALE, 3, 7 };
	tp_send(&P, TCP_SYN, 1000, 0, 65535, opt, 8, NULL, 0, 0);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
	CHECK_EQ(s.ack, 1001);
	CHECK_EQ(s.mss, 1460);
	CHECK_EQ(s.wscale, TCP_RCV_WSCALE);
	CHECK_EQ(s.wnd, TCP_RCV_BUF);
	CHECK_EQ(s.sport, US_PORT);
	CHECK_EQ(s.dport, PEER_PORT);
	CHECK_EQ(A.accepts, 0);
	CHECK_EQ(tcp_conn_count(), 1);
	CHECK_EQ(tstat("cur_syn_received"), 1);
	tp_send(&P, TCP_ACK, 1001, s.seq + 1, 100, NULL, 0, NULL, 0, 1);
	CHECK_EQ(A.accepts, 1);
	CHECK_EQ(tstat("cur_established"), 1);
	CHECK_EQ(tstat("cur_syn_received"), 0);
	/* the peer's window is scaled by 7 from now on */
	CHECK_EQ(tcp_test_snd_wnd(A.c), 100 << 7);
	EXPECT_NONE();
	tcp_abort(A.c);
	struct tp_seg r;
	EXPECT_SEG(&r);
	CHECK(r.flags & TCP_RST);
	CHECK_EQ(r.seq, s.seq + 1);
	tt_teardown();
}

static void test_no_wscale_without_peer(void)
{
	tt_setup();
	tp_send(&P, TCP_SYN, 5, 0, 8192, NULL, 0, NULL, 0, 0);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.wscale, -1);
	CHECK_EQ(s.mss, 1460);
	tp_send(&P, TCP_ACK, 6, s.seq + 1, 8192, NULL, 0, NULL, 0, 0);
	CHECK_EQ(tcp_test_snd_wnd(A.c), 8192);
	/* no MSS option: we send at most 536 per segment */
	static const uint8_t d[2000];
	tcp_write_ref(A.c, d, sizeof(d));
	EXPECT_SEG(&s);
	CHECK_EQ(s.len, 536);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* Request in, response out by reference, we close first; the peer's ISN
 * and ours both sit just below 2^32 so every counter wraps. */
static void test_we_close_first_wrap(void)
{
	tt_setup();
	fill_body();
	uint32_t irs = 0xfffffff0u;
	tcp_test_force_iss(0xffffff00u);
	A.tx = body;
	A.tx_len = 5000;
	A.close_after_tx = 1;
	uint32_t iss = tt_handshake(irs, 65535, 1460, 0);
	CHECK_EQ(iss, 0xffffff00u);
	uint32_t pseq = irs + 1;
	/* the app queued the response on accept: 4 segments, FIN on the last */
	struct tp_seg s;
	uint32_t expect = iss + 1;
	size_t got = 0;
	int fin = 0;
	while (tp_recv(&P, &s)) {
		CHECK(s.csum_ok);
		CHECK_EQ(s.seq, expect);
		CHECK(s.len <= 1460);
		CHECK(memcmp(s.data, body + got, s.len) == 0);
		got += s.len;
		expect += s.len;
		if (s.flags & TCP_FIN) {
			fin = 1;
			expect++;
		}
	}
	CHECK_EQ(got, 5000);
	CHECK(fin);
	CHECK_EQ(tcp_test_state(A.c), TCPS_FIN_WAIT_1);
	/* the peer sends a request too, and acks everything incl. our FIN */
	tp_send(&P, TCP_ACK | TCP_PSH, pseq, expect, 65535, NULL, 0, "GET / HTTP/1.1\r\n\r\n", 18, 10);
	pseq += 18;
	CHECK_EQ(A.rx_len, 18);
	CHECK(memcmp(A.rx, "GET / HTTP/1.1\r\n\r\n", 18) == 0);
	CHECK_EQ(tcp_test_state(A.c), TCPS_FIN_WAIT_2);
	/* the data is acked after the delayed-ACK time, not at once */
	EXPECT_NONE();
	tt_poll(10 + TCP_DELACK_MS - 1);
	EXPECT_NONE();
	tt_poll(10 + TCP_DELACK_MS);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_ACK);
	CHECK_EQ(s.ack, pseq);
	CHECK_EQ(tcp_sendq_bytes(A.c), 0);
	/* peer's FIN: TIME_WAIT, owner told CLOSED */
	tp_send(&P, TCP_ACK | TCP_FIN, pseq, expect, 65535, NULL, 0, NULL, 0, 300);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_ACK);
	CHECK_EQ(s.ack, pseq + 1);
	CHECK_EQ(A.closes, 1);
	CHECK(A.eof);
	CHECK(A.c == NULL);
	CHECK_EQ(tcp_conn_count(), 1);
	CHECK_EQ(tstat("cur_time_wait"), 1);
	/* a retransmitted FIN in TIME_WAIT is acked again */
	tp_send(&P, TCP_ACK | TCP_FIN, pseq, expect, 65535, NULL, 0, NULL, 0, 400);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, pseq + 1);
	CHECK(tcp_test_next_deadline() <= 400 + 2 * TCP_MSL_MS);
	tt_poll(400 + 2 * TCP_MSL_MS - 1);
	CHECK_EQ(tcp_conn_count(), 1);
	tt_poll(400 + 2 * TCP_MSL_MS);
	CHECK_EQ(tcp_conn_count(), 0);
	CHECK_EQ(tstat("cur_time_wait"), 0);
	CHECK_EQ(tstat("conn_closed"), 1);
	EXPECT_NONE();
	tt_teardown();
}

/* The peer closes first: we see EOF, close, go LAST_ACK, then CLOSED. */
static void test_peer_closes_first(void)
{
	tt_setup();
	A.close_on_eof = 1;
	uint32_t irs = 0x7ffffff0u;
	uint32_t iss = tt_handshake(irs, 65535, 1460, 0);
	uint32_t pseq = irs + 1;
	tp_send(&P, TCP_ACK | TCP_FIN, pseq, iss + 1, 65535, NULL, 0, "bye", 3, 5);
	struct tp_seg s;
	EXPECT_SEG(&s);                  /* our FIN, carrying the ACK of theirs */
	CHECK_EQ(s.flags, TCP_ACK | TCP_FIN);
	CHECK_EQ(s.seq, iss + 1);
	CHECK_EQ(s.ack, pseq + 4);
	CHECK(A.eof);
	CHECK_EQ(A.rx_len, 3);
	CHECK_EQ(tcp_test_state(A.c), TCPS_LAST_ACK);
	EXPECT_NONE();
	tp_send(&P, TCP_ACK, pseq + 4, iss + 2, 65535, NULL, 0, NULL, 0, 6);
	CHECK_EQ(A.closes, 1);
	CHECK_EQ(tcp_conn_count(), 0);
	EXPECT_NONE();
	tt_teardown();
}

/* Both FINs cross: FIN_WAIT_1 -> CLOSING -> TIME_WAIT. */
static void test_simultaneous_close(void)
{
	tt_setup();
	uint32_t irs = 0xffffffffu;      /* the peer's first data byte is seq 0 */
	uint32_t iss = tt_handshake(irs, 65535, 1460, 0);
	uint32_t pseq = irs + 1;
	tcp_close(A.c);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_ACK | TCP_FIN);
	CHECK_EQ(s.seq, iss + 1);
	/* the peer's FIN does not ack ours */
	tp_send(&P, TCP_ACK | TCP_FIN, pseq, iss + 1, 65535, NULL, 0, NULL, 0, 5);
	CHECK_EQ(tcp_test_state(A.c), TCPS_CLOSING);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_ACK);
	CHECK_EQ(s.ack, pseq + 1);
	tp_send(&P, TCP_ACK, pseq + 1, iss + 2, 65535, NULL, 0, NULL, 0, 6);
	CHECK_EQ(tstat("cur_time_wait"), 1);
	CHECK_EQ(A.closes, 1);
	tt_poll(6 + 2 * TCP_MSL_MS);
	CHECK_EQ(tcp_conn_count(), 0);
	tt_teardown();
}

/* Our FIN is lost: it is retransmitted on RTO, alone. */
static void test_fin_lost(void)
{
	tt_setup();
	uint32_t irs = 100;
	uint32_t iss = tt_handshake(irs, 65535, 1460, 0);
	tcp_close(A.c);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_ACK | TCP_FIN);
	tt_poll(TCP_RTO_INIT_MS - 1);
	EXPECT_NONE();
	tt_poll(TCP_RTO_INIT_MS);
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_ACK | TCP_FIN);
	CHECK_EQ(s.seq, iss + 1);
	CHECK_EQ(s.len, 0);
	CHECK_EQ(tstat("rexmt_timeout"), 1);
	/* peer acks and closes in one segment */
	tp_send(&P, TCP_ACK | TCP_FIN, irs + 1, iss + 2, 65535, NULL, 0, NULL, 0, 1100);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, irs + 2);
	CHECK_EQ(tstat("cur_time_wait"), 1);
	tt_poll(1100 + 2 * TCP_MSL_MS);
	CHECK_EQ(tcp_conn_count(), 0);
	tt_teardown();
}

/* The SYN-ACK is lost: retransmitted on RTO and on a repeated SYN; after
 * TCP_SYN_RETRIES the half-open TCB is dropped and its slot returned. */
static void test_synack_lost(void)
{
	tt_setup();
	tp_send(&P, TCP_SYN, 500, 0, 65535, OPT_MSS1460, 4, NULL, 0, 0);
	struct tp_seg s, s2;
	EXPECT_SEG(&s);
	tt_poll(TCP_RTO_INIT_MS);
	EXPECT_SEG(&s2);
	CHECK_EQ(s2.flags, TCP_SYN | TCP_ACK);
	CHECK_EQ(s2.seq, s.seq);
	tp_send(&P, TCP_SYN, 500, 0, 65535, OPT_MSS1460, 4, NULL, 0, 1500);
	EXPECT_SEG(&s2);
	CHECK_EQ(s2.flags, TCP_SYN | TCP_ACK);
	CHECK_EQ(s2.seq, s.seq);
	CHECK_EQ(tcp_conn_count(), 1);
	uint64_t t = 1500;
	for (int i = 0; i < 20 && tcp_conn_count(); i++) {
		t = net_next_deadline(t);
		tt_poll(t);
	}
	CHECK_EQ(tcp_conn_count(), 0);
	CHECK_EQ(tstat("synrcvd_timedout"), 1);
	CHECK_EQ(A.accepts, 0);
	fakeif_drop_sent(&F);
	/* a new SYN is served normally */
	uint32_t iss = tt_handshake(9000, 65535, 1460, t + 1);
	(void)iss;
	CHECK_EQ(A.accepts, 1);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}


/* RFC 6528: ISNs differ per 4-tuple and move forward with the clock (about
 * 250 per millisecond, a 4 us tick) for the same 4-tuple. */
static void test_isn(void)
{
	tt_setup();
	struct tcppeer q;
	struct tp_seg s;
	uint32_t iss[4];
	for (unsigned i = 0; i < 3; i++) {
		tp_init(&q, &F, PEER_IP, (uint16_t)(3000 + i), US_IP, US_PORT, PEER_MAC);
		tp_send(&q, TCP_SYN, 1, 0, 65535, NULL, 0, NULL, 0, 0);
		EXPECT_SEG(&s);
		iss[i] = s.seq;
	}
	CHECK(iss[0] != iss[1] && iss[1] != iss[2] && iss[0] != iss[2]);
	/* the same 4-tuple again, 1 s later, after an RST freed it */
	tp_init(&q, &F, PEER_IP, 3000, US_IP, US_PORT, PEER_MAC);
	tp_send(&q, TCP_RST, 2, 0, 0, NULL, 0, NULL, 0, 1);
	tp_send(&q, TCP_SYN, 1, 0, 65535, NULL, 0, NULL, 0, 1000);
	EXPECT_SEG(&s);
	iss[3] = s.seq;
	CHECK_EQ(iss[3] - iss[0], 250000u);
	/* give the half-open ones back */
	for (unsigned i = 0; i < 3; i++) {
		tp_init(&q, &F, PEER_IP, (uint16_t)(3000 + i), US_IP, US_PORT, PEER_MAC);
		tp_send(&q, TCP_RST, 2, 0, 0, NULL, 0, NULL, 0, 1001);
	}
	CHECK_EQ(tcp_conn_count(), 0);
	tt_teardown();
}

int main(void)
{
	RUN(test_handshake_options);
	RUN(test_no_wscale_without_peer);
	RUN(test_we_close_first_wrap);
	RUN(test_peer_closes_first);
	RUN(test_simultaneous_close);
	RUN(test_fin_lost);
	RUN(test_synack_lost);
	RUN(test_isn);
	return check_done();
}
