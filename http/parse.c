/*
 * http/parse.c - the incremental request parser (see parse.h).
 *
 * Grammar (RFC 9112 sections 2-6), as enforced here:
 *   request-line = method SP request-target SP HTTP-version CRLF
 *   field-line   = field-name ":" OWS field-value OWS CRLF
 * A bare LF is accepted as a line end (section 2.2 allows it); a CR not
 * followed by LF, whitespace before the colon (section 5.1) and obsolete
 * line folding (section 5.2) are rejected with 400, since each is a known
 * request-smuggling vector.
 */
#include "parse.h"
#include "net/sys.h"

enum {
	S_START,        /* before the method; tolerates a few empty lines */
	S_METHOD,
	S_TARGET,
	S_VERSION,
	S_RL_LF,        /* request line ended with CR: expect LF */
	S_HDR_START,    /* start of a field line or of the final empty line */
	S_HDR_NAME,
	S_HDR_VALUE,
	S_HDR_LF,       /* field line ended with CR: expect LF */
	S_END_LF,       /* empty line's CR seen: expect LF */
	S_BODY,         /* skipping Content-Length bytes */
	S_DONE,
	S_ERROR,
};

/* Headers whose value we keep or interpret. */
enum { H_OTHER, H_HOST, H_CONNECTION, H_INM, H_RANGE, H_IF_RANGE, H_AE, H_CL, H_TE };

static const struct { const char *name; uint8_t id; } known_headers[] = {
	{ "host", H_HOST },
	{ "connection", H_CONNECTION },
	{ "if-none-match", H_INM },
	{ "range", H_RANGE },
	{ "if-range", H_IF_RANGE },
	{ "accept-encoding", H_AE },
	{ "content-length", H_CL },
	{ "transfer-encoding", H_TE },
};

static const char *const method_names[] = {
	[HTTP_M_UNKNOWN] = "?", [HTTP_M_GET] = "GET", [HTTP_M_HEAD] = "HEAD",
	[HTTP_M_POST] = "POST", [HTTP_M_PUT] = "PUT", [HTTP_M_DELETE] = "DELETE",
	[HTTP_M_CONNECT] = "CONNECT", [HTTP_M_OPTIONS] = "OPTIONS",
	[HTTP_M_TRACE] = "TRACE", [HTTP_M_PATCH] = "PATCH",
};

const char *http_method_str(enum http_method m)
{
	if ((unsigned)m < sizeof(method_names) / sizeof(method_names[0]))
		return method_names[m];
	return "?";
}

/* tchar (RFC 9110 section 5.6.2) */
static int is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
	case '-': case '.': case '^': case '_': case '`': case '|': case '~':
		return 1;
	}
	return 0;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Case-insensitive equality of s[0..n) with the NUL-terminated lower-case lit. */
static int ieq(const char *s, size_t n, const char *lit)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!lit[i] || lower(s[i]) != lit[i])
			return 0;
	return lit[i] == 0;
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

void http_req_init(struct http_req *r)
{
	memset(r, 0, sizeof(*r));
	r->ae_gzip = -1;
	r->ae_star = -1;
	r->state = S_START;
}

static enum http_parse_result fail(struct http_req *r, int status, const char *why)
{
	r->state = S_ERROR;
	r->error = status;
	r->why = why;
	return HTTP_PARSE_ERROR;
}

/* Walk a comma-separated list: calls fn on each trimmed element. */
static void each_element(const char *v, size_t n, void (*fn)(struct http_req *, const char *, size_t),
			 struct http_req *r)
{
	size_t i = 0;
	while (i < n) {
		size_t s = i;
		while (i < n && v[i] != ',')
			i++;
		size_t e = i;
		while (s < e && is_ows(v[s]))
			s++;
		while (e > s && is_ows(v[e - 1]))
			e--;
		if (e > s)
			fn(r, v + s, e - s);
		i++;                    /* past the comma */
	}
}

static void connection_token(struct http_req *r, const char *t, size_t n)
{
	if (ieq(t, n, "close"))
		r->conn_close = 1;
	else if (ieq(t, n, "keep-alive"))
		r->conn_keepalive = 1;
}

/* q-value (RFC 9110 section 12.4.2): is it zero?  "0", "0.", "0.000". */
static int qvalue_zero(const char *q, size_t n)
{
	if (n == 0 || q[0] != '0')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (q[i] != '.' && q[i] != '0')
			return 0;
	return 1;
}

/* One Accept-Encoding element: coding [ OWS ";" OWS "q=" qvalue ] */
static void ae_element(struct http_req *r, const char *t, size_t n)
{
	size_t c = 0;
	while (c < n && t[c] != ';' && !is_ows(t[c]))
		c++;
	int ok = 1;
	for (size_t i = c; i < n; i++) {
		if ((t[i] == 'q' || t[i] == 'Q') && i + 1 < n && t[i + 1] == '=') {
			size_t s = i + 2, e = s;
			while (e < n && !is_ows(t[e]) && t[e] != ';')
				e++;
			ok = !qvalue_zero(t + s, e - s);
			break;
		}
	}
	if (ieq(t, c, "gzip") || ieq(t, c, "x-gzip"))
		r->ae_gzip = (int8_t)(r->ae_gzip == 1 ? 1 : ok);
	else if (ieq(t, c, "*"))
		r->ae_star = (int8_t)(r->ae_star == 1 ? 1 : ok);
}

