/*
 * net/pbuf.h - packet buffers.
 *
 * One pbuf holds one frame in a fixed PBUF_BUFSZ array.  Valid bytes are
 * buf[off .. off+len).  A buffer for output is allocated with headroom so
 * every layer prepends its header in place (TCP, then IP, then Ethernet,
 * then the driver's virtio-net header): nothing is copied to add a header.
 *
 * The pool is a static array; buffers are identity-mapped memory, so the
 * driver can hand buf addresses to the device directly.  Ownership moves
 * with the pointer: whoever holds a pbuf frees it exactly once.  A double
 * or foreign free is a bug elsewhere, but it arrives with a packet: it is
 * counted (pbuf.double_free / bad_free), logged and ignored, not a panic.
 */
#ifndef NET_PBUF_H
#define NET_PBUF_H

#include <stdint.h>
#include <stddef.h>
#include "param.h"

struct pbuf {
	struct pbuf *next;      /* link for whichever queue holds it */
	uint16_t off;           /* start of valid data in buf */
	uint16_t len;           /* valid bytes */
	uint32_t flags;         /* PBUF_F_* */
	uint64_t stamp;         /* owner-defined (e.g. queue time, seq) */
	uint8_t buf[PBUF_BUFSZ] __attribute__((aligned(16)));
};

#define PBUF_F_INUSE 1u

/* Allocate with `headroom` bytes free in front of data (len = 0).
 * NULL when the pool is empty (pbuf_stats.alloc_fail counts it). */
struct pbuf *pbuf_alloc(unsigned headroom);
void pbuf_free(struct pbuf *p);
/* Free a whole ->next chain. */
void pbuf_free_chain(struct pbuf *p);

static inline uint8_t *pbuf_data(struct pbuf *p) { return p->buf + p->off; }
/* Grow at the front by n bytes; returns the new start, NULL if no headroom. */
uint8_t *pbuf_push(struct pbuf *p, unsigned n);
/* Drop n bytes from the front (a parsed header); NULL if len < n. */
uint8_t *pbuf_pull(struct pbuf *p, unsigned n);
/* Grow at the back by n bytes; returns where they start, NULL if no room. */
uint8_t *pbuf_put(struct pbuf *p, unsigned n);
/* Cut to len bytes (len <= p->len). */
void pbuf_trim(struct pbuf *p, unsigned len);
static inline unsigned pbuf_tailroom(const struct pbuf *p)
{
	return PBUF_BUFSZ - p->off - p->len;
}

unsigned pbuf_free_count(void);   /* buffers in the pool right now */
unsigned pbuf_total(void);        /* PBUF_COUNT */

#endif
