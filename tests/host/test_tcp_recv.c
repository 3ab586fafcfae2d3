/*
 * tests/host/test_tcp_recv.c - the receive side: delayed ACKs, reordering,
 * duplicates and overlaps, the advertised window following the buffer,
 * zero window and its reopening, out-of-order FIN.
 */
#include "support/tcptest.h"

static uint8_t data[60000];

static void fill(void)
{
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + (i >> 7));
}

#define PSEQ0 0xffffe000u            /* the peer's data crosses 2^32 */

static void send_data(uint32_t off, uint32_t len, uint32_t ack, uint64_t now)
{
	tp_send(&P, TCP_ACK, PSEQ0 + 1 + off, ack, 65535, NULL, 0, data + off, len, now);
}

static void test_delayed_ack(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake(PSEQ0, 65535, 1460, 0);
	send_data(0, 1460, iss + 1, 10);
	EXPECT_NONE();                   /* one segment: ACK delayed */
	send_data(1460, 1460, iss + 1, 11);
	struct tp_seg s;
	EXPECT_SEG(&s);                  /* the second full segment: ACK now */
	CHECK_EQ(s.ack, PSEQ0 + 1 + 2920);
	send_data(2920, 100, iss + 1, 20);
	EXPECT_NONE();
	tt_poll(20 + TCP_DELACK_MS - 1);
	EXPECT_NONE();
	tt_poll(20 + TCP_DELACK_MS);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, PSEQ0 + 1 + 3020);
	CHECK_EQ(tstat("delack_out"), 1);
	CHECK_EQ(A.rx_len, 3020);
	CHECK(memcmp(A.rx, data, 3020) == 0);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

static void test_reorder_and_duplicates(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake(PSEQ0, 65535, 1460, 0);
	struct tp_seg s;
	/* 3rd, then 2nd: each answered at once with ack for the hole */
	send_data(2000, 1000, iss + 1, 1);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, PSEQ0 + 1);
	send_data(1000, 1000, iss + 1, 2);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, PSEQ0 + 1);
	CHECK_EQ(A.rx_len, 0);
	/* a duplicate of the 3rd and an overlap of 2nd/3rd change nothing */
	send_data(2000, 1000, iss + 1, 3);
	EXPECT_SEG(&s);
	send_data(1500, 1000, iss + 1, 3);
	EXPECT_SEG(&s);
	/* and a far one leaves a second hole */
	send_data(4000, 500, iss + 1, 3);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, PSEQ0 + 1);
	/* the 1st fills the first hole: everything up to 3000 delivered, ACK now */
	send_data(0, 1000, iss + 1, 4);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, PSEQ0 + 1 + 3000);
	CHECK_EQ(A.rx_len, 3000);
	/* an old duplicate (already delivered) and a partly old one */
	send_data(0, 1000, iss + 1, 5);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, PSEQ0 + 1 + 3000);
	send_data(2500, 1500, iss + 1, 6);   /* 2500..4000: fills 3000..4000 */
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, PSEQ0 + 1 + 4500);
	CHECK_EQ(A.rx_len, 4500);
	CHECK(memcmp(A.rx, data, 4500) == 0);
	CHECK(tstat("ooo_in") >= 4);
	CHECK_EQ(tstat("dup_in"), 1);            /* the partly old one */
	CHECK_EQ(tstat("drop_out_of_window"), 1); /* the wholly old one */
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* More holes than TCP_OOO_MAX: the extra segment is dropped and counted,
 * and a retransmission later fills everything. */
