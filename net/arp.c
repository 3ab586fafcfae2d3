/*
 * net/arp.c - ARP for IPv4 over Ethernet (RFC 826), with a real cache.
 *
 * Each entry is in one of three states:
 *
 *   INCOMPLETE  a request is out; packets for the address wait in a short
 *               queue (ARP_PENDING_MAX, oldest dropped first).  A request is
 *               repeated every ARP_RETRY_MS; after ARP_MAX_TRIES the entry
 *               and its queue are dropped (counted as give_up).
 *   REACHABLE   the mapping was confirmed less than ARP_REACHABLE_MS ago.
 *   STALE       older than that.  It is still used (the peer almost never
 *               changes its MAC), but the first use sends a unicast request
 *               to confirm it; if ARP_MAX_TRIES go unanswered the entry is
 *               dropped and the next packet starts over from INCOMPLETE.
 *
 * REACHABLE -> STALE happens lazily when the entry is looked at, so an idle
 * cache asks for no timer wake-ups at all.
 *
 * Learning follows RFC 826's merge rule: any valid ARP packet refreshes an
 * entry we already have for its sender; a new entry is created only when
 * the packet is addressed to us (a request for our IP or a reply to us), so
 * a chatty LAN cannot flood the table.  When the table is full the least
 * recently used entry is replaced, preferring resolved entries over ones
 * still resolving (those have a queue and a caller waiting).
 */
#include "ip.h"
#include "net.h"
#include "netpriv.h"
#include "sys.h"

STATS_DEFINE(arp, ARP_STATS)

struct arp_entry {
	uint32_t ip;                 /* host order; 0 = slot free */
	uint8_t mac[ETH_ALEN];       /* valid in REACHABLE and STALE */
	uint8_t state;               /* ARP_S_*; 0 = free */
	uint8_t tries;               /* requests sent in this resolve/probe round */
	uint64_t expires;            /* REACHABLE: turns STALE at this time */
	uint64_t retry_at;           /* INCOMPLETE or probing STALE: next request */
	uint64_t last_used;          /* LRU key */
	struct pbuf *pend_head, *pend_tail;  /* INCOMPLETE only, FIFO */
	unsigned npend;              /* <= ARP_PENDING_MAX */
};

static struct arp_entry table[ARP_TABLE_SIZE];
static const uint8_t bcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero_mac[ETH_ALEN];

static void drop_pending(struct arp_entry *e)
{
	while (e->pend_head) {
		struct pbuf *p = e->pend_head;
		e->pend_head = p->next;
		p->next = NULL;
		STAT_INC(arp, pending_dropped);
		pbuf_free(p);
	}
	e->pend_tail = NULL;
	e->npend = 0;
}

static void entry_free(struct arp_entry *e)
{
	drop_pending(e);
	memset(e, 0, sizeof(*e));
}

void arp_reset(void)
{
	for (unsigned i = 0; i < ARP_TABLE_SIZE; i++)
		entry_free(&table[i]);
}

static struct arp_entry *lookup(uint32_t ip)
{
	for (unsigned i = 0; i < ARP_TABLE_SIZE; i++)
		if (table[i].state && table[i].ip == ip)
			return &table[i];
	return NULL;
}

/* A free slot, else the least recently used resolved entry, else the least
 * recently used one still resolving (its waiting packets are dropped). */
static struct arp_entry *entry_new(uint32_t ip, uint64_t now)
{
	struct arp_entry *best = NULL;
	for (unsigned i = 0; i < ARP_TABLE_SIZE; i++) {
		struct arp_entry *e = &table[i];
		if (!e->state) {
			best = e;
			break;
		}
		if (!best)
			best = e;
		else if ((best->state == ARP_S_INCOMPLETE) != (e->state == ARP_S_INCOMPLETE)) {
			if (best->state == ARP_S_INCOMPLETE)
				best = e;
		} else if (e->last_used < best->last_used) {
			best = e;
		}
	}
	if (best->state) {
		STAT_INC(arp, evicted);
		entry_free(best);
	}
	best->ip = ip;
	best->last_used = now;
	return best;
}

