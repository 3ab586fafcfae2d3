/*
 * tests/host/virtio_sim.h - a simulated virtio-mmio network device and the
 * kernel services virtio_net.c needs, for tests/host/test_virtio_net.c
 * (which includes this once, after the driver itself).
 *
 * Registers are modelled per queue behind QueueSel, Status 0 resets, the
 * device may refuse FEATURES_OK, and the rings are found where the driver
 * said (QueuePFN * GuestPageSize for legacy, Desc/Driver/Device for
 * modern), as QEMU finds them.  Test code delivers RX frames and takes TX
 * chains explicitly, so every ring state can be forced.
 */
#ifndef TESTS_HOST_VIRTIO_SIM_H
#define TESTS_HOST_VIRTIO_SIM_H

/* ---- kernel services the driver uses ------------------------------------ */
static uint8_t *dma_arena;      /* below 4 GiB*4096 so a legacy PFN fits 32 bits */
static size_t dma_used;
#define DMA_ARENA_BYTES (4u << 20)

void *pmm_alloc_contig(size_t npages)
{
	size_t n = npages * 4096;
	if (dma_used + n > DMA_ARENA_BYTES)
		return NULL;
	void *p = dma_arena + dma_used;
	dma_used += n;
	memset(p, 0, n);
	return p;
}
/* The driver never frees what it set up (a device may remember those
 * addresses), so the test keeps every allocation and frees them all
 * between tests. */
static void *kallocs[256];
static unsigned nkallocs;
void *kmalloc(size_t n)
{
	if (nkallocs == 256)
		return NULL;
	return kallocs[nkallocs++] = calloc(1, n ? n : 1);
}
void kfree(void *p) { (void)p; }
static void kmalloc_release(void)
{
	while (nkallocs)
		free(kallocs[--nkallocs]);
}
noreturn void panic_at(const char *label, const char *file, int line)
{
	printf("panic: %s at %s:%d\n", label, file, line);
	abort();
}

static irq_handler_fn irq_fn;
static void *irq_arg;
static unsigned irq_gsi;
static int irq_refuse;
int irq_register_gsi(unsigned gsi, irq_handler_fn fn, void *arg)
{
	if (irq_refuse)
		return -1;
	irq_gsi = gsi;
	irq_fn = fn;
	irq_arg = arg;
	return 0;
}

static unsigned signals;
void event_signal(struct event *e) { (void)e; signals++; }

/* ---- the simulated device ------------------------------------------------ */
struct simq {
	uint32_t num_max, num, align, pfn, ready;
	uint64_t desc, drv, dev;
	uint16_t last_avail;
};

struct simdev {
	uint8_t window[VIRTIO_MMIO_WINDOW];   /* its address is the slot base */
	uint32_t magic, version, devid;
	uint64_t features, drv_features;
	uint32_t dfsel, drfsel, page_size, qsel, status, isr, cfg_gen;
	uint32_t num_max;                     /* QueueNumMax of both queues */
	uint8_t mac[6];
	int refuse_features_ok;
	struct simq q[2];
	unsigned notifies[2];
};

#define NDEV 3
static struct simdev devs[NDEV];
static unsigned ndev_slots;

static struct simdev *dev_of(volatile uint8_t *regs)
{
	for (unsigned i = 0; i < NDEV; i++)
		if (regs == devs[i].window)
			return &devs[i];
	printf("  access to an unknown window\n");
	abort();
}

unsigned platform_virtio_slots(struct virtio_mmio_slot *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < ndev_slots && n < max; i++, n++) {
		out[n].base = (uint64_t)(uintptr_t)devs[i].window;
		out[n].gsi = 5 + i;
	}
	return n;
}

static void dev_reset(struct simdev *d)
{
	d->status = 0;
	d->isr = 0;
	d->drv_features = 0;
	memset(d->q, 0, sizeof(d->q));
	d->q[0].num_max = d->q[1].num_max = d->num_max;
}

static struct simq *cur_q(struct simdev *d) { return d->qsel < 2 ? &d->q[d->qsel] : NULL; }

uint32_t sim_mmio_rd32(volatile uint8_t *regs, unsigned off)
{
	struct simdev *d = dev_of(regs);
	struct simq *q = cur_q(d);
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE: return d->magic;
	case VIRTIO_MMIO_VERSION: return d->version;
	case VIRTIO_MMIO_DEVICE_ID: return d->devid;
	case VIRTIO_MMIO_VENDOR_ID: return 0x554d4551;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return d->dfsel == 0 ? (uint32_t)d->features :
		       d->dfsel == 1 ? (uint32_t)(d->features >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? q->num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY: return q ? q->ready : 0;
	case VIRTIO_MMIO_QUEUE_PFN: return q ? q->pfn : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return d->isr;
	case VIRTIO_MMIO_STATUS: return d->status;
	case VIRTIO_MMIO_CONFIG_GENERATION: return d->cfg_gen;
	}
	printf("  read of unexpected register 0x%x\n", off);
	check_failures_++;
	return 0;
}

