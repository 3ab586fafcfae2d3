/*
 * kernel/kernel.h - every cross-file kernel prototype, grouped by file
 * (the xv6 habit).  Drivers and the network glue use only what is here.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

#define noreturn __attribute__((noreturn))
#define PAGE_SIZE 4096ul
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))

/* string.c */
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* printf.c (also built on the host) */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* console.c */
void console_init(void);
void console_write(const char *s, size_t n);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void panic_at(const char *label, const char *file, int line);
#define panic(label) panic_at((label), __FILE__, __LINE__)
int kvprintf(const char *fmt, va_list ap);

/* pmm.c: physical pages from the PVH memory map (identity-mapped) */
void *pmm_alloc(void);                  /* one zeroed page, NULL if none */
void *pmm_alloc_contig(size_t npages);  /* physically contiguous, zeroed */
void pmm_free(void *page);              /* double free panics */
void pmm_free_contig(void *p, size_t npages);
size_t pmm_total_pages(void);
size_t pmm_free_pages(void);

/* heap.c */
void *kmalloc(size_t n);                /* 16-byte aligned, NULL if none */
void kfree(void *p);

/* paging.c */
/* Identity-map a device window uncached (idempotent). */
void paging_map_mmio(uint64_t phys, uint64_t len);

/* irq (apic.c / trap.c) */
typedef void (*irq_handler_fn)(void *arg);
/* Route a GSI (level-triggered, active high) to a fresh vector on the
 * IOAPIC that owns it and call fn(arg) in interrupt context; the caller
 * does the device ack, the kernel sends the LAPIC EOI.  0 ok, -1 if no
 * IOAPIC has that GSI. */
int irq_register_gsi(unsigned gsi, irq_handler_fn fn, void *arg);

/* timer.c */
uint64_t now_ms(void);
uint64_t now_us(void);

/* sched.c */
struct task;
struct task *task_create(const char *name, void (*fn)(void *), void *arg);
void yield(void);
void sleep_ms(uint64_t ms);
/* An event a task can block on until an interrupt handler (or another
 * task) signals it.  Signals are remembered until consumed, so a signal
 * between "checked the ring" and "went to sleep" is never lost. */
struct event {
	volatile int pending;
	struct task *waiter;
};
void event_init(struct event *e);
void event_signal(struct event *e);     /* safe from interrupt context */
/* Block until signalled or until now_ms() >= deadline_ms (UINT64_MAX =
 * no deadline). Returns 1 if signalled, 0 on timeout. */
int event_wait(struct event *e, uint64_t deadline_ms);

/* cmdline.c */
/* Value of key=value from the boot command line; NULL if absent. */
const char *cmdline_get(const char *key);
const char *cmdline_raw(void);

/* platform.c: what QEMU microvm puts where, in one place */
struct virtio_mmio_slot {
	uint64_t base;      /* physical address of the 512-byte register window */
	unsigned gsi;       /* its interrupt line */
};
/* Fill up to max slots (all candidate windows, present or not, already
 * mapped); returns how many. */
unsigned platform_virtio_slots(struct virtio_mmio_slot *out, unsigned max);
/* Exit QEMU via isa-debug-exit if present (status (code<<1)|1), else halt. */
noreturn void platform_exit(int code);
/* platform_exit codes (QEMU exits with (code << 1) | 1). */
#define EXIT_OK     0
#define EXIT_FAIL   1
#define EXIT_PANIC  3   /* panic() and unhandled exceptions: QEMU status 7 */

/* netmain.c: wires the NIC driver, the stack and HTTP; creates the
 * network task(s).  Called by kmain once the kernel is up. */
void netmain_start(void);

#endif
