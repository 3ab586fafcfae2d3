/*
 * kernel/printf.h - the pure formatting core (kernel and host).
 * kernel.h declares kvsnprintf/ksnprintf for everyone; this adds the
 * callback form console.c streams through, so kprintf has no line limit.
 */
#ifndef KERNEL_PRINTF_H
#define KERNEL_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

int kvformat(void (*put)(char c, void *ctx), void *ctx, const char *fmt, va_list ap);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
