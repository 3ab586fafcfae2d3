/*
 * tests/host/test_net_ip.c - Ethernet demux, IPv4 input checks, ICMP echo,
 * ip_output, net_poll and the fault injector, against the fake interface.
 * Every malformed frame must be dropped by exactly one counter, without a
 * byte read outside the frame (deliver_strict poisons the rest for ASan).
 */
#include "support/nettest.h"

static uint8_t payload56[56];

/* An echo request from the gateway to us, as a full frame. */
static size_t echo_frame(uint8_t *buf, uint32_t src, uint32_t dst, const uint8_t *dmac,
	uint16_t seq, const void *data, size_t dlen)
{
	uint8_t icmp[1600];
	size_t n = fb_icmp_echo(icmp, ICMP_ECHO_REQUEST, 0x1234, seq, data, dlen);
	return fb_ipv4(buf, dmac, GW_MAC, src, dst, IP_PROTO_ICMP, 0x4242, 0, icmp, n);
}

static void setup_known_gw(void)
{
	net_setup();
	for (unsigned i = 0; i < sizeof(payload56); i++)
		payload56[i] = (uint8_t)(0xa0 + i);
	fakeif_learn_arp(&F, GW_IP, GW_MAC, 0);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	hostsys_log_clear();
	/* Start every count from zero after the ARP exchange. */
	memset(&eth_stats, 0, sizeof(eth_stats));
	memset(&arp_stats, 0, sizeof(arp_stats));
	F.tx_frames = F.tx_bytes = F.rx_frames = 0;
}

/* Check the one frame sent is the byte-exact echo reply to `data`. */
static void expect_echo_reply(uint16_t seq, const uint8_t *data, size_t dlen)
{
	CHECK_EQ(fakeif_sent_pending(&F), 1);
	struct pbuf *p = fakeif_pop_sent(&F);
	if (!p)
		return;
	uint8_t icmp[1600], want[1600];
	size_t n = fb_icmp_echo(icmp, ICMP_ECHO_REPLY, 0x1234, seq, data, dlen);
	/* The IP id is ours to choose: take it from the frame. */
	uint16_t id = p->len >= 34 ? get_be16(pbuf_data(p) + 18) : 0;
	size_t wn = fb_ipv4(want, GW_MAC, US_MAC, US_IP, GW_IP, IP_PROTO_ICMP, id, 0, icmp, n);
	CHECK_EQ(p->len, wn);
	CHECK(p->len == wn && memcmp(pbuf_data(p), want, wn) == 0);
	pbuf_free(p);
}

static void test_echo_reply_byte_exact(void)
{
	setup_known_gw();
	uint8_t f[1600];
	size_t n = echo_frame(f, GW_IP, US_IP, US_MAC, 1, payload56, sizeof(payload56));
	deliver_strict(f, n, 10);
	expect_echo_reply(1, payload56, sizeof(payload56));
	CHECK_EQ(stat("icmp", "echo_req"), 1);
	CHECK_EQ(stat("icmp", "echo_reply_tx"), 1);
	CHECK_EQ(stat("ip", "tx"), 1);
	CHECK_EQ(stat("eth", "tx"), 1);
	CHECK_EQ(drops_total(), 0);
	net_teardown();
}

static void test_echo_sizes(void)
{
	setup_known_gw();
	static uint8_t data[1600], f[1700];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	/* Every size from 0 to 1472 (1500 - 20 - 8) in a few strides. */
	unsigned sizes[] = { 0, 1, 2, 3, 7, 17, 18, 100, 511, 512, 1000, 1471, 1472 };
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = echo_frame(f, GW_IP, US_IP, US_MAC, (uint16_t)i, data, sizes[i]);
		/* Pad short frames to 60 like a real NIC: padding must be cut. */
		if (n < 60) {
			memset(f + n, 0xee, 60 - n);
			n = 60;
		}
		deliver_strict(f, n, 10);
		expect_echo_reply((uint16_t)i, data, sizes[i]);
	}
	CHECK(stat("ip", "padding_trimmed") >= 2);
	/* 1473 bytes: the frame arrived (we don't police MRU), the reply
	 * won't fit our MTU and we never fragment: dropped, counted. */
	size_t n = echo_frame(f, GW_IP, US_IP, US_MAC, 99, data, 1473);
	deliver_strict(f, n, 10);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	CHECK_EQ(stat("icmp", "drop_toobig"), 1);
	net_teardown();
}

