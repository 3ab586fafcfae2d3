/*
 * net/tcp_sack.c - selective acknowledgements (RFC 2018) and the loss
 * recovery built on them (RFC 6675, the conservative algorithm).
 *
 * Used only when both SYNs carried SACK_PERM (c->sack_ok); without it the
 * NewReno code in tcp_in.c recovers alone.
 *
 * As a sender we keep a scoreboard: up to TCP_SACK_MAX ranges the peer
 * reported holding above snd_una, sorted and disjoint.  A hole (un-SACKed
 * bytes below the highest SACKed byte) counts as lost once more than
 * (DupThresh - 1) * MSS bytes, or DupThresh separate ranges, are SACKed
 * above it (IsLost).  In recovery the amount in flight is not
 * snd_max - snd_una but `pipe`: every un-SACKed byte not deemed lost, plus
 * the lost ones we already sent again.  We send while cwnd - pipe leaves a
 * segment: first the lost holes, lowest first, then new data.  So several
 * holes in one window are repaired in one round trip, where NewReno needs
 * one round trip per hole and, with ACKs lost too, often an RTO.
 *
 * Under heavy loss flights are two to four segments, DupThresh is rarely
 * reached and resends get lost too; tcp_sack_head_check() then calls the
 * segment at snd_una lost by time order (RACK's idea, RFC 8985, kept to
 * that one segment so no per-segment timestamps are needed).
 *
 * The scoreboard is cleared on RTO: a receiver may discard what it SACKed
 * (RFC 2018 section 8), so only SACKs that arrive after the timeout may
 * let go-back-N skip bytes.
 *
 * As a receiver we report our out-of-order ranges (tcp_in.c's ooo list),
 * the range holding the latest segment first.
 */
#include "tcp_internal.h"
#include "ip.h"
#include "sys.h"

#define DUPTHRESH 3

static inline uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

void tcp_sack_clear(struct tcp_conn *c)
{
	c->n_sacked = 0;
}

/* Drop what snd_una has passed: ranges below it go, one straddling it is
 * cut (the peer acknowledged part of it cumulatively). */
static void prune(struct tcp_conn *c)
{
	unsigned k = 0;
	for (unsigned i = 0; i < c->n_sacked; i++) {
		struct tcp_ooo r = c->sacked[i];
		if (SEQ_LEQ(r.end, c->snd_una))
			continue;
		if (SEQ_LT(r.start, c->snd_una))
			r.start = c->snd_una;
		c->sacked[k++] = r;
	}
	c->n_sacked = k;
}

/* Merge [start, end) into the sorted, disjoint scoreboard. */
static void board_insert(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	unsigned i = 0;
	while (i < c->n_sacked && SEQ_LT(c->sacked[i].end, start))
		i++;
	unsigned j = i;
	while (j < c->n_sacked && SEQ_LEQ(c->sacked[j].start, end)) {
		if (SEQ_LT(c->sacked[j].start, start))
			start = c->sacked[j].start;
		if (SEQ_GT(c->sacked[j].end, end))
			end = c->sacked[j].end;
		j++;
	}
	if (j == i) {
		if (c->n_sacked == TCP_SACK_MAX) {
			/* no room: forgetting a range only means it may be
			 * resent; keep the lowest ones, which decide the holes
			 * we repair first */
			STAT_INC(tcp, sack_board_full);
			if (i == TCP_SACK_MAX)
				return;
			c->n_sacked--;
		}
		memmove(&c->sacked[i + 1], &c->sacked[i], (c->n_sacked - i) * sizeof(c->sacked[0]));
		c->n_sacked++;
	} else if (j > i + 1) {
		memmove(&c->sacked[i + 1], &c->sacked[j], (c->n_sacked - j) * sizeof(c->sacked[0]));
		c->n_sacked -= j - i - 1;
	}
	c->sacked[i].start = start;
	c->sacked[i].end = end;
}

