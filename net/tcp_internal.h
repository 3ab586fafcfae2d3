/*
 * net/tcp_internal.h - the TCB and what the tcp*.c files share.
 *
 * Split: tcp.c (table, ISN, API, events), tcp_in.c (segment arrival,
 * RFC 9293 section 3.10.7), tcp_out.c (segment building, output decision),
 * tcp_timer.c (every timer as a deadline).  Not for http/: it uses tcp.h.
 */
#ifndef NET_TCP_INTERNAL_H
#define NET_TCP_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include "param.h"
#include "pbuf.h"
#include "tcp.h"

/* Sequence space arithmetic (RFC 9293 3.4): compare only through these,
 * so everything holds across the 2^32 wrap. */
#define SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
/* lo <= x < hi */
#define SEQ_IN(x, lo, hi) (SEQ_LEQ(lo, x) && SEQ_LT(x, hi))
#define SEQ_MAX(a, b) (SEQ_GT(a, b) ? (a) : (b))

/* Ordered as in BSD so ranges mean something: >= ESTABLISHED is
 * synchronized; >= FIN_WAIT_1 means we have been asked to send FIN.
 * There is no active open (no tcp_connect), so SYN_SENT never occurs. */
enum tcp_state {
	TCPS_CLOSED,
	TCPS_LISTEN,        /* only listeners; no TCB is ever in it */
	TCPS_SYN_SENT,      /* unused: no active open */
	TCPS_SYN_RECEIVED,
	TCPS_ESTABLISHED,
	TCPS_CLOSE_WAIT,    /* peer's FIN received, ours not asked for */
	TCPS_FIN_WAIT_1,    /* our FIN queued/sent, not acked */
	TCPS_CLOSING,       /* both FINs, ours not acked */
	TCPS_LAST_ACK,      /* peer's FIN first, then ours, not acked */
	TCPS_FIN_WAIT_2,    /* our FIN acked, waiting for the peer's */
	TCPS_TIME_WAIT,
	TCPS_NSTATES
};
extern const char *const tcp_state_names[TCPS_NSTATES];
/* our FIN is due or in flight (not yet acknowledged) */
#define TCPS_FIN_PENDING(s) ((s) == TCPS_FIN_WAIT_1 || (s) == TCPS_CLOSING || (s) == TCPS_LAST_ACK)
/* the peer's FIN has been received */
#define TCPS_HAVE_RCVD_FIN(s) ((s) == TCPS_CLOSE_WAIT || (s) == TCPS_CLOSING || \
	(s) == TCPS_LAST_ACK || (s) == TCPS_TIME_WAIT)

#define TCP_NO_TIMER UINT64_MAX
#define TCP_OUR_MSS (NET_MTU - 20 - 20)  /* what we announce: no IP/TCP options */
/* SACKed ranges remembered per connection (RFC 6675 scoreboard); a fifth
 * and later range only costs precision: it is resent if lost-looking. */
#define TCP_SACK_MAX 8
#ifndef TCP_OPT_SACK
#define TCP_OPT_SACK 5           /* len 2 + 8n, n = 1..4 blocks (RFC 2018) */
#endif
#define TCP_MSS_FLOOR 64                 /* a peer MSS below this is raised to it */

/* One queued write.  by reference: data points at immutable bytes owned by
 * the caller; copied: data was net_malloc'd here and is freed when acked. */
struct tcp_chunk {
	const uint8_t *data;
	uint32_t len;
	uint8_t owned;
};

/* An out-of-order range held in the receive ring: [start, end) in sequence
 * space, start > rcv_nxt.  Kept sorted and disjoint. */
struct tcp_ooo {
	uint32_t start, end;
};

struct tcp_listener {
	uint16_t port;               /* 0 = slot free */
	tcp_accept_fn on_accept;
	void *arg;
	unsigned n_half;             /* TCBs in SYN_RECEIVED; <= TCP_BACKLOG */
	struct tcp_conn *half_head, *half_tail; /* those TCBs, oldest first */
};

