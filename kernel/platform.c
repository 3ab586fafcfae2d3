/*
 * kernel/platform.c - microvm's device windows and the test exit.
 * The constants are in platform.h; this is the logic that picks between
 * the command line and the conventions.
 */
#include "kernel/kpriv.h"
#include "kernel/cmdline_parse.h"
#include "kernel/platform.h"
#include "kernel/x86.h"

unsigned platform_virtio_slots(struct virtio_mmio_slot *out, unsigned max)
{
	/* The convention first: with ACPI, the virtio lines are on the
	 * IOAPIC whose GSIs start at 24; without, on the only one from 5. */
	unsigned gsi0 = PLATFORM_VIRTIO_GSI_NOACPI;
	for (unsigned i = 0; i < n_ioapics; i++)
		if (ioapics[i].gsi_base == PLATFORM_VIRTIO_GSI_ACPI)
			gsi0 = PLATFORM_VIRTIO_GSI_ACPI;
	unsigned n = max < PLATFORM_VIRTIO_SLOTS ? max : PLATFORM_VIRTIO_SLOTS;
	for (unsigned s = 0; s < n; s++) {
		out[s].base = PLATFORM_VIRTIO_BASE + s * PLATFORM_VIRTIO_SLOT;
		out[s].gsi = gsi0 + s;
	}
	/* What QEMU wrote on the command line wins. */
	const char *v;
	for (unsigned k = 0; (v = cmdline_get_nth("virtio_mmio.device", k)); k++) {
		uint64_t size, base;
		unsigned irq;
		if (cmdline_parse_virtio_mmio(v, &size, &base, &irq)) {
			kprintf("platform: bad virtio_mmio.device=%s (ignored)\n", v);
			continue;
		}
		if (base < PLATFORM_VIRTIO_BASE || (base - PLATFORM_VIRTIO_BASE) % PLATFORM_VIRTIO_SLOT ||
		    (base - PLATFORM_VIRTIO_BASE) / PLATFORM_VIRTIO_SLOT >= n) {
			kprintf("platform: virtio_mmio.device=%s outside the window (ignored)\n", v);
			continue;
		}
		out[(base - PLATFORM_VIRTIO_BASE) / PLATFORM_VIRTIO_SLOT].gsi = irq;
	}
	return n;
}

noreturn void platform_exit(int code)
{
	cli();
	outl(PLATFORM_DEBUG_EXIT_PORT, (uint32_t)code);
	/* No isa-debug-exit device: stop here. */
	for (;;)
		hlt();
}
