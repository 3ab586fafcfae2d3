/*
 * tests/host/test_bake.c - tools/bake_assets end to end.
 *
 * Builds the bake tool from source, bakes temporary trees, assembles the
 * output into a small checker program (with http/content.c, the code the
 * server uses), and has the checker compare every baked byte, length,
 * MIME type, ETag and .gz link against the files on disk.  Then the error
 * cases: a missing, empty or file-only directory, a symlink escaping the
 * tree, a special file, each a non-zero exit with a message and no
 * output file left behind.
 *
 * Needs gcc (the build already does) and runs from the top of the repo
 * (tests/run.sh does), or with QUARTZ_TOP set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "check.h"

static char top[4096], tmp[4096], bake[4200];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : 255;
}

static void put_file(const char *rel, const void *data, size_t len)
{
	char p[8192];
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	char d[8192];
	snprintf(d, sizeof(d), "%s", p);
	char *slash = strrchr(d, '/');
	*slash = 0;
	sh("mkdir -p '%s'", d);
	FILE *f = fopen(p, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	if (len)
		CHECK_EQ(fwrite(data, 1, len, f), len);
	fclose(f);
}

static double now_s(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* The checker: linked with the bake output; prints one line per asset
 * and "CHECKER OK" or "CHECKER BAD ..." lines. */
static const char checker_src[] =
"#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include \"http/content.h\"\n"
"int main(int argc, char **argv) {\n"
"  const struct content_table *t = content_baked(); int bad = 0; uint64_t total = 0;\n"
"  for (uint32_t i = 0; i < t->count; i++) {\n"
"    const struct content_entry *e = &t->ent[i];\n"
"    const char *p = content_path(t, (int)i);\n"
"    char fn[8192]; snprintf(fn, sizeof fn, \"%s%.*s\", argv[1], (int)e->path_len, p);\n"
"    FILE *f = fopen(fn, \"rb\"); if (!f) { printf(\"CHECKER BAD open %s\\n\", fn); bad++; continue; }\n"
"    unsigned char *b = malloc(e->len + 1); size_t n = fread(b, 1, e->len + 1, f); fclose(f);\n"
"    if (n != e->len || memcmp(b, content_data(t, (int)i), n)) { printf(\"CHECKER BAD bytes %s\\n\", fn); bad++; }\n"
"    uint64_t h = 0xcbf29ce484222325ull; for (size_t k = 0; k < n; k++) { h ^= b[k]; h *= 0x100000001b3ull; }\n"
"    if (h != e->hash) { printf(\"CHECKER BAD hash %s\\n\", fn); bad++; }\n"
"    if (content_lookup(t, p, e->path_len) != (int)i) { printf(\"CHECKER BAD lookup %s\\n\", fn); bad++; }\n"
"    if (i > 0) { const struct content_entry *q = &t->ent[i-1]; size_t m = q->path_len < e->path_len ? q->path_len : e->path_len;\n"
"      int c = memcmp(content_path(t, (int)i-1), p, m); if (c > 0 || (c == 0 && q->path_len >= e->path_len)) { printf(\"CHECKER BAD order\\n\"); bad++; } }\n"
"    total += e->len; free(b);\n"
"    printf(\"ASSET %.*s|%llu|%s|%s|%016llx\\n\", (int)e->path_len, p, (unsigned long long)e->len,\n"
"           content_mime(t, (int)i), e->gz >= 0 ? content_path(t, e->gz) : \"-\", (unsigned long long)e->hash);\n"
"  }\n"
"  if (total != t->total) { printf(\"CHECKER BAD total\\n\"); bad++; }\n"
"  printf(\"COUNT %u\\n\", t->count);\n"
"  if (!bad) printf(\"CHECKER OK\\n\");\n"
"  return bad != 0;\n}\n";

/* Bake tmp/site into tmp/out.S and run the checker; output in tmp/check.txt */
static int bake_and_check(const char *site)
{
	if (sh("'%s' '%s/%s' '%s/out.S' 2>'%s/bake.err'", bake, tmp, site, tmp, tmp))
		return -1;
	if (sh("gcc -std=gnu11 -O1 -I'%s' -o '%s/checker' '%s/checker.c' '%s/out.S' "
	       "'%s/http/content.c' '%s/http/content_baked.c'", top, tmp, tmp, tmp, top, top))
		return -2;
	return sh("'%s/checker' '%s/%s' > '%s/check.txt'", tmp, tmp, site, tmp);
}

static int check_has(const char *needle)
{
	char p[8192];
	snprintf(p, sizeof(p), "%s/check.txt", tmp);
	FILE *f = fopen(p, "r");
	if (!f)
		return 0;
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return strstr(buf, needle) != NULL;
}

