/*
 * net/tcp_in.c - segment arrival, following RFC 9293 section 3.10.7 in its
 * own order: parse and validate, find the TCB (or a listener), then for a
 * synchronized TCB: 1 sequence check, 2 RST, 4 SYN, 5 ACK, 7 text, 8 FIN.
 * Blind RST/SYN/ACK injection is defended per RFC 5961.
 *
 * Received data goes straight into the connection's receive ring, in order
 * or not: an out-of-order segment is written at its place beyond the
 * in-order bytes and remembered as a [start, end) range, so no pbuf is held
 * and duplicates and overlaps merge by themselves.
 */
#include "tcp_internal.h"
#include "ip.h"
#include "sys.h"

static inline uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* Options (RFC 9293 3.1, 3.2): unknown kinds are skipped by their length;
 * a length that is < 2 or runs past the header is malformed (-1), as is a
 * known option with the wrong length. */
int tcp_parse_options(const uint8_t *opt, unsigned n, struct tcp_seg *s)
{
	unsigned i = 0;
	while (i < n) {
		uint8_t kind = opt[i];
		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n)
			return -1;
		unsigned len = opt[i + 1];
		if (len < 2 || i + len > n)
			return -1;
		switch (kind) {
		case TCP_OPT_MSS:
			if (len != 4)
				return -1;
			s->mss = get_be16(opt + i + 2);
			break;
		case TCP_OPT_WSCALE:
			if (len != 3)
				return -1;
			s->wscale = (int8_t)(opt[i + 2] > 14 ? 14 : opt[i + 2]); /* RFC 7323 2.3 */
			break;
		case TCP_OPT_SACK_PERM:
			if (len != 2)
				return -1;
			s->sack_perm = 1;
			break;
		case TCP_OPT_SACK:       /* RFC 2018 3: 1 to 4 blocks of two edges */
			if (len < 10 || len > 34 || (len - 2) % 8)
				return -1;
			s->nsack = (uint8_t)((len - 2) / 8);
			for (unsigned b = 0; b < s->nsack; b++) {
				s->sack[b][0] = get_be32(opt + i + 2 + 8 * b);
				s->sack[b][1] = get_be32(opt + i + 6 + 8 * b);
			}
			break;
		case TCP_OPT_TS:
			if (len != 10)
				return -1;
			break;
		default:
			break;
		}
		i += len;
	}
	return 0;
}

/* Copy len bytes into the receive ring, `rel` bytes past rcv_nxt. */
static void ring_write(struct tcp_conn *c, uint32_t rel, const uint8_t *data, uint32_t len)
{
	uint32_t pos = (c->rb_head + c->rb_len + rel) % TCP_RCV_BUF;
	uint32_t first = min32(TCP_RCV_BUF - pos, len);
	memcpy(c->rbuf + pos, data, first);
	memcpy(c->rbuf, data + first, len - first);
}

/* Remember [start, end) as held out of order, merging with neighbours.
 * -1 when it would need a new range beyond TCP_OOO_MAX. */
static int ooo_insert(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	unsigned i = 0;
	while (i < c->n_ooo && SEQ_LT(c->ooo[i].end, start))
		i++;
	/* ranges from i on end at or after start: merge all that touch */
	unsigned j = i;
	while (j < c->n_ooo && SEQ_LEQ(c->ooo[j].start, end)) {
		if (SEQ_LT(c->ooo[j].start, start))
			start = c->ooo[j].start;
		if (SEQ_GT(c->ooo[j].end, end))
			end = c->ooo[j].end;
		j++;
	}
	if (j == i) {                /* touches nothing: a new range at i */
		if (c->n_ooo == TCP_OOO_MAX)
			return -1;
		memmove(&c->ooo[i + 1], &c->ooo[i], (c->n_ooo - i) * sizeof(c->ooo[0]));
		c->n_ooo++;
	} else if (j > i + 1) {      /* ranges i..j-1 collapse into i */
		memmove(&c->ooo[i + 1], &c->ooo[j], (c->n_ooo - j) * sizeof(c->ooo[0]));
		c->n_ooo -= j - i - 1;
	}
	c->ooo[i].start = start;
	c->ooo[i].end = end;
	return 0;
}

