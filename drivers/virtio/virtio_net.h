/*
 * drivers/virtio/virtio_net.h - the virtio-net driver (virtio-mmio
 * transport, legacy and modern), as the kernel's network task sees it.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_NET_H
#define DRIVERS_VIRTIO_VIRTIO_NET_H

#include "net/netif.h"
#include "net/stats.h"

struct event;

/*
 * Ring sizes asked for: min(QueueNumMax, this), rounded down to a power of
 * two.  Every RX slot holds a pbuf at all times; a TX slot holds one only
 * while the device sends it.  The TX ring is the bigger one: on a tap
 * device the receiver's window is larger than 256 frames, and with a
 * 256-slot ring the sender stopped on a full ring thousands of times per
 * 50 MiB and waited for QEMU to drain it (measured: 512 slots cut those
 * stops 4-10x and took a 10 MiB download on tap from a median of ~122 to
 * ~145 MB/s on a busy host).  Together they must leave the
 * stack a quarter of the pool (PBUF_COUNT) for everything else; when the
 * pool runs dry anyway, TCP retries (tcp.out_nomem) and the RX ring runs
 * short until refilled (virtio_net.rx_refill_fail, rx_starved).
 */
#ifndef VIRTIO_NET_RX_QSIZE
#define VIRTIO_NET_RX_QSIZE 256
#endif
#ifndef VIRTIO_NET_TX_QSIZE
#define VIRTIO_NET_TX_QSIZE 512
#endif
_Static_assert(VIRTIO_NET_RX_QSIZE + VIRTIO_NET_TX_QSIZE <= PBUF_COUNT * 3 / 4,
	       "rings would starve the pbuf pool");

/* Every counter the driver keeps; shows up as `net: stats virtio_net ...`. */
#define VIRTIO_NET_STATS(X) \
	X(rx_frames) X(rx_bytes) X(tx_frames) X(tx_bytes) X(tx_done) \
	X(tx_ring_full) X(tx_too_big) X(tx_no_headroom) \
	X(rx_refill_fail) X(rx_short) X(rx_too_long) X(bad_used) \
	X(rx_starved) X(irqs) X(irq_spurious) X(irq_config) X(kicks_rx) X(kicks_tx)
STATS_DECLARE(virtio_net, VIRTIO_NET_STATS)

/*
 * Probe every virtio-mmio slot the platform knows for a network device,
 * bring the first one up (RX ring full, interrupt routed to `wake`) and
 * return its netif, ready for net_attach().  NULL if there is none or it
 * would not initialise (the reason is logged).  Call from the network
 * task, which then owns the netif exclusively.
 */
struct netif *virtio_net_probe(struct event *wake);

/*
 * After a poll: top the RX ring up and say whether it is still short
 * (under a quarter posted: the pbuf pool ran dry).  A short ring cannot
 * wake the task by itself, since the device has nowhere to put a frame,
 * so the caller then polls again after VIRTIO_NET_STARVED_RETRY_MS.
 */
int virtio_net_rx_starved(struct netif *nif);
#ifndef VIRTIO_NET_STARVED_RETRY_MS
#define VIRTIO_NET_STARVED_RETRY_MS 10
#endif

#endif
