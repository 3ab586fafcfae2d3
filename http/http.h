/*
 * http/http.h - the static-site HTTP/1.1 server, as the kernel sees it.
 */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <stdint.h>

/* Listen on `port` (80 in the kernel) and serve the baked site; logs
 * `http: listening on :80 (N assets, B bytes)`.  0 ok, -1 on failure. */
int http_start(uint16_t port, uint64_t now_ms);

#endif
