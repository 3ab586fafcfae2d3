/*
 * http/route.c - request semantics (RFC 9110): which asset, which status,
 * which header fields.  See route.h.
 */
#include "route.h"
#include "sbuf.h"
#include "net/sys.h"

#define CACHE_ASSET "public, max-age=60"    /* short: ETag revalidation does the rest */
#define ALLOW "GET, HEAD"

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	}
	return "Unknown";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static int iprefix(const char *s, size_t n, const char *lit)
{
	size_t i;
	for (i = 0; lit[i]; i++)
		if (i >= n || lower(s[i]) != lit[i])
			return 0;
	return 1;
}

long http_target_path(const char *t, size_t len, char *out, size_t cap)
{
	size_t i = 0, o = 0;

	/* absolute-form (RFC 9112 section 3.2.2): servers must accept it;
	 * the authority is ignored (one site). */
	if (iprefix(t, len, "http://") || iprefix(t, len, "https://")) {
		i = t[4] == ':' ? 7 : 8;
		while (i < len && t[i] != '/' && t[i] != '?' && t[i] != '#')
			i++;
		if (i == len || t[i] != '/') {
			if (cap < 2)
				return -1;
			out[0] = '/';
			return 1;
		}
	}
	if (i >= len || t[i] != '/')
		return -1;
	/* Decode up to the query; every segment is checked below. */
	for (; i < len && t[i] != '?' && t[i] != '#'; i++) {
		char c = t[i];
		if (c == '%') {
			int hi = i + 2 < len ? hexval(t[i + 1]) : -1;
			int lo = hi >= 0 ? hexval(t[i + 2]) : -1;
			if (lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			if (c == 0)
				return -1;          /* %00 names nothing */
			i += 2;
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = c;
	}
	/* remove_dot_segments (RFC 3986 section 5.2.4), in place: out always
	 * starts with '/'; "." segments vanish, ".." pops one, and popping
	 * past the root is an error rather than silently clamped. */
	size_t r = 0, w = 0;
	while (r < o) {
		/* out[r] == '/': look at the segment after it */
		size_t s = r + 1, e = s;
		while (e < o && out[e] != '/')
			e++;
		size_t seg = e - s;
		if (seg == 1 && out[s] == '.') {
			if (e == o)
				out[w++] = '/';     /* "/a/." -> "/a/" */
		} else if (seg == 2 && out[s] == '.' && out[s + 1] == '.') {
			if (w == 0)
				return -1;
			while (w > 0 && out[w - 1] != '/')
				w--;
			if (w > 0)
				w--;                /* drop the segment and its slash */
			if (e == o)
				out[w++] = '/';
		} else {
			memmove(out + w, out + r, e - r);
			w += e - r;
		}
		r = e;
	}
	if (w == 0)
		out[w++] = '/';
	return (long)w;
}

/* The strong ETag of asset i: the content hash in quotes. */
static void put_etag(struct sbuf *s, const struct content_table *t, int i)
{
	sb_put(s, "\"", 1);
	sb_puthex(s, t->ent[i].hash, 16);
	sb_put(s, "\"", 1);
}

static int etag_eq(const char *tag, size_t n, const struct content_table *t, int i)
{
	char buf[20];
	struct sbuf s;
	sb_init(&s, buf, sizeof(buf));
	put_etag(&s, t, i);
	return n == s.len && !memcmp(tag, buf, n);
}

/* If-None-Match (RFC 9110 section 13.1.2): weak comparison, "*" matches
 * any current representation. */
static int inm_matches(const struct http_req *r, const struct content_table *t, int i)
{
	const char *v = r->inm;
	size_t n = r->inm_len, k = 0;
	while (k < n) {
		while (k < n && (v[k] == ' ' || v[k] == '\t' || v[k] == ','))
			k++;
		if (k < n && v[k] == '*')
			return 1;
		if (k + 1 < n && v[k] == 'W' && v[k + 1] == '/')
			k += 2;
		size_t s = k;
		if (k < n && v[k] == '"') {
			k++;
			while (k < n && v[k] != '"')
				k++;
			if (k < n)
				k++;
		}
		if (k > s && etag_eq(v + s, k - s, t, i))
			return 1;
		while (k < n && v[k] != ',')
			k++;        /* skip junk up to the next element */
	}
	return 0;
}

/* Range (RFC 9110 section 14.2), one range only.  1: satisfiable, slice
 * set; 0: ignore the header (invalid, or several ranges, which we may
 * answer with the whole representation); -1: unsatisfiable (416). */
static int parse_range(const char *v, size_t n, uint64_t size, uint64_t *off, uint64_t *len)
{
	size_t k = 6;
	if (!iprefix(v, n, "bytes="))
		return 0;
	while (k < n && (v[k] == ' ' || v[k] == '\t'))
		k++;
	for (size_t j = k; j < n; j++)
		if (v[j] == ',')
			return 0;
	uint64_t a = 0, b = 0;
	int have_a = 0, have_b = 0;
	for (; k < n && v[k] >= '0' && v[k] <= '9'; k++, have_a = 1) {
		if (a > (UINT64_MAX - 9) / 10)
			return 0;
		a = a * 10 + (uint64_t)(v[k] - '0');
	}
	if (k >= n || v[k] != '-')
		return 0;
	for (k++; k < n && v[k] >= '0' && v[k] <= '9'; k++, have_b = 1) {
		if (b > (UINT64_MAX - 9) / 10)
			return 0;
		b = b * 10 + (uint64_t)(v[k] - '0');
	}
	while (k < n && (v[k] == ' ' || v[k] == '\t'))
		k++;
	if (k != n || (!have_a && !have_b))
		return 0;
	if (!have_a) {                          /* suffix: the last b bytes */
		if (b == 0 || size == 0)
			return -1;
		if (b > size)
			b = size;
		*off = size - b;
		*len = b;
		return 1;
	}
	if (have_b && b < a)
		return 0;                       /* invalid: ignored */
	if (a >= size)
		return -1;
	if (!have_b || b >= size)
		b = size - 1;
	*off = a;
	*len = b - a + 1;
	return 1;
}

static void start_head(struct sbuf *s, int status)
{
	sb_puts(s, "HTTP/1.1 ");
	sb_putu(s, (uint64_t)status);
	sb_put(s, " ", 1);
	sb_puts(s, http_reason(status));
	sb_puts(s, "\r\nServer: quartz\r\n");
}

static void end_head(struct sbuf *s, struct http_resp *out, const struct http_req *r)
{
	if (out->close) {
		sb_puts(s, "Connection: close\r\n");
	} else if (r && r->ver_minor == 0) {
		sb_puts(s, "Connection: keep-alive\r\n");
	}
	sb_puts(s, "\r\n");
}

static void finish(struct http_resp *out, struct sbuf *s)
{
	/* Every head we build fits HTTP_HEAD_MAX by construction; if a
	 * change ever breaks that, fail loudly rather than send a cut head. */
	if (s->overflow) {
		struct sbuf e;
		sb_init(&e, out->head, sizeof(out->head));
		sb_puts(&e, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
			"Connection: close\r\n\r\n");
		out->status = 500;
		out->close = 1;
		out->body = HTTP_BODY_NONE;
		out->body_bytes = 0;
		out->head_len = e.len;
		return;
	}
	out->head_len = s->len;
}

/* An error or other short answer whose body is a line of text. */
static void simple(struct http_resp *out, const struct http_req *r, int status)
{
	struct sbuf s;
	char body[64];
	struct sbuf b;
	sb_init(&b, body, sizeof(body));
	sb_putu(&b, (uint64_t)status);
	sb_put(&b, " ", 1);
	sb_puts(&b, http_reason(status));
	sb_put(&b, "\n", 1);

	out->status = status;
	out->body = HTTP_BODY_NONE;
	out->asset = -1;
	sb_init(&s, out->head, sizeof(out->head));
	start_head(&s, status);
	sb_puts(&s, "Content-Type: text/plain; charset=utf-8\r\nContent-Length: ");
	sb_putu(&s, b.len);
	sb_puts(&s, "\r\n");
	if (status == 405)
		sb_puts(&s, "Allow: " ALLOW "\r\n");
	end_head(&s, out, r);
	if (!out->head_only) {
		sb_put(&s, body, b.len);
		out->body_bytes = b.len;
	}
	finish(out, &s);
}

static void reset(struct http_resp *out, const struct http_req *r)
{
	out->status = 0;
	out->close = r ? !http_req_keepalive(r) : 1;
	out->head_only = r && r->method == HTTP_M_HEAD;
	out->gzip = 0;
	out->asset = -1;
	out->off = out->len = 0;
	out->body = HTTP_BODY_NONE;
	out->body_bytes = 0;
	out->head_len = 0;
}

void http_route_error(const struct http_req *r, struct http_resp *out)
{
	reset(out, r);
	out->close = 1;         /* framing is unknown: nothing after this is trusted */
	simple(out, r, r && r->error ? r->error : 400);
}

void http_route_simple(const struct http_req *r, int status, int close, struct http_resp *out)
{
	reset(out, r);
	out->close = (uint8_t)(close || out->close);
	simple(out, r, status);
}

void http_head_generated(struct http_resp *out, const char *type, uint64_t len)
{
	struct sbuf s;
	sb_init(&s, out->head, sizeof(out->head));
	start_head(&s, 200);
	sb_puts(&s, "Content-Type: ");
	sb_puts(&s, type);
	sb_puts(&s, "\r\nContent-Length: ");
	sb_putu(&s, len);
	sb_puts(&s, "\r\nCache-Control: no-store\r\n");
	/* end_head needs the request only for 1.0 keep-alive; the caller
	 * recorded that in out->close and in the 1.0 flag below. */
	if (out->close)
		sb_puts(&s, "Connection: close\r\n");
	sb_puts(&s, "\r\n");
	out->status = 200;
	out->body_bytes = out->head_only ? 0 : len;
	finish(out, &s);
}

void http_route(const struct http_req *r, const struct content_table *t, struct http_resp *out)
{
	char path[HTTP_TARGET_MAX + 16];

	reset(out, r);
	if (r->method == HTTP_M_UNKNOWN) {
		out->close = 1;
		simple(out, r, 501);
		return;
	}
	long n = http_target_path(r->target, r->target_len, path, HTTP_TARGET_MAX + 1);
	if (n < 0) {
		out->close = 1;
		simple(out, r, 400);
		return;
	}
	if (r->method != HTTP_M_GET && r->method != HTTP_M_HEAD) {
		simple(out, r, 405);
		return;
	}
	if ((size_t)n == sizeof(HTTP_STATS_PATH) - 1 && !memcmp(path, HTTP_STATS_PATH, (size_t)n)) {
		out->body = HTTP_BODY_STATS;
		if (r->ver_minor == 0 && !out->close)
			out->close = 1;     /* keep 1.0 simple: the head has no keep-alive */
		return;
	}

	/* "/dir", "/dir/" and "/dir/index.html" are the same asset. */
	int a;
	if (path[n - 1] == '/') {
		memcpy(path + n, "index.html", 10);
		a = content_lookup(t, path, (size_t)n + 10);
	} else {
		a = content_lookup(t, path, (size_t)n);
		if (a < 0) {
			memcpy(path + n, "/index.html", 11);
			a = content_lookup(t, path, (size_t)n + 11);
		}
	}
	if (a < 0) {
		simple(out, r, 404);
		return;
	}

	/* Representation: the .gz sibling when the client accepts gzip
	 * (RFC 9110 section 12.5.3); Vary either way. */
	int base = a, vary = t->ent[a].gz >= 0;
	int gz_ok = r->ae_gzip >= 0 ? r->ae_gzip : (r->ae_star > 0);
	if (vary && gz_ok) {
		a = t->ent[a].gz;
		out->gzip = 1;
	}
	out->asset = a;
	uint64_t size = t->ent[a].len;

	int status = 200;
	uint64_t off = 0, len = size;
	if (r->inm_len && !r->inm_bad && inm_matches(r, t, a)) {
		status = 304;
	} else if (r->method == HTTP_M_GET && r->range_len && !r->range_bad) {
		/* If-Range (section 13.1.5): only an exact strong ETag keeps the
		 * Range; a date or another tag means "send it all". */
		int use = !r->if_range_len ||
			  (!r->if_range_bad && etag_eq(r->if_range, r->if_range_len, t, a));
		if (r->if_range_bad)
			use = 0;
		int rr = use ? parse_range(r->range, r->range_len, size, &off, &len) : 0;
		if (rr > 0) {
			status = 206;
		} else if (rr < 0) {
			struct sbuf s;
			reset(out, r);
			out->asset = a;
			out->status = 416;
			sb_init(&s, out->head, sizeof(out->head));
			start_head(&s, 416);
			sb_puts(&s, "Content-Type: text/plain; charset=utf-8\r\nContent-Range: bytes */");
			sb_putu(&s, size);
			sb_puts(&s, "\r\nContent-Length: 26\r\n");
			end_head(&s, out, r);
			sb_puts(&s, "416 Range Not Satisfiable\n");
			out->body_bytes = 26;
			finish(out, &s);
			return;
		} else {
			off = 0;
			len = size;
		}
	}

	struct sbuf s;
	sb_init(&s, out->head, sizeof(out->head));
	start_head(&s, status);
	out->status = status;
	if (status != 304) {
		sb_puts(&s, "Content-Type: ");
		sb_puts(&s, content_mime(t, base));
		sb_puts(&s, "\r\nContent-Length: ");
		sb_putu(&s, len);
		sb_puts(&s, "\r\nAccept-Ranges: bytes\r\n");
		if (status == 206) {
			sb_puts(&s, "Content-Range: bytes ");
			sb_putu(&s, off);
			sb_put(&s, "-", 1);
			sb_putu(&s, off + len - 1);
			sb_put(&s, "/", 1);
			sb_putu(&s, size);
			sb_puts(&s, "\r\n");
		}
		if (out->gzip)
			sb_puts(&s, "Content-Encoding: gzip\r\n");
	}
	sb_puts(&s, "ETag: ");
	put_etag(&s, t, a);
	sb_puts(&s, "\r\nCache-Control: " CACHE_ASSET "\r\n");
	if (vary)
		sb_puts(&s, "Vary: Accept-Encoding\r\n");
	end_head(&s, out, r);
	if (status != 304 && !out->head_only) {
		out->body = HTTP_BODY_ASSET;
		out->off = off;
		out->len = len;
		out->body_bytes = len;
	}
	finish(out, &s);
}
