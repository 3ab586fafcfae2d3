/*
 * tests/host/test_tcp_sack.c - SACK (RFC 2018) and SACK-based loss
 * recovery (RFC 6675) against the scripted peer, with an explicit clock.
 * Sequence numbers start just below 2^32 so every range wraps.
 */
#include "support/tcptest.h"

#define IRS 0xfffffe00u
#define MSS 1000

static uint8_t payload[64 * 1024];

static void fill(void)
{
	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + (i >> 8));
}

/* The peer offers SACK_PERM (with MSS and window scale): our SYN-ACK
 * carries all three, in a valid layout. */
static void test_negotiate_with_sack(void)
{
	tt_setup();
	uint8_t opt[12] = { TCP_OPT_MSS, 4, 0x05, 0xb4, TCP_OPT_NOP, TCP_OPT_NOP,
			    TCP_OPT_SACK_PERM, 2, TCP_OPT_NOP, TCP_OPT_WSCALE, 3, 7 };
	tp_send(&P, TCP_SYN, IRS, 0, 65535, opt, 12, NULL, 0, 0);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
	CHECK(s.sack_perm);
	CHECK_EQ(s.mss, TCP_OUR_MSS);
	CHECK_EQ(s.wscale, TCP_RCV_WSCALE);
	CHECK_EQ(tstat("sack_conn"), 1);
	tp_send(&P, TCP_RST | TCP_ACK, IRS + 1, s.seq + 1, 0, NULL, 0, NULL, 0, 1);
	tt_teardown();
}

/* No SACK_PERM from the peer: none from us, SACK blocks it sends anyway
 * are ignored, and our ACKs for out-of-order data carry none. */
static void test_negotiate_without_sack(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake(IRS, 65535, MSS, 0);
	CHECK_EQ(tstat("sack_conn"), 0);
	/* out-of-order data: the ACK says rcv_nxt, no blocks */
	tp_send(&P, TCP_ACK, IRS + 1 + MSS, iss + 1, 65535, NULL, 0, payload, MSS, 1);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, IRS + 1);
	CHECK_EQ(s.nsack, 0);
	/* data from us; the peer's unsolicited SACK blocks change nothing */
	CHECK_EQ(tcp_write_ref(A.c, payload, 5 * MSS), 0);
	for (int i = 0; i < 5; i++) {
		EXPECT_SEG(&s);
		CHECK_EQ(s.len, MSS);
	}
	uint8_t o[12];
	uint32_t b[1][2] = { { iss + 1 + 2 * MSS, iss + 1 + 5 * MSS } };
	unsigned ol = tt_sack_opt(o, 1, b);
	tp_send(&P, TCP_ACK, IRS + 1, iss + 1 + MSS, 65535, o, ol, NULL, 0, 2);
	EXPECT_NONE();
	CHECK_EQ(tstat("sack_blocks_rx"), 0);
	CHECK_EQ(tstat("sack_recovery"), 0);
	tcp_abort(A.c);
	tt_teardown();
}

/* As a receiver: blocks for what we hold out of order, the latest first,
 * merged as holes fill, none once everything is in order. */
