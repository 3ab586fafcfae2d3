/*
 * net/tcp.h - the socket-like TCP interface, for http/ and the tests.
 *
 * Non-blocking and event-driven, run from the network task.  A listener's
 * accept callback receives each connection once it is ESTABLISHED; from
 * then on the owner gets events through its handler.  Data to send is
 * queued either by reference (immutable bytes, e.g. baked assets in
 * .content: nothing is copied, a retransmission re-reads them) or by copy
 * (transient bytes such as generated headers).
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <stdint.h>
#include <stddef.h>

struct tcp_conn;               /* opaque: a TCB */

#define TCP_EV_READ   0x1u     /* new bytes readable, or peer's FIN (read returns TCP_EOF) */
#define TCP_EV_WRITE  0x2u     /* queued bytes were acknowledged: room to queue more */
#define TCP_EV_CLOSED 0x4u     /* connection finished, reset, timed out or aborted:
                                  the handle is invalid once the handler returns */

typedef void (*tcp_accept_fn)(void *arg, struct tcp_conn *c);
typedef void (*tcp_event_fn)(void *arg, struct tcp_conn *c, unsigned events);

/* Listen on `port` (all local addresses).  0 ok, -1 if no listener slot
 * or the port is taken. */
int tcp_listen(uint16_t port, tcp_accept_fn on_accept, void *arg);

void tcp_set_handler(struct tcp_conn *c, tcp_event_fn fn, void *arg);

#define TCP_EOF (-1L)
#define TCP_ERR (-2L)
/* Copy up to len received bytes out.  >0 bytes; 0 nothing now;
 * TCP_EOF when the peer has closed and everything was read; TCP_ERR
 * after a reset.  Reading opens the receive window again. */
long tcp_read(struct tcp_conn *c, void *buf, size_t len);

/* Queue bytes for sending.  0 ok; -1 when the connection cannot take
 * more chunks now (TCP_SND_CHUNKS) or is closing: wait for TCP_EV_WRITE.
 * write_ref: `data` must stay valid and unchanged until acknowledged
 * (baked assets: forever).  write_copy: copied into a buffer now. */
int tcp_write_ref(struct tcp_conn *c, const void *data, size_t len);
int tcp_write_copy(struct tcp_conn *c, const void *data, size_t len);
/* Bytes queued but not yet acknowledged, and free chunk slots. */
size_t tcp_sendq_bytes(const struct tcp_conn *c);
unsigned tcp_sendq_free_chunks(const struct tcp_conn *c);
/* Push whatever is queued now (skip Nagle for the tail of a response). */
void tcp_flush(struct tcp_conn *c);

/* Send FIN once everything queued has gone out; the handle stays valid
 * until TCP_EV_CLOSED. */
void tcp_close(struct tcp_conn *c);
/* Send RST, free everything now.  No TCP_EV_CLOSED follows. */
void tcp_abort(struct tcp_conn *c);
/* Close after `ms` without any data either way (0 = the TCP_IDLE_MS default). */
void tcp_set_idle_timeout(struct tcp_conn *c, uint32_t ms);

/* Remote address, host order. */
void tcp_peer(const struct tcp_conn *c, uint32_t *ip, uint16_t *port);

/* Stack plumbing (called by net.c) */
void tcp_init(uint64_t now);
void tcp_timer(uint64_t now);              /* fire due timers */
void tcp_output_pending(uint64_t now);     /* retry sends blocked on a full TX ring */
uint64_t tcp_next_deadline(uint64_t now);  /* NET_NO_DEADLINE if none */
/* Number of TCBs in use (all states), for leak checks and stats. */
unsigned tcp_conn_count(void);

#endif
