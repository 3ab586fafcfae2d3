/*
 * tests/host/test_net_frag.c - IPv4 reassembly: order, duplicates,
 * overlaps, missing pieces and timeouts, size and slot bounds.
 */
#include "support/nettest.h"

#define REASS_LIMIT (PBUF_BUFSZ - NET_HEADROOM - IP_HLEN_MIN < IP_REASS_MAX_BYTES ? \
	PBUF_BUFSZ - NET_HEADROOM - IP_HLEN_MIN : IP_REASS_MAX_BYTES)

static uint8_t msg[4096];     /* the datagram payload being fragmented */
static size_t msg_len;

/* An ICMP echo request of `dlen` data bytes in msg. */
static void make_echo(size_t dlen, uint16_t seq)
{
	static uint8_t data[4096];
	for (size_t i = 0; i < dlen; i++)
		data[i] = (uint8_t)(i * 31 + 7);
	msg_len = fb_icmp_echo(msg, ICMP_ECHO_REQUEST, 0x77, seq, data, dlen);
}

/* Deliver bytes [off, off+len) of msg as a fragment of datagram `id`. */
static void frag(uint16_t id, size_t off, size_t len, int more, uint64_t now)
{
	static uint8_t f[2000];
	uint16_t fo = (uint16_t)(off / 8) | (more ? IP_FLAG_MF : 0);
	size_t n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_ICMP, id, fo, msg + off, len);
	deliver_strict(f, n, now);
}

static void setup(void)
{
	net_setup();
	fakeif_learn_arp(&F, GW_IP, GW_MAC, 0);
}

/* The one reply frame must carry exactly msg's data back. */
static void expect_reply(void)
{
	CHECK_EQ(fakeif_sent_pending(&F), 1);
	struct pbuf *p = fakeif_pop_sent(&F);
	if (!p)
		return;
	const uint8_t *ip = pbuf_data(p) + ETH_HLEN;
	CHECK_EQ(p->len, ETH_HLEN + IP_HLEN_MIN + msg_len);
	CHECK_EQ(ip[20], ICMP_ECHO_REPLY);
	CHECK_EQ(inet_csum(ip + 20, (unsigned)msg_len), 0);
	CHECK(memcmp(ip + 24, msg + 4, msg_len - 4) == 0);   /* id, seq, data */
	pbuf_free(p);
}

static void test_in_order(void)
{
	setup();
	make_echo(1000, 1);               /* 1008 bytes: 400 + 400 + 208 */
	frag(1, 0, 400, 1, 0);
	frag(1, 400, 400, 1, 0);
	CHECK_EQ(ip_reass_count(), 1);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	frag(1, 800, 208, 0, 0);
	expect_reply();
	CHECK_EQ(stat("ip", "reass_ok"), 1);
	CHECK_EQ(stat("ip", "frag_rx"), 3);
	CHECK_EQ(ip_reass_count(), 0);
	CHECK_EQ(net_next_deadline(0), NET_NO_DEADLINE);
	net_teardown();
}

static void test_reversed_and_shuffled(void)
{
	setup();
	make_echo(1000, 2);
	frag(2, 800, 208, 0, 0);
	frag(2, 400, 400, 1, 0);
	frag(2, 0, 400, 1, 0);
	expect_reply();
	/* Eight-byte pieces in a scrambled order. */
	make_echo(120, 3);                /* 128 bytes = 16 blocks */
	unsigned order[16] = { 5, 15, 0, 9, 3, 12, 1, 14, 7, 2, 11, 4, 13, 6, 10, 8 };
	for (unsigned i = 0; i < 16; i++)
		frag(3, order[i] * 8, 8, order[i] != 15, 0);
	expect_reply();
	/* A last fragment whose length is not a multiple of 8 is fine. */
	make_echo(93, 4);                 /* 101 bytes */
	frag(4, 96, 5, 0, 0);
	frag(4, 0, 96, 1, 0);
	expect_reply();
	CHECK_EQ(stat("ip", "reass_ok"), 3);
	net_teardown();
}

