/*
 * tests/host/test_net_arp.c - the ARP cache: answering, learning,
 * resolving with retries and give-up, the pending queue, many peers, LRU
 * replacement, stale confirmation, malformed packets.
 */
#include "support/nettest.h"

static uint8_t frame[128];

static void arp_in(uint16_t op, const uint8_t *eth_dst, const uint8_t *sha, uint32_t spa,
	const uint8_t *tha, uint32_t tpa, uint64_t now)
{
	size_t n = fb_arp(frame, eth_dst, op, sha, spa, tha, tpa);
	deliver_strict(frame, n, now);
}

/* Pop one sent frame and check it is an ARP packet with these fields. */
static void expect_arp(const uint8_t *eth_dst, uint16_t op, const uint8_t *tha, uint32_t tpa)
{
	struct pbuf *p = fakeif_pop_sent(&F);
	CHECK(p != NULL);
	if (!p)
		return;
	uint8_t want[64];
	size_t n = fb_arp(want, eth_dst, op, US_MAC, US_IP, tha, tpa);
	CHECK_EQ(p->len, n);
	CHECK(p->len == n && memcmp(pbuf_data(p), want, n) == 0);
	pbuf_free(p);
}

/* Send a small IP datagram with a marker byte. */
static enum net_result send_ip(uint32_t dst, uint8_t marker, uint64_t now)
{
	struct pbuf *p = pbuf_alloc(NET_HEADROOM);
	*pbuf_put(p, 1) = marker;
	return ip_output(p, 0, dst, IP_PROTO_ICMP, now);
}

static void expect_ip_to(const uint8_t *mac, uint32_t dst, uint8_t marker)
{
	struct pbuf *p = fakeif_pop_sent(&F);
	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(memcmp(pbuf_data(p), mac, 6) == 0);
	CHECK_EQ(get_be16(pbuf_data(p) + 12), ETH_TYPE_IPV4);
	CHECK_EQ(get_be32(pbuf_data(p) + ETH_HLEN + 16), dst);
	CHECK_EQ(pbuf_data(p)[ETH_HLEN + 20], marker);
	pbuf_free(p);
}

static void test_answers_request_and_learns(void)
{
	net_setup();
	arp_in(ARP_OP_REQUEST, BCAST_MAC, GW_MAC, GW_IP, ZERO_MAC, US_IP, 5);
	expect_arp(GW_MAC, ARP_OP_REPLY, GW_MAC, GW_IP);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	uint8_t mac[6];
	CHECK_EQ(arp_cache_state(GW_IP, mac), ARP_S_REACHABLE);
	CHECK(memcmp(mac, GW_MAC, 6) == 0);
	CHECK(hostsys_log_contains("arp: 10.0.2.2 is-at 52:55:0a:00:02:02\n"));
	/* Asked again: answered again, logged once. */
	arp_in(ARP_OP_REQUEST, BCAST_MAC, GW_MAC, GW_IP, ZERO_MAC, US_IP, 6);
	expect_arp(GW_MAC, ARP_OP_REPLY, GW_MAC, GW_IP);
	CHECK_EQ(hostsys_log_count("is-at"), 1);
	CHECK_EQ(stat("arp", "reply_tx"), 2);
	CHECK_EQ(stat("arp", "learned"), 1);
	/* Learned MAC is used right away, no request. */
	CHECK_EQ(send_ip(GW_IP, 0x11, 7), NET_OK);
	expect_ip_to(GW_MAC, GW_IP, 0x11);
	CHECK_EQ(stat("arp", "req_tx"), 0);
	net_teardown();
}