static void test_eth_demux(void)
{
	setup_known_gw();
	uint8_t f[200];
	size_t n = echo_frame(f, GW_IP, US_IP, US_MAC, 1, payload56, 8);
	for (size_t len = 0; len < ETH_HLEN; len++)
		deliver_strict(f, len, 0);
	CHECK_EQ(stat("eth", "drop_short"), ETH_HLEN);
	/* Someone else's unicast. */
	uint8_t g[200];
	memcpy(g, f, n);
	g[5] ^= 1;
	deliver_strict(g, n, 0);
	CHECK_EQ(stat("eth", "drop_not_us"), 1);
	/* Multicast (01:00:5e...) is not joined. */
	memcpy(g, "\x01\x00\x5e\x00\x00\x01", 6);
	deliver_strict(g, n, 0);
	CHECK_EQ(stat("eth", "drop_not_us"), 2);
	/* IPv6 and VLAN ethertypes. */
	memcpy(g, f, n);
	put_be16(g + 12, 0x86dd);
	deliver_strict(g, n, 0);
	put_be16(g + 12, 0x8100);
	deliver_strict(g, n, 0);
	CHECK_EQ(stat("eth", "drop_type"), 2);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	/* Broadcast destination MAC carrying unicast IP: accepted. */
	memcpy(g, f, n);
	memcpy(g, BCAST_MAC, 6);
	deliver_strict(g, n, 0);
	CHECK_EQ(fakeif_sent_pending(&F), 1);
	CHECK_EQ(stat("eth", "rx"), ETH_HLEN + 5);
	net_teardown();
}

static void test_truncated_every_offset(void)
{
	setup_known_gw();
	uint8_t f[200];
	size_t n = echo_frame(f, GW_IP, US_IP, US_MAC, 1, payload56, sizeof(payload56));
	for (size_t len = 0; len < n; len++) {
		uint64_t d0 = drops_total();
		deliver_strict(f, len, 0);
		if (drops_total() != d0 + 1) {
			CHECK_EQ(drops_total(), d0 + 1);
			printf("  at length %zu\n", len);
		}
	}
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	CHECK_EQ(stat("eth", "drop_short"), ETH_HLEN);
	CHECK_EQ(stat("ip", "drop_short"), IP_HLEN_MIN);
	CHECK_EQ(stat("ip", "drop_truncated"), n - ETH_HLEN - IP_HLEN_MIN);
	net_teardown();
}

static void refresh_ip_csum(uint8_t *f)
{
	struct ip_hdr *h = (struct ip_hdr *)(f + ETH_HLEN);
	h->csum = 0;
	h->csum = inet_csum(h, ip_hlen(h) >= 20 ? ip_hlen(h) : 20);
}

static void test_ip_header_checks(void)
{
	setup_known_gw();
	uint8_t f[200], g[200];
	size_t n = echo_frame(f, GW_IP, US_IP, US_MAC, 1, payload56, 16);
	struct ip_hdr *h = (struct ip_hdr *)(g + ETH_HLEN);

	memcpy(g, f, n);
	g[ETH_HLEN + 10] ^= 0x40;                     /* checksum */
	deliver_strict(g, n, 0);
	CHECK_EQ(stat("ip", "drop_csum"), 1);

	memcpy(g, f, n);
	g[ETH_HLEN + 12] ^= 0x01;                     /* src byte: checksum no longer matches */
	deliver_strict(g, n, 0);
	CHECK_EQ(stat("ip", "drop_csum"), 2);

	memcpy(g, f, n);
	h->ver_ihl = 0x65;
	refresh_ip_csum(g);
	deliver_strict(g, n, 0);
	CHECK_EQ(stat("ip", "drop_version"), 1);

	for (unsigned ihl = 0; ihl < 5; ihl++) {
		memcpy(g, f, n);
		h->ver_ihl = (uint8_t)(0x40 | ihl);
		refresh_ip_csum(g);
		deliver_strict(g, n, 0);
	}
	CHECK_EQ(stat("ip", "drop_hlen"), 5);
	/* IHL=15 (60 bytes) in a frame holding only 20 + 8 bytes of IP. */
	memcpy(g, f, n);
	h->ver_ihl = 0x4f;
	deliver_strict(g, ETH_HLEN + 28, 0);
	CHECK_EQ(stat("ip", "drop_hlen"), 6);

	/* tot_len lies: below the header, above the frame. */
	memcpy(g, f, n);
	h->tot_len = htons(19);
	refresh_ip_csum(g);
	deliver_strict(g, n, 0);
	h->tot_len = htons(0);
	refresh_ip_csum(g);
	deliver_strict(g, n, 0);
	CHECK_EQ(stat("ip", "drop_totlen_short"), 2);
	h->tot_len = htons((uint16_t)(n - ETH_HLEN + 1));
	refresh_ip_csum(g);
	deliver_strict(g, n, 0);
	h->tot_len = htons(65535);
	refresh_ip_csum(g);
	deliver_strict(g, n, 0);
	CHECK_EQ(stat("ip", "drop_truncated"), 2);

	/* tot_len shorter than the frame: the tail is padding, cut off, and
	 * the ICMP checksum (over the trimmed message) now fails. */
	memcpy(g, f, n);
	h->tot_len = htons((uint16_t)(n - ETH_HLEN - 4));
	refresh_ip_csum(g);
	deliver_strict(g, n, 0);
	CHECK_EQ(stat("ip", "padding_trimmed"), 1);
	CHECK_EQ(stat("icmp", "drop_csum"), 1);

	CHECK_EQ(fakeif_sent_pending(&F), 0);
	CHECK_EQ(drops_total(), 14);
	net_teardown();
}