/* Step eight: the peer's FIN, now in order. */
static void rcv_fin(struct tcp_conn *c)
{
	c->rcv_nxt++;
	c->rcv_ooo_fin = 0;
	c->ack_now = 1;
	c->ev |= TCP_EV_READ;
	switch (c->state) {
	case TCPS_ESTABLISHED:
		tcp_set_state(c, TCPS_CLOSE_WAIT);
		break;
	case TCPS_FIN_WAIT_1:        /* our FIN not acked yet: simultaneous close */
		tcp_set_state(c, TCPS_CLOSING);
		break;
	case TCPS_FIN_WAIT_2:
		tcp_timewait_start(c);
		break;
	default:
		break;
	}
}

/* Step seven: text in the window (already trimmed to it). */
static void rcv_data(struct tcp_conn *c, uint32_t seq, const uint8_t *data, uint32_t len, int fin)
{
	if (len && seq == c->rcv_nxt) {
		ring_write(c, 0, data, len);
		c->rb_len += len;
		c->rcv_nxt += len;
		c->rcv_unacked += len;
		STAT_ADD(tcp, bytes_in, len);
		int filled = 0;
		while (c->n_ooo && SEQ_LEQ(c->ooo[0].start, c->rcv_nxt)) {
			if (SEQ_GT(c->ooo[0].end, c->rcv_nxt)) {
				uint32_t more = c->ooo[0].end - c->rcv_nxt;
				c->rb_len += more;
				c->rcv_nxt += more;
				STAT_ADD(tcp, bytes_in, more);
			}
			memmove(&c->ooo[0], &c->ooo[1], (c->n_ooo - 1) * sizeof(c->ooo[0]));
			c->n_ooo--;
			filled = 1;
		}
		c->ev |= TCP_EV_READ;
		c->last_data = tcp_now;
		/* RFC 5681 4.2: ACK at least every second full segment, at once
		 * when a gap was filled, else within TCP_DELACK_MS */
		if (filled || c->rcv_unacked >= 2u * c->snd_mss)
			c->ack_now = 1;
		else if (c->t_delack == TCP_NO_TIMER)
			c->t_delack = tcp_now + TCP_DELACK_MS;
	} else if (len) {
		/* out of order: keep it in the ring at its place, ACK at once so
		 * the peer sees the duplicate ACK (RFC 5681 4.2) */
		STAT_INC(tcp, ooo_in);
		c->ack_now = 1;
		c->rcv_sack_last = seq;          /* our first SACK block names it */
		if (ooo_insert(c, seq, seq + len) < 0)
			STAT_INC(tcp, drop_ooo_full);
		else
			ring_write(c, seq - c->rcv_nxt, data, len);
	}
	if (fin) {
		if (seq + len == c->rcv_nxt) {
			rcv_fin(c);
		} else {
			c->rcv_ooo_fin = 1;
			c->rcv_ooo_fin_seq = seq + len;
			c->ack_now = 1;
		}
	} else if (c->rcv_ooo_fin && c->rcv_ooo_fin_seq == c->rcv_nxt) {
		rcv_fin(c);
	}
}

