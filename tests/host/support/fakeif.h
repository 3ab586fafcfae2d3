/*
 * tests/host/support/fakeif.h - a counting fake network interface, and
 * helpers to build the frames a peer would send.
 *
 * Use:
 *     struct fakeif f;
 *     net_init(0);
 *     fakeif_init(&f, NULL);                 // default MAC 02:00:00:00:00:01
 *     net_attach(&f.nif);
 *     net_configure(ip, 24, gw);
 *     fakeif_learn_arp(&f, peer_ip, peer_mac, now); // skip ARP for a peer
 *
 *     fakeif_rx(&f, frame, len);              // queued; net_poll(now) takes it
 *     net_input(fakeif_frame(frame, len), now);  // or deliver at once
 *
 *     struct pbuf *p = fakeif_pop_sent(&f);   // oldest frame the stack sent
 *     ... inspect pbuf_data(p), p->len (starts at the Ethernet header) ...
 *     pbuf_free(p);
 *     fakeif_reset(&f);                       // free everything still held
 *
 * Frames the stack sends are kept, in order, on a queue the test owns (up
 * to FAKEIF_KEEP; older ones are freed and only counted), so pbuf leak
 * checks must call fakeif_reset() first.  Set f.tx_again = N to make the
 * next N output calls return NET_AGAIN (a full TX ring); set f.tx_einval
 * to refuse frames.  Nothing here checks the stack's behaviour: tests do.
 */
#ifndef TESTS_FAKEIF_H
#define TESTS_FAKEIF_H

#include <stddef.h>
#include <stdint.h>
#include "net/net.h"

#ifndef FAKEIF_KEEP
#define FAKEIF_KEEP 256
#endif

struct fakeif {
	struct netif nif;            /* what net_attach() gets */
	struct pbuf *rx_head, *rx_tail;    /* waiting for nif.input */
	unsigned rx_queued;
	struct pbuf *tx_head, *tx_tail;    /* sent by the stack, oldest first */
	unsigned tx_queued;
	/* counters */
	unsigned long tx_frames, tx_bytes, tx_refused, tx_dropped_old;
	unsigned long rx_frames;
	/* knobs */
	unsigned tx_again;           /* next N outputs return NET_AGAIN */
	int tx_einval;               /* outputs return NET_EINVAL */
	unsigned space;              /* what tx_space() reports (default 256) */
};

extern const uint8_t fakeif_default_mac[6];

void fakeif_init(struct fakeif *f, const uint8_t mac[6]);
void fakeif_reset(struct fakeif *f);  /* free queued rx and tx frames */

/* Copy a frame into a fresh pbuf (headroom like a driver's RX buffer).
 * NULL if the pool is empty or len > what a pbuf holds. */
struct pbuf *fakeif_frame(const void *frame, size_t len);
/* Queue a received frame for the next net_poll(); -1 if no pbuf. */
int fakeif_rx(struct fakeif *f, const void *frame, size_t len);

struct pbuf *fakeif_pop_sent(struct fakeif *f);   /* NULL if none; caller frees */
unsigned fakeif_sent_pending(const struct fakeif *f);
void fakeif_drop_sent(struct fakeif *f);          /* free all sent frames */

/* Teach the stack a peer's MAC by feeding it an ARP request from the peer
 * for our address, then discard the ARP reply it sends. */
void fakeif_learn_arp(struct fakeif *f, uint32_t peer_ip, const uint8_t peer_mac[6], uint64_t now);

/* ---- frame builders (peer side); all return the frame length ---- */
/* Ethernet header at buf; returns 14. */
size_t fb_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
/* Ethernet + IPv4 (20-byte header, valid checksum) + payload.
 * frag_off is the host-order flags|offset field. */
size_t fb_ipv4(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6],
	uint32_t src, uint32_t dst, uint8_t proto, uint16_t id, uint16_t frag_off,
	const void *payload, size_t len);
/* Ethernet + ARP (op = ARP_OP_REQUEST/REPLY), padded to 60 bytes. */
size_t fb_arp(uint8_t *buf, const uint8_t eth_dst[6], uint16_t op,
	const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa);
/* An ICMP echo (type 8 request / 0 reply) with a valid checksum; returns
 * the ICMP message length (8 + len). */
size_t fb_icmp_echo(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq,
	const void *data, size_t len);

#endif
