/*
 * net/ip.h - the internal interfaces between layers of the stack.
 * (The kernel and drivers use net.h; this is for net/ itself.)
 */
#ifndef NET_IP_H
#define NET_IP_H

#include <stdint.h>
#include "netif.h"
#include "pbuf.h"
#include "wire.h"

/* Ethernet (ether.c) */
void ether_input(struct netif *nif, struct pbuf *p, uint64_t now);
/* Prepend the Ethernet header and send to `next_hop` (IPv4, host order),
 * resolving it through ARP.  Consumes p in every case except NET_AGAIN
 * (TX ring full; caller keeps p).  Queued-for-ARP counts as NET_OK. */
enum net_result ether_output_ip(struct netif *nif, struct pbuf *p, uint32_t next_hop, uint64_t now);
/* Send a frame with a known destination MAC (ARP itself). Same ownership. */
enum net_result ether_output_raw(struct netif *nif, struct pbuf *p, const uint8_t dst[6], uint16_t type);

/* ARP (arp.c) */
void arp_input(struct netif *nif, struct pbuf *p, uint64_t now);
/* Look up ip; on a hit copy the MAC and return 1.  On a miss queue p
 * (bounded; drops the oldest with a counter), send a request if due, and
 * return 0 (p consumed). */
int arp_resolve(struct netif *nif, uint32_t ip, struct pbuf *p, uint8_t mac_out[6], uint64_t now);
void arp_timer(struct netif *nif, uint64_t now);
uint64_t arp_next_deadline(uint64_t now);

/* IPv4 (ipv4.c) */
void ip_input(struct netif *nif, struct pbuf *p, uint64_t now);
/* p holds the transport header + payload (pbuf_data points at it) with
 * headroom for IP + Ethernet + driver.  Prepends the IP header, routes
 * (on-link or via gw) and sends.  Ownership as ether_output_ip: on
 * NET_AGAIN the caller keeps p (and p is unchanged: the IP header is
 * pulled off again). */
enum net_result ip_output(struct pbuf *p, uint32_t src, uint32_t dst, uint8_t proto, uint64_t now);
void ip_timer(uint64_t now);
uint64_t ip_next_deadline(uint64_t now);

/* ICMP (icmp.c): p starts at the ICMP header; src/dst host order. */
void icmp_input(struct netif *nif, struct pbuf *p, uint32_t src, uint32_t dst, uint64_t now);

/* TCP (tcp_in.c): p starts at the TCP header (IP header pulled); src/dst
 * host order; the checksum is verified by tcp_input itself. Consumes p. */
void tcp_input(struct pbuf *p, uint32_t src, uint32_t dst, uint64_t now);

#endif
