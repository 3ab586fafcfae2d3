/*
 * net/netpriv.h - what the files below TCP share and nobody else needs:
 * the counter lists of each layer, the fault injector's hooks and the
 * per-layer init/reset calls that net_init() makes.
 *
 * Every drop has its own counter, named after its reason, so the
 * `net: stats` line alone tells why a packet vanished.
 */
#ifndef NET_NETPRIV_H
#define NET_NETPRIV_H

#include <stdint.h>
#include "netif.h"
#include "pbuf.h"
#include "stats.h"

#define PBUF_STATS(X) X(alloc) X(free) X(alloc_fail) X(double_free) X(bad_free)
STATS_DECLARE(pbuf, PBUF_STATS)

#define ETH_STATS(X) X(rx) X(rx_bytes) X(drop_short) X(drop_not_us) X(drop_type) \
	X(tx) X(tx_bytes) X(tx_again) X(tx_err) X(tx_no_headroom)
STATS_DECLARE(eth, ETH_STATS)

#define ARP_STATS(X) X(rx) X(drop_short) X(drop_format) X(drop_op) X(drop_bad_sha) \
	X(drop_unconfigured) X(conflict) X(req_rx) X(reply_rx) X(req_tx) X(reply_tx) \
	X(learned) X(updated) X(resolved) X(mac_changed) X(give_up) X(stale_expired) \
	X(pending_queued) X(pending_sent) X(pending_overflow) X(pending_dropped) \
	X(pending_tx_again) X(evicted) X(tx_nobuf) X(tx_fail)
STATS_DECLARE(arp, ARP_STATS)

#define IP_STATS(X) X(rx) X(drop_short) X(drop_version) X(drop_hlen) \
	X(drop_totlen_short) X(drop_truncated) X(drop_csum) X(drop_not_us) X(drop_src) \
	X(drop_proto) X(opts_skipped) X(padding_trimmed) X(deliver_icmp) X(deliver_tcp) \
	X(frag_rx) X(reass_ok) X(reass_dup) X(reass_overlap) X(reass_bad) \
	X(reass_toobig) X(reass_noslot) X(reass_nomem) X(reass_timeout) \
	X(tx) X(tx_again) X(tx_noroute) X(tx_toobig) X(tx_no_headroom) X(tx_unconfigured)
STATS_DECLARE(ip, IP_STATS)

#define ICMP_STATS(X) X(rx) X(drop_short) X(drop_csum) X(drop_bcast) X(drop_toobig) \
	X(rx_other) X(echo_req) X(echo_reply_tx) X(echo_reply_rx) X(ping_unmatched) \
	X(ping_tx) X(tx_nobuf) X(tx_fail)
STATS_DECLARE(icmp, ICMP_STATS)

#define FAULT_STATS(X) X(rx_drop) X(rx_corrupt) X(tx_drop) X(tx_corrupt)
STATS_DECLARE(fault, FAULT_STATS)

/* pbuf.c */
void pbuf_pool_init(void);            /* idempotent; first pbuf_alloc calls it */

/* ether.c: hand a finished frame to the driver, through the fault injector. */
enum net_result ether_xmit(struct netif *nif, struct pbuf *p);

/* arp.c */
void arp_reset(void);                 /* empty the cache, free held packets */
unsigned arp_cache_count(void);       /* entries in use (tests) */
/* Tests: state of `ip` in the cache: 0 absent, else ARP_S_* below. */
int arp_cache_state(uint32_t ip, uint8_t mac_out[6]);
#define ARP_S_INCOMPLETE 1
#define ARP_S_REACHABLE 2
#define ARP_S_STALE 3

/* ipv4.c / ip_reass.c */
void ip_reset(void);
int ip_is_broadcast(const struct netif *nif, uint32_t ip);
/* Reassembly: takes a validated fragment (data at the IP header, trimmed
 * to tot_len); returns the whole datagram (20-byte header, no options)
 * when the last hole closes, else NULL.  Always consumes p. */
struct pbuf *ip_reass_input(struct pbuf *p, uint64_t now);
void ip_reass_timer(uint64_t now);
uint64_t ip_reass_deadline(void);
void ip_reass_reset(void);
unsigned ip_reass_count(void);        /* datagrams in progress (tests) */

/* icmp.c */
void icmp_reset(void);
enum net_result icmp_ping(uint32_t dst, uint16_t seq, unsigned payload, uint64_t now);

/* fault.c: 1 when the frame must vanish (already freed and counted). */
int fault_rx(struct pbuf *p);
int fault_tx(struct pbuf *p);
void fault_reset(void);

#endif
