/*
 * tests/host/test_virtio_net.c - the virtio-net driver against a simulated
 * virtio-mmio device.
 *
 * The driver is compiled into this test with VIRTIO_MMIO_SIM, which routes
 * its register accesses to sim_mmio_rd32/wr32/rd8 (virtio_sim.h): the simulated
 * device keeps per-queue registers behind QueueSel, resets on Status 0,
 * can refuse FEATURES_OK, and finds the rings where the driver said
 * (QueuePFN for legacy, Desc/Driver/Device for modern), exactly as QEMU
 * does.  Frames are delivered into the RX ring and TX chains taken off the
 * TX ring by test code, so every path (ring full, lying lengths, pool
 * exhaustion, interrupt suppression) can be forced.
 */
#define VIRTIO_MMIO_SIM 1
#include <stdlib.h>
#include <sys/mman.h>
#include "check.h"
#include "support/hostsys.h"
#include "drivers/virtio/virtio_net.c"
#include "virtio_sim.h"

/* ---- tests ------------------------------------------------------------- */

static void test_probe_legacy(void)
{
	struct simdev *d = setup(1);
	struct netif *nif = virtio_net_probe(NULL);
	CHECK(nif != NULL);
	if (!nif)
		return;
	CHECK(!memcmp(nif->mac, qemu_mac, 6));
	CHECK_EQ(nif->mtu, 1500);
	CHECK_EQ(d->status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(d->drv_features, 1ull << VIRTIO_NET_F_MAC);   /* nothing we don't use */
	CHECK_EQ(d->page_size, 4096);
	CHECK_EQ(d->q[0].num, VIRTIO_NET_RX_QSIZE);          /* min(1024, ours) */
	CHECK_EQ(d->q[1].num, VIRTIO_NET_TX_QSIZE);
	CHECK(VIRTIO_NET_TX_QSIZE > VIRTIO_NET_RX_QSIZE);    /* the sizes differ per queue */
	CHECK_EQ(d->q[0].align, 4096);
	CHECK(d->q[0].pfn != 0 && d->q[1].pfn != 0 && d->q[0].pfn != d->q[1].pfn);
	CHECK_EQ(irq_gsi, 5 + 2);
	CHECK_EQ(dev_rx_avail(d), 256);                      /* RX ring full */
	CHECK(d->notifies[0] >= 1);
	CHECK_EQ(((struct vnet *)nif->drv)->hdr_len, 10);
	char want[128];
	snprintf(want, sizeof want, "virtio-net: mmio 0x%llx v1 irq 7 mac 52:54:00:12:34:56 rxq 256 txq 512\n",
		 (unsigned long long)(uintptr_t)d->window);
	CHECK(hostsys_log_contains(want));
	teardown(nif);
}

static void test_probe_modern(void)
{
	struct simdev *d = setup(2);
	struct netif *nif = virtio_net_probe(NULL);
	CHECK(nif != NULL);
	if (!nif)
		return;
	CHECK_EQ(d->status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(d->drv_features, (1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_F_VERSION_1));
	CHECK_EQ(d->q[0].ready, 1);
	CHECK_EQ(d->q[1].ready, 1);
	CHECK(d->q[0].desc && d->q[0].drv && d->q[0].dev);
	CHECK_EQ(d->q[0].pfn, 0);
	CHECK_EQ(((struct vnet *)nif->drv)->hdr_len, 12);
	CHECK_EQ(dev_rx_avail(d), 256);
	CHECK(hostsys_log_contains(" v2 irq 7 mac 52:54:00:12:34:56 rxq 256 txq 512\n"));
	teardown(nif);
}

static void test_queue_size(void)
{
	unsigned maxes[3] = { 64, 200, 1 }, want[3] = { 64, 128, 1 };
	for (int i = 0; i < 3; i++) {
		struct simdev *d = setup(1);
		d->num_max = maxes[i];           /* what QueueNumMax says after reset */
		struct netif *nif = virtio_net_probe(NULL);
		CHECK(nif != NULL);
		CHECK_EQ(d->q[0].num, want[i]);
		CHECK_EQ(d->q[1].num, want[i]);
		CHECK_EQ(dev_rx_avail(d), want[i]);
		teardown(nif);
	}
	/* A queue the device does not have (QueueNumMax 0): refused. */
	struct simdev *d = setup(1);
	d->num_max = 0;
	CHECK(virtio_net_probe(NULL) == NULL);
	CHECK(hostsys_log_contains("queue 0 not available"));
}

static void test_probe_failures(void)
{
	/* No net device at all. */
	struct simdev *d = setup(1);
	d->devid = 2;
	CHECK(virtio_net_probe(NULL) == NULL);
	CHECK(hostsys_log_contains("virtio-net: no device found in 3 slots"));

	/* Modern transport without VERSION_1: refuse, mark FAILED. */
	d = setup(2);
	d->features &= ~(1ull << VIRTIO_F_VERSION_1);
	CHECK(virtio_net_probe(NULL) == NULL);
	CHECK(d->status & VIRTIO_STATUS_FAILED);

	/* Device clears FEATURES_OK. */
	d = setup(2);
	d->refuse_features_ok = 1;
	CHECK(virtio_net_probe(NULL) == NULL);
	CHECK(d->status & VIRTIO_STATUS_FAILED);
	CHECK(hostsys_log_contains("refused our features"));

	/* Unknown version: skipped. */
	d = setup(3);
	CHECK(virtio_net_probe(NULL) == NULL);
	CHECK(hostsys_log_contains("unknown version 3"));

	/* No IOAPIC for the line. */
	d = setup(1);
	irq_refuse = 1;
	CHECK(virtio_net_probe(NULL) == NULL);
	CHECK(d->status & VIRTIO_STATUS_FAILED);
	/* The failed device's RX ring was never filled: no pbufs leaked. */
	CHECK_EQ(pbuf_free_count(), pbuf_total());

	/* No MAC feature: a locally administered unicast address. */
	d = setup(1);
	d->features &= ~(1ull << VIRTIO_NET_F_MAC);
	struct netif *nif = virtio_net_probe(NULL);
	CHECK(nif != NULL);
	if (nif) {
		CHECK_EQ(nif->mac[0] & 3, 2);
		teardown(nif);
	}
}

static void rx_roundtrip(unsigned version)
{
	struct simdev *d = setup(version);
	struct netif *nif = virtio_net_probe(NULL);
	if (!nif) {
		CHECK(nif != NULL);
		return;
	}
	uint8_t f[1514];
	for (unsigned i = 0; i < sizeof f; i++)
		f[i] = (uint8_t)(i * 7);
	struct pbuf *p = NULL;
	CHECK_EQ(nif->input(nif, &p), NET_AGAIN);
	unsigned sizes[3] = { 14, 60, 1514 };
	for (int k = 0; k < 3; k++)
		CHECK_EQ(dev_rx(d, f, sizes[k]), 0);
	CHECK_EQ(signals, 3);                /* interrupts were on: each woke the task */
	CHECK_EQ(d->isr, 0);                 /* and each was acknowledged */
	for (int k = 0; k < 3; k++) {
		p = NULL;
		CHECK_EQ(nif->input(nif, &p), NET_OK);
		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK_EQ(p->len, sizes[k]);
		CHECK(!memcmp(pbuf_data(p), f, sizes[k]));
		pbuf_free(p);
	}
	CHECK_EQ(nif->input(nif, &p), NET_AGAIN);
	CHECK_EQ(dev_rx_avail(d), 256);      /* refilled */
	CHECK_EQ(virtio_net_stats.rx_frames, 3);
	CHECK_EQ(virtio_net_stats.rx_bytes, 14 + 60 + 1514);
	teardown(nif);
}
static void test_rx_legacy(void) { rx_roundtrip(1); }
static void test_rx_modern(void) { rx_roundtrip(2); }

static void test_rx_bad_lengths(void)
{
	struct simdev *d = setup(1);
	struct netif *nif = virtio_net_probe(NULL);
	if (!nif) {
		CHECK(nif != NULL);
		return;
	}
	uint8_t f[64] = { 0 };
	dev_rx_claim(d, f, 13, 10 + 13);                 /* shorter than Ethernet */
	dev_rx_claim(d, f, 0, 4);                        /* shorter than the header */
	dev_rx_claim(d, f, 60, PBUF_BUFSZ + 1);          /* device claims too much */
	dev_rx_claim(d, f, 60, 0xffffffffu);
	dev_rx(d, f, 60);                                /* and one good frame */
	struct pbuf *p = NULL;
	CHECK_EQ(nif->input(nif, &p), NET_OK);
	CHECK(p && p->len == 60);
	pbuf_free(p);
	CHECK_EQ(nif->input(nif, &p), NET_AGAIN);
	CHECK_EQ(virtio_net_stats.rx_short, 2);
	CHECK_EQ(virtio_net_stats.rx_too_long, 2);
	CHECK_EQ(virtio_net_stats.rx_frames, 1);
	CHECK_EQ(dev_rx_avail(d), 256);
	teardown(nif);
}

/* While the task drains, RX interrupts are off; when the ring is empty
 * they are back on. */
static void test_rx_interrupt_suppression(void)
{
	struct simdev *d = setup(1);
	struct netif *nif = virtio_net_probe(NULL);
	if (!nif) {
		CHECK(nif != NULL);
		return;
	}
	uint8_t f[60] = { 1 };
	dev_rx(d, f, 60);
	CHECK_EQ(signals, 1);
	struct pbuf *p;
	CHECK_EQ(nif->input(nif, &p), NET_OK);
	pbuf_free(p);
	dev_rx(d, f, 60);                    /* arrives while draining */
	dev_rx(d, f, 60);
	CHECK_EQ(signals, 1);                /* no interrupt for those */
	CHECK_EQ(nif->input(nif, &p), NET_OK);
	pbuf_free(p);
	CHECK_EQ(nif->input(nif, &p), NET_OK);
	pbuf_free(p);
	CHECK_EQ(nif->input(nif, &p), NET_AGAIN);
	dev_rx(d, f, 60);                    /* idle again: interrupts */
	CHECK_EQ(signals, 2);
	CHECK_EQ(nif->input(nif, &p), NET_OK);
	pbuf_free(p);
	CHECK_EQ(nif->input(nif, &p), NET_AGAIN);
	teardown(nif);
}

/* The pool runs dry: the ring shrinks and refill failures are counted,
 * then it recovers once buffers come back. */
static void test_rx_pool_exhaustion(void)
{
	struct simdev *d = setup(1);
	struct netif *nif = virtio_net_probe(NULL);
	if (!nif) {
		CHECK(nif != NULL);
		return;
	}
	static struct pbuf *held[PBUF_COUNT];
	unsigned nheld = 0;
	struct pbuf *p;
	while ((p = pbuf_alloc(0)) != NULL)
		held[nheld++] = p;
	uint8_t f[60] = { 2 };
	for (int i = 0; i < 10; i++)
		CHECK_EQ(dev_rx(d, f, 60), 0);
	for (int i = 0; i < 10; i++) {
		CHECK_EQ(nif->input(nif, &p), NET_OK);
		held[nheld++] = p;               /* the stack holds on to them */
	}
	CHECK_EQ(nif->input(nif, &p), NET_AGAIN);
	CHECK(virtio_net_stats.rx_refill_fail >= 1);
	CHECK_EQ(dev_rx_avail(d), 246);
	CHECK_EQ(virtio_net_rx_starved(nif), 0);     /* short, not starved */
	/* Deliver until the ring is nearly empty: now it is starved. */
	for (int i = 0; i < 246 - 10; i++) {
		CHECK_EQ(dev_rx(d, f, 60), 0);
		CHECK_EQ(nif->input(nif, &p), NET_OK);
		held[nheld++] = p;
	}
	CHECK_EQ(dev_rx_avail(d), 10);
	CHECK_EQ(virtio_net_rx_starved(nif), 1);
	CHECK_EQ(virtio_net_stats.rx_starved, 1);
	while (nheld)
		pbuf_free(held[--nheld]);
	CHECK_EQ(virtio_net_rx_starved(nif), 0);     /* refilled */
	CHECK_EQ(nif->input(nif, &p), NET_AGAIN);
	CHECK_EQ(dev_rx_avail(d), 256);
	teardown(nif);
}

static void tx_roundtrip(unsigned version)
{
	struct simdev *d = setup(version);
	struct netif *nif = virtio_net_probe(NULL);
	if (!nif) {
		CHECK(nif != NULL);
		return;
	}
	unsigned base_free = pbuf_free_count();
	struct pbuf *p = frame_pbuf(60, 0x40);
	CHECK_EQ(nif->output(nif, p), NET_OK);
	CHECK_EQ(d->notifies[1], 1);
	CHECK_EQ(pbuf_free_count(), base_free - 1);  /* device owns it now */
	uint8_t out[2048];
	unsigned out_len = 0;
	CHECK_EQ(dev_tx(d, 10, out, &out_len), 1);
	CHECK_EQ(out_len, 60);
	CHECK_EQ(out[0], 0x40);
	CHECK_EQ(out[59], (uint8_t)(0x40 + 59));
	CHECK_EQ(signals, 0);                /* TX completions raise no interrupt */
	CHECK_EQ(nif->tx_space(nif), VIRTIO_NET_TX_QSIZE);   /* reclaimed */
	CHECK_EQ(pbuf_free_count(), base_free);
	CHECK_EQ(virtio_net_stats.tx_frames, 1);
	CHECK_EQ(virtio_net_stats.tx_bytes, 60);
	CHECK_EQ(virtio_net_stats.tx_done, 1);

	/* Too big, or no room for our header: refused, caller keeps p. */
	p = frame_pbuf(1515, 0);
	CHECK_EQ(nif->output(nif, p), NET_EINVAL);
	pbuf_free(p);
	p = pbuf_alloc(4);
	pbuf_put(p, 60);
	CHECK_EQ(nif->output(nif, p), NET_EINVAL);
	CHECK_EQ(p->off, 4);
	pbuf_free(p);
	CHECK_EQ(virtio_net_stats.tx_too_big, 1);
	CHECK_EQ(virtio_net_stats.tx_no_headroom, 1);
	teardown(nif);
}
static void test_tx_legacy(void) { tx_roundtrip(1); }
static void test_tx_modern(void) { tx_roundtrip(2); }

/* A full TX ring answers NET_AGAIN (caller keeps an unchanged pbuf),
 * asks for an interrupt, and the completion wakes the task. */
static void test_tx_ring_full(void)
{
	struct simdev *d = setup(2);
	struct netif *nif = virtio_net_probe(NULL);
	if (!nif) {
		CHECK(nif != NULL);
		return;
	}
	for (int i = 0; i < VIRTIO_NET_TX_QSIZE; i++) {
		struct pbuf *p = frame_pbuf(100, (uint8_t)i);
		CHECK_EQ(nif->output(nif, p), NET_OK);
	}
	CHECK_EQ(nif->tx_space(nif), 0);
	struct pbuf *p = frame_pbuf(100, 7);
	uint16_t off = p->off, len = p->len;
	CHECK_EQ(nif->output(nif, p), NET_AGAIN);
	CHECK_EQ(p->off, off);
	CHECK_EQ(p->len, len);
	CHECK_EQ(virtio_net_stats.tx_ring_full, 1);
	CHECK_EQ(signals, 0);
	CHECK_EQ(dev_tx(d, 1, NULL, NULL), 1);
	CHECK_EQ(signals, 1);                /* the wait for space is woken */
	CHECK_EQ(nif->output(nif, p), NET_OK);
	/* After reclaiming, TX interrupts are off again. */
	CHECK_EQ(dev_tx(d, 2000, NULL, NULL), VIRTIO_NET_TX_QSIZE);
	CHECK_EQ(signals, 1);
	CHECK_EQ(nif->tx_space(nif), VIRTIO_NET_TX_QSIZE);
	CHECK_EQ(virtio_net_stats.tx_done, VIRTIO_NET_TX_QSIZE + 1);
	teardown(nif);
}

/* Many frames in flight across index wraparound: 70 000 sends with the
 * device completing in batches. */
static void test_tx_many(void)
{
	struct simdev *d = setup(1);
	struct netif *nif = virtio_net_probe(NULL);
	if (!nif) {
		CHECK(nif != NULL);
		return;
	}
	unsigned sent = 0, again = 0;
	while (sent < 70000) {
		struct pbuf *p = frame_pbuf(60, (uint8_t)sent);
		if (nif->output(nif, p) == NET_OK) {
			sent++;
		} else {
			pbuf_free(p);
			again++;
			dev_tx(d, 100, NULL, NULL);
		}
		if (check_failures_)
			break;
	}
	dev_tx(d, 1000, NULL, NULL);
	CHECK_EQ(nif->tx_space(nif), VIRTIO_NET_TX_QSIZE);
	CHECK_EQ(virtio_net_stats.tx_done, 70000);
	CHECK(again > 0);
	teardown(nif);
}

static void test_irq(void)
{
	struct simdev *d = setup(1);
	struct netif *nif = virtio_net_probe(NULL);
	if (!nif) {
		CHECK(nif != NULL);
		return;
	}
	irq_fn(irq_arg);                     /* line shared or raced: nothing pending */
	CHECK_EQ(virtio_net_stats.irq_spurious, 1);
	CHECK_EQ(signals, 0);
	d->isr = VIRTIO_MMIO_INT_CONFIG;
	irq_fn(irq_arg);
	CHECK_EQ(virtio_net_stats.irq_config, 1);
	CHECK_EQ(d->isr, 0);
	CHECK_EQ(signals, 1);
	teardown(nif);
}

int main(void)
{
	dma_arena = mmap((void *)0x40000000, DMA_ARENA_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (dma_arena == MAP_FAILED) {
		printf("FAIL test_virtio_net: cannot map the DMA arena\n");
		return 1;
	}
	hostsys_log_capture(1);
	RUN(test_probe_legacy);
	RUN(test_probe_modern);
	RUN(test_queue_size);
	RUN(test_probe_failures);
	RUN(test_rx_legacy);
	RUN(test_rx_modern);
	RUN(test_rx_bad_lengths);
	RUN(test_rx_interrupt_suppression);
	RUN(test_rx_pool_exhaustion);
	RUN(test_tx_legacy);
	RUN(test_tx_modern);
	RUN(test_tx_ring_full);
	RUN(test_tx_many);
	RUN(test_irq);
	kmalloc_release();
	return check_done();
}
