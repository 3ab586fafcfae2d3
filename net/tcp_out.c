/*
 * net/tcp_out.c - building segments and deciding what to send.
 *
 * tcp_output() is a calculation followed by a list of reasons to send,
 * in the manner of BSD:
 *
 *     usable = min(snd_wnd, cwnd) - (snd_nxt - snd_una)
 *
 * and a segment goes if it is full-sized, or it is the tail and Nagle
 * allows it (nothing unacknowledged, or tcp_flush/close pushed it), or it
 * is at least half the largest window the peer ever offered (sender SWS
 * avoidance, RFC 9293 3.8.6.2.1), or it is a retransmission.  Payload is
 * copied from the send queue's chunks at build time, so chunks queued by
 * reference are re-read, never copied per connection.
 *
 * A full TX ring (NET_AGAIN from ip_output) stops output without moving
 * snd_nxt; tcp_output_pending() tries again.
 */
#include "tcp_internal.h"
#include "ip.h"
#include "sys.h"

static inline uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* Copy len queued bytes starting `off` bytes after snd_una into dst. */
static void sq_copy(const struct tcp_conn *c, uint32_t off, uint8_t *dst, uint32_t len)
{
	unsigned i = c->sq_head;
	off += c->sq_off;
	for (unsigned n = 0; n < c->sq_count && len; n++, i = (i + 1) % TCP_SND_CHUNKS) {
		const struct tcp_chunk *k = &c->sq[i];
		if (off >= k->len) {
			off -= k->len;
			continue;
		}
		uint32_t take = min32(k->len - off, len);
		memcpy(dst, k->data + off, take);
		dst += take;
		len -= take;
		off = 0;
	}
}

/* The right edge the free buffer space would let us offer: rcv_nxt plus
 * the room left, capped by what the window field can say. */
uint32_t tcp_rcv_edge(const struct tcp_conn *c)
{
	uint32_t room = TCP_RCV_BUF - c->rb_len;
	uint32_t max = 65535u << c->rcv_wscale;
	return c->rcv_nxt + (room > max ? max : room);
}

/* The window to advertise, moving rcv_adv right only by worthwhile steps
 * (receiver SWS avoidance) and never left (RFC 9293 3.8.6.2.2). */
uint32_t tcp_rcv_window(struct tcp_conn *c)
{
	uint32_t edge = tcp_rcv_edge(c);
	uint32_t thresh = min32(TCP_RCV_BUF / 2, c->snd_mss);
	if (SEQ_GT(edge, c->rcv_adv) && edge - c->rcv_adv >= thresh)
		c->rcv_adv = edge;
	if (SEQ_LT(c->rcv_adv, c->rcv_nxt))   /* cannot happen: data is trimmed to it */
		c->rcv_adv = c->rcv_nxt;
	return c->rcv_adv - c->rcv_nxt;
}

/* Build one segment and hand it to IP.  0 sent (or lost below us), -1 not
 * sent (no pbuf, or TX ring full: then c->blocked is set for a retry). */
static int send_seg(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport,
		    uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
		    const uint8_t *opt, unsigned optlen,
		    struct tcp_conn *c, uint32_t off, uint32_t len)
{
	struct pbuf *p = pbuf_alloc(NET_HEADROOM);
	if (!p) {
		/* the pool is empty for now: retry from tcp_output_pending,
		 * as for a full ring */
		STAT_INC(tcp, out_nomem);
		if (c) {
			c->blocked = 1;
			tcp_any_blocked = 1;
		}
		return -1;
	}
	unsigned hlen = TCP_HLEN_MIN + optlen;
	uint8_t *h = pbuf_put(p, hlen + len);
	if (!h) {                    /* cannot happen: MSS is capped to the MTU */
		pbuf_free(p);
		STAT_INC(tcp, out_nomem);
		return -1;
	}
	struct tcp_hdr *th = (struct tcp_hdr *)h;
	th->sport = htons(lport);
	th->dport = htons(rport);
	th->seq = htonl(seq);
	th->ack = htonl(ack);
	th->off_rsvd = (uint8_t)((hlen / 4) << 4);
	th->flags = flags;
	th->wnd = htons(wnd);
	th->csum = 0;
	th->urp = 0;
	if (optlen)
		memcpy(h + TCP_HLEN_MIN, opt, optlen);
	if (len)
		sq_copy(c, off, h + hlen, len);
	uint32_t sum = csum_pseudo(htonl(lip), htonl(rip), IP_PROTO_TCP, (uint16_t)(hlen + len));
	th->csum = csum_fold(csum_partial(h, hlen + len, sum));