struct tcp_conn {
	struct tcp_conn *hnext;      /* hash chain (only while hashed) */
	struct tcp_conn *anext, *aprev; /* list of TCBs in use */
	struct tcp_conn *znext;      /* reap list once dead */
	enum tcp_state state;
	uint8_t inuse, hashed, dead; /* dead: released, waiting to be reaped */
	uint8_t detached;            /* owner gone (CLOSED delivered or aborted) */
	uint8_t in_cb;               /* inside the owner's handler right now */
	uint8_t reset;               /* connection was reset: read gives TCP_ERR */
	uint8_t ack_now;             /* an ACK must go out at the next output */
	uint8_t blocked;             /* output stopped on a full TX ring */
	uint8_t want_output;         /* output deferred until the handler returns */
	uint8_t ws_ok;               /* both sides sent window scale */
	uint8_t in_recovery;         /* NewReno fast recovery (RFC 6582) */
	uint8_t rcv_ooo_fin;         /* a FIN was seen at rcv_ooo_fin_seq, out of order */
	uint8_t push;                /* tcp_flush: send the tail now (no Nagle) */
	uint8_t persisting;          /* persist timer owns the send side */
	uint8_t tlp_armed;           /* t_rexmt is a tail loss probe, not the RTO */
	uint8_t tlp_done;            /* a probe went since snd_una last moved */
	uint8_t sack_ok;             /* both SYNs carried SACK_PERM (RFC 2018) */
	uint8_t sack_rec;            /* in_recovery is RFC 6675's, driven by the scoreboard */

	uint32_t lip, rip;           /* host order */
	uint16_t lport, rport;
	struct tcp_listener *listener; /* while SYN_RECEIVED: whose backlog we count in */
	struct tcp_conn *half_next, *half_prev; /* that backlog's queue, oldest first */

	/* send sequence space: snd_una <= snd_nxt <= snd_max */
	uint32_t iss;                /* our initial sequence number */
	uint32_t snd_una;            /* oldest unacknowledged seq */
	uint32_t snd_nxt;            /* next seq to send (rewound on RTO) */
	uint32_t snd_max;            /* highest seq sent + 1 (incl. a probe byte) */
	uint32_t snd_wnd;            /* peer's window, bytes (already scaled) */
	uint32_t snd_wl1, snd_wl2;   /* seq/ack of the segment that last set snd_wnd */
	uint32_t max_sndwnd;         /* largest snd_wnd seen (sender SWS, RFC 5961 5.2) */
	uint16_t snd_mss;            /* payload per segment we send: min(peer MSS, ours) */
	uint8_t snd_wscale;          /* shift applied to the peer's window field */
	uint8_t rcv_wscale;          /* shift applied to ours */

	/* congestion control (RFC 5681, 6582) */
	uint32_t cwnd, ssthresh;
	uint32_t recover;            /* snd_max when fast recovery began */
	unsigned dupacks;            /* duplicate ACKs in a row */
	uint32_t last_ack_jump;      /* bytes the last new ACK moved snd_una */

	/* SACK scoreboard (RFC 2018, 6675), only with sack_ok: what the peer
	 * holds above snd_una, sorted, disjoint, each within (snd_una, snd_max].
	 * Cleared on RTO (the peer may renege, RFC 2018 section 8). */
	struct tcp_ooo sacked[TCP_SACK_MAX];
	unsigned n_sacked;
	uint32_t sack_rxt;           /* HighRxt + 1: holes below were resent this recovery */
	uint32_t sack_mark;          /* snd_max when the segment at snd_una was last resent */
	uint64_t head_sent_at;       /* when the segment at snd_una last went (or later) */
	uint64_t sack_grew_at;       /* when the scoreboard last gained bytes */
	uint32_t rcv_sack_last;      /* start of the OOO range we received last (first block) */

