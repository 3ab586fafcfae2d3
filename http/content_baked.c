/*
 * http/content_baked.c - the site tools/bake_assets baked into this image.
 *
 * Kept apart from content.c so host test programs that build their own
 * tables never pull in references to the baked symbols.
 */
#include "content.h"

static struct content_table baked;

const struct content_table *content_baked(void)
{
	if (!baked.ent) {
		baked.blob = content_blob;
		baked.ent = content_index;
		baked.count = content_count;
		baked.strings = content_strings;
		baked.total = content_total;
	}
	return &baked;
}
