/*
 * kernel/cmdline_parse.c - split and parse the boot command line (pure).
 */
#include <stddef.h>
#include "kernel/cmdline_parse.h"

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int cmdline_split(char *buf, struct cmdline_kv *kv, int max, int *dropped)
{
	int n = 0, drop = 0;
	char *r = buf, *w = buf;

	while (*r) {
		while (is_space(*r))
			r++;
		if (!*r)
			break;
		/* One word: copy it down to w, dropping quotes, splitting at '='. */
		char *key = w, *val = NULL;
		int quoted = 0;
		while (*r && (quoted || !is_space(*r))) {
			if (*r == '"') {
				quoted = !quoted;
				r++;
				continue;
			}
			if (*r == '=' && !val && !quoted) {
				*w++ = '\0';
				val = w;
				r++;
				continue;
			}
			*w++ = *r++;
		}
		int end_of_input = !*r;
		if (!end_of_input)
			r++;           /* the separating space */
		*w++ = '\0';
		if (!*key) {
			if (end_of_input)
				break;
			continue;      /* "=x": no key, ignore */
		}
		if (n < max) {
			kv[n].key = key;
			kv[n].val = val ? val : w - 1;   /* bare word: points at "" */
			n++;
		} else {
			drop++;
		}
		if (end_of_input)
			break;
	}
	if (dropped)
		*dropped = drop;
	return n;
}

int cmdline_parse_u64(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	unsigned base = 10;
	int digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F') d = (unsigned)(*s - 'A' + 10);
		else break;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
		digits++;
	}
	if (!digits)
		return -1;
	unsigned shift = 0;
	if (*s == 'K' || *s == 'k') shift = 10;
	else if (*s == 'M' || *s == 'm') shift = 20;
	else if (*s == 'G' || *s == 'g') shift = 30;
	if (shift) {
		if (v > (UINT64_MAX >> shift))
			return -1;
		v <<= shift;
		s++;
	}
	*out = v;
	if (end)
		*end = s;
	return 0;
}

int cmdline_parse_virtio_mmio(const char *val, uint64_t *size, uint64_t *base, unsigned *irq)
{
	const char *p;
	uint64_t sz, b, i;
	if (cmdline_parse_u64(val, &sz, &p) || *p != '@')
		return -1;
	if (cmdline_parse_u64(p + 1, &b, &p) || *p != ':')
		return -1;
	if (cmdline_parse_u64(p + 1, &i, &p) || (*p && *p != ':') || i > 0xffff || sz == 0)
		return -1;
	*size = sz;
	*base = b;
	*irq = (unsigned)i;
	return 0;
}