	/* retransmission (RFC 6298); times in ms */
	uint32_t srtt, rttvar;       /* smoothed RTT and its variation */
	uint32_t rto;
	uint32_t rtt_seq;            /* seq being timed (valid if rtt_timing) */
	uint64_t rtt_start;
	uint8_t rtt_timing;
	uint8_t rtt_valid;           /* srtt/rttvar hold a sample */
	unsigned nrexmt;             /* RTO expiries in a row */
	unsigned persist_shift;      /* persist backoff exponent */
	unsigned probes_unanswered;  /* window probes since the peer last ACKed anything */

	/* send queue: chunks cover [snd_una, snd_una + sq_bytes) once synchronized */
	struct tcp_chunk sq[TCP_SND_CHUNKS];
	unsigned sq_head, sq_count;  /* ring of chunks */
	uint32_t sq_off;             /* bytes of the head chunk already acked */
	uint32_t sq_bytes;           /* unacked + unsent data bytes */

	/* receive sequence space */
	uint32_t irs;                /* peer's initial sequence number */
	uint32_t rcv_nxt;            /* next in-order seq expected */
	uint32_t rcv_adv;            /* right edge advertised; never moves left */
	uint32_t rcv_ooo_fin_seq;
	uint32_t rcv_unacked;        /* in-order bytes not yet acknowledged */
	uint8_t *rbuf;               /* TCP_RCV_BUF ring, net_malloc'd */
	uint32_t rb_head, rb_len;    /* unread in-order bytes at rb_head */
	struct tcp_ooo ooo[TCP_OOO_MAX];
	unsigned n_ooo;

	/* timers: absolute deadlines in ms, TCP_NO_TIMER when off */
	uint64_t t_rexmt;            /* RTO / SYN-ACK retransmission */
	uint64_t t_persist;          /* zero/small window probe */
	uint64_t t_delack;
	uint64_t t_rack;             /* SACK: the head is lost if not acked by then */
	uint64_t t_2msl;             /* TIME_WAIT end */
	uint64_t last_data;          /* last data either way (idle timer) */
	uint32_t idle_ms;            /* idle applies only with nothing queued to send */

	/* the owner */
	tcp_event_fn handler;
	void *harg;
	unsigned ev;                 /* events not yet delivered */
};

/* A received segment, parsed once into host order. */
struct tcp_seg {
	uint32_t seq, ack;
	uint16_t sport, dport;
	uint32_t wnd;                /* raw field */
	uint8_t flags;
	const uint8_t *data;
	uint32_t len;                /* payload bytes */
	uint16_t mss;                /* 0 = no option */
	int8_t wscale;               /* -1 = no option */
	uint8_t sack_perm;           /* SACK_PERM option present */
	uint8_t nsack;               /* SACK blocks, as sent (unvalidated) */
	uint32_t sack[4][2];         /* [start, end) each */
};
/* SEG.LEN: payload plus SYN and FIN */
static inline uint32_t tcp_seg_len(const struct tcp_seg *s)
{
	return s->len + !!(s->flags & 0x02) + !!(s->flags & 0x01);
}

