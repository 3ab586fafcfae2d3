/*
 * net/netif.h - the contract between a NIC driver and the stack.
 *
 * Solo5-sized: a driver fills in a struct netif and registers it with
 * net_attach(); the stack never touches a virtqueue.  Everything is called
 * from the network task only (the driver's interrupt handler just wakes
 * that task), so none of this needs locking.
 */
#ifndef NET_NETIF_H
#define NET_NETIF_H

#include <stdint.h>
#include "pbuf.h"

enum net_result {
	NET_OK = 0,
	NET_AGAIN = 1,     /* nothing to receive / TX ring full: try later */
	NET_EINVAL = 2,    /* the request itself was wrong (e.g. frame too big) */
	NET_ENOMEM = 3,    /* no buffer (counted by whoever saw it) */
	NET_EUNREACH = 4,  /* no route / ARP gave up */
};

struct netif {
	uint8_t mac[6];
	uint16_t mtu;                 /* IP MTU, normally 1500 */
	void *drv;                    /* the driver's own state */

	/*
	 * Send one Ethernet frame.  The frame is pbuf_data(p)..+p->len; every
	 * sender allocates with NET_HEADROOM, which leaves room in front for
	 * the driver's own header (virtio-net's 12 bytes) after all others.  On NET_OK the driver owns p and frees it when the
	 * device is done with it (TX completion); on NET_AGAIN (ring full)
	 * or NET_EINVAL the caller still owns p.
	 */
	enum net_result (*output)(struct netif *nif, struct pbuf *p);

	/*
	 * Take one received frame: NET_OK with *out set (caller owns it,
	 * data starts at the Ethernet header), or NET_AGAIN when none is
	 * waiting.  The driver refills its RX ring as part of this call.
	 */
	enum net_result (*input)(struct netif *nif, struct pbuf **out);

	/* Free TX slots right now (for senders that want to stop early). */
	unsigned (*tx_space)(struct netif *nif);

	/* IPv4 configuration (host byte order), set by net_configure(). */
	uint32_t ip, netmask, gw;
};

#endif
