/*
 * kernel/string.c - the freestanding string functions (the host build
 * uses libc's).  Bulk copies use rep movsq/stosq, then bytes: under QEMU's
 * TCG each string-instruction iteration costs about the same whatever its
 * width, so movsq copies a 1460-byte segment 8x faster than movsb (0.55 us
 * vs 4.3 us measured here).  Inline asm also keeps the compiler from
 * turning these loops back into calls to themselves.
 */
#include "kernel/kernel.h"

void *memcpy(void *d, const void *s, size_t n)
{
	void *ret = d;
	size_t q = n / 8, r = n % 8;
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) :: "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(r) :: "memory");
	return ret;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	if (n == 0 || dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	/* Overlap with dst above src: copy backwards, the odd tail bytes
	 * first, then whole qwords. */
	size_t q = n / 8, r = n % 8;
	dp += n - 1;
	sp += n - 1;
	__asm__ volatile("std; rep movsb" : "+D"(dp), "+S"(sp), "+c"(r) :: "memory");
	dp -= 7;
	sp -= 7;
	__asm__ volatile("rep movsq; cld" : "+D"(dp), "+S"(sp), "+c"(q) :: "memory");
	return d;
}

void *memset(void *d, int c, size_t n)
{
	void *ret = d;
	uint64_t v = (uint8_t)c * 0x0101010101010101ull;
	size_t q = n / 8, r = n % 8;
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(v) : "memory");
	return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
