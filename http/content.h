/*
 * http/content.h - the baked site: the layout tools/bake_assets.c emits.
 *
 * The bake tool writes one assembly file.  Every asset's bytes go into the
 * read-only `.content` section back to back (`.incbin`, so a 100 MiB file
 * costs the assembler nothing), starting at the global label content_blob.
 * The index is a sorted array of struct content_entry in .rodata; it holds
 * offsets, not pointers, so it needs no relocation and links the same way
 * into the kernel and into a position-independent host test program.
 *
 * Assets are immutable for the life of the image: the server hands slices
 * of content_blob to tcp_write_ref() and never copies them.
 */
#ifndef HTTP_CONTENT_H
#define HTTP_CONTENT_H

#include <stdint.h>
#include <stddef.h>

/* One asset.  The layout is shared with tools/bake_assets.c (which writes
 * it as .quad/.long directives): change both together. */
struct content_entry {
	uint64_t data_off;   /* first byte, relative to content_blob */
	uint64_t len;        /* bytes; 0 is allowed */
	uint64_t hash;       /* FNV-1a 64 of the bytes: the strong ETag */
	uint32_t path_off;   /* URL path in content_strings: decoded, starts with '/' */
	uint32_t path_len;   /* bytes (no NUL terminator is relied on) */
	uint32_t mime_off;   /* NUL-terminated Content-Type in content_strings */
	int32_t gz;          /* index of the `name.gz` sibling, -1 if none */
};
_Static_assert(sizeof(struct content_entry) == 40, "content_entry layout is shared with the bake tool");

/* A site: the baked one, or one a host test builds by hand.  Entries are
 * sorted by path (bytewise, shorter first on a common prefix) so lookup
 * is a binary search. */
struct content_table {
	const uint8_t *blob;
	const struct content_entry *ent;
	uint32_t count;
	const char *strings;
	uint64_t total;      /* sum of len over all entries */
};

/* The baked site (content_baked.c; in the kernel image only, or in a host
 * program that links a bake output). */
const struct content_table *content_baked(void);

/* Symbols the bake output defines. */
extern const uint8_t content_blob[];
extern const struct content_entry content_index[];
extern const uint32_t content_count;
extern const char content_strings[];
extern const uint64_t content_total;

/* linker.ld brackets the whole .content output section with these. */
extern const uint8_t __content_start[], __content_end[];

/* Index of the asset at exactly this decoded path, -1 if none. */
int content_lookup(const struct content_table *t, const char *path, size_t len);

static inline const uint8_t *content_data(const struct content_table *t, int i)
{
	return t->blob + t->ent[i].data_off;
}
static inline const char *content_path(const struct content_table *t, int i)
{
	return t->strings + t->ent[i].path_off;
}
static inline const char *content_mime(const struct content_table *t, int i)
{
	return t->strings + t->ent[i].mime_off;
}

#endif
