/*
 * tests/host/test_checksum.c - the 64-bit checksum loops (csum_partial,
 * csum_copy, csum_shift) against RFC 1071 taken literally: every length
 * around the 8- and 32-byte loop edges, every start alignment, seeds that
 * force the end-around carry, and chunked sums put back together.
 */
#include <stdlib.h>
#include "check.h"
#include "net/wire.h"

/* RFC 1071 from the definition: big-endian 16-bit words, odd byte padded,
 * the seed (a partial sum in our little-endian lanes) byte-swapped in. */
static uint16_t ref_sum16(const uint8_t *d, unsigned len, uint32_t seed_le)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(d[i] << 8 | d[i + 1]);
	if (len & 1)
		sum += (uint32_t)d[len - 1] << 8;
	/* Our partial sums are in little-endian lanes: swap to compare. */
	uint64_t s = seed_le;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	sum += (uint16_t)(s << 8 | s >> 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Fold without complementing, to compare sums with sums. */
static uint16_t fold16(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint16_t swap16(uint16_t v) { return (uint16_t)(v << 8 | v >> 8); }

/* 0 and 0xffff are the same number in one's complement. */
static int same_ones(uint16_t a, uint16_t b)
{
	return a == b || (a == 0 && b == 0xffff) || (a == 0xffff && b == 0);
}

static uint8_t buf[4200], dst[4200];

static void fill_random(unsigned seed)
{
	srand(seed);
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
}

static void test_partial_every_edge(void)
{
	fill_random(11);
	static const uint32_t seeds[] = { 0, 1, 0xffff, 0x1ffff, 0xfffffffe, 0xffffffff };
	int bad = 0;
	for (unsigned start = 0; start < 9 && !bad; start++)
		for (unsigned len = 0; len <= 200 && !bad; len++)
			for (unsigned k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
				uint16_t got = swap16(fold16(csum_partial(buf + start, len, seeds[k])));
				uint16_t want = ref_sum16(buf + start, len, seeds[k]);
				if (!same_ones(got, want)) {
					CHECK_EQ(got, want);
					printf("  start=%u len=%u seed=%x\n", start, len, seeds[k]);
					bad = 1;
					break;
				}
			}
}

static void test_partial_random_and_carries(void)
{
	fill_random(12);
	for (int iter = 0; iter < 5000; iter++) {
		unsigned start = (unsigned)rand() % 64;
		unsigned len = (unsigned)rand() % 4097;
		uint32_t seed = (uint32_t)rand() * 2654435761u;
		uint16_t got = swap16(fold16(csum_partial(buf + start, len, seed)));
		uint16_t want = ref_sum16(buf + start, len, seed);
		if (!same_ones(got, want)) {
			CHECK_EQ(got, want);
			printf("  start=%u len=%u seed=%x\n", start, len, seed);
			break;
		}
	}
	/* Every word 0xffff...: each 64-bit add carries out of bit 63. */
	memset(buf, 0xff, sizeof(buf));
	for (unsigned len = 4000; len < 4100; len++) {
		CHECK_EQ(swap16(fold16(csum_partial(buf + 1, len, 0xffffffff))),
			 ref_sum16(buf + 1, len, 0xffffffff));
		CHECK_EQ(ntohs(inet_csum(buf, len)), (uint16_t)~ref_sum16(buf, len, 0));
	}
	/* All zeros: sum zero, checksum 0xffff. */
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(inet_csum(buf, 1500), 0xffff);
	CHECK_EQ(csum_partial(buf, 1500, 0), 0);
}

static void test_copy_matches_partial(void)
{
	fill_random(13);
	for (int iter = 0; iter < 3000; iter++) {
		unsigned so = (unsigned)rand() % 16, doff = (unsigned)rand() % 16;
		unsigned len = iter < 300 ? (unsigned)iter : (unsigned)rand() % 4097;
		uint32_t seed = iter & 1 ? (uint32_t)rand() : 0;
		memset(dst, 0xa5, sizeof(dst));
		uint32_t got = csum_copy(dst + doff, buf + so, len, seed);
		int copy_ok = memcmp(dst + doff, buf + so, len) == 0;
		/* not a byte outside the destination */
		int edges_ok = (doff == 0 || dst[doff - 1] == 0xa5) && dst[doff + len] == 0xa5;
		uint16_t want = fold16(csum_partial(buf + so, len, seed));
		if (!copy_ok || !edges_ok || !same_ones(fold16(got), want)) {
			CHECK(copy_ok);
			CHECK(edges_ok);
			CHECK_EQ(fold16(got), want);
			printf("  so=%u do=%u len=%u\n", so, doff, len);
			break;
		}
	}
}

/* A segment summed in pieces of any length (odd ones included) equals
 * one pass, with csum_shift for the pieces that start at an odd offset. */
static void test_shift_chains_odd_pieces(void)
{
	fill_random(14);
	for (int iter = 0; iter < 2000; iter++) {
		unsigned len = (unsigned)rand() % 3000;
		uint32_t sum = 0;
		unsigned at = 0;
		while (at < len) {
			unsigned piece = 1 + (unsigned)rand() % 97;
			if (piece > len - at)
				piece = len - at;
			uint32_t s = csum_partial(buf + at, piece, 0);
			if (at & 1)
				s = csum_shift(s);
			sum = fold16(sum) + fold16(s);
			at += piece;
		}
		uint16_t whole = fold16(csum_partial(buf, len, 0));
		if (!same_ones(fold16(sum), whole)) {
			CHECK_EQ(fold16(sum), whole);
			printf("  len=%u\n", len);
			break;
		}
	}
	/* The form wire.h documents. */
	uint32_t a = csum_partial(buf, 3, csum_shift(csum_partial(buf + 3, 1000, 0)));
	CHECK(same_ones(fold16(a), fold16(csum_partial(buf, 1003, 0))));
}

int main(void)
{
	RUN(test_partial_every_edge);
	RUN(test_partial_random_and_carries);
	RUN(test_copy_matches_partial);
	RUN(test_shift_chains_odd_pieces);
	return check_done();
}
