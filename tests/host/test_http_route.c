/*
 * tests/host/test_http_route.c - request semantics without a network:
 * path resolution and decoding, 304, 206/416, gzip selection, HEAD, 405
 * with Allow, error statuses, keep-alive rules, and /api/stats.json.
 */
#define _GNU_SOURCE
#include "check.h"
#include "site.h"
#include "http/parse.h"
#include "http/route.h"
#include "http/server.h"
#include "http/sys.h"

/* http/sys.h for this program: a fixed clock and page counts. */
uint64_t http_now_ms(void) { return 123456; }
size_t http_free_pages(void) { return 777; }
size_t http_total_pages(void) { return 16384; }
int http_access_log_enabled(void) { return 0; }

static struct content_table *site;
static struct http_req req;
static struct http_resp resp;

static const struct site_file files[] = {
	{ "/index.html", "<h1>home</h1>\n", 0, "text/html; charset=utf-8" },
	{ "/docs/index.html", "<h1>docs</h1>\n", 0, "text/html; charset=utf-8" },
	{ "/docs/guide.html", "guide", 0, "text/html; charset=utf-8" },
	{ "/style.css", "body { color: red; }\n", 0, "text/css; charset=utf-8" },
	{ "/style.css.gz", "GZDATA", 0, "application/gzip" },
	{ "/a b.txt", "space", 0, "text/plain; charset=utf-8" },
	{ "/digits.txt", "0123456789", 0, "text/plain; charset=utf-8" },
	{ "/empty.txt", "", 0, "text/plain; charset=utf-8" },
	{ "/100%.txt", "percent", 0, "text/plain; charset=utf-8" },
};

/* Parse `raw` (must be one complete request) and route it. */
static int get(const char *raw)
{
	size_t used;
	http_req_init(&req);
	enum http_parse_result pr = http_parse(&req, raw, strlen(raw), &used);
	if (pr == HTTP_PARSE_ERROR)
		http_route_error(&req, &resp);
	else if (pr == HTTP_PARSE_DONE)
		http_route(&req, site, &resp);
	else
		return -1;
	return resp.status;
}

static int get_path(const char *path)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", path);
	return get(buf);
}

static const char *body(void)
{
	static char b[256];
	if (resp.body == HTTP_BODY_ASSET) {
		memcpy(b, content_data(site, resp.asset) + resp.off, resp.len);
		b[resp.len] = 0;
	} else {
		const char *e = memmem(resp.head, resp.head_len, "\r\n\r\n", 4);
		size_t n = e ? resp.head_len - (size_t)(e + 4 - resp.head) : 0;
		memcpy(b, e ? e + 4 : "", n);
		b[n] = 0;
	}
	return b;
}

static const char *etag_of(const char *path)
{
	static char e[64];
	get_path(path);
	snprintf(e, sizeof(e), "%s", resp_hdr(&resp, "ETag"));
	return e;
}

static void test_basic_200(void)
{
	CHECK_EQ(get_path("/index.html"), 200);
	CHECK(!strncmp(resp.head, "HTTP/1.1 200 OK\r\n", 17));
	CHECK_STR(resp_hdr(&resp, "Content-Type"), "text/html; charset=utf-8");
	CHECK_STR(resp_hdr(&resp, "Content-Length"), "14");
	CHECK_STR(resp_hdr(&resp, "Accept-Ranges"), "bytes");
	CHECK_EQ(strlen(resp_hdr(&resp, "ETag")), 18);
	CHECK(resp_hdr(&resp, "ETag")[0] == '"');
	CHECK(resp_has_hdr(&resp, "Cache-Control"));
	CHECK(!resp_has_hdr(&resp, "Connection"));     /* 1.1 keep-alive is implicit */
	CHECK(!resp_has_hdr(&resp, "Vary"));
	CHECK_EQ(resp.body, HTTP_BODY_ASSET);
	CHECK_EQ(resp.close, 0);
	CHECK_STR(body(), "<h1>home</h1>\n");
	CHECK(!memcmp(resp.head + resp.head_len - 4, "\r\n\r\n", 4));
	/* the body is a slice of the table's own bytes: nothing was copied */
	CHECK(content_data(site, resp.asset) >= site->blob &&
	      content_data(site, resp.asset) < site->blob + site->total);
}

