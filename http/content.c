/*
 * http/content.c - finding an asset by path.
 *
 * Pure: works on any struct content_table, so the host tests build small
 * sites by hand and the kernel passes the baked one (content_baked.c).
 */
#include "content.h"
#include "net/sys.h"

/* Same order as the bake tool's sort: bytewise, shorter first. */
static int path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return (alen > blen) - (alen < blen);
}

int content_lookup(const struct content_table *t, const char *path, size_t len)
{
	uint32_t lo = 0, hi = t->count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct content_entry *e = &t->ent[mid];
		int c = path_cmp(path, len, t->strings + e->path_off, e->path_len);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}
