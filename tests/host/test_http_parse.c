/*
 * tests/host/test_http_parse.c - the request parser: every limit, every
 * error status, pipelining, and the same answer in any fragmentation.
 */
#include <stdlib.h>
#include "check.h"
#include "http/parse.h"

/* Parse s in chunks of `step` bytes (0 = all at once).  Returns the
 * result; *used is the total consumed. */
static enum http_parse_result feed(struct http_req *r, const char *s, size_t n, size_t step,
				   size_t *used)
{
	size_t off = 0;
	enum http_parse_result res = HTTP_PARSE_MORE;
	http_req_init(r);
	while (off < n && res == HTTP_PARSE_MORE) {
		size_t k = step ? step : n;
		if (k > n - off)
			k = n - off;
		size_t u = 0;
		res = http_parse(r, s + off, k, &u);
		CHECK(u <= k);
		off += u;
		if (res == HTTP_PARSE_MORE)
			CHECK_EQ(u, k);         /* MORE means "took it all" */
	}
	*used = off;
	return res;
}

static enum http_parse_result parse1(struct http_req *r, const char *s)
{
	size_t used;
	return feed(r, s, strlen(s), 0, &used);
}

/* The status a request gets (0 for DONE, -1 for MORE), checked to be the
 * same for one-shot and byte-at-a-time and 7-byte chunks. */
static int status_of(const char *s)
{
	static struct http_req a, b, c;
	size_t ua, ub, uc;
	enum http_parse_result ra = feed(&a, s, strlen(s), 0, &ua);
	enum http_parse_result rb = feed(&b, s, strlen(s), 1, &ub);
	enum http_parse_result rc = feed(&c, s, strlen(s), 7, &uc);
	CHECK_EQ(ra, rb);
	CHECK_EQ(ra, rc);
	if (ra == HTTP_PARSE_ERROR) {
		CHECK_EQ(a.error, b.error);
		CHECK_EQ(a.error, c.error);
		return a.error;
	}
	CHECK_EQ(ua, ub);
	CHECK_EQ(ua, uc);
	return ra == HTTP_PARSE_DONE ? 0 : -1;
}

