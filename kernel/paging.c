/*
 * kernel/paging.c - the kernel's one address space: an identity map.
 *
 * Every range of the PVH memory map (RAM, ACPI, reserved) is mapped
 * read-write and non-executable, with 2 MiB pages where a range covers a
 * whole aligned 2 MiB, 4 KiB pages at the edges.  The kernel image is
 * then remapped with 4 KiB pages so permissions follow linker.ld's
 * segments: text read+execute, rodata/.content read-only, data/bss
 * read-write.  Frame 0 is left unmapped to catch NULL.  Device windows
 * (LAPIC, IOAPICs, virtio-mmio) are mapped uncached.  Task stacks get an
 * unmapped guard page (paging_guard).
 *
 * Page tables come from pmm_alloc, which returns identity-mapped frames.
 * Locking: interrupts off while tables change (one CPU).
 */
#include "kernel/kpriv.h"
#include "kernel/platform.h"
#include "kernel/x86.h"

#define PTE_P     (1ull << 0)
#define PTE_W     (1ull << 1)
#define PTE_PWT   (1ull << 3)
#define PTE_PCD   (1ull << 4)
#define PTE_PS    (1ull << 7)
#define PTE_NX    (1ull << 63)
#define PTE_ADDR  0x000ffffffffff000ull
#define HUGE      (2ull << 20)

static uint64_t *pml4;
static uint64_t nx;          /* PTE_NX if the CPU has it, else 0 */
static int live;             /* our tables are in CR3: flush the TLB */

static uint64_t *new_table(void)
{
	uint64_t *t = pmm_alloc();
	if (!t)
		panic("paging: out of memory for page tables");
	return t;
}

static unsigned idx(uint64_t va, int level)   /* level 4 = PML4 ... 1 = PT */
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The entry for va at `level` (2 = 2 MiB PD entry, 1 = 4 KiB PT entry),
 * creating tables on the way and splitting a 2 MiB page if we need to go
 * below it.  Upper levels are permissive: the leaf decides. */
static uint64_t *slot(uint64_t va, int level)
{
	uint64_t *t = pml4;
	for (int l = 4; l > level; l--) {
		uint64_t *e = &t[idx(va, l)];
		if (!(*e & PTE_P)) {
			*e = (uint64_t)new_table() | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			/* Split a 2 MiB page into 512 4 KiB pages, same rights. */
			uint64_t *pt = new_table();
			uint64_t base = *e & PTE_ADDR & ~(HUGE - 1);
			uint64_t flags = *e & (PTE_W | PTE_PWT | PTE_PCD | PTE_NX | PTE_P);
			for (int i = 0; i < 512; i++)
				pt[i] = (base + (uint64_t)i * PAGE_SIZE) | flags;
			*e = (uint64_t)pt | PTE_P | PTE_W;
		}
		t = (uint64_t *)(*e & PTE_ADDR);
	}
	return &t[idx(va, level)];
}

static void set_pte(uint64_t va, uint64_t pte, int level)
{
	*slot(va, level) = pte;
	if (live)
		invlpg(va);
}

/* Identity-map [lo, hi) with `flags`, big pages where possible. */
static void map_range(uint64_t lo, uint64_t hi, uint64_t flags)
{
	lo &= ~(PAGE_SIZE - 1);
	hi = ALIGN_UP(hi, PAGE_SIZE);
	while (lo < hi) {
		if ((lo & (HUGE - 1)) == 0 && hi - lo >= HUGE) {
			uint64_t *pd = slot(lo, 2);
			if ((*pd & PTE_P) && !(*pd & PTE_PS)) {
				/* Already split: keep the finer map, refresh it. */
				for (uint64_t a = lo; a < lo + HUGE; a += PAGE_SIZE)
					set_pte(a, a | flags, 1);
			} else {
				set_pte(lo, lo | flags | PTE_PS, 2);
			}
			lo += HUGE;
		} else {
			set_pte(lo, lo | flags, 1);
			lo += PAGE_SIZE;
		}
	}
}

void paging_map_mmio(uint64_t phys, uint64_t len)
{
	uint64_t f = irq_save();
	uint64_t lo = phys & ~(PAGE_SIZE - 1), hi = ALIGN_UP(phys + len, PAGE_SIZE);
	for (uint64_t a = lo; a < hi; a += PAGE_SIZE)
		set_pte(a, a | PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx, 1);
	irq_restore(f);
}

int paging_is_mapped(uint64_t va)
{
	if (!pml4)
		return va < (1ull << 32);        /* still on boot.S's tables */
	uint64_t *t = pml4;
	for (int l = 4; l >= 1; l--) {
		uint64_t e = t[idx(va, l)];
		if (!(e & PTE_P))
			return 0;
		if (l == 1 || (e & PTE_PS))
			return 1;
		t = (uint64_t *)(e & PTE_ADDR);
	}
	return 0;
}

void paging_guard(uint64_t va, int guard)
{
	uint64_t f = irq_save();
	set_pte(va, guard ? 0 : (va | PTE_P | PTE_W | nx), 1);
	irq_restore(f);
}

void paging_init(void)
{
	nx = boot_nx_ok ? PTE_NX : 0;
	pml4 = new_table();

	uint64_t rw = PTE_P | PTE_W | nx;
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct memrange *m = &boot_info.mem[i];
		map_range(m->addr, m->addr + m->size, rw);
	}
	/* The kernel image, 4 KiB granular, rights per segment. */
	for (uint64_t a = (uint64_t)__kernel_start; a < (uint64_t)__kernel_end; a += PAGE_SIZE) {
		uint64_t fl;
		if (a < (uint64_t)__rodata_start)
			fl = PTE_P;                       /* text: read + execute */
		else if (a < (uint64_t)__data_start)
			fl = PTE_P | nx;                  /* rodata + .content */
		else
			fl = rw;                          /* data + bss */
		set_pte(a, a | fl, 1);
	}
	set_pte(0, 0, 1);                             /* NULL faults */

	/* Device windows (uncached). */
	paging_map_mmio(PLATFORM_LAPIC_BASE, PAGE_SIZE);
	for (unsigned i = 0; i < n_ioapics; i++)
		paging_map_mmio(ioapics[i].addr, PLATFORM_IOAPIC_SIZE);
	paging_map_mmio(PLATFORM_VIRTIO_BASE, PLATFORM_VIRTIO_SLOT * PLATFORM_VIRTIO_SLOTS);

	write_cr3((uint64_t)pml4);
	live = 1;
}
