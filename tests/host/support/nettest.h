/*
 * tests/host/support/nettest.h - shared setup for the tests of the layers
 * below TCP (the test_net_ files).  Header-only on purpose: every support .c file is linked
 * into every test binary, and these helpers pull in the whole stack.
 *
 * TCP is replaced by weak stubs that count what IP hands up, so these
 * tests see exactly the lower layers.  (Weak definitions in the test's own
 * object mean the linker never pulls the real tcp*.o out of libquartz.a for
 * them; H4's TCP tests link the real thing.)
 */
#ifndef TESTS_NETTEST_H
#define TESTS_NETTEST_H

#include <stdlib.h>
#include "../check.h"
#include "fakeif.h"
#include "hostsys.h"
#include "net/net.h"
#include "net/ip.h"
#include "net/netpriv.h"
#include "net/tcp.h"

/* ---- TCP stubs ---- */
static unsigned stub_tcp_segs;
static unsigned stub_tcp_bytes;
__attribute__((weak)) void tcp_input(struct pbuf *p, uint32_t src, uint32_t dst, uint64_t now)
{
	(void)src, (void)dst, (void)now;
	stub_tcp_segs++;
	stub_tcp_bytes += p->len;
	pbuf_free(p);
}
__attribute__((weak)) void tcp_init(uint64_t now) { (void)now; }
__attribute__((weak)) void tcp_timer(uint64_t now) { (void)now; }
__attribute__((weak)) void tcp_output_pending(uint64_t now) { (void)now; }
__attribute__((weak)) uint64_t tcp_next_deadline(uint64_t now) { (void)now; return NET_NO_DEADLINE; }

/* ---- a standard little network: us, a gateway, a few peers ---- */
#define US_IP   0x0a00020fu     /* 10.0.2.15 */
#define GW_IP   0x0a000202u     /* 10.0.2.2 */
#define PEER_IP 0x0a000203u     /* 10.0.2.3 */
#define FAR_IP  0x08080808u     /* 8.8.8.8, off-link */
#define BCAST_IP 0x0a0002ffu
__attribute__((unused)) static const uint8_t GW_MAC[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
__attribute__((unused)) static const uint8_t PEER_MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
__attribute__((unused)) static const uint8_t BCAST_MAC[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
__attribute__((unused)) static const uint8_t ZERO_MAC[6];
#define US_MAC fakeif_default_mac

static struct fakeif F;

static inline void net_setup(void)
{
	hostsys_seed(1);
	hostsys_log_capture(1);
	hostsys_log_clear();
	net_init(0);
	fakeif_init(&F, NULL);
	net_attach(&F.nif);
	net_configure(US_IP, 24, GW_IP);
	stub_tcp_segs = stub_tcp_bytes = 0;
}

/* Every test ends here: nothing held, nothing leaked. */
static inline void net_teardown(void)
{
	fakeif_reset(&F);
	net_init(0);                 /* frees ARP queues and reassembly slots */
	fakeif_reset(&F);
	CHECK_EQ(pbuf_free_count(), pbuf_total());
	CHECK_EQ(hostsys_outstanding(), 0);
	net_set_fault(0, 0);
}

static inline uint64_t stat(const char *g, const char *n)
{
	const uint64_t *v = stats_find(g, n);
	if (!v) {
		printf("  no counter %s.%s\n", g, n);
		check_failures_++;
		return ~0ull;
	}
	return *v;
}

/* Deliver a frame now. */
static inline void deliver(const void *frame, size_t len, uint64_t now)
{
	struct pbuf *p = fakeif_frame(frame, len);
	CHECK(p != NULL);
	if (p)
		net_input(p, now);
}

/*
 * Deliver a frame with everything outside [data, data+len) poisoned for
 * ASan, so a parser that reads one byte past the frame (or before it)
 * fails the test even though the pbuf's array is bigger.
 */
#include <sanitizer/asan_interface.h>
static inline void deliver_strict(const void *frame, size_t len, uint64_t now)
{
	struct pbuf *p = fakeif_frame(frame, len);
	CHECK(p != NULL);
	if (!p)
		return;
	uint8_t *start = pbuf_data(p), *end = start + len;
	ASAN_POISON_MEMORY_REGION(p->buf, (size_t)(start - p->buf));
	ASAN_POISON_MEMORY_REGION(end, (size_t)(p->buf + PBUF_BUFSZ - end));
	net_input(p, now);
	/* p was freed by now (or is held, and must stay readable). */
	if (p->flags & PBUF_F_INUSE)
		ASAN_UNPOISON_MEMORY_REGION(p->buf, PBUF_BUFSZ);
}

/* Sum of every drop-ish counter of the layers below TCP: a malformed
 * frame must move exactly one. */
static inline uint64_t drops_total(void)
{
	uint64_t n = 0;
	const char *groups[] = { "eth", "arp", "ip", "icmp" };
	for (unsigned g = 0; g < 4; g++)
		for (unsigned i = 0; i < stats_group_count(); i++) {
			const struct stat_group *sg = stats_group_at(i);
			if (strcmp(sg->name, groups[g]))
				continue;
			for (unsigned k = 0; k < sg->n; k++)
				if (!strncmp(sg->names[k], "drop_", 5) || (!strncmp(sg->names[k], "reass_", 6) && strcmp(sg->names[k], "reass_ok")) ||
				    !strcmp(sg->names[k], "rx_other"))
					n += sg->vals[k];
		}
	return n;
}

#endif
