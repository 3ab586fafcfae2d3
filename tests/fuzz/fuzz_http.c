/*
 * tests/fuzz/fuzz_http.c - libFuzzer target for the HTTP request parser
 * and the router.
 *
 *   clang -fsanitize=fuzzer,address,undefined -I. -DQUARTZ_HOST \
 *         tests/fuzz/fuzz_http.c http/parse.c http/route.c http/content.c
 *   (or: make fuzz FUZZ_SECONDS=60)
 *
 * The first input byte picks a chunk size; the rest is fed to the parser
 * in chunks of that size, as TCP might deliver it, through as many
 * pipelined requests as it holds.  Every complete request is routed
 * against a small site.  Beyond what the sanitizers catch, the target
 * aborts if an invariant breaks: the parser consumes no more than it was
 * given, answers the same whichever chunking is used, and every response
 * head is well formed and names a body inside the site.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http/parse.h"
#include "http/route.h"
#include "http/content.h"

static const uint8_t blob[] = "<h1>home</h1>docsbody{}GZ0123456789";
static const char strings[] =
	"/index.html\0/docs/index.html\0/style.css\0/style.css.gz\0/digits.txt\0"
	"text/html\0text/css\0application/gzip\0text/plain";
/* offsets into strings: paths 0,12,29,40,54; mimes 66,76,85,102 */
static const struct content_entry ent[] = {      /* sorted by path */
	{ 25, 10, 2, 54, 11, 102, -1 }, /* /digits.txt */
	{ 13, 4, 1, 12, 16, 66, -1 },   /* /docs/index.html */
	{ 0, 13, 3, 0, 11, 66, -1 },    /* /index.html */
	{ 17, 6, 4, 29, 10, 76, 4 },    /* /style.css, .gz sibling at 4 */
	{ 23, 2, 5, 40, 13, 85, -1 },   /* /style.css.gz */
};
static const struct content_table site = { blob, ent, 5, strings, 35 };

static struct http_req req;
static struct http_resp resp;

static void check_resp(void)
{
	if (resp.head_len < 16 || resp.head_len > sizeof(resp.head) ||
	    memcmp(resp.head, "HTTP/1.1 ", 9))
		abort();
	if (resp.body == HTTP_BODY_ASSET) {
		if (resp.asset < 0 || (uint32_t)resp.asset >= site.count ||
		    resp.off + resp.len > site.ent[resp.asset].len)
			abort();
	}
	/* the head ends with the blank line before any small body */
	if (!memmem(resp.head, resp.head_len, "\r\n\r\n", 4))
		abort();
}

/* Parse everything in data with the given chunk size; returns a digest
 * of the outcomes (statuses and consumed counts) for comparison. */
static uint64_t run(const uint8_t *data, size_t n, size_t chunk)
{
	uint64_t digest = 1469598103934665603ull;
	size_t off = 0;
	int requests = 0;
	http_req_init(&req);
	while (off < n && requests < 64) {
		size_t k = n - off < chunk ? n - off : chunk, used = 0;
		enum http_parse_result r = http_parse(&req, data + off, k, &used);
		if (used > k)
			abort();
		if (r == HTTP_PARSE_MORE && used != k)
			abort();
		off += used;
		if (r == HTTP_PARSE_MORE)
			continue;
		if (r == HTTP_PARSE_ERROR) {
			http_route_error(&req, &resp);
			check_resp();
			digest = (digest ^ (uint64_t)req.error) * 1099511628211ull;
			break;
		}
		http_route(&req, &site, &resp);
		if (resp.body != HTTP_BODY_STATS)
			check_resp();
		digest = (digest ^ (uint64_t)resp.status ^ (off << 16)) * 1099511628211ull;
		requests++;
		http_req_init(&req);
	}
	return digest;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = 1 + data[0] % 32;
	data++;
	size--;
	uint64_t a = run(data, size, size ? size : 1);
	uint64_t b = run(data, size, chunk);
	if (a != b)
		abort();               /* fragmentation changed the answer */
	/* the path decoder on its own, with a tight output buffer */
	char out[64];
	if (size) {
		long n = http_target_path((const char *)data, size, out, sizeof(out));
		if (n > (long)sizeof(out) || (n > 0 && out[0] != '/'))
			abort();
	}
	return 0;
}
