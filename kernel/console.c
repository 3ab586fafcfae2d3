/*
 * kernel/console.c - COM1 (16550 at 0x3f8), kprintf and panic.
 *
 * Output is polled (the UART interrupt stays off): console output is for
 * boot messages, counters and errors, never per packet.  Lines end in
 * "\r\n" because QEMU puts the terminal in raw mode with -nographic.
 * A line is written with interrupts off so lines from different tasks
 * never interleave mid-line.
 */
#include "kernel/kpriv.h"
#include "kernel/platform.h"
#include "kernel/printf.h"
#include "kernel/x86.h"


#define UART_THR    0      /* transmit holding register */
#define UART_IER    1
#define UART_DLL    0      /* divisor latch, when LCR.DLAB = 1 */
#define UART_DLM    1
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define LSR_THRE    0x20   /* transmitter holding register empty */

/* A real UART drains a byte in ~87 us at 115200; QEMU's is always ready.
 * Bound the wait so a wedged UART slows the kernel but never hangs it. */
#define THRE_SPINS  100000

void console_init(void)
{
	outb(PLATFORM_COM1 + UART_IER, 0x00);
	outb(PLATFORM_COM1 + UART_LCR, 0x80);         /* DLAB on */
	outb(PLATFORM_COM1 + UART_DLL, 1);            /* 115200 baud */
	outb(PLATFORM_COM1 + UART_DLM, 0);
	outb(PLATFORM_COM1 + UART_LCR, 0x03);         /* 8N1, DLAB off */
	outb(PLATFORM_COM1 + UART_FCR, 0xc7);         /* FIFOs on and cleared */
	outb(PLATFORM_COM1 + UART_MCR, 0x03);         /* DTR, RTS */
}

static void uart_putc(char c)
{
	for (int i = 0; i < THRE_SPINS && !(inb(PLATFORM_COM1 + UART_LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(PLATFORM_COM1 + UART_THR, (uint8_t)c);
}

static void put_translated(char c, void *ctx)
{
	(void)ctx;
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
}

void console_write(const char *s, size_t n)
{
	uint64_t f = irq_save();
	for (size_t i = 0; i < n; i++)
		put_translated(s[i], NULL);
	irq_restore(f);
}

int kvprintf(const char *fmt, va_list ap)
{
	uint64_t f = irq_save();
	int n = kvformat(put_translated, NULL, fmt, ap);
	irq_restore(f);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* Walk saved frame pointers (the kernel keeps them) for a short trace. */
void backtrace_from(uint64_t rbp)
{
	kprintf("backtrace:");
	for (int i = 0; i < 12 && rbp >= 0x100000 && (rbp & 7) == 0; i++) {
		uint64_t *frame = (uint64_t *)rbp;
		if (!paging_is_mapped(rbp) || !paging_is_mapped(rbp + 8))
			break;
		if (frame[1] == 0)
			break;
		kprintf(" %#lx", frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	kprintf("\n");
}

noreturn void panic_at(const char *label, const char *file, int line)
{
	cli();
	kprintf("panic: %s (%s:%d)\n", label, file, line);
	backtrace_from((uint64_t)__builtin_frame_address(0));
	platform_exit(EXIT_PANIC);
}
