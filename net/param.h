/*
 * net/param.h - every tunable of the network stack, in one place.
 *
 * Each can be overridden with -DNAME=value (the host tests do).  The
 * constraint on each is written beside it and checked at the bottom.
 */
#ifndef NET_PARAM_H
#define NET_PARAM_H

/* Packet buffers: a fixed pool, allocated once. One buffer holds one frame. */
#ifndef PBUF_COUNT
#define PBUF_COUNT 1024         /* >= RX ring + TX ring + slack for queues */
#endif
#ifndef PBUF_BUFSZ
#define PBUF_BUFSZ 2048         /* >= NET_HEADROOM + 14 + 1500 */
#endif
#ifndef NET_HEADROOM
#define NET_HEADROOM 128        /* virtio-net hdr (12) + eth (14) + ip (60) + tcp... */
#endif
#define NET_MTU 1500            /* Ethernet payload; no jumbo frames */

/* ARP */
#ifndef ARP_TABLE_SIZE
#define ARP_TABLE_SIZE 64       /* entries; LRU-replaced when full */
#endif
#ifndef ARP_REACHABLE_MS
#define ARP_REACHABLE_MS 60000  /* a resolved entry is trusted this long */
#endif
#ifndef ARP_RETRY_MS
#define ARP_RETRY_MS 1000       /* between requests while resolving */
#endif
#ifndef ARP_MAX_TRIES
#define ARP_MAX_TRIES 3         /* requests before giving up (queue dropped) */
#endif
#ifndef ARP_PENDING_MAX
#define ARP_PENDING_MAX 8       /* packets held per entry while resolving */
#endif

/* IPv4 reassembly */
#ifndef IP_REASS_SLOTS
#define IP_REASS_SLOTS 4        /* datagrams being reassembled at once */
#endif
#ifndef IP_REASS_MAX_BYTES
#define IP_REASS_MAX_BYTES 8192 /* largest reassembled datagram we accept */
#endif
#ifndef IP_REASS_TIMEOUT_MS
#define IP_REASS_TIMEOUT_MS 5000
#endif
#ifndef IP_DEFAULT_TTL
#define IP_DEFAULT_TTL 64
#endif

/* TCP */
#ifndef TCP_MAX_CONNS
#define TCP_MAX_CONNS 1024      /* TCBs in the table, all states; >= 16 */
#endif
#ifndef TCP_MAX_LISTEN
#define TCP_MAX_LISTEN 4        /* listening sockets */
#endif
#ifndef TCP_BACKLOG
#define TCP_BACKLOG 256         /* half-open (SYN_RECEIVED) per listener; a client
                                   opening 256 at once (wrk -c256) must fit */
#endif
#ifndef TCP_MSS_DEFAULT
#define TCP_MSS_DEFAULT 536     /* RFC 9293 default when the peer sends no MSS */
#endif
#ifndef TCP_RCV_BUF
#define TCP_RCV_BUF 16384       /* per-connection receive buffer, bytes; >= 2 * 1460 */
#endif
#ifndef TCP_RCV_WSCALE
#define TCP_RCV_WSCALE 0        /* our window shift; the rcv buffer is small */
#endif
#ifndef TCP_OOO_MAX
#define TCP_OOO_MAX 8           /* out-of-order segments held per connection */
#endif
#ifndef TCP_SND_CHUNKS
#define TCP_SND_CHUNKS 32       /* queued writes (chunks) per connection */
#endif
#ifndef TCP_RTO_INIT_MS
#define TCP_RTO_INIT_MS 1000    /* RFC 6298 (2.1) */
#endif
#ifndef TCP_RTO_MIN_MS
#define TCP_RTO_MIN_MS 200
#endif
#ifndef TCP_RTO_MAX_MS
#define TCP_RTO_MAX_MS 60000
#endif
#ifndef TCP_MAX_RETRIES
#define TCP_MAX_RETRIES 12      /* RTO expiries in a row before abort */
#endif
#ifndef TCP_SYN_RETRIES
#define TCP_SYN_RETRIES 5       /* SYN-ACK retransmissions before dropping */
#endif
#ifndef TCP_PERSIST_MIN_MS
#define TCP_PERSIST_MIN_MS 500
#endif
#ifndef TCP_PERSIST_MAX_MS
#define TCP_PERSIST_MAX_MS 60000
#endif
#ifndef TCP_DELACK_MS
#define TCP_DELACK_MS 200       /* RFC 9293: < 500 ms */
#endif
#ifndef TCP_MSL_MS
#define TCP_MSL_MS 1000         /* TIME_WAIT lasts 2 * MSL; short on purpose */
#endif
#ifndef TCP_IDLE_MS
#define TCP_IDLE_MS 30000       /* connection with no data either way is closed */
#endif
#ifndef TCP_CHALLENGE_ACK_PER_S
#define TCP_CHALLENGE_ACK_PER_S 100 /* RFC 5961 section 7 rate limit */
#endif
#ifndef TCP_INIT_CWND_SEGS
#define TCP_INIT_CWND_SEGS 10   /* RFC 6928 */
#endif

_Static_assert(PBUF_BUFSZ >= NET_HEADROOM + 14 + NET_MTU, "pbuf too small for a frame");
_Static_assert(NET_HEADROOM >= 12 + 14 + 60 + 20, "headroom must fit every header");
_Static_assert(TCP_MAX_CONNS >= 16, "TCP table too small");
_Static_assert(TCP_RCV_BUF >= 2 * 1460 && TCP_RCV_BUF <= 65535 << TCP_RCV_WSCALE, "rcv buffer");
_Static_assert(TCP_RTO_MIN_MS <= TCP_RTO_INIT_MS && TCP_RTO_INIT_MS <= TCP_RTO_MAX_MS, "RTO bounds");

#endif
