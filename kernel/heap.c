/*
 * kernel/heap.c - kmalloc/kfree: power-of-two slabs plus whole pages.
 *
 * Requests up to 4 KiB come from size classes 16..4096.  A slab is 16 KiB
 * of physically contiguous pages aligned to 16 KiB, with this header at
 * its start, so kfree finds the header by masking the pointer.  Larger
 * requests get their own 16 KiB-aligned run of pages with the same header
 * (class LARGE) and the pointer just after it.
 *
 * Each slab keeps a bitmap of live objects: a double or foreign kfree is
 * a broken invariant and panics.  A slab that becomes empty goes back to
 * the page allocator unless it is the only one its class has left, so
 * free really frees while a steady alloc/free pattern does not thrash.
 *
 * Locking: interrupts off (one CPU; kmalloc is legal in IRQ context).
 */
#include "kernel/kpriv.h"
#include "kernel/x86.h"

#define SLAB_BYTES   16384u
#define SLAB_PAGES   (SLAB_BYTES / PAGE_SIZE)
#define SLAB_MAGIC   0x51ab51abu
#define HDR_BYTES    256u            /* header + live bitmap, keeps objects 16-aligned */
#define NCLASSES     9               /* 16 << 0 .. 16 << 8 = 4096 */
#define CLASS_LARGE  0xffffu
#define MAX_OBJS     ((SLAB_BYTES - HDR_BYTES) / 16)

struct slab {
	uint32_t magic;
	uint16_t cls;                   /* size class, or CLASS_LARGE */
	uint16_t nobj;                  /* objects in this slab */
	uint16_t nfree;                 /* of which free */
	uint16_t on_list;               /* 1 while on its class's partial list */
	uint32_t npages;                /* pages in this block (LARGE) */
	void *freelist;                 /* singly linked through the free objects */
	struct slab *next, *prev;       /* partial list: slabs with free objects */
	uint64_t live[(MAX_OBJS + 63) / 64];   /* bit set = object allocated */
};
_Static_assert(sizeof(struct slab) <= HDR_BYTES, "slab header too big");

static struct slab *partial[NCLASSES];
static size_t bytes_in_use, pages_held;

static unsigned class_of(size_t n)
{
	unsigned c = 0;
	while ((16u << c) < n)
		c++;
	return c;
}

static void list_add(struct slab *s)
{
	unsigned c = s->cls;
	s->prev = NULL;
	s->next = partial[c];
	if (partial[c])
		partial[c]->prev = s;
	partial[c] = s;
	s->on_list = 1;
}

static void list_del(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
	s->on_list = 0;
}

static struct slab *slab_new(unsigned c)
{
	struct slab *s = pmm_alloc_aligned(SLAB_PAGES, SLAB_PAGES);
	if (!s)
		return NULL;
	pages_held += SLAB_PAGES;
	size_t size = 16u << c;
	s->magic = SLAB_MAGIC;
	s->cls = (uint16_t)c;
	s->nobj = (uint16_t)((SLAB_BYTES - HDR_BYTES) / size);
	s->nfree = s->nobj;
	s->freelist = NULL;
	/* Thread the free list low address first. */
	for (int i = s->nobj - 1; i >= 0; i--) {
		void **obj = (void **)((char *)s + HDR_BYTES + (size_t)i * size);
		*obj = s->freelist;
		s->freelist = obj;
	}
	list_add(s);
	return s;
}

static void *large_alloc(size_t n)
{
	size_t npages = ALIGN_UP(n + HDR_BYTES, PAGE_SIZE) / PAGE_SIZE;
	struct slab *s = pmm_alloc_aligned(npages, SLAB_PAGES);
	if (!s)
		return NULL;
	s->magic = SLAB_MAGIC;
	s->cls = CLASS_LARGE;
	s->npages = (uint32_t)npages;
	pages_held += npages;
	bytes_in_use += npages * PAGE_SIZE;
	return (char *)s + HDR_BYTES;
}

void *kmalloc(size_t n)
{
	if (n == 0)
		n = 1;
	if (n > (16u << (NCLASSES - 1))) {
		if (n > (1ull << 32))
			return NULL;
		uint64_t f = irq_save();
		void *p = large_alloc(n);
		irq_restore(f);
		return p;
	}
	unsigned c = class_of(n);
	uint64_t f = irq_save();
	struct slab *s = partial[c];
	if (!s)
		s = slab_new(c);
	if (!s) {
		irq_restore(f);
		return NULL;
	}
	void **obj = s->freelist;
	s->freelist = *obj;
	s->nfree--;
	unsigned i = (unsigned)(((char *)obj - (char *)s - HDR_BYTES) >> (4 + c));
	s->live[i / 64] |= 1ull << (i % 64);
	if (s->nfree == 0)
		list_del(s);
	bytes_in_use += 16u << c;
	irq_restore(f);
	return obj;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct slab *s = (struct slab *)((uintptr_t)p & ~(uintptr_t)(SLAB_BYTES - 1));
	uint64_t f = irq_save();
	if (s->magic != SLAB_MAGIC)
		panic("kfree: not a heap pointer");
	if (s->cls == CLASS_LARGE) {
		if ((char *)p != (char *)s + HDR_BYTES)
			panic("kfree: not the start of a large block");
		size_t np = s->npages;
		s->magic = 0;
		pages_held -= np;
		bytes_in_use -= np * PAGE_SIZE;
		pmm_free_contig(s, np);
		irq_restore(f);
		return;
	}
	size_t size = 16u << s->cls;
	size_t off = (size_t)((char *)p - (char *)s) - HDR_BYTES;
	if ((char *)p < (char *)s + HDR_BYTES || off % size || off / size >= s->nobj)
		panic("kfree: pointer inside an object");
	unsigned i = (unsigned)(off / size);
	if (!(s->live[i / 64] & (1ull << (i % 64))))
		panic("kfree: double free");
	s->live[i / 64] &= ~(1ull << (i % 64));
	*(void **)p = s->freelist;
	s->freelist = p;
	s->nfree++;
	bytes_in_use -= size;
	if (!s->on_list)
		list_add(s);
	/* Empty, and not the class's only slab with room: give it back. */
	if (s->nfree == s->nobj && (partial[s->cls] != s || s->next)) {
		list_del(s);
		s->magic = 0;
		pages_held -= SLAB_PAGES;
		pmm_free_contig(s, SLAB_PAGES);
	}
	irq_restore(f);
}

void heap_stats(size_t *bytes, size_t *pages)
{
	*bytes = bytes_in_use;
	*pages = pages_held;
}
