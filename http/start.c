/*
 * http/start.c - http_start(): the kernel's one call into http/.
 *
 * Apart from server.c so host tests can start a server on a hand-built
 * site without linking the baked one.
 */
#include "http.h"
#include "server.h"
#include "sys.h"
#include "net/sys.h"

int http_start(uint16_t port, uint64_t now_ms)
{
	const struct content_table *t = content_baked();
	http_set_access_log(http_access_log_enabled());
	if (http_server_start(port, t, now_ms) < 0) {
		net_log("http: cannot listen on :%u\n", port);
		return -1;
	}
	net_log("http: listening on :%u (%u assets, %llu bytes)\n", port, t->count,
		(unsigned long long)t->total);
	return 0;
}