/* New data acknowledged: queue, RTT, congestion window, timers, FIN. */
static void ack_advance(struct tcp_conn *c, uint32_t ack)
{
	uint32_t acked = ack - c->snd_una;
	int fin_acked = 0;
	uint32_t data = acked;
	if (data > c->sq_bytes) {    /* beyond the data: our FIN (it was sent: ack <= snd_max) */
		data = c->sq_bytes;
		fin_acked = 1;
	}
	if (c->rtt_timing && SEQ_GT(ack, c->rtt_seq)) {
		c->rtt_timing = 0;
		tcp_rtt_sample(c, (uint32_t)(tcp_now - c->rtt_start));
	}
	tcp_sq_ack(c, data);
	c->snd_una = ack;
	c->head_sent_at = tcp_now;   /* not known: the latest it can be */
	c->tlp_done = 0;
	c->last_ack_jump = acked;
	if (SEQ_LT(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	if (c->nrexmt && c->rtt_valid) {
		/* The path delivers again: end the exponential backoff now,
		 * as lwIP does, instead of waiting for a Karn-clean sample
		 * (RFC 6298 5.7 keeps it until one).  Under heavy loss such a
		 * sample can take many round trips, and every further loss
		 * meanwhile costs a doubled-again RTO: 2 MiB at 15% loss took
		 * three times as long with the strict rule. */
		c->rto = c->srtt + (4 * c->rttvar > 1 ? 4 * c->rttvar : 1);
		if (c->rto < TCP_RTO_MIN_MS)
			c->rto = TCP_RTO_MIN_MS;
	}
	c->nrexmt = 0;
	if (data) {
		c->last_data = tcp_now;
		c->ev |= TCP_EV_WRITE;
	}

	/* congestion control */
	if (c->in_recovery) {
		if (SEQ_GEQ(ack, c->recover)) {          /* full ACK: leave recovery */
			uint32_t flight = c->snd_max - c->snd_una;
			/* NewReno deflates to FlightSize + 1 (RFC 6582 3.2 5);
			 * SACK recovery never inflated cwnd, and the full ACK
			 * often acks everything: FlightSize + 1 would be one
			 * segment, which a delayed-ACK peer holds for 40 ms
			 * (5% loss on tap: 2 MiB took twice as long).  RFC 6675
			 * leaves cwnd at ssthresh, as Linux does. */
			c->cwnd = c->sack_rec ? c->ssthresh : min32(c->ssthresh, flight + c->snd_mss);
			c->in_recovery = 0;
			c->sack_rec = 0;
			c->dupacks = 0;
		} else if (c->sack_rec) {
			/* RFC 6675: no deflation; pipe decides what the output
			 * sends next, once the scoreboard has this ACK's blocks */
			if (SEQ_LT(c->sack_rxt, c->snd_una))
				c->sack_rxt = c->snd_una;
			else                     /* when the new head went is not known */
				c->sack_mark = c->snd_max;
			tcp_rexmt_arm(c);
		} else {                                 /* partial ACK (RFC 6582 3.2 5) */
			STAT_INC(tcp, rexmt_partial);
			tcp_retransmit_head(c);
			c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
			if (acked >= c->snd_mss || c->cwnd < c->snd_mss)
				c->cwnd += c->snd_mss;   /* (never below one segment) */
			tcp_rexmt_arm(c);
		}
	} else {
		c->dupacks = 0;
		if (c->cwnd < c->ssthresh) {             /* slow start */
			c->cwnd += min32(acked, c->snd_mss);
		} else {                                 /* congestion avoidance: ~1 MSS per RTT */
			uint32_t inc = c->snd_mss * c->snd_mss / c->cwnd;
			c->cwnd += inc ? inc : 1;
		}
	}

	/* RFC 6298 5.2/5.3: stop the timer when all is acked, else restart */
	if (c->snd_nxt == c->snd_una)
		c->t_rexmt = TCP_NO_TIMER;
	else if (!c->in_recovery)
		tcp_rexmt_arm(c);

	if (fin_acked) {
		switch (c->state) {
		case TCPS_FIN_WAIT_1:
			tcp_set_state(c, TCPS_FIN_WAIT_2);
			break;
		case TCPS_CLOSING:
			tcp_timewait_start(c);
			break;
		case TCPS_LAST_ACK:
			STAT_INC(tcp, conn_closed);
			tcp_release(c);
			break;
		default:
			break;
		}
	}
}

/* RFC 5681 2: a duplicate ACK, counted towards fast retransmit. */
static void dupack(struct tcp_conn *c, uint32_t ack)
{
	STAT_INC(tcp, dupack_in);
	c->dupacks++;
	/* RFC 5827 early retransmit: with fewer than four segments out and
	 * nothing new to send, fewer duplicates are all there will ever be */
	unsigned thresh = 3;
	uint32_t out = c->snd_max - c->snd_una;
	unsigned oseg = (out + c->snd_mss - 1) / c->snd_mss;
	uint32_t flight = c->snd_nxt - c->snd_una;
	uint32_t unsent = c->sq_bytes > flight ? c->sq_bytes - flight : 0;
	if (oseg < 4 && (unsent == 0 || c->snd_wnd <= flight))
		thresh = oseg > 1 ? oseg - 1 : 1;
	if (c->in_recovery) {
		if (!c->sack_rec)                       /* (SACK counts pipe instead) */
			c->cwnd += c->snd_mss;          /* inflate: one more left the network */
	} else if (c->sack_ok && c->snd_nxt == c->snd_max && SEQ_GEQ(ack, c->recover) &&
		   (c->dupacks >= thresh || tcp_sack_lost(c, c->snd_una))) {
		/* RFC 6675 5: DupThresh duplicates, or the scoreboard already
		 * shows snd_una lost (ACKs get lost too).  Not during
		 * go-back-N after a timeout: NewReno's rules below cover that */
		if (thresh < 3 && c->dupacks >= thresh)
			STAT_INC(tcp, rexmt_early);
		tcp_sack_enter_recovery(c);
	} else if (c->dupacks >= thresh &&
		   (SEQ_GEQ(ack, c->recover) ||
		    (c->cwnd > c->snd_mss && c->last_ack_jump <= 4u * c->snd_mss))) {
		/* below `recover` (after a timeout) only by RFC 6582's ACK
		 * heuristic: small cumulative steps mean these duplicates
		 * come from new losses, not from our own go-back-N resends */
		if (thresh < 3)
			STAT_INC(tcp, rexmt_early);
		c->ssthresh = out / 2 > 2u * c->snd_mss ? out / 2 : 2u * c->snd_mss;
		c->recover = c->snd_max;
		c->in_recovery = 1;
		STAT_INC(tcp, rexmt_fast);
		tcp_retransmit_head(c);
		c->cwnd = c->ssthresh + c->dupacks * (uint32_t)c->snd_mss;
		tcp_rexmt_arm(c);                       /* a real RTO now, not a probe */
	}
}

/* The segment is for no TCB: a listener's SYN starts a connection;
 * anything else is answered with RST (RFC 9293 3.10.7.1/3.10.7.2). */
static void input_listen(uint32_t lip, uint32_t rip, const struct tcp_seg *s,
			 int tw_reuse, uint32_t tw_snd_max)
{
	if (s->flags & TCP_RST) {
		STAT_INC(tcp, drop_closed);
		return;
	}
	struct tcp_listener *l = tcp_find_listener(s->dport);
	if (!l || !(s->flags & TCP_SYN) || (s->flags & TCP_ACK)) {
		if (!l)
			STAT_INC(tcp, drop_no_listener);
		else
			STAT_INC(tcp, drop_closed);
		if (!l || (s->flags & TCP_ACK))
			tcp_respond_rst(lip, rip, s);
		return;
	}
	if (l->n_half >= TCP_BACKLOG) {
		/* A full backlog is what a SYN flood looks like: make room by
		 * dropping the oldest half-open connection (the likeliest to
		 * be a spoofed SYN that will never complete), so a real
		 * client, whose ACK comes back within a round trip, still gets
		 * in.  Its own SYN would otherwise wait behind a minute of
		 * SYN-ACK retries to nowhere. */
		struct tcp_conn *old = l->half_head;
		STAT_INC(tcp, drop_backlog_full);
		old->detached = 1;
		tcp_release(old);
		tcp_free_now(old);
	}
	struct tcp_conn *c = tcp_conn_new(lip, s->dport, rip, s->sport);
	if (!c && tcp_recycle_timewait())
		c = tcp_conn_new(lip, s->dport, rip, s->sport);
	if (!c) {
		STAT_INC(tcp, drop_table_full);
		STAT_INC(tcp, conn_refused);
		return;
	}
	tcp_half_add(c, l);
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->iss = tcp_new_iss(lip, s->dport, rip, s->sport);
	if (tw_reuse && SEQ_LEQ(c->iss, tw_snd_max))   /* RFC 6191 spirit: above the old one */
		c->iss = tw_snd_max + 65536;
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->recover = c->iss;
	c->snd_wnd = s->wnd;             /* never scaled in a SYN */
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = c->iss;
	uint32_t mss = s->mss ? s->mss : TCP_MSS_DEFAULT;
	if (mss > TCP_OUR_MSS)
		mss = TCP_OUR_MSS;
	if (mss < TCP_MSS_FLOOR)
		mss = TCP_MSS_FLOOR;
	c->snd_mss = (uint16_t)mss;
	if (s->sack_perm) {
		c->sack_ok = 1;              /* RFC 2018 2: our SYN-ACK says so too */
		STAT_INC(tcp, sack_conn);
	}
	if (s->wscale >= 0) {
		c->ws_ok = 1;
		c->snd_wscale = (uint8_t)s->wscale;
		c->rcv_wscale = TCP_RCV_WSCALE;
	}
	/* RFC 6928 */
	c->cwnd = min32(TCP_INIT_CWND_SEGS * mss, mss * 4 > 14600 ? mss * 4 : 14600);
	if (c->cwnd < 2 * mss)
		c->cwnd = 2 * mss;
	tcp_set_state(c, TCPS_SYN_RECEIVED);
	/* data on a SYN is not kept; the peer sends it again */
	tcp_send_synack(c);
}

/* A TCB in SYN_RECEIVED or later. */
static void input_conn(struct tcp_conn *c, struct tcp_seg *s)
{
	uint8_t f = s->flags;
	/* a repeated SYN in SYN_RECEIVED: our SYN-ACK was lost */
	if (c->state == TCPS_SYN_RECEIVED && (f & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN) {
		if (s->seq == c->irs) {
			STAT_INC(tcp, rexmt_synack);
			tcp_send_synack(c);
		} else {
			STAT_INC(tcp, drop_syn_state);
		}
		return;
	}

	/* first: is the sequence number acceptable? (RFC 9293 3.10.7.4) */
	uint32_t rcv_wnd = c->rcv_adv - c->rcv_nxt;
	uint32_t slen = tcp_seg_len(s);
	int ok;
	if (slen == 0)
		ok = rcv_wnd == 0 ? s->seq == c->rcv_nxt :
			SEQ_IN(s->seq, c->rcv_nxt, c->rcv_nxt + rcv_wnd);
	else if (rcv_wnd == 0)
		ok = 0;
	else
		ok = SEQ_IN(s->seq, c->rcv_nxt, c->rcv_nxt + rcv_wnd) ||
		     SEQ_IN(s->seq + slen - 1, c->rcv_nxt, c->rcv_nxt + rcv_wnd);
	if (!ok && rcv_wnd == 0 && s->seq == c->rcv_nxt && !(f & (TCP_SYN | TCP_RST))) {
		/* zero window: still take its ACK (a probe or a FIN, which
		 * needs no room) but none of its data */
		if (s->len)
			STAT_INC(tcp, trim_in);
		s->len = 0;
		c->ack_now = 1;
		ok = 1;
	}
	if (!ok) {
		if (f & TCP_RST) {
			STAT_INC(tcp, drop_rst_bad);
		} else if (f & TCP_SYN) {
			STAT_INC(tcp, drop_syn_state);
			tcp_send_challenge_ack(c);      /* RFC 5961 4.2, any sequence */
		} else {
			STAT_INC(tcp, drop_out_of_window);
			if (c->state == TCPS_TIME_WAIT && (f & TCP_FIN))
				tcp_timewait_start(c);  /* the peer's FIN again: restart 2MSL */
			tcp_send_ack(c);
		}
		return;
	}

	/* second: RST (RFC 5961 3.2: exactly rcv_nxt resets, else challenge) */
	if (f & TCP_RST) {
		if (s->seq != c->rcv_nxt) {
			STAT_INC(tcp, drop_rst_bad);
			tcp_send_challenge_ack(c);
			return;
		}
		STAT_INC(tcp, rst_in);
		if (c->state == TCPS_SYN_RECEIVED) {
			c->detached = 1;        /* never accepted: back to LISTEN */
		} else if (c->state < TCPS_CLOSING || c->state == TCPS_FIN_WAIT_2) {
			c->reset = 1;
			STAT_INC(tcp, conn_reset);
		}
		tcp_release(c);
		return;
	}

	/* fourth: SYN on a synchronized connection (RFC 5961 4.2) */
	if (f & TCP_SYN) {
		STAT_INC(tcp, drop_syn_state);
		tcp_send_challenge_ack(c);
		return;
	}

	/* fifth: ACK */
	if (!(f & TCP_ACK)) {
		STAT_INC(tcp, drop_no_ack);
		return;
	}
	struct tcp_listener *accept_by = NULL;
	if (c->state == TCPS_SYN_RECEIVED) {
		if (!(SEQ_GT(s->ack, c->snd_una) && SEQ_LEQ(s->ack, c->snd_max))) {
			STAT_INC(tcp, drop_bad_ack);
			tcp_respond_rst(c->lip, c->rip, s);
			return;
		}
		accept_by = c->listener;
		tcp_half_remove(c);
		tcp_set_state(c, TCPS_ESTABLISHED);
		STAT_INC(tcp, conn_opened);
		c->snd_wnd = s->wnd << c->snd_wscale;
		c->max_sndwnd = c->snd_wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		c->last_data = tcp_now;
		c->snd_una = c->iss + 1;        /* our SYN is acknowledged */
		c->t_rexmt = TCP_NO_TIMER;
		c->nrexmt = 0;
	}
	if (SEQ_GT(s->ack, c->snd_max)) {
		/* acks something not yet sent: ACK back and drop */
		STAT_INC(tcp, drop_bad_ack);
		tcp_send_ack(c);
		return;
	}
	uint32_t oldest = c->snd_una - (c->max_sndwnd > 1 ? c->max_sndwnd : 1);
	if (SEQ_LT(s->ack, oldest)) {
		/* RFC 5961 5.2: far too old to be real */
		STAT_INC(tcp, drop_bad_ack);
		tcp_send_challenge_ack(c);
		return;
	}
	uint32_t wnd = s->wnd << c->snd_wscale;
	c->probes_unanswered = 0;               /* the peer is alive */
	if (SEQ_GT(s->ack, c->snd_una)) {
		ack_advance(c, s->ack);
		if (c->dead)
			return;
		if (c->sack_ok) {
			tcp_sack_input(c, s);
			tcp_sack_head_check(c);
			/* a cumulative step that leaves a hole the scoreboard
			 * calls lost starts recovery without waiting for
			 * duplicates (RFC 6675 5, IsLost(HighACK + 1)) */
			if (!c->in_recovery && c->n_sacked && c->snd_nxt == c->snd_max &&
			    SEQ_GEQ(c->snd_una, c->recover) && tcp_sack_lost(c, c->snd_una))
				tcp_sack_enter_recovery(c);
		}
	} else if (s->ack == c->snd_una && s->len == 0 && !(f & TCP_FIN) &&
		   wnd == c->snd_wnd && wnd != 0 && !c->persisting &&
		   c->snd_nxt != c->snd_una) {
		/* (answers to window probes are not duplicate ACKs) */
		uint32_t more = c->sack_ok ? tcp_sack_input(c, s) : 0;
		dupack(c, s->ack);
		if (more && !c->dead)
			tcp_sack_head_check(c);
	} else if (c->sack_ok && s->nsack) {
		if (tcp_sack_input(c, s))
			tcp_sack_head_check(c);
	}
	/* window update, from the newest segment only (RFC 9293 3.10.7.4) */
	if (SEQ_LT(c->snd_wl1, s->seq) || (c->snd_wl1 == s->seq && SEQ_LEQ(c->snd_wl2, s->ack))) {
		if (wnd > c->snd_wnd && c->persisting) {
			c->t_persist = TCP_NO_TIMER;   /* the window opened: send at once */
			c->persisting = 0;
			c->persist_shift = 0;
		}
		c->snd_wnd = wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		if (wnd > c->max_sndwnd)
			c->max_sndwnd = wnd;
	}

	/* trim to the window: a partly old segment loses its head, a too-long one its tail */
	if (SEQ_LT(s->seq, c->rcv_nxt)) {
		uint32_t d = c->rcv_nxt - s->seq;
		STAT_INC(tcp, dup_in);
		c->ack_now = 1;                         /* RFC 5681: a duplicate is ACKed at once */
		if (d >= s->len) {
			if (d > s->len)              /* the FIN too was old */
				f &= (uint8_t)~TCP_FIN;
			s->data += s->len;
			s->len = 0;
		} else {
			s->data += d;
			s->len -= d;
		}
		s->seq = c->rcv_nxt;
	}
	if (s->len && SEQ_GT(s->seq + s->len, c->rcv_adv)) {
		STAT_INC(tcp, trim_in);
		s->len = c->rcv_adv - s->seq;
		f &= (uint8_t)~TCP_FIN;
	}

	/* seventh and eighth: text and FIN */
	if (c->state == TCPS_ESTABLISHED || c->state == TCPS_FIN_WAIT_1 ||
	    c->state == TCPS_FIN_WAIT_2) {
		if (s->len || (f & TCP_FIN))
			rcv_data(c, s->seq, s->data, s->len, f & TCP_FIN);
	} else if (c->state == TCPS_TIME_WAIT && (f & TCP_FIN)) {
		c->ack_now = 1;
		tcp_timewait_start(c);
	}

	if (accept_by)
		tcp_accept(c, accept_by);
}

void tcp_input(struct pbuf *p, uint32_t src, uint32_t dst, uint64_t now)
{
	tcp_enter(now);
	STAT_INC(tcp, seg_in);
	struct tcp_seg s;
	const uint8_t *h = pbuf_data(p);
	unsigned hlen;
	if (p->len < TCP_HLEN_MIN) {
		STAT_INC(tcp, drop_short);
		goto out;
	}
	hlen = tcp_hlen((const struct tcp_hdr *)h);
	if (hlen < TCP_HLEN_MIN || hlen > p->len) {
		STAT_INC(tcp, drop_short);
		goto out;
	}
	uint32_t sum = csum_pseudo(htonl(src), htonl(dst), IP_PROTO_TCP, p->len);
	if (csum_fold(csum_partial(h, p->len, sum)) != 0) {
		STAT_INC(tcp, drop_csum);
		goto out;
	}
	const struct tcp_hdr *th = (const struct tcp_hdr *)h;
	memset(&s, 0, sizeof(s));
	s.sport = ntohs(th->sport);
	s.dport = ntohs(th->dport);
	s.seq = ntohl(th->seq);
	s.ack = ntohl(th->ack);
	s.flags = th->flags;
	s.wnd = ntohs(th->wnd);
	s.data = h + hlen;
	s.len = p->len - hlen;
	s.wscale = -1;
	if (tcp_parse_options(h + TCP_HLEN_MIN, hlen - TCP_HLEN_MIN, &s) < 0) {
		STAT_INC(tcp, drop_opts);
		goto out;
	}
	if ((s.flags & TCP_SYN) && (s.flags & (TCP_FIN | TCP_RST))) {
		STAT_INC(tcp, drop_bad_flags);
		goto out;
	}
	if (s.sport == 0 || s.dport == 0) {
		STAT_INC(tcp, drop_bad_flags);
		goto out;
	}

	struct tcp_conn *c = tcp_lookup(dst, s.dport, src, s.sport);
	if (c && c->state == TCPS_TIME_WAIT &&
	    (s.flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN && SEQ_GT(s.seq, c->rcv_nxt)) {
		/* RFC 9293 3.10.7.4 note / RFC 6191: a new incarnation of the
		 * same 4-tuple may reuse a TIME_WAIT TCB when its SYN is above
		 * the old sequence space */
		uint32_t old_max = c->snd_max;
		STAT_INC(tcp, tw_reused);
		tcp_release(c);
		input_listen(dst, src, &s, 1, old_max);
	} else if (c) {
		input_conn(c, &s);
		/* the owner first, so what it writes carries our ACK */
		tcp_deliver(c);
		if (!c->dead)
			tcp_output(c);
	} else {
		input_listen(dst, src, &s, 0, 0);
	}
out:
	pbuf_free(p);
	tcp_leave();
}
