/*
 * tests/host/test_pmm.c - kernel/pmm_core.c with made-up memory maps:
 * holes stay unavailable, counts stay exact, double frees are refused,
 * contiguous and aligned runs, exhaustion, and a random model.
 */
#include <stdio.h>
#include <stdlib.h>
#include "check.h"
#include "kernel/pmm_core.h"

static uint64_t bitmap[4096];

/* A microvm-like map: RAM 256..4095 (1 MiB..16 MiB) with a hole. */
static void setup(struct pmm_core *p)
{
	pmm_core_init(p, 0, 4096, bitmap);
	pmm_core_add_free(p, 256, 1000);        /* 256..1255 */
	pmm_core_add_free(p, 2000, 2096);       /* 2000..4095 */
}

static void test_counts_and_holes(void)
{
	struct pmm_core p;
	setup(&p);
	CHECK_EQ(p.total, 3096);
	CHECK_EQ(p.nfree, 3096);
	CHECK(!pmm_core_is_free(&p, 0));
	CHECK(!pmm_core_is_free(&p, 255));
	CHECK(pmm_core_is_free(&p, 256));
	CHECK(!pmm_core_is_free(&p, 1500));     /* the hole */
	CHECK(pmm_core_is_free(&p, 4095));
	/* Adding again counts nothing twice; ranges are clipped. */
	CHECK_EQ(pmm_core_add_free(&p, 256, 10), 0);
	CHECK_EQ(pmm_core_add_free(&p, 4090, 100), 0);
	CHECK_EQ(p.total, 3096);
	/* Every page handed out is RAM, none twice, then none left. */
	static unsigned char seen[4096];
	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < 3096; i++) {
		int64_t f = pmm_core_alloc(&p);
		CHECK(f >= 256 && f < 4096 && !(f >= 1256 && f < 2000));
		if (f >= 0 && f < 4096) {
			CHECK(!seen[f]);
			seen[f] = 1;
		}
	}
	CHECK_EQ(p.nfree, 0);
	CHECK_EQ(pmm_core_alloc(&p), -1);
	CHECK_EQ(pmm_core_alloc_contig(&p, 2, 1), -1);
}

static void test_double_free(void)
{
	struct pmm_core p;
	setup(&p);
	int64_t a = pmm_core_alloc(&p);
	CHECK(a >= 0);
	CHECK_EQ(pmm_core_free(&p, (uint64_t)a, 1), PMM_OK);
	CHECK_EQ(pmm_core_free(&p, (uint64_t)a, 1), PMM_EDOUBLE);
	CHECK_EQ(p.nfree, 3096);
	/* A multi-page free with one page already free changes nothing. */
	int64_t b = pmm_core_alloc_contig(&p, 4, 1);
	CHECK(b >= 0);
	CHECK_EQ(pmm_core_free(&p, (uint64_t)b + 2, 1), PMM_OK);
	CHECK_EQ(pmm_core_free(&p, (uint64_t)b, 4), PMM_EDOUBLE);
	CHECK(!pmm_core_is_free(&p, (uint64_t)b));
	CHECK_EQ(p.nfree, 3096 - 3);
	CHECK_EQ(pmm_core_free(&p, 5000, 1), PMM_ERANGE);
	CHECK_EQ(pmm_core_free(&p, 4095, 2), PMM_ERANGE);
	CHECK_EQ(pmm_core_free(&p, UINT64_MAX, 2), PMM_ERANGE);
}

static void test_contig_aligned(void)
{
	struct pmm_core p;
	setup(&p);
	int64_t a = pmm_core_alloc_contig(&p, 4, 4);
	CHECK(a >= 256);
	CHECK_EQ(a % 4, 0);
	/* A run that does not fit in the first range comes from the second. */
	int64_t big = pmm_core_alloc_contig(&p, 1500, 1);
	CHECK_EQ(big, 2000);
	for (int64_t f = big; f < big + 1500; f++)
		CHECK(!pmm_core_is_free(&p, (uint64_t)f));
	int64_t al = pmm_core_alloc_contig(&p, 3, 512);
	CHECK(al >= 0 && al % 512 == 0);
	CHECK_EQ(pmm_core_alloc_contig(&p, 3, 3), -1);   /* not a power of two */
	CHECK_EQ(pmm_core_alloc_contig(&p, 0, 1), -1);
	CHECK_EQ(pmm_core_alloc_contig(&p, 5000, 1), -1);
	CHECK_EQ(pmm_core_free(&p, (uint64_t)big, 1500), PMM_OK);
	CHECK_EQ(pmm_core_free(&p, (uint64_t)a, 4), PMM_OK);
	CHECK_EQ(pmm_core_free(&p, (uint64_t)al, 3), PMM_OK);
	CHECK_EQ(p.nfree, 3096);
}

/* Base not at 0 and a bitmap length that is not a multiple of 64. */
static void test_offset_base(void)
{
	struct pmm_core p;
	pmm_core_init(&p, 1000, 70, bitmap);
	CHECK_EQ(pmm_core_add_free(&p, 900, 200), 70);
	for (int i = 0; i < 70; i++) {
		int64_t f = pmm_core_alloc(&p);
		CHECK(f >= 1000 && f < 1070);
	}
	CHECK_EQ(pmm_core_alloc(&p), -1);
	CHECK_EQ(pmm_core_free(&p, 999, 1), PMM_ERANGE);
	CHECK_EQ(pmm_core_free(&p, 1069, 1), PMM_OK);
	CHECK_EQ(pmm_core_alloc(&p), 1069);
}

/* Random allocs and frees against a shadow model. */
static void test_random_model(void)
{
	struct pmm_core p;
	setup(&p);
	static int64_t held[4096];
	static unsigned char owned[4096];
	memset(owned, 0, sizeof(owned));
	int nheld = 0;
	srand(12345);
	for (int step = 0; step < 200000; step++) {
		if (nheld == 0 || (rand() % 3 && nheld < 3000)) {
			int64_t f = pmm_core_alloc(&p);
			CHECK(f >= 0);
			if (f < 0)
				break;
			CHECK(!owned[f]);
			owned[f] = 1;
			held[nheld++] = f;
		} else {
			int k = rand() % nheld;
			int64_t f = held[k];
			held[k] = held[--nheld];
			CHECK_EQ(pmm_core_free(&p, (uint64_t)f, 1), PMM_OK);
			owned[f] = 0;
		}
		if (p.nfree != (uint64_t)(3096 - nheld)) {
			CHECK_EQ(p.nfree, 3096 - nheld);
			break;
		}
	}
}

int main(void)
{
	RUN(test_counts_and_holes);
	RUN(test_double_free);
	RUN(test_contig_aligned);
	RUN(test_offset_base);
	RUN(test_random_model);
	return check_done();
}
