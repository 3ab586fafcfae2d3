/*
 * net/stats.c - the registry of counter groups.
 *
 * Groups are registered once at init (net_init for the stack, drivers and
 * http for theirs) and read by stats_log() and /api/stats.json.  A fixed
 * table: there are a handful of groups, known at build time.
 */
#include "stats.h"
#include "sys.h"

static struct stat_group *groups[STATS_MAX_GROUPS];
static unsigned ngroups;

void stats_register(struct stat_group *g)
{
	for (unsigned i = 0; i < ngroups; i++)
		if (groups[i] == g)
			return;
	if (ngroups == STATS_MAX_GROUPS) {
		net_log("stats: no slot for group %s\n", g->name);
		return;
	}
	groups[ngroups++] = g;
}

unsigned stats_group_count(void) { return ngroups; }

const struct stat_group *stats_group_at(unsigned i)
{
	return i < ngroups ? groups[i] : NULL;
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

const uint64_t *stats_find(const char *group, const char *name)
{
	for (unsigned i = 0; i < ngroups; i++) {
		if (!streq(groups[i]->name, group))
			continue;
		for (unsigned k = 0; k < groups[i]->n; k++)
			if (streq(groups[i]->names[k], name))
				return &groups[i]->vals[k];
	}
	return NULL;
}

/* Append s to buf[*pos..cap); truncation is silent, the caller flushes
 * before a counter would not fit. */
static void put_str(char *buf, unsigned cap, unsigned *pos, const char *s)
{
	while (*s && *pos + 1 < cap)
		buf[(*pos)++] = *s++;
	buf[*pos] = 0;
}

static void put_u64(char *buf, unsigned cap, unsigned *pos, uint64_t v)
{
	char t[21];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	char s[21];
	for (int i = 0; i < n; i++)
		s[i] = t[n - 1 - i];
	s[n] = 0;
	put_str(buf, cap, pos, s);
}

/* One line per group; a group too long for one line (the TCP one may be)
 * continues on another line with the same prefix, so grep still works. */
void stats_log(void)
{
	char line[480];
	for (unsigned i = 0; i < ngroups; i++) {
		const struct stat_group *g = groups[i];
		unsigned pos = 0;
		put_str(line, sizeof(line), &pos, "net: stats ");
		put_str(line, sizeof(line), &pos, g->name);
		unsigned head = pos;
		for (unsigned k = 0; k < g->n; k++) {
			if (pos + strlen(g->names[k]) + 24 >= sizeof(line)) {
				net_log("%s\n", line);
				pos = head;
				line[pos] = 0;
			}
			put_str(line, sizeof(line), &pos, " ");
			put_str(line, sizeof(line), &pos, g->names[k]);
			put_str(line, sizeof(line), &pos, "=");
			put_u64(line, sizeof(line), &pos, g->vals[k]);
		}
		net_log("%s\n", line);
	}
}