	enum net_result r = ip_output(p, lip, rip, IP_PROTO_TCP, tcp_now);
	if (r == NET_AGAIN) {
		pbuf_free(p);        /* rebuilt from the queue on retry */
		STAT_INC(tcp, out_again);
		if (c) {
			c->blocked = 1;
			tcp_any_blocked = 1;
		}
		return -1;
	}
	STAT_INC(tcp, seg_out);
	STAT_ADD(tcp, bytes_out, len);
	if (flags & TCP_RST)
		STAT_INC(tcp, rst_out);
	return 0;
}

/* A segment of connection c; every one but a bare RST carries ACK and our
 * current window, so it also settles any pending acknowledgement. */
static int emit(struct tcp_conn *c, uint32_t seq, uint8_t flags, uint32_t off, uint32_t len)
{
	uint8_t opt[40];             /* the most a TCP header holds */
	unsigned optlen = 0;
	uint32_t wnd = tcp_rcv_window(c);
	if (flags & TCP_SYN) {
		/* MSS, [NOP NOP SACK_PERM], [NOP WSCALE]: 12 bytes at most,
		 * each option 4-aligned as the usual stacks lay them out */
		put_be16(opt, (uint16_t)(TCP_OPT_MSS << 8 | 4));
		put_be16(opt + 2, TCP_OUR_MSS);
		optlen = 4;
		if (c->sack_ok) {    /* RFC 2018 2: only if the peer's SYN offered it */
			opt[optlen++] = TCP_OPT_NOP;
			opt[optlen++] = TCP_OPT_NOP;
			opt[optlen++] = TCP_OPT_SACK_PERM;
			opt[optlen++] = 2;
		}
		if (c->ws_ok) {      /* RFC 7323: only if the peer's SYN carried it */
			opt[optlen++] = TCP_OPT_NOP;
			opt[optlen++] = TCP_OPT_WSCALE;
			opt[optlen++] = 3;
			opt[optlen++] = c->rcv_wscale;
		}
		if (wnd > 65535)     /* the window in a SYN is never scaled */
			wnd = 65535;
	} else {
		wnd >>= c->rcv_wscale;
		if (wnd > 65535)
			wnd = 65535;
		/* SACK blocks while we hold data out of order.  Options
		 * count against the peer's MSS (RFC 6691), so with payload
		 * fewer blocks go, or none */
		if ((flags & TCP_ACK) && len < c->snd_mss) {
			uint32_t room = c->snd_mss - len;
			optlen = tcp_sack_opt(c, opt, room < sizeof(opt) ? room : sizeof(opt));
		}
	}
	if (send_seg(c->lip, c->lport, c->rip, c->rport, seq, c->rcv_nxt, flags,
		     (uint16_t)wnd, opt, optlen, c, off, len) < 0)
		return -1;
	if (len && seq == c->snd_una)
		c->head_sent_at = tcp_now;   /* (tcp_sack_head_check) */
	if (flags & TCP_ACK) {
		c->ack_now = 0;
		c->rcv_unacked = 0;
		c->t_delack = TCP_NO_TIMER;
	}
	return 0;
}

void tcp_send_synack(struct tcp_conn *c)
{
	if (emit(c, c->iss, TCP_SYN | TCP_ACK, 0, 0) < 0)
		return;
	c->snd_nxt = c->iss + 1;
	c->snd_max = c->iss + 1;
	if (c->t_rexmt == TCP_NO_TIMER)
		tcp_rexmt_arm(c);
	tcp_due(c);
}

void tcp_send_ack(struct tcp_conn *c)
{
	c->ack_now = 1;              /* stays set if the ring is full */
	if (emit(c, c->snd_nxt, TCP_ACK, 0, 0) == 0)
		STAT_INC(tcp, ack_out);
}

/* RFC 5961 section 7: challenge ACKs are rate limited stack-wide, so an
 * attacker cannot use us to flood, nor learn from their timing. */
void tcp_send_challenge_ack(struct tcp_conn *c)
{
	static uint64_t second;
	static unsigned count;
	if (tcp_now / 1000 != second) {
		second = tcp_now / 1000;
		count = 0;
	}
	if (count >= TCP_CHALLENGE_ACK_PER_S) {
		STAT_INC(tcp, challenge_ack_limited);
		return;
	}
	count++;
	STAT_INC(tcp, challenge_ack);
	if (emit(c, c->snd_nxt, TCP_ACK, 0, 0) < 0)
		c->ack_now = 0;      /* not worth a retry */
}