/* The segment's SACK blocks, once its ACK is processed.  A block must lie
 * within [snd_una, snd_max]: one at or below snd_una is a D-SACK (RFC 2883)
 * or stale, and tells us nothing to act on; anything else outside is bogus
 * (or an attack) and is counted and ignored. */
static uint32_t board_bytes(const struct tcp_conn *c)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < c->n_sacked; i++)
		n += c->sacked[i].end - c->sacked[i].start;
	return n;
}

uint32_t tcp_sack_input(struct tcp_conn *c, const struct tcp_seg *s)
{
	prune(c);
	uint32_t before = board_bytes(c);
	for (unsigned i = 0; i < s->nsack; i++) {
		uint32_t a = s->sack[i][0], b = s->sack[i][1];
		STAT_INC(tcp, sack_blocks_rx);
		if (SEQ_LEQ(b, c->snd_una) && SEQ_LT(a, b)) {
			STAT_INC(tcp, sack_blocks_old);
			continue;
		}
		if (!SEQ_LT(a, b) || SEQ_LT(a, c->snd_una) || SEQ_GT(b, c->snd_max)) {
			STAT_INC(tcp, sack_blocks_bad);
			continue;
		}
		board_insert(c, a, b);
	}
	uint32_t after = board_bytes(c);
	if (after > before)
		c->sack_grew_at = tcp_now;
	return after > before ? after - before : 0;
}

/* RACK's idea (RFC 8985) for the one segment that matters most, the one
 * at snd_una: data sent after it has been delivered (this ACK SACKed or
 * acknowledged something new) while it has not, for longer than an RTT
 * plus a reordering allowance since it last went: it is lost.  Catches a
 * lost retransmission, and a loss when too few segments are out for
 * DupThresh, which otherwise both cost an RTO (doubled, cwnd back to one
 * segment): under 25% loss each way that was most of the time spent. */
void tcp_sack_head_check(struct tcp_conn *c)
{
	c->t_rack = TCP_NO_TIMER;
	if (!c->sack_ok || !c->rtt_valid || !c->n_sacked || c->snd_una == c->snd_max ||
	    !SEQ_GT(c->snd_nxt, c->snd_una) || c->state < TCPS_ESTABLISHED)
		return;
	if (c->sacked[0].start == c->snd_una || c->sack_grew_at <= c->head_sent_at)
		return;                              /* nothing delivered since it went */
	uint32_t reo = c->srtt / 4 + 2;
	if (tcp_now < c->head_sent_at + c->srtt + reo) {
		/* too soon to tell from reordering: decide then, as no later
		 * ACK may ever come with two segments out.  Only once a loss
		 * is being repaired (recovery, or go-back-N after an RTO):
		 * in the open state a timer-made recovery halved cwnd too
		 * often (8 MiB at 25% loss: 1606 s simulated with it in every
		 * state, 1408 s with none, 1312 s like this) */
		if (c->in_recovery || SEQ_LT(c->snd_una, c->recover))
			c->t_rack = c->head_sent_at + c->srtt + reo;
		return;
	}
	if (c->in_recovery && !c->sack_rec)
		return;                              /* NewReno's own rules */
	if (!c->in_recovery && c->snd_nxt == c->snd_max && SEQ_GEQ(c->snd_una, c->recover)) {
		tcp_sack_enter_recovery(c);          /* a loss: cwnd halves, head goes */
		return;
	}
	uint32_t len = min32(c->sacked[0].start - c->snd_una, c->snd_mss);
	c->rtt_timing = 0;
	if (tcp_send_data(c, c->snd_una, len) < 0)
		return;
	STAT_INC(tcp, sack_lost_rexmt);
	if (c->sack_rec) {
		c->sack_mark = c->snd_max;
		if (SEQ_LT(c->sack_rxt, c->snd_una + len))
			c->sack_rxt = c->snd_una + len;
	}
}

