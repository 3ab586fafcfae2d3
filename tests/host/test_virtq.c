/*
 * tests/host/test_virtq.c - the split virtqueue against a simulated device.
 *
 * The test plays the device the way QEMU does: it reads avail->idx,
 * walks each new chain through the descriptor table, and completes chains
 * (in order or not) by writing used->ring[] and bumping used->idx.  The
 * driver side is the real drivers/virtio/virtq.c.
 */
#include <stdlib.h>
#include "check.h"
#include "drivers/virtio/virtq.h"

/* ---- the simulated device ---------------------------------------------- */
struct sim_chain {
	uint16_t head;
	unsigned nseg, nout;
	struct virtq_seg seg[16];
};

struct sim {
	struct virtq vq;
	void *mem;
	void **cookies;
	unsigned num;
	uint16_t dev_avail;     /* device's next avail entry (free-running) */
	uint16_t dev_used;      /* device's used->idx shadow */
	int protocol_errors;    /* chain shapes the device found malformed */
};

static void sim_init(struct sim *s, unsigned num, unsigned align)
{
	memset(s, 0, sizeof(*s));
	s->num = num;
	size_t bytes = virtq_ring_bytes(num, align);
	s->mem = aligned_alloc(4096, (bytes + 4095) & ~(size_t)4095);
	memset(s->mem, 0, bytes);
	s->cookies = calloc(num, sizeof(void *));
	CHECK_EQ(virtq_init(&s->vq, num, s->mem, align, s->cookies), 0);
}

static void sim_fini(struct sim *s)
{
	free(s->mem);
	free(s->cookies);
}

/* Take the next available chain, as the device would; 0 if none. */
static int sim_pop(struct sim *s, struct sim_chain *c)
{
	struct virtq *vq = &s->vq;
	if (vq->avail->idx == s->dev_avail)
		return 0;
	c->head = vq->avail->ring[s->dev_avail % s->num];
	s->dev_avail++;
	c->nseg = c->nout = 0;
	uint16_t i = c->head;
	int seen_in = 0;
	for (;;) {
		if (i >= s->num || c->nseg >= 16) {
			s->protocol_errors++;
			return 1;
		}
		struct virtq_desc *d = &vq->desc[i];
		if (d->flags & VIRTQ_DESC_F_WRITE)
			seen_in = 1;
		else if (seen_in)
			s->protocol_errors++;   /* readable after writable: spec violation */
		else
			c->nout++;
		c->seg[c->nseg].addr = d->addr;
		c->seg[c->nseg].len = d->len;
		c->nseg++;
		if (!(d->flags & VIRTQ_DESC_F_NEXT))
			break;
		i = d->next;
	}
	return 1;
}

/* Complete a chain with `len` bytes written. */
static void sim_push(struct sim *s, uint16_t head, uint32_t len)
{
	struct virtq_used *u = s->vq.used;
	u->ring[s->dev_used % s->num].id = head;
	u->ring[s->dev_used % s->num].len = len;
	s->dev_used++;
	u->idx = s->dev_used;
}

/* Every descriptor is on the free list exactly once or in a posted chain. */
static int free_list_ok(struct sim *s)
{
	unsigned n = 0;
	unsigned char *seen = calloc(s->num, 1);
	uint16_t i = s->vq.free_head;
	int ok = 1;
	for (n = 0; n < s->vq.num_free; n++) {
		if (i >= s->num || seen[i]) { ok = 0; break; }
		seen[i] = 1;
		i = s->vq.desc[i].next;
	}
	free(seen);
	return ok;
}

static struct virtq_seg seg1(uint64_t addr, uint32_t len)
{
	struct virtq_seg g = { addr, len };
	return g;
}

/* ---- tests --------------------------------------------------------------- */

static void test_layout_legacy(void)
{
	/* 256 entries: desc 4096 + avail 518 -> used at 8192, used 2054 -> 4096 */
	CHECK_EQ(virtq_ring_bytes(256, 4096), 12288);
	/* QEMU's QueueNumMax, 1024: desc 16384 + avail 2054 -> 20480; used 8198 -> 12288 */
	CHECK_EQ(virtq_ring_bytes(1024, 4096), 32768);
	struct sim s;
	sim_init(&s, 256, 4096);
	CHECK_EQ((uint8_t *)virtq_desc_ptr(&s.vq) - (uint8_t *)s.mem, 0);
	CHECK_EQ((uint8_t *)virtq_avail_ptr(&s.vq) - (uint8_t *)s.mem, 4096);
	CHECK_EQ((uint8_t *)virtq_used_ptr(&s.vq) - (uint8_t *)s.mem, 8192);
	CHECK_EQ(virtq_free(&s.vq), 256);
	CHECK(free_list_ok(&s));
	sim_fini(&s);
}

