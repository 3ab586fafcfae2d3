/*
 * tests/fuzz/fuzz_net.c - libFuzzer entry point: frames from Ethernet up
 * through the whole stack (ARP, IPv4, reassembly, ICMP, TCP with a small
 * echo application on port 80).
 *
 * Input: one option byte, then records
 *     [kind] [dt] [len_hi] [len_lo] [len bytes]
 * kind & 3: 0 raw Ethernet frame;
 *           1 IPv4 packet: we add an Ethernet header to us and fix the IP
 *             header checksum (lengths and everything else stay as given);
 *           2 as 1, and also fix the ICMP/TCP checksum, so the fuzzer gets
 *             past the checksums into the protocol logic;
 *           3 ARP body behind an Ethernet header to us.
 * dt advances the clock by dt * 50 ms and runs net_poll (timers fire).
 * kind & 4 makes the next output see a full TX ring (NET_AGAIN).
 *
 * After every input the stack is reset and must give back every pbuf and
 * every net_malloc'd byte: a leak aborts, so the fuzzer finds those too.
 *
 *   make BUILD=build fuzz FUZZ_SECONDS=60
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "net/net.h"
#include "net/ip.h"
#include "net/tcp.h"
#include "tests/host/support/fakeif.h"
#include "tests/host/support/hostsys.h"

#define US_IP 0x0a00020fu
#define GW_IP 0x0a000202u
static const uint8_t GW_MAC[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

static struct fakeif F;
static uint64_t now;

/* ---- an echo server, so TCP's data paths run too ---- */
static void on_event(void *arg, struct tcp_conn *c, unsigned ev)
{
	(void)arg;
	if (ev & TCP_EV_CLOSED)
		return;
	if (ev & TCP_EV_READ) {
		uint8_t buf[512];
		long n;
		while ((n = tcp_read(c, buf, sizeof(buf))) > 0)
			if (tcp_write_copy(c, buf, (size_t)n) < 0)
				break;
		if (n == TCP_EOF)
			tcp_close(c);
	}
}

static void on_accept(void *arg, struct tcp_conn *c)
{
	(void)arg;
	tcp_set_handler(c, on_event, NULL);
}

static void fix_ip(uint8_t *ip, size_t len, int transport)
{
	if (len < 20)
		return;
	unsigned hlen = (ip[0] & 15u) * 4;
	if (hlen < 20 || hlen > len)
		return;
	ip[10] = ip[11] = 0;
	uint16_t c = inet_csum(ip, hlen);
	memcpy(ip + 10, &c, 2);
	if (!transport)
		return;
	unsigned tot = get_be16(ip + 2);
	if (tot > len)
		tot = (unsigned)len;
	if (tot <= hlen)
		return;
	uint8_t *t = ip + hlen;
	unsigned tlen = tot - hlen;
	if (ip[9] == IP_PROTO_ICMP && tlen >= 4) {
		t[2] = t[3] = 0;
		c = inet_csum(t, tlen);
		memcpy(t + 2, &c, 2);
	} else if (ip[9] == IP_PROTO_TCP && tlen >= 18) {
		uint32_t s, d;
		memcpy(&s, ip + 12, 4);
		memcpy(&d, ip + 16, 4);
		t[16] = t[17] = 0;
		c = csum_fold(csum_partial(t, tlen, csum_pseudo(s, d, IP_PROTO_TCP, (uint16_t)tlen)));
		memcpy(t + 16, &c, 2);
	}
}

/* FUZZ_NET_TRACE=1 prints a line per frame the stack sends (replaying a
 * crash or writing seeds: a TCP seed needs our ISS, which is deterministic
 * because the random seed and the clock restart with every input). */
static void trace_sent(void)
{
	static int on = -1;
	if (on < 0)
		on = getenv("FUZZ_NET_TRACE") != NULL;
	if (!on)
		return;
	for (struct pbuf *p = F.tx_head; p; p = p->next) {
		const uint8_t *d = pbuf_data(p);
		unsigned type = p->len >= 14 ? get_be16(d + 12) : 0;
		printf("sent %u bytes type %04x", p->len, type);
		if (type == ETH_TYPE_IPV4 && p->len >= 34 + 20 && d[23] == IP_PROTO_TCP) {
			const uint8_t *t = d + 14 + (d[14] & 15) * 4;
			printf(" tcp flags %02x seq %u ack %u wnd %u", t[13], get_be32(t + 4),
				get_be32(t + 8), get_be16(t + 14));
		}
		printf("\n");
	}
}

static void reset_and_check(void)
{
	fakeif_reset(&F);
	net_init(now);
	fakeif_reset(&F);
	if (pbuf_free_count() != pbuf_total()) {
		fprintf(stderr, "fuzz_net: %u pbufs leaked\n", pbuf_total() - pbuf_free_count());
		abort();
	}
	if (hostsys_outstanding() != 0) {
		fprintf(stderr, "fuzz_net: %ld allocations leaked\n", hostsys_outstanding());
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static uint8_t frame[2048];
	if (!ready) {
		hostsys_log_quiet(1);
		fakeif_init(&F, NULL);
		ready = 1;
	}
	hostsys_seed(1);
	now = 1000;
	net_init(now);
	net_attach(&F.nif);
	net_configure(US_IP, 24, GW_IP);
	tcp_listen(80, on_accept, NULL);
	if (size < 1)
		goto out;
	uint8_t opt = data[0];
	data++, size--;
	if (opt & 1)
		fakeif_learn_arp(&F, GW_IP, GW_MAC, now);
	if (opt & 2)
		net_set_fault(10, 10);    /* the injector's own paths */

	while (size >= 4) {
		uint8_t kind = data[0], dt = data[1];
		size_t len = (size_t)data[2] << 8 | data[3];
		data += 4, size -= 4;
		if (len > size)
			len = size;
		if (len > 1600)
			len = 1600;
		size_t n = 0;
		switch (kind & 3) {
		case 0:
			memcpy(frame, data, len);
			n = len;
			break;
		case 1:
		case 2:
			n = fb_eth(frame, F.nif.mac, GW_MAC, ETH_TYPE_IPV4);
			memcpy(frame + n, data, len);
			fix_ip(frame + n, len, (kind & 3) == 2);
			n += len;
			break;
		case 3:
			n = fb_eth(frame, F.nif.mac, GW_MAC, ETH_TYPE_ARP);
			memcpy(frame + n, data, len);
			n += len;
			break;
		}
		data += len, size -= len;
		if (kind & 4)
			F.tx_again = 1;
		struct pbuf *p = fakeif_frame(frame, n);
		if (p)
			net_input(p, now);
		if (dt) {
			now += (uint64_t)dt * 50;
			net_poll(now);
		}
		trace_sent();
		fakeif_drop_sent(&F);
		F.tx_again = 0;
	}
	/* Let every timer run out: retransmissions, ARP give-ups, reassembly. */
	for (int i = 0; i < 8; i++) {
		uint64_t d = net_next_deadline(now);
		if (d == NET_NO_DEADLINE)
			break;
		now = d > now ? d : now + 1;
		net_poll(now);
		trace_sent();
		fakeif_drop_sent(&F);
	}
out:
	net_set_fault(0, 0);
	reset_and_check();
	return 0;
}