static void keep_value(char *dst, uint16_t *dlen, uint8_t *bad, const struct http_req *r)
{
	if (*dlen || *bad || r->val_long) {     /* repeated or too long: ignore */
		*bad = 1;
		*dlen = 0;
		return;
	}
	memcpy(dst, r->val, r->val_len);
	dst[r->val_len] = 0;
	*dlen = r->val_len;
	if (!*dlen)
		*bad = 1;                       /* present but empty: also unusable */
}

/* A field line is complete: interpret it. */
static enum http_parse_result end_field(struct http_req *r)
{
	if (++r->nheaders > HTTP_HEADERS_MAX)
		return fail(r, 431, "too many header fields");
	while (r->val_len && is_ows(r->val[r->val_len - 1]))
		r->val_len--;
	r->val[r->val_len] = 0;
	switch (r->hdr) {
	case H_HOST:
		if (r->host_count < 255)
			r->host_count++;
		break;
	case H_CONNECTION:
		each_element(r->val, r->val_len, connection_token, r);
		break;
	case H_AE:
		each_element(r->val, r->val_len, ae_element, r);
		break;
	case H_INM:
		keep_value(r->inm, &r->inm_len, &r->inm_bad, r);
		break;
	case H_RANGE:
		keep_value(r->range, &r->range_len, &r->range_bad, r);
		break;
	case H_IF_RANGE:
		keep_value(r->if_range, &r->if_range_len, &r->if_range_bad, r);
		break;
	case H_TE:
		r->have_te = 1;
		break;
	case H_CL: {
		/* RFC 9112 section 6.3: an invalid or conflicting length makes
		 * the framing unknowable, so the request is rejected. */
		uint64_t v = 0;
		if (r->val_long || r->val_len == 0)
			return fail(r, 400, "bad Content-Length");
		for (uint16_t i = 0; i < r->val_len; i++) {
			char c = r->val[i];
			if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10)
				return fail(r, 400, "bad Content-Length");
			v = v * 10 + (uint64_t)(c - '0');
		}
		if (r->have_cl && v != r->content_length)
			return fail(r, 400, "conflicting Content-Length");
		r->have_cl = 1;
		r->content_length = v;
		break;
	}
	}
	return HTTP_PARSE_MORE;
}

/* The request line is complete. */
static enum http_parse_result end_request_line(struct http_req *r)
{
	const char *v = r->ver;
	if (r->ver_len != 8 || !(v[0] == 'H' && v[1] == 'T' && v[2] == 'T' && v[3] == 'P' &&
				 v[4] == '/') || v[5] < '0' || v[5] > '9' || v[6] != '.' ||
	    v[7] < '0' || v[7] > '9')
		return fail(r, 400, "bad HTTP-version");
	r->ver_major = (uint8_t)(v[5] - '0');
	r->ver_minor = (uint8_t)(v[7] - '0');
	if (r->ver_major != 1)
		return fail(r, 505, "HTTP major version not 1");
	r->state = S_HDR_START;
	return HTTP_PARSE_MORE;
}

/* The empty line ending the header section arrived. */
static enum http_parse_result end_head(struct http_req *r)
{
	if (r->have_te && r->have_cl)
		return fail(r, 400, "both Transfer-Encoding and Content-Length");
	if (r->have_te)
		return fail(r, 501, "Transfer-Encoding not implemented");
	/* RFC 9112 section 3.2: a 1.1 request without exactly one Host is 400. */
	if (r->host_count > 1 || (r->ver_minor >= 1 && r->host_count == 0))
		return fail(r, 400, "missing or repeated Host");
	r->body_left = r->content_length;
	r->state = r->body_left ? S_BODY : S_DONE;
	return r->body_left ? HTTP_PARSE_MORE : HTTP_PARSE_DONE;
}

static void identify_method(struct http_req *r)
{
	r->method_name[r->method_len] = 0;
	r->method = HTTP_M_UNKNOWN;
	for (unsigned m = HTTP_M_GET; m <= HTTP_M_PATCH; m++) {
		const char *s = method_names[m];
		if (strlen(s) == r->method_len && !memcmp(s, r->method_name, r->method_len))
			r->method = (enum http_method)m;
	}
}

static void identify_header(struct http_req *r)
{
	r->hdr = H_OTHER;
	if (r->name_long)
		return;
	for (unsigned i = 0; i < sizeof(known_headers) / sizeof(known_headers[0]); i++)
		if (ieq(r->name, r->name_len, known_headers[i].name))
			r->hdr = known_headers[i].id;
}

enum http_parse_result http_parse(struct http_req *r, const void *buf, size_t n, size_t *used)
{
	const unsigned char *p = buf;
	size_t i = 0;
	enum http_parse_result res = HTTP_PARSE_MORE;