/* RST for an aborted synchronized connection: sequence at snd_max, which
 * is where the peer's rcv_nxt is if it got all we sent. */
void tcp_send_rst(struct tcp_conn *c)
{
	send_seg(c->lip, c->lport, c->rip, c->rport, c->snd_max, c->rcv_nxt,
		 TCP_RST | TCP_ACK, 0, NULL, 0, NULL, 0, 0);
}

/* RFC 9293 3.10.7.1: a segment for no connection (not itself an RST). */
void tcp_respond_rst(uint32_t lip, uint32_t rip, const struct tcp_seg *s)
{
	if (s->flags & TCP_RST)
		return;
	if (s->flags & TCP_ACK)
		send_seg(lip, s->dport, rip, s->sport, s->ack, 0, TCP_RST, 0, NULL, 0, NULL, 0, 0);
	else
		send_seg(lip, s->dport, rip, s->sport, 0, s->seq + tcp_seg_len(s),
			 TCP_RST | TCP_ACK, 0, NULL, 0, NULL, 0, 0);
}

/* Fast retransmit / NewReno partial ACK: resend the first unacknowledged
 * segment (with FIN if it was the last) without rewinding snd_nxt. */
int tcp_retransmit_head(struct tcp_conn *c)
{
	uint32_t out = c->snd_max - c->snd_una;
	uint32_t len = min32(min32(c->snd_mss, c->sq_bytes), out);
	uint8_t flags = TCP_ACK;
	if (TCPS_FIN_PENDING(c->state) && len == c->sq_bytes && out > c->sq_bytes)
		flags |= TCP_FIN;
	if (len == 0 && !(flags & TCP_FIN))
		return -1;
	c->rtt_timing = 0;           /* Karn: no sample from a retransmission */
	if (emit(c, c->snd_una, flags, 0, len) < 0)
		return -1;
	STAT_ADD(tcp, rexmt_bytes, len);
	return 0;
}

/* SACK recovery: resend queued data [seq, seq + len), seq >= snd_una and
 * below snd_max, without touching snd_nxt.  0 sent, -1 not. */
int tcp_send_data(struct tcp_conn *c, uint32_t seq, uint32_t len)
{
	uint32_t off = seq - c->snd_una;
	if (off >= c->sq_bytes)
		return -1;
	len = min32(len, c->sq_bytes - off);
	if (emit(c, seq, TCP_ACK, off, len) < 0)
		return -1;
	STAT_ADD(tcp, rexmt_bytes, len);
	c->last_data = tcp_now;
	return 0;
}

/* Tail loss probe with nothing new to send: the last segment again. */
void tcp_retransmit_tail(struct tcp_conn *c)
{
	uint32_t out = c->snd_max - c->snd_una;
	uint8_t flags = TCP_ACK;
	uint32_t data = out;
	if (TCPS_FIN_PENDING(c->state) && out > c->sq_bytes) {
		flags |= TCP_FIN;            /* the FIN is the last thing out */
		data = c->sq_bytes;
	}
	uint32_t len = min32(data, c->snd_mss);
	if (len == 0 && !(flags & TCP_FIN))
		return;
	c->rtt_timing = 0;
	if (emit(c, c->snd_una + data - len, flags, data - len, len) == 0)
		STAT_ADD(tcp, rexmt_bytes, len);
}

/* Zero-window probe: the first unacknowledged byte, alone, out of band
 * (snd_nxt does not move; snd_max covers it so its ACK is acceptable).
 * One byte, not zero: Linux ignores zero-length probes. */
void tcp_send_probe(struct tcp_conn *c)
{
	if (c->sq_bytes == 0)
		return;
	if (emit(c, c->snd_una, TCP_ACK, 0, 1) < 0)
		return;
	STAT_INC(tcp, zwp_sent);
	c->probes_unanswered++;
	if (SEQ_LT(c->snd_max, c->snd_una + 1))
		c->snd_max = c->snd_una + 1;
}

static void output_segments(struct tcp_conn *c);

/* Send what is due, then fold the TCB's (possibly earlier) deadlines into
 * the stack-wide hint: every path that arms a timer ends here. */
