/*
 * kernel/trap.c - GDT, TSS, IDT; exception reports; interrupt dispatch.
 *
 * Everything runs in ring 0, so an interrupt normally lands on the
 * current task's stack.  Three vectors get their own stacks through the
 * TSS's interrupt stack table: a double fault, an NMI, and a page fault
 * (so running off a task stack into its guard page is reported as a
 * page fault with the guard address in CR2 rather than a triple fault).
 */
#include "kernel/kpriv.h"
#include "kernel/x86.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_entry {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;              /* 0x8e: present, DPL 0, interrupt gate */
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __attribute__((packed));

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS  0x18
#define IST_DF   1
#define IST_NMI  2
#define IST_PF   3
#define IST_BYTES 8192

static uint64_t gdt[5];
static struct tss tss;
static struct idt_entry idt[256];
static uint8_t ist_stacks[3][IST_BYTES] __attribute__((aligned(16)));
extern char trap_stubs[];

struct handler {
	irq_handler_fn fn;
	void *arg;
};
static struct handler handlers[256];

static const char *const exc_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FP error", "alignment check", "machine check",
	"SIMD FP error", "virtualization", "control protection", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "hypervisor injection",
	"VMM communication", "security", "reserved",
};

static void load_tables(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gp, ip;

	gp.limit = sizeof(gdt) - 1;
	gp.base = (uint64_t)gdt;
	__asm__ volatile("lgdt %0" :: "m"(gp));
	/* Reload CS with a far return, then the data segments and TR. */
	__asm__ volatile(
		"pushq %0\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w1, %%ds\n\t"
		"movw %w1, %%es\n\t"
		"movw %w1, %%ss\n\t"
		:: "i"(SEL_CODE), "r"(SEL_DATA) : "rax", "memory");
	__asm__ volatile("ltr %w0" :: "r"(SEL_TSS));

	ip.limit = sizeof(idt) - 1;
	ip.base = (uint64_t)idt;
	__asm__ volatile("lidt %0" :: "m"(ip));
}

void trap_init(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffull;   /* 64-bit code, DPL 0 */
	gdt[2] = 0x00cf92000000ffffull;   /* data, DPL 0 */
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;
	tss.ist[IST_DF - 1] = (uint64_t)ist_stacks[0] + IST_BYTES;
	tss.ist[IST_NMI - 1] = (uint64_t)ist_stacks[1] + IST_BYTES;
	tss.ist[IST_PF - 1] = (uint64_t)ist_stacks[2] + IST_BYTES;
	tss.iomap_base = sizeof(tss);

	for (int v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)trap_stubs + 16 * (uint64_t)v;
		idt[v].off_lo = a & 0xffff;
		idt[v].sel = SEL_CODE;
		idt[v].ist = v == 8 ? IST_DF : v == 2 ? IST_NMI : v == 14 ? IST_PF : 0;
		idt[v].type = 0x8e;
		idt[v].off_mid = (a >> 16) & 0xffff;
		idt[v].off_hi = a >> 32;
		idt[v].zero = 0;
	}
	load_tables();
}

void trap_set_handler(unsigned vec, irq_handler_fn fn, void *arg)
{
	handlers[vec].arg = arg;
	handlers[vec].fn = fn;
}

static noreturn void exception(struct trapframe *tf)
{
	uint64_t cr2 = read_cr2();
	kprintf("\nexception %lu (%s), error code %#lx\n", tf->vec, exc_names[tf->vec], tf->err);
	kprintf("  RIP 0x%016lx  CS %#lx  RFLAGS %#lx  RSP 0x%016lx\n", tf->rip, tf->cs, tf->rflags, tf->rsp);
	kprintf("  CR2 0x%016lx  CR3 %#lx\n", cr2, read_cr3());
	kprintf("  RAX 0x%016lx  RBX 0x%016lx  RCX 0x%016lx  RDX 0x%016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	kprintf("  RSI 0x%016lx  RDI 0x%016lx  RBP 0x%016lx\n", tf->rsi, tf->rdi, tf->rbp);
	kprintf("  R8  0x%016lx  R9  0x%016lx  R10 0x%016lx  R11 0x%016lx\n", tf->r8, tf->r9, tf->r10, tf->r11);
	kprintf("  R12 0x%016lx  R13 0x%016lx  R14 0x%016lx  R15 0x%016lx\n", tf->r12, tf->r13, tf->r14, tf->r15);
	if (tf->vec == 14)
		kprintf("  page fault: %s %s of %s page%s\n",
			(tf->err & 16) ? "instruction fetch" : "access",
			(tf->err & 2) ? "(write)" : "(read)",
			(tf->err & 1) ? "a protected" : "an unmapped",
			(tf->err & 8) ? " (reserved bit)" : "");
	struct task *t = task_current();
	kprintf("  task: %s\n", t ? task_name(t) : "(boot)");
	backtrace_from(tf->rbp);
	panic("unhandled exception");
}

void trap_dispatch(struct trapframe *tf)
{
	unsigned v = (unsigned)tf->vec;
	if (v < 32)
		exception(tf);
	if (v == VEC_SPURIOUS)
		return;                  /* no EOI for the spurious vector */
	if (v == VEC_TIMER)
		timer_tick();
	else if (handlers[v].fn)
		handlers[v].fn(handlers[v].arg);
	lapic_eoi();
	/* EOI first: the task we may switch to must not run with this
	 * vector still in service. */
	sched_irq_exit();
}
