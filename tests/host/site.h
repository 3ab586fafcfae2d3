/*
 * tests/host/site.h - build a struct content_table by hand for host tests
 * (what tools/bake_assets would bake), plus response-head helpers.
 * Header-only: included by the http tests, not a test itself.
 */
#ifndef TESTS_SITE_H
#define TESTS_SITE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/content.h"
#include "http/route.h"

struct site_file {
	const char *path;
	const char *data;
	size_t len;          /* 0 with data != NULL: strlen(data) */
	const char *mime;
};

__attribute__((unused)) static uint64_t site_fnv(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

__attribute__((unused)) static int site_cmp_path(const void *a, const void *b)
{
	const struct site_file *x = a, *y = b;
	size_t lx = strlen(x->path), ly = strlen(y->path);
	int c = memcmp(x->path, y->path, lx < ly ? lx : ly);
	return c ? c : (lx > ly) - (lx < ly);
}

/* Build a table from files (sorted here; .gz siblings linked like the
 * bake tool does).  Leaks on purpose: lives for the whole test program. */
__attribute__((unused)) static struct content_table *site_build(const struct site_file *in, size_t n)
{
	struct site_file *f = malloc(n * sizeof(*f));
	memcpy(f, in, n * sizeof(*f));
	qsort(f, n, sizeof(*f), site_cmp_path);
	size_t blob_len = 0, str_len = 0;
	for (size_t i = 0; i < n; i++) {
		if (!f[i].len && f[i].data)
			f[i].len = strlen(f[i].data);
		blob_len += f[i].len;
		str_len += strlen(f[i].path) + 1 + strlen(f[i].mime) + 1;
	}
	uint8_t *blob = malloc(blob_len + 1);
	char *strings = malloc(str_len);
	struct content_entry *ent = calloc(n, sizeof(*ent));
	size_t bo = 0, so = 0;
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (f[i].len)
			memcpy(blob + bo, f[i].data, f[i].len);
		ent[i].data_off = bo;
		ent[i].len = f[i].len;
		ent[i].hash = site_fnv(blob + bo, f[i].len);
		bo += f[i].len;
		total += f[i].len;
		ent[i].path_off = (uint32_t)so;
		ent[i].path_len = (uint32_t)strlen(f[i].path);
		strcpy(strings + so, f[i].path);
		so += strlen(f[i].path) + 1;
		ent[i].mime_off = (uint32_t)so;
		strcpy(strings + so, f[i].mime);
		so += strlen(f[i].mime) + 1;
		ent[i].gz = -1;
	}
	struct content_table *t = calloc(1, sizeof(*t));
	t->blob = blob;
	t->ent = ent;
	t->count = (uint32_t)n;
	t->strings = strings;
	t->total = total;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(f[i].path);
		if (l > 3 && !strcmp(f[i].path + l - 3, ".gz")) {
			int b = content_lookup(t, f[i].path, l - 3);
			if (b >= 0)
				ent[b].gz = (int32_t)i;
		}
	}
	free(f);
	return t;
}

/* Value of header `name` in a response head ("" if absent, NULL never). */
__attribute__((unused)) static const char *resp_hdr(const struct http_resp *r, const char *name)
{
	static char val[256];
	size_t nl = strlen(name);
	const char *p = r->head, *end = r->head + r->head_len;
	val[0] = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			break;
		if ((size_t)(eol - p) > nl + 1 && !strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = (size_t)(eol - v);
			if (vl && v[vl - 1] == '\r')
				vl--;
			if (vl >= sizeof(val))
				vl = sizeof(val) - 1;
			memcpy(val, v, vl);
			val[vl] = 0;
			return val;
		}
		if (eol - p <= 1)
			break;          /* end of head */
		p = eol + 1;
	}
	return val;
}

__attribute__((unused)) static int resp_has_hdr(const struct http_resp *r, const char *name)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\r\n%s:", name);
	size_t pl = strlen(pat);
	for (size_t i = 0; i + pl <= r->head_len; i++)
		if (!strncasecmp(r->head + i, pat, pl))
			return 1;
	return 0;
}

#endif
