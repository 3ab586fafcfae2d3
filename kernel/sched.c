/*
 * kernel/sched.c - preemptive round-robin tasks, sleep and events.
 *
 * One CPU, so "interrupts off" is the scheduler lock: schedule() is
 * always entered with IF clear, and whoever is resumed restores its own
 * interrupt state (an iretq from the trap that preempted it, the
 * irq_restore in yield/sleep/event_wait, or the sti in task_entry).
 *
 * Tasks sit in one ring.  The idle task is the boot context itself: it is
 * chosen only when nothing else can run, and it halts (sti; hlt) until
 * the next interrupt.  A task that has run for SLICE_US while another is
 * runnable is preempted from the timer interrupt.  There is no periodic
 * tick: rearm() points the one-shot LAPIC timer at the earliest of the
 * sleepers' deadlines and, when someone else is waiting to run, the end
 * of the current slice.  Dead tasks are reaped by the idle task, which
 * never runs on their stacks.
 */
#include "kernel/kpriv.h"
#include "kernel/x86.h"

#define STACK_PAGES  8                 /* 32 KiB of stack ... */
#define GUARD_PAGES  1                 /* ... above one unmapped page */
#define SLICE_US     10000             /* round-robin time slice */
#define NAME_MAX_    16

enum task_state { T_RUNNABLE, T_SLEEPING, T_BLOCKED, T_DEAD };

struct task {
	uint64_t rsp;                  /* saved by swtch while not running */
	enum task_state state;
	uint64_t wake_us;              /* SLEEPING/BLOCKED: runnable again at this now_us() */
	struct event *waiting;         /* BLOCKED: the event */
	void (*fn)(void *);
	void *arg;
	void *stack;                   /* lowest page (the guard), NULL for idle */
	struct task *next;             /* the ring of all tasks */
	uint64_t runs;                 /* times switched to */
	char name[NAME_MAX_];
};

static struct task *current;
static struct task *idle;
static struct task *ring;              /* any task in the ring (NULL: empty) */
static unsigned ntasks;
static uint64_t nswitches;
static uint64_t slice_start_us;        /* when current was switched in */
static volatile int need_resched;
static int started;

struct task *task_current(void) { return current; }
const char *task_name(struct task *t) { return t->name; }
unsigned sched_ntasks(void) { return ntasks; }
uint64_t sched_switches(void) { return nswitches; }

static void ring_insert(struct task *t)
{
	if (!ring) {
		t->next = t;
		ring = t;
	} else {
		t->next = ring->next;
		ring->next = t;
	}
	ntasks++;
}

/* Wake everything whose deadline has passed. */
static void wake_expired(uint64_t now_us_)
{
	struct task *t = ring;
	if (!t)
		return;
	do {
		if ((t->state == T_SLEEPING || t->state == T_BLOCKED) && now_us_ >= t->wake_us) {
			t->state = T_RUNNABLE;
			need_resched = 1;
		}
		t = t->next;
	} while (t != ring);
}

/* Next runnable non-idle task after `from` in ring order, else NULL. */
static struct task *pick(struct task *from)
{
	struct task *t = from;
	if (!t)
		return NULL;
	do {
		t = t->next;
		if (t != idle && t->state == T_RUNNABLE)
			return t;
	} while (t != from);
	return NULL;
}

/* Point the timer at the next moment something must happen; IF clear. */
static void rearm(void)
{
	uint64_t next = UINT64_MAX;
	struct task *t = ring;
	if (!started || !t)
		return;
	do {
		if ((t->state == T_SLEEPING || t->state == T_BLOCKED) && t->wake_us < next)
			next = t->wake_us;
		t = t->next;
	} while (t != ring);
	if (current != idle && pick(current) && slice_start_us + SLICE_US < next)
		next = slice_start_us + SLICE_US;
	timer_arm_us(next);
}

/* Switch to the next task; IF must be clear. */
static void schedule(void)
{
	need_resched = 0;
	uint64_t now = now_us();
	wake_expired(now);
	struct task *next = pick(current);
	if (!next)
		next = idle;
	struct task *prev = current;
	if (next != prev) {
		current = next;
		next->runs++;
		nswitches++;
		slice_start_us = now;
	}
	rearm();
	if (next != prev)
		swtch(&prev->rsp, next->rsp);
}