static void test_duplicates_and_overlaps(void)
{
	setup();
	make_echo(1000, 5);
	frag(5, 0, 400, 1, 0);
	frag(5, 0, 400, 1, 0);            /* exact duplicate: ignored */
	frag(5, 8, 16, 1, 0);             /* inside data we have: ignored too */
	CHECK_EQ(stat("ip", "reass_dup"), 2);
	frag(5, 400, 400, 1, 0);
	frag(5, 800, 208, 0, 0);
	expect_reply();
	/* Partial overlap throws the datagram away. */
	frag(6, 0, 400, 1, 0);
	frag(6, 392, 400, 1, 0);
	CHECK_EQ(stat("ip", "reass_overlap"), 1);
	CHECK_EQ(ip_reass_count(), 0);
	frag(6, 800, 208, 0, 0);          /* the rest starts a new, doomed slot */
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	CHECK_EQ(ip_reass_count(), 1);
	net_teardown();
}

static void test_missing_times_out(void)
{
	setup();
	make_echo(1000, 7);
	uint64_t t0 = 5000;
	frag(7, 0, 400, 1, t0);
	frag(7, 800, 208, 0, t0 + 100);
	CHECK_EQ(pbuf_free_count(), pbuf_total() - 1);   /* one buffer per slot, fragments copied */
	CHECK_EQ(net_next_deadline(t0 + 100), t0 + IP_REASS_TIMEOUT_MS);
	net_poll(t0 + IP_REASS_TIMEOUT_MS - 1);
	CHECK_EQ(ip_reass_count(), 1);
	net_poll(t0 + IP_REASS_TIMEOUT_MS);
	CHECK_EQ(ip_reass_count(), 0);
	CHECK_EQ(stat("ip", "reass_timeout"), 1);
	CHECK_EQ(pbuf_free_count(), pbuf_total());
	CHECK_EQ(net_next_deadline(t0 + IP_REASS_TIMEOUT_MS), NET_NO_DEADLINE);
	/* The missing piece arrives late: alone, it can't complete. */
	frag(7, 400, 400, 1, t0 + IP_REASS_TIMEOUT_MS + 1);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_bad_fragments(void)
{
	setup();
	make_echo(1000, 8);
	frag(8, 0, 100, 1, 0);            /* not a multiple of 8 with MF */
	CHECK_EQ(stat("ip", "reass_bad"), 1);
	CHECK_EQ(ip_reass_count(), 0);
	/* Two different ends. */
	frag(9, 0, 400, 1, 0);
	frag(9, 800, 208, 0, 0);
	frag(9, 800, 200, 0, 0);
	CHECK_EQ(stat("ip", "reass_bad"), 2);
	CHECK_EQ(ip_reass_count(), 0);
	/* Data beyond the end the last fragment set. */
	frag(10, 400, 8, 0, 0);
	frag(10, 400, 16, 1, 0);
	CHECK_EQ(stat("ip", "reass_bad"), 3);
	/* A last fragment ending before data already held. */
	frag(11, 800, 8, 1, 0);
	frag(11, 8, 400, 0, 0);          /* (offset 0 without MF would be no fragment) */
	CHECK_EQ(stat("ip", "reass_bad"), 4);
	/* Empty fragment (header only). */
	uint8_t f[64];
	size_t n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_ICMP, 12, IP_FLAG_MF, msg, 0);
	deliver_strict(f, n, 0);
	CHECK_EQ(stat("ip", "reass_bad"), 5);
	CHECK_EQ(ip_reass_count(), 0);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_size_bound(void)
{
	setup();
	make_echo(3000, 13);
	/* The largest offset a 13-bit field allows, and one just past our limit. */
	frag(13, 8191 * 8, 8, 0, 0);
	CHECK_EQ(stat("ip", "reass_toobig"), 1);
	frag(13, 0, 800, 1, 0);
	CHECK_EQ(ip_reass_count(), 1);
	frag(13, (REASS_LIMIT + 7) / 8 * 8, 8, 1, 0);
	CHECK_EQ(stat("ip", "reass_toobig"), 2);
	CHECK_EQ(ip_reass_count(), 0);    /* that datagram could never fit: freed */
	/* Exactly at the limit: assembles, but the echo reply would exceed the
	 * MTU and we don't fragment, so ICMP drops it (counted). */
	make_echo(REASS_LIMIT - 8, 14);
	size_t half = (msg_len / 2) / 8 * 8;
	frag(14, 0, half, 1, 0);
	frag(14, half, msg_len - half, 0, 0);
	CHECK_EQ(stat("ip", "reass_ok"), 1);
	CHECK_EQ(stat("icmp", "drop_toobig"), 1);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	/* A fragmented TCP segment reaches TCP whole. */
	uint8_t seg[1200];
	memset(seg, 0x5a, sizeof(seg));
	memcpy(msg, seg, sizeof(seg));
	msg_len = sizeof(seg);
	uint8_t f[1600];
	size_t n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_TCP, 15, IP_FLAG_MF, msg, 600);
	deliver_strict(f, n, 0);
	n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_TCP, 15, 600 / 8, msg + 600, 600);
	deliver_strict(f, n, 0);
	CHECK_EQ(stub_tcp_segs, 1);
	CHECK_EQ(stub_tcp_bytes, 1200);
	net_teardown();
}

