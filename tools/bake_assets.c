/*
 * tools/bake_assets.c - bake a directory into the kernel image.
 *
 *   bake_assets DIR OUT.S
 *
 * Walks DIR (sorted, so the output is the same on every machine), and
 * writes an assembly file that .incbin's every regular file into the
 * read-only .content section and describes them in an index laid out as
 * struct content_entry (http/content.h).  Nothing is copied into the .S
 * itself: the assembler reads the files, so a 100 MiB asset bakes in about
 * the time it takes to read it once for its hash.
 *
 * Per asset the index records the URL path (the file's path below DIR,
 * undecoded bytes: the server percent-decodes requests before lookup), its
 * length, a strong ETag (FNV-1a 64 of the bytes), the MIME type by
 * extension, and the index of `name.gz` when both `name` and `name.gz`
 * exist (served for Accept-Encoding: gzip).
 *
 * Errors are build errors: a missing or empty directory, a symlink that
 * leaves the tree, a loop, a special file, or an unreadable file print a
 * message and exit non-zero, and OUT.S is not left half-written.
 *
 * Host tool: plain libc, links nothing of the kernel.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 32            /* deeper means a symlink loop or a mistake */

struct asset {
	char *url;                /* "/" + path below DIR */
	size_t url_len;
	char *file;               /* resolved absolute path for .incbin */
	uint64_t len;
	uint64_t hash;
	const char *mime;
	int gz;                   /* index of url + ".gz", -1 */
};

static struct asset *assets;
static size_t nassets, cap;
static char root[PATH_MAX];     /* realpath of DIR */
static size_t root_len;

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("bake_assets: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* MIME types by extension (case-insensitive).  Text types carry a charset
 * so browsers do not guess. */
static const struct { const char *ext, *mime; } mime_table[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "map", "application/json" },
	{ "webmanifest", "application/manifest+json" },
	{ "xml", "application/xml" },
	{ "rss", "application/rss+xml" },
	{ "atom", "application/atom+xml" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "csv", "text/csv; charset=utf-8" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "avif", "image/avif" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "bmp", "image/bmp" },
	{ "pdf", "application/pdf" },
	{ "wasm", "application/wasm" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "ttf", "font/ttf" },
	{ "otf", "font/otf" },
	{ "mp4", "video/mp4" },
	{ "webm", "video/webm" },
	{ "ogg", "audio/ogg" },
	{ "mp3", "audio/mpeg" },
	{ "wav", "audio/wav" },
	{ "gz", "application/gzip" },
	{ "zip", "application/zip" },
	{ "tar", "application/x-tar" },
};

static const char *mime_for(const char *url)
{
	const char *slash = strrchr(url, '/');
	const char *dot = strrchr(slash ? slash : url, '.');
	if (dot && dot[1]) {
		for (size_t i = 0; i < sizeof(mime_table) / sizeof(mime_table[0]); i++)
			if (!strcasecmp(dot + 1, mime_table[i].ext))
				return mime_table[i].mime;
	}
	return "application/octet-stream";
}

/* FNV-1a 64 over the whole file; also measures its length as read. */
static void hash_file(struct asset *a)
{
	static unsigned char buf[1 << 20];
	FILE *f = fopen(a->file, "rb");
	if (!f)
		die("%s: %s", a->file, strerror(errno));
	uint64_t h = 0xcbf29ce484222325ull, n = 0;
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < got; i++) {
			h ^= buf[i];
			h *= 0x100000001b3ull;
		}
		n += got;
	}
	if (ferror(f))
		die("%s: read error", a->file);
	fclose(f);
	a->hash = h;
	a->len = n;
}

static void add_asset(const char *url, const char *file)
{
	if (nassets == cap) {
		cap = cap ? cap * 2 : 64;
		assets = realloc(assets, cap * sizeof(*assets));
		if (!assets)
			die("out of memory");
	}
	struct asset *a = &assets[nassets++];
	memset(a, 0, sizeof(*a));
	a->url = strdup(url);
	a->url_len = strlen(url);
	a->file = strdup(file);
	if (!a->url || !a->file)
		die("out of memory");
	a->mime = mime_for(url);
	a->gz = -1;
	hash_file(a);
}