static void test_ip_options_skipped(void)
{
	setup_known_gw();
	uint8_t icmp[200], f[300];
	size_t in = fb_icmp_echo(icmp, ICMP_ECHO_REQUEST, 0x1234, 7, payload56, 24);
	for (unsigned ihl = 6; ihl <= 15; ihl++) {
		unsigned hlen = ihl * 4;
		size_t n = fb_eth(f, US_MAC, GW_MAC, ETH_TYPE_IPV4);
		struct ip_hdr *h = (struct ip_hdr *)(f + n);
		memset(h, 0, hlen);
		h->ver_ihl = (uint8_t)(0x40 | ihl);
		h->tot_len = htons((uint16_t)(hlen + in));
		h->ttl = 64;
		h->proto = IP_PROTO_ICMP;
		h->src = htonl(GW_IP);
		h->dst = htonl(US_IP);
		uint8_t *opt = (uint8_t *)h + 20;
		memset(opt, TCP_OPT_NOP, hlen - 20);           /* NOPs ... */
		opt[0] = 0x94, opt[1] = 4;                      /* router alert, then NOPs */
		if (hlen - 20 < 4)
			opt[0] = 1, opt[1] = 1;
		opt[hlen - 21] = 0;                              /* ... then EOL */
		h->csum = inet_csum(h, hlen);
		memcpy(f + n + hlen, icmp, in);
		n += hlen + in;
		deliver_strict(f, n, 0);
		expect_echo_reply(7, payload56, 24);
		/* The same frame truncated anywhere in or after the options. */
		for (size_t len = ETH_HLEN + 20; len < n; len++) {
			uint64_t d0 = drops_total();
			deliver_strict(f, len, 0);
			CHECK_EQ(drops_total(), d0 + 1);
		}
	}
	CHECK_EQ(stat("ip", "opts_skipped"), 10);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_destinations(void)
{
	setup_known_gw();
	uint8_t f[200];
	size_t n;
	/* Another host's IP on our MAC: not ours, we don't forward. */
	n = echo_frame(f, GW_IP, 0x0a000263, US_MAC, 1, payload56, 8);
	deliver_strict(f, n, 0);
	n = echo_frame(f, GW_IP, FAR_IP, US_MAC, 1, payload56, 8);
	deliver_strict(f, n, 0);
	n = echo_frame(f, GW_IP, 0x0a0003ff, BCAST_MAC, 1, payload56, 8);  /* other subnet's bcast */
	deliver_strict(f, n, 0);
	CHECK_EQ(stat("ip", "drop_not_us"), 3);
	/* Broadcast pings reach ICMP but are not answered. */
	n = echo_frame(f, GW_IP, BCAST_IP, BCAST_MAC, 1, payload56, 8);
	deliver_strict(f, n, 0);
	n = echo_frame(f, GW_IP, 0xffffffffu, BCAST_MAC, 1, payload56, 8);
	deliver_strict(f, n, 0);
	CHECK_EQ(stat("icmp", "drop_bcast"), 2);
	/* Forged sources. */
	n = echo_frame(f, 0xffffffffu, US_IP, US_MAC, 1, payload56, 8);
	deliver_strict(f, n, 0);
	n = echo_frame(f, BCAST_IP, US_IP, US_MAC, 1, payload56, 8);
	deliver_strict(f, n, 0);
	n = echo_frame(f, 0xe0000001u, US_IP, US_MAC, 1, payload56, 8);
	deliver_strict(f, n, 0);
	CHECK_EQ(stat("ip", "drop_src"), 3);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	/* A ping from off-link (through the gateway) is answered via the gateway. */
	n = echo_frame(f, FAR_IP, US_IP, US_MAC, 3, payload56, 8);
	deliver_strict(f, n, 0);
	CHECK_EQ(fakeif_sent_pending(&F), 1);
	struct pbuf *p = fakeif_pop_sent(&F);
	CHECK(p && memcmp(pbuf_data(p), GW_MAC, 6) == 0);
	CHECK(p && get_be32(pbuf_data(p) + ETH_HLEN + 16) == FAR_IP);
	pbuf_free(p);
	net_teardown();
}

static void test_icmp_checks(void)
{
	setup_known_gw();
	uint8_t icmp[100], f[200];
	size_t in = fb_icmp_echo(icmp, ICMP_ECHO_REQUEST, 1, 1, payload56, 20);
	icmp[in - 1] ^= 0x10;
	size_t n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_ICMP, 1, 0, icmp, in);
	deliver_strict(f, n, 0);
	CHECK_EQ(stat("icmp", "drop_csum"), 1);
	for (size_t k = 0; k < 8; k++) {
		n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_ICMP, 1, 0, icmp, k);
		deliver_strict(f, n, 0);
	}
	CHECK_EQ(stat("icmp", "drop_short"), 8);
	/* Destination unreachable, timestamp: counted, no answer. */
	uint8_t un[36] = { ICMP_DEST_UNREACH, 3 };
	uint16_t c = inet_csum(un, sizeof(un));
	memcpy(un + 2, &c, 2);
	n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_ICMP, 1, 0, un, sizeof(un));
	deliver_strict(f, n, 0);
	CHECK_EQ(stat("icmp", "rx_other"), 1);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_proto_demux(void)
{
	setup_known_gw();
	uint8_t seg[40] = { 0x30, 0x39, 0x00, 0x50 }, f[200];
	size_t n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_TCP, 1, 0, seg, sizeof(seg));
	deliver_strict(f, n, 0);
	CHECK_EQ(stub_tcp_segs, 1);
	CHECK_EQ(stub_tcp_bytes, sizeof(seg));
	CHECK_EQ(stat("ip", "deliver_tcp"), 1);
	n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_UDP, 1, 0, seg, 8);
	deliver_strict(f, n, 0);
	n = fb_ipv4(f, US_MAC, GW_MAC, GW_IP, US_IP, 47, 1, 0, seg, 8);
	deliver_strict(f, n, 0);
	CHECK_EQ(stat("ip", "drop_proto"), 2);
	CHECK_EQ(stub_tcp_segs, 1);
	net_teardown();
}