void sim_mmio_wr32(volatile uint8_t *regs, unsigned off, uint32_t v)
{
	struct simdev *d = dev_of(regs);
	struct simq *q = cur_q(d);
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: d->dfsel = v; return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: d->drfsel = v; return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (d->drfsel < 2) {
			d->drv_features &= ~(0xffffffffull << (32 * d->drfsel));
			d->drv_features |= (uint64_t)v << (32 * d->drfsel);
		}
		return;
	case VIRTIO_MMIO_GUEST_PAGE_SIZE: d->page_size = v; return;
	case VIRTIO_MMIO_QUEUE_SEL: d->qsel = v; return;
	case VIRTIO_MMIO_QUEUE_NOTIFY: if (v < 2) d->notifies[v]++; return;
	case VIRTIO_MMIO_INTERRUPT_ACK: d->isr &= ~v; return;
	case VIRTIO_MMIO_STATUS:
		if (v == 0) {
			dev_reset(d);
			return;
		}
		if ((v & VIRTIO_STATUS_FEATURES_OK) && d->refuse_features_ok)
			v &= ~VIRTIO_STATUS_FEATURES_OK;
		d->status = v;
		return;
	}
	if (!q) {
		printf("  queue register 0x%x with QueueSel %u\n", off, d->qsel);
		check_failures_++;
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM: q->num = v; return;
	case VIRTIO_MMIO_QUEUE_ALIGN: q->align = v; return;
	case VIRTIO_MMIO_QUEUE_PFN: q->pfn = v; return;
	case VIRTIO_MMIO_QUEUE_READY: q->ready = v; return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: q->desc = (q->desc & ~0xffffffffull) | v; return;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH: q->desc = (q->desc & 0xffffffffull) | (uint64_t)v << 32; return;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW: q->drv = (q->drv & ~0xffffffffull) | v; return;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: q->drv = (q->drv & 0xffffffffull) | (uint64_t)v << 32; return;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW: q->dev = (q->dev & ~0xffffffffull) | v; return;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: q->dev = (q->dev & 0xffffffffull) | (uint64_t)v << 32; return;
	}
	printf("  write of unexpected register 0x%x\n", off);
	check_failures_++;
}

uint8_t sim_mmio_rd8(volatile uint8_t *regs, unsigned off)
{
	struct simdev *d = dev_of(regs);
	if (off >= VIRTIO_MMIO_CONFIG && off < VIRTIO_MMIO_CONFIG + 6)
		return d->mac[off - VIRTIO_MMIO_CONFIG];
	return 0;
}

/* Where the device finds queue i's rings, from what the driver told it. */
struct rings { struct virtq_desc *desc; struct virtq_avail *avail; struct virtq_used *used; };
static struct rings dev_rings(struct simdev *d, unsigned i)
{
	struct simq *q = &d->q[i];
	struct rings r;
	if (d->version == 1) {
		uintptr_t base = (uintptr_t)q->pfn * d->page_size;
		uintptr_t used = base + 16 * q->num + 6 + 2 * q->num;
		used = (used + q->align - 1) & ~(uintptr_t)(q->align - 1);
		r.desc = (struct virtq_desc *)base;
		r.avail = (struct virtq_avail *)(base + 16 * q->num);
		r.used = (struct virtq_used *)used;
	} else {
		r.desc = (struct virtq_desc *)(uintptr_t)q->desc;
		r.avail = (struct virtq_avail *)(uintptr_t)q->drv;
		r.used = (struct virtq_used *)(uintptr_t)q->dev;
	}
	return r;
}

static unsigned dev_hdr_len(struct simdev *d)
{
	return (d->drv_features >> VIRTIO_F_VERSION_1) & 1 ? 12 : 10;
}

static void dev_interrupt(struct simdev *d, struct rings *r)
{
	if (r->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT)
		return;
	d->isr |= VIRTIO_MMIO_INT_VRING;
	if (irq_fn)
		irq_fn(irq_arg);
}

/* Posted RX buffers the device could fill right now. */
static unsigned dev_rx_avail(struct simdev *d)
{
	struct rings r = dev_rings(d, 0);
	return (uint16_t)(r.avail->idx - d->q[0].last_avail);
}

