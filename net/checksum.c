/*
 * net/checksum.c - the Internet checksum (RFC 1071).
 *
 * One's-complement addition is byte-order independent (RFC 1071 section
 * 2(B)), so we add the data as native little-endian 16-bit words and the
 * folded result, stored as-is, is already in network order.  Loads go
 * through memcpy so any start alignment (even an odd address) is fine.
 *
 * Partial sums may be chained (pseudo-header, then header, then payload)
 * as long as every chunk but the last has an even length: an odd chunk
 * shifts the byte lanes of the next one.
 */
#include "wire.h"
#include "sys.h"

uint32_t csum_partial(const void *data, unsigned len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t acc = sum;

	while (len >= 8) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		acc += (uint64_t)a + b;
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		acc += (uint32_t)(p[0] | p[1] << 8);
		p += 2;
		len -= 2;
	}
	if (len)
		acc += p[0];     /* the odd byte is the high half of a big-endian word */
	/* Fold 64 -> 32 bits; two rounds absorb every carry. */
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
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
