/*
 * net/ip_reass.c - IPv4 fragment reassembly (RFC 791 section 3.2, with
 * the hole bookkeeping done as a bitmap of 8-byte blocks).
 *
 * Bounded three ways, because fragments are a classic way to pin memory:
 *   - at most IP_REASS_SLOTS datagrams in progress (new ones are dropped
 *     while all slots are busy: old ones time out, an attacker can't evict
 *     a legitimate datagram by sending more);
 *   - a datagram is assembled straight into one pbuf, so it may be at most
 *     min(IP_REASS_MAX_BYTES, what a pbuf holds after headroom) long;
 *   - each slot lives IP_REASS_TIMEOUT_MS from its first fragment.
 *
 * An exact duplicate fragment is ignored; a fragment that partly overlaps
 * data we already hold discards the whole datagram (the RFC 5722 stance:
 * overlaps are how filters get fooled, a real sender never needs them).
 */
#include "ip.h"
#include "netpriv.h"
#include "sys.h"

#define REASS_PBUF_MAX (PBUF_BUFSZ - NET_HEADROOM - IP_HLEN_MIN)
#define REASS_MAX (IP_REASS_MAX_BYTES < REASS_PBUF_MAX ? IP_REASS_MAX_BYTES : REASS_PBUF_MAX)
#define REASS_BLOCKS ((REASS_MAX + 7) / 8)

struct reass {
	struct pbuf *buf;            /* NULL = slot free; payload at NET_HEADROOM+20 */
	uint32_t src, dst;           /* network order, as in the header */
	uint16_t id;                 /* network order */
	uint8_t proto;
	uint8_t hdr[IP_HLEN_MIN];    /* base header of the first fragment seen */
	unsigned total;              /* payload length, known once the last fragment came; 0 before */
	unsigned received;           /* payload bytes held (no overlaps, so no double count) */
	unsigned max_end;            /* highest end offset seen */
	uint64_t deadline;
	uint8_t have[(REASS_BLOCKS + 7) / 8];  /* bit per 8-byte block received */
};

static struct reass slots[IP_REASS_SLOTS];

static void slot_free(struct reass *r)
{
	pbuf_free(r->buf);
	memset(r, 0, sizeof(*r));
}

void ip_reass_reset(void)
{
	for (unsigned i = 0; i < IP_REASS_SLOTS; i++)
		if (slots[i].buf)
			slot_free(&slots[i]);
}

static int bit(const struct reass *r, unsigned b) { return r->have[b / 8] >> (b % 8) & 1; }

struct pbuf *ip_reass_input(struct pbuf *p, uint64_t now)
{
	const struct ip_hdr *h = (const struct ip_hdr *)pbuf_data(p);
	unsigned hlen = ip_hlen(h);
	uint16_t frag = ntohs(h->frag_off);
	unsigned off = (frag & IP_OFFMASK) * 8u;
	unsigned dlen = p->len - hlen;          /* ip_input trimmed p to tot_len */
	unsigned end = off + dlen;
	int more = (frag & IP_FLAG_MF) != 0;
	struct reass *r = NULL, *free_slot = NULL;

	for (unsigned i = 0; i < IP_REASS_SLOTS; i++) {
		struct reass *s = &slots[i];
		if (!s->buf) {
			if (!free_slot)
				free_slot = s;
		} else if (s->src == h->src && s->dst == h->dst && s->id == h->id &&
			   s->proto == h->proto) {
			r = s;
		}
	}
	/* Every fragment but the last carries a multiple of 8 bytes. */
	if (dlen == 0 || (more && dlen % 8)) {
		STAT_INC(ip, reass_bad);
		goto drop;
	}
	if (end > REASS_MAX) {
		STAT_INC(ip, reass_toobig);
		if (r)
			slot_free(r);   /* it can never complete */
		goto drop;
	}
	if (!r) {
		if (!free_slot) {
			STAT_INC(ip, reass_noslot);
			goto drop;
		}
		r = free_slot;
		r->buf = pbuf_alloc(NET_HEADROOM);
		if (!r->buf) {
			STAT_INC(ip, reass_nomem);
			goto drop;
		}
		r->src = h->src;
		r->dst = h->dst;
		r->id = h->id;
		r->proto = h->proto;
		memcpy(r->hdr, h, IP_HLEN_MIN);
		r->deadline = now + IP_REASS_TIMEOUT_MS;
	}
	/* The last fragment fixes the length; everything must agree with it. */
	if (!more) {
		if ((r->total && r->total != end) || r->max_end > end) {
			STAT_INC(ip, reass_bad);
			slot_free(r);
			goto drop;
		}
		r->total = end;
	} else if (r->total && end > r->total) {
		STAT_INC(ip, reass_bad);
		slot_free(r);
		goto drop;
	}
	unsigned b0 = off / 8, b1 = (end + 7) / 8, seen = 0;
	for (unsigned b = b0; b < b1; b++)
		seen += bit(r, b);
	if (seen == b1 - b0) {
		STAT_INC(ip, reass_dup);
		goto drop;
	}
	if (seen) {
		STAT_INC(ip, reass_overlap);
		slot_free(r);
		goto drop;
	}
	memcpy(r->buf->buf + NET_HEADROOM + IP_HLEN_MIN + off, pbuf_data(p) + hlen, dlen);
	for (unsigned b = b0; b < b1; b++)
		r->have[b / 8] |= (uint8_t)(1u << (b % 8));
	r->received += dlen;
	if (end > r->max_end)
		r->max_end = end;
	if (off == 0)
		memcpy(r->hdr, h, IP_HLEN_MIN);   /* the real first header wins */
	pbuf_free(p);

	if (!r->total || r->received != r->total)
		return NULL;

	/* Complete: put a plain 20-byte header in front and hand it up. */
	struct pbuf *d = r->buf;
	r->buf = NULL;
	d->off = NET_HEADROOM;
	d->len = (uint16_t)(IP_HLEN_MIN + r->total);
	struct ip_hdr *nh = (struct ip_hdr *)pbuf_data(d);
	memcpy(nh, r->hdr, IP_HLEN_MIN);
	nh->ver_ihl = 0x45;
	nh->tot_len = htons(d->len);
	nh->frag_off = 0;
	nh->csum = 0;
	nh->csum = inet_csum(nh, IP_HLEN_MIN);
	memset(r, 0, sizeof(*r));
	STAT_INC(ip, reass_ok);
	return d;
drop:
	pbuf_free(p);
	return NULL;
}

void ip_reass_timer(uint64_t now)
{
	for (unsigned i = 0; i < IP_REASS_SLOTS; i++)
		if (slots[i].buf && now >= slots[i].deadline) {
			STAT_INC(ip, reass_timeout);
			slot_free(&slots[i]);
		}
}

uint64_t ip_reass_deadline(void)
{
	uint64_t d = UINT64_MAX;
	for (unsigned i = 0; i < IP_REASS_SLOTS; i++)
		if (slots[i].buf && slots[i].deadline < d)
			d = slots[i].deadline;
	return d;
}

unsigned ip_reass_count(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < IP_REASS_SLOTS; i++)
		n += slots[i].buf != NULL;
	return n;
}
