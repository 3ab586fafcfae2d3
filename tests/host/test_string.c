/*
 * tests/host/test_string.c - kernel/string.c (x86-64 inline asm, so it
 * runs on the host too) against a byte-at-a-time model: every length
 * 0..70 and every source/destination alignment, overlapping moves both
 * ways, and memset's byte replication.  The kernel's functions are
 * renamed here so they do not collide with libc's.
 */
#include <stdio.h>
#include <stdlib.h>
#include "check.h"

#define memcpy k_memcpy
#define memmove k_memmove
#define memset k_memset
#define memcmp k_memcmp
#define strlen k_strlen
#define strcmp k_strcmp
#define strncmp k_strncmp
#include "../../kernel/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strcmp
#undef strncmp

static unsigned char a[256], b[256], model[256];

static void fill(unsigned char *p, int seed)
{
	for (int i = 0; i < 256; i++)
		p[i] = (unsigned char)(i * 7 + seed);
}

static void test_memcpy(void)
{
	int bad = 0;
	for (int n = 0; n <= 70; n++)
		for (int so = 0; so < 8; so++)
			for (int dof = 0; dof < 8; dof++) {
				fill(a, 1);
				fill(b, 99);
				memcpy(model, b, 256);
				for (int i = 0; i < n; i++)
					model[dof + 16 + i] = a[so + 16 + i];
				void *r = k_memcpy(b + dof + 16, a + so + 16, (size_t)n);
				if (r != b + dof + 16 || memcmp(b, model, 256))
					bad++;
			}
	CHECK_EQ(bad, 0);
}

static void test_memmove_overlap(void)
{
	int bad = 0;
	for (int n = 0; n <= 70; n++)
		for (int shift = -17; shift <= 17; shift++) {
			fill(b, 5);
			memcpy(model, b, 256);
			int src = 80, dst = 80 + shift;
			memmove(model + dst, model + src, (size_t)n);   /* libc as the model */
			void *r = k_memmove(b + dst, b + src, (size_t)n);
			if (r != b + dst || memcmp(b, model, 256))
				bad++;
		}
	CHECK_EQ(bad, 0);
	/* The direction flag is clear again afterwards (the ABI needs it). */
	unsigned long flags;
	k_memmove(b + 10, b, 50);
	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	CHECK_EQ(flags & 0x400, 0);
}

static void test_memset(void)
{
	int bad = 0;
	for (int n = 0; n <= 70; n++)
		for (int off = 0; off < 8; off++) {
			fill(b, 3);
			memcpy(model, b, 256);
			memset(model + off + 8, 0xa5, (size_t)n);
			void *r = k_memset(b + off + 8, 0x1a5, (size_t)n);   /* only the low byte counts */
			if (r != b + off + 8 || memcmp(b, model, 256))
				bad++;
		}
	CHECK_EQ(bad, 0);
}

static void test_compare(void)
{
	CHECK(k_memcmp("abc", "abd", 3) < 0);
	CHECK(k_memcmp("abd", "abc", 3) > 0);
	CHECK_EQ(k_memcmp("abc", "abd", 2), 0);
	CHECK(k_memcmp("\xff", "\x01", 1) > 0);     /* unsigned bytes */
	CHECK_EQ(k_strlen(""), 0);
	CHECK_EQ(k_strlen("hello"), 5);
	CHECK_EQ(k_strcmp("a", "a"), 0);
	CHECK(k_strcmp("a", "ab") < 0);
	CHECK(k_strcmp("b", "ab") > 0);
	CHECK_EQ(k_strncmp("abcx", "abcy", 3), 0);
	CHECK(k_strncmp("abcx", "abcy", 4) < 0);
	CHECK_EQ(k_strncmp("ab", "ab", 10), 0);
}

int main(void)
{
	RUN(test_memcpy);
	RUN(test_memmove_overlap);
	RUN(test_memset);
	RUN(test_compare);
	return check_done();
}
