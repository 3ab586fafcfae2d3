/*
 * net/icmp.c - ICMP echo (RFC 792): answer pings, send our own.
 *
 * An echo reply is built in a fresh pbuf rather than by flipping the
 * request in place: the request's buffer may not have the headroom a
 * driver needs in front, and pings are not a hot path.  Requests sent to a
 * broadcast address are ignored (as Linux does by default) so we can't be
 * used as a smurf amplifier.
 *
 * Our own pings remember (seq, destination, send time) in a small ring so
 * the reply can be timed; the identifier is random per boot.
 */
#include "ip.h"
#include "net.h"
#include "netpriv.h"
#include "sys.h"

STATS_DEFINE(icmp, ICMP_STATS)

#define PING_SLOTS 16
static struct {
	uint32_t dst;
	uint16_t seq;
	uint8_t used;
	uint64_t sent;
} pings[PING_SLOTS];
static uint16_t ping_id;

void icmp_reset(void)
{
	memset(pings, 0, sizeof(pings));
	ping_id = (uint16_t)net_random32();
}

/* Copy an ICMP message into a new buffer (data NULL: a counting pattern,
 * for our own pings), set type and checksum, send. */
static enum net_result send_echo(uint8_t type, const struct icmp_hdr *hdr, const uint8_t *data,
	unsigned dlen, uint32_t src, uint32_t dst, uint64_t now)
{
	struct pbuf *p = pbuf_alloc(NET_HEADROOM);
	if (!p) {
		STAT_INC(icmp, tx_nobuf);
		return NET_ENOMEM;
	}
	struct icmp_hdr *ih = (struct icmp_hdr *)pbuf_put(p, sizeof(*ih) + dlen);
	if (!ih) {
		STAT_INC(icmp, drop_toobig);
		pbuf_free(p);
		return NET_EINVAL;
	}
	ih->type = type;
	ih->code = 0;
	ih->csum = 0;
	ih->id = hdr->id;
	ih->seq = hdr->seq;
	uint8_t *d = (uint8_t *)(ih + 1);
	if (data)
		memcpy(d, data, dlen);
	else
		for (unsigned i = 0; i < dlen; i++)
			d[i] = (uint8_t)i;
	ih->csum = inet_csum(ih, p->len);
	enum net_result r = ip_output(p, src, dst, IP_PROTO_ICMP, now);
	if (r == NET_AGAIN)
		pbuf_free(p);        /* the pinger will ask again */
	if (r != NET_OK)
		STAT_INC(icmp, tx_fail);
	else if (type == ICMP_ECHO_REPLY)
		STAT_INC(icmp, echo_reply_tx);
	else
		STAT_INC(icmp, ping_tx);
	return r;
}

static void echo_reply_in(const struct icmp_hdr *ih, uint32_t src, uint64_t now)
{
	STAT_INC(icmp, echo_reply_rx);
	uint16_t seq = ntohs(ih->seq);
	unsigned i = seq % PING_SLOTS;
	if (ntohs(ih->id) != ping_id || !pings[i].used || pings[i].seq != seq ||
	    pings[i].dst != src) {
		STAT_INC(icmp, ping_unmatched);
		return;
	}
	pings[i].used = 0;
	/* Only millisecond time comes in, so the tenths digit is 0; the
	 * format is the one ping(8) users expect. */
	uint64_t ms = now - pings[i].sent;
	char ipbuf[16];
	net_format_ip(src, ipbuf);
	net_log("ping: reply from %s seq=%u time=%u.0 ms\n", ipbuf, (unsigned)seq, (unsigned)ms);
}

void icmp_input(struct netif *nif, struct pbuf *p, uint32_t src, uint32_t dst, uint64_t now)
{
	STAT_INC(icmp, rx);
	if (p->len < sizeof(struct icmp_hdr)) {
		STAT_INC(icmp, drop_short);
		goto drop;
	}
	if (inet_csum(pbuf_data(p), p->len) != 0) {
		STAT_INC(icmp, drop_csum);
		goto drop;
	}
	const struct icmp_hdr *ih = (const struct icmp_hdr *)pbuf_data(p);
	switch (ih->type) {
	case ICMP_ECHO_REQUEST:
		STAT_INC(icmp, echo_req);
		if (ip_is_broadcast(nif, dst)) {
			STAT_INC(icmp, drop_bcast);
			break;
		}
		if ((unsigned)p->len + IP_HLEN_MIN > (nif->mtu ? nif->mtu : NET_MTU)) {
			/* A reassembled request whose reply would need fragmenting. */
			STAT_INC(icmp, drop_toobig);
			break;
		}
		send_echo(ICMP_ECHO_REPLY, ih, (const uint8_t *)(ih + 1),
			p->len - sizeof(*ih), dst, src, now);
		break;
	case ICMP_ECHO_REPLY:
		echo_reply_in(ih, src, now);
		break;
	default:
		STAT_INC(icmp, rx_other);   /* unreachables etc.: TCP times out anyway */
		break;
	}
drop:
	pbuf_free(p);
}

enum net_result icmp_ping(uint32_t dst, uint16_t seq, unsigned payload, uint64_t now)
{
	struct netif *nif = net_netif();
	unsigned mtu = nif && nif->mtu ? nif->mtu : NET_MTU;
	if (payload + sizeof(struct icmp_hdr) + IP_HLEN_MIN > mtu)
		return NET_EINVAL;
	struct icmp_hdr h = { .id = htons(ping_id), .seq = htons(seq) };
	unsigned i = seq % PING_SLOTS;
	pings[i].dst = dst;
	pings[i].seq = seq;
	pings[i].used = 1;
	pings[i].sent = now;
	enum net_result r = send_echo(ICMP_ECHO_REQUEST, &h, NULL, payload, 0, dst, now);
	if (r != NET_OK)
		pings[i].used = 0;
	return r;
}
