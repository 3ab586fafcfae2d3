/*
 * http/route.h - from a parsed request to a response plan.
 *
 * Pure: no TCP, no clock, no allocation.  Given a request and a site it
 * decides the status, formats the status line and header fields, and
 * names the body as a slice of an asset (sent by reference, never copied),
 * or asks the caller to generate /api/stats.json.  Everything HTTP
 * semantics (RFC 9110) decides lives here, so host tests cover it
 * exhaustively without a network.
 */
#ifndef HTTP_ROUTE_H
#define HTTP_ROUTE_H

#include <stdint.h>
#include <stddef.h>
#include "param.h"
#include "parse.h"
#include "content.h"

#define HTTP_STATS_PATH "/api/stats.json"

enum http_body {
	HTTP_BODY_NONE,     /* headers only (HEAD, 304, or the body is inside head[]) */
	HTTP_BODY_ASSET,    /* then asset[off .. off+len) */
	HTTP_BODY_STATS,    /* generate JSON, then http_head_generated() */
};

struct http_resp {
	int status;
	uint8_t close;          /* close the connection once this is sent */
	uint8_t head_only;      /* HEAD: headers as for GET, no body */
	uint8_t gzip;           /* the .gz sibling was chosen */
	int asset;              /* chosen representation, -1 if none */
	uint64_t off, len;      /* body slice of the asset */
	enum http_body body;
	uint64_t body_bytes;    /* body bytes that will follow head[] */
	char head[HTTP_HEAD_MAX];
	size_t head_len;        /* includes a small error body, if any */
};

/* Answer a complete request (http_parse returned DONE). */
void http_route(const struct http_req *r, const struct content_table *t, struct http_resp *out);

/* Answer a request the parser rejected with r->error; always closes. */
void http_route_error(const struct http_req *r, struct http_resp *out);

/* A short text answer with this status (e.g. 500 when /api/stats.json
 * cannot get memory); close says whether the connection then closes. */
void http_route_simple(const struct http_req *r, int status, int close, struct http_resp *out);

/* Format the head for a generated body of `len` bytes (BODY_STATS). */
void http_head_generated(struct http_resp *out, const char *type, uint64_t len);

/* Percent-decode the path part of a request-target into out (query and
 * fragment dropped, dot-segments removed, absolute-form reduced to its
 * path).  Returns the decoded length, or -1 if the target is malformed
 * (400).  cap must be > the target length. */
long http_target_path(const char *target, size_t len, char *out, size_t cap);

const char *http_reason(int status);

#endif
