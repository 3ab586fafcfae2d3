/*
 * tests/host/support/tcptest.h - shared setup for the TCP tests
 * (test_tcp_*.c): the real stack on a fake interface, a scripted peer,
 * and a small application on top of tcp.h that records what it gets.
 * Header-only, like nettest.h, because it uses TCP itself.
 */
#ifndef TESTS_TCPTEST_H
#define TESTS_TCPTEST_H

#include <stdlib.h>
#include <unistd.h>
#include "../check.h"
#include "fakeif.h"
#include "hostsys.h"
#include "tcppeer.h"
#include "net/net.h"
#include "net/ip.h"
#include "net/tcp.h"
#include "net/tcp_internal.h"

#define US_IP    0x0a00020fu    /* 10.0.2.15 */
#define GW_IP    0x0a000202u
#define PEER_IP  0x0a000203u
#define US_PORT  80
#define PEER_PORT 40000
__attribute__((unused)) static const uint8_t PEER_MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static struct fakeif F;
static struct tcppeer P;

/* ---- the application ---- */
struct app {
	struct tcp_conn *c;          /* NULL once closed */
	unsigned accepts, closes, reads, writes;
	int eof, err;
	int auto_read;               /* read everything on TCP_EV_READ */
	int close_on_eof;            /* tcp_close when the peer has closed */
	int abort_on_read;           /* tcp_abort from inside the handler */
	uint8_t *rx;                 /* what was read */
	size_t rx_len, rx_cap;
	const uint8_t *tx;           /* to send by reference, refilled on WRITE */
	size_t tx_len, tx_off;
	size_t tx_piece;             /* bytes per tcp_write_ref (0 = all) */
	int close_after_tx;          /* tcp_close once all of tx is queued */
};
static struct app A;

static void app_pump(struct app *a)
{
	while (a->c && a->tx_off < a->tx_len) {
		size_t n = a->tx_len - a->tx_off;
		if (a->tx_piece && n > a->tx_piece)
			n = a->tx_piece;
		if (tcp_write_ref(a->c, a->tx + a->tx_off, n) < 0)
			return;
		a->tx_off += n;
	}
	if (a->c && a->close_after_tx && a->tx_off == a->tx_len) {
		a->close_after_tx = 0;
		tcp_close(a->c);
	}
}

static void app_event(void *arg, struct tcp_conn *c, unsigned ev)
{
	struct app *a = arg;
	if (ev & TCP_EV_READ) {
		a->reads++;
		if (a->abort_on_read) {
			tcp_abort(c);
			a->c = NULL;
			return;
		}
		while (a->auto_read) {
			uint8_t buf[3000];
			long n = tcp_read(c, buf, sizeof(buf));
			if (n > 0) {
				if (a->rx_len + (size_t)n > a->rx_cap) {
					a->rx_cap = (a->rx_len + (size_t)n) * 2;
					a->rx = realloc(a->rx, a->rx_cap);
				}
				memcpy(a->rx + a->rx_len, buf, (size_t)n);
				a->rx_len += (size_t)n;
				continue;
			}
			if (n == TCP_EOF && !a->eof) {
				a->eof = 1;
				if (a->close_on_eof)
					tcp_close(c);
			}
			if (n == TCP_ERR)
				a->err = 1;
			break;
		}
	}
	if (ev & TCP_EV_WRITE) {
		a->writes++;
		app_pump(a);
	}
	if (ev & TCP_EV_CLOSED) {
		a->closes++;
		uint8_t dummy[1];
		if (tcp_read(c, dummy, 0) == TCP_ERR)
			a->err = 1;
		a->c = NULL;
	}
}

static void app_accept(void *arg, struct tcp_conn *c)
{
	struct app *a = arg;
	a->accepts++;
	a->c = c;
	tcp_set_handler(c, app_event, a);
	app_pump(a);
}

/* ---- setup and teardown ---- */
static void tt_setup(void)
{
	alarm(120);                  /* a wedged test dies instead of hanging the run */
	hostsys_seed(7);
	hostsys_log_capture(1);
	hostsys_log_clear();
	net_init(0);
	fakeif_init(&F, NULL);
	net_attach(&F.nif);
	net_configure(US_IP, 24, GW_IP);
	fakeif_learn_arp(&F, PEER_IP, PEER_MAC, 0);
	fakeif_drop_sent(&F);
	tp_init(&P, &F, PEER_IP, PEER_PORT, US_IP, US_PORT, PEER_MAC);
	free(A.rx);
	memset(&A, 0, sizeof(A));
	A.auto_read = 1;
	CHECK_EQ(tcp_listen(US_PORT, app_accept, &A), 0);
}

