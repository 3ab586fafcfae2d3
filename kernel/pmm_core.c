/*
 * kernel/pmm_core.c - bitmap page-frame bookkeeping (pure; see pmm_core.h).
 *
 * A bitmap rather than a free list: it costs 1 bit per 4 KiB frame
 * (96 KiB for 3 GiB), it catches double frees exactly, and it finds
 * contiguous runs for DMA rings and heap slabs.  Single-page allocation
 * resumes from a hint so the common case does not rescan used words.
 */
#include "kernel/pmm_core.h"

#define BIT(i)   (1ull << ((i) & 63))

static int test_bit(const struct pmm_core *p, uint64_t i) { return (p->used[i / 64] & BIT(i)) != 0; }
static void set_bit(struct pmm_core *p, uint64_t i) { p->used[i / 64] |= BIT(i); }
static void clear_bit(struct pmm_core *p, uint64_t i) { p->used[i / 64] &= ~BIT(i); }

void pmm_core_init(struct pmm_core *p, uint64_t base_pfn, uint64_t npages, uint64_t *bitmap)
{
	p->base_pfn = base_pfn;
	p->npages = npages;
	p->used = bitmap;
	p->total = p->nfree = p->hint = 0;
	for (size_t w = 0; w < pmm_core_words(npages); w++)
		bitmap[w] = ~0ull;
}

uint64_t pmm_core_add_free(struct pmm_core *p, uint64_t pfn, uint64_t n)
{
	uint64_t lo = pfn < p->base_pfn ? p->base_pfn : pfn;
	uint64_t hi = pfn + n;
	if (hi > p->base_pfn + p->npages)
		hi = p->base_pfn + p->npages;
	uint64_t added = 0;
	for (uint64_t f = lo; f < hi; f++) {
		uint64_t i = f - p->base_pfn;
		if (test_bit(p, i)) {
			clear_bit(p, i);
			added++;
		}
	}
	p->total += added;
	p->nfree += added;
	return added;
}

int64_t pmm_core_alloc(struct pmm_core *p)
{
	size_t words = pmm_core_words(p->npages);
	if (p->nfree == 0)
		return -1;
	for (size_t k = 0; k < words; k++) {
		size_t w = (p->hint + k) % words;
		if (p->used[w] == ~0ull)
			continue;
		uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(~p->used[w]);
		if (i >= p->npages)
			continue;          /* only the padding bits of the last word */
		set_bit(p, i);
		p->nfree--;
		p->hint = w;
		return (int64_t)(p->base_pfn + i);
	}
	return -1;
}

int64_t pmm_core_alloc_contig(struct pmm_core *p, uint64_t n, uint64_t align)
{
	if (n == 0 || align == 0 || (align & (align - 1)) || n > p->nfree)
		return -1;
	if (n == 1 && align == 1)
		return pmm_core_alloc(p);
	/* Candidate starts are aligned in pfn space, not bitmap space. */
	uint64_t f = (p->base_pfn + align - 1) & ~(align - 1);
	while (f + n <= p->base_pfn + p->npages) {
		uint64_t i = f - p->base_pfn, k;
		for (k = 0; k < n; k++)
			if (test_bit(p, i + k))
				break;
		if (k == n) {
			for (k = 0; k < n; k++)
				set_bit(p, i + k);
			p->nfree -= n;
			return (int64_t)f;
		}
		/* Skip past the used frame, to the next aligned start. */
		f = (f + k + 1 + align - 1) & ~(align - 1);
	}
	return -1;
}

int pmm_core_free(struct pmm_core *p, uint64_t pfn, uint64_t n)
{
	if (pfn < p->base_pfn || n > p->npages || pfn - p->base_pfn > p->npages - n)
		return PMM_ERANGE;
	uint64_t i = pfn - p->base_pfn;
	for (uint64_t k = 0; k < n; k++)
		if (!test_bit(p, i + k))
			return PMM_EDOUBLE;
	for (uint64_t k = 0; k < n; k++)
		clear_bit(p, i + k);
	p->nfree += n;
	if (i / 64 < p->hint)
		p->hint = i / 64;
	return PMM_OK;
}

int pmm_core_is_free(const struct pmm_core *p, uint64_t pfn)
{
	if (pfn < p->base_pfn || pfn >= p->base_pfn + p->npages)
		return 0;
	return !test_bit(p, pfn - p->base_pfn);
}
