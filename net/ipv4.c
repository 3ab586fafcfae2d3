/*
 * net/ipv4.c - IPv4 input checks and output framing (RFC 791, RFC 1122).
 *
 * Input is a list of checks, each with its own counter, done before any
 * field is trusted: length, version, header length, total length against
 * the frame, header checksum, destination.  Ethernet pads short frames to
 * 60 bytes, so the frame may be longer than tot_len: the padding is cut.
 * Options are skipped, not interpreted (we neither route nor record).
 * We are a host, not a router: anything not for us is dropped.
 */
#include "ip.h"
#include "net.h"
#include "netpriv.h"
#include "sys.h"

STATS_DEFINE(ip, IP_STATS)

static uint16_t ip_id;   /* next Identification; starts random */

void ip_reset(void)
{
	ip_id = (uint16_t)net_random32();
	ip_reass_reset();
}

/* Limited broadcast, or the directed broadcast of our subnet. */
int ip_is_broadcast(const struct netif *nif, uint32_t ip)
{
	if (ip == 0xffffffffu)
		return 1;
	return nif->ip && nif->netmask != 0xffffffffu &&
		(ip & ~nif->netmask) == ~nif->netmask &&
		(ip & nif->netmask) == (nif->ip & nif->netmask);
}

static void ip_deliver(struct netif *nif, struct pbuf *p, uint32_t src, uint32_t dst,
	uint8_t proto, unsigned hlen, uint64_t now)
{
	pbuf_pull(p, hlen);
	switch (proto) {
	case IP_PROTO_ICMP:
		STAT_INC(ip, deliver_icmp);
		icmp_input(nif, p, src, dst, now);
		return;
	case IP_PROTO_TCP:
		STAT_INC(ip, deliver_tcp);
		tcp_input(p, src, dst, now);
		return;
	default:
		STAT_INC(ip, drop_proto);   /* UDP and the rest: nobody listens */
		pbuf_free(p);
		return;
	}
}

void ip_input(struct netif *nif, struct pbuf *p, uint64_t now)
{
	STAT_INC(ip, rx);
	if (p->len < IP_HLEN_MIN) {
		STAT_INC(ip, drop_short);
		goto drop;
	}
	const struct ip_hdr *h = (const struct ip_hdr *)pbuf_data(p);
	if (ip_version(h) != 4) {
		STAT_INC(ip, drop_version);
		goto drop;
	}
	unsigned hlen = ip_hlen(h);
	if (hlen < IP_HLEN_MIN || hlen > p->len) {
		STAT_INC(ip, drop_hlen);
		goto drop;
	}
	unsigned tot = ntohs(h->tot_len);
	if (tot < hlen) {
		STAT_INC(ip, drop_totlen_short);
		goto drop;
	}
	if (tot > p->len) {
		STAT_INC(ip, drop_truncated);
		goto drop;
	}
	if (inet_csum(h, hlen) != 0) {
		STAT_INC(ip, drop_csum);
		goto drop;
	}
	if (tot < p->len) {
		STAT_INC(ip, padding_trimmed);
		pbuf_trim(p, tot);
	}
	uint32_t src = ntohl(h->src), dst = ntohl(h->dst);
	if (!(nif->ip && dst == nif->ip) && !ip_is_broadcast(nif, dst)) {
		STAT_INC(ip, drop_not_us);
		goto drop;
	}
	/* A broadcast or multicast source is forged or broken (RFC 1122
	 * 3.2.1.3); answering it would amplify. */
	if (src == 0xffffffffu || (src >> 28) == 0xe || ip_is_broadcast(nif, src)) {
		STAT_INC(ip, drop_src);
		goto drop;
	}
	if (hlen > IP_HLEN_MIN)
		STAT_INC(ip, opts_skipped);
	uint16_t frag = ntohs(h->frag_off);
	uint8_t proto = h->proto;
	if (frag & (IP_FLAG_MF | IP_OFFMASK)) {
		STAT_INC(ip, frag_rx);
		p = ip_reass_input(p, now);
		if (!p)
			return;
		hlen = IP_HLEN_MIN;          /* the reassembled header has no options */
	}
	ip_deliver(nif, p, src, dst, proto, hlen, now);
	return;
drop:
	pbuf_free(p);
}

enum net_result ip_output(struct pbuf *p, uint32_t src, uint32_t dst, uint8_t proto, uint64_t now)
{
	struct netif *nif = net_netif();
	if (!nif || !nif->ip) {
		STAT_INC(ip, tx_unconfigured);
		pbuf_free(p);
		return NET_EUNREACH;
	}
	unsigned mtu = nif->mtu ? nif->mtu : NET_MTU;
	if ((unsigned)p->len + IP_HLEN_MIN > mtu) {
		STAT_INC(ip, tx_toobig);    /* we never fragment our own output */
		pbuf_free(p);
		return NET_EINVAL;
	}
	/* Route: on-link (or broadcast) goes direct, the rest via the gateway. */
	uint32_t hop;
	if (ip_is_broadcast(nif, dst) || ((dst ^ nif->ip) & nif->netmask) == 0)
		hop = dst;
	else if (nif->gw)
		hop = nif->gw;
	else {
		STAT_INC(ip, tx_noroute);
		pbuf_free(p);
		return NET_EUNREACH;
	}
	struct ip_hdr *h = (struct ip_hdr *)pbuf_push(p, IP_HLEN_MIN);
	if (!h) {
		STAT_INC(ip, tx_no_headroom);
		pbuf_free(p);
		return NET_EINVAL;
	}
	h->ver_ihl = 0x45;
	h->tos = 0;
	h->tot_len = htons(p->len);
	h->id = htons(ip_id);
	ip_id++;
	/* TCP does its own path-MTU-sized segments: never fragment them. */
	h->frag_off = htons(proto == IP_PROTO_TCP ? IP_FLAG_DF : 0);
	h->ttl = IP_DEFAULT_TTL;
	h->proto = proto;
	h->csum = 0;
	h->src = htonl(src ? src : nif->ip);
	h->dst = htonl(dst);
	h->csum = inet_csum(h, IP_HLEN_MIN);
	enum net_result r = ether_output_ip(nif, p, hop, now);
	if (r == NET_AGAIN) {
		STAT_INC(ip, tx_again);
		pbuf_pull(p, IP_HLEN_MIN);
		return r;
	}
	if (r == NET_OK)
		STAT_INC(ip, tx);
	return r;
}

void ip_timer(uint64_t now)
{
	ip_reass_timer(now);
}

uint64_t ip_next_deadline(uint64_t now)
{
	(void)now;
	return ip_reass_deadline();
}
