/*
 * net/tcp_timer.c - every TCP timer, as a deadline in the TCB.
 *
 * Nothing polls: each TCB holds absolute deadlines (TCP_NO_TIMER when
 * off), tcp_next_deadline() gives the network task the earliest one to
 * sleep until, and tcp_timer(now) fires whatever is due.
 *
 *  - retransmission (t_rexmt): runs while anything is in flight
 *    (snd_nxt != snd_una).  RFC 6298: on expiry go back to snd_una, collapse
 *    cwnd to one segment, double the RTO (bounded by TCP_RTO_MAX_MS); after
 *    TCP_MAX_RETRIES expiries in a row give up with an RST.  In
 *    SYN_RECEIVED it resends the SYN-ACK, TCP_SYN_RETRIES times.
 *  - persist (t_persist): runs while data waits and nothing is in flight
 *    because the peer's window is too small.  Sends a one-byte probe into a
 *    zero window (or, for a small non-zero one, what fits: the SWS override),
 *    backing off to TCP_PERSIST_MAX_MS.  A peer that keeps acknowledging
 *    probes keeps the connection however long its window stays shut (RFC
 *    9293 3.8.6.1: a slow reader is not a dead one); after TCP_MAX_RETRIES
 *    probes in a row with no ACK at all, the peer is gone and we reset.
 *  - delayed ACK (t_delack): at most TCP_DELACK_MS after in-order data.
 *  - TIME_WAIT (t_2msl): 2 * TCP_MSL_MS, then the TCB is freed.
 *  - idle: last_data + idle_ms with no data either way while nothing is
 *    queued to send (with data queued, retransmission and persist bound the
 *    wait instead).  In ESTABLISHED/CLOSE_WAIT the connection is closed
 *    gracefully (the owner is told TCP_EV_CLOSED and the FIN handshake goes
 *    on without it); in FIN_WAIT_2 (the peer never sends its FIN) it is
 *    reset.
 */
#include "tcp_internal.h"
#include "sys.h"

static inline uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

uint64_t tcp_due_hint = TCP_NO_TIMER;
uint8_t tcp_any_blocked;

void tcp_due(const struct tcp_conn *c)
{
	uint64_t d = tcp_conn_deadline(c);
	if (d < tcp_due_hint)
		tcp_due_hint = d;
}

/* (Re)start the retransmission timer.  In the open state, with an RTT
 * estimate and no probe sent yet for this flight, it first fires as a tail
 * loss probe after about two RTTs (RFC 8985 7.2): a lost last segment then
 * costs a probe instead of a 200 ms+ timeout with cwnd collapsed. */
void tcp_rexmt_arm(struct tcp_conn *c)
{
	c->tlp_armed = 0;
	c->t_rexmt = tcp_now + c->rto;
	if (c->in_recovery || c->nrexmt || c->tlp_done || !c->rtt_valid ||
	    c->state == TCPS_SYN_RECEIVED)
		return;
	uint32_t pto = 2 * c->srtt > 10 ? 2 * c->srtt : 10;
	if (c->snd_nxt - c->snd_una <= c->snd_mss) {
		/* one segment out: the peer may be holding its ACK back */
		uint32_t d = c->srtt + c->srtt / 2 + TCP_DELACK_MS;
		if (d > pto)
			pto = d;
	}
	if (pto > c->rto)                    /* RFC 8985 7.2: PTO = min(PTO, RTO) */
		pto = c->rto;
	c->t_rexmt = tcp_now + pto;
	c->tlp_armed = 1;
}

/* The probe: one new segment if the peer's window takes it, else the last
 * segment again.  Its ACK either repairs a lost tail outright or adds the
 * duplicate ACK that starts fast recovery. */
static void tlp_fire(struct tcp_conn *c)
{
	c->tlp_armed = 0;
	c->tlp_done = 1;
	STAT_INC(tcp, tlp_probe);
	uint32_t flight = c->snd_nxt - c->snd_una;
	uint32_t unsent = c->sq_bytes > flight ? c->sq_bytes - flight : 0;
	if (unsent && c->snd_wnd > flight && c->snd_nxt == c->snd_max) {
		uint32_t keep = c->cwnd;
		c->cwnd = flight + c->snd_mss;     /* exactly one more segment */
		c->push = 1;
		tcp_output(c);
		c->cwnd = keep;
	} else {
		tcp_retransmit_tail(c);
	}
	c->t_rexmt = tcp_now + c->rto;
}