/* RFC 6675 IsLost(seq), for an un-SACKed seq. */
int tcp_sack_lost(const struct tcp_conn *c, uint32_t seq)
{
	uint32_t above = 0;
	unsigned n = 0;
	for (unsigned i = 0; i < c->n_sacked; i++) {
		const struct tcp_ooo *r = &c->sacked[i];
		if (SEQ_LEQ(r->end, seq))
			continue;
		above += r->end - (SEQ_GT(r->start, seq) ? r->start : seq);
		n++;
	}
	return n >= DUPTHRESH || above > (DUPTHRESH - 1) * (uint32_t)c->snd_mss;
}

/* RFC 6675 SetPipe.  Within one hole the SACKed bytes above are the same
 * for every byte, so a hole is lost or not as a whole: the walk is over
 * holes, not bytes.  The tail above the highest SACK is never lost. */
uint32_t tcp_sack_pipe(const struct tcp_conn *c)
{
	uint32_t pipe = 0, lo = c->snd_una;
	for (unsigned i = 0; i <= c->n_sacked; i++) {
		uint32_t hi = i < c->n_sacked ? c->sacked[i].start : c->snd_max;
		if (SEQ_LT(lo, hi)) {
			if (i == c->n_sacked || !tcp_sack_lost(c, lo))
				pipe += hi - lo;
			if (SEQ_LT(lo, c->sack_rxt))       /* resent and in flight again */
				pipe += (SEQ_LT(hi, c->sack_rxt) ? hi : c->sack_rxt) - lo;
		}
		if (i < c->n_sacked)
			lo = c->sacked[i].end;
	}
	return pipe;
}

/* RFC 6675 NextSeg rule 1: the first lost, un-SACKed, not yet resent byte
 * below the highest SACK.  Returns its segment's length, 0 if none. */
static uint32_t next_hole(const struct tcp_conn *c, uint32_t *seq)
{
	uint32_t lo = c->snd_una;
	uint32_t from = SEQ_GT(c->sack_rxt, c->snd_una) ? c->sack_rxt : c->snd_una;
	for (unsigned i = 0; i < c->n_sacked; i++) {
		uint32_t hi = c->sacked[i].start;
		if (SEQ_LT(lo, from))
			lo = from;
		if (SEQ_LT(lo, hi) && tcp_sack_lost(c, lo)) {
			*seq = lo;
			return min32(hi - lo, c->snd_mss);
		}
		if (SEQ_GT(c->sacked[i].end, lo))
			lo = c->sacked[i].end;
	}
	return 0;
}

/* RFC 6675 section 5 steps 4.1-4.3: recovery begins with the segment at
 * snd_una, sent whatever pipe says. */
void tcp_sack_enter_recovery(struct tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;
	c->ssthresh = flight / 2 > 2u * c->snd_mss ? flight / 2 : 2u * c->snd_mss;
	c->cwnd = c->ssthresh;
	c->recover = c->snd_max;
	c->in_recovery = 1;
	c->sack_rec = 1;
	c->sack_rxt = c->snd_una;
	STAT_INC(tcp, sack_recovery);
	STAT_INC(tcp, rexmt_fast);
	uint32_t len = c->snd_mss;
	if (c->n_sacked && c->sacked[0].start - c->snd_una < len)
		len = c->sacked[0].start - c->snd_una;
	c->rtt_timing = 0;                       /* Karn */
	if (len && tcp_send_data(c, c->snd_una, len) == 0) {
		c->sack_rxt = c->snd_una + len;
		c->sack_mark = c->snd_max;
		STAT_INC(tcp, sack_rexmt);
	}
	tcp_rexmt_arm(c);                        /* a real RTO now, not a probe */
}

/* The resend of the segment at snd_una is itself lost when data first
 * sent after it (at or above sack_mark) is SACKed past DupThresh: under
 * heavy loss that is common, and RFC 6675 alone would wait for the RTO,
 * doubled, with cwnd back to one segment.  (A one-hole form of RACK's
 * time order, RFC 8985, without per-segment timestamps.) */
