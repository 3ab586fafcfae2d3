/*
 * kernel/platform.h - where QEMU's microvm machine puts things.  Every
 * fixed physical address, port and interrupt-line convention the kernel
 * relies on lives here and only here (as measured on QEMU 7.2, see
 * /work/shared/DESIGN.md).  Everything that can be discovered at run time
 * (RAM from the PVH memory map, IOAPICs from the ACPI MADT, virtio slots
 * from the command line) is discovered; these are the fallbacks and the
 * fixed windows.
 */
#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

/* 16550 UART, COM1. */
#define PLATFORM_COM1            0x3f8

/* isa-debug-exit (-device isa-debug-exit,iobase=0xf4,iosize=4):
 * writing v makes QEMU exit with status (v << 1) | 1. */
#define PLATFORM_DEBUG_EXIT_PORT 0xf4

/* Local APIC (xAPIC; no x2APIC, no TSC-deadline under TCG). */
#define PLATFORM_LAPIC_BASE      0xfee00000ull

/* IOAPICs.  With ACPI (the default) the MADT lists two: 0xfec00000
 * (GSI 0-23) and 0xfec10000 (GSI 24-47).  With acpi=off there is no MADT
 * and only the first exists. */
#define PLATFORM_IOAPIC0_BASE    0xfec00000ull
#define PLATFORM_IOAPIC1_BASE    0xfec10000ull
#define PLATFORM_IOAPIC_SIZE     0x1000ull

/* virtio-mmio transports: 512-byte windows from 0xfeb00000; QEMU fills
 * them from the top slot down.  Slot n's interrupt is GSI 24 + n on the
 * second IOAPIC when ACPI is on, GSI 5 + n on the only one with
 * acpi=off (where QEMU also passes virtio_mmio.device=512@ADDR:GSI on the
 * command line, which wins when present). */
#define PLATFORM_VIRTIO_BASE     0xfeb00000ull
#define PLATFORM_VIRTIO_SLOT     512ull
#define PLATFORM_VIRTIO_SLOTS    32u
#define PLATFORM_VIRTIO_GSI_ACPI    24u
#define PLATFORM_VIRTIO_GSI_NOACPI  5u

/* i8254 PIT: the only fixed-frequency clock to calibrate against.
 * Channel 2's gate is not wired on microvm, so channel 0 is used. */
#define PLATFORM_PIT_HZ          1193182u
#define PLATFORM_PIT_CH0         0x40
#define PLATFORM_PIT_CMD         0x43

/* The legacy 8259 pair, masked so only the IOAPICs deliver. */
#define PLATFORM_PIC1_DATA       0x21
#define PLATFORM_PIC2_DATA       0xa1

#endif