static void send_arp(struct netif *nif, uint16_t op, const uint8_t eth_dst[6],
	const uint8_t tha[6], uint32_t tpa)
{
	struct pbuf *p = pbuf_alloc(NET_HEADROOM);
	if (!p) {
		STAT_INC(arp, tx_nobuf);
		return;
	}
	struct arp_hdr *a = (struct arp_hdr *)pbuf_put(p, sizeof(*a));
	a->htype = htons(ARP_HTYPE_ETHER);
	a->ptype = htons(ETH_TYPE_IPV4);
	a->hlen = ETH_ALEN;
	a->plen = 4;
	a->op = htons(op);
	memcpy(a->sha, nif->mac, ETH_ALEN);
	put_be32(a->spa, nif->ip);
	memcpy(a->tha, tha, ETH_ALEN);
	put_be32(a->tpa, tpa);
	/* Pad to the 60-byte Ethernet minimum ourselves: not every device does. */
	uint8_t *pad = pbuf_put(p, 60 - ETH_HLEN - sizeof(*a));
	memset(pad, 0, 60 - ETH_HLEN - sizeof(*a));
	enum net_result r = ether_output_raw(nif, p, eth_dst, ETH_TYPE_ARP);
	if (r == NET_AGAIN) {
		pbuf_free(p);        /* a retry or the peer's own retry covers it */
		STAT_INC(arp, tx_fail);
		return;
	}
	if (r != NET_OK) {
		STAT_INC(arp, tx_fail);
		return;
	}
	if (op == ARP_OP_REQUEST)
		STAT_INC(arp, req_tx);
	else
		STAT_INC(arp, reply_tx);
}

static void send_request(struct netif *nif, struct arp_entry *e, uint64_t now)
{
	/* A STALE entry is confirmed by a unicast request (RFC 1122 2.3.2.1);
	 * an unknown address needs a broadcast. */
	const uint8_t *dst = e->state == ARP_S_STALE ? e->mac : bcast_mac;
	send_arp(nif, ARP_OP_REQUEST, dst, zero_mac, e->ip);
	e->tries++;
	e->retry_at = now + ARP_RETRY_MS;
}

/* The peer answered (or spoke): record its MAC and send what was waiting. */
static void entry_confirm(struct netif *nif, struct arp_entry *e, const uint8_t mac[6], uint64_t now)
{
	char ipbuf[16];
	int first = e->state == ARP_S_INCOMPLETE || e->state == 0;
	if (!first && memcmp(e->mac, mac, ETH_ALEN)) {
		STAT_INC(arp, mac_changed);
		first = 1;
	}
	memcpy(e->mac, mac, ETH_ALEN);
	e->state = ARP_S_REACHABLE;
	e->tries = 0;
	e->expires = now + ARP_REACHABLE_MS;
	e->retry_at = 0;
	if (first) {
		STAT_INC(arp, resolved);
		net_format_ip(e->ip, ipbuf);
		net_log("arp: %s is-at %02x:%02x:%02x:%02x:%02x:%02x\n", ipbuf,
			mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	}
	while (e->pend_head) {
		struct pbuf *p = e->pend_head;
		e->pend_head = p->next;
		p->next = NULL;
		e->npend--;
		enum net_result r = ether_output_raw(nif, p, e->mac, ETH_TYPE_IPV4);
		if (r == NET_OK) {
			STAT_INC(arp, pending_sent);
		} else if (r == NET_AGAIN) {
			/* The ring is full right now; TCP retransmits, a ping is lost. */
			STAT_INC(arp, pending_tx_again);
			pbuf_free(p);
		}
	}
	e->pend_tail = NULL;
	e->npend = 0;
}

void arp_input(struct netif *nif, struct pbuf *p, uint64_t now)
{
	STAT_INC(arp, rx);
	if (p->len < sizeof(struct arp_hdr)) {
		STAT_INC(arp, drop_short);
		goto drop;
	}
	const struct arp_hdr *a = (const struct arp_hdr *)pbuf_data(p);
	if (ntohs(a->htype) != ARP_HTYPE_ETHER || ntohs(a->ptype) != ETH_TYPE_IPV4 ||
	    a->hlen != ETH_ALEN || a->plen != 4) {
		STAT_INC(arp, drop_format);
		goto drop;
	}
	uint16_t op = ntohs(a->op);
	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY) {
		STAT_INC(arp, drop_op);
		goto drop;
	}
	if (a->sha[0] & 1) {         /* a group address can't own an IP */
		STAT_INC(arp, drop_bad_sha);
		goto drop;
	}
	if (!nif->ip) {
		STAT_INC(arp, drop_unconfigured);
		goto drop;
	}
	uint32_t spa = get_be32(a->spa), tpa = get_be32(a->tpa);
	uint8_t sha[ETH_ALEN];
	memcpy(sha, a->sha, ETH_ALEN);
	if (op == ARP_OP_REQUEST)
		STAT_INC(arp, req_rx);
	else
		STAT_INC(arp, reply_rx);

	if (spa == nif->ip && memcmp(sha, nif->mac, ETH_ALEN)) {
		/* Someone else claims our address: note it, don't learn it. */
		STAT_INC(arp, conflict);
		goto drop;
	}
	int for_us = tpa == nif->ip;
	/* spa 0 is an RFC 5227 probe: nothing to learn, but still answered. */
	if (spa && spa != nif->ip && !ip_is_broadcast(nif, spa)) {
		struct arp_entry *e = lookup(spa);
		if (e) {
			STAT_INC(arp, updated);
			entry_confirm(nif, e, sha, now);
		} else if (for_us) {
			STAT_INC(arp, learned);
			e = entry_new(spa, now);
			entry_confirm(nif, e, sha, now);
		}
	}
	if (for_us && op == ARP_OP_REQUEST)
		send_arp(nif, ARP_OP_REPLY, sha, sha, spa);
drop:
	pbuf_free(p);
}

