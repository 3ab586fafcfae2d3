/*
 * kernel/pmm.c - physical pages from the PVH memory map.
 *
 * The bookkeeping (a bitmap, pmm_core.c) covers frame 0 up to the end of
 * the highest RAM range and is itself carved out of the first RAM after
 * the kernel image.  Frames below 1 MiB and the kernel image are never
 * handed out.  All RAM is identity-mapped, so a frame's physical address
 * is its pointer.  RAM above 4 GiB is added only after paging_init has
 * mapped it (boot.S maps the first 4 GiB).
 *
 * Locking: interrupts off around every bitmap change (one CPU).
 */
#include "kernel/kpriv.h"
#include "kernel/pmm_core.h"
#include "kernel/x86.h"

static struct pmm_core core;
static uint64_t ram_top;
static uint64_t reserved_lo, reserved_hi;   /* kernel image + bitmap */

#define LOW_LIMIT 0x100000ull   /* leave the first MiB alone */

static void add_ranges(uint64_t lo_limit, uint64_t hi_limit)
{
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct memrange *m = &boot_info.mem[i];
		if (m->type != E820_RAM)
			continue;
		uint64_t lo = ALIGN_UP(m->addr, PAGE_SIZE);
		uint64_t hi = (m->addr + m->size) & ~(PAGE_SIZE - 1);
		if (lo < lo_limit) lo = lo_limit;
		if (hi > hi_limit) hi = hi_limit;
		/* Split around [reserved_lo, reserved_hi). */
		if (lo < reserved_lo && hi > lo) {
			uint64_t e = hi < reserved_lo ? hi : reserved_lo;
			pmm_core_add_free(&core, lo / PAGE_SIZE, (e - lo) / PAGE_SIZE);
		}
		if (hi > reserved_hi) {
			uint64_t s = lo > reserved_hi ? lo : reserved_hi;
			if (hi > s)
				pmm_core_add_free(&core, s / PAGE_SIZE, (hi - s) / PAGE_SIZE);
		}
	}
}

void pmm_init(uint64_t below)
{
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct memrange *m = &boot_info.mem[i];
		if (m->type == E820_RAM && m->addr + m->size > ram_top)
			ram_top = m->addr + m->size;
	}
	uint64_t npages = ram_top / PAGE_SIZE;
	uint64_t bitmap_bytes = ALIGN_UP(pmm_core_words(npages) * 8, PAGE_SIZE);

	/* The bitmap goes right after the kernel, if that is RAM. */
	uint64_t kend = ALIGN_UP((uint64_t)__kernel_end, PAGE_SIZE);
	uint64_t where = 0;
	for (unsigned i = 0; i < boot_info.nmem && !where; i++) {
		const struct memrange *m = &boot_info.mem[i];
		uint64_t lo = ALIGN_UP(m->addr, PAGE_SIZE);
		if (lo < kend)
			lo = kend;
		if (m->type == E820_RAM && lo + bitmap_bytes <= m->addr + m->size &&
		    lo + bitmap_bytes <= below)
			where = lo;
	}
	if (!where)
		panic("pmm: no room for the page bitmap");
	reserved_lo = (uint64_t)__kernel_start;
	reserved_hi = where + bitmap_bytes;
	pmm_core_init(&core, 0, npages, (uint64_t *)where);
	add_ranges(LOW_LIMIT, below);
}

void pmm_add_above(uint64_t above)
{
	uint64_t f = irq_save();
	add_ranges(above, ~0ull);
	irq_restore(f);
}

uint64_t pmm_ram_top(void) { return ram_top; }

void *pmm_alloc_aligned(size_t npages, size_t align_pages)
{
	uint64_t f = irq_save();
	int64_t pfn = pmm_core_alloc_contig(&core, npages, align_pages);
	irq_restore(f);
	if (pfn < 0)
		return NULL;
	void *p = (void *)(uintptr_t)((uint64_t)pfn * PAGE_SIZE);
	memset(p, 0, npages * PAGE_SIZE);
	return p;
}

void *pmm_alloc(void)
{
	return pmm_alloc_aligned(1, 1);
}

void *pmm_alloc_contig(size_t npages)
{
	return pmm_alloc_aligned(npages, 1);
}

void pmm_free_contig(void *p, size_t npages)
{
	uint64_t a = (uint64_t)(uintptr_t)p;
	if (a & (PAGE_SIZE - 1))
		panic("pmm_free: unaligned address");
	uint64_t f = irq_save();
	int r = pmm_core_free(&core, a / PAGE_SIZE, npages);
	irq_restore(f);
	if (r == PMM_EDOUBLE)
		panic("pmm_free: double free");
	if (r != PMM_OK)
		panic("pmm_free: address outside RAM");
}

void pmm_free(void *p)
{
	pmm_free_contig(p, 1);
}

size_t pmm_total_pages(void) { return core.total; }
size_t pmm_free_pages(void) { return core.nfree; }
