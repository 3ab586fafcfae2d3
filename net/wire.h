/*
 * net/wire.h - wire formats only: packed headers, field accessors and
 * byte-order helpers.  No state and no logic beyond bit extraction.
 * Multi-byte fields are stored big-endian exactly as on the wire; read
 * them through ntohs/ntohl (or the accessors).
 */
#ifndef NET_WIRE_H
#define NET_WIRE_H

#include <stdint.h>

static inline uint16_t bswap16(uint16_t x) { return (uint16_t)((x >> 8) | (x << 8)); }
static inline uint32_t bswap32(uint32_t x) { return __builtin_bswap32(x); }
#define htons(x) bswap16(x)
#define ntohs(x) bswap16(x)
#define htonl(x) bswap32(x)
#define ntohl(x) bswap32(x)

/* Unaligned big-endian loads/stores for option parsing. */
static inline uint16_t get_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put_be16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }
static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* ---- Ethernet ---- */
#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
struct eth_hdr {
	uint8_t dst[ETH_ALEN];
	uint8_t src[ETH_ALEN];
	uint16_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct eth_hdr) == ETH_HLEN, "eth_hdr");

/* ---- ARP (Ethernet/IPv4 only) ---- */
#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
struct arp_hdr {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint8_t sha[ETH_ALEN];
	uint8_t spa[4];
	uint8_t tha[ETH_ALEN];
	uint8_t tpa[4];
} __attribute__((packed));
_Static_assert(sizeof(struct arp_hdr) == 28, "arp_hdr");

/* ---- IPv4 ---- */
#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define IP_HLEN_MIN 20
#define IP_FLAG_DF 0x4000
#define IP_FLAG_MF 0x2000
#define IP_OFFMASK 0x1fff
struct ip_hdr {
	uint8_t ver_ihl;        /* version << 4 | header length in 32-bit words */
	uint8_t tos;
	uint16_t tot_len;
	uint16_t id;
	uint16_t frag_off;      /* flags (DF, MF) and offset in 8-byte units */
	uint8_t ttl;
	uint8_t proto;
	uint16_t csum;
	uint32_t src;           /* network order */
	uint32_t dst;
} __attribute__((packed));
_Static_assert(sizeof(struct ip_hdr) == IP_HLEN_MIN, "ip_hdr");
static inline unsigned ip_version(const struct ip_hdr *h) { return h->ver_ihl >> 4; }
static inline unsigned ip_hlen(const struct ip_hdr *h) { return (h->ver_ihl & 15u) * 4; }

/* ---- ICMP ---- */
#define ICMP_ECHO_REPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO_REQUEST 8
struct icmp_hdr {
	uint8_t type, code;
	uint16_t csum;
	uint16_t id, seq;        /* echo only */
} __attribute__((packed));
_Static_assert(sizeof(struct icmp_hdr) == 8, "icmp_hdr");

/* ---- TCP ---- */
#define TCP_HLEN_MIN 20
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2           /* len 4 */
#define TCP_OPT_WSCALE 3        /* len 3 */
#define TCP_OPT_SACK_PERM 4     /* len 2 */
#define TCP_OPT_TS 8            /* len 10 */
struct tcp_hdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t off_rsvd;       /* data offset << 4 */
	uint8_t flags;
	uint16_t wnd;
	uint16_t csum;
	uint16_t urp;
} __attribute__((packed));
_Static_assert(sizeof(struct tcp_hdr) == TCP_HLEN_MIN, "tcp_hdr");
static inline unsigned tcp_hlen(const struct tcp_hdr *h) { return (h->off_rsvd >> 4) * 4u; }

/* ---- checksums (net/checksum.c) ---- */
/* Partial one's-complement sum of len bytes, added to `sum` (not folded). */
uint32_t csum_partial(const void *data, unsigned len, uint32_t sum);
/*
 * Copy len bytes from src to dst and return their partial sum added to
 * `sum`, in one pass: the same value as memcpy() then csum_partial(dst,
 * len, sum), but each byte is read once.  For a sender that builds the
 * payload and its checksum together (TCP could use it in place of copying
 * the send queue and then summing the segment).  Any alignment; the same
 * chaining rule as csum_partial.
 */
uint32_t csum_copy(void *dst, const void *src, unsigned len, uint32_t sum);
/*
 * A partial sum of bytes that start at an odd offset of the buffer being
 * checksummed, turned into what it is worth there (the byte lanes swap,
 * RFC 1071 2(B)); the result is at most 0xffff, so it can seed the next
 * call: csum_partial(a, 3, csum_shift(csum_partial(a + 3, n, 0))) is the
 * partial sum of a[0 .. 3+n).
 */
uint32_t csum_shift(uint32_t sum);
/* Fold and complement: the value to store in a header. */
uint16_t csum_fold(uint32_t sum);
/* Internet checksum of a buffer (store as-is, already network order). */
static inline uint16_t inet_csum(const void *data, unsigned len)
{
	return csum_fold(csum_partial(data, len, 0));
}
/* Pseudo-header sum for TCP/UDP; src/dst in network order, len host order. */
uint32_t csum_pseudo(uint32_t src_n, uint32_t dst_n, uint8_t proto, uint16_t len);

#endif
