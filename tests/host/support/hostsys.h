/*
 * tests/host/support/hostsys.h - the host's side of net/sys.h, with the
 * knobs tests need: a leak counter for net_malloc, a seedable random
 * generator, and a log that can be captured and searched.
 */
#ifndef TESTS_HOSTSYS_H
#define TESTS_HOSTSYS_H

#include <stddef.h>
#include <stdint.h>

/* net_malloc'd blocks not yet net_free'd (0 at the end of a clean test). */
long hostsys_outstanding(void);
/* Make net_malloc fail after `n` more successes (-1: never fail). */
void hostsys_fail_malloc_after(long n);

/* net_random32 is xorshift32: same seed, same sequence. */
void hostsys_seed(uint32_t seed);

/* Log: by default net_log prints to stdout.  With capture on, lines are
 * appended to a buffer instead (and also printed if HOSTSYS_VERBOSE is set
 * in the environment).  Quiet drops everything (fuzzers). */
void hostsys_log_capture(int on);
void hostsys_log_quiet(int on);
void hostsys_log_clear(void);
const char *hostsys_log(void);                 /* the captured text */
int hostsys_log_contains(const char *needle);  /* 1 if captured text has it */
unsigned hostsys_log_count(const char *needle);/* occurrences in captured text */

#endif