static void test_ping_and_reply_log(void)
{
	setup_known_gw();
	CHECK_EQ(net_ping(GW_IP, 1, 56, 1000), NET_OK);
	CHECK_EQ(fakeif_sent_pending(&F), 1);
	struct pbuf *p = fakeif_pop_sent(&F);
	CHECK(p != NULL);
	if (!p)
		goto out;
	uint8_t *ip = pbuf_data(p) + ETH_HLEN;
	CHECK(memcmp(pbuf_data(p), GW_MAC, 6) == 0);
	CHECK_EQ(p->len, ETH_HLEN + 20 + 8 + 56);
	CHECK_EQ(inet_csum(ip, 20), 0);
	CHECK_EQ(inet_csum(ip + 20, 64), 0);
	CHECK_EQ(ip[20], ICMP_ECHO_REQUEST);
	CHECK_EQ(get_be16(ip + 26), 1);
	CHECK_EQ(get_be16(ip + 6) & IP_FLAG_DF, 0);
	/* The gateway answers: turn the request around. */
	uint8_t reply[200];
	uint8_t icmp[100];
	memcpy(icmp, ip + 20, 64);
	icmp[0] = ICMP_ECHO_REPLY;
	icmp[2] = icmp[3] = 0;
	uint16_t c = inet_csum(icmp, 64);
	memcpy(icmp + 2, &c, 2);
	size_t n = fb_ipv4(reply, US_MAC, GW_MAC, GW_IP, US_IP, IP_PROTO_ICMP, 9, 0, icmp, 64);
	pbuf_free(p);
	deliver_strict(reply, n, 1004);
	CHECK(hostsys_log_contains("ping: reply from 10.0.2.2 seq=1 time=4.0 ms\n"));
	CHECK_EQ(stat("icmp", "echo_reply_rx"), 1);
	/* The same reply again is unmatched (already answered), and so is a
	 * reply from someone we did not ping. */
	deliver_strict(reply, n, 1005);
	CHECK_EQ(stat("icmp", "ping_unmatched"), 1);
	CHECK_EQ(hostsys_log_count("ping: reply"), 1);
	/* Off-link ping goes to the gateway's MAC. */
	CHECK_EQ(net_ping(FAR_IP, 2, 0, 2000), NET_OK);
	p = fakeif_pop_sent(&F);
	CHECK(p && memcmp(pbuf_data(p), GW_MAC, 6) == 0);
	CHECK(p && get_be32(pbuf_data(p) + ETH_HLEN + 16) == FAR_IP);
	pbuf_free(p);
	/* Too big for the MTU. */
	CHECK_EQ(net_ping(GW_IP, 3, 1473, 0), NET_EINVAL);
	CHECK_EQ(net_ping(GW_IP, 3, 1472, 0), NET_OK);
out:
	net_teardown();
}

