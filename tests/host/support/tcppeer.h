/*
 * tests/host/support/tcppeer.h - a scripted TCP peer for the host tests.
 *
 * The peer builds segments (flags, seq, ack, window, options, payload) as
 * real Ethernet/IPv4/TCP frames with valid checksums and feeds them through
 * net_input(); what the stack sends is taken off the fake interface and
 * parsed back into a struct tp_seg.  Time is explicit: every call takes
 * `now`, and the test moves it.  This file uses no tcp_* symbol, so linking
 * it into the lower layers' tests does not pull TCP in.
 */
#ifndef TESTS_TCPPEER_H
#define TESTS_TCPPEER_H

#include <stddef.h>
#include <stdint.h>
#include "fakeif.h"

struct tp_seg {                 /* a segment the stack sent, host order */
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss;               /* 0 = none */
	int wscale;                 /* -1 = none */
	int sack_perm;              /* SACK_PERM option present */
	unsigned nsack;             /* SACK blocks, in the order sent */
	uint32_t sack[4][2];        /* [start, end) */
	int csum_ok, ip_ok;
	uint32_t len;               /* payload bytes */
	uint8_t data[2048];
};

struct tcppeer {
	struct fakeif *f;
	uint32_t ip, us_ip;         /* host order */
	uint16_t port, us_port;
	uint8_t mac[6];
	unsigned ip_id;
};

void tp_init(struct tcppeer *p, struct fakeif *f, uint32_t ip, uint16_t port,
	     uint32_t us_ip, uint16_t us_port, const uint8_t mac[6]);

/* Build and deliver one segment from the peer now.  opts/optlen are raw
 * option bytes (padded to 4 by the caller or not: this pads with EOL). */
void tp_send(struct tcppeer *p, uint8_t flags, uint32_t seq, uint32_t ack,
	     uint16_t wnd, const uint8_t *opts, unsigned optlen,
	     const void *data, size_t len, uint64_t now);
/* The same frame, but returned instead of delivered (for tests that
 * corrupt it, delay it, or reorder it).  Returns the frame length. */
size_t tp_build(struct tcppeer *p, uint8_t *frame, uint8_t flags, uint32_t seq,
		uint32_t ack, uint16_t wnd, const uint8_t *opts, unsigned optlen,
		const void *data, size_t len);

/* Parse one frame the stack sent; 0 if it is not IPv4/TCP. */
int tp_parse(const uint8_t *frame, size_t len, struct tp_seg *s);
/* Next TCP segment the stack sent (others are skipped and freed); 0 if none. */
int tp_recv(struct tcppeer *p, struct tp_seg *s);
/* Number of frames waiting on the fake interface. */
unsigned tp_pending(struct tcppeer *p);

#endif
