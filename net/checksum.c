/*
 * net/checksum.c - the Internet checksum (RFC 1071).
 *
 * One's-complement addition is byte-order independent (RFC 1071 section
 * 2(B)), so we add the data as native little-endian words and the folded
 * result, stored as-is, is already in network order.
 *
 * It also does not care how wide the words are (RFC 1071 2(C)): the sum
 * modulo 0xffff is the sum modulo 0xffffffffffffffff folded down, so we
 * add whole 64-bit words and count the carries out of bit 63 separately;
 * each carry is worth 1 (2^64 is 1 modulo 2^64 - 1, the "end-around
 * carry") and they are added back when folding.  Four words a round keeps
 * the loop overhead small: this runs over every byte we send, and under
 * QEMU's TCG each guest instruction costs several host ones.
 *
 * Loads go through __builtin_memcpy, so any start alignment (even an odd
 * address) is fine.  It must be the builtin: the kernel is built
 * -ffreestanding, where a plain memcpy() of 8 bytes is a real call (an
 * earlier version spent three quarters of its time in such calls).
 *
 * Partial sums may be chained (pseudo-header, then header, then payload)
 * as long as every chunk but the last has an even length: an odd chunk
 * shifts the byte lanes of the next one (csum_shift() puts them back).
 */
#include "wire.h"
#include "sys.h"

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t w;
	__builtin_memcpy(&w, p, 8);
	return w;
}

/* acc += w, remembering a carry out of bit 63 in *carry. */
#define ADD64(acc, carry, w) do {                       \
		uint64_t w_ = (w);                      \
		(acc) += w_;                            \
		(carry) += (acc) < w_;                  \
	} while (0)

/* The 64-bit sum plus its carries, folded to 32 bits (not complemented). */
static inline uint32_t fold64(uint64_t acc, uint64_t carry)
{
	/* carry < 2^32 for any len we accept, so this cannot overflow. */
	uint64_t s = (acc & 0xffffffffu) + (acc >> 32) + carry;
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

/* Sum the last 0..7 bytes of a chunk. */
static inline uint64_t tail_sum(const uint8_t *p, unsigned len)
{
	uint64_t t = 0;
	if (len & 4) {
		uint32_t w;
		__builtin_memcpy(&w, p, 4);
		t += w;
		p += 4;
	}
	if (len & 2) {
		uint16_t w;
		__builtin_memcpy(&w, p, 2);
		t += w;
		p += 2;
	}
	if (len & 1)
		t += p[0];      /* the odd byte is the high half of a big-endian word */
	return t;
}

uint32_t csum_partial(const void *data, unsigned len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t acc = sum, carry = 0;

	while (len >= 32) {
		ADD64(acc, carry, load64(p));
		ADD64(acc, carry, load64(p + 8));
		ADD64(acc, carry, load64(p + 16));
		ADD64(acc, carry, load64(p + 24));
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		ADD64(acc, carry, load64(p));
		p += 8;
		len -= 8;
	}
	ADD64(acc, carry, tail_sum(p, len));
	return fold64(acc, carry);
}

uint32_t csum_copy(void *dst, const void *src, unsigned len, uint32_t sum)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	uint64_t acc = sum, carry = 0;

	while (len >= 32) {
		uint64_t a = load64(s), b = load64(s + 8), c = load64(s + 16), e = load64(s + 24);
		__builtin_memcpy(d, &a, 8);
		__builtin_memcpy(d + 8, &b, 8);
		__builtin_memcpy(d + 16, &c, 8);
		__builtin_memcpy(d + 24, &e, 8);
		ADD64(acc, carry, a);
		ADD64(acc, carry, b);
		ADD64(acc, carry, c);
		ADD64(acc, carry, e);
		s += 32;
		d += 32;
		len -= 32;
	}
	while (len >= 8) {
		uint64_t a = load64(s);
		__builtin_memcpy(d, &a, 8);
		ADD64(acc, carry, a);
		s += 8;
		d += 8;
		len -= 8;
	}
	for (unsigned i = 0; i < len; i++)
		d[i] = s[i];
	ADD64(acc, carry, tail_sum(s, len));
	return fold64(acc, carry);
}

uint32_t csum_shift(uint32_t sum)
{
	/* Fold to 16 bits first (no complement), then swap its two bytes:
	 * that moves every byte to the other lane (RFC 1071 2(B)). */
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint32_t)(uint16_t)(sum << 8 | sum >> 8);
}

uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t csum_pseudo(uint32_t src_n, uint32_t dst_n, uint8_t proto, uint16_t len)
{
	uint64_t acc = (uint64_t)(src_n & 0xffff) + (src_n >> 16) +
		(dst_n & 0xffff) + (dst_n >> 16) + htons((uint16_t)proto) + htons(len);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}