static void test_ooo_bound(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake(PSEQ0, 65535, 1460, 0);
	for (unsigned i = 0; i <= TCP_OOO_MAX; i++)
		send_data(100 + 200 * i, 100, iss + 1, 1);
	CHECK_EQ(tstat("drop_ooo_full"), 1);
	fakeif_drop_sent(&F);
	for (unsigned i = 0; i <= TCP_OOO_MAX; i++)
		send_data(200 * i, 200, iss + 1, 2);
	CHECK_EQ(A.rx_len, 200 * (TCP_OOO_MAX + 1));
	CHECK(memcmp(A.rx, data, A.rx_len) == 0);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* The application does not read: the window shrinks with the buffer down
 * to zero, data beyond it is not taken, a probe is answered with window
 * 0, and reading opens it with a window update. */
static void test_window_follows_buffer(void)
{
	tt_setup();
	fill();
	A.auto_read = 0;
	uint32_t iss = tt_handshake(PSEQ0, 65535, 1460, 0);
	struct tp_seg s;
	uint32_t off = 0;
	while (off < TCP_RCV_BUF) {
		uint32_t n = TCP_RCV_BUF - off < 1460 ? TCP_RCV_BUF - off : 1460;
		send_data(off, n, iss + 1, 1);
		off += n;
		while (tp_recv(&P, &s)) {
			CHECK_EQ(s.wnd, TCP_RCV_BUF - (s.ack - (PSEQ0 + 1)));
		}
	}
	tt_poll(1 + TCP_DELACK_MS);
	while (tp_recv(&P, &s))
		;
	CHECK_EQ(s.wnd, 0);
	CHECK_EQ(s.ack, PSEQ0 + 1 + TCP_RCV_BUF);
	/* a zero-window probe (one byte) is answered, not taken */
	send_data(off, 1, iss + 1, 300);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, PSEQ0 + 1 + TCP_RCV_BUF);
	CHECK_EQ(s.wnd, 0);
	/* beyond the window: answered with an ACK, dropped */
	send_data(off + 100, 1000, iss + 1, 301);
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, PSEQ0 + 1 + TCP_RCV_BUF);
	/* reading a little does not reopen a silly window */
	uint8_t buf[TCP_RCV_BUF];
	CHECK_EQ(tcp_read(A.c, buf, 100), 100);
	EXPECT_NONE();
	/* reading enough sends a window update at once */
	CHECK_EQ(tcp_read(A.c, buf + 100, sizeof(buf) - 100), TCP_RCV_BUF - 100);
	EXPECT_SEG(&s);
	CHECK_EQ(s.wnd, TCP_RCV_BUF);
	CHECK(memcmp(buf, data, TCP_RCV_BUF) == 0);
	CHECK_EQ(tcp_read(A.c, buf, 10), 0);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

/* The FIN arrives before the last data: EOF only after the data. */
static void test_fin_out_of_order(void)
{
	tt_setup();
	fill();
	uint32_t iss = tt_handshake(PSEQ0, 65535, 1460, 0);
	tp_send(&P, TCP_ACK | TCP_FIN, PSEQ0 + 1 + 500, iss + 1, 65535, NULL, 0, data + 500, 500, 1);
	CHECK(!A.eof);
	CHECK_EQ(tcp_test_state(A.c), TCPS_ESTABLISHED);
	fakeif_drop_sent(&F);
	send_data(0, 500, iss + 1, 2);
	CHECK(A.eof);
	CHECK_EQ(A.rx_len, 1000);
	CHECK(memcmp(A.rx, data, 1000) == 0);
	CHECK_EQ(tcp_test_state(A.c), TCPS_CLOSE_WAIT);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.ack, PSEQ0 + 1 + 1001);
	tcp_close(A.c);
	EXPECT_SEG(&s);
	CHECK(s.flags & TCP_FIN);
	tp_send(&P, TCP_ACK, PSEQ0 + 1 + 1001, iss + 2, 65535, NULL, 0, NULL, 0, 3);
	CHECK_EQ(tcp_conn_count(), 0);
	CHECK_EQ(A.closes, 1);
	tt_teardown();
}

/* Data in the segment that completes the handshake reaches the owner
 * right after accept; an owner that writes in its handler gets its reply
 * out in the same instant, carrying the ACK. */
static void test_data_with_handshake_ack(void)
{
	tt_setup();
	fill();
	tp_send(&P, TCP_SYN, PSEQ0, 0, 65535, OPT_MSS1460, 4, NULL, 0, 0);
	struct tp_seg s;
	EXPECT_SEG(&s);
	uint32_t iss = s.seq;
	tp_send(&P, TCP_ACK | TCP_PSH, PSEQ0 + 1, iss + 1, 65535, NULL, 0, "hello", 5, 1);
	CHECK_EQ(A.accepts, 1);
	CHECK_EQ(A.rx_len, 5);
	CHECK(memcmp(A.rx, "hello", 5) == 0);
	tcp_write_copy(A.c, "world", 5);
	EXPECT_SEG(&s);
	CHECK_EQ(s.len, 5);
	CHECK_EQ(s.ack, PSEQ0 + 6);
	CHECK(memcmp(s.data, "world", 5) == 0);
	tcp_abort(A.c);
	fakeif_drop_sent(&F);
	tt_teardown();
}

int main(void)
{
	RUN(test_delayed_ack);
	RUN(test_reorder_and_duplicates);
	RUN(test_ooo_bound);
	RUN(test_window_follows_buffer);
	RUN(test_fin_out_of_order);
	RUN(test_data_with_handshake_ack);
	return check_done();
}