static void test_paths_resolve(void)
{
	int home = (get_path("/index.html"), resp.asset);
	CHECK_EQ(get_path("/"), 200);
	CHECK_EQ(resp.asset, home);
	int docs = (get_path("/docs/index.html"), resp.asset);
	CHECK_EQ(get_path("/docs"), 200);
	CHECK_EQ(resp.asset, docs);
	CHECK_EQ(get_path("/docs/"), 200);
	CHECK_EQ(resp.asset, docs);
	CHECK_EQ(get_path("/docs/?q=1"), 200);
	CHECK_EQ(resp.asset, docs);
	CHECK_EQ(get_path("/index.html?x=../../etc#frag"), 200);
	CHECK_EQ(resp.asset, home);
	CHECK_EQ(get_path("/docs/../index.html"), 200);
	CHECK_EQ(resp.asset, home);
	CHECK_EQ(get_path("/./docs/./guide.html"), 200);
	CHECK_STR(body(), "guide");
	CHECK_EQ(get_path("/a%20b.txt"), 200);
	CHECK_STR(body(), "space");
	CHECK_EQ(get_path("/100%25.txt"), 200);
	CHECK_STR(body(), "percent");
	CHECK_EQ(get_path("/%64ocs/guide.html"), 200);
	CHECK_EQ(get_path("/docs%2fguide.html"), 200);
	CHECK_EQ(get_path("http://example.com/docs/guide.html?x"), 200);
	CHECK_EQ(get_path("HTTP://example.com"), 200);
	CHECK_EQ(resp.asset, home);
	CHECK_EQ(get_path("/nope.html"), 404);
	CHECK_EQ(resp.close, 0);                  /* a 404 keeps the connection */
	CHECK_STR(body(), "404 Not Found\n");
	CHECK_EQ(get_path("/docs/guide.html/"), 404);
	CHECK_EQ(get_path("/../index.html"), 400);
	CHECK_EQ(resp.close, 1);
	CHECK_EQ(get_path("/%2e%2e/index.html"), 400);
	CHECK_EQ(get_path("/%zz"), 400);
	CHECK_EQ(get_path("/%4"), 400);
	CHECK_EQ(get_path("/a%00b"), 400);
	CHECK_EQ(get_path("index.html"), 400);
	CHECK_EQ(get_path("*"), 400);
}

static void test_target_path_unit(void)
{
	char out[64];
	const struct { const char *in, *out; } ok[] = {
		{ "/", "/" }, { "/a/b/../c", "/a/c" }, { "/a/./b/.", "/a/b/" }, { "/a/..", "/" },
		{ "/a//b", "/a//b" }, { "/%41?x", "/A" }, { "/a#b", "/a" }, { "/a/b/..", "/a/" },
		{ "https://h:8080/p/q", "/p/q" }, { "http://h?x", "/" }, { "/.hidden", "/.hidden" },
		{ "/..a", "/..a" },
	};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		long n = http_target_path(ok[i].in, strlen(ok[i].in), out, sizeof(out));
		CHECK(n > 0);
		if (n > 0) {
			out[n] = 0;
			CHECK_STR(out, ok[i].out);
		}
	}
	const char *bad[] = { "", "a", "/..", "/a/../..", "/%", "/%g0", "/%00", "/a/../../b" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long n = http_target_path(bad[i], strlen(bad[i]), out, sizeof(out));
		if (n != -1)
			printf("  \"%s\" -> %.*s\n", bad[i], (int)(n > 0 ? n : 0), out);
		CHECK_EQ(n, -1);
	}
	/* no room: error, not overflow */
	CHECK_EQ(http_target_path("/abcdef", 7, out, 4), -1);
}

