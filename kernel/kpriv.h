/*
 * kernel/kpriv.h - prototypes shared inside the kernel core only
 * (boot, memory, traps, timer, scheduler).  Drivers use kernel.h.
 */
#ifndef KERNEL_KPRIV_H
#define KERNEL_KPRIV_H

#include "kernel/kernel.h"

/* Linker symbols (linker.ld). */
extern char __kernel_start[], __kernel_end[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __bss_start[], __bss_end[];
extern char boot_stack_bottom[], boot_stack_top[];
extern uint32_t boot_nx_ok;

/* main.c: what the PVH loader told us, copied out of low memory. */
#define E820_RAM 1
struct memrange {
	uint64_t addr, size;
	uint32_t type;          /* 1 RAM, 2 reserved, 3 ACPI, 4 NVS, ... */
};
#define BOOT_MAX_MEMRANGES 64
#define BOOT_CMDLINE_MAX 1024
struct bootinfo {
	struct memrange mem[BOOT_MAX_MEMRANGES];
	unsigned nmem;
	char cmdline[BOOT_CMDLINE_MAX];
	uint64_t rsdp;          /* 0 when there is no ACPI */
};
extern struct bootinfo boot_info;

/* console.c */
void backtrace_from(uint64_t rbp);

/* pmm.c */
void pmm_init(uint64_t below);          /* RAM below `below` (mapped by boot.S) */
void pmm_add_above(uint64_t above);     /* the rest, once paging_init mapped it */
void *pmm_alloc_aligned(size_t npages, size_t align_pages);
uint64_t pmm_ram_top(void);             /* end of the highest RAM range */

/* paging.c */
void paging_init(void);
int paging_is_mapped(uint64_t va);
void paging_guard(uint64_t va, int guard);   /* 1: unmap the page, 0: map it back RW */

/* heap.c */
void heap_stats(size_t *bytes_in_use, size_t *pages_held);

/* trap.c */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vec, err;
	uint64_t rip, cs, rflags, rsp, ss;     /* pushed by the CPU */
};
void trap_init(void);
#define VEC_TIMER     0x20
#define VEC_IRQ_FIRST 0x30
#define VEC_IRQ_LAST  0xef
#define VEC_SPURIOUS  0xff
void trap_set_handler(unsigned vec, irq_handler_fn fn, void *arg);

/* acpi.c */
struct ioapic_info {
	uint64_t addr;
	unsigned gsi_base;
	unsigned id;
};
#define MAX_IOAPICS 4
extern struct ioapic_info ioapics[MAX_IOAPICS];
extern unsigned n_ioapics;
extern int acpi_present;
void acpi_init(void);

/* apic.c */
void apic_init(void);
void lapic_eoi(void);
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);
#define LAPIC_TIMER_LVT   0x320
#define LAPIC_TIMER_INIT  0x380
#define LAPIC_TIMER_CUR   0x390
#define LAPIC_TIMER_DIV   0x3e0

/* timer.c */
void timer_mark_boot(void);             /* now_us() = 0 at kmain entry */
void timer_init(void);
void timer_tick(void);                  /* from the LAPIC timer interrupt */
void timer_arm_us(uint64_t deadline_us); /* next interrupt at now_us() >= this */

/* sched.c */
void sched_tick(uint64_t now_us);   /* from timer_tick */
noreturn void sched_start(void);
void sched_irq_exit(void);              /* switch if an IRQ woke someone */
unsigned sched_ntasks(void);
uint64_t sched_switches(void);
const char *task_name(struct task *t);
struct task *task_current(void);
void swtch(uint64_t *save_rsp, uint64_t new_rsp);

/* cmdline.c */
void cmdline_init(void);
/* The n-th value of a key that may repeat (virtio_mmio.device=...). */
const char *cmdline_get_nth(const char *key, unsigned n);

/* ktest.c: 1 if `name` is a kernel test (it now runs as a task). */
int ktest_start(const char *name);

#endif
