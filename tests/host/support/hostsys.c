/*
 * tests/host/support/hostsys.c - net/sys.h for host tests and fuzzers.
 * See hostsys.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "net/sys.h"
#include "hostsys.h"

static long outstanding;
static long fail_after = -1;
static uint32_t rng = 0x12345678u;
static int capture, quiet;
static char logbuf[1 << 16];
static size_t loglen;

void *net_malloc(size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	void *p = malloc(n ? n : 1);
	if (p)
		outstanding++;
	return p;
}

void net_free(void *p)
{
	if (!p)
		return;
	outstanding--;
	free(p);
}

long hostsys_outstanding(void) { return outstanding; }
void hostsys_fail_malloc_after(long n) { fail_after = n; }

void hostsys_seed(uint32_t seed) { rng = seed ? seed : 1; }

uint32_t net_random32(void)
{
	/* xorshift32: deterministic, so a failing test replays exactly. */
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

void net_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	if (quiet)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (!capture || getenv("HOSTSYS_VERBOSE"))
		fputs(line, stdout);
	if (capture) {
		/* Keep the newest text when the buffer fills. */
		if (loglen + (size_t)n + 1 > sizeof(logbuf))
			loglen = 0;
		memcpy(logbuf + loglen, line, (size_t)n);
		loglen += (size_t)n;
		logbuf[loglen] = 0;
	}
}

void hostsys_log_capture(int on) { capture = on; }
void hostsys_log_quiet(int on) { quiet = on; }
void hostsys_log_clear(void) { loglen = 0; logbuf[0] = 0; }
const char *hostsys_log(void) { return logbuf; }
int hostsys_log_contains(const char *needle) { return strstr(logbuf, needle) != NULL; }

unsigned hostsys_log_count(const char *needle)
{
	unsigned n = 0;
	size_t k = strlen(needle);
	for (const char *s = logbuf; k && (s = strstr(s, needle)); s += k)
		n++;
	return n;
}
