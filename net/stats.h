/*
 * net/stats.h - named counters.
 *
 * A module declares its counters once with an X-macro list; the same list
 * makes the struct and the name table, so a new counter shows up in the
 * `net: stats` serial line and /api/stats.json without touching either.
 *
 *   #define IP_STATS(X) X(rx) X(drop_short) X(drop_csum)
 *   STATS_DECLARE(ip, IP_STATS)            (in the header)
 *   STATS_DEFINE(ip, IP_STATS)             (in one .c file)
 *   STAT_INC(ip, drop_csum);
 *
 * Groups register themselves with stats_register() at init; readers walk
 * them with stats_group_count()/stats_group_at().
 */
#ifndef NET_STATS_H
#define NET_STATS_H

#include <stdint.h>

struct stat_group {
	const char *name;                 /* "ip", "tcp", "virtio_net", ... */
	const char *const *names;         /* counter names */
	uint64_t *vals;                   /* counter values, same order */
	unsigned n;
};

#define STATS_FIELD_(f) uint64_t f;
#define STATS_NAME_(f) #f,
#define STATS_DECLARE(grp, LIST) \
	struct grp##_stats { LIST(STATS_FIELD_) }; \
	extern struct grp##_stats grp##_stats; \
	extern struct stat_group grp##_stat_group;
#define STATS_DEFINE(grp, LIST) \
	struct grp##_stats grp##_stats; \
	static const char *const grp##_stat_names[] = { LIST(STATS_NAME_) }; \
	struct stat_group grp##_stat_group = { #grp, grp##_stat_names, \
		(uint64_t *)&grp##_stats, \
		sizeof(grp##_stat_names) / sizeof(grp##_stat_names[0]) };
#define STAT_INC(grp, f) (grp##_stats.f++)
#define STAT_ADD(grp, f, n) (grp##_stats.f += (n))

#define STATS_MAX_GROUPS 16
void stats_register(struct stat_group *g);   /* idempotent */
unsigned stats_group_count(void);
const struct stat_group *stats_group_at(unsigned i);
/* Find a counter by "group.name"; NULL if unknown (used by tests). */
const uint64_t *stats_find(const char *group, const char *name);
/* Print every group as one `net: stats <group> a=1 b=2 ...` line each. */
void stats_log(void);

#endif