static void test_simple_get(void)
{
	static struct http_req r;
	CHECK_EQ(parse1(&r, "GET /index.html?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_PARSE_DONE);
	CHECK_EQ(r.method, HTTP_M_GET);
	CHECK_STR(r.method_name, "GET");
	CHECK_STR(r.target, "/index.html?x=1");
	CHECK_EQ(r.ver_major, 1);
	CHECK_EQ(r.ver_minor, 1);
	CHECK_EQ(http_req_keepalive(&r), 1);
	CHECK_EQ(r.host_count, 1);
	CHECK_EQ(r.ae_gzip, -1);
}

static void test_fragmentation_every_split(void)
{
	const char *req = "HEAD /a%20b HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n"
			  "If-None-Match: \"abc\"\r\nRange: bytes=1-2\r\n\r\n";
	size_t n = strlen(req);
	for (size_t split = 0; split <= n; split++) {
		static struct http_req r;
		size_t u1 = 0, u2 = 0;
		http_req_init(&r);
		enum http_parse_result res = http_parse(&r, req, split, &u1);
		CHECK_EQ(u1, split);
		if (split < n) {
			CHECK_EQ(res, HTTP_PARSE_MORE);
			res = http_parse(&r, req + split, n - split, &u2);
		}
		CHECK_EQ(res, HTTP_PARSE_DONE);
		CHECK_EQ(u1 + u2, n);
		CHECK_EQ(r.method, HTTP_M_HEAD);
		CHECK_STR(r.target, "/a%20b");
		CHECK_EQ(r.ae_gzip, 1);
		CHECK_STR(r.inm, "\"abc\"");
		CHECK_STR(r.range, "bytes=1-2");
	}
}

static void test_pipelined(void)
{
	const char *two = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
			  "GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
	size_t n = strlen(two), off = 0, used;
	static struct http_req r;
	const char *want[] = { "/1", "/2", "/3" };
	for (int i = 0; i < 3; i++) {
		http_req_init(&r);
		CHECK_EQ(http_parse(&r, two + off, n - off, &used), HTTP_PARSE_DONE);
		CHECK_STR(r.target, want[i]);
		off += used;
	}
	CHECK_EQ(off, n);
	CHECK_EQ(http_req_keepalive(&r), 0);
	/* once DONE, more input is not consumed until re-init */
	CHECK_EQ(http_parse(&r, "GET", 3, &used), HTTP_PARSE_DONE);
	CHECK_EQ(used, 0);
}

static void test_line_endings_and_leading_crlf(void)
{
	CHECK_EQ(status_of("GET / HTTP/1.1\nHost: a\n\n"), 0);
	CHECK_EQ(status_of("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	CHECK_EQ(status_of("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\rHost: a\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\n\rX"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\n"), -1);   /* incomplete */
}

static void test_methods(void)
{
	static struct http_req r;
	const struct { const char *m; enum http_method id; } ms[] = {
		{ "GET", HTTP_M_GET }, { "HEAD", HTTP_M_HEAD }, { "POST", HTTP_M_POST },
		{ "PUT", HTTP_M_PUT }, { "DELETE", HTTP_M_DELETE }, { "OPTIONS", HTTP_M_OPTIONS },
		{ "TRACE", HTTP_M_TRACE }, { "PATCH", HTTP_M_PATCH }, { "CONNECT", HTTP_M_CONNECT },
		{ "get", HTTP_M_UNKNOWN }, { "BREW", HTTP_M_UNKNOWN },
	};
	for (unsigned i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		char buf[128];
		snprintf(buf, sizeof(buf), "%s / HTTP/1.1\r\nHost: a\r\n\r\n", ms[i].m);
		CHECK_EQ(parse1(&r, buf), HTTP_PARSE_DONE);
		CHECK_EQ(r.method, ms[i].id);
		CHECK_STR(r.method_name, ms[i].m);
	}
	char m[HTTP_METHOD_MAX + 2];
	memset(m, 'X', sizeof(m));
	m[HTTP_METHOD_MAX] = 0;       /* exactly the limit: parses */
	char buf[256];
	snprintf(buf, sizeof(buf), "%s / HTTP/1.1\r\nHost: a\r\n\r\n", m);
	CHECK_EQ(status_of(buf), 0);
	m[HTTP_METHOD_MAX] = 'X';
	m[HTTP_METHOD_MAX + 1] = 0;   /* one more: 501 */
	snprintf(buf, sizeof(buf), "%s / HTTP/1.1\r\nHost: a\r\n\r\n", m);
	CHECK_EQ(status_of(buf), 501);
	CHECK_EQ(status_of("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_EQ(status_of(" GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_STR(http_method_str(HTTP_M_HEAD), "HEAD");
}

static void test_target_limits(void)
{
	size_t n = HTTP_TARGET_MAX + 64;
	char *buf = malloc(n + 64);
	for (int extra = 0; extra <= 1; extra++) {
		size_t tl = HTTP_TARGET_MAX + (size_t)extra;
		memcpy(buf, "GET /", 5);
		memset(buf + 5, 'a', tl - 1);
		strcpy(buf + 4 + tl, " HTTP/1.1\r\nHost: a\r\n\r\n");
		CHECK_EQ(status_of(buf), extra ? 414 : 0);
	}
	/* 414 comes as soon as the limit is passed, without the rest */
	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'b', HTTP_TARGET_MAX + 10);
	buf[HTTP_TARGET_MAX + 15] = 0;
	CHECK_EQ(status_of(buf), 414);
	free(buf);
	CHECK_EQ(status_of("GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET /a\x80 HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET /\r\n\r\n"), 400);        /* HTTP/0.9 */
	static struct http_req r;
	CHECK_EQ(parse1(&r, "GET http://example.com/x?y HTTP/1.1\r\nHost: a\r\n\r\n"),
		 HTTP_PARSE_DONE);
	CHECK_STR(r.target, "http://example.com/x?y");
}

static void test_versions(void)
{
	static struct http_req r;
	CHECK_EQ(parse1(&r, "GET / HTTP/1.0\r\n\r\n"), HTTP_PARSE_DONE);
	CHECK_EQ(r.ver_minor, 0);
	CHECK_EQ(http_req_keepalive(&r), 0);        /* 1.0 closes by default */
	CHECK_EQ(parse1(&r, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), HTTP_PARSE_DONE);
	CHECK_EQ(http_req_keepalive(&r), 1);
	CHECK_EQ(parse1(&r, "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, close\r\n\r\n"),
		 HTTP_PARSE_DONE);
	CHECK_EQ(http_req_keepalive(&r), 0);
	CHECK_EQ(parse1(&r, "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade,  CLOSE \r\n\r\n"),
		 HTTP_PARSE_DONE);
	CHECK_EQ(http_req_keepalive(&r), 0);
	CHECK_EQ(status_of("GET / HTTP/1.2\r\nHost: a\r\n\r\n"), 0);   /* 1.x is 1.1-compatible */
	CHECK_EQ(status_of("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
	CHECK_EQ(status_of("GET / HTTP/0.9\r\n\r\n"), 505);
	CHECK_EQ(status_of("GET / HTTP/1\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTX/1.1\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.10\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / http/1.1\r\n\r\n"), 400);
}

static void test_header_syntax(void)
{
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\n: a\r\nHost: a\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n"), 400);
	static const char nul[] = "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n";
	static struct http_req r;
	size_t used;
	CHECK_EQ(feed(&r, nul, sizeof(nul) - 1, 0, &used), HTTP_PARSE_ERROR);
	CHECK_EQ(r.error, 400);
	/* obs-text and tabs inside values are fine */
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nX-Y:\t\xc3\xa9 z\t\r\n\r\n"), 0);
	/* very long names of headers we ignore are fine */
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nX-A-Very-Long-Header-Name-Indeed: 1\r\n\r\n"), 0);
}

static void test_host_rules(void)
{
	CHECK_EQ(status_of("GET / HTTP/1.1\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nhOsT:\r\n\r\n"), 0);     /* empty Host is allowed */
	CHECK_EQ(status_of("GET / HTTP/1.0\r\n\r\n"), 0);
}

/* A request with n headers of about `each` bytes */
static char *many_headers(unsigned n, unsigned each)
{
	size_t cap = 64 + (size_t)n * (each + 16);
	char *b = malloc(cap), *p = b;
	p += sprintf(p, "GET / HTTP/1.1\r\n");
	for (unsigned i = 0; i < n; i++) {
		p += sprintf(p, i == 0 ? "Host: " : "X-%u: ", i);
		for (unsigned k = 0; k < each; k++)
			*p++ = 'v';
		p += sprintf(p, "\r\n");
	}
	sprintf(p, "\r\n");
	return b;
}

static void test_header_limits(void)
{
	char *b = many_headers(HTTP_HEADERS_MAX, 1);
	CHECK_EQ(status_of(b), 0);
	free(b);
	b = many_headers(HTTP_HEADERS_MAX + 1, 1);
	CHECK_EQ(status_of(b), 431);
	free(b);
	/* one huge header */
	b = many_headers(2, HTTP_HEADER_BYTES_MAX);
	CHECK_EQ(status_of(b), 431);
	free(b);
	/* exactly at the byte limit: "Host: " + v*k + CRLF + final CRLF */
	unsigned k = HTTP_HEADER_BYTES_MAX - 6 - 2 - 2;
	b = many_headers(1, k);
	CHECK_EQ(status_of(b), 0);
	free(b);
	b = many_headers(1, k + 1);
	CHECK_EQ(status_of(b), 431);
	free(b);
}

static void test_body_framing(void)
{
	const char *s = "GET /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\n"
			"Host: a\r\n\r\n";
	static struct http_req r;
	size_t used, n = strlen(s);
	http_req_init(&r);
	CHECK_EQ(http_parse(&r, s, n, &used), HTTP_PARSE_DONE);
	CHECK_STR(r.target, "/a");
	CHECK_EQ(r.content_length, 5);
	CHECK_EQ(memcmp(s + used, "GET /b", 6), 0);
	/* the same, byte by byte */
	size_t off = 0;
	http_req_init(&r);
	enum http_parse_result res = HTTP_PARSE_MORE;
	while (res == HTTP_PARSE_MORE && off < n) {
		res = http_parse(&r, s + off, 1, &used);
		off += used;
	}
	CHECK_EQ(res, HTTP_PARSE_DONE);
	CHECK_EQ(memcmp(s + off, "GET /b", 6), 0);

	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab"), 0);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
			   "Content-Length: 3\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nab"), -1);
}

static void test_accept_encoding(void)
{
	static struct http_req r;
	const struct { const char *v; int gz, star; } cases[] = {
		{ "gzip", 1, -1 }, { "GZIP", 1, -1 }, { "x-gzip", 1, -1 },
		{ "deflate, gzip;q=0.5", 1, -1 }, { "gzip;q=0", 0, -1 }, { "gzip; q=0.000", 0, -1 },
		{ "gzip;q=0.001", 1, -1 }, { "br, deflate", -1, -1 }, { "*", -1, 1 },
		{ "*;q=0, identity", -1, 0 }, { "gzip , br", 1, -1 }, { "", -1, -1 },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[256];
		snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nAccept-Encoding: %s\r\n\r\n",
			 cases[i].v);
		CHECK_EQ(parse1(&r, buf), HTTP_PARSE_DONE);
		if (r.ae_gzip != cases[i].gz || r.ae_star != cases[i].star)
			printf("  accept-encoding case \"%s\"\n", cases[i].v);
		CHECK_EQ(r.ae_gzip, cases[i].gz);
		CHECK_EQ(r.ae_star, cases[i].star);
	}
}

static void test_kept_values(void)
{
	static struct http_req r;
	CHECK_EQ(parse1(&r, "GET / HTTP/1.1\r\nHost: a\r\nIf-None-Match:   \"x\", W/\"y\"  \r\n\r\n"),
		 HTTP_PARSE_DONE);
	CHECK_STR(r.inm, "\"x\", W/\"y\"");
	CHECK_EQ(r.inm_bad, 0);
	CHECK_EQ(parse1(&r, "GET / HTTP/1.1\r\nHost: a\r\nRange: bytes=0-1\r\nRange: bytes=2-3\r\n\r\n"),
		 HTTP_PARSE_DONE);
	CHECK_EQ(r.range_bad, 1);
	CHECK_EQ(r.range_len, 0);
	char *b = malloc(HTTP_VALUE_MAX + 128);
	strcpy(b, "GET / HTTP/1.1\r\nHost: a\r\nIf-None-Match: ");
	size_t l = strlen(b);
	memset(b + l, 'q', HTTP_VALUE_MAX + 1);
	strcpy(b + l + HTTP_VALUE_MAX + 1, "\r\n\r\n");
	CHECK_EQ(parse1(&r, b), HTTP_PARSE_DONE);
	CHECK_EQ(r.inm_bad, 1);          /* too long: ignored, not truncated */
	CHECK_EQ(r.inm_len, 0);
	free(b);
	CHECK_EQ(parse1(&r, "GET / HTTP/1.1\r\nHost: a\r\nIf-Range: \"e\"\r\n\r\n"), HTTP_PARSE_DONE);
	CHECK_STR(r.if_range, "\"e\"");
}

static void test_error_is_sticky(void)
{
	static struct http_req r;
	size_t used;
	http_req_init(&r);
	CHECK_EQ(http_parse(&r, "GET / HTTP/3.0\r\n", 16, &used), HTTP_PARSE_ERROR);
	CHECK_EQ(r.error, 505);
	CHECK(r.why != NULL);
	CHECK_EQ(http_parse(&r, "Host: a\r\n\r\n", 11, &used), HTTP_PARSE_ERROR);
	CHECK_EQ(used, 0);
}

/* Random garbage and mutated requests in random chunkings: no crash (ASan
 * watches), always a definite answer, and the same one however split. */
static void test_random_inputs(void)
{
	srand(12345);
	const char *seed = "GET /x HTTP/1.1\r\nHost: a\r\nRange: bytes=1-\r\nAccept-Encoding: gzip\r\n\r\n";
	char buf[512];
	for (int iter = 0; iter < 20000; iter++) {
		size_t n;
		if (iter % 2) {
			n = (size_t)rand() % sizeof(buf);
			for (size_t i = 0; i < n; i++)
				buf[i] = (char)(rand() % 4 ? rand() % 128 : rand() % 256);
		} else {
			n = strlen(seed);
			memcpy(buf, seed, n);
			for (int m = 0; m < 3; m++)
				buf[rand() % n] = (char)(rand() % 256);
		}
		static struct http_req a, b;
		size_t ua, ub;
		enum http_parse_result ra = feed(&a, buf, n, 0, &ua);
		enum http_parse_result rb = feed(&b, buf, n, 1 + (size_t)rand() % 9, &ub);
		CHECK_EQ(ra, rb);
		if (ra == HTTP_PARSE_ERROR) {
			CHECK_EQ(a.error, b.error);
			CHECK(a.error == 400 || a.error == 414 || a.error == 431 || a.error == 501 ||
			      a.error == 505);
		} else {
			CHECK_EQ(ua, ub);
		}
		if (check_failures_)
			break;
	}
}

int main(void)
{
	RUN(test_simple_get);
	RUN(test_fragmentation_every_split);
	RUN(test_pipelined);
	RUN(test_line_endings_and_leading_crlf);
	RUN(test_methods);
	RUN(test_target_limits);
	RUN(test_versions);
	RUN(test_header_syntax);
	RUN(test_host_rules);
	RUN(test_header_limits);
	RUN(test_body_framing);
	RUN(test_accept_encoding);
	RUN(test_kept_values);
	RUN(test_error_is_sticky);
	RUN(test_random_inputs);
	return check_done();
}
