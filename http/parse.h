/*
 * http/parse.h - an incremental HTTP/1.1 request parser (RFC 9112).
 *
 * A byte-at-a-time state machine: feed it whatever TCP delivered, in any
 * fragmentation, and it keeps only what the server uses (method, target,
 * version and a few header values) in fixed-size fields.  It never looks
 * outside the bytes it was given and never needs the whole request in one
 * buffer, so a request split at every byte parses the same as one in a
 * single segment.  It stops at the end of each request (after skipping
 * any Content-Length body), so pipelined requests are parsed one by one.
 *
 * Hard limits (http/param.h) turn abuse into a status code: a method over
 * HTTP_METHOD_MAX is 501, a target over HTTP_TARGET_MAX is 414, more than
 * HTTP_HEADERS_MAX fields or HTTP_HEADER_BYTES_MAX bytes of them is 431.
 */
#ifndef HTTP_PARSE_H
#define HTTP_PARSE_H

#include <stdint.h>
#include <stddef.h>
#include "param.h"

enum http_method {
	HTTP_M_UNKNOWN = 0,     /* a valid token we don't know: 501 */
	HTTP_M_GET, HTTP_M_HEAD, HTTP_M_POST, HTTP_M_PUT, HTTP_M_DELETE,
	HTTP_M_CONNECT, HTTP_M_OPTIONS, HTTP_M_TRACE, HTTP_M_PATCH,
};

enum http_parse_result {
	HTTP_PARSE_MORE = 0,    /* consumed everything given; need more bytes */
	HTTP_PARSE_DONE,        /* one complete request; the rest is the next one */
	HTTP_PARSE_ERROR,       /* malformed: answer req.error and close */
};

/* What one request said, plus the parser's position in it. */
struct http_req {
	/* --- results, valid once http_parse() returned DONE --- */
	enum http_method method;
	char method_name[HTTP_METHOD_MAX + 1];  /* NUL-terminated, for the log */
	char target[HTTP_TARGET_MAX + 1];       /* raw request-target, NUL-terminated */
	uint16_t target_len;
	uint8_t ver_major, ver_minor;           /* "HTTP/1.0" -> 1, 0 */
	uint8_t conn_close;                     /* Connection: close */
	uint8_t conn_keepalive;                 /* Connection: keep-alive */
	int8_t ae_gzip;                         /* Accept-Encoding gzip: -1 unsaid, 0 refused, 1 ok */
	int8_t ae_star;                         /* same for "*" */
	uint8_t host_count;                     /* Host fields seen */
	uint8_t have_cl, have_te;
	uint64_t content_length;                /* body bytes, skipped */
	/* Kept header values: len 0 = absent; a value too long or repeated
	 * is marked bad and then ignored (never half-used). */
	char inm[HTTP_VALUE_MAX + 1];           /* If-None-Match */
	uint16_t inm_len;
	uint8_t inm_bad;
	char range[HTTP_VALUE_MAX + 1];         /* Range */
	uint16_t range_len;
	uint8_t range_bad;
	char if_range[HTTP_VALUE_MAX + 1];      /* If-Range */
	uint16_t if_range_len;
	uint8_t if_range_bad;
	int error;                              /* status code after HTTP_PARSE_ERROR */
	const char *why;                        /* short reason, for tests and logs */

	/* --- parser state --- */
	uint8_t state;
	uint8_t hdr;                            /* which known header this line is */
	uint8_t name_len;                       /* bytes of name kept (<= sizeof name) */
	uint8_t name_long;                      /* name longer than kept: unknown header */
	uint8_t ver_len;
	uint8_t cr_seen;                        /* a CR awaits its LF */
	uint16_t method_len;
	uint16_t leading;                       /* empty-line bytes before the request line */
	uint16_t nheaders;
	uint32_t header_bytes;
	char name[20];                          /* longest name we care about fits */
	char ver[10];
	char val[HTTP_VALUE_MAX + 1];
	uint16_t val_len;
	uint8_t val_long;
	uint64_t body_left;
};

/* Reset for a new request (also between pipelined requests). */
void http_req_init(struct http_req *r);

/* Consume up to n bytes; *used says how many.  On DONE the bytes after
 * *used belong to the next request; on ERROR nothing further is parsed. */
enum http_parse_result http_parse(struct http_req *r, const void *buf, size_t n, size_t *used);

/* Whether the connection may stay open after answering this request
 * (RFC 9112 section 9.3: 1.1 unless "close"; 1.0 only with "keep-alive"). */
int http_req_keepalive(const struct http_req *r);

const char *http_method_str(enum http_method m);

#endif