/* A resolved path must be root itself or below it. */
static int inside_root(const char *real)
{
	return !strncmp(real, root, root_len) && (real[root_len] == '/' || real[root_len] == 0 ||
						   root_len == 1);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir: filesystem path; url: URL prefix ("" for the root) */
static void walk(const char *dir, const char *url, int depth)
{
	if (depth > MAX_DEPTH)
		die("%s: nested deeper than %d directories (symlink loop?)", dir, MAX_DEPTH);
	DIR *d = opendir(dir);
	if (!d)
		die("%s: %s", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0, ncap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == ncap) {
			ncap = ncap ? ncap * 2 : 32;
			names = realloc(names, ncap * sizeof(*names));
			if (!names)
				die("out of memory");
		}
		if (!(names[n++] = strdup(e->d_name)))
			die("out of memory");
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);

	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX], sub[PATH_MAX], real[PATH_MAX];
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= sizeof(path) ||
		    (size_t)snprintf(sub, sizeof(sub), "%s/%s", url, names[i]) >= sizeof(sub))
			die("%s/%s: path too long", dir, names[i]);
		struct stat lst, st;
		if (lstat(path, &lst) < 0)
			die("%s: %s", path, strerror(errno));
		if (S_ISLNK(lst.st_mode)) {
			/* Followed only while it stays inside the tree: baking
			 * must never pull in files from elsewhere on the build
			 * machine by accident. */
			if (!realpath(path, real))
				die("%s: dangling symlink (%s)", path, strerror(errno));
			if (!inside_root(real))
				die("%s: symlink leaves the asset tree (-> %s)", path, real);
		} else if (!realpath(path, real)) {
			die("%s: %s", path, strerror(errno));
		}
		if (stat(real, &st) < 0)
			die("%s: %s", real, strerror(errno));
		if (S_ISDIR(st.st_mode))
			walk(path, sub, depth + 1);
		else if (S_ISREG(st.st_mode))
			add_asset(sub, real);
		else
			die("%s: not a regular file or directory", path);
		free(names[i]);
	}
	free(names);
}

/* Bytewise, shorter first on a common prefix: what content_lookup expects. */
static int url_cmp(const void *pa, const void *pb)
{
	const struct asset *a = pa, *b = pb;
	size_t n = a->url_len < b->url_len ? a->url_len : b->url_len;
	int c = memcmp(a->url, b->url, n);
	if (c)
		return c;
	return (a->url_len > b->url_len) - (a->url_len < b->url_len);
}

