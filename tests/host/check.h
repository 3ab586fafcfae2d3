/*
 * tests/host/check.h - the smallest test harness that can fail.
 *
 *   static void test_foo(void) { CHECK(x == 1); CHECK_EQ(a, b); }
 *   int main(void) { RUN(test_foo); return check_done(); }
 *
 * Prints "PASS <file>:<test>" or "FAIL <file>:<test>: <why>" per test;
 * tests/run.sh counts those lines.
 */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stdio.h>
#include <string.h>
#include <stdint.h>

extern int check_failures_;      /* failures in the running test */
extern int check_tests_failed_;  /* tests failed so far */

#define CHECK(c) do { if (!(c)) { check_failures_++; \
	printf("  check failed at %s:%d: %s\n", __FILE__, __LINE__, #c); } } while (0)
#define CHECK_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { check_failures_++; \
	printf("  check failed at %s:%d: %s == %s (%lld != %lld)\n", \
	       __FILE__, __LINE__, #a, #b, a_, b_); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_)) { check_failures_++; \
	printf("  check failed at %s:%d: \"%s\" == \"%s\"\n", __FILE__, __LINE__, \
	       a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)

#define RUN(fn) do { check_failures_ = 0; fn(); \
	if (check_failures_) { check_tests_failed_++; \
		printf("FAIL %s:%s: %d checks failed\n", check_prog_(), #fn, check_failures_); } \
	else { printf("PASS %s:%s\n", check_prog_(), #fn); } fflush(stdout); } while (0)

const char *check_prog_(void);
static inline int check_done(void) { return check_tests_failed_ ? 1 : 0; }

#endif
