/*
 * kernel/ktest.c - in-kernel tests, selected with test=NAME on the
 * command line and run instead of the network.  Each ends the VM through
 * platform_exit: EXIT_OK (QEMU status 1) on success, EXIT_FAIL (3) on a
 * failed check, EXIT_PANIC (7) from panic().  tests/qemu/0*.sh boot them
 * and check both the status and the serial lines.
 *
 *   sleep      timestamps around sleep_ms(500) (the host times them too)
 *   preempt    three tasks that never yield must all make progress
 *   pagefault  touch an unmapped address; the report must show it in CR2
 *   panic      panic() on purpose
 *   guard      overflow a task stack into its guard page
 *   mem        drain and refill the page allocator and the heap
 *   event      events signalled before/while waiting, and timeouts
 */
#include "kernel/kpriv.h"
#include "kernel/x86.h"

#define FAULT_ADDR 0x7dead000beeful   /* canonical, far above any RAM we map */

static void sleep_test(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++) {
		uint64_t t0 = now_us();
		kprintf("sleep: before %lu us\n", t0);
		sleep_ms(500);
		uint64_t t1 = now_us();
		kprintf("sleep: after %lu us (slept %lu us)\n", t1, t1 - t0);
		if (t1 - t0 < 500000 || t1 - t0 > 600000) {
			kprintf("sleep: FAIL slept %lu us for 500 ms\n", t1 - t0);
			platform_exit(EXIT_FAIL);
		}
	}
	kprintf("sleep: ok\n");
	platform_exit(EXIT_OK);
}

/* Tasks that spin without yielding; a switch counter tells each one it
 * was preempted and resumed. */
#define PREEMPT_TASKS   3
#define PREEMPT_ROUNDS  4
static volatile unsigned resumed[PREEMPT_TASKS];
static volatile unsigned done_tasks;

static void spinner(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;
	uint64_t seen = sched_switches();
	while (resumed[me] < PREEMPT_ROUNDS) {
		uint64_t s = sched_switches();
		if (s != seen) {
			/* Someone else ran since we last looked: we were preempted. */
			resumed[me]++;
			kprintf("preempt: task %c resumed (round %u, switches %lu, t=%lu ms)\n",
				'A' + me, resumed[me], s, now_ms());
			seen = sched_switches();
		}
		cpu_relax();
	}
	uint64_t f = irq_save();
	if (++done_tasks == PREEMPT_TASKS) {
		kprintf("preempt: ok, %lu switches\n", sched_switches());
		platform_exit(EXIT_OK);
	}
	irq_restore(f);
	/* Keep spinning (not yielding) so the others still get preempted. */
	for (;;)
		cpu_relax();
}

static void preempt_watchdog(void *arg)
{
	(void)arg;
	sleep_ms(5000);
	kprintf("preempt: FAIL, rounds %u %u %u after 5 s\n", resumed[0], resumed[1], resumed[2]);
	platform_exit(EXIT_FAIL);
}

static void pagefault_test(void *arg)
{
	(void)arg;
	kprintf("pagefault: reading %#lx\n", FAULT_ADDR);
	volatile uint64_t *p = (volatile uint64_t *)FAULT_ADDR;
	(void)*p;
	kprintf("pagefault: FAIL, no fault\n");
	platform_exit(EXIT_FAIL);
}

static void panic_test(void *arg)
{
	(void)arg;
	panic("ktest: deliberate panic");
}

static uint64_t recurse(uint64_t n)
{
	volatile char pad[512];
	pad[0] = (char)n;
	return n ? recurse(n - 1) + pad[0] : 0;
}

static void guard_test(void *arg)
{
	(void)arg;
	kprintf("guard: recursing off the stack of task %s\n", task_name(task_current()));
	recurse(1000000);
	kprintf("guard: FAIL, survived\n");
	platform_exit(EXIT_FAIL);
}

#define CHECK(c) do { if (!(c)) { kprintf("mem: FAIL %s (line %d)\n", #c, __LINE__); \
	platform_exit(EXIT_FAIL); } } while (0)

