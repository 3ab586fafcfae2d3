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
#include "stats.h"

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
/* Close after `ms` without any data either way (0 = the TCP_IDLE_MS default).
 * Counts only while nothing is queued to send: then the connection is
 * closed gracefully (FIN; the owner gets TCP_EV_CLOSED at once).  With
 * data queued, a peer that stops reading is not idle: retransmission and
 * window-probe limits (TCP_MAX_RETRIES unanswered) bound it instead. */
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

/* Counters of group `tcp` (net.c registers tcp_stat_group).  rx_* / drop_*
 * say why an input segment was dropped; cur_* are gauges of TCBs per state. */
#define TCP_STATS(X) \
	X(seg_in) X(seg_out) X(bytes_in) X(bytes_out) X(ack_out) X(delack_out) \
	X(winupdate_out) X(rexmt_timeout) X(rexmt_fast) X(rexmt_partial) \
	X(rexmt_synack) X(rexmt_bytes) X(rexmt_early) X(limited_transmit) \
	X(tlp_probe) X(rto_backoff_max) X(persist_entered) \
	X(zwp_sent) X(dupack_in) X(rst_in) X(rst_out) X(challenge_ack) \
	X(challenge_ack_limited) X(ooo_in) X(dup_in) X(trim_in) \
	X(drop_short) X(drop_csum) X(drop_opts) X(drop_no_listener) \
	X(drop_out_of_window) X(drop_bad_ack) X(drop_syn_state) X(drop_rst_bad) \
	X(drop_no_ack) X(drop_backlog_full) X(drop_table_full) X(drop_nomem) \
	X(drop_ooo_full) X(drop_closed) X(drop_bad_flags) \
	X(out_again) X(out_nomem) \
	X(sack_conn) X(sack_blocks_rx) X(sack_blocks_bad) X(sack_blocks_old) \
	X(sack_board_full) X(sack_recovery) X(sack_rexmt) X(sack_skip_bytes) \
	X(sack_blocks_tx) X(sack_lost_rexmt) \
	X(conn_opened) X(conn_closed) X(conn_refused) X(conn_reset) \
	X(conn_aborted) X(conn_timedout) X(conn_idle) X(synrcvd_timedout) \
	X(tw_reused) X(tw_recycled) \
	X(cur_syn_received) X(cur_established) X(cur_close_wait) \
	X(cur_fin_wait_1) X(cur_closing) X(cur_last_ack) X(cur_fin_wait_2) \
	X(cur_time_wait)
STATS_DECLARE(tcp, TCP_STATS)

#endif
