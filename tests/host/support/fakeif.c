/*
 * tests/host/support/fakeif.c - see fakeif.h.
 */
#include <string.h>
#include "net/wire.h"
#include "net/ip.h"
#include "fakeif.h"

const uint8_t fakeif_default_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

/* Like a virtio RX buffer: the frame starts after a 12-byte device header. */
#define FAKEIF_RX_HEADROOM 12

static void q_push(struct pbuf **h, struct pbuf **t, struct pbuf *p)
{
	p->next = NULL;
	if (*t)
		(*t)->next = p;
	else
		*h = p;
	*t = p;
}

static struct pbuf *q_pop(struct pbuf **h, struct pbuf **t)
{
	struct pbuf *p = *h;
	if (p) {
		*h = p->next;
		if (!*h)
			*t = NULL;
		p->next = NULL;
	}
	return p;
}

static enum net_result fake_output(struct netif *nif, struct pbuf *p)
{
	struct fakeif *f = (struct fakeif *)nif->drv;
	if (f->tx_again) {
		f->tx_again--;
		f->tx_refused++;
		return NET_AGAIN;
	}
	if (f->tx_einval) {
		f->tx_refused++;
		return NET_EINVAL;
	}
	f->tx_frames++;
	f->tx_bytes += p->len;
	if (f->tx_queued == FAKEIF_KEEP) {
		pbuf_free(q_pop(&f->tx_head, &f->tx_tail));
		f->tx_queued--;
		f->tx_dropped_old++;
	}
	q_push(&f->tx_head, &f->tx_tail, p);
	f->tx_queued++;
	return NET_OK;
}

static enum net_result fake_input(struct netif *nif, struct pbuf **out)
{
	struct fakeif *f = (struct fakeif *)nif->drv;
	struct pbuf *p = q_pop(&f->rx_head, &f->rx_tail);
	if (!p)
		return NET_AGAIN;
	f->rx_queued--;
	f->rx_frames++;
	*out = p;
	return NET_OK;
}

static unsigned fake_tx_space(struct netif *nif)
{
	struct fakeif *f = (struct fakeif *)nif->drv;
	return f->tx_again ? 0 : f->space;
}

void fakeif_init(struct fakeif *f, const uint8_t mac[6])
{
	memset(f, 0, sizeof(*f));
	memcpy(f->nif.mac, mac ? mac : fakeif_default_mac, 6);
	f->nif.mtu = NET_MTU;
	f->nif.drv = f;
	f->nif.output = fake_output;
	f->nif.input = fake_input;
	f->nif.tx_space = fake_tx_space;
	f->space = 256;
}

void fakeif_drop_sent(struct fakeif *f)
{
	struct pbuf *p;
	while ((p = q_pop(&f->tx_head, &f->tx_tail)))
		pbuf_free(p);
	f->tx_queued = 0;
}

void fakeif_reset(struct fakeif *f)
{
	struct pbuf *p;
	while ((p = q_pop(&f->rx_head, &f->rx_tail)))
		pbuf_free(p);
	f->rx_queued = 0;
	fakeif_drop_sent(f);
}

struct pbuf *fakeif_frame(const void *frame, size_t len)
{
	if (len > PBUF_BUFSZ - FAKEIF_RX_HEADROOM)
		return NULL;
	struct pbuf *p = pbuf_alloc(FAKEIF_RX_HEADROOM);
	if (!p)
		return NULL;
	memcpy(pbuf_put(p, (unsigned)len), frame, len);
	return p;
}

int fakeif_rx(struct fakeif *f, const void *frame, size_t len)
{
	struct pbuf *p = fakeif_frame(frame, len);
	if (!p)
		return -1;
	q_push(&f->rx_head, &f->rx_tail, p);
	f->rx_queued++;
	return 0;
}

struct pbuf *fakeif_pop_sent(struct fakeif *f)
{
	struct pbuf *p = q_pop(&f->tx_head, &f->tx_tail);
	if (p)
		f->tx_queued--;
	return p;
}

unsigned fakeif_sent_pending(const struct fakeif *f) { return f->tx_queued; }

void fakeif_learn_arp(struct fakeif *f, uint32_t peer_ip, const uint8_t peer_mac[6], uint64_t now)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];
	uint8_t frame[64];
	size_t n = fb_arp(frame, bcast, ARP_OP_REQUEST, peer_mac, peer_ip, zero, f->nif.ip);
	unsigned before = f->tx_queued;
	net_input(fakeif_frame(frame, n), now);
	/* Discard only the reply this produced. */
	while (f->tx_queued > before) {
		struct pbuf *p = f->tx_tail, *q = f->tx_head, *prev = NULL;
		while (q != p)
			prev = q, q = q->next;
		if (prev)
			prev->next = NULL, f->tx_tail = prev;
		else
			f->tx_head = f->tx_tail = NULL;
		f->tx_queued--;
		pbuf_free(p);
	}
}

size_t fb_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	put_be16(buf + 12, type);
	return ETH_HLEN;
}

size_t fb_ipv4(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6],
	uint32_t src, uint32_t dst, uint8_t proto, uint16_t id, uint16_t frag_off,
	const void *payload, size_t len)
{
	size_t n = fb_eth(buf, dst_mac, src_mac, ETH_TYPE_IPV4);
	struct ip_hdr *h = (struct ip_hdr *)(buf + n);
	h->ver_ihl = 0x45;
	h->tos = 0;
	h->tot_len = htons((uint16_t)(IP_HLEN_MIN + len));
	h->id = htons(id);
	h->frag_off = htons(frag_off);
	h->ttl = 64;
	h->proto = proto;
	h->csum = 0;
	h->src = htonl(src);
	h->dst = htonl(dst);
	h->csum = inet_csum(h, IP_HLEN_MIN);
	memcpy(buf + n + IP_HLEN_MIN, payload, len);
	return n + IP_HLEN_MIN + len;
}

size_t fb_arp(uint8_t *buf, const uint8_t eth_dst[6], uint16_t op,
	const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	size_t n = fb_eth(buf, eth_dst, sha, ETH_TYPE_ARP);
	struct arp_hdr *a = (struct arp_hdr *)(buf + n);
	a->htype = htons(ARP_HTYPE_ETHER);
	a->ptype = htons(ETH_TYPE_IPV4);
	a->hlen = 6;
	a->plen = 4;
	a->op = htons(op);
	memcpy(a->sha, sha, 6);
	put_be32(a->spa, spa);
	memcpy(a->tha, tha, 6);
	put_be32(a->tpa, tpa);
	n += sizeof(*a);
	memset(buf + n, 0, 60 - n);
	return 60;
}

size_t fb_icmp_echo(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq,
	const void *data, size_t len)
{
	struct icmp_hdr *ih = (struct icmp_hdr *)buf;
	ih->type = type;
	ih->code = 0;
	ih->csum = 0;
	ih->id = htons(id);
	ih->seq = htons(seq);
	memcpy(buf + sizeof(*ih), data, len);
	ih->csum = inet_csum(buf, (unsigned)(sizeof(*ih) + len));
	return sizeof(*ih) + len;
}