static void test_ip_output_again_keeps_pbuf(void)
{
	setup_known_gw();
	struct pbuf *p = pbuf_alloc(NET_HEADROOM);
	memcpy(pbuf_put(p, 6), "abcdef", 6);
	uint16_t off = p->off, len = p->len;
	F.tx_again = 1;
	CHECK_EQ(ip_output(p, 0, GW_IP, IP_PROTO_TCP, 0), NET_AGAIN);
	CHECK_EQ(p->off, off);
	CHECK_EQ(p->len, len);
	CHECK(memcmp(pbuf_data(p), "abcdef", 6) == 0);
	CHECK_EQ(stat("ip", "tx_again"), 1);
	CHECK_EQ(ip_output(p, 0, GW_IP, IP_PROTO_TCP, 0), NET_OK);
	p = fakeif_pop_sent(&F);
	CHECK(p != NULL);
	if (p) {
		uint8_t *ip = pbuf_data(p) + ETH_HLEN;
		CHECK_EQ(p->len, ETH_HLEN + 20 + 6);
		CHECK_EQ(ip[0], 0x45);
		CHECK_EQ(ip[8], IP_DEFAULT_TTL);
		CHECK_EQ(ip[9], IP_PROTO_TCP);
		CHECK(get_be16(ip + 6) & IP_FLAG_DF);
		CHECK_EQ(get_be32(ip + 12), US_IP);
		CHECK_EQ(inet_csum(ip, 20), 0);
		CHECK(memcmp(ip + 20, "abcdef", 6) == 0);
		uint16_t id1 = get_be16(ip + 4);
		pbuf_free(p);
		/* IDs advance per datagram. */
		p = pbuf_alloc(NET_HEADROOM);
		pbuf_put(p, 1);
		CHECK_EQ(ip_output(p, 0, GW_IP, IP_PROTO_TCP, 0), NET_OK);
		p = fakeif_pop_sent(&F);
		CHECK(p && get_be16(pbuf_data(p) + ETH_HLEN + 4) == (uint16_t)(id1 + 1));
		pbuf_free(p);
	}
	/* Driver refuses the frame: consumed, counted. */
	F.tx_einval = 1;
	p = pbuf_alloc(NET_HEADROOM);
	pbuf_put(p, 1);
	CHECK_EQ(ip_output(p, 0, GW_IP, IP_PROTO_TCP, 0), NET_EINVAL);
	CHECK_EQ(stat("eth", "tx_err"), 1);
	F.tx_einval = 0;
	/* No headroom. */
	p = pbuf_alloc(10);
	pbuf_put(p, 1);
	CHECK_EQ(ip_output(p, 0, GW_IP, IP_PROTO_TCP, 0), NET_EINVAL);
	CHECK_EQ(stat("ip", "tx_no_headroom"), 1);
	p = pbuf_alloc(30);                          /* room for IP, not Ethernet */
	pbuf_put(p, 1);
	CHECK_EQ(ip_output(p, 0, GW_IP, IP_PROTO_TCP, 0), NET_EINVAL);
	CHECK_EQ(stat("eth", "tx_no_headroom"), 1);
	/* Too big. */
	p = pbuf_alloc(NET_HEADROOM);
	pbuf_put(p, 1481);
	CHECK_EQ(ip_output(p, 0, GW_IP, IP_PROTO_TCP, 0), NET_EINVAL);
	CHECK_EQ(stat("ip", "tx_toobig"), 1);
	/* No gateway, off-link destination. */
	net_configure(US_IP, 24, 0);
	p = pbuf_alloc(NET_HEADROOM);
	pbuf_put(p, 1);
	CHECK_EQ(ip_output(p, 0, FAR_IP, IP_PROTO_TCP, 0), NET_EUNREACH);
	CHECK_EQ(stat("ip", "tx_noroute"), 1);
	/* Broadcast needs no ARP. */
	p = pbuf_alloc(NET_HEADROOM);
	pbuf_put(p, 1);
	CHECK_EQ(ip_output(p, 0, BCAST_IP, IP_PROTO_ICMP, 0), NET_OK);
	p = fakeif_pop_sent(&F);
	CHECK(p && memcmp(pbuf_data(p), BCAST_MAC, 6) == 0);
	pbuf_free(p);
	CHECK_EQ(fakeif_sent_pending(&F), 0);
	net_teardown();
}