static void test_init_rejects(void)
{
	struct virtq vq;
	static uint8_t mem[1 << 16] __attribute__((aligned(4096)));
	void *ck[64];
	CHECK_EQ(virtq_init(&vq, 0, mem, 4096, ck), -1);
	CHECK_EQ(virtq_init(&vq, 3, mem, 4096, ck), -1);
	CHECK_EQ(virtq_init(&vq, 48, mem, 4096, ck), -1);
	CHECK_EQ(virtq_init(&vq, 64, mem, 3000, ck), -1);
	CHECK_EQ(virtq_init(&vq, 64, mem, 16, ck), 0);
}

static void test_add_and_complete(void)
{
	struct sim s;
	sim_init(&s, 8, 4096);
	int tok = 0;
	struct virtq_seg g = seg1(0x1000, 1514);
	CHECK_EQ(virtq_add(&s.vq, &g, 1, 0, &tok), 0);
	CHECK_EQ(virtq_free(&s.vq), 7);
	CHECK_EQ(virtq_in_flight(&s.vq), 1);
	CHECK(!virtq_has_used(&s.vq));
	CHECK(virtq_get_used(&s.vq, NULL, NULL) == NULL);

	struct sim_chain c;
	CHECK(sim_pop(&s, &c));
	CHECK_EQ(c.nseg, 1);
	CHECK_EQ(c.nout, 1);
	CHECK_EQ(c.seg[0].addr, 0x1000);
	CHECK_EQ(c.seg[0].len, 1514);
	CHECK(!sim_pop(&s, &c));
	sim_push(&s, c.head, 0);

	CHECK(virtq_has_used(&s.vq));
	uint32_t len = 99;
	int bad = 0;
	CHECK(virtq_get_used(&s.vq, &len, &bad) == &tok);
	CHECK_EQ(len, 0);
	CHECK_EQ(bad, 0);
	CHECK_EQ(virtq_free(&s.vq), 8);
	CHECK_EQ(virtq_in_flight(&s.vq), 0);
	CHECK(virtq_get_used(&s.vq, &len, &bad) == NULL);
	CHECK(free_list_ok(&s));
	CHECK_EQ(s.protocol_errors, 0);
	sim_fini(&s);
}

static void test_rx_reports_length(void)
{
	struct sim s;
	sim_init(&s, 4, 4096);
	int tok;
	struct virtq_seg g = seg1(0x2000, 2048);
	CHECK_EQ(virtq_add(&s.vq, &g, 0, 1, &tok), 0);
	CHECK_EQ(s.vq.desc[s.vq.avail->ring[0]].flags, VIRTQ_DESC_F_WRITE);
	struct sim_chain c;
	CHECK(sim_pop(&s, &c));
	CHECK_EQ(c.nout, 0);
	sim_push(&s, c.head, 74);
	uint32_t len = 0;
	CHECK(virtq_get_used(&s.vq, &len, NULL) == &tok);
	CHECK_EQ(len, 74);
	sim_fini(&s);
}

static void test_chain_flags(void)
{
	struct sim s;
	sim_init(&s, 8, 4096);
	int tok;
	struct virtq_seg g[3] = { seg1(0x100, 12), seg1(0x200, 100), seg1(0x300, 200) };
	CHECK_EQ(virtq_add(&s.vq, g, 1, 2, &tok), 0);
	CHECK_EQ(virtq_free(&s.vq), 5);
	struct sim_chain c;
	CHECK(sim_pop(&s, &c));
	CHECK_EQ(c.nseg, 3);
	CHECK_EQ(c.nout, 1);
	CHECK_EQ(c.seg[0].addr, 0x100);
	CHECK_EQ(c.seg[1].addr, 0x200);
	CHECK_EQ(c.seg[2].addr, 0x300);
	CHECK_EQ(c.seg[2].len, 200);
	CHECK_EQ(s.protocol_errors, 0);
	sim_push(&s, c.head, 300);
	CHECK(virtq_get_used(&s.vq, NULL, NULL) == &tok);
	CHECK_EQ(virtq_free(&s.vq), 8);
	CHECK(free_list_ok(&s));
	/* Empty requests and NULL cookies are refused. */
	CHECK_EQ(virtq_add(&s.vq, g, 0, 0, &tok), -1);
	CHECK_EQ(virtq_add(&s.vq, g, 1, 0, NULL), -1);
	CHECK_EQ(virtq_free(&s.vq), 8);
	sim_fini(&s);
}