static void mem_test(void *arg)
{
	(void)arg;
	size_t free0 = pmm_free_pages();
	/* Drain every page, chaining them through their first word. */
	void *head = NULL;
	size_t n = 0;
	void *p;
	while ((p = pmm_alloc())) {
		*(void **)p = head;
		head = p;
		n++;
	}
	CHECK(pmm_free_pages() == 0);
	CHECK(n == free0);
	while (head) {
		void *next = *(void **)head;
		pmm_free(head);
		head = next;
	}
	CHECK(pmm_free_pages() == free0);
	kprintf("mem: drained and refilled %lu pages\n", n);

	/* Heap: many connection-sized buffers (as many as half of free
	 * memory holds, at most 2000), then free them all. */
	enum { NMAX = 2000 };
	static void *bufs[NMAX];
	size_t sizes[] = { 24, 200, 1500, 2048, 3000, 4096, 6000, 9000 };
	int N = (int)(free0 * PAGE_SIZE / 2 / 4400);
	if (N > NMAX)
		N = NMAX;
	size_t used0, held0;
	heap_stats(&used0, &held0);     /* our own task struct is in there */
	for (int i = 0; i < N; i++) {
		bufs[i] = kmalloc(sizes[i % 8]);
		CHECK(bufs[i] != NULL);
		CHECK(((uintptr_t)bufs[i] & 15) == 0);
		memset(bufs[i], i & 0xff, sizes[i % 8]);
	}
	for (int i = 0; i < N; i++) {
		const unsigned char *b = bufs[i];
		CHECK(b[0] == (i & 0xff) && b[sizes[i % 8] - 1] == (i & 0xff));
	}
	size_t used, held;
	heap_stats(&used, &held);
	kprintf("mem: heap holds %lu pages for %lu bytes in %d buffers\n", held, used, N);
	for (int i = 0; i < N; i += 2)
		kfree(bufs[i]);
	for (int i = 1; i < N; i += 2)
		kfree(bufs[i]);
	heap_stats(&used, &held);
	kprintf("mem: after free: %lu bytes in use, %lu pages held, %lu pages free of %lu\n",
		used, held, pmm_free_pages(), free0);
	CHECK(used == used0);
	/* At most one cached slab per size class stays. */
	CHECK(held <= held0 + 9 * 4);
	CHECK(pmm_free_pages() + held - held0 == free0);

	/* Exhaustion: kmalloc says NULL (no panic), and everything comes back. */
	size_t before = pmm_free_pages();
	head = NULL;
	n = 0;
	while ((p = kmalloc(3000))) {
		*(void **)p = head;
		head = p;
		n++;
	}
	/* 3 per 16 KiB slab: most of memory went to the heap before NULL
	 * (what is left is in runs too short or misaligned for a slab). */
	size_t left = pmm_free_pages();
	CHECK(n * 2 >= before);
	while (head) {
		void *next = *(void **)head;
		kfree(head);
		head = next;
	}
	kprintf("mem: heap ran dry after %lu buffers of 3000 bytes (%lu pages left), all freed\n",
		n, left);
	CHECK(pmm_free_pages() + 4 >= before);
	kprintf("mem: ok\n");
	platform_exit(EXIT_OK);
}

static struct event ev;

static void event_signaller(void *arg)
{
	(void)arg;
	sleep_ms(50);
	event_signal(&ev);
}

static void event_test(void *arg)
{
	(void)arg;
	event_init(&ev);
	event_signal(&ev);                  /* before the wait: must not be lost */
	CHECK(event_wait(&ev, now_ms() + 1000) == 1);
	uint64_t t0 = now_ms();
	CHECK(event_wait(&ev, t0 + 100) == 0);   /* nobody signals: times out */
	uint64_t dt = now_ms() - t0;
	CHECK(dt >= 100 && dt < 150);
	task_create("signaller", event_signaller, NULL);
	t0 = now_ms();
	CHECK(event_wait(&ev, UINT64_MAX) == 1);
	dt = now_ms() - t0;
	CHECK(dt >= 50 && dt < 100);
	kprintf("event: ok (wakeup after %lu ms)\n", dt);
	platform_exit(EXIT_OK);
}

int ktest_start(const char *name)
{
	static const struct {
		const char *name;
		void (*fn)(void *);
	} tests[] = {
		{ "sleep", sleep_test }, { "pagefault", pagefault_test }, { "panic", panic_test },
		{ "guard", guard_test }, { "mem", mem_test }, { "event", event_test },
	};
	if (!strcmp(name, "preempt")) {
		for (unsigned i = 0; i < PREEMPT_TASKS; i++) {
			char nm[] = "spin-A";
			nm[5] = (char)('A' + i);
			task_create(nm, spinner, (void *)(uintptr_t)i);
		}
		task_create("watchdog", preempt_watchdog, NULL);
		kprintf("test: preempt\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!strcmp(name, tests[i].name)) {
			kprintf("test: %s\n", name);
			task_create(name, tests[i].fn, NULL);
			return 1;
		}
	return 0;
}