static void test_poll_budget_and_deadline(void)
{
	setup_known_gw();
	uint8_t f[200];
	size_t n = echo_frame(f, GW_IP, US_IP, US_MAC, 1, payload56, 8);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(fakeif_rx(&F, f, n), 0);
	CHECK_EQ(net_poll(50), 64);
	CHECK_EQ(net_next_deadline(50), 50);        /* more waiting: come back now */
	CHECK_EQ(net_poll(51), 36);
	CHECK_EQ(net_next_deadline(51), NET_NO_DEADLINE);
	CHECK_EQ(F.tx_frames, 100);
	CHECK_EQ(net_poll(52), 0);
	net_teardown();
}

static void test_fault_injector(void)
{
	setup_known_gw();
	uint8_t f[200];
	size_t n = echo_frame(f, GW_IP, US_IP, US_MAC, 1, payload56, 56);
	net_set_fault(100, 0);
	CHECK(hostsys_log_contains("net: fault injection drop 100% corrupt 0%"));
	deliver_strict(f, n, 0);
	CHECK_EQ(stat("fault", "rx_drop"), 1);
	CHECK_EQ(F.tx_frames, 0);
	CHECK_EQ(net_ping(GW_IP, 1, 8, 0), NET_OK);   /* "sent", lost on the wire */
	CHECK_EQ(stat("fault", "tx_drop"), 1);
	CHECK_EQ(F.tx_frames, 0);
	/* Corrupt everything: every frame is still parsed safely. */
	net_set_fault(0, 100);
	for (int i = 0; i < 300; i++)
		deliver_strict(f, n, 0);
	CHECK_EQ(stat("fault", "rx_corrupt"), 300);
	CHECK_EQ(stat("fault", "tx_corrupt"), F.tx_frames);
	fakeif_drop_sent(&F);
	/* 30% loss each way: about 0.7 * 0.7 of pings come back. */
	net_set_fault(30, 0);
	uint64_t before = F.tx_frames;
	for (int i = 0; i < 1000; i++)
		deliver_strict(f, n, 0);
	uint64_t got = F.tx_frames - before;
	CHECK(got > 400 && got < 580);
	CHECK_EQ(stat("fault", "rx_drop") + stat("fault", "tx_drop") + got, 1000 + 2);
	fakeif_drop_sent(&F);
	net_set_fault(0, 0);
	net_teardown();
}

int main(void)
{
	RUN(test_echo_reply_byte_exact);
	RUN(test_echo_sizes);
	RUN(test_eth_demux);
	RUN(test_truncated_every_offset);
	RUN(test_ip_header_checks);
	RUN(test_ip_options_skipped);
	RUN(test_destinations);
	RUN(test_icmp_checks);
	RUN(test_proto_demux);
	RUN(test_ping_and_reply_log);
	RUN(test_ip_output_again_keeps_pbuf);
	RUN(test_poll_budget_and_deadline);
	RUN(test_fault_injector);
	return check_done();
}