static void test_full_ring(void)
{
	enum { N = 16 };
	struct sim s;
	sim_init(&s, N, 4096);
	int tok[N + 1];
	for (int i = 0; i < N; i++) {
		struct virtq_seg g = seg1(0x1000 * (uint64_t)(i + 1), 60);
		CHECK_EQ(virtq_add(&s.vq, &g, 1, 0, &tok[i]), 0);
	}
	CHECK_EQ(virtq_free(&s.vq), 0);
	uint16_t idx_before = s.vq.avail->idx;
	struct virtq_seg g = seg1(0xdead000, 60);
	CHECK_EQ(virtq_add(&s.vq, &g, 1, 0, &tok[N]), -1);
	CHECK_EQ(s.vq.avail->idx, idx_before);   /* a refused add publishes nothing */
	/* A chain longer than what is free is refused whole. */
	struct sim_chain c;
	CHECK(sim_pop(&s, &c));
	sim_push(&s, c.head, 0);
	CHECK(virtq_get_used(&s.vq, NULL, NULL) == &tok[0]);
	struct virtq_seg two[2] = { seg1(1, 1), seg1(2, 2) };
	CHECK_EQ(virtq_add(&s.vq, two, 2, 0, &tok[N]), -1);
	CHECK_EQ(virtq_free(&s.vq), 1);
	CHECK_EQ(virtq_add(&s.vq, &g, 1, 0, &tok[N]), 0);
	CHECK_EQ(virtq_free(&s.vq), 0);
	/* Drain everything: all N cookies come back, each once. */
	int got = 0;
	while (sim_pop(&s, &c))
		sim_push(&s, c.head, 0);
	void *ck;
	while ((ck = virtq_get_used(&s.vq, NULL, NULL)) != NULL)
		got++;
	CHECK_EQ(got, N);
	CHECK_EQ(virtq_free(&s.vq), N);
	CHECK(free_list_ok(&s));
	sim_fini(&s);
}

/* Out-of-order completion: the free list must stay intact and every
 * descriptor reusable. */
