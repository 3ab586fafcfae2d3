/*
 * kernel/main.c - kmain: bring the machine up in dependency order, then
 * hand over to the scheduler.
 */
#include "kernel/kpriv.h"

struct bootinfo boot_info;

/* PVH boot ABI (xen/include/public/arch-x86/hvm/start_info.h). */
#define PVH_MAGIC 0x336ec578
struct hvm_start_info {
	uint32_t magic;
	uint32_t version;          /* memmap fields exist from version 1 */
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};
struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

/*
 * The start info, command line and memory map sit in low memory that
 * nothing protects; copy them into .bss before anything allocates.
 * (boot.S maps the first 4 GiB, so the physical addresses are usable.)
 */
static void bootinfo_copy(uint32_t si_pa)
{
	const struct hvm_start_info *si = (const void *)(uintptr_t)si_pa;
	if (si->magic != PVH_MAGIC)
		panic("bad PVH start_info magic");
	boot_info.rsdp = si->rsdp_paddr;
	if (si->cmdline_paddr) {
		const char *c = (const char *)(uintptr_t)si->cmdline_paddr;
		size_t n = 0;
		while (c[n] && n < BOOT_CMDLINE_MAX - 1) {
			boot_info.cmdline[n] = c[n];
			n++;
		}
		boot_info.cmdline[n] = '\0';
	}
	if (si->version >= 1 && si->memmap_paddr) {
		const struct hvm_memmap_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
		for (uint32_t i = 0; i < si->memmap_entries && boot_info.nmem < BOOT_MAX_MEMRANGES; i++) {
			if (e[i].size == 0)
				continue;       /* QEMU may end the table with an empty entry */
			struct memrange *m = &boot_info.mem[boot_info.nmem++];
			m->addr = e[i].addr;
			m->size = e[i].size;
			m->type = e[i].type;
		}
	}
}

static const char *memtype_name(uint32_t t)
{
	switch (t) {
	case 1: return "ram";
	case 2: return "reserved";
	case 3: return "acpi";
	case 4: return "nvs";
	default: return "other";
	}
}

/* kernel/netmain.c (the network helper's) overrides this; the weak one
 * lets a build that leaves the network out (KERNEL_EXCLUDE) still boot. */
__attribute__((weak)) void netmain_start(void)
{
	kprintf("net: no network stack yet\n");
}

void kmain(uint32_t start_info_pa)
{
	timer_mark_boot();
	console_init();
	bootinfo_copy(start_info_pa);
	kprintf("quartz: booting (pvh, cmdline \"%s\")\n", boot_info.cmdline);
	if (boot_info.nmem == 0)
		panic("no memory map from the PVH loader");
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct memrange *m = &boot_info.mem[i];
		kprintf("mem: [0x%09lx-0x%09lx] %s\n", m->addr, m->addr + m->size - 1,
			memtype_name(m->type));
	}
	cmdline_init();
	trap_init();
	pmm_init(1ull << 32);
	acpi_init();            /* reads ACPI tables through the boot mapping */
	paging_init();
	/* The boot stack (the idle task's, later) sits right above boot.S's
	 * page directories, unused since paging_init: make the page below
	 * the stack a guard. */
	paging_guard((uint64_t)boot_stack_bottom - PAGE_SIZE, 1);
	pmm_add_above(1ull << 32);
	kprintf("mem: %lu KiB usable, %lu pages free\n",
		pmm_total_pages() * (PAGE_SIZE / 1024), pmm_free_pages());
	apic_init();
	timer_init();

	const char *test = cmdline_get("test");
	if (!test || !ktest_start(test))
		netmain_start();
	sched_start();
}