static void test_receiver_emits_blocks(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake_sack(IRS, 65535, MSS, 1, 0);
	uint32_t base = IRS + 1;
	struct tp_seg s;
	tp_send(&P, TCP_ACK, base + 1000, iss + 1, 65535, NULL, 0, payload + 1000, 1000, 1);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, base);
	CHECK_EQ(s.nsack, 1);
	CHECK_EQ(s.sack[0][0], base + 1000);
	CHECK_EQ(s.sack[0][1], base + 2000);
	tp_send(&P, TCP_ACK, base + 3000, iss + 1, 65535, NULL, 0, payload + 3000, 1000, 2);
	EXPECT_SEG(&s);
	CHECK_EQ(s.nsack, 2);
	CHECK_EQ(s.sack[0][0], base + 3000);     /* the latest first */
	CHECK_EQ(s.sack[0][1], base + 4000);
	CHECK_EQ(s.sack[1][0], base + 1000);
	CHECK_EQ(s.sack[1][1], base + 2000);
	tp_send(&P, TCP_ACK, base + 5000, iss + 1, 65535, NULL, 0, payload + 5000, 500, 3);
	EXPECT_SEG(&s);
	CHECK_EQ(s.nsack, 3);
	CHECK_EQ(s.sack[0][0], base + 5000);
	CHECK_EQ(s.sack[0][1], base + 5500);
	tp_send(&P, TCP_ACK, base + 2000, iss + 1, 65535, NULL, 0, payload + 2000, 1000, 4);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, base);
	CHECK_EQ(s.nsack, 2);
	CHECK_EQ(s.sack[0][0], base + 1000);     /* merged: 1000..4000 */
	CHECK_EQ(s.sack[0][1], base + 4000);
	CHECK_EQ(s.sack[1][0], base + 5000);
	tp_send(&P, TCP_ACK, base, iss + 1, 65535, NULL, 0, payload, 1000, 5);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, base + 4000);
	CHECK_EQ(s.nsack, 1);
	CHECK_EQ(s.sack[0][0], base + 5000);
	tp_send(&P, TCP_ACK, base + 4000, iss + 1, 65535, NULL, 0, payload + 4000, 1000, 6);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, base + 5500);
	CHECK_EQ(s.nsack, 0);
	CHECK_EQ(A.rx_len, 5500);
	CHECK(A.rx_len == 5500 && memcmp(A.rx, payload, 5500) == 0);
	CHECK(tstat("sack_blocks_tx") >= 9);
	tcp_abort(A.c);
	tt_teardown();
}

/* SACK blocks count against the peer's MSS (RFC 6691): a full-sized data
 * segment carries none, a pure ACK does. */
static void test_blocks_fit_peer_mss(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake_sack(IRS, 65535, 536, 1, 0);
	struct tp_seg s;
	tp_send(&P, TCP_ACK, IRS + 1 + 100, iss + 1, 65535, NULL, 0, payload, 100, 1);
	EXPECT_SEG(&s);
	CHECK_EQ(s.nsack, 1);
	CHECK_EQ(tcp_write_ref(A.c, payload, 536 + 100), 0);
	EXPECT_SEG(&s);
	CHECK_EQ(s.len, 536);
	CHECK_EQ(s.nsack, 0);
	EXPECT_NONE();                           /* (Nagle holds the 100-byte tail) */
	tcp_abort(A.c);
	tt_teardown();
}

/* Malformed SACK options drop the segment (drop_opts); blocks outside
 * snd_una..snd_max are counted and ignored and start no recovery. */
static void test_bad_blocks_ignored(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake_sack(IRS, 65535, MSS, 1, 0);
	uint32_t u = iss + 1;
	CHECK_EQ(tcp_write_ref(A.c, payload, 5 * MSS), 0);
	struct tp_seg s;
	for (int i = 0; i < 5; i++)
		EXPECT_SEG(&s);
	/* length 12 is not 2 + 8n: malformed, the whole segment goes */
	uint8_t bad[12] = { TCP_OPT_NOP, TCP_OPT_NOP, 5, 12 };
	put_be32(bad + 4, u + MSS);
	put_be32(bad + 8, u + 2 * MSS);
	uint64_t d0 = tstat("drop_opts");
	tp_send(&P, TCP_ACK, IRS + 1, u + MSS, 65535, bad, 12, NULL, 0, 1);
	CHECK_EQ(tstat("drop_opts"), d0 + 1);
	/* beyond snd_max, reversed, straddling snd_una: bad; below it: old */
	uint32_t b[4][2] = {
		{ u + 5 * MSS, u + 6 * MSS },
		{ u + 4 * MSS, u + 3 * MSS },
		{ u - 10, u + 2 * MSS },
		{ u - 2000, u - 1000 },
	};
	uint8_t o[36];
	unsigned ol = tt_sack_opt(o, 4, b);
	for (int k = 0; k < 4; k++)
		tp_send(&P, TCP_ACK, IRS + 1, u, 65535, o, ol, NULL, 0, 2);
	CHECK_EQ(tstat("sack_blocks_rx"), 16);
	CHECK_EQ(tstat("sack_blocks_bad"), 12);
	CHECK_EQ(tstat("sack_blocks_old"), 4);
	CHECK_EQ(A.c->n_sacked, 0);
	/* so they were plain duplicates: recovery starts on the third and
	 * resends the head only (no other hole is known) */
	CHECK_EQ(tstat("sack_recovery"), 1);
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, u);
	CHECK_EQ(s.len, MSS);
	EXPECT_NONE();
	tcp_abort(A.c);
	tt_teardown();
}

