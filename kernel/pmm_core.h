/*
 * kernel/pmm_core.h - the physical page allocator's bookkeeping, pure
 * (no memory is touched but the bitmap), so tests/host/test_pmm.c can
 * drive it with made-up memory maps.
 *
 * One bit per page frame over [base_pfn, base_pfn + npages): 1 = not
 * available (allocated, or not RAM at all), 0 = free.  Holes in the
 * memory map simply stay 1.
 */
#ifndef KERNEL_PMM_CORE_H
#define KERNEL_PMM_CORE_H

#include <stddef.h>
#include <stdint.h>

struct pmm_core {
	uint64_t base_pfn;   /* first frame the bitmap describes */
	uint64_t npages;     /* frames it describes (RAM or not) */
	uint64_t *used;      /* ceil(npages / 64) words; bit set = unavailable */
	uint64_t total;      /* frames ever handed to pmm_core_add_free */
	uint64_t nfree;      /* frames free right now; <= total */
	uint64_t hint;       /* word index to start the next single-page search */
};

enum pmm_err { PMM_OK = 0, PMM_EDOUBLE = -1, PMM_ERANGE = -2 };

/* Words of bitmap needed for npages frames. */
static inline size_t pmm_core_words(uint64_t npages) { return (npages + 63) / 64; }

/* Start with every frame unavailable. */
void pmm_core_init(struct pmm_core *p, uint64_t base_pfn, uint64_t npages, uint64_t *bitmap);
/* Declare [pfn, pfn+n) free RAM (clipped to the bitmap); returns frames added.
 * Adding a frame twice does not count it twice. */
uint64_t pmm_core_add_free(struct pmm_core *p, uint64_t pfn, uint64_t n);
/* Take a frame; returns its pfn, or -1 if none. */
int64_t pmm_core_alloc(struct pmm_core *p);
/* Take n contiguous frames whose first pfn is a multiple of align
 * (a power of two, >= 1); returns the first pfn or -1. */
int64_t pmm_core_alloc_contig(struct pmm_core *p, uint64_t n, uint64_t align);
/* Give back n frames from pfn.  PMM_EDOUBLE if any of them is already
 * free (nothing is changed then), PMM_ERANGE if outside the bitmap. */
int pmm_core_free(struct pmm_core *p, uint64_t pfn, uint64_t n);
/* 1 if the frame is free. */
int pmm_core_is_free(const struct pmm_core *p, uint64_t pfn);

#endif