int arp_resolve(struct netif *nif, uint32_t ip, struct pbuf *p, uint8_t mac_out[6], uint64_t now)
{
	struct arp_entry *e = lookup(ip);
	if (e && e->state != ARP_S_INCOMPLETE) {
		e->last_used = now;
		if (e->state == ARP_S_REACHABLE && now >= e->expires) {
			e->state = ARP_S_STALE;
			e->tries = 0;
			STAT_INC(arp, stale_expired);
		}
		if (e->state == ARP_S_STALE && e->tries == 0)
			send_request(nif, e, now);   /* start confirming; keep using it */
		memcpy(mac_out, e->mac, ETH_ALEN);
		return 1;
	}
	if (!e) {
		e = entry_new(ip, now);
		e->state = ARP_S_INCOMPLETE;
		send_request(nif, e, now);
	}
	e->last_used = now;
	if (!p)
		return 0;
	if (e->npend == ARP_PENDING_MAX) {
		struct pbuf *old = e->pend_head;
		e->pend_head = old->next;
		if (!e->pend_head)
			e->pend_tail = NULL;
		e->npend--;
		old->next = NULL;
		pbuf_free(old);
		STAT_INC(arp, pending_overflow);
	}
	p->next = NULL;
	if (e->pend_tail)
		e->pend_tail->next = p;
	else
		e->pend_head = p;
	e->pend_tail = p;
	e->npend++;
	STAT_INC(arp, pending_queued);
	return 0;
}

void arp_timer(struct netif *nif, uint64_t now)
{
	for (unsigned i = 0; i < ARP_TABLE_SIZE; i++) {
		struct arp_entry *e = &table[i];
		if (!e->state || !e->retry_at || now < e->retry_at)
			continue;
		if (e->tries >= ARP_MAX_TRIES) {
			/* No answer: forget it.  Waiting packets go with it; the
			 * next packet for this address starts a fresh round. */
			STAT_INC(arp, give_up);
			entry_free(e);
			continue;
		}
		send_request(nif, e, now);
	}
}

uint64_t arp_next_deadline(uint64_t now)
{
	uint64_t d = UINT64_MAX;
	(void)now;
	for (unsigned i = 0; i < ARP_TABLE_SIZE; i++)
		if (table[i].state && table[i].retry_at && table[i].retry_at < d)
			d = table[i].retry_at;
	return d;
}

unsigned arp_cache_count(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < ARP_TABLE_SIZE; i++)
		n += table[i].state != 0;
	return n;
}

int arp_cache_state(uint32_t ip, uint8_t mac_out[6])
{
	struct arp_entry *e = lookup(ip);
	if (!e)
		return 0;
	if (mac_out)
		memcpy(mac_out, e->mac, ETH_ALEN);
	return e->state;
}