static int head_rexmt_lost(const struct tcp_conn *c)
{
	if (!SEQ_LT(c->snd_una, c->sack_rxt) || !SEQ_LT(c->sack_mark, c->snd_max))
		return 0;
	for (unsigned i = 0; i < c->n_sacked; i++)
		if (SEQ_LEQ(c->sacked[i].start, c->snd_una))
			return 0;            /* (cannot be: it would be acked) */
	return tcp_sack_lost(c, c->sack_mark) ||
	       (c->n_sacked && SEQ_GT(c->sacked[c->n_sacked - 1].end, c->sack_mark) &&
		c->sacked[c->n_sacked - 1].end - c->sack_mark > 2u * c->snd_mss);
}

/* In recovery: resend lost holes while cwnd - pipe >= one segment. */
void tcp_sack_rexmt(struct tcp_conn *c)
{
	for (;;) {
		uint32_t pipe = tcp_sack_pipe(c);
		if (c->cwnd < pipe + c->snd_mss)
			return;
		uint32_t seq, len;
		if (head_rexmt_lost(c)) {
			seq = c->snd_una;
			len = c->n_sacked ? min32(c->sacked[0].start - seq, c->snd_mss) : c->snd_mss;
			c->rtt_timing = 0;
			if (tcp_send_data(c, seq, len) < 0)
				return;
			c->sack_mark = c->snd_max;
			STAT_INC(tcp, sack_lost_rexmt);
			continue;
		}
		len = next_hole(c, &seq);
		if (!len)
			return;
		c->rtt_timing = 0;
		if (tcp_send_data(c, seq, len) < 0)
			return;
		if (seq == c->snd_una)
			c->sack_mark = c->snd_max;
		c->sack_rxt = seq + len;
		STAT_INC(tcp, sack_rexmt);
	}
}

/* Go-back-N after an RTO: if *seq lies in a range SACKed since, jump over
 * it (never past `limit`, the end of the data, so a FIN still goes).
 * Returns how far one may send from *seq before the next SACKed range. */
uint32_t tcp_sack_skip(struct tcp_conn *c, uint32_t *seq, uint32_t limit)
{
	for (unsigned i = 0; i < c->n_sacked; i++) {
		const struct tcp_ooo *r = &c->sacked[i];
		if (SEQ_LEQ(r->end, *seq))
			continue;
		if (SEQ_GT(r->start, *seq))
			return r->start - *seq;
		uint32_t to = SEQ_LT(r->end, limit) ? r->end : limit;
		if (SEQ_GT(to, *seq)) {
			STAT_ADD(tcp, sack_skip_bytes, to - *seq);
			*seq = to;
		}
	}
	return UINT32_MAX;
}

/* Our SACK option for an outgoing segment: NOP, NOP, kind 5 and up to four
 * blocks that fit in `room` bytes, the range with the latest arrival
 * first (RFC 2018 section 4), then the others from the lowest.  Returns
 * the option length (0: nothing to report). */
unsigned tcp_sack_opt(struct tcp_conn *c, uint8_t *opt, unsigned room)
{
	if (!c->sack_ok || !c->n_ooo || room < 12)
		return 0;
	unsigned max = (room - 4) / 8;
	if (max > 4)
		max = 4;
	unsigned first = 0;
	for (unsigned i = 0; i < c->n_ooo; i++)
		if (SEQ_IN(c->rcv_sack_last, c->ooo[i].start, c->ooo[i].end))
			first = i;
	unsigned n = 0;
	uint8_t *p = opt + 4;
	for (unsigned k = 0; k <= c->n_ooo && n < max; k++) {
		unsigned i = k == 0 ? first : k - 1;
		if (k > 0 && i == first)
			continue;
		put_be32(p, c->ooo[i].start);
		put_be32(p + 4, c->ooo[i].end);
		p += 8;
		n++;
	}
	opt[0] = TCP_OPT_NOP;
	opt[1] = TCP_OPT_NOP;
	opt[2] = TCP_OPT_SACK;
	opt[3] = (uint8_t)(2 + 8 * n);
	STAT_ADD(tcp, sack_blocks_tx, n);
	return 4 + 8 * n;
}