static void test_out_of_order(void)
{
	enum { N = 8 };
	struct sim s;
	sim_init(&s, N, 4096);
	int tok[N];
	struct sim_chain c[N];
	for (int i = 0; i < N; i++) {
		struct virtq_seg g = seg1((uint64_t)i << 12, 100 + i);
		CHECK_EQ(virtq_add(&s.vq, &g, 1, 0, &tok[i]), 0);
	}
	for (int i = 0; i < N; i++)
		CHECK(sim_pop(&s, &c[i]));
	for (int i = N - 1; i >= 0; i--)
		sim_push(&s, c[i].head, (uint32_t)i);
	for (int i = N - 1; i >= 0; i--) {
		uint32_t len;
		CHECK(virtq_get_used(&s.vq, &len, NULL) == &tok[i]);
		CHECK_EQ(len, i);
	}
	CHECK(free_list_ok(&s));
	/* Fill again: N distinct heads. */
	unsigned char seen[N] = { 0 };
	for (int i = 0; i < N; i++) {
		struct virtq_seg g = seg1(1, 1);
		CHECK_EQ(virtq_add(&s.vq, &g, 1, 0, &tok[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		struct sim_chain cc;
		CHECK(sim_pop(&s, &cc));
		CHECK(cc.head < N && !seen[cc.head]);
		if (cc.head < N)
			seen[cc.head] = 1;
	}
	sim_fini(&s);
}

/* The free-running u16 indices wrap past 65535: 70 000 round trips on a
 * small ring, with the device batching so the wrap happens mid-batch. */
static void test_index_wraparound(void)
{
	struct sim s;
	sim_init(&s, 4, 4096);
	int tok[4];
	unsigned done = 0, posted = 0;
	int wrapped_avail = 0, wrapped_used = 0;
	uint16_t prev_avail = 0, prev_used = 0;
	while (done < 70000) {
		/* post until full */
		while (virtq_free(&s.vq) > 0) {
			struct virtq_seg g = seg1(posted, posted & 0xffff);
			CHECK_EQ(virtq_add(&s.vq, &g, 1, 0, &tok[posted % 4]), 0);
			posted++;
		}
		/* device completes 3 of 4 (leaves one to straddle the batch) */
		struct sim_chain c;
		for (int k = 0; k < 3 && sim_pop(&s, &c); k++)
			sim_push(&s, c.head, c.seg[0].len);
		uint32_t len;
		void *ck;
		while ((ck = virtq_get_used(&s.vq, &len, NULL)) != NULL) {
			CHECK(ck == &tok[done % 4]);   /* in-order device: in-order cookies */
			CHECK_EQ(len, done & 0xffff);
			done++;
		}
		if (s.vq.avail->idx < prev_avail)
			wrapped_avail = 1;
		if (s.vq.used->idx < prev_used)
			wrapped_used = 1;
		prev_avail = s.vq.avail->idx;
		prev_used = s.vq.used->idx;
		if (check_failures_ > 10)
			break;
	}
	CHECK(wrapped_avail);
	CHECK(wrapped_used);
	CHECK_EQ(s.vq.last_used, (uint16_t)done);
	CHECK(free_list_ok(&s));
	CHECK_EQ(s.protocol_errors, 0);
	sim_fini(&s);
}

/* A full ring exactly at the wrap point: 256 in flight while avail->idx
 * goes 65280 -> 0. */
static void test_full_ring_at_wrap(void)
{
	enum { N = 256 };
	struct sim s;
	sim_init(&s, N, 4096);
	static int tok[N];
	/* Advance both sides to 65536 - N with single round trips. */
	for (unsigned i = 0; i < 65536 - N; i++) {
		struct virtq_seg g = seg1(i, 1);
		virtq_add(&s.vq, &g, 1, 0, &tok[0]);
		struct sim_chain c;
		sim_pop(&s, &c);
		sim_push(&s, c.head, 1);
		virtq_get_used(&s.vq, NULL, NULL);
	}
	CHECK_EQ(s.vq.avail->idx, 65536 - N);
	for (int i = 0; i < N; i++) {
		struct virtq_seg g = seg1(i, 1);
		CHECK_EQ(virtq_add(&s.vq, &g, 1, 0, &tok[i]), 0);
	}
	CHECK_EQ(s.vq.avail->idx, 0);
	CHECK_EQ(virtq_free(&s.vq), 0);
	CHECK_EQ(virtq_in_flight(&s.vq), N);
	struct virtq_seg g = seg1(0, 1);
	CHECK_EQ(virtq_add(&s.vq, &g, 1, 0, &tok[0]), -1);
	struct sim_chain c;
	int n = 0;
	while (sim_pop(&s, &c)) {
		CHECK_EQ(c.seg[0].addr, n);
		sim_push(&s, c.head, 1);
		n++;
	}
	CHECK_EQ(n, N);
	for (int i = 0; i < N; i++)
		CHECK(virtq_get_used(&s.vq, NULL, NULL) == &tok[i]);
	CHECK(virtq_get_used(&s.vq, NULL, NULL) == NULL);
	CHECK_EQ(virtq_free(&s.vq), N);
	CHECK(free_list_ok(&s));
	sim_fini(&s);
}

static void test_kick_decision(void)
{
	struct sim s;
	sim_init(&s, 8, 4096);
	int tok;
	CHECK_EQ(virtq_kick_needed(&s.vq), 0);       /* nothing added */
	struct virtq_seg g = seg1(1, 1);
	virtq_add(&s.vq, &g, 1, 0, &tok);
	CHECK_EQ(virtq_kick_needed(&s.vq), 1);
	CHECK_EQ(virtq_kick_needed(&s.vq), 0);       /* already decided */
	s.vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;   /* device busy: don't tell it */
	virtq_add(&s.vq, &g, 1, 0, &tok);
	CHECK_EQ(virtq_kick_needed(&s.vq), 0);
	s.vq.used->flags = 0;
	virtq_add(&s.vq, &g, 1, 0, &tok);
	CHECK_EQ(virtq_kick_needed(&s.vq), 1);
	virtq_disable_intr(&s.vq);
	CHECK_EQ(s.vq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtq_enable_intr(&s.vq);
	CHECK_EQ(s.vq.avail->flags, 0);
	sim_fini(&s);
}

/* A broken device reporting heads we never posted (or twice) is caught
 * and skipped, never trusted. */
static void test_bad_device(void)
{
	struct sim s;
	sim_init(&s, 8, 4096);
	int tok;
	struct virtq_seg g = seg1(1, 1);
	virtq_add(&s.vq, &g, 1, 0, &tok);
	struct sim_chain c;
	sim_pop(&s, &c);
	sim_push(&s, 200, 5);        /* out of range */
	sim_push(&s, (uint16_t)((c.head + 1) % 8), 5); /* never posted */
	sim_push(&s, c.head, 7);     /* the real one */
	sim_push(&s, c.head, 7);     /* completed twice */
	int bad = 0;
	uint32_t len = 0;
	CHECK(virtq_get_used(&s.vq, &len, &bad) == &tok);
	CHECK_EQ(len, 7);
	CHECK_EQ(bad, 1);
	bad = 0;
	CHECK(virtq_get_used(&s.vq, &len, &bad) == NULL);
	CHECK_EQ(bad, 1);
	CHECK_EQ(virtq_free(&s.vq), 8);
	CHECK(free_list_ok(&s));
	sim_fini(&s);
}

/* Random chains, random completion order, checked against a model. */
static void test_random_model(void)
{
	enum { N = 32 };
	struct sim s;
	sim_init(&s, N, 4096);
	srand(12345);
	static int tok[100000];
	int outstanding[N * 2];    /* tokens the device holds, popped */
	uint16_t heads[N * 2];
	unsigned nout_ = 0;
	unsigned next_tok = 0, completed = 0;
	long expected_free = N;
	for (int step = 0; step < 100000 && next_tok < 100000; step++) {
		int op = rand() % 3;
		if (op == 0) {
			unsigned n = 1 + (unsigned)rand() % 4, nin = (unsigned)rand() % (n + 1);
			struct virtq_seg g[4];
			for (unsigned k = 0; k < n; k++)
				g[k] = seg1(next_tok * 16 + k, k);
			int r = virtq_add(&s.vq, g, n - nin, nin, &tok[next_tok]);
			if ((long)n <= expected_free) {
				CHECK_EQ(r, 0);
				tok[next_tok] = (int)n;  /* remember chain length */
				expected_free -= n;
				next_tok++;
			} else {
				CHECK_EQ(r, -1);
			}
		} else if (op == 1) {
			struct sim_chain c;
			if (nout_ < N * 2 && sim_pop(&s, &c)) {
				heads[nout_] = c.head;
				outstanding[nout_] = (int)(c.seg[0].addr / 16);
				nout_++;
			}
		} else if (nout_ > 0) {
			unsigned k = (unsigned)rand() % nout_;
			sim_push(&s, heads[k], (uint32_t)outstanding[k]);
			uint32_t len;
			void *ck = virtq_get_used(&s.vq, &len, NULL);
			CHECK(ck == &tok[outstanding[k]]);
			CHECK_EQ(len, outstanding[k]);
			if (ck)
				expected_free += *(int *)ck;
			completed++;
			heads[k] = heads[nout_ - 1];
			outstanding[k] = outstanding[nout_ - 1];
			nout_--;
		}
		CHECK_EQ(virtq_free(&s.vq), expected_free);
		if (check_failures_ > 10)
			break;
	}
	CHECK(completed > 10000);
	CHECK(free_list_ok(&s));
	CHECK_EQ(s.protocol_errors, 0);
	sim_fini(&s);
}

int main(void)
{
	RUN(test_layout_legacy);
	RUN(test_init_rejects);
	RUN(test_add_and_complete);
	RUN(test_rx_reports_length);
	RUN(test_chain_flags);
	RUN(test_full_ring);
	RUN(test_out_of_order);
	RUN(test_index_wraparound);
	RUN(test_full_ring_at_wrap);
	RUN(test_kick_decision);
	RUN(test_bad_device);
	RUN(test_random_model);
	return check_done();
}
