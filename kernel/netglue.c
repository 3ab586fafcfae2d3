/*
 * kernel/netglue.c - what net/ asks of its host (net/sys.h), provided by
 * the kernel: memory from the kernel heap, randomness from the CPU, and
 * log lines on the serial console.
 */
#include "kernel/kernel.h"
#include "kernel/x86.h"
#include "net/sys.h"

void *net_malloc(size_t n) { return kmalloc(n); }
void net_free(void *p) { kfree(p); }

/*
 * Randomness for ISNs, ephemeral ports, ARP jitter.  RDRAND when CPUID
 * advertises it (QEMU's default TCG CPU model does not); otherwise the TSC,
 * whose low bits move with every interrupt and exit, folded into a
 * running state through a 64-bit mixer (splitmix64's finaliser), so two
 * calls in the same cycle still differ.  Not cryptographic without RDRAND;
 * good enough that off-path guessing of an ISN is not a table lookup.
 */
static int rdrand_state;   /* 0 unknown, 1 yes, -1 no */
static uint64_t mix_state;

static int have_rdrand(void)
{
	if (!rdrand_state) {
		uint32_t a, b, c, d;
		cpuid(1, &a, &b, &c, &d);
		rdrand_state = (c & (1u << 30)) ? 1 : -1;
	}
	return rdrand_state > 0;
}

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t net_random32(void)
{
	if (have_rdrand()) {
		/* RDRAND may transiently fail (CF=0); the SDM suggests 10 tries. */
		for (int i = 0; i < 10; i++) {
			uint32_t v;
			uint8_t ok;
			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) :: "cc");
			if (ok)
				return v;
		}
	}
	mix_state += 0x9e3779b97f4a7c15ull ^ rdtsc();
	return (uint32_t)(mix64(mix_state) >> 16);
}

void net_log(const char *fmt, ...)
{
	/* `net: stats` lines are the longest callers: a few hundred bytes. */
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	console_write(buf, (size_t)n);
}
