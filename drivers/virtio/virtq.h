/*
 * drivers/virtio/virtq.h - one split virtqueue (virtio 1.x section 2.7),
 * written once and shared by every virtio device we drive.
 *
 * The ring is three parts in memory the caller provides: the descriptor
 * table, the driver ("avail") ring and the device ("used") ring.  The
 * layout virtq_init() uses is the legacy one (used ring aligned to
 * `align`), which a modern device accepts as well, so one layout serves
 * both transports; the transport reads the three addresses back with
 * virtq_desc_addr() & co.
 *
 * Indices are free-running u16 counters (avail->idx, used->idx and our
 * shadows of them); a slot is `idx % num`, and because num is a power of
 * two that divides 65536, the counters may wrap past 65535 freely.
 *
 * No kernel headers here: this file is also built on the host and tested
 * there against a simulated device (tests/host/test_virtq.c).  Addresses
 * handed to the device are plain uint64_t: the caller translates (in the
 * kernel, memory is identity-mapped, so it is the pointer value).
 *
 * Not thread-safe: one owner (the network task) adds and reclaims.
 */
#ifndef DRIVERS_VIRTIO_VIRTQ_H
#define DRIVERS_VIRTIO_VIRTQ_H

#include <stdint.h>
#include <stddef.h>

/* --- wire layout (little-endian, which is what x86 is) --- */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
#define VIRTQ_DESC_F_NEXT  1    /* chain continues at .next */
#define VIRTQ_DESC_F_WRITE 2    /* device writes this buffer (RX) */

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];        /* num entries, then used_event (unused: no EVENT_IDX) */
};
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

struct virtq_used_elem {
	uint32_t id;            /* head descriptor of the completed chain */
	uint32_t len;           /* bytes the device wrote into it */
};
struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};
#define VIRTQ_USED_F_NO_NOTIFY 1

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc layout");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem layout");

#define VIRTQ_MAX_SIZE 32768    /* the spec's upper bound on a queue size */

/* --- driver-side state --- */
struct virtq {
	uint16_t num;               /* entries, a power of two */
	uint16_t num_free;          /* descriptors on the free list */
	uint16_t free_head;         /* first free descriptor (chained by .next) */
	uint16_t avail_idx;         /* our copy of avail->idx (we are its only writer) */
	uint16_t last_used;         /* next used->idx entry we have not consumed */
	uint16_t added_since_kick;  /* chains published since the last kick decision */
	uint16_t in_flight;         /* chains posted and not yet taken back */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	void **cookie;              /* per head descriptor: the caller's token */
};

/* One piece of a buffer chain. */
struct virtq_seg {
	uint64_t addr;
	uint32_t len;
};

/* Bytes needed for a ring of `num` entries with the used ring aligned to
 * `align` (4096 for the legacy transport; a power of two >= 4). */
size_t virtq_ring_bytes(unsigned num, unsigned align);

/* Lay a ring out in `mem` (zeroed, virtq_ring_bytes(num, align) long,
 * aligned to at least 16) with a cookie array of `num` entries.
 * Returns 0, or -1 if num is not a power of two in 1..VIRTQ_MAX_SIZE. */
int virtq_init(struct virtq *vq, unsigned num, void *mem, unsigned align, void **cookies);

/*
 * Post one buffer chain: `nout` device-readable segments followed by `nin`
 * device-writable ones.  `cookie` (not NULL) comes back from
 * virtq_get_used() when the device is done with it.  The chain is visible
 * to the device at once; call virtq_kick_needed() after a batch.
 * Returns 0, or -1 when there are not enough free descriptors (nothing
 * changed) or the request is empty.
 */
int virtq_add(struct virtq *vq, const struct virtq_seg *segs, unsigned nout,
	      unsigned nin, void *cookie);

/*
 * Take one completed chain off the used ring: returns its cookie and sets
 * *len to the bytes the device wrote, and returns its descriptors to the
 * free list.  NULL when the device has completed nothing new.  A device
 * that reports a head we never posted is a broken invariant: *bad is set
 * (if non-NULL) and the entry is skipped instead of trusted.
 */
void *virtq_get_used(struct virtq *vq, uint32_t *len, int *bad);

/* Has the device completed something we have not taken yet? */
int virtq_has_used(const struct virtq *vq);

/* After adding: must the driver notify the device?  (It asked not to be
 * told, via VIRTQ_USED_F_NO_NOTIFY, while it is already processing.)
 * Resets the "added since last kick" count. */
int virtq_kick_needed(struct virtq *vq);

/* Ask the device not to interrupt for this queue (best effort: the spec
 * lets the device interrupt anyway), or to interrupt again. */
void virtq_disable_intr(struct virtq *vq);
void virtq_enable_intr(struct virtq *vq);

static inline unsigned virtq_free(const struct virtq *vq) { return vq->num_free; }
/* Chains posted and not yet taken back. */
static inline unsigned virtq_in_flight(const struct virtq *vq) { return vq->in_flight; }

/* Where the three parts are, for the transport to tell the device. */
static inline void *virtq_desc_ptr(const struct virtq *vq) { return vq->desc; }
static inline void *virtq_avail_ptr(const struct virtq *vq) { return vq->avail; }
static inline void *virtq_used_ptr(const struct virtq *vq) { return vq->used; }

#endif