static void setup(void)
{
	const char *t = getenv("QUARTZ_TOP");
	if (t)
		snprintf(top, sizeof(top), "%s", t);
	else
		CHECK(getcwd(top, sizeof(top)) != NULL);
	char src[8192];
	snprintf(src, sizeof(src), "%s/tools/bake_assets.c", top);
	CHECK(access(src, R_OK) == 0);
	snprintf(tmp, sizeof(tmp), "/tmp/quartz-bake-test.XXXXXX");
	CHECK(mkdtemp(tmp) != NULL);
	snprintf(bake, sizeof(bake), "%s/bake_assets", tmp);
	CHECK_EQ(sh("gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o '%s' '%s'", bake, src), 0);
	char p[8192];
	snprintf(p, sizeof(p), "%s/checker.c", tmp);
	FILE *f = fopen(p, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(checker_src, f);
		fclose(f);
	}
}

static void test_bakes_every_file_byte_exact(void)
{
	static unsigned char buf[5 << 20];
	srand(7);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)rand();
	put_file("site/index.html", "<h1>hi</h1>\n", 12);
	put_file("site/empty.txt", "", 0);
	put_file("site/one.bin", buf, 1);
	put_file("site/mss.bin", buf, 1460);
	put_file("site/mss2.bin", buf + 1, 2920);
	put_file("site/mss7.bin", buf + 2, 1460 * 7);
	put_file("site/big.bin", buf, sizeof(buf));
	put_file("site/css/style.css", "body{}\n", 7);
	put_file("site/css/style.css.gz", buf + 3, 33);
	put_file("site/lonely.gz", buf, 10);
	put_file("site/docs/index.html", "docs", 4);
	put_file("site/docs/deep/er/x.JSON", "{}", 2);
	put_file("site/sp ace & \"q\".txt", "sp", 2);
	put_file("site/caf\xc3\xa9.svg", "<svg/>", 6);
	put_file("site/noext", "n", 1);
	put_file("site/a.unknownext", "u", 1);
	put_file("site/a-b/c.woff2", "w", 1);
	put_file("site/a/b.wasm", "m", 1);
	sh("ln -s ../index.html '%s/site/docs/link.html'", tmp);
	double t0 = now_s();
	CHECK_EQ(bake_and_check("site"), 0);
	printf("  bake+assemble+link+check of %zu bytes: %.2f s\n", sizeof(buf) + 16000, now_s() - t0);
	CHECK(check_has("CHECKER OK"));
	CHECK(check_has("COUNT 19\n"));
	CHECK(check_has("ASSET /index.html|12|text/html; charset=utf-8|-|"));
	CHECK(check_has("ASSET /empty.txt|0|text/plain; charset=utf-8|-|cbf29ce484222325"));
	CHECK(check_has("ASSET /big.bin|5242880|application/octet-stream|"));
	CHECK(check_has("ASSET /sp ace & \"q\".txt|2|text/plain; charset=utf-8|"));
	CHECK(check_has("ASSET /caf\xc3\xa9.svg|6|image/svg+xml|"));
	CHECK(check_has("ASSET /docs/deep/er/x.JSON|2|application/json|"));
	CHECK(check_has("ASSET /noext|1|application/octet-stream|"));
	CHECK(check_has("ASSET /a.unknownext|1|application/octet-stream|"));
	CHECK(check_has("ASSET /a-b/c.woff2|1|font/woff2|"));
	CHECK(check_has("ASSET /a/b.wasm|1|application/wasm|"));
	CHECK(check_has("ASSET /lonely.gz|10|application/gzip|-|"));
	CHECK(check_has("ASSET /docs/link.html|12|text/html; charset=utf-8|"));
	/* the .gz sibling is linked */
	CHECK(check_has("ASSET /css/style.css|7|text/css; charset=utf-8|/css/style.css.gz|"));
	CHECK(check_has("ASSET /css/style.css.gz|33|application/gzip|-|"));
}

static void test_deterministic(void)
{
	CHECK_EQ(sh("'%s' '%s/site' '%s/a.S' 2>/dev/null && '%s' '%s/site/' '%s/b.S' 2>/dev/null && "
		    "cmp -s '%s/a.S' '%s/b.S'", bake, tmp, tmp, bake, tmp, tmp, tmp, tmp), 0);
}