/* RFC 6298 2.2/2.3, in whole milliseconds, G = 1 ms. */
void tcp_rtt_sample(struct tcp_conn *c, uint32_t r)
{
	if (!c->rtt_valid) {
		c->srtt = r;
		c->rttvar = r / 2;
		c->rtt_valid = 1;
	} else {
		uint32_t delta = c->srtt > r ? c->srtt - r : r - c->srtt;
		c->rttvar = (3 * c->rttvar + delta) / 4;
		c->srtt = (7 * c->srtt + r) / 8;
	}
	uint32_t var4 = 4 * c->rttvar;
	uint32_t rto = c->srtt + (var4 > 1 ? var4 : 1);
	if (rto < TCP_RTO_MIN_MS)
		rto = TCP_RTO_MIN_MS;
	if (rto > TCP_RTO_MAX_MS)
		rto = TCP_RTO_MAX_MS;
	c->rto = rto;
}

void tcp_persist_arm(struct tcp_conn *c)
{
	uint64_t iv = (uint64_t)TCP_PERSIST_MIN_MS << (c->persist_shift < 20 ? c->persist_shift : 20);
	if (iv > TCP_PERSIST_MAX_MS)
		iv = TCP_PERSIST_MAX_MS;
	c->t_persist = tcp_now + iv;
	if (!c->persisting) {
		c->persisting = 1;
		STAT_INC(tcp, persist_entered);
	}
}

void tcp_timewait_start(struct tcp_conn *c)
{
	if (c->state != TCPS_TIME_WAIT) {
		tcp_set_state(c, TCPS_TIME_WAIT);
		STAT_INC(tcp, conn_closed);
		if (!c->detached)
			c->ev |= TCP_EV_CLOSED;
	}
	c->t_rexmt = c->t_persist = c->t_delack = c->t_rack = TCP_NO_TIMER;
	c->persisting = 0;
	c->t_2msl = tcp_now + 2ull * TCP_MSL_MS;
}

static int idle_applies(const struct tcp_conn *c)
{
	return c->state >= TCPS_ESTABLISHED && c->state != TCPS_TIME_WAIT && c->sq_bytes == 0;
}

uint64_t tcp_conn_deadline(const struct tcp_conn *c)
{
	if (c->dead)
		return TCP_NO_TIMER;
	uint64_t d = min64(min64(c->t_rexmt, c->t_persist), min64(c->t_delack, c->t_2msl));
	d = min64(d, c->t_rack);
	if (idle_applies(c))
		d = min64(d, c->last_data + c->idle_ms);
	return d;
}

static void rexmt_fire(struct tcp_conn *c)
{
	c->t_rexmt = TCP_NO_TIMER;
	if (c->tlp_armed && c->snd_nxt != c->snd_una) {
		if (c->snd_wnd == 0) {           /* no probing into a shut window */
			c->tlp_armed = 0;
			c->t_rexmt = tcp_now + c->rto;
			return;
		}
		tlp_fire(c);
		return;
	}
	if (c->state == TCPS_SYN_RECEIVED) {
		if (++c->nrexmt > TCP_SYN_RETRIES) {
			STAT_INC(tcp, synrcvd_timedout);
			c->detached = 1;
			tcp_release(c);
			return;
		}
		c->rto = c->rto * 2 < TCP_RTO_MAX_MS ? c->rto * 2 : TCP_RTO_MAX_MS;
		STAT_INC(tcp, rexmt_synack);
		tcp_send_synack(c);
		return;
	}
	if (c->snd_nxt == c->snd_una)           /* nothing in flight after all */
		return;
	if (++c->nrexmt > TCP_MAX_RETRIES) {
		STAT_INC(tcp, conn_timedout);
		tcp_send_rst(c);
		tcp_release(c);
		return;
	}
	STAT_INC(tcp, rexmt_timeout);
	uint32_t flight = c->snd_max - c->snd_una;
	c->ssthresh = flight / 2 > 2u * c->snd_mss ? flight / 2 : 2u * c->snd_mss;
	c->cwnd = c->snd_mss;                    /* RFC 5681 3.1: loss window */
	c->in_recovery = 0;
	c->sack_rec = 0;
	tcp_sack_clear(c);                       /* RFC 2018 8: the peer may renege */
	c->t_rack = TCP_NO_TIMER;
	c->dupacks = 0;
	c->recover = c->snd_max;                 /* RFC 6582 3.2 step 1 after a timeout */
	c->rtt_timing = 0;                       /* Karn */
	if (c->rto * 2 >= TCP_RTO_MAX_MS) {
		c->rto = TCP_RTO_MAX_MS;
		STAT_INC(tcp, rto_backoff_max);
	} else {
		c->rto *= 2;
	}
	c->snd_nxt = c->snd_una;                 /* go back and resend from the hole */
	tcp_rexmt_arm(c);
	tcp_output(c);
	if (c->snd_nxt == c->snd_una && !c->blocked) {
		/* nothing could go: the window is closed (it shrank under data in
		 * flight).  That is not loss; the persist timer takes over. */
		c->t_rexmt = TCP_NO_TIMER;
		c->nrexmt--;
		tcp_persist_arm(c);
	}
}