/* Receiver that ACKs every data segment at once with SACK blocks (the
 * latest first), losing the segments at `lose` offsets on their first
 * transmission.  Records how often each byte offset was sent. */
static uint8_t have[64 * 1024], sentcnt[64 * 1024], rxbuf[64 * 1024];
static void sack_ack(uint32_t base, uint32_t iss, uint32_t total, uint32_t last, uint64_t now)
{
	uint32_t nxt = 0;
	while (nxt < total && have[nxt])
		nxt++;
	uint32_t blk[4][2];
	unsigned n = 0;
	/* the run holding `last` first, then the others from the lowest */
	uint32_t lo = last, hi = last;
	if (last > nxt) {
		while (lo > 0 && have[lo - 1])
			lo--;
		while (hi < total && have[hi])
			hi++;
		blk[n][0] = base + lo;
		blk[n][1] = base + hi;
		n++;
	}
	for (uint32_t i = nxt; i < total && n < 4;) {
		if (!have[i]) {
			i++;
			continue;
		}
		uint32_t j = i;
		while (j < total && have[j])
			j++;
		if (!(i == lo && last > nxt)) {
			blk[n][0] = base + i;
			blk[n][1] = base + j;
			n++;
		}
		i = j;
	}
	uint8_t o[36];
	unsigned ol = n ? tt_sack_opt(o, n, (const uint32_t (*)[2])blk) : 0;
	tp_send(&P, TCP_ACK, IRS + 1, base + nxt, 65535, o, ol, NULL, 0, now);
	(void)iss;
}

/* Three holes in one window (segments 1, 4 and 7 of the first flight are
 * lost): all three are repaired in the same round trip, without an RTO,
 * by resending exactly those bytes once; no SACKed byte is ever resent. */
static void test_multiple_holes_one_rtt(void)
{
	tt_setup();
	fill();
	memset(have, 0, sizeof(have));
	memset(sentcnt, 0, sizeof(sentcnt));
	uint32_t iss = tt_handshake_sack(IRS, 65535, MSS, 1, 0);
	uint32_t base = iss + 1, total = 20 * MSS;
	CHECK_EQ(tcp_write_ref(A.c, payload, total), 0);
	uint64_t now = 10;
	struct tp_seg s;
	unsigned rounds = 0;
	/* everything happens at one instant plus the test's own steps of
	 * 1 ms per exchange: far below any RTO */
	while (tp_recv(&P, &s) && rounds < 1000) {
		rounds++;
		CHECK(s.csum_ok);
		if (!s.len)
			continue;
		uint32_t off = s.seq - base;
		CHECK(off + s.len <= total);
		for (uint32_t i = off; i < off + s.len && i < total; i++)
			sentcnt[i]++;
		int lose = sentcnt[off] == 1 && (off == 1 * MSS || off == 4 * MSS || off == 7 * MSS);
		if (lose)
			continue;
		memcpy(rxbuf + off, s.data, s.len);
		memset(have + off, 1, s.len);
		sack_ack(base, iss, total, off, ++now);
	}
	uint32_t nxt = 0;
	while (nxt < total && have[nxt])
		nxt++;
	CHECK_EQ(nxt, total);
	CHECK(memcmp(rxbuf, payload, total) == 0);
	for (uint32_t i = 0; i < total; i++) {
		int hole = i / MSS == 1 || i / MSS == 4 || i / MSS == 7;
		if (sentcnt[i] != (hole ? 2 : 1)) {
			printf("  byte %u sent %u times\n", i, sentcnt[i]);
			CHECK_EQ(sentcnt[i], hole ? 2 : 1);
			break;
		}
	}
	CHECK_EQ(tstat("rexmt_timeout"), 0);
	CHECK_EQ(tstat("sack_recovery"), 1);
	CHECK_EQ(tstat("sack_rexmt"), 3);
	CHECK_EQ(tstat("rexmt_bytes"), 3 * MSS);
	CHECK(now < 10 + 200);                   /* well within one RTO */
	CHECK_EQ(tcp_sendq_bytes(A.c), 0);
	tcp_abort(A.c);
	tt_teardown();
}