	if (r->state == S_ERROR) {
		*used = 0;
		return HTTP_PARSE_ERROR;
	}
	if (r->state == S_DONE) {
		*used = 0;
		return HTTP_PARSE_DONE;
	}
	for (; i < n && res == HTTP_PARSE_MORE; i++) {
		unsigned char c = p[i];
		if (r->state >= S_HDR_START && r->state <= S_END_LF &&
		    ++r->header_bytes > HTTP_HEADER_BYTES_MAX) {
			res = fail(r, 431, "header section too large");
			break;
		}
		switch (r->state) {
		case S_START:
			if (c == '\r' || c == '\n') {
				if (++r->leading > HTTP_LEADING_CRLF_MAX)
					res = fail(r, 400, "too many empty lines");
				break;
			}
			r->state = S_METHOD;
			/* fall through */
		case S_METHOD:
			if (c == ' ') {
				if (r->method_len == 0) {
					res = fail(r, 400, "empty method");
					break;
				}
				identify_method(r);
				r->state = S_TARGET;
			} else if (!is_tchar(c)) {
				res = fail(r, 400, "bad method character");
			} else if (r->method_len >= HTTP_METHOD_MAX) {
				res = fail(r, 501, "method too long");
			} else {
				r->method_name[r->method_len++] = (char)c;
			}
			break;
		case S_TARGET:
			if (c == ' ') {
				if (r->target_len == 0) {
					res = fail(r, 400, "empty request-target");
					break;
				}
				r->target[r->target_len] = 0;
				r->state = S_VERSION;
			} else if (c < 0x21 || c > 0x7e) {
				res = fail(r, 400, "bad request-target character");
			} else if (r->target_len >= HTTP_TARGET_MAX) {
				res = fail(r, 414, "request-target too long");
			} else {
				r->target[r->target_len++] = (char)c;
			}
			break;
		case S_VERSION:
			if (c == '\r') {
				r->state = S_RL_LF;
			} else if (c == '\n') {
				res = end_request_line(r);
			} else if (r->ver_len >= 8) {
				res = fail(r, 400, "bad HTTP-version");
			} else {
				r->ver[r->ver_len++] = (char)c;
			}
			break;
		case S_RL_LF:
			res = c == '\n' ? end_request_line(r) : fail(r, 400, "CR without LF");
			break;
		case S_HDR_START:
			if (c == '\r') {
				r->state = S_END_LF;
			} else if (c == '\n') {
				res = end_head(r);
			} else if (is_ows((char)c)) {
				res = fail(r, 400, "obsolete line folding");
			} else if (!is_tchar(c)) {
				res = fail(r, 400, "bad field-name character");
			} else {
				r->name_len = 0;
				r->name_long = 0;
				r->val_len = 0;
				r->val_long = 0;
				r->name[r->name_len++] = lower((char)c);
				r->state = S_HDR_NAME;
			}
			break;
		case S_HDR_NAME:
			if (c == ':') {
				identify_header(r);
				r->state = S_HDR_VALUE;
			} else if (!is_tchar(c)) {
				res = fail(r, 400, "bad field-name character");
			} else if (r->name_len >= sizeof(r->name)) {
				r->name_long = 1;
			} else {
				r->name[r->name_len++] = lower((char)c);
			}
			break;
		case S_HDR_VALUE:
			if (c == '\r') {
				r->state = S_HDR_LF;
			} else if (c == '\n') {
				res = end_field(r);
				if (res == HTTP_PARSE_MORE)
					r->state = S_HDR_START;
			} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
				res = fail(r, 400, "control character in field-value");
			} else if (r->val_len == 0 && is_ows((char)c)) {
				/* leading OWS */
			} else if (r->hdr == H_OTHER) {
				/* value not needed */
			} else if (r->val_len >= HTTP_VALUE_MAX) {
				r->val_long = 1;
			} else {
				r->val[r->val_len++] = (char)c;
			}
			break;
		case S_HDR_LF:
			if (c != '\n') {
				res = fail(r, 400, "CR without LF");
				break;
			}
			res = end_field(r);
			if (res == HTTP_PARSE_MORE)
				r->state = S_HDR_START;
			break;
		case S_END_LF:
			res = c == '\n' ? end_head(r) : fail(r, 400, "CR without LF");
			break;
		case S_BODY: {
			/* Skip as much body as this buffer holds, in one step. */
			size_t take = n - i;
			if (take > r->body_left)
				take = (size_t)r->body_left;
			r->body_left -= take;
			i += take - 1;          /* the loop adds the last one */
			if (r->body_left == 0) {
				r->state = S_DONE;
				res = HTTP_PARSE_DONE;
			}
			break;
		}
		default:
			res = fail(r, 500, "parser state corrupt");
			break;
		}
	}
	/* An error consumes nothing further; the connection closes anyway. */
	*used = i;
	return res;
}

int http_req_keepalive(const struct http_req *r)
{
	if (r->conn_close)
		return 0;
	if (r->ver_major == 1 && r->ver_minor == 0)
		return r->conn_keepalive;
	return 1;
}
