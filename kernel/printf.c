/*
 * kernel/printf.c - formatted output, pure (also built on the host and
 * tested there by tests/host/test_printf.c).
 *
 * Supports %d %i %u %x %X %o %p %s %c %%, the flags '-' '0' '+' ' ',
 * a width and a precision (numbers or '*'), and the sizes hh h l ll z j t.
 * No floating point: the kernel is built with -mgeneral-regs-only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/printf.h"

struct out {
	void (*put)(char c, void *ctx);
	void *ctx;
	int n;                       /* characters produced so far */
};

static void emit(struct out *o, char c)
{
	o->put(c, o->ctx);
	o->n++;
}

static void pad(struct out *o, char c, int count)
{
	while (count-- > 0)
		emit(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

/* One integer conversion: digits, then sign/prefix, padding, precision. */
static void fmt_uint(struct out *o, uint64_t v, int neg, unsigned base, int upper,
		     int flags, int width, int prec, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int len = 0;

	if (v == 0 && prec != 0)
		tmp[len++] = '0';
	while (v) {
		tmp[len++] = digits[v % base];
		v /= base;
	}
	char sign = neg ? '-' : (flags & F_PLUS) ? '+' : (flags & F_SPACE) ? ' ' : 0;
	int plen = 0;
	while (prefix && prefix[plen])
		plen++;
	int zeros = prec > len ? prec - len : 0;
	int body = len + zeros + (sign ? 1 : 0) + plen;
	if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 && width > body) {
		zeros += width - body;
		body = width;
	}
	if (!(flags & F_LEFT))
		pad(o, ' ', width - body);
	if (sign)
		emit(o, sign);
	for (int i = 0; i < plen; i++)
		emit(o, prefix[i]);
	pad(o, '0', zeros);
	while (len)
		emit(o, tmp[--len]);
	if (flags & F_LEFT)
		pad(o, ' ', width - body);
}

int kvformat(void (*put)(char c, void *ctx), void *ctx, const char *fmt, va_list ap)
{
	struct out o = { put, ctx, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		const char *start = fmt++;
		int flags = 0, width = 0, prec = -1, size = 0;  /* size: -2 hh, -1 h, 1 l, 2 ll */
		for (;; fmt++) {
			if (*fmt == '-') flags |= F_LEFT;
			else if (*fmt == '0') flags |= F_ZERO;
			else if (*fmt == '+') flags |= F_PLUS;
			else if (*fmt == ' ') flags |= F_SPACE;
			else if (*fmt == '#') flags |= F_ALT;
			else break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		if (*fmt == 'h') {
			size = -1;
			if (*++fmt == 'h') {
				size = -2;
				fmt++;
			}
		} else if (*fmt == 'l') {
			size = 1;
			if (*++fmt == 'l') {
				size = 2;
				fmt++;
			}
		} else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') {
			size = 2;            /* size_t, intmax_t, ptrdiff_t: 64-bit here */
			fmt++;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v;
			if (size >= 1) v = size == 2 ? va_arg(ap, long long) : va_arg(ap, long);
			else v = va_arg(ap, int);
			if (size == -1) v = (short)v;
			if (size == -2) v = (signed char)v;
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			fmt_uint(&o, mag, v < 0, 10, 0, flags, width, prec, NULL);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uint64_t v;
			if (size >= 1) v = size == 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned long);
			else v = va_arg(ap, unsigned);
			if (size == -1) v = (unsigned short)v;
			if (size == -2) v = (unsigned char)v;
			unsigned base = *fmt == 'o' ? 8 : *fmt == 'u' ? 10 : 16;
			const char *prefix = NULL;
			if ((flags & F_ALT) && v && base == 16)
				prefix = *fmt == 'X' ? "0X" : "0x";
			fmt_uint(&o, v, 0, base, *fmt == 'X', flags & ~(F_PLUS | F_SPACE),
				 width, prec, prefix);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			fmt_uint(&o, v, 0, 16, 0, flags & ~(F_PLUS | F_SPACE), width, prec, "0x");
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!(flags & F_LEFT)) pad(&o, ' ', width - 1);
			emit(&o, c);
			if (flags & F_LEFT) pad(&o, ' ', width - 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int len = 0;
			while (s[len] && (prec < 0 || len < prec))
				len++;
			if (!(flags & F_LEFT)) pad(&o, ' ', width - len);
			for (int i = 0; i < len; i++)
				emit(&o, s[i]);
			if (flags & F_LEFT) pad(&o, ' ', width - len);
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		default:
			/* Unknown conversion: print it verbatim so the mistake shows. */
			for (const char *p = start; p <= fmt && *p; p++)
				emit(&o, *p);
			if (!*fmt)
				return o.n;
			break;
		}
	}
	return o.n;
}

struct bufctx {
	char *buf;
	size_t size, pos;
};

static void buf_put(char c, void *ctx)
{
	struct bufctx *b = ctx;
	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct bufctx b = { buf, size, 0 };
	int n = kvformat(buf_put, &b, fmt, ap);
	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
