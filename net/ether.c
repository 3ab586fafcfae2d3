/*
 * net/ether.c - Ethernet II framing: demultiplex received frames, frame
 * outgoing ones.
 *
 * We accept frames addressed to our MAC or to broadcast and nothing else
 * (no multicast groups are joined).  Output prepends the header in the
 * pbuf's headroom; the driver's own header goes in front of that.
 */
#include "ip.h"
#include "netpriv.h"
#include "sys.h"

STATS_DEFINE(eth, ETH_STATS)

static const uint8_t bcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void ether_input(struct netif *nif, struct pbuf *p, uint64_t now)
{
	STAT_INC(eth, rx);
	STAT_ADD(eth, rx_bytes, p->len);
	if (p->len < ETH_HLEN) {
		STAT_INC(eth, drop_short);
		goto drop;
	}
	const struct eth_hdr *eh = (const struct eth_hdr *)pbuf_data(p);
	if (memcmp(eh->dst, nif->mac, ETH_ALEN) && memcmp(eh->dst, bcast_mac, ETH_ALEN)) {
		STAT_INC(eth, drop_not_us);
		goto drop;
	}
	uint16_t type = ntohs(eh->type);
	pbuf_pull(p, ETH_HLEN);
	switch (type) {
	case ETH_TYPE_IPV4:
		ip_input(nif, p, now);
		return;
	case ETH_TYPE_ARP:
		arp_input(nif, p, now);
		return;
	default:
		STAT_INC(eth, drop_type);   /* IPv6, VLAN, LLDP, ...: not spoken here */
		goto drop;
	}
drop:
	pbuf_free(p);
}

/* The last step before the wire.  On NET_OK the driver (or the fault
 * injector, which "lost" it) owns p; on NET_AGAIN the caller keeps it. */
enum net_result ether_xmit(struct netif *nif, struct pbuf *p)
{
	if (fault_tx(p))
		return NET_OK;
	unsigned len = p->len;
	enum net_result r = nif->output(nif, p);
	if (r == NET_OK) {
		STAT_INC(eth, tx);
		STAT_ADD(eth, tx_bytes, len);
	} else if (r == NET_AGAIN) {
		STAT_INC(eth, tx_again);
	} else {
		STAT_INC(eth, tx_err);
	}
	return r;
}

enum net_result ether_output_raw(struct netif *nif, struct pbuf *p, const uint8_t dst[6], uint16_t type)
{
	struct eth_hdr *eh = (struct eth_hdr *)pbuf_push(p, ETH_HLEN);
	if (!eh) {
		STAT_INC(eth, tx_no_headroom);
		pbuf_free(p);
		return NET_EINVAL;
	}
	memcpy(eh->dst, dst, ETH_ALEN);
	memcpy(eh->src, nif->mac, ETH_ALEN);
	eh->type = htons(type);
	enum net_result r = ether_xmit(nif, p);
	if (r == NET_AGAIN) {
		pbuf_pull(p, ETH_HLEN);     /* give it back as it came */
		return r;
	}
	if (r != NET_OK)
		pbuf_free(p);
	return r;
}

enum net_result ether_output_ip(struct netif *nif, struct pbuf *p, uint32_t next_hop, uint64_t now)
{
	uint8_t mac[ETH_ALEN];
	if (ip_is_broadcast(nif, next_hop))
		return ether_output_raw(nif, p, bcast_mac, ETH_TYPE_IPV4);
	if (!arp_resolve(nif, next_hop, p, mac, now))
		return NET_OK;              /* held (or dropped, counted) by ARP */
	return ether_output_raw(nif, p, mac, ETH_TYPE_IPV4);
}
