/*
 * http/stats_json.c - /api/stats.json.
 *
 *   {"uptime_ms":N,"free_pages":N,"total_pages":N,
 *    "requests":{"total":N,"1xx":N,"2xx":N,"3xx":N,"4xx":N,"5xx":N},
 *    "bytes_sent":N,
 *    "connections":{"current":N,"total":N,"refused":N},
 *    "assets":{"count":N,"bytes":N},
 *    "<group>":{"<counter>":N,...},     one object per stats group
 *    ...}
 *
 * Every registered stats group (tcp, ip, arp, virtio_net, pbuf, http, ...)
 * appears as a top-level object, so a new counter anywhere shows up here
 * without touching this file.  Only integers and identifier-like names:
 * no floating point (the kernel has none) and nothing to escape, but
 * names are escaped anyway in case one ever is not.
 */
#include "server.h"
#include "sys.h"
#include "sbuf.h"

/* The http counters live here, beside their only reader, so the pure
 * parts of http/ link without the connection layer. */
STATS_DEFINE(http, HTTP_STATS)

static void put_name(struct sbuf *s, const char *name)
{
	sb_put(s, "\"", 1);
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\') {
			sb_put(s, "\\", 1);
			sb_put(s, p, 1);
		} else if (c < 0x20) {
			sb_puts(s, "\\u00");
			sb_puthex(s, c, 2);
		} else {
			sb_put(s, p, 1);
		}
	}
	sb_puts(s, "\":");
}

static void put_kv(struct sbuf *s, const char *name, uint64_t v, int comma)
{
	if (comma)
		sb_put(s, ",", 1);
	put_name(s, name);
	sb_putu(s, v);
}

static const char *const reserved[] = {
	"uptime_ms", "free_pages", "total_pages", "requests", "bytes_sent",
	"connections", "assets",
};

static int is_reserved(const char *name)
{
	for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		size_t n = strlen(reserved[i]);
		if (strlen(name) == n && !memcmp(name, reserved[i], n))
			return 1;
	}
	return 0;
}

size_t http_stats_json(char *buf, size_t cap, const struct content_table *site,
		       uint64_t now, int *truncated)
{
	struct sbuf s;
	if (cap == 0) {
		*truncated = 1;
		return 0;
	}
	sb_init(&s, buf, cap - 1);
	sb_put(&s, "{", 1);
	put_kv(&s, "uptime_ms", now, 0);
	put_kv(&s, "free_pages", http_free_pages(), 1);
	put_kv(&s, "total_pages", http_total_pages(), 1);
	sb_puts(&s, ",\"requests\":{");
	put_kv(&s, "total", http_stats.requests, 0);
	put_kv(&s, "1xx", http_stats.status_1xx, 1);
	put_kv(&s, "2xx", http_stats.status_2xx, 1);
	put_kv(&s, "3xx", http_stats.status_3xx, 1);
	put_kv(&s, "4xx", http_stats.status_4xx, 1);
	put_kv(&s, "5xx", http_stats.status_5xx, 1);
	sb_puts(&s, "}");
	put_kv(&s, "bytes_sent", http_stats.bytes_sent, 1);
	sb_puts(&s, ",\"connections\":{");
	put_kv(&s, "current", http_stats.conn_current, 0);
	put_kv(&s, "total", http_stats.conn_total, 1);
	put_kv(&s, "refused", http_stats.conn_refused, 1);
	sb_puts(&s, "},\"assets\":{");
	put_kv(&s, "count", site ? site->count : 0, 0);
	put_kv(&s, "bytes", site ? site->total : 0, 1);
	sb_puts(&s, "}");
	for (unsigned g = 0; g < stats_group_count(); g++) {
		const struct stat_group *grp = stats_group_at(g);
		if (!grp || !grp->name || is_reserved(grp->name))
			continue;
		sb_put(&s, ",", 1);
		put_name(&s, grp->name);
		sb_put(&s, "{", 1);
		for (unsigned i = 0; i < grp->n; i++)
			put_kv(&s, grp->names[i], grp->vals[i], i > 0);
		sb_put(&s, "}", 1);
	}
	sb_puts(&s, "}\n");
	*truncated = s.overflow;
	buf[s.len] = 0;
	return s.len;
}