/* Deliver a frame: header + frame into the next RX buffer; report
 * `claim` bytes written (normally hdr+len; a lying device says other). */
static int dev_rx_claim(struct simdev *d, const void *frame, unsigned len, uint32_t claim)
{
	struct simq *q = &d->q[0];
	struct rings r = dev_rings(d, 0);
	if (r.avail->idx == q->last_avail)
		return -1;                  /* no buffer: a real NIC drops */
	uint16_t head = r.avail->ring[q->last_avail % q->num];
	q->last_avail++;
	struct virtq_desc *dd = &r.desc[head];
	unsigned h = dev_hdr_len(d);
	CHECK(dd->flags & VIRTQ_DESC_F_WRITE);
	CHECK(h + len <= dd->len);
	uint8_t *buf = (uint8_t *)(uintptr_t)dd->addr;
	memset(buf, 0, h);
	memcpy(buf + h, frame, len);
	r.used->ring[r.used->idx % q->num].id = head;
	r.used->ring[r.used->idx % q->num].len = claim;
	r.used->idx++;
	dev_interrupt(d, &r);
	return 0;
}

static int dev_rx(struct simdev *d, const void *frame, unsigned len)
{
	return dev_rx_claim(d, frame, len, dev_hdr_len(d) + len);
}

/* Take up to `max` TX chains; copy the frame (header stripped) of the
 * last one into out/out_len; complete them.  Returns how many. */
static unsigned dev_tx(struct simdev *d, unsigned max, uint8_t *out, unsigned *out_len)
{
	struct simq *q = &d->q[1];
	struct rings r = dev_rings(d, 1);
	unsigned n = 0, h = dev_hdr_len(d);
	while (n < max && r.avail->idx != q->last_avail) {
		uint16_t head = r.avail->ring[q->last_avail % q->num];
		q->last_avail++;
		struct virtq_desc *dd = &r.desc[head];
		CHECK(!(dd->flags & (VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT)));
		const uint8_t *buf = (const uint8_t *)(uintptr_t)dd->addr;
		for (unsigned k = 0; k < h; k++)
			CHECK_EQ(buf[k], 0);        /* no offload requested */
		if (out) {
			memcpy(out, buf + h, dd->len - h);
			*out_len = dd->len - h;
		}
		r.used->ring[r.used->idx % q->num].id = head;
		r.used->ring[r.used->idx % q->num].len = 0;
		r.used->idx++;
		n++;
	}
	if (n)
		dev_interrupt(d, &r);
	return n;
}

static const uint8_t qemu_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* Slots: [0] empty, [1] a block device, [2] the NIC. */
static struct simdev *setup(unsigned version)
{
	memset(devs, 0, sizeof(devs));
	for (unsigned i = 0; i < NDEV; i++) {
		devs[i].magic = i == 0 ? 0 : VIRTIO_MMIO_MAGIC;
		devs[i].version = version;
		devs[i].devid = i == 2 ? VIRTIO_ID_NET : i == 1 ? 2 : 0;
		devs[i].num_max = 1024;          /* QEMU's */
		dev_reset(&devs[i]);
	}
	struct simdev *d = &devs[2];
	d->features = (1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_STATUS) | 1 /* CSUM */ |
		      (version == 2 ? 1ull << VIRTIO_F_VERSION_1 : 0);
	memcpy(d->mac, qemu_mac, 6);
	ndev_slots = NDEV;
	irq_fn = NULL;
	irq_refuse = 0;
	signals = 0;
	dma_used = 0;
	kmalloc_release();
	memset(&virtio_net_stats, 0, sizeof(virtio_net_stats));
	hostsys_log_clear();
	return d;
}

/* Give back every pbuf a probed device still holds, so the pool is whole
 * for the next test. */
static void teardown(struct netif *nif)
{
	if (!nif)
		return;
	struct vnet *v = nif->drv;
	struct virtq *qs[2] = { &v->rxq, &v->txq };
	for (int k = 0; k < 2; k++)
		for (unsigned i = 0; i < qs[k]->num; i++)
			if (qs[k]->cookie[i])
				pbuf_free(qs[k]->cookie[i]);
	CHECK_EQ(pbuf_free_count(), pbuf_total());
}

static struct pbuf *frame_pbuf(unsigned len, uint8_t fill)
{
	struct pbuf *p = pbuf_alloc(NET_HEADROOM);
	uint8_t *b = pbuf_put(p, len);
	for (unsigned i = 0; i < len; i++)
		b[i] = (uint8_t)(fill + i);
	return p;
}

#endif