/* The first code a new task runs (swtch "returns" here). */
static noreturn void task_entry(void)
{
	sti();
	current->fn(current->arg);
	cli();
	current->state = T_DEAD;
	schedule();
	panic("sched: a dead task was resumed");
}

struct task *task_create(const char *name, void (*fn)(void *), void *arg)
{
	struct task *t = kmalloc(sizeof(*t));
	if (!t)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->stack = pmm_alloc_contig(GUARD_PAGES + STACK_PAGES);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	paging_guard((uint64_t)t->stack, 1);
	size_t n = strlen(name);
	if (n >= NAME_MAX_)
		n = NAME_MAX_ - 1;
	memcpy(t->name, name, n);
	t->fn = fn;
	t->arg = arg;

	/* A frame swtch can pop: six callee-saved registers, then the
	 * return address task_entry, then a fake return address for it so
	 * its stack looks like a normal call (rsp % 16 == 8 at entry). */
	uint64_t *sp = (uint64_t *)((char *)t->stack + (GUARD_PAGES + STACK_PAGES) * PAGE_SIZE);
	*--sp = 0;
	*--sp = (uint64_t)task_entry;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	t->rsp = (uint64_t)sp;
	t->state = T_RUNNABLE;

	uint64_t f = irq_save();
	ring_insert(t);
	rearm();                       /* it may need a slice end armed */
	irq_restore(f);
	return t;
}

void yield(void)
{
	uint64_t f = irq_save();
	schedule();
	irq_restore(f);
}

void sleep_ms(uint64_t ms)
{
	uint64_t f = irq_save();
	current->wake_us = now_us() + ms * 1000;
	current->state = T_SLEEPING;
	schedule();
	irq_restore(f);
}

void event_init(struct event *e)
{
	e->pending = 0;
	e->waiter = NULL;
}

void event_signal(struct event *e)
{
	uint64_t f = irq_save();
	e->pending = 1;
	struct task *t = e->waiter;
	if (t && t->state == T_BLOCKED && t->waiting == e) {
		t->state = T_RUNNABLE;
		need_resched = 1;
		rearm();               /* from a task: the slice end now matters */
	}
	irq_restore(f);
}

int event_wait(struct event *e, uint64_t deadline_ms)
{
	uint64_t f = irq_save();
	if (!e->pending && now_ms() < deadline_ms) {
		e->waiter = current;
		current->waiting = e;
		current->wake_us = deadline_ms >= UINT64_MAX / 1000 ? UINT64_MAX : deadline_ms * 1000;
		current->state = T_BLOCKED;
		schedule();
		e->waiter = NULL;
		current->waiting = NULL;
	}
	int got = e->pending;
	e->pending = 0;
	irq_restore(f);
	return got;
}

/* Timer interrupt: wake sleepers, end the running task's slice if due. */
void sched_tick(uint64_t now)
{
	if (!started)
		return;
	wake_expired(now);
	if (current != idle && now - slice_start_us >= SLICE_US && pick(current))
		need_resched = 1;
	if (current == idle && pick(current))
		need_resched = 1;
	if (!need_resched)
		rearm();               /* else schedule() will, on the way out */
}

void sched_irq_exit(void)
{
	if (started && need_resched)
		schedule();
}

/* Free the stacks of tasks that finished.  Idle only: never on their stacks. */
static void reap(void)
{
	struct task *prev = idle, *t = idle->next;
	while (t != idle) {
		struct task *n = t->next;
		if (t->state == T_DEAD) {
			prev->next = n;
			if (ring == t)
				ring = idle;
			ntasks--;
			paging_guard((uint64_t)t->stack, 0);
			pmm_free_contig(t->stack, GUARD_PAGES + STACK_PAGES);
			kfree(t);
		} else {
			prev = t;
		}
		t = n;
	}
}

noreturn void sched_start(void)
{
	static struct task idle_task;
	cli();
	idle = &idle_task;
	memcpy(idle->name, "idle", 5);
	idle->state = T_RUNNABLE;
	ring_insert(idle);
	current = idle;
	started = 1;
	slice_start_us = now_us();
	kprintf("boot: kernel ready %lu us after kmain\n", now_us());
	kprintf("sched: running %u tasks\n", ntasks);
	for (;;) {
		cli();
		reap();
		if (pick(idle)) {
			schedule();
			continue;
		}
		rearm();
		/* sti takes effect after the next instruction, so no interrupt
		 * can slip in between the check above and the hlt. */
		__asm__ volatile("sti; hlt" ::: "memory");
	}
}
