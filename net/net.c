/*
 * net/net.c - the stack's front door: init, the poll loop, deadlines,
 * configuration and small helpers.  See net/net.h for the loop it serves.
 */
#include "net.h"
#include "ip.h"
#include "tcp.h"
#include "netpriv.h"
#include "sys.h"

/* Frames taken from the NIC per net_poll() before the timers get a turn:
 * a flood must not starve retransmissions.  The rest wait for the next
 * call, which net_next_deadline() asks for at once. */
#ifndef NET_POLL_BUDGET
#define NET_POLL_BUDGET 64
#endif

/* TCP registers its counters if it has them (it may not be linked in a
 * test of the lower layers, hence weak). */
extern struct stat_group tcp_stat_group __attribute__((weak));

static struct netif *the_nif;
static int rx_backlog;               /* the last poll stopped on its budget */
static struct { uint32_t ip, mask, gw; int set; } cfg;

static void apply_config(void)
{
	if (!the_nif || !cfg.set)
		return;
	the_nif->ip = cfg.ip;
	the_nif->netmask = cfg.mask;
	the_nif->gw = cfg.gw;
}

void net_init(uint64_t now)
{
	pbuf_pool_init();
	/* Reset every layer (tests call this between cases), then zero the
	 * counters so the reset itself does not show up as drops. */
	arp_reset();
	ip_reset();
	icmp_reset();
	fault_reset();
	rx_backlog = 0;
	memset(&eth_stats, 0, sizeof(eth_stats));
	memset(&arp_stats, 0, sizeof(arp_stats));
	memset(&ip_stats, 0, sizeof(ip_stats));
	memset(&icmp_stats, 0, sizeof(icmp_stats));
	memset(&fault_stats, 0, sizeof(fault_stats));
	stats_register(&pbuf_stat_group);
	stats_register(&eth_stat_group);
	stats_register(&arp_stat_group);
	stats_register(&ip_stat_group);
	stats_register(&icmp_stat_group);
	stats_register(&fault_stat_group);
	if (&tcp_stat_group)
		stats_register(&tcp_stat_group);
	tcp_init(now);
}

void net_attach(struct netif *nif)
{
	the_nif = nif;
	if (nif && !nif->mtu)
		nif->mtu = NET_MTU;
	apply_config();
}

struct netif *net_netif(void) { return the_nif; }

void net_configure(uint32_t ip, unsigned prefix, uint32_t gw)
{
	if (prefix > 32)
		prefix = 32;
	cfg.ip = ip;
	cfg.mask = prefix ? 0xffffffffu << (32 - prefix) : 0;
	cfg.gw = gw;
	cfg.set = 1;
	apply_config();
	char a[16], g[16];
	net_format_ip(ip, a);
	net_format_ip(gw, g);
	net_log("net: ip %s/%u gw %s\n", a, prefix, g);
}

void net_input(struct pbuf *p, uint64_t now)
{
	if (!the_nif) {
		pbuf_free(p);
		return;
	}
	if (fault_rx(p))
		return;
	ether_input(the_nif, p, now);
}

unsigned net_poll(uint64_t now)
{
	unsigned n = 0;
	rx_backlog = 0;
	if (the_nif && the_nif->input) {
		struct pbuf *p;
		while (n < NET_POLL_BUDGET && the_nif->input(the_nif, &p) == NET_OK) {
			n++;
			net_input(p, now);
		}
		rx_backlog = n == NET_POLL_BUDGET;
		arp_timer(the_nif, now);
	}
	ip_timer(now);
	tcp_timer(now);
	tcp_output_pending(now);
	return n;
}

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

uint64_t net_next_deadline(uint64_t now)
{
	if (rx_backlog)
		return now;
	uint64_t d = min64(arp_next_deadline(now), ip_next_deadline(now));
	return min64(d, tcp_next_deadline(now));
}

enum net_result net_ping(uint32_t dst, uint16_t seq, unsigned payload, uint64_t now)
{
	return icmp_ping(dst, seq, payload, now);
}

int net_parse_ip(const char *s, uint32_t *out)
{
	uint32_t ip = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (unsigned)(*s++ - '0');
			if (++digits > 3 || v > 255)
				return -1;
		}
		if (!digits)
			return -1;
		ip = ip << 8 | v;
		if (part < 3 && *s++ != '.')
			return -1;
	}
	if (*s)
		return -1;
	*out = ip;
	return 0;
}

void net_format_ip(uint32_t ip, char buf[16])
{
	char *b = buf;
	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned v = ip >> shift & 255;
		if (v >= 100)
			*b++ = (char)('0' + v / 100);
		if (v >= 10)
			*b++ = (char)('0' + v / 10 % 10);
		*b++ = (char)('0' + v % 10);
		if (shift)
			*b++ = '.';
	}
	*b = 0;
}