/* tcp.c */
extern struct tcp_listener tcp_listeners[TCP_MAX_LISTEN];
extern uint64_t tcp_now;                 /* time of the current entry point */
struct tcp_conn *tcp_lookup(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
struct tcp_listener *tcp_find_listener(uint16_t port);
struct tcp_conn *tcp_conn_new(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
void tcp_set_state(struct tcp_conn *c, enum tcp_state s);
void tcp_release(struct tcp_conn *c);    /* over: event to owner, then free */
void tcp_deliver(struct tcp_conn *c);    /* run pending events through the handler */
void tcp_reap(void);                     /* free released TCBs (top level only) */
int tcp_recycle_timewait(void);          /* free one TIME_WAIT TCB; 0 if none */
void tcp_free_now(struct tcp_conn *c);   /* reap a released, ownerless TCB now */
void tcp_accept(struct tcp_conn *c, struct tcp_listener *l);
void tcp_half_add(struct tcp_conn *c, struct tcp_listener *l); /* joins l's backlog */
void tcp_half_remove(struct tcp_conn *c);                    /* leaves it */
uint32_t tcp_new_iss(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
void tcp_sq_ack(struct tcp_conn *c, uint32_t n); /* drop n acked bytes from the queue */
void tcp_rcv_update_window(struct tcp_conn *c);
extern struct tcp_conn *tcp_active;      /* list of TCBs in use */
void tcp_enter(uint64_t now);            /* entry point bookkeeping */
void tcp_leave(void);

/* tcp_in.c */
int tcp_parse_options(const uint8_t *opt, unsigned n, struct tcp_seg *s);

/* tcp_sack.c */
uint32_t tcp_sack_input(struct tcp_conn *c, const struct tcp_seg *s); /* bytes newly SACKed */
void tcp_sack_head_check(struct tcp_conn *c);  /* time-ordered loss of the head */
void tcp_sack_clear(struct tcp_conn *c);
int tcp_sack_lost(const struct tcp_conn *c, uint32_t seq);       /* RFC 6675 IsLost */
uint32_t tcp_sack_pipe(const struct tcp_conn *c);                /* RFC 6675 SetPipe */
void tcp_sack_enter_recovery(struct tcp_conn *c);
void tcp_sack_rexmt(struct tcp_conn *c);       /* resend lost holes while cwnd allows */
uint32_t tcp_sack_skip(struct tcp_conn *c, uint32_t *seq, uint32_t limit); /* go-back-N */
unsigned tcp_sack_opt(struct tcp_conn *c, uint8_t *opt, unsigned room); /* our blocks */

/* tcp_out.c */
int tcp_send_data(struct tcp_conn *c, uint32_t seq, uint32_t len); /* resend [seq, seq+len) */
void tcp_output(struct tcp_conn *c);
void tcp_send_synack(struct tcp_conn *c);
void tcp_send_ack(struct tcp_conn *c);
void tcp_send_challenge_ack(struct tcp_conn *c);
void tcp_send_rst(struct tcp_conn *c);   /* RST for a synchronized TCB */
/* RST answering a segment for no connection (RFC 9293 3.10.7.1) */
void tcp_respond_rst(uint32_t lip, uint32_t rip, const struct tcp_seg *s);
int tcp_retransmit_head(struct tcp_conn *c); /* resend the segment at snd_una */
void tcp_send_probe(struct tcp_conn *c);     /* one-byte zero-window probe */
void tcp_retransmit_tail(struct tcp_conn *c); /* the last segment again (TLP) */
uint32_t tcp_rcv_edge(const struct tcp_conn *c);
uint32_t tcp_rcv_window(struct tcp_conn *c);

/* tcp_timer.c */
/* A lower bound on every TCB's next deadline, so the timer walk and
 * tcp_next_deadline() cost nothing while no timer is due.  Whatever may
 * move a deadline earlier ends in tcp_output() (or tcp_send_synack,
 * tcp_set_idle_timeout), which folds the TCB in with tcp_due(). */
extern uint64_t tcp_due_hint;
extern uint8_t tcp_any_blocked;              /* some TCB waits for TX room */
void tcp_due(const struct tcp_conn *c);
void tcp_rexmt_arm(struct tcp_conn *c);      /* (re)start the RTO from now */
void tcp_rtt_sample(struct tcp_conn *c, uint32_t rtt_ms);
void tcp_persist_arm(struct tcp_conn *c);
uint64_t tcp_conn_deadline(const struct tcp_conn *c);
void tcp_timewait_start(struct tcp_conn *c);

/* Test hooks (host tests only rely on them) */
void tcp_test_force_iss(uint32_t iss);   /* next ISS exactly this, once */
unsigned tcp_test_state(const struct tcp_conn *c);
uint32_t tcp_test_rto(const struct tcp_conn *c);
uint32_t tcp_test_cwnd(const struct tcp_conn *c);
uint32_t tcp_test_snd_wnd(const struct tcp_conn *c);
uint64_t tcp_test_next_deadline(void);  /* exact; tcp_next_deadline may be early */

#endif
