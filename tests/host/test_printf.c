/*
 * tests/host/test_printf.c - kernel/printf.c against the C library's
 * printf for the same formats, plus truncation and the kernel's own
 * choices (unknown conversions printed verbatim, NULL strings).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <limits.h>
#include "check.h"
#include "kernel/printf.h"

/* Format with both and compare (the formats used are ones where the
 * kernel promises libc's behaviour). */
static int same_(const char *fmt, ...)
{
	char a[256], b[256];
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int na = kvsnprintf(a, sizeof(a), fmt, ap);
	int nb = vsnprintf(b, sizeof(b), fmt, aq);
	va_end(aq);
	va_end(ap);
	if (na != nb || strcmp(a, b)) {
		printf("  fmt \"%s\": kernel \"%s\" (%d) libc \"%s\" (%d)\n", fmt, a, na, b, nb);
		return 0;
	}
	return 1;
}
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#define SAME(...) CHECK(same_(__VA_ARGS__))

static void test_integers(void)
{
	SAME("%d %i %u", 0, -1, 4000000000u);
	SAME("%d %d", INT_MIN, INT_MAX);
	SAME("%ld %lu", LONG_MIN, ULONG_MAX);
	SAME("%lld %llu", LLONG_MIN, ULLONG_MAX);
	SAME("%zu %zd", (size_t)SIZE_MAX, (ssize_t)-5);
	SAME("%x %X %lx %llX", 0xdeadbeefu, 0xabcdefu, 0x123456789abcdefUL, 0xfedcba9876543210ULL);
	SAME("%hd %hu %hhd %hhu", (short)-2, (unsigned short)65535, (signed char)-3, (unsigned char)250);
	SAME("%o", 8);
}

static void test_width_flags(void)
{
	SAME("[%5d] [%-5d] [%05d] [%-05d]", 42, 42, 42, 42);
	SAME("[%5d] [%05d] [%+d] [% d]", -42, -42, 42, 42);
	SAME("[%08x] [%8x] [%-8x|]", 0xbeef, 0xbeef, 0xbeef);
	SAME("[%#x] [%#X] [%#010x] [%#x]", 255, 255, 255, 0);
	SAME("[%*d] [%-*d] [%*d]", 6, 1, 6, 2, -6, 3);
	SAME("[%.3d] [%8.3d] [%-8.3d] [%.0d]", 7, 7, 7, 0);
	SAME("[%016lx]", 0x1234UL);
	SAME("[%1d] [%0d]", 12345, 12345);
}

static void test_strings_chars(void)
{
	SAME("[%s] [%10s] [%-10s] [%.2s] [%*.*s]", "abc", "abc", "abc", "abc", 6, 1, "xyz");
	SAME("[%c] [%3c] [%-3c] [%%]", 'a', 'b', 'c');
	SAME("%s%s%s", "", "x", "");
	char buf[32];
	ksnprintf(buf, sizeof(buf), "%s", (const char *)NULL);
	CHECK_STR(buf, "(null)");
}

static void test_pointer(void)
{
	char buf[64];
	ksnprintf(buf, sizeof(buf), "%p", (void *)0x1234abcdUL);
	CHECK_STR(buf, "0x1234abcd");
	ksnprintf(buf, sizeof(buf), "%p", (void *)0);
	CHECK_STR(buf, "0x0");
	ksnprintf(buf, sizeof(buf), "%18p|", (void *)0xffUL);
	CHECK_STR(buf, "              0xff|");
}

static void test_truncation(void)
{
	char buf[8];
	memset(buf, 'Z', sizeof(buf));
	int n = ksnprintf(buf, sizeof(buf), "%s-%d", "hello", 12345);
	CHECK_EQ(n, 11);                 /* what it would have written */
	CHECK_STR(buf, "hello-1");       /* always terminated */
	memset(buf, 'Z', sizeof(buf));
	n = ksnprintf(buf, 1, "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(buf[0], 0);
	CHECK_EQ(buf[1], 'Z');           /* nothing past size */
	n = ksnprintf(NULL, 0, "%d", 123456);
	CHECK_EQ(n, 6);
	n = ksnprintf(buf, sizeof(buf), "1234567");
	CHECK_EQ(n, 7);
	CHECK_STR(buf, "1234567");
}

static void test_unknown_conversion(void)
{
	char buf[32];
	ksnprintf(buf, sizeof(buf), "a%qb");
	CHECK_STR(buf, "a%qb");
	ksnprintf(buf, sizeof(buf), "end%");
	CHECK_STR(buf, "end%");
}

struct collect { char s[64]; int n; };
static void put(char c, void *ctx)
{
	struct collect *k = ctx;
	if (k->n < 63)
		k->s[k->n++] = c;
}
static int fmt_cb(struct collect *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvformat(put, k, fmt, ap);
	va_end(ap);
	return n;
}

static void test_callback(void)
{
	struct collect k = { {0}, 0 };
	int n = fmt_cb(&k, "x=%d y=%s\n", 5, "ok");
	CHECK_EQ(n, 9);
	CHECK_EQ(k.n, 9);
	CHECK(memcmp(k.s, "x=5 y=ok\n", 9) == 0);
}

int main(void)
{
	RUN(test_integers);
	RUN(test_width_flags);
	RUN(test_strings_chars);
	RUN(test_pointer);
	RUN(test_truncation);
	RUN(test_unknown_conversion);
	RUN(test_callback);
	return check_done();
}