void tcp_output(struct tcp_conn *c)
{
	output_segments(c);
	if (!c->dead)
		tcp_due(c);
}

static void output_segments(struct tcp_conn *c)
{
	if (c->dead || c->state < TCPS_SYN_RECEIVED || c->state == TCPS_TIME_WAIT) {
		if (!c->dead && c->state == TCPS_TIME_WAIT && c->ack_now)
			tcp_send_ack(c);
		return;
	}
	if (c->state == TCPS_SYN_RECEIVED) {
		if (c->ack_now || c->snd_nxt == c->iss)
			tcp_send_synack(c);
		return;
	}
	int sent = 0;
	uint32_t avail = 0;
	if (c->sack_rec)
		tcp_sack_rexmt(c);           /* lost holes before new data */
	for (;;) {
		uint32_t gap = UINT32_MAX;   /* bytes before the next SACKed range */
		if (c->n_sacked && SEQ_LT(c->snd_nxt, c->snd_max))
			gap = tcp_sack_skip(c, &c->snd_nxt, c->snd_una + c->sq_bytes);
		uint32_t flight = c->snd_nxt - c->snd_una;
		uint32_t off = flight;
		avail = c->sq_bytes > off ? c->sq_bytes - off : 0;
		/* in SACK recovery cwnd limits pipe, not snd_nxt - snd_una */
		uint32_t inflight = c->sack_rec ? tcp_sack_pipe(c) : flight;
		/* RFC 3042 limited transmit: a new segment for each of the
		 * first two duplicate ACKs, so a small window still makes
		 * the three it takes to trigger fast retransmit */
		uint32_t lt = !c->in_recovery && c->dupacks && c->dupacks < 3 ?
			c->dupacks * (uint32_t)c->snd_mss : 0;
		uint32_t cw = c->cwnd + lt;
		uint32_t usable = min32(c->snd_wnd > flight ? c->snd_wnd - flight : 0,
					cw > inflight ? cw - inflight : 0);
		uint32_t len = min32(min32(min32(avail, usable), c->snd_mss), gap);
		/* FIN goes with (or after) the last data byte, once */
		int fin = TCPS_FIN_PENDING(c->state) && off <= c->sq_bytes && off + len == c->sq_bytes;
		int rexmt = SEQ_LT(c->snd_nxt, c->snd_max);
		int go = 0;

		if (len == c->snd_mss)
			go = 1;
		else if (len && len == avail && (flight == 0 || c->push || fin))
			go = 1;              /* Nagle: the tail, when nothing is unacked or pushed */
		else if (len && c->max_sndwnd && len >= c->max_sndwnd / 2)
			go = 1;              /* sender SWS: half the largest window ever offered */
		else if (len && rexmt)
			go = 1;
		else if (!len && fin)
			go = 1;
		if (!go)
			break;

		uint8_t flags = TCP_ACK;
		if (fin)
			flags |= TCP_FIN;
		if (len && len == avail)
			flags |= TCP_PSH;
		if (emit(c, c->snd_nxt, flags, off, len) < 0)
			break;
		sent = 1;
		/* bytes below snd_max went before (after an RTO, or a probe
		 * byte); only new bytes may be timed (Karn) */
		uint32_t again = rexmt ? min32(len, c->snd_max - c->snd_nxt) : 0;
		if (lt && flight + len > c->cwnd)
			STAT_INC(tcp, limited_transmit);
		STAT_ADD(tcp, rexmt_bytes, again);
		if (len > again && !c->rtt_timing) {
			c->rtt_timing = 1;
			c->rtt_seq = c->snd_nxt + again;
			c->rtt_start = tcp_now;
		}
		if (len)
			c->last_data = tcp_now;
		c->snd_nxt += len + (fin ? 1 : 0);
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (c->t_rexmt == TCP_NO_TIMER)
			tcp_rexmt_arm(c);
		c->t_persist = TCP_NO_TIMER;
		c->persisting = 0;
		if (fin)
			break;
	}
	if (avail == 0)
		c->push = 0;
	if (!sent && c->ack_now && !c->blocked)
		tcp_send_ack(c);
	/* Data waits, nothing is in flight, and the window does not let it go:
	 * only the persist timer will find out when the window opens. */
	if (c->snd_nxt == c->snd_una && c->sq_bytes > 0 && !c->blocked &&
	    c->t_rexmt == TCP_NO_TIMER && c->t_persist == TCP_NO_TIMER)
		tcp_persist_arm(c);
}