/* After an RTO the scoreboard is forgotten (the peer may renege), but
 * SACKs that arrive afterwards let go-back-N skip what the peer holds. */
static void test_rto_clears_then_skips(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake_sack(IRS, 65535, MSS, 1, 0);
	uint32_t u = iss + 1;
	CHECK_EQ(tcp_write_ref(A.c, payload, 6 * MSS), 0);
	struct tp_seg s;
	for (int i = 0; i < 6; i++)
		EXPECT_SEG(&s);
	/* one SACK for 2..3: not enough to call 0 lost */
	uint32_t b1[1][2] = { { u + 2 * MSS, u + 3 * MSS } };
	uint8_t o[36];
	unsigned ol = tt_sack_opt(o, 1, b1);
	tp_send(&P, TCP_ACK, IRS + 1, u, 65535, o, ol, NULL, 0, 5);
	EXPECT_NONE();
	CHECK_EQ(A.c->n_sacked, 1);
	/* the RTO (initial 1 s; TLP needs an RTT sample, there is none) */
	tt_poll(1100);
	CHECK_EQ(tstat("rexmt_timeout"), 1);
	CHECK_EQ(A.c->n_sacked, 0);
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, u);
	EXPECT_NONE();
	/* that resend arrives; the peer lacks 1 and holds 2..5: go-back-N
	 * sends 1 and skips the rest */
	uint32_t b2[1][2] = { { u + 2 * MSS, u + 6 * MSS } };
	ol = tt_sack_opt(o, 1, b2);
	tp_send(&P, TCP_ACK, IRS + 1, u + MSS, 65535, o, ol, NULL, 0, 1110);
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, u + MSS);
	CHECK_EQ(s.len, MSS);
	EXPECT_NONE();
	CHECK_EQ(tstat("sack_skip_bytes"), 4 * MSS);
	CHECK_EQ(tstat("sack_recovery"), 0);
	/* and the ACK for it completes the transfer */
	tp_send(&P, TCP_ACK, IRS + 1, u + 6 * MSS, 65535, NULL, 0, NULL, 0, 1120);
	EXPECT_NONE();
	CHECK_EQ(tcp_sendq_bytes(A.c), 0);
	tcp_abort(A.c);
	tt_teardown();
}

/* An ACK from the peer at `now`: cumulative `ack`, one SACK block [a, b). */
static void ack_sack(uint32_t ack, uint32_t a, uint32_t b, uint64_t now)
{
	uint32_t blk[1][2] = { { a, b } };
	uint8_t o[12];
	unsigned ol = tt_sack_opt(o, 1, blk);
	tp_send(&P, TCP_ACK, IRS + 1, ack, 65535, o, ol, NULL, 0, now);
}

/* The resend of the head is itself lost.  Data sent before it keeps being
 * SACKed, and once an RTT plus the reordering allowance has passed since
 * the resend (decided by a timer, as no ACK may come), the head goes
 * again: long before the RTO, which would double and reset cwnd. */
