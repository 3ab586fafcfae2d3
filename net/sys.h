/*
 * net/sys.h - what the stack needs from whoever hosts it.
 *
 * The kernel implements these in kernel/netglue.c; the host tests in
 * tests/host/hostsys.c.  net/ includes nothing else from outside itself,
 * so it builds and runs unchanged on the host with a fake clock.
 */
#ifndef NET_SYS_H
#define NET_SYS_H

#include <stddef.h>
#include <stdint.h>

void *net_malloc(size_t n);          /* NULL when out of memory: caller counts it */
void net_free(void *p);
uint32_t net_random32(void);         /* unpredictable enough for ISN keys, ports */
void net_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* freestanding string helpers; the kernel provides them, libc on the host */
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
