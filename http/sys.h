/*
 * http/sys.h - what the HTTP server needs from whoever hosts it, beyond
 * net/sys.h (memory, logging).
 *
 * The kernel implements these in kernel/httpglue.c; host tests define
 * their own (a fake clock), so http/ never includes a kernel header.
 */
#ifndef HTTP_SYS_H
#define HTTP_SYS_H

#include <stddef.h>
#include <stdint.h>

uint64_t http_now_ms(void);         /* monotonic milliseconds since boot */
size_t http_free_pages(void);       /* free physical pages, for /api/stats.json */
size_t http_total_pages(void);      /* all physical pages the allocator manages */
int http_access_log_enabled(void);  /* 1: one serial line per response (boot
                                       option accesslog=0 turns it off) */

#endif