static void test_lost_retransmission_detected(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake_sack(IRS, 65535, MSS, 1, 0);
	uint32_t u = iss + 1;
	struct tp_seg s;
	CHECK_EQ(tcp_write_ref(A.c, payload, MSS), 0);
	EXPECT_SEG(&s);
	tp_send(&P, TCP_ACK, IRS + 1, u + MSS, 65535, NULL, 0, NULL, 0, 20); /* srtt 20 */
	uint32_t b = u + MSS;
	CHECK_EQ(tcp_write_ref(A.c, payload + MSS, 8 * MSS), 0);
	for (int i = 0; i < 8; i++) {
		EXPECT_SEG(&s);
		CHECK_EQ(s.seq, b + (uint32_t)i * MSS);
	}
	ack_sack(b, b + MSS, b + 2 * MSS, 30);
	ack_sack(b, b + MSS, b + 3 * MSS, 31);
	EXPECT_NONE();
	ack_sack(b, b + MSS, b + 4 * MSS, 32);   /* third: recovery, head resent */
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, b);
	CHECK_EQ(tstat("sack_recovery"), 1);
	EXPECT_NONE();
	/* that resend is lost; more of the first flight is SACKed at 40 */
	ack_sack(b, b + MSS, b + 6 * MSS, 40);
	EXPECT_NONE();
	tt_poll(58);
	EXPECT_NONE();                           /* 32 + srtt 20 + 20/4 + 2 = 59 */
	tt_poll(59);
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, b);
	CHECK_EQ(s.len, MSS);
	EXPECT_NONE();
	CHECK_EQ(tstat("sack_lost_rexmt"), 1);
	CHECK_EQ(tstat("rexmt_timeout"), 0);
	tp_send(&P, TCP_ACK, IRS + 1, b + 8 * MSS, 65535, NULL, 0, NULL, 0, 70);
	EXPECT_NONE();
	CHECK_EQ(tcp_sendq_bytes(A.c), 0);
	CHECK_EQ(tstat("rexmt_timeout"), 0);
	tcp_abort(A.c);
	tt_teardown();
}

/* Leaving SACK recovery: the full ACK acknowledges everything, so
 * FlightSize + 1 MSS (NewReno's deflation) would leave one segment, which a
 * delayed-ACK peer holds for 40 ms; cwnd is ssthresh instead (RFC 6675),
 * half the flight at entry: new data goes out four segments at once. */
static void test_recovery_exit_keeps_ssthresh(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake_sack(IRS, 65535, MSS, 1, 0);
	uint32_t u = iss + 1;
	struct tp_seg s;
	CHECK_EQ(tcp_write_ref(A.c, payload, MSS), 0);
	EXPECT_SEG(&s);
	tp_send(&P, TCP_ACK, IRS + 1, u + MSS, 65535, NULL, 0, NULL, 0, 20);
	uint32_t b = u + MSS;
	CHECK_EQ(tcp_write_ref(A.c, payload + MSS, 8 * MSS), 0);
	for (int i = 0; i < 8; i++)
		EXPECT_SEG(&s);
	ack_sack(b, b + MSS, b + 2 * MSS, 30);
	ack_sack(b, b + MSS, b + 3 * MSS, 31);
	ack_sack(b, b + MSS, b + 4 * MSS, 32);   /* recovery, head resent */
	EXPECT_SEG(&s);
	CHECK_EQ(s.seq, b);
	CHECK_EQ(tstat("sack_recovery"), 1);
	while (tp_recv(&P, &s))                  /* whatever pipe allowed */
		;
	uint32_t top = A.c->snd_max;
	tp_send(&P, TCP_ACK, IRS + 1, top, 65535, NULL, 0, NULL, 0, 33);  /* full ACK */
	CHECK(!A.c->in_recovery);
	CHECK_EQ(A.c->cwnd, 4u * MSS);
	CHECK_EQ(tcp_write_ref(A.c, payload + 9 * MSS, 8 * MSS), 0);
	unsigned n = 0;
	while (tp_recv(&P, &s))
		if (s.len)
			n++;
	CHECK_EQ(n, 4u);
	CHECK_EQ(tstat("rexmt_timeout"), 0);
	tcp_abort(A.c);
	tt_teardown();
}

int main(void)
{
	RUN(test_negotiate_with_sack);
	RUN(test_negotiate_without_sack);
	RUN(test_receiver_emits_blocks);
	RUN(test_bad_blocks_ignored);
	RUN(test_blocks_fit_peer_mss);
	RUN(test_multiple_holes_one_rtt);
	RUN(test_rto_clears_then_skips);
	RUN(test_lost_retransmission_detected);
	RUN(test_recovery_exit_keeps_ssthresh);
	return check_done();
}
