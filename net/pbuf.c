/*
 * net/pbuf.c - the packet buffer pool.
 *
 * A static array of PBUF_COUNT buffers and a LIFO free list (the buffer
 * freed last is still warm in the cache).  Nothing is allocated at run
 * time, so running out is an ordinary, counted condition, never a crash.
 * A double free or a pointer that is not ours is a bug in the caller: it is
 * counted and logged, and the pool is left untouched so one bad caller
 * cannot corrupt everyone else's buffers.
 */
#include "pbuf.h"
#include "netpriv.h"
#include "sys.h"

STATS_DEFINE(pbuf, PBUF_STATS)

/* Host builds under AddressSanitizer poison the data of free buffers, so
 * touching a pbuf after freeing it fails the test that did it. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PBUF_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PBUF_ASAN 1
#endif
#if defined(QUARTZ_HOST) && defined(PBUF_ASAN)
#include <sanitizer/asan_interface.h>
#define PBUF_POISON(p) ASAN_POISON_MEMORY_REGION((p)->buf, PBUF_BUFSZ)
#define PBUF_UNPOISON(p) ASAN_UNPOISON_MEMORY_REGION((p)->buf, PBUF_BUFSZ)
#else
#define PBUF_POISON(p) ((void)(p))
#define PBUF_UNPOISON(p) ((void)(p))
#endif

static struct pbuf pool[PBUF_COUNT];
static struct pbuf *free_list;
static unsigned nfree;
static int pool_ready;

void pbuf_pool_init(void)
{
	if (pool_ready)
		return;
	free_list = NULL;
	for (int i = PBUF_COUNT - 1; i >= 0; i--) {
		pool[i].flags = 0;
		pool[i].next = free_list;
		free_list = &pool[i];
		PBUF_POISON(&pool[i]);
	}
	nfree = PBUF_COUNT;
	pool_ready = 1;
}

struct pbuf *pbuf_alloc(unsigned headroom)
{
	pbuf_pool_init();
	if (headroom > PBUF_BUFSZ || !free_list) {
		STAT_INC(pbuf, alloc_fail);
		return NULL;
	}
	struct pbuf *p = free_list;
	free_list = p->next;
	nfree--;
	p->next = NULL;
	p->off = (uint16_t)headroom;
	p->len = 0;
	p->flags = PBUF_F_INUSE;
	p->stamp = 0;
	PBUF_UNPOISON(p);
	STAT_INC(pbuf, alloc);
	return p;
}

void pbuf_free(struct pbuf *p)
{
	if (!p)
		return;
	uintptr_t a = (uintptr_t)p, lo = (uintptr_t)pool;
	if (a < lo || a >= lo + sizeof(pool) || (a - lo) % sizeof(struct pbuf)) {
		STAT_INC(pbuf, bad_free);
		net_log("pbuf: free of foreign pointer %p ignored\n", (void *)p);
		return;
	}
	if (!(p->flags & PBUF_F_INUSE)) {
		STAT_INC(pbuf, double_free);
		net_log("pbuf: double free of buffer %u ignored\n",
			(unsigned)((a - lo) / sizeof(struct pbuf)));
		return;
	}
	p->flags = 0;
	PBUF_POISON(p);
	p->next = free_list;
	free_list = p;
	nfree++;
	STAT_INC(pbuf, free);
}

void pbuf_free_chain(struct pbuf *p)
{
	while (p) {
		struct pbuf *n = p->next;
		pbuf_free(p);
		p = n;
	}
}

uint8_t *pbuf_push(struct pbuf *p, unsigned n)
{
	if (n > p->off)
		return NULL;
	p->off = (uint16_t)(p->off - n);
	p->len = (uint16_t)(p->len + n);
	return p->buf + p->off;
}

uint8_t *pbuf_pull(struct pbuf *p, unsigned n)
{
	if (n > p->len)
		return NULL;
	p->off = (uint16_t)(p->off + n);
	p->len = (uint16_t)(p->len - n);
	return p->buf + p->off;
}

uint8_t *pbuf_put(struct pbuf *p, unsigned n)
{
	if (n > pbuf_tailroom(p))
		return NULL;
	uint8_t *t = p->buf + p->off + p->len;
	p->len = (uint16_t)(p->len + n);
	return t;
}

void pbuf_trim(struct pbuf *p, unsigned len)
{
	if (len < p->len)
		p->len = (uint16_t)len;
}

unsigned pbuf_free_count(void)
{
	pbuf_pool_init();
	return nfree;
}

unsigned pbuf_total(void) { return PBUF_COUNT; }
