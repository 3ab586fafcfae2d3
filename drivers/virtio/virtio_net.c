/*
 * drivers/virtio/virtio_net.c - virtio-net over virtio-mmio.
 *
 * One receive queue (0) and one transmit queue (1), no offloads: the stack
 * computes its own checksums and sends frames no bigger than the MTU, so
 * the only feature we need is MAC (and VERSION_1 on a modern device).
 *
 * Buffers are pbufs, posted by address (memory is identity-mapped, so a
 * pointer is its physical address).  RX: every ring slot holds an empty
 * pbuf; the device writes the virtio-net header + frame into p->buf and we
 * pull the header off before the stack sees it.  TX: the stack leaves
 * headroom, we prepend the header in place and post the pbuf itself;
 * it is freed when the device hands it back on the used ring, never
 * before, whatever the time.
 *
 * Concurrency: the interrupt handler touches only the InterruptStatus/ACK
 * registers, a counter, and the network task's event.  Everything else is
 * called from the network task alone.
 */
#include "kernel/kernel.h"
#include "net/net.h"
#include "net/sys.h"
#include "virtio_net.h"
#include "virtio_mmio.h"
#include "virtq.h"

STATS_DEFINE(virtio_net, VIRTIO_NET_STATS)

#define RXQ 0
#define TXQ 1
#define LEGACY_ALIGN 4096       /* QueueAlign / GuestPageSize we program */
#define ETH_FRAME_MAX (14 + NET_MTU)

struct vnet {
	volatile uint8_t *regs;     /* the 512-byte window (identity-mapped MMIO) */
	uint64_t base;
	unsigned gsi;
	unsigned version;           /* 1 legacy, 2 modern */
	unsigned hdr_len;           /* 10 legacy, 12 modern */
	struct virtq rxq, txq;
	struct event *wake;         /* the network task's; signalled from the IRQ */
	struct netif nif;
};

/* Identity-mapped kernel: the device sees our pointers as they are. */
static inline uint64_t dma_addr(const void *p) { return (uint64_t)(uintptr_t)p; }

/*
 * Register access.  The host test (tests/host/test_virtio_net.c) compiles
 * this file with VIRTIO_MMIO_SIM and plays the device behind these three
 * calls, since a plain memory window cannot react to a write.
 */
#ifdef VIRTIO_MMIO_SIM
uint32_t sim_mmio_rd32(volatile uint8_t *regs, unsigned off);
void sim_mmio_wr32(volatile uint8_t *regs, unsigned off, uint32_t v);
uint8_t sim_mmio_rd8(volatile uint8_t *regs, unsigned off);
#define MMIO_RD32(r, off) sim_mmio_rd32((r), (off))
#define MMIO_WR32(r, off, v) sim_mmio_wr32((r), (off), (v))
#define MMIO_RD8(r, off) sim_mmio_rd8((r), (off))
#else
#define MMIO_RD32(r, off) (*(volatile uint32_t *)((r) + (off)))
#define MMIO_WR32(r, off, v) (*(volatile uint32_t *)((r) + (off)) = (v))
#define MMIO_RD8(r, off) (*(volatile uint8_t *)((r) + (off)))
#endif

static inline uint32_t rd32(struct vnet *d, unsigned off) { return MMIO_RD32(d->regs, off); }
static inline void wr32(struct vnet *d, unsigned off, uint32_t v) { MMIO_WR32(d->regs, off, v); }
static inline uint8_t rd8(struct vnet *d, unsigned off) { return MMIO_RD8(d->regs, off); }