/* Nothing held, nothing leaked: every TCB, pbuf and allocation is back. */
static void tt_teardown(void)
{
	fakeif_reset(&F);
	CHECK_EQ(tcp_conn_count(), 0);
	CHECK_EQ(hostsys_outstanding(), (long)0);
	CHECK_EQ(pbuf_free_count(), pbuf_total());
	free(A.rx);
	A.rx = NULL;
	A.rx_cap = A.rx_len = 0;
	net_init(0);
	fakeif_reset(&F);
}

static inline uint64_t tstat(const char *n)
{
	const uint64_t *v = stats_find("tcp", n);
	if (!v) {
		printf("  no counter tcp.%s\n", n);
		check_failures_++;
		return ~0ull;
	}
	return *v;
}

/* Run the stack's timers at `now` (what the network task would do).  The
 * peer's ARP entry is refreshed first, so tests spanning minutes see TCP's
 * segments rather than ARP's re-resolution. */
static inline void tt_poll(uint64_t now)
{
	fakeif_learn_arp(&F, PEER_IP, PEER_MAC, now);
	net_poll(now);
}

/* Expect exactly one segment from the stack now; fails the test if none. */
static inline int tt_expect(struct tp_seg *s, int line)
{
	if (!tp_recv(&P, s)) {
		printf("  line %d: expected a segment, none sent\n", line);
		check_failures_++;
		memset(s, 0, sizeof(*s) - sizeof(s->data));
		return 0;
	}
	if (!s->csum_ok || !s->ip_ok) {
		printf("  line %d: bad checksum on a sent segment\n", line);
		check_failures_++;
	}
	return 1;
}
#define EXPECT_SEG(s) tt_expect((s), __LINE__)
#define EXPECT_NONE() do { struct tp_seg none_; if (tp_recv(&P, &none_)) { \
	printf("  line %d: unexpected segment flags=%#x seq=%u ack=%u len=%u\n", __LINE__, \
	       none_.flags, none_.seq, none_.ack, none_.len); check_failures_++; } } while (0)

static const uint8_t OPT_MSS1460[4] = { TCP_OPT_MSS, 4, 0x05, 0xb4 };

/* The three-way handshake from a peer whose ISN is `irs` and window `wnd`,
 * with MSS `mss` (0 = no option).  Returns our ISS; A.c is the connection. */
static inline uint32_t tt_handshake_sack(uint32_t irs, uint16_t wnd, uint16_t mss, int sack,
					 uint64_t now)
{
	uint8_t opt[8] = { TCP_OPT_MSS, 4, (uint8_t)(mss >> 8), (uint8_t)mss,
			   TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_SACK_PERM, 2 };
	unsigned optlen = (mss ? 4 : 0) + (sack ? 4 : 0);
	tp_send(&P, TCP_SYN, irs, 0, wnd, optlen ? (mss ? opt : opt + 4) : NULL, optlen,
		NULL, 0, now);
	struct tp_seg s;
	EXPECT_SEG(&s);
	CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
	CHECK_EQ(s.ack, irs + 1);
	tp_send(&P, TCP_ACK, irs + 1, s.seq + 1, wnd, NULL, 0, NULL, 0, now);
	CHECK(A.c != NULL);
	CHECK_EQ(s.sack_perm, !!sack);    /* RFC 2018: SACK_PERM only if offered */
	return s.seq;
}
static inline uint32_t tt_handshake(uint32_t irs, uint16_t wnd, uint16_t mss, uint64_t now)
{
	return tt_handshake_sack(irs, wnd, mss, 0, now);
}

/* Option bytes for a SACK option with n blocks: NOP NOP 5 len blocks. */
static inline unsigned tt_sack_opt(uint8_t *opt, unsigned n, const uint32_t (*b)[2])
{
	opt[0] = TCP_OPT_NOP;
	opt[1] = TCP_OPT_NOP;
	opt[2] = 5;
	opt[3] = (uint8_t)(2 + 8 * n);
	for (unsigned i = 0; i < n; i++) {
		put_be32(opt + 4 + 8 * i, b[i][0]);
		put_be32(opt + 8 + 8 * i, b[i][1]);
	}
	return 4 + 8 * n;
}

#endif