static void test_errors(void)
{
	/* missing directory */
	CHECK(sh("'%s' '%s/nonexistent' '%s/e.S' 2>'%s/err.txt'", bake, tmp, tmp, tmp) != 0);
	CHECK_EQ(sh("grep -q 'asset directory' '%s/err.txt'", tmp), 0);
	/* empty, and only empty subdirectories */
	sh("mkdir -p '%s/empty/sub/sub2'", tmp);
	CHECK(sh("'%s' '%s/empty' '%s/e.S' 2>'%s/err.txt'", bake, tmp, tmp, tmp) != 0);
	CHECK_EQ(sh("grep -q 'is empty' '%s/err.txt'", tmp), 0);
	char p[8192];
	snprintf(p, sizeof(p), "%s/e.S", tmp);
	CHECK(access(p, F_OK) != 0);
	snprintf(p, sizeof(p), "%s/e.S.tmp", tmp);
	CHECK(access(p, F_OK) != 0);
	/* not a directory */
	put_file("plain.txt", "x", 1);
	CHECK(sh("'%s' '%s/plain.txt' '%s/e.S' 2>/dev/null", bake, tmp, tmp) != 0);
	/* a symlink leaving the tree */
	put_file("esc/index.html", "x", 1);
	sh("ln -s /etc/hostname '%s/esc/host.txt'", tmp);
	CHECK(sh("'%s' '%s/esc' '%s/e.S' 2>'%s/err.txt'", bake, tmp, tmp, tmp) != 0);
	CHECK_EQ(sh("grep -q 'leaves the asset tree' '%s/err.txt'", tmp), 0);
	/* a directory symlink leaving the tree */
	put_file("esc2/index.html", "x", 1);
	sh("ln -s /etc '%s/esc2/etc'", tmp);
	CHECK(sh("'%s' '%s/esc2' '%s/e.S' 2>/dev/null", bake, tmp, tmp) != 0);
	/* dangling symlink */
	put_file("dang/index.html", "x", 1);
	sh("ln -s nowhere '%s/dang/x'", tmp);
	CHECK(sh("'%s' '%s/dang' '%s/e.S' 2>/dev/null", bake, tmp, tmp) != 0);
	/* a symlink loop inside the tree */
	put_file("loop/index.html", "x", 1);
	sh("ln -s . '%s/loop/again'", tmp);
	CHECK(sh("'%s' '%s/loop' '%s/e.S' 2>'%s/err.txt'", bake, tmp, tmp, tmp) != 0);
	CHECK_EQ(sh("grep -q 'symlink loop' '%s/err.txt'", tmp), 0);
	/* a FIFO */
	put_file("fifo/index.html", "x", 1);
	sh("mkfifo '%s/fifo/pipe'", tmp);
	CHECK(sh("'%s' '%s/fifo' '%s/e.S' 2>/dev/null", bake, tmp, tmp) != 0);
	/* wrong usage */
	CHECK(sh("'%s' 2>/dev/null", bake) != 0);
	/* a failed bake leaves an older good output untouched */
	CHECK_EQ(sh("cp '%s/a.S' '%s/keep.S' && ! '%s' '%s/empty' '%s/keep.S' 2>/dev/null && "
		    "cmp -s '%s/a.S' '%s/keep.S'", tmp, tmp, bake, tmp, tmp, tmp, tmp), 0);
}

static void test_large_file_is_fast(void)
{
	/* 64 MiB: the bake reads it once (hash) and the assembler once. */
	CHECK_EQ(sh("mkdir -p '%s/large' && head -c 67108864 /dev/urandom > '%s/large/x.bin'", tmp, tmp), 0);
	double t0 = now_s();
	CHECK_EQ(sh("'%s' '%s/large' '%s/l.S' 2>/dev/null", bake, tmp, tmp), 0);
	double t1 = now_s();
	CHECK_EQ(sh("gcc -c -o '%s/l.o' '%s/l.S'", tmp, tmp), 0);
	double t2 = now_s();
	printf("  64 MiB: bake %.2f s, assemble %.2f s\n", t1 - t0, t2 - t1);
	CHECK(t1 - t0 < 10.0);
	struct stat st;
	char p[8192];
	snprintf(p, sizeof(p), "%s/l.S", tmp);
	CHECK(stat(p, &st) == 0 && st.st_size < 4096);    /* the .S holds no bytes */
	snprintf(p, sizeof(p), "%s/l.o", tmp);
	CHECK(stat(p, &st) == 0 && st.st_size > 67108864);
	sh("rm -rf '%s/large' '%s/l.o'", tmp, tmp);
}

int main(void)
{
	RUN(setup);
	RUN(test_bakes_every_file_byte_exact);
	RUN(test_deterministic);
	RUN(test_errors);
	RUN(test_large_file_is_fast);
	sh("rm -rf '%s'", tmp);
	return check_done();
}