static void persist_fire(struct tcp_conn *c)
{
	c->t_persist = TCP_NO_TIMER;
	if (c->snd_nxt != c->snd_una || c->sq_bytes == 0) {
		c->persisting = 0;                /* no longer needed */
		return;
	}
	if (c->probes_unanswered >= TCP_MAX_RETRIES) {
		STAT_INC(tcp, conn_timedout);  /* nobody answers the probes */
		tcp_send_rst(c);
		tcp_release(c);
		return;
	}
	if (c->snd_wnd == 0) {
		tcp_send_probe(c);
	} else {
		/* a small window held back by sender SWS avoidance: the
		 * override timeout of RFC 9293 3.8.6.2.1 sends what fits */
		uint32_t keep = c->max_sndwnd;
		c->max_sndwnd = 1;
		tcp_output(c);
		c->max_sndwnd = keep;
		if (c->snd_nxt != c->snd_una) {
			c->persisting = 0;
			return;
		}
	}
	if (c->persist_shift < 16)
		c->persist_shift++;
	tcp_persist_arm(c);
}

static void idle_fire(struct tcp_conn *c)
{
	STAT_INC(tcp, conn_idle);
	c->last_data = tcp_now;                  /* the close gets its own idle period */
	if (c->sq_bytes == 0 && (c->state == TCPS_ESTABLISHED || c->state == TCPS_CLOSE_WAIT)) {
		if (!c->detached)
			c->ev |= TCP_EV_CLOSED;
		tcp_set_state(c, c->state == TCPS_ESTABLISHED ? TCPS_FIN_WAIT_1 : TCPS_LAST_ACK);
		c->push = 1;
		tcp_output(c);
		return;
	}
	STAT_INC(tcp, conn_timedout);
	tcp_send_rst(c);
	tcp_release(c);
}

void tcp_timer(uint64_t now)
{
	if (now < tcp_due_hint)
		return;                          /* nothing can be due yet */
	tcp_enter(now);
	tcp_due_hint = TCP_NO_TIMER;             /* rebuilt by this walk */
	for (struct tcp_conn *c = tcp_active; c; c = c->anext) {
		if (tcp_conn_deadline(c) > now) {
			tcp_due(c);
			continue;
		}
		if (c->t_2msl <= now) {
			tcp_release(c);
			continue;
		}
		if (c->t_rack <= now) {
			tcp_sack_head_check(c);     /* clears or re-arms it */
			if (!c->dead)
				tcp_output(c);
		}
		if (!c->dead && c->t_rexmt <= now)
			rexmt_fire(c);
		if (!c->dead && c->t_persist <= now)
			persist_fire(c);
		if (!c->dead && c->t_delack <= now) {
			c->t_delack = TCP_NO_TIMER;
			c->ack_now = 1;
			STAT_INC(tcp, delack_out);
			tcp_output(c);
		}
		if (!c->dead && idle_applies(c) && c->last_data + c->idle_ms <= now)
			idle_fire(c);
		tcp_deliver(c);
		tcp_due(c);
	}
	tcp_leave();
}

void tcp_output_pending(uint64_t now)
{
	if (!tcp_any_blocked)
		return;
	tcp_any_blocked = 0;                     /* set again by whoever stays blocked */
	tcp_enter(now);
	for (struct tcp_conn *c = tcp_active; c; c = c->anext) {
		if (c->dead || !c->blocked)
			continue;
		c->blocked = 0;
		tcp_output(c);
		tcp_deliver(c);
	}
	tcp_leave();
}

uint64_t tcp_next_deadline(uint64_t now)
{
	(void)now;
	return tcp_due_hint;     /* may be early (a timer since stopped): never late */
}

/* Exact next deadline (a walk), for tests that check timer values. */
uint64_t tcp_test_next_deadline(void)
{
	uint64_t d = TCP_NO_TIMER;
	for (const struct tcp_conn *c = tcp_active; c; c = c->anext)
		d = min64(d, tcp_conn_deadline(c));
	return d;
}
