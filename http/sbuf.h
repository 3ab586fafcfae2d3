/*
 * http/sbuf.h - appending text to a fixed buffer without overrunning it.
 *
 * No snprintf in http/ (it builds freestanding): these append and remember
 * whether anything did not fit, so callers check once at the end.
 */
#ifndef HTTP_SBUF_H
#define HTTP_SBUF_H

#include <stdint.h>
#include <stddef.h>
#include "net/sys.h"

struct sbuf {
	char *p;
	size_t len, cap;
	int overflow;       /* something did not fit: the text is cut short */
};

static inline void sb_init(struct sbuf *s, char *p, size_t cap)
{
	s->p = p;
	s->len = 0;
	s->cap = cap;
	s->overflow = 0;
}

static inline void sb_put(struct sbuf *s, const char *d, size_t n)
{
	if (n > s->cap - s->len) {
		n = s->cap - s->len;
		s->overflow = 1;
	}
	memcpy(s->p + s->len, d, n);
	s->len += n;
}

static inline void sb_puts(struct sbuf *s, const char *str)
{
	sb_put(s, str, strlen(str));
}

static inline void sb_putu(struct sbuf *s, uint64_t v)
{
	char t[20];
	int i = 20;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_put(s, t + i, (size_t)(20 - i));
}

static inline void sb_puthex(struct sbuf *s, uint64_t v, int digits)
{
	char t[16];
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		t[i] = "0123456789abcdef"[v & 15];
	sb_put(s, t, (size_t)digits);
}

#endif
