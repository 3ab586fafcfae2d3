/*
 * drivers/virtio/virtq.c - the split virtqueue, driver side.
 *
 * See virtq.h for the model.  The device runs concurrently with us (in
 * QEMU, on another thread or at the next MMIO exit), so every access to
 * a field the device also touches is volatile and ordered by one of the
 * three barriers below, each named after the ordering it buys.
 */
#include "virtq.h"

/*
 * Barriers.  On x86 (TSO) stores are not reordered with stores and loads
 * not with loads, so the first two only stop the compiler; the third is
 * the one real fence (store->load ordering needs mfence on x86 too).
 * Written with C11 fences so the intent survives a port.
 */
/* Descriptor + avail->ring[] writes must reach the device before the
 * avail->idx store that publishes them. */
#define virtq_publish_barrier() __atomic_thread_fence(__ATOMIC_RELEASE)
/* Read used->idx before the used->ring[] entries (and buffer contents)
 * it covers. */
#define virtq_consume_barrier() __atomic_thread_fence(__ATOMIC_ACQUIRE)
/* The avail->idx store must be visible before we load used->flags to
 * decide whether to kick: otherwise the device could go idle between our
 * load (NO_NOTIFY set) and our store, and never see the new buffers. */
#define virtq_kick_barrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#define VQ_WRITE16(field, v) (*(volatile uint16_t *)&(field) = (v))
#define VQ_READ16(field) (*(volatile const uint16_t *)&(field))
#define VQ_READ32(field) (*(volatile const uint32_t *)&(field))

static int is_pow2(unsigned n) { return n && !(n & (n - 1)); }

static size_t align_up(size_t x, size_t a) { return (x + a - 1) & ~(a - 1); }

/* The legacy layout (virtio 1.x 2.7.2 "Legacy Interfaces"): desc table,
 * then avail (flags, idx, ring[num], used_event), then padding up to
 * `align`, then used (flags, idx, ring[num], avail_event). */
static size_t avail_bytes(unsigned num) { return 2 * (3 + (size_t)num); }
static size_t used_bytes(unsigned num) { return 2 * 3 + 8 * (size_t)num; }

size_t virtq_ring_bytes(unsigned num, unsigned align)
{
	size_t head = 16 * (size_t)num + avail_bytes(num);
	return align_up(head, align) + align_up(used_bytes(num), align);
}

int virtq_init(struct virtq *vq, unsigned num, void *mem, unsigned align, void **cookies)
{
	if (!is_pow2(num) || num > VIRTQ_MAX_SIZE || !is_pow2(align) || align < 4)
		return -1;
	uint8_t *base = mem;
	vq->num = (uint16_t)num;
	vq->desc = (struct virtq_desc *)base;
	vq->avail = (struct virtq_avail *)(base + 16 * (size_t)num);
	vq->used = (struct virtq_used *)(base +
		align_up(16 * (size_t)num + avail_bytes(num), align));
	vq->cookie = cookies;
	/* Free list: every descriptor, chained in order. */
	for (unsigned i = 0; i < num; i++) {
		vq->desc[i].next = (uint16_t)(i + 1 < num ? i + 1 : 0);
		vq->desc[i].flags = 0;
		cookies[i] = NULL;
	}
	vq->free_head = 0;
	vq->num_free = (uint16_t)num;
	vq->avail_idx = 0;
	vq->last_used = 0;
	vq->added_since_kick = 0;
	vq->in_flight = 0;
	VQ_WRITE16(vq->avail->flags, 0);
	VQ_WRITE16(vq->avail->idx, 0);
	return 0;
}

int virtq_add(struct virtq *vq, const struct virtq_seg *segs, unsigned nout,
	      unsigned nin, void *cookie)
{
	unsigned n = nout + nin;
	if (n == 0 || !cookie)
		return -1;
	if (n > vq->num_free)
		return -1;

	uint16_t head = vq->free_head, i = head, last = head;
	for (unsigned k = 0; k < n; k++) {
		struct virtq_desc *d = &vq->desc[i];
		d->addr = segs[k].addr;
		d->len = segs[k].len;
		d->flags = (uint16_t)((k < nout ? 0 : VIRTQ_DESC_F_WRITE) |
				      (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		last = i;
		i = d->next;            /* free list link doubles as chain link */
	}
	vq->desc[last].flags &= (uint16_t)~VIRTQ_DESC_F_NEXT;
	vq->free_head = i;
	vq->num_free = (uint16_t)(vq->num_free - n);
	vq->cookie[head] = cookie;

	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	virtq_publish_barrier();
	vq->avail_idx++;                /* free-running: wraps at 65536 */
	VQ_WRITE16(vq->avail->idx, vq->avail_idx);
	vq->added_since_kick++;
	vq->in_flight++;
	return 0;
}

int virtq_has_used(const struct virtq *vq)
{
	return VQ_READ16(vq->used->idx) != vq->last_used;
}

void *virtq_get_used(struct virtq *vq, uint32_t *len, int *bad)
{
	for (;;) {
		uint16_t used_idx = VQ_READ16(vq->used->idx);
		if (used_idx == vq->last_used)
			return NULL;
		virtq_consume_barrier();
		struct virtq_used_elem *e = &vq->used->ring[vq->last_used & (vq->num - 1)];
		uint32_t id = VQ_READ32(e->id);
		uint32_t n = VQ_READ32(e->len);
		vq->last_used++;

		void *cookie = id < vq->num ? vq->cookie[id] : NULL;
		if (!cookie) {
			/* Not a head we posted (or already taken): the device
			 * broke the protocol.  Skip rather than free twice. */
			if (bad)
				*bad = 1;
			continue;
		}
		vq->cookie[id] = NULL;

		/* Give the chain back: walk to its tail, splice onto the free list. */
		uint16_t tail = (uint16_t)id, count = 1;
		while (vq->desc[tail].flags & VIRTQ_DESC_F_NEXT) {
			tail = vq->desc[tail].next;
			count++;
		}
		vq->desc[tail].next = vq->free_head;
		vq->free_head = (uint16_t)id;
		vq->num_free = (uint16_t)(vq->num_free + count);
		vq->in_flight--;
		if (len)
			*len = n;
		return cookie;
	}
}

int virtq_kick_needed(struct virtq *vq)
{
	if (vq->added_since_kick == 0)
		return 0;
	vq->added_since_kick = 0;
	virtq_kick_barrier();
	return !(VQ_READ16(vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
}

void virtq_disable_intr(struct virtq *vq)
{
	VQ_WRITE16(vq->avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void virtq_enable_intr(struct virtq *vq)
{
	VQ_WRITE16(vq->avail->flags, 0);
	/* The device must see the flag cleared before we re-check the used
	 * ring; the caller re-checks with virtq_has_used() after this. */
	virtq_kick_barrier();
}