static void notify(struct vnet *d, unsigned q)
{
	wr32(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* ---- interrupt ------------------------------------------------------- */

/*
 * Level-triggered: the line stays up until InterruptACK clears the bits we
 * saw.  No ring work here; the network task drains both rings when it
 * wakes (and a used-ring update that races with the ACK raises the line
 * again, so nothing is lost).
 */
static void vnet_irq(void *arg)
{
	struct vnet *d = arg;
	uint32_t st = rd32(d, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (!st) {
		STAT_INC(virtio_net, irq_spurious);
		return;
	}
	wr32(d, VIRTIO_MMIO_INTERRUPT_ACK, st);
	STAT_INC(virtio_net, irqs);
	if (st & VIRTIO_MMIO_INT_CONFIG)
		STAT_INC(virtio_net, irq_config);
	event_signal(d->wake);
}

/* ---- rings ------------------------------------------------------------- */

/* Give every free RX slot an empty pbuf.  Running out of pbufs is not an
 * error: the ring runs shorter until the stack frees some, and the next
 * call tries again. */
static void rx_refill(struct vnet *d)
{
	while (virtq_free(&d->rxq) > 0) {
		struct pbuf *p = pbuf_alloc(0);
		if (!p) {
			STAT_INC(virtio_net, rx_refill_fail);
			break;
		}
		struct virtq_seg seg = { dma_addr(p->buf), PBUF_BUFSZ };
		if (virtq_add(&d->rxq, &seg, 0, 1, p) < 0) {
			pbuf_free(p);       /* cannot happen: we checked free > 0 */
			break;
		}
	}
	if (virtq_kick_needed(&d->rxq)) {
		STAT_INC(virtio_net, kicks_rx);
		notify(d, RXQ);
	}
}

/*
 * Free every pbuf the device has finished sending.
 *
 * TX completions normally raise no interrupt: we reclaim whenever the
 * stack sends or polls anyway.  Only a full ring asks for one (see
 * vnet_output), because then the stack waits for space; once something
 * is reclaimed the interrupt is switched off again.
 */
static void tx_reclaim(struct vnet *d)
{
	struct pbuf *p;
	int bad = 0, got = 0;
	while ((p = virtq_get_used(&d->txq, NULL, &bad)) != NULL) {
		STAT_INC(virtio_net, tx_done);
		pbuf_free(p);
		got = 1;
	}
	if (bad)
		STAT_INC(virtio_net, bad_used);
	if (got)
		virtq_disable_intr(&d->txq);
}

/* ---- netif ops ---------------------------------------------------------- */

static enum net_result vnet_output(struct netif *nif, struct pbuf *p)
{
	struct vnet *d = nif->drv;
	tx_reclaim(d);
	if (p->len > ETH_FRAME_MAX) {
		STAT_INC(virtio_net, tx_too_big);
		return NET_EINVAL;
	}
	if (virtq_free(&d->txq) == 0) {
		/* Ask to be woken when a slot frees, then look once more: a
		 * completion between the reclaim above and the enable would
		 * otherwise raise no interrupt and the stack would wait for
		 * its next deadline. */
		virtq_enable_intr(&d->txq);
		tx_reclaim(d);
		if (virtq_free(&d->txq) == 0) {
			STAT_INC(virtio_net, tx_ring_full);
			return NET_AGAIN;
		}
	}
	uint16_t frame_len = p->len;
	uint8_t *h = pbuf_push(p, d->hdr_len);
	if (!h) {
		STAT_INC(virtio_net, tx_no_headroom);
		return NET_EINVAL;
	}
	memset(h, 0, d->hdr_len);   /* no offloads, no GSO */
	struct virtq_seg seg = { dma_addr(h), p->len };
	if (virtq_add(&d->txq, &seg, 1, 0, p) < 0) {
		pbuf_pull(p, d->hdr_len);   /* give it back unchanged */
		STAT_INC(virtio_net, tx_ring_full);
		return NET_AGAIN;
	}
	STAT_INC(virtio_net, tx_frames);
	STAT_ADD(virtio_net, tx_bytes, frame_len);
	if (virtq_kick_needed(&d->txq)) {
		STAT_INC(virtio_net, kicks_tx);
		notify(d, TXQ);
	}
	return NET_OK;
}

static enum net_result vnet_input(struct netif *nif, struct pbuf **out)
{
	struct vnet *d = nif->drv;
	tx_reclaim(d);
	for (;;) {
		uint32_t len = 0;
		int bad = 0;
		struct pbuf *p = virtq_get_used(&d->rxq, &len, &bad);
		if (bad)
			STAT_INC(virtio_net, bad_used);
		if (!p) {
			/* End of a batch: top the ring up once, one kick, and
			 * let the device interrupt again.  A frame that landed
			 * before the enable took effect raised no interrupt, so
			 * look once more before telling the stack to sleep. */
			rx_refill(d);
			virtq_enable_intr(&d->rxq);
			if (virtq_has_used(&d->rxq))
				continue;
			return NET_AGAIN;
		}
		/*
		 * While frames are coming in, the task is awake and draining:
		 * further interrupts would only cost VM exits (NAPI's idea).
		 * If net_poll stops on its budget before we return NET_AGAIN,
		 * net_next_deadline() is `now`, so the ring is polled again
		 * without an interrupt.
		 */
		virtq_disable_intr(&d->rxq);
		/* Refill in the middle of a long burst too, so the device
		 * never runs dry while the stack works through a backlog. */
		if (virtq_free(&d->rxq) >= d->rxq.num / 2)
			rx_refill(d);
		if (len > PBUF_BUFSZ) {
			STAT_INC(virtio_net, rx_too_long);
			pbuf_free(p);
			continue;
		}
		if (len < d->hdr_len + 14) {
			STAT_INC(virtio_net, rx_short);
			pbuf_free(p);
			continue;
		}
		p->off = 0;
		p->len = (uint16_t)len;
		pbuf_pull(p, d->hdr_len);
		STAT_INC(virtio_net, rx_frames);
		STAT_ADD(virtio_net, rx_bytes, p->len);
		*out = p;
		return NET_OK;
	}
}

static unsigned vnet_tx_space(struct netif *nif)
{
	struct vnet *d = nif->drv;
	tx_reclaim(d);
	return virtq_free(&d->txq);
}

int virtio_net_rx_starved(struct netif *nif)
{
	struct vnet *d = nif->drv;
	rx_refill(d);
	if (virtq_in_flight(&d->rxq) >= d->rxq.num / 4u)
		return 0;
	STAT_INC(virtio_net, rx_starved);
	return 1;
}

/* ---- initialisation (virtio 1.x section 3.1.1, numbered as there) ---- */

static unsigned pow2_floor(unsigned n)
{
	unsigned p = 1;
	while (p * 2 <= n && p * 2 != 0)
		p *= 2;
	return n ? p : 0;
}

/* Step 7 for one queue: size it, give it memory, tell the device where. */
static int queue_setup(struct vnet *d, unsigned q, struct virtq *vq, unsigned want)
{
	wr32(d, VIRTIO_MMIO_QUEUE_SEL, q);
	if (d->version == 2 && rd32(d, VIRTIO_MMIO_QUEUE_READY) != 0) {
		net_log("virtio-net: queue %u already live\n", q);
		return -1;
	}
	unsigned max = rd32(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	unsigned num = pow2_floor(max < want ? max : want);
	if (num == 0) {
		net_log("virtio-net: queue %u not available\n", q);
		return -1;
	}
	size_t bytes = virtq_ring_bytes(num, LEGACY_ALIGN);
	void *mem = pmm_alloc_contig(ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE);
	void **cookies = kmalloc(num * sizeof(void *));
	if (!mem || !cookies) {
		net_log("virtio-net: no memory for queue %u\n", q);
		return -1;
	}
	if (virtq_init(vq, num, mem, LEGACY_ALIGN, cookies) < 0)
		panic("virtio-net: virtq_init refused a power of two");
	wr32(d, VIRTIO_MMIO_QUEUE_NUM, num);
	if (d->version == 1) {
		/* Legacy: one page frame number; the device derives avail and
		 * used from QueueAlign, which is why virtq uses that layout. */
		wr32(d, VIRTIO_MMIO_QUEUE_ALIGN, LEGACY_ALIGN);
		wr32(d, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(dma_addr(mem) / LEGACY_ALIGN));
	} else {
		uint64_t a = dma_addr(virtq_desc_ptr(vq));
		wr32(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)a);
		wr32(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(a >> 32));
		a = dma_addr(virtq_avail_ptr(vq));
		wr32(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)a);
		wr32(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(a >> 32));
		a = dma_addr(virtq_used_ptr(vq));
		wr32(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)a);
		wr32(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(a >> 32));
		wr32(d, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	return 0;
}

static void read_mac(struct vnet *d, uint8_t mac[6])
{
	/* Modern config space can change under us; the generation counter
	 * says whether a multi-byte read was torn.  Bounded retries. */
	for (int tries = 0; tries < 4; tries++) {
		uint32_t gen = d->version == 2 ? rd32(d, VIRTIO_MMIO_CONFIG_GENERATION) : 0;
		for (int i = 0; i < 6; i++)
			mac[i] = rd8(d, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_MAC + i);
		if (d->version == 1 || rd32(d, VIRTIO_MMIO_CONFIG_GENERATION) == gen)
			return;
	}
}

static void set_status(struct vnet *d, uint32_t bits)
{
	wr32(d, VIRTIO_MMIO_STATUS, rd32(d, VIRTIO_MMIO_STATUS) | bits);
}

static int vnet_init(struct vnet *d)
{
	/* 1. Reset the device. */
	wr32(d, VIRTIO_MMIO_STATUS, 0);
	if (rd32(d, VIRTIO_MMIO_STATUS) != 0) {
		net_log("virtio-net: device did not reset\n");
		return -1;
	}
	/* 2. We have noticed it.  3. We know how to drive it. */
	set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	set_status(d, VIRTIO_STATUS_DRIVER);

	/* 4. Read its features, write the subset we understand. */
	wr32(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t have = rd32(d, VIRTIO_MMIO_DEVICE_FEATURES);
	if (d->version == 2) {
		wr32(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
		have |= (uint64_t)rd32(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	}
	uint64_t want = 1ull << VIRTIO_NET_F_MAC;
	if (d->version == 2) {
		if (!(have & (1ull << VIRTIO_F_VERSION_1))) {
			net_log("virtio-net: modern transport without VERSION_1\n");
			goto failed;
		}
		want |= 1ull << VIRTIO_F_VERSION_1;
	}
	uint64_t use = have & want;
	wr32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr32(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)use);
	if (d->version == 2) {
		wr32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
		wr32(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(use >> 32));
		/* 5. No more feature changes.  6. Did the device accept them? */
		set_status(d, VIRTIO_STATUS_FEATURES_OK);
		if (!(rd32(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
			net_log("virtio-net: device refused our features\n");
			goto failed;
		}
	} else {
		/* Legacy has no FEATURES_OK; it learns the page size instead. */
		wr32(d, VIRTIO_MMIO_GUEST_PAGE_SIZE, LEGACY_ALIGN);
	}
	d->hdr_len = d->version == 2 ? VIRTIO_NET_HDR_LEN_MODERN : VIRTIO_NET_HDR_LEN_LEGACY;

	/* 7. Device-specific setup: the two queues, the MAC, the interrupt. */
	if (queue_setup(d, RXQ, &d->rxq, VIRTIO_NET_RX_QSIZE) < 0 ||
	    queue_setup(d, TXQ, &d->txq, VIRTIO_NET_TX_QSIZE) < 0)
		goto failed;
	if (use & (1ull << VIRTIO_NET_F_MAC)) {
		read_mac(d, d->nif.mac);
	} else {
		/* No MAC from the device: a random locally administered one. */
		uint32_t r = net_random32(), s = net_random32();
		uint8_t m[6] = { 0x02, (uint8_t)r, (uint8_t)(r >> 8), (uint8_t)(r >> 16),
				 (uint8_t)(r >> 24), (uint8_t)s };
		memcpy(d->nif.mac, m, 6);
	}
	if (irq_register_gsi(d->gsi, vnet_irq, d) < 0) {
		net_log("virtio-net: no IOAPIC serves GSI %u\n", d->gsi);
		goto failed;
	}

	/* 8. Live.  Then give the device somewhere to put frames. */
	virtq_disable_intr(&d->txq);    /* TX completions are polled (tx_reclaim) */
	set_status(d, VIRTIO_STATUS_DRIVER_OK);
	rx_refill(d);
	return 0;

failed:
	set_status(d, VIRTIO_STATUS_FAILED);
	return -1;
}

struct netif *virtio_net_probe(struct event *wake)
{
	struct virtio_mmio_slot slots[32];
	unsigned n = platform_virtio_slots(slots, 32);
	stats_register(&virtio_net_stat_group);

	for (unsigned i = 0; i < n; i++) {
		volatile uint8_t *regs = (volatile uint8_t *)(uintptr_t)slots[i].base;
		if (MMIO_RD32(regs, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
			continue;
		if (MMIO_RD32(regs, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_NET)
			continue;
		uint32_t version = MMIO_RD32(regs, VIRTIO_MMIO_VERSION);
		if (version != 1 && version != 2) {
			net_log("virtio-net: mmio 0x%llx: unknown version %u, skipped\n",
				(unsigned long long)slots[i].base, (unsigned)version);
			continue;
		}
		struct vnet *d = kmalloc(sizeof(*d));
		if (!d) {
			net_log("virtio-net: out of memory\n");
			return NULL;
		}
		memset(d, 0, sizeof(*d));
		d->regs = regs;
		d->base = slots[i].base;
		d->gsi = slots[i].gsi;
		d->version = version;
		d->wake = wake;
		d->nif.drv = d;
		d->nif.mtu = NET_MTU;
		d->nif.output = vnet_output;
		d->nif.input = vnet_input;
		d->nif.tx_space = vnet_tx_space;
		if (vnet_init(d) < 0) {
			/* The queue memory stays with the failed device: it may
			 * already know the addresses, so it is never reused. */
			continue;
		}
		const uint8_t *m = d->nif.mac;
		net_log("virtio-net: mmio 0x%llx v%u irq %u mac %02x:%02x:%02x:%02x:%02x:%02x"
			" rxq %u txq %u\n", (unsigned long long)d->base, d->version, d->gsi,
			m[0], m[1], m[2], m[3], m[4], m[5], d->rxq.num, d->txq.num);
		return &d->nif;
	}
	net_log("virtio-net: no device found in %u slots\n", n);
	return NULL;
}
