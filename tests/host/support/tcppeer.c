/*
 * tests/host/support/tcppeer.c - see tcppeer.h.
 */
#include <string.h>
#include "net/wire.h"
#include "net/net.h"
#include "tcppeer.h"

void tp_init(struct tcppeer *p, struct fakeif *f, uint32_t ip, uint16_t port,
	     uint32_t us_ip, uint16_t us_port, const uint8_t mac[6])
{
	memset(p, 0, sizeof(*p));
	p->f = f;
	p->ip = ip;
	p->port = port;
	p->us_ip = us_ip;
	p->us_port = us_port;
	memcpy(p->mac, mac, 6);
	p->ip_id = 1;
}

size_t tp_build(struct tcppeer *p, uint8_t *frame, uint8_t flags, uint32_t seq,
		uint32_t ack, uint16_t wnd, const uint8_t *opts, unsigned optlen,
		const void *data, size_t len)
{
	uint8_t seg[2048];
	unsigned olen = (optlen + 3) & ~3u;
	unsigned hlen = 20 + olen;
	struct tcp_hdr *th = (struct tcp_hdr *)seg;
	memset(seg, 0, hlen);
	th->sport = htons(p->port);
	th->dport = htons(p->us_port);
	th->seq = htonl(seq);
	th->ack = htonl(ack);
	th->off_rsvd = (uint8_t)((hlen / 4) << 4);
	th->flags = flags;
	th->wnd = htons(wnd);
	if (optlen)
		memcpy(seg + 20, opts, optlen);
	if (len)
		memcpy(seg + hlen, data, len);
	uint32_t sum = csum_pseudo(htonl(p->ip), htonl(p->us_ip), IP_PROTO_TCP, (uint16_t)(hlen + len));
	th->csum = csum_fold(csum_partial(seg, hlen + len, sum));
	return fb_ipv4(frame, p->f->nif.mac, p->mac, p->ip, p->us_ip, IP_PROTO_TCP,
		       (uint16_t)p->ip_id++, IP_FLAG_DF, seg, hlen + len);
}

void tp_send(struct tcppeer *p, uint8_t flags, uint32_t seq, uint32_t ack,
	     uint16_t wnd, const uint8_t *opts, unsigned optlen,
	     const void *data, size_t len, uint64_t now)
{
	uint8_t frame[2048];
	size_t n = tp_build(p, frame, flags, seq, ack, wnd, opts, optlen, data, len);
	struct pbuf *b = fakeif_frame(frame, n);
	if (b)
		net_input(b, now);
}

int tp_parse(const uint8_t *frame, size_t len, struct tp_seg *s)
{
	memset(s, 0, sizeof(*s) - sizeof(s->data));
	s->wscale = -1;
	if (len < ETH_HLEN + IP_HLEN_MIN + TCP_HLEN_MIN)
		return 0;
	const struct eth_hdr *eh = (const struct eth_hdr *)frame;
	if (ntohs(eh->type) != ETH_TYPE_IPV4)
		return 0;
	const struct ip_hdr *ih = (const struct ip_hdr *)(frame + ETH_HLEN);
	unsigned ihl = ip_hlen(ih);
	unsigned tot = ntohs(ih->tot_len);
	if (ih->proto != IP_PROTO_TCP || ihl < 20 || ETH_HLEN + tot > len || tot < ihl + 20)
		return 0;
	s->ip_ok = inet_csum(ih, ihl) == 0;
	s->src = ntohl(ih->src);
	s->dst = ntohl(ih->dst);
	const uint8_t *t = frame + ETH_HLEN + ihl;
	unsigned tlen = tot - ihl;
	const struct tcp_hdr *th = (const struct tcp_hdr *)t;
	unsigned hlen = tcp_hlen(th);
	if (hlen < 20 || hlen > tlen)
		return 0;
	uint32_t sum = csum_pseudo(ih->src, ih->dst, IP_PROTO_TCP, (uint16_t)tlen);
	s->csum_ok = csum_fold(csum_partial(t, tlen, sum)) == 0;
	s->sport = ntohs(th->sport);
	s->dport = ntohs(th->dport);
	s->seq = ntohl(th->seq);
	s->ack = ntohl(th->ack);
	s->flags = th->flags;
	s->wnd = ntohs(th->wnd);
	for (unsigned i = 20; i < hlen;) {
		uint8_t k = t[i];
		if (k == TCP_OPT_EOL)
			break;
		if (k == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= hlen || t[i + 1] < 2)
			break;
		if (k == TCP_OPT_MSS && t[i + 1] == 4)
			s->mss = get_be16(t + i + 2);
		if (k == TCP_OPT_WSCALE && t[i + 1] == 3)
			s->wscale = t[i + 2];
		if (k == TCP_OPT_SACK_PERM && t[i + 1] == 2)
			s->sack_perm = 1;
		if (k == 5 && t[i + 1] >= 10 && (t[i + 1] - 2) % 8 == 0 && i + t[i + 1] <= hlen) {
			s->nsack = (t[i + 1] - 2u) / 8 > 4 ? 4 : (t[i + 1] - 2u) / 8;
			for (unsigned b = 0; b < s->nsack; b++) {
				s->sack[b][0] = get_be32(t + i + 2 + 8 * b);
				s->sack[b][1] = get_be32(t + i + 6 + 8 * b);
			}
		}
		i += t[i + 1];
	}
	s->len = tlen - hlen;
	if (s->len > sizeof(s->data))
		return 0;
	memcpy(s->data, t + hlen, s->len);
	return 1;
}

int tp_recv(struct tcppeer *p, struct tp_seg *s)
{
	struct pbuf *b;
	while ((b = fakeif_pop_sent(p->f)) != NULL) {
		int ok = tp_parse(pbuf_data(b), b->len, s);
		pbuf_free(b);
		if (ok)
			return 1;
	}
	return 0;
}

unsigned tp_pending(struct tcppeer *p)
{
	return fakeif_sent_pending(p->f);
}