static void test_head(void)
{
	CHECK_EQ(get("HEAD /style.css HTTP/1.1\r\nHost: t\r\n\r\n"), 200);
	CHECK_STR(resp_hdr(&resp, "Content-Length"), "21");
	CHECK_STR(resp_hdr(&resp, "Content-Type"), "text/css; charset=utf-8");
	CHECK_EQ(resp.body, HTTP_BODY_NONE);
	CHECK_EQ(resp.body_bytes, 0);
	CHECK(!memcmp(resp.head + resp.head_len - 4, "\r\n\r\n", 4));
	CHECK_EQ(get("HEAD /missing HTTP/1.1\r\nHost: t\r\n\r\n"), 404);
	CHECK(!memcmp(resp.head + resp.head_len - 4, "\r\n\r\n", 4));   /* no body */
	CHECK_STR(resp_hdr(&resp, "Content-Length"), "14");
}

static void test_methods(void)
{
	CHECK_EQ(get("POST /index.html HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab"), 405);
	CHECK_STR(resp_hdr(&resp, "Allow"), "GET, HEAD");
	CHECK_EQ(resp.close, 0);
	const char *m[] = { "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "CONNECT" };
	for (unsigned i = 0; i < 6; i++) {
		char b[128];
		snprintf(b, sizeof(b), "%s / HTTP/1.1\r\nHost: t\r\n\r\n", m[i]);
		CHECK_EQ(get(b), 405);
		CHECK(resp_has_hdr(&resp, "Allow"));
	}
	CHECK_EQ(get("BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n"), 501);
	CHECK_EQ(resp.close, 1);
	CHECK_STR(resp_hdr(&resp, "Connection"), "close");
}

static void test_parse_errors_close(void)
{
	const struct { const char *raw; int status; } c[] = {
		{ "GET / HTTP/1.1\r\n\r\n", 400 },
		{ "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505 },
		{ "GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", 501 },
		{ "GET / HTTP/1.1\r\nHost: t\r\n bad\r\n\r\n", 400 },
	};
	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CHECK_EQ(get(c[i].raw), c[i].status);
		CHECK_EQ(resp.close, 1);
		CHECK_STR(resp_hdr(&resp, "Connection"), "close");
		char want[64];
		snprintf(want, sizeof(want), "%d %s\n", c[i].status, http_reason(c[i].status));
		CHECK_STR(body(), want);
		CHECK_EQ(resp.body_bytes, strlen(want));
	}
	/* 414 and 431 from the limits */
	static char big[HTTP_TARGET_MAX + 64];
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	big[sizeof(big) - 1] = 0;
	CHECK_EQ(get(big), 414);
	CHECK_STR(resp_hdr(&resp, "Connection"), "close");
	static char hdrs[HTTP_HEADER_BYTES_MAX + 256];
	char *p = hdrs + sprintf(hdrs, "GET / HTTP/1.1\r\nHost: t\r\nX: ");
	memset(p, 'v', HTTP_HEADER_BYTES_MAX);
	strcpy(p + HTTP_HEADER_BYTES_MAX, "\r\n\r\n");
	CHECK_EQ(get(hdrs), 431);
	CHECK_EQ(resp.close, 1);
}

static void test_keepalive_rules(void)
{
	CHECK_EQ(get("GET / HTTP/1.0\r\n\r\n"), 200);
	CHECK_EQ(resp.close, 1);
	CHECK_STR(resp_hdr(&resp, "Connection"), "close");
	CHECK_EQ(get("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 200);
	CHECK_EQ(resp.close, 0);
	CHECK_STR(resp_hdr(&resp, "Connection"), "keep-alive");
	CHECK_EQ(get("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"), 200);
	CHECK_EQ(resp.close, 1);
	CHECK_STR(resp_hdr(&resp, "Connection"), "close");
	CHECK_EQ(get("GET /nope HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 404);
	CHECK_EQ(resp.close, 0);
	CHECK_STR(resp_hdr(&resp, "Connection"), "keep-alive");
}

static void test_not_modified(void)
{
	char tag[64], raw[256];
	snprintf(tag, sizeof(tag), "%s", etag_of("/index.html"));
	snprintf(raw, sizeof(raw), "GET / HTTP/1.1\r\nHost: t\r\nIf-None-Match: %s\r\n\r\n", tag);
	CHECK_EQ(get(raw), 304);
	CHECK_STR(resp_hdr(&resp, "ETag"), tag);
	CHECK(!resp_has_hdr(&resp, "Content-Length"));
	CHECK_EQ(resp.body, HTTP_BODY_NONE);
	CHECK(!memcmp(resp.head + resp.head_len - 4, "\r\n\r\n", 4));
	snprintf(raw, sizeof(raw), "GET / HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"zz\", W/%s\r\n\r\n", tag);
	CHECK_EQ(get(raw), 304);                       /* weak comparison, in a list */
	CHECK_EQ(get("GET / HTTP/1.1\r\nHost: t\r\nIf-None-Match: *\r\n\r\n"), 304);
	CHECK_EQ(get("GET / HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"0000000000000000\"\r\n\r\n"), 200);
	snprintf(raw, sizeof(raw), "HEAD / HTTP/1.1\r\nHost: t\r\nIf-None-Match: %s\r\n\r\n", tag);
	CHECK_EQ(get(raw), 304);
	/* a different file's tag does not match */
	snprintf(raw, sizeof(raw), "GET /digits.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: %s\r\n\r\n", tag);
	CHECK_EQ(get(raw), 200);
	/* 304 beats Range */
	snprintf(raw, sizeof(raw), "GET / HTTP/1.1\r\nHost: t\r\nIf-None-Match: %s\r\nRange: bytes=0-1\r\n\r\n", tag);
	CHECK_EQ(get(raw), 304);
}

static int range(const char *spec)
{
	char raw[256];
	snprintf(raw, sizeof(raw), "GET /digits.txt HTTP/1.1\r\nHost: t\r\nRange: %s\r\n\r\n", spec);
	return get(raw);
}

static void test_ranges(void)
{
	CHECK_EQ(range("bytes=0-0"), 206);
	CHECK_STR(body(), "0");
	CHECK_STR(resp_hdr(&resp, "Content-Range"), "bytes 0-0/10");
	CHECK_STR(resp_hdr(&resp, "Content-Length"), "1");
	CHECK_EQ(range("bytes=3-"), 206);
	CHECK_STR(body(), "3456789");
	CHECK_STR(resp_hdr(&resp, "Content-Range"), "bytes 3-9/10");
	CHECK_EQ(range("bytes=-2"), 206);
	CHECK_STR(body(), "89");
	CHECK_EQ(range("bytes=-20"), 206);
	CHECK_STR(body(), "0123456789");
	CHECK_EQ(range("bytes=8-999"), 206);
	CHECK_STR(body(), "89");
	CHECK_STR(resp_hdr(&resp, "Content-Range"), "bytes 8-9/10");
	CHECK_EQ(range("BYTES=2-4"), 206);
	CHECK_STR(body(), "234");
	CHECK_EQ(range("bytes=9-9"), 206);
	CHECK_STR(body(), "9");
	/* unsatisfiable */
	CHECK_EQ(range("bytes=10-"), 416);
	CHECK_STR(resp_hdr(&resp, "Content-Range"), "bytes */10");
	CHECK_EQ(resp.close, 0);
	CHECK_STR(body(), "416 Range Not Satisfiable\n");
	CHECK_STR(resp_hdr(&resp, "Content-Length"), "26");
	CHECK_EQ(range("bytes=-0"), 416);
	/* ignored: whole body with 200 */
	const char *ignored[] = { "bytes=5-2", "bytes=0-1,3-4", "items=0-1", "bytes=", "bytes=-",
				  "bytes=a-b", "bytes=1-2x", "bytes=99999999999999999999999-" };
	for (unsigned i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
		CHECK_EQ(range(ignored[i]), 200);
		CHECK_STR(body(), "0123456789");
	}
	/* HEAD ignores Range */
	CHECK_EQ(get("HEAD /digits.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=0-1\r\n\r\n"), 200);
	/* empty file: every range is unsatisfiable */
	CHECK_EQ(get("GET /empty.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=0-\r\n\r\n"), 416);
	CHECK_STR(resp_hdr(&resp, "Content-Range"), "bytes */0");
	CHECK_EQ(get_path("/empty.txt"), 200);
	CHECK_STR(resp_hdr(&resp, "Content-Length"), "0");
	CHECK_EQ(resp.len, 0);
}

static void test_if_range(void)
{
	char tag[64], raw[256];
	snprintf(tag, sizeof(tag), "%s", etag_of("/digits.txt"));
	snprintf(raw, sizeof(raw), "GET /digits.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=1-2\r\nIf-Range: %s\r\n\r\n", tag);
	CHECK_EQ(get(raw), 206);
	CHECK_STR(body(), "12");
	CHECK_EQ(get("GET /digits.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=1-2\r\nIf-Range: \"old\"\r\n\r\n"), 200);
	CHECK_STR(body(), "0123456789");
	CHECK_EQ(get("GET /digits.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=1-2\r\n"
		     "If-Range: Sat, 01 Jan 2000 00:00:00 GMT\r\n\r\n"), 200);
	snprintf(raw, sizeof(raw), "GET /digits.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=1-2\r\nIf-Range: W/%s\r\n\r\n", tag);
	CHECK_EQ(get(raw), 200);                 /* weak tags never satisfy If-Range */
}

static void test_gzip(void)
{
	char plain_tag[64];
	snprintf(plain_tag, sizeof(plain_tag), "%s", etag_of("/style.css"));
	CHECK_STR(resp_hdr(&resp, "Vary"), "Accept-Encoding");
	CHECK(!resp_has_hdr(&resp, "Content-Encoding"));
	CHECK_STR(body(), "body { color: red; }\n");

	CHECK_EQ(get("GET /style.css HTTP/1.1\r\nHost: t\r\nAccept-Encoding: br, gzip\r\n\r\n"), 200);
	CHECK_STR(resp_hdr(&resp, "Content-Encoding"), "gzip");
	CHECK_STR(resp_hdr(&resp, "Content-Type"), "text/css; charset=utf-8");
	CHECK_STR(resp_hdr(&resp, "Vary"), "Accept-Encoding");
	CHECK_STR(resp_hdr(&resp, "Content-Length"), "6");
	CHECK_STR(body(), "GZDATA");
	CHECK(strcmp(resp_hdr(&resp, "ETag"), plain_tag) != 0);
	CHECK_EQ(resp.gzip, 1);

	CHECK_EQ(get("GET /style.css HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip;q=0, *\r\n\r\n"), 200);
	CHECK_STR(body(), "body { color: red; }\n");
	CHECK_EQ(get("GET /style.css HTTP/1.1\r\nHost: t\r\nAccept-Encoding: *\r\n\r\n"), 200);
	CHECK_STR(body(), "GZDATA");
	/* ranges apply to the chosen representation */
	CHECK_EQ(get("GET /style.css HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\nRange: bytes=0-1\r\n\r\n"), 206);
	CHECK_STR(body(), "GZ");
	CHECK_STR(resp_hdr(&resp, "Content-Range"), "bytes 0-1/6");
	/* the .gz file itself is just a file */
	CHECK_EQ(get("GET /style.css.gz HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n"), 200);
	CHECK_STR(resp_hdr(&resp, "Content-Type"), "application/gzip");
	CHECK(!resp_has_hdr(&resp, "Content-Encoding"));
	/* files without a sibling never say Vary */
	CHECK_EQ(get("GET /index.html HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n"), 200);
	CHECK(!resp_has_hdr(&resp, "Vary"));
	CHECK(!resp_has_hdr(&resp, "Content-Encoding"));
}

/* A tiny JSON validator: objects, strings, unsigned integers. */
static const char *js_value(const char *p);
static const char *js_ws(const char *p) { while (*p == ' ' || *p == '\n') p++; return p; }
static const char *js_string(const char *p)
{
	if (*p != '"')
		return NULL;
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && !*++p)
			return NULL;
	return *p == '"' ? p + 1 : NULL;
}
static const char *js_object(const char *p)
{
	p = js_ws(p + 1);
	if (*p == '}')
		return p + 1;
	for (;;) {
		if (!(p = js_string(js_ws(p))))
			return NULL;
		p = js_ws(p);
		if (*p++ != ':' || !(p = js_value(js_ws(p))))
			return NULL;
		p = js_ws(p);
		if (*p == '}')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}
static const char *js_value(const char *p)
{
	if (*p == '{')
		return js_object(p);
	if (*p == '"')
		return js_string(p);
	if (*p >= '0' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++;
		return p;
	}
	return NULL;
}

static void test_stats_json(void)
{
	static uint64_t vals[2] = { 5, 6 };
	static const char *const names[2] = { "rx", "drop_csum" };
	static struct stat_group g = { "fakegrp", names, vals, 2 };
	stats_register(&g);
	stats_register(&http_stat_group);
	http_stats.requests = 42;
	http_stats.status_2xx = 40;
	http_stats.status_4xx = 2;

	CHECK_EQ(get_path("/api/stats.json"), 0);      /* status comes later */
	CHECK_EQ(resp.body, HTTP_BODY_STATS);
	static char buf[HTTP_STATS_BUF];
	int trunc = -1;
	size_t n = http_stats_json(buf, sizeof(buf), site, http_now_ms(), &trunc);
	CHECK_EQ(trunc, 0);
	CHECK_EQ(n, strlen(buf));
	const char *end = js_value(buf);
	CHECK(end != NULL);
	CHECK(end && *js_ws(end) == 0);
	CHECK(strstr(buf, "\"uptime_ms\":123456") != NULL);
	CHECK(strstr(buf, "\"free_pages\":777") != NULL);
	CHECK(strstr(buf, "\"requests\":{\"total\":42,\"1xx\":0,\"2xx\":40,\"3xx\":0,\"4xx\":2") != NULL);
	CHECK(strstr(buf, "\"fakegrp\":{\"rx\":5,\"drop_csum\":6}") != NULL);
	CHECK(strstr(buf, "\"http\":{\"requests\":42") != NULL);
	CHECK(strstr(buf, "\"assets\":{\"count\":9") != NULL);
	/* too small a buffer says so */
	n = http_stats_json(buf, 40, site, 1, &trunc);
	CHECK_EQ(trunc, 1);
	CHECK(n < 40);

	http_head_generated(&resp, "application/json", 1234);
	CHECK_EQ(resp.status, 200);
	CHECK_STR(resp_hdr(&resp, "Content-Length"), "1234");
	CHECK_STR(resp_hdr(&resp, "Content-Type"), "application/json");
	CHECK_STR(resp_hdr(&resp, "Cache-Control"), "no-store");
	CHECK_EQ(resp.body_bytes, 1234);
}

static void test_lookup(void)
{
	for (uint32_t i = 0; i < site->count; i++) {
		const char *p = content_path(site, (int)i);
		CHECK_EQ(content_lookup(site, p, site->ent[i].path_len), (int)i);
	}
	CHECK_EQ(content_lookup(site, "/index.htm", 10), -1);
	CHECK_EQ(content_lookup(site, "/index.html2", 12), -1);
	CHECK_EQ(content_lookup(site, "", 0), -1);
	CHECK(site->ent[content_lookup(site, "/style.css", 10)].gz >= 0);
}

int main(void)
{
	site = site_build(files, sizeof(files) / sizeof(files[0]));
	RUN(test_lookup);
	RUN(test_basic_200);
	RUN(test_paths_resolve);
	RUN(test_target_path_unit);
	RUN(test_head);
	RUN(test_methods);
	RUN(test_parse_errors_close);
	RUN(test_keepalive_rules);
	RUN(test_not_modified);
	RUN(test_ranges);
	RUN(test_if_range);
	RUN(test_gzip);
	RUN(test_stats_json);
	return check_done();
}