static void test_slots_bounded_and_interleaved(void)
{
	setup();
	make_echo(1000, 16);
	for (unsigned i = 0; i < IP_REASS_SLOTS; i++)
		frag((uint16_t)(100 + i), 0, 400, 1, 0);
	CHECK_EQ(ip_reass_count(), IP_REASS_SLOTS);
	frag(200, 0, 400, 1, 0);
	CHECK_EQ(stat("ip", "reass_noslot"), 1);
	CHECK_EQ(ip_reass_count(), IP_REASS_SLOTS);
	/* Datagrams in progress complete independently, interleaved. */
	for (unsigned i = 0; i < IP_REASS_SLOTS; i++)
		frag((uint16_t)(100 + i), 400, 400, 1, 0);
	for (unsigned i = 0; i < IP_REASS_SLOTS; i++) {
		frag((uint16_t)(100 + i), 800, 208, 0, 0);
		expect_reply();
	}
	CHECK_EQ(ip_reass_count(), 0);
	/* Same id from another source is another datagram. */
	uint8_t f[600];
	size_t n = fb_ipv4(f, US_MAC, PEER_MAC, PEER_IP, US_IP, IP_PROTO_ICMP, 100, IP_FLAG_MF, msg, 400);
	deliver_strict(f, n, 0);
	frag(100, 0, 400, 1, 0);
	CHECK_EQ(ip_reass_count(), 2);
	/* Pool empty when a new datagram starts: counted, nothing held. */
	static struct pbuf *hold[PBUF_COUNT];
	unsigned k = 0;
	n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_ICMP, 300, IP_FLAG_MF, msg, 400);
	struct pbuf *in = fakeif_frame(f, n);
	while ((hold[k] = pbuf_alloc(0)))
		k++;
	net_input(in, 0);
	CHECK_EQ(stat("ip", "reass_nomem"), 1);
	while (k)
		pbuf_free(hold[--k]);
	CHECK_EQ(ip_reass_count(), 2);
	net_teardown();
}

int main(void)
{
	RUN(test_in_order);
	RUN(test_reversed_and_shuffled);
	RUN(test_duplicates_and_overlaps);
	RUN(test_missing_times_out);
	RUN(test_bad_fragments);
	RUN(test_size_bound);
	RUN(test_slots_bounded_and_interleaved);
	return check_done();
}