static void test_learning_rules(void)
{
	net_setup();
	/* A request between two other hosts: no answer, nothing learned. */
	arp_in(ARP_OP_REQUEST, BCAST_MAC, PEER_MAC, PEER_IP, ZERO_MAC, GW_IP, 0);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	CHECK_EQ(arp_cache_count(), 0);
	/* A reply to someone else: not learned either. */
	arp_in(ARP_OP_REPLY, BCAST_MAC, PEER_MAC, PEER_IP, GW_MAC, GW_IP, 0);
	CHECK_EQ(arp_cache_count(), 0);
	/* An unsolicited reply addressed to us: learned. */
	arp_in(ARP_OP_REPLY, US_MAC, PEER_MAC, PEER_IP, US_MAC, US_IP, 0);
	CHECK_EQ(arp_cache_state(PEER_IP, NULL), ARP_S_REACHABLE);
	/* Once known, any ARP from it refreshes it (RFC 826 merge), even one
	 * not for us, and a new MAC replaces the old one, logged. */
	static const uint8_t NEWMAC[6] = { 0x52, 0x54, 0, 0, 0, 0x99 };
	arp_in(ARP_OP_REQUEST, BCAST_MAC, NEWMAC, PEER_IP, ZERO_MAC, GW_IP, 1);
	uint8_t mac[6];
	CHECK_EQ(arp_cache_state(PEER_IP, mac), ARP_S_REACHABLE);
	CHECK(memcmp(mac, NEWMAC, 6) == 0);
	CHECK_EQ(stat("arp", "mac_changed"), 1);
	CHECK(hostsys_log_contains("arp: 10.0.2.3 is-at 52:54:00:00:00:99"));
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	/* RFC 5227 probe (sender 0.0.0.0) for our address: answered, not learned. */
	arp_in(ARP_OP_REQUEST, BCAST_MAC, GW_MAC, 0, ZERO_MAC, US_IP, 2);
	expect_arp(GW_MAC, ARP_OP_REPLY, GW_MAC, 0);
	CHECK_EQ(arp_cache_state(0, NULL), 0);
	/* Someone claims our address: counted, never learned. */
	arp_in(ARP_OP_REPLY, BCAST_MAC, GW_MAC, US_IP, ZERO_MAC, US_IP, 3);
	CHECK_EQ(stat("arp", "conflict"), 1);
	CHECK_EQ(arp_cache_state(US_IP, NULL), 0);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_malformed(void)
{
	net_setup();
	size_t n = fb_arp(frame, BCAST_MAC, ARP_OP_REQUEST, GW_MAC, GW_IP, ZERO_MAC, US_IP);
	/* Truncated anywhere inside the 28-byte ARP body. */
	for (size_t len = ETH_HLEN; len < ETH_HLEN + 28; len++)
		deliver_strict(frame, len, 0);
	CHECK_EQ(stat("arp", "drop_short"), 28);
	uint8_t g[64];
	struct arp_hdr *a = (struct arp_hdr *)(g + ETH_HLEN);
	memcpy(g, frame, n); a->htype = htons(6); deliver_strict(g, n, 0);
	memcpy(g, frame, n); a->ptype = htons(0x86dd); deliver_strict(g, n, 0);
	memcpy(g, frame, n); a->hlen = 8; deliver_strict(g, n, 0);
	memcpy(g, frame, n); a->plen = 16; deliver_strict(g, n, 0);
	CHECK_EQ(stat("arp", "drop_format"), 4);
	memcpy(g, frame, n); a->op = htons(3); deliver_strict(g, n, 0);
	memcpy(g, frame, n); a->op = 0; deliver_strict(g, n, 0);
	CHECK_EQ(stat("arp", "drop_op"), 2);
	memcpy(g, frame, n); a->sha[0] = 0x01; deliver_strict(g, n, 0);
	memcpy(g, frame, n); memset(a->sha, 0xff, 6); deliver_strict(g, n, 0);
	CHECK_EQ(stat("arp", "drop_bad_sha"), 2);
	/* Exactly 28 bytes with no padding is fine. */
	deliver_strict(frame, ETH_HLEN + 28, 0);
	expect_arp(GW_MAC, ARP_OP_REPLY, GW_MAC, GW_IP);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	CHECK_EQ(arp_cache_count(), 1);
	/* Before configuration we don't speak ARP at all. */
	F.nif.ip = 0;
	deliver_strict(frame, n, 0);
	CHECK_EQ(stat("arp", "drop_unconfigured"), 1);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_resolve_retry_give_up(void)
{
	net_setup();
	uint64_t t = 1000;
	CHECK_EQ(send_ip(PEER_IP, 1, t), NET_OK);     /* queued counts as sent */
	expect_arp(BCAST_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
	CHECK_EQ(arp_cache_state(PEER_IP, NULL), ARP_S_INCOMPLETE);
	CHECK_EQ(net_next_deadline(t), t + ARP_RETRY_MS);
	/* A second packet joins the queue without a second request. */
	CHECK_EQ(send_ip(PEER_IP, 2, t + 10), NET_OK);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_poll(t + ARP_RETRY_MS - 1);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	for (unsigned k = 1; k < ARP_MAX_TRIES; k++) {
		net_poll(t + k * ARP_RETRY_MS);
		expect_arp(BCAST_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
		CHECK_EQ(fakeif_sent_pending(&F), 0);
		CHECK_EQ(net_next_deadline(t + k * ARP_RETRY_MS), t + (k + 1) * ARP_RETRY_MS);
	}
	CHECK_EQ(stat("arp", "req_tx"), ARP_MAX_TRIES);
	net_poll(t + ARP_MAX_TRIES * ARP_RETRY_MS);
	CHECK_EQ(fakeif_sent_pending(&F), 0);        /* no more requests: gave up */
	CHECK_EQ(stat("arp", "give_up"), 1);
	CHECK_EQ(stat("arp", "pending_dropped"), 2);
	CHECK_EQ(arp_cache_state(PEER_IP, NULL), 0);
	CHECK_EQ(net_next_deadline(t + 100000), NET_NO_DEADLINE);
	CHECK_EQ(pbuf_free_count(), pbuf_total());
	/* The next packet starts a fresh round. */
	CHECK_EQ(send_ip(PEER_IP, 3, t + 100000), NET_OK);
	expect_arp(BCAST_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
	net_teardown();
}

static void test_resolve_then_flush_in_order(void)
{
	net_setup();
	for (uint8_t i = 0; i < 3; i++)
		CHECK_EQ(send_ip(PEER_IP, (uint8_t)(10 + i), 0), NET_OK);
	expect_arp(BCAST_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
	hostsys_log_clear();
	arp_in(ARP_OP_REPLY, US_MAC, PEER_MAC, PEER_IP, US_MAC, US_IP, 300);
	CHECK(hostsys_log_contains("arp: 10.0.2.3 is-at 52:54:00:12:34:56\n"));
	for (uint8_t i = 0; i < 3; i++)
		expect_ip_to(PEER_MAC, PEER_IP, (uint8_t)(10 + i));
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	CHECK_EQ(stat("arp", "pending_sent"), 3);
	CHECK_EQ(net_next_deadline(300), NET_NO_DEADLINE);
	/* Retry time passes: nothing more is sent for a resolved entry. */
	net_poll(5000);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_pending_queue_bounded(void)
{
	net_setup();
	unsigned extra = 3;
	for (unsigned i = 0; i < ARP_PENDING_MAX + extra; i++)
		CHECK_EQ(send_ip(PEER_IP, (uint8_t)i, 0), NET_OK);
	CHECK_EQ(stat("arp", "pending_overflow"), extra);
	CHECK_EQ(pbuf_free_count(), pbuf_total() - ARP_PENDING_MAX - 1);  /* +1: the request */
	expect_arp(BCAST_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
	arp_in(ARP_OP_REPLY, US_MAC, PEER_MAC, PEER_IP, US_MAC, US_IP, 1);
	/* The newest ARP_PENDING_MAX survive, oldest first. */
	for (unsigned i = extra; i < ARP_PENDING_MAX + extra; i++)
		expect_ip_to(PEER_MAC, PEER_IP, (uint8_t)i);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_flush_hits_full_ring(void)
{
	net_setup();
	for (unsigned i = 0; i < 4; i++)
		send_ip(PEER_IP, (uint8_t)i, 0);
	expect_arp(BCAST_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
	F.tx_again = 2;       /* the ARP reply's flush finds the ring full twice */
	arp_in(ARP_OP_REPLY, US_MAC, PEER_MAC, PEER_IP, US_MAC, US_IP, 1);
	CHECK_EQ(stat("arp", "pending_tx_again"), 2);
	CHECK_EQ(stat("arp", "pending_sent"), 2);
	expect_ip_to(PEER_MAC, PEER_IP, 2);
	expect_ip_to(PEER_MAC, PEER_IP, 3);
	net_teardown();
}

static void test_many_peers_and_lru(void)
{
	net_setup();
	uint64_t t = 0;
	/* Fill the table with resolved peers 10.0.2.100.. */
	for (unsigned i = 0; i < ARP_TABLE_SIZE; i++) {
		uint8_t mac[6] = { 0x52, 0x54, 0, 0, 1, (uint8_t)i };
		arp_in(ARP_OP_REQUEST, BCAST_MAC, mac, 0x0a000264 + i, ZERO_MAC, US_IP, t++);
	}
	fakeif_drop_sent(&F);
	CHECK_EQ(arp_cache_count(), ARP_TABLE_SIZE);
	CHECK_EQ(stat("arp", "learned"), ARP_TABLE_SIZE);
	/* Use peer 0 (the oldest), so peer 1 is now least recently used. */
	CHECK_EQ(send_ip(0x0a000264, 1, t++), NET_OK);
	uint8_t m0[6] = { 0x52, 0x54, 0, 0, 1, 0 };
	expect_ip_to(m0, 0x0a000264, 1);
	/* A new peer replaces peer 1, not peer 0. */
	static const uint8_t NEWMAC[6] = { 0x52, 0x54, 0, 0, 2, 0 };
	arp_in(ARP_OP_REQUEST, BCAST_MAC, NEWMAC, 0x0a000201, ZERO_MAC, US_IP, t++);
	fakeif_drop_sent(&F);
	CHECK_EQ(stat("arp", "evicted"), 1);
	CHECK_EQ(arp_cache_state(0x0a000264, NULL), ARP_S_REACHABLE);
	CHECK_EQ(arp_cache_state(0x0a000265, NULL), 0);
	CHECK_EQ(arp_cache_state(0x0a000201, NULL), ARP_S_REACHABLE);
	CHECK_EQ(arp_cache_count(), ARP_TABLE_SIZE);
	/* Resolving 10 more unknown peers evicts 10 resolved ones, and they
	 * all resolve independently (no single remembered peer). */
	for (unsigned i = 0; i < 10; i++)
		CHECK_EQ(send_ip(0x0a0002c0 + i, (uint8_t)i, t++), NET_OK);
	fakeif_drop_sent(&F);
	CHECK_EQ(stat("arp", "evicted"), 11);
	for (unsigned i = 0; i < 10; i++) {
		uint8_t mac[6] = { 0x52, 0x54, 0, 0, 3, (uint8_t)i };
		arp_in(ARP_OP_REPLY, US_MAC, mac, 0x0a0002c0 + i, US_MAC, US_IP, t++);
		expect_ip_to(mac, 0x0a0002c0 + i, (uint8_t)i);
	}
	CHECK_EQ(arp_cache_count(), ARP_TABLE_SIZE);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_replacement_prefers_resolved(void)
{
	net_setup();
	/* One resolved entry, the rest resolving. */
	arp_in(ARP_OP_REQUEST, BCAST_MAC, GW_MAC, GW_IP, ZERO_MAC, US_IP, 0);
	for (unsigned i = 0; i < ARP_TABLE_SIZE - 1; i++)
		send_ip(0x0a000280 + i, (uint8_t)i, 10 + i);
	fakeif_drop_sent(&F);
	CHECK_EQ(arp_cache_count(), ARP_TABLE_SIZE);
	/* Even though the gateway was used least recently of all... */
	send_ip(0x0a0002f0, 0, 1000);
	CHECK_EQ(arp_cache_state(GW_IP, NULL), 0);
	CHECK_EQ(stat("arp", "pending_dropped"), 0);
	/* ...and with no resolved entries left, the oldest resolving one goes,
	 * its waiting packet with it. */
	send_ip(0x0a0002f1, 0, 1001);
	CHECK_EQ(arp_cache_state(0x0a000280, NULL), 0);
	CHECK_EQ(stat("arp", "pending_dropped"), 1);
	CHECK_EQ(arp_cache_count(), ARP_TABLE_SIZE);
	fakeif_drop_sent(&F);
	net_teardown();
}

static void test_stale_confirm_and_expire(void)
{
	net_setup();
	arp_in(ARP_OP_REQUEST, BCAST_MAC, PEER_MAC, PEER_IP, ZERO_MAC, US_IP, 0);
	fakeif_drop_sent(&F);
	/* Still fresh just before ARP_REACHABLE_MS: no request. */
	send_ip(PEER_IP, 1, ARP_REACHABLE_MS - 1);
	expect_ip_to(PEER_MAC, PEER_IP, 1);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	/* Stale: the packet still goes at once, and a unicast request checks. */
	uint64_t t = ARP_REACHABLE_MS;
	send_ip(PEER_IP, 2, t);
	expect_arp(PEER_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
	expect_ip_to(PEER_MAC, PEER_IP, 2);
	CHECK_EQ(arp_cache_state(PEER_IP, NULL), ARP_S_STALE);
	/* Further use while confirming sends no extra requests. */
	send_ip(PEER_IP, 3, t + 1);
	expect_ip_to(PEER_MAC, PEER_IP, 3);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	/* The peer confirms: reachable again, no log line (MAC unchanged). */
	hostsys_log_clear();
	arp_in(ARP_OP_REPLY, US_MAC, PEER_MAC, PEER_IP, US_MAC, US_IP, t + 5);
	CHECK_EQ(arp_cache_state(PEER_IP, NULL), ARP_S_REACHABLE);
	CHECK_EQ(hostsys_log_count("is-at"), 0);
	CHECK_EQ(net_next_deadline(t + 5), NET_NO_DEADLINE);
	/* Stale again, and this time the peer is gone. */
	t += 5 + ARP_REACHABLE_MS;
	send_ip(PEER_IP, 4, t);
	expect_arp(PEER_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
	expect_ip_to(PEER_MAC, PEER_IP, 4);
	for (unsigned k = 1; k < ARP_MAX_TRIES; k++) {
		net_poll(t + k * ARP_RETRY_MS);
		expect_arp(PEER_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
	}
	net_poll(t + ARP_MAX_TRIES * ARP_RETRY_MS);
	CHECK_EQ(arp_cache_state(PEER_IP, NULL), 0);
	CHECK_EQ(stat("arp", "give_up"), 1);
	/* Next use resolves from scratch with a broadcast. */
	send_ip(PEER_IP, 5, t + 100000);
	expect_arp(BCAST_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_request_ring_full_and_pool_empty(void)
{
	net_setup();
	F.tx_again = 1;       /* the request can't go out: the retry timer covers it */
	send_ip(PEER_IP, 1, 0);
	CHECK_EQ(stat("arp", "tx_fail"), 1);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_poll(ARP_RETRY_MS);
	expect_arp(BCAST_MAC, ARP_OP_REQUEST, ZERO_MAC, PEER_IP);
	/* Pool empty when a request must be answered: counted, no crash. */
	static struct pbuf *hold[PBUF_COUNT];
	unsigned k = 0;
	size_t n = fb_arp(frame, BCAST_MAC, ARP_OP_REQUEST, GW_MAC, GW_IP, ZERO_MAC, US_IP);
	struct pbuf *in = fakeif_frame(frame, n);
	while ((hold[k] = pbuf_alloc(0)))
		k++;
	net_input(in, 1);
	CHECK_EQ(stat("arp", "tx_nobuf"), 1);
	while (k)
		pbuf_free(hold[--k]);
	net_teardown();
}

int main(void)
{
	RUN(test_answers_request_and_learns);
	RUN(test_learning_rules);
	RUN(test_malformed);
	RUN(test_resolve_retry_give_up);
	RUN(test_resolve_then_flush_in_order);
	RUN(test_pending_queue_bounded);
	RUN(test_flush_hits_full_ring);
	RUN(test_many_peers_and_lru);
	RUN(test_replacement_prefers_resolved);
	RUN(test_stale_confirm_and_expire);
	RUN(test_request_ring_full_and_pool_empty);
	return check_done();
}
