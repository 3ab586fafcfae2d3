/*
 * net/net.h - the stack as the kernel (and the host tests) see it.
 *
 * One network task owns the stack.  Its loop is:
 *
 *     net_poll(now);                          // RX, timers, pending output
 *     sleep until IRQ or net_next_deadline(now)
 *
 * Time is always passed in (milliseconds, monotonic), so the same code runs
 * on the host against a scripted peer with a fake clock.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdint.h>
#include <stddef.h>
#include "netif.h"
#include "pbuf.h"
#include "stats.h"

#define NET_NO_DEADLINE UINT64_MAX

/* One-time init of all layers; registers every stats group. */
void net_init(uint64_t now_ms);
/* Attach the (single, for now) interface; the stack keeps the pointer. */
void net_attach(struct netif *nif);
struct netif *net_netif(void);
/* ip/prefix/gw in host byte order. */
void net_configure(uint32_t ip, unsigned prefix, uint32_t gw);

/* Drain the NIC, run due timers, retry output that was blocked on a full
 * TX ring.  Returns the number of frames received. */
unsigned net_poll(uint64_t now_ms);
/* Process one received Ethernet frame (consumes p). */
void net_input(struct pbuf *p, uint64_t now_ms);
/* Earliest time any layer wants net_poll() again; NET_NO_DEADLINE if none. */
uint64_t net_next_deadline(uint64_t now_ms);

/* Guest-initiated ping (ICMP echo) of `dst`; the reply is logged as
 * `ping: reply from A.B.C.D seq=N time=X ms`.  Returns NET_OK if sent. */
enum net_result net_ping(uint32_t dst, uint16_t seq, unsigned payload, uint64_t now_ms);

/* Fault injector (kernel cmdline netfault=drop:P,corrupt:P; percent 0..100). */
void net_set_fault(unsigned drop_pct, unsigned corrupt_pct);

/* Dotted-quad helpers (host byte order). */
int net_parse_ip(const char *s, uint32_t *out);          /* 0 ok, -1 bad */
void net_format_ip(uint32_t ip, char buf[16]);

#endif