static int find(const char *url, size_t len)
{
	size_t lo = 0, hi = nassets;
	struct asset key = { .url = (char *)url, .url_len = len };
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = url_cmp(&key, &assets[mid]);
		if (!c)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* An assembler string literal: printable ASCII as is, the rest octal. */
static void put_string(FILE *o, const char *s, size_t len)
{
	fputc('"', o);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, o);
		else
			fprintf(o, "\\%03o", c);
	}
	fputc('"', o);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bake_assets DIR OUT.S\n");
		return 2;
	}
	const char *dir = argv[1], *out = argv[2];
	struct stat st;
	if (stat(dir, &st) < 0)
		die("asset directory %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		die("asset directory %s: not a directory", dir);
	if (!realpath(dir, root))
		die("%s: %s", dir, strerror(errno));
	root_len = strlen(root);
	walk(root, "", 0);
	if (nassets == 0)
		die("asset directory %s is empty: nothing to serve", dir);
	if (nassets > INT32_MAX)
		die("too many assets");

	qsort(assets, nassets, sizeof(*assets), url_cmp);
	uint64_t total = 0;
	for (size_t i = 0; i < nassets; i++) {
		struct asset *a = &assets[i];
		total += a->len;
		if (a->url_len > 3 && !strcmp(a->url + a->url_len - 3, ".gz")) {
			int base = find(a->url, a->url_len - 3);
			if (base >= 0)
				assets[base].gz = (int)i;
		}
	}

	char tmp[PATH_MAX];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", out) >= sizeof(tmp))
		die("%s: path too long", out);
	FILE *o = fopen(tmp, "w");
	if (!o)
		die("%s: %s", tmp, strerror(errno));

	fprintf(o, "/* Generated by tools/bake_assets from %s: %zu assets, %llu bytes.\n"
		" * Layout: http/content.h.  Do not edit. */\n", root, nassets,
		(unsigned long long)total);
	fprintf(o, "\t.section .content,\"a\"\n\t.balign 16\n\t.globl content_blob\ncontent_blob:\n");
	for (size_t i = 0; i < nassets; i++) {
		/* The explicit length makes the assembler fail if the file
		 * shrank after we hashed it. */
		fprintf(o, ".Lasset%zu:\n", i);
		if (assets[i].len == 0)
			continue;       /* an empty file is just a label */
		fprintf(o, "\t.incbin ");
		put_string(o, assets[i].file, strlen(assets[i].file));
		fprintf(o, ",0,%llu\n", (unsigned long long)assets[i].len);
	}

	/* String table: every URL path, then each distinct MIME type. */
	uint32_t *path_off = calloc(nassets, sizeof(*path_off));
	uint32_t *mime_off = calloc(nassets, sizeof(*mime_off));
	if (!path_off || !mime_off)
		die("out of memory");
	uint64_t soff = 0;
	for (size_t i = 0; i < nassets; i++) {
		path_off[i] = (uint32_t)soff;
		soff += assets[i].url_len + 1;
	}
	const char *mimes[sizeof(mime_table) / sizeof(mime_table[0]) + 1];
	uint32_t moffs[sizeof(mime_table) / sizeof(mime_table[0]) + 1];
	size_t nm = 0;
	for (size_t i = 0; i < nassets; i++) {
		size_t k;
		for (k = 0; k < nm && strcmp(mimes[k], assets[i].mime); k++)
			;
		if (k == nm) {
			mimes[nm] = assets[i].mime;
			moffs[nm++] = (uint32_t)soff;
			soff += strlen(assets[i].mime) + 1;
		}
		mime_off[i] = moffs[k];
	}
	if (soff > UINT32_MAX)
		die("string table too large");

	fprintf(o, "\n\t.section .rodata\n\t.balign 8\n\t.globl content_index\ncontent_index:\n");
	for (size_t i = 0; i < nassets; i++) {
		const struct asset *a = &assets[i];
		fprintf(o, "\t.quad .Lasset%zu - content_blob, %llu, 0x%016llx\n"
			"\t.long %u, %zu, %u, %d\n", i, (unsigned long long)a->len,
			(unsigned long long)a->hash, path_off[i], a->url_len, mime_off[i], a->gz);
	}
	fprintf(o, "\t.globl content_count\ncontent_count:\n\t.long %zu\n", nassets);
	fprintf(o, "\t.balign 8\n\t.globl content_total\ncontent_total:\n\t.quad %llu\n",
		(unsigned long long)total);
	fprintf(o, "\t.globl content_strings\ncontent_strings:\n");
	for (size_t i = 0; i < nassets; i++) {
		fprintf(o, "\t.asciz ");
		put_string(o, assets[i].url, assets[i].url_len);
		fputc('\n', o);
	}
	for (size_t k = 0; k < nm; k++) {
		fprintf(o, "\t.asciz ");
		put_string(o, mimes[k], strlen(mimes[k]));
		fputc('\n', o);
	}
	fprintf(o, "\t.section .note.GNU-stack,\"\",@progbits\n");
	if (fflush(o) || ferror(o) || fclose(o))
		die("%s: write error", tmp);
	if (rename(tmp, out) < 0)
		die("%s: %s", out, strerror(errno));
	fprintf(stderr, "bake_assets: %zu assets, %llu bytes from %s\n", nassets,
		(unsigned long long)total, root);
	return 0;
}
