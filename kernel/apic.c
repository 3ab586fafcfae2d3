/*
 * kernel/apic.c - local APIC, IOAPICs and irq_register_gsi.
 *
 * The 8259 pair is masked; every device interrupt comes through an IOAPIC
 * redirection entry (level-triggered, active high, fixed delivery to this
 * CPU) to a vector of its own, and is acknowledged with a LAPIC EOI
 * (which the xAPIC broadcasts to the IOAPICs, re-arming the level line).
 */
#include "kernel/kpriv.h"
#include "kernel/platform.h"
#include "kernel/x86.h"

#define LAPIC_ID     0x020
#define LAPIC_TPR    0x080
#define LAPIC_EOI    0x0b0
#define LAPIC_SVR    0x0f0
#define LAPIC_LINT0  0x350
#define LAPIC_LINT1  0x360
#define LAPIC_ERROR  0x370
#define LVT_MASKED   (1u << 16)
#define SVR_ENABLE   (1u << 8)
#define MSR_APIC_BASE 0x1b

#define IOREGSEL     0x00
#define IOWIN        0x10
#define IOAPIC_VER   0x01
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define REDIR_LEVEL  (1u << 15)
#define REDIR_MASKED (1u << 16)

#define CHAIN_MAX    4          /* handlers sharing one GSI */

static volatile uint32_t *lapic;
static unsigned ioapic_pins[MAX_IOAPICS];
static uint32_t my_apic_id;

struct gsi_route {
	unsigned gsi;
	unsigned vec;
	unsigned n;
	struct { irq_handler_fn fn; void *arg; } h[CHAIN_MAX];
};
static struct gsi_route routes[VEC_IRQ_LAST - VEC_IRQ_FIRST + 1];
static unsigned nroutes;

uint32_t lapic_read(uint32_t reg) { return lapic[reg / 4]; }
void lapic_write(uint32_t reg, uint32_t v) { lapic[reg / 4] = v; }
void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

static uint32_t ioapic_read(unsigned i, uint32_t reg)
{
	volatile uint32_t *b = (volatile uint32_t *)(uintptr_t)ioapics[i].addr;
	b[IOREGSEL / 4] = reg;
	return b[IOWIN / 4];
}

static void ioapic_write(unsigned i, uint32_t reg, uint32_t v)
{
	volatile uint32_t *b = (volatile uint32_t *)(uintptr_t)ioapics[i].addr;
	b[IOREGSEL / 4] = reg;
	b[IOWIN / 4] = v;
}

void apic_init(void)
{
	/* Mask both 8259s: stray legacy interrupts would land on vectors
	 * 8-15 and look like exceptions. */
	outb(PLATFORM_PIC1_DATA, 0xff);
	outb(PLATFORM_PIC2_DATA, 0xff);

	uint64_t base = rdmsr(MSR_APIC_BASE);
	if ((base & ~0xfffull & 0xffffffffffull) != PLATFORM_LAPIC_BASE)
		panic("lapic: not at the expected address");
	wrmsr(MSR_APIC_BASE, base | (1u << 11));          /* global enable */
	lapic = (volatile uint32_t *)(uintptr_t)PLATFORM_LAPIC_BASE;
	my_apic_id = lapic_read(LAPIC_ID) >> 24;
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LINT1, LVT_MASKED);
	lapic_write(LAPIC_ERROR, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);

	for (unsigned i = 0; i < n_ioapics; i++) {
		ioapic_pins[i] = ((ioapic_read(i, IOAPIC_VER) >> 16) & 0xff) + 1;
		for (unsigned p = 0; p < ioapic_pins[i]; p++) {
			ioapic_write(i, IOAPIC_REDIR(p), REDIR_MASKED);
			ioapic_write(i, IOAPIC_REDIR(p) + 1, 0);
		}
	}
	kprintf("apic: lapic id %u, %u ioapic(s), %u pins\n", my_apic_id, n_ioapics,
		ioapic_pins[0] + (n_ioapics > 1 ? ioapic_pins[1] : 0));
}

/* Runs every handler sharing the GSI: each checks its own device. */
static void route_dispatch(void *arg)
{
	struct gsi_route *r = arg;
	for (unsigned i = 0; i < r->n; i++)
		r->h[i].fn(r->h[i].arg);
}

int irq_register_gsi(unsigned gsi, irq_handler_fn fn, void *arg)
{
	unsigned which = n_ioapics;
	for (unsigned i = 0; i < n_ioapics; i++)
		if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapic_pins[i])
			which = i;
	if (which == n_ioapics || !fn)
		return -1;

	uint64_t f = irq_save();
	struct gsi_route *r = NULL;
	for (unsigned i = 0; i < nroutes; i++)
		if (routes[i].gsi == gsi)
			r = &routes[i];
	if (r) {
		if (r->n == CHAIN_MAX) {
			irq_restore(f);
			return -1;
		}
		r->h[r->n].fn = fn;
		r->h[r->n].arg = arg;
		r->n++;
		irq_restore(f);
		return 0;
	}
	if (nroutes == sizeof(routes) / sizeof(routes[0])) {
		irq_restore(f);
		return -1;
	}
	r = &routes[nroutes];
	r->gsi = gsi;
	r->vec = VEC_IRQ_FIRST + nroutes;
	r->h[0].fn = fn;
	r->h[0].arg = arg;
	r->n = 1;
	nroutes++;
	trap_set_handler(r->vec, route_dispatch, r);
	unsigned pin = gsi - ioapics[which].gsi_base;
	ioapic_write(which, IOAPIC_REDIR(pin) + 1, my_apic_id << 24);
	ioapic_write(which, IOAPIC_REDIR(pin), r->vec | REDIR_LEVEL);   /* active high, unmasked */
	irq_restore(f);
	kprintf("irq: gsi %u -> vector %#x (ioapic %u pin %u)\n", gsi, r->vec, ioapics[which].id, pin);
	return 0;
}
