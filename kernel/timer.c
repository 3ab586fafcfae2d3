/*
 * kernel/timer.c - calibrated time and the one-shot tick.
 *
 * Two clocks are calibrated against the PIT (the one fixed-frequency
 * reference on microvm; channel 0, since channel 2 has no gate there):
 *   - the LAPIC timer, armed one-shot for the next thing that must
 *     happen (a sleeper's or waiter's deadline, the end of a time slice
 *     when another task is runnable), so an idle guest takes no
 *     interrupts at all and a busy one none it does not need;
 *   - the TSC, which now_us() reads.  Counting ticks would lose time:
 *     QEMU drops LAPIC periodic interrupts that fire while the vCPU is
 *     late, whereas the TSC is the host's and never falls behind.
 *
 * Under TCG every PIT or LAPIC read is a trip into QEMU that can stall
 * for milliseconds when QEMU's main loop holds its lock or the host
 * deschedules the vCPU thread: that, not the PIT's resolution, is what
 * made one naive window 6-47% wrong here.  So each reading of the three
 * clocks is bracketed by two TSC reads and the tightest of a few tries
 * is kept (a stall shows as a wide bracket), and each rate is the median
 * of several windows.
 *
 * Boot pays for CAL_WINDOWS windows of ~2 ms only (the old 5 x 10 ms was
 * most of the time from QEMU start to the first HTTP 200).  The clock is
 * then refined in the background over windows of 100+ ms, sampled
 * whenever now_us() or the tick runs after a sample is due, and now_us()
 * is rebased onto the refined rate without a jump.  The LAPIC rate is not
 * refined: it only decides when the interrupt fires, and an early one
 * finds nothing due and re-arms, a late one is late by its ppm error.
 */
#include "kernel/kpriv.h"
#include "kernel/platform.h"
#include "kernel/x86.h"

#define MIN_ARM_US   20          /* closer deadlines are armed this far out */
#define CAL_WINDOWS  5           /* boot windows (median), each... */
#define CAL_PIT      (PLATFORM_PIT_HZ / 2000)      /* ...~0.5 ms of PIT counts */
#define CAL_TRIES    3           /* readings per sample; the tightest wins */
#define REF_WINDOWS  5           /* background windows (median) */
#define REF_GAP_US   25000       /* between background samples: windows are
                                  * REF_WINDOWS x this long at least */
#define LVT_MASKED   (1u << 16)
#define DIV_BY_1     0xb

/* One reading of the three clocks at (nearly) one instant. */
struct cal_sample {
	uint64_t tsc;            /* midpoint of the bracket */
	uint64_t width;          /* bracket, TSC ticks: how far to trust it */
	uint32_t lapic;          /* midpoint of the two LAPIC reads */
	uint16_t pit;
};

static uint64_t lapic_hz, tsc_hz;
static uint64_t base_tsc, base_us;  /* now_us = base_us + (tsc - base_tsc) * us_mult >> 32 */
static uint64_t us_mult;
static uint64_t count_mult;       /* lapic counts = (microseconds * count_mult) >> 32 */
static uint64_t last_us;          /* now_us never goes backwards */
static uint64_t armed_us = UINT64_MAX;   /* deadline the LAPIC is counting to */

/* Background refinement; ref_due_tsc == 0: done (or not started). */
static struct cal_sample ref[2 * REF_WINDOWS];
static int nref;
static uint64_t ref_due_tsc;

static uint16_t pit_read(void)
{
	outb(PLATFORM_PIT_CMD, 0x00);                    /* latch channel 0 */
	uint8_t lo = inb(PLATFORM_PIT_CH0);
	uint8_t hi = inb(PLATFORM_PIT_CH0);
	return (uint16_t)(lo | (hi << 8));
}

/* Interrupts off.  The LAPIC reads mean something only while it counts
 * freely (boot calibration); later samples ignore them. */
static struct cal_sample sample(void)
{
	struct cal_sample best = { .width = UINT64_MAX };
	for (int i = 0; i < CAL_TRIES; i++) {
		uint64_t a = rdtsc();
		uint32_t la = lapic_read(LAPIC_TIMER_CUR);
		uint16_t p = pit_read();
		uint32_t lb = lapic_read(LAPIC_TIMER_CUR);
		uint64_t b = rdtsc();
		if (b - a < best.width) {
			best.tsc = a + (b - a) / 2;
			best.width = b - a;
			best.lapic = la - (la - lb) / 2;      /* counts down */
			best.pit = p;
		}
	}
	return best;
}

/* a * b / c without overflow while b * c fits in 64 bits (no __int128
 * division in a freestanding kernel). */
static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	return a / c * b + a % c * b / c;
}

static void sort_u64(uint64_t *a, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && a[j - 1] > a[j]; j--) {
			uint64_t t = a[j];
			a[j] = a[j - 1];
			a[j - 1] = t;
		}
}

/* Boot-time only: CAL_WINDOWS disjoint windows of CAL_PIT PIT counts. */
static void calibrate(void)
{
	uint64_t l[CAL_WINDOWS], t[CAL_WINDOWS];

	/* PIT channel 0, lobyte/hibyte, mode 2 (rate generator), count
	 * 65536: a free-running 16-bit down-counter at 1.193182 MHz.  It
	 * keeps running until the background refinement is done. */
	outb(PLATFORM_PIT_CMD, 0x34);
	outb(PLATFORM_PIT_CH0, 0);
	outb(PLATFORM_PIT_CH0, 0);
	lapic_write(LAPIC_TIMER_DIV, DIV_BY_1);
	lapic_write(LAPIC_TIMER_LVT, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);      /* ~4 s at 1 GHz: no wrap */

	for (int w = 0; w < CAL_WINDOWS; w++) {
		struct cal_sample s0 = sample(), s1;
		do {
			s1 = sample();
		} while ((uint16_t)(s0.pit - s1.pit) < CAL_PIT);
		uint64_t dp = (uint16_t)(s0.pit - s1.pit);
		l[w] = (uint64_t)(s0.lapic - s1.lapic) * PLATFORM_PIT_HZ / dp;
		t[w] = (s1.tsc - s0.tsc) * PLATFORM_PIT_HZ / dp;
		if (w == 0)
			ref[nref++] = s0;        /* the background's first sample */
	}

	sort_u64(l, CAL_WINDOWS);
	sort_u64(t, CAL_WINDOWS);
	lapic_hz = l[CAL_WINDOWS / 2];
	tsc_hz = t[CAL_WINDOWS / 2];
	kprintf("timer: calibration over %d windows of %u us: lapic %lu..%lu kHz, tsc %lu..%lu kHz\n",
		CAL_WINDOWS, (unsigned)(CAL_PIT * 1000000ull / PLATFORM_PIT_HZ),
		l[0] / 1000, l[CAL_WINDOWS - 1] / 1000, t[0] / 1000, t[CAL_WINDOWS - 1] / 1000);
	if (lapic_hz < 1000000ull || lapic_hz >= (1ull << 32) || tsc_hz < 1000000ull)
		panic("timer: calibration gave an impossible frequency");
}

/* now_us() counts from here: kmain calls this first thing. */
void timer_mark_boot(void)
{
	base_tsc = rdtsc();
}

void timer_init(void)
{
	calibrate();
	us_mult = (1000000ull << 32) / tsc_hz;
	if (!base_tsc)
		base_tsc = rdtsc();
	count_mult = (lapic_hz << 32) / 1000000u;      /* lapic_hz < 4 GHz: no overflow */
	lapic_write(LAPIC_TIMER_INIT, 0);                /* stopped until armed */
	lapic_write(LAPIC_TIMER_DIV, DIV_BY_1);
	lapic_write(LAPIC_TIMER_LVT, VEC_TIMER);         /* one-shot */
	ref_due_tsc = rdtsc() + tsc_hz * REF_GAP_US / 1000000u;
	kprintf("timer: lapic %lu kHz, tick one-shot to the next deadline (clock: tsc %lu kHz, refining)\n",
		lapic_hz / 1000, tsc_hz / 1000);
}

static uint64_t tsc_to_us(uint64_t tsc)
{
	return base_us + (uint64_t)(((unsigned __int128)(tsc - base_tsc) * us_mult) >> 32);
}

/*
 * PIT counts between two background samples.  The counter wraps every
 * 55 ms and samples may be seconds apart, so the whole wraps come from
 * the TSC at the boot rate, which is far closer than half a wrap
 * (27 ms) over any window we take: a 20% error would still do for 100 ms.
 */
static uint64_t pit_between(const struct cal_sample *a, const struct cal_sample *b)
{
	uint64_t d16 = (uint16_t)(a->pit - b->pit);
	uint64_t est = muldiv(b->tsc - a->tsc, PLATFORM_PIT_HZ, tsc_hz);
	uint64_t wraps = est > d16 ? (est - d16 + 32768) >> 16 : 0;
	return d16 + (wraps << 16);
}

/*
 * Interrupts off.  Take the due background sample; with all of them,
 * switch now_us() to the refined rate at this instant, so the clock
 * neither jumps nor goes back, and stop the PIT.
 */
static void refine(uint64_t now_tsc)
{
	ref[nref++] = sample();
	if (nref < 2 * REF_WINDOWS) {
		ref_due_tsc = now_tsc + tsc_hz * REF_GAP_US / 1000000u;
		return;
	}
	ref_due_tsc = 0;

	uint64_t t[REF_WINDOWS], span_us = UINT64_MAX;
	for (int w = 0; w < REF_WINDOWS; w++) {
		const struct cal_sample *a = &ref[w], *b = &ref[w + REF_WINDOWS];
		uint64_t dp = pit_between(a, b);
		t[w] = muldiv(b->tsc - a->tsc, PLATFORM_PIT_HZ, dp);
		uint64_t us = dp * 1000000u / PLATFORM_PIT_HZ;
		if (us < span_us)
			span_us = us;
	}
	sort_u64(t, REF_WINDOWS);
	uint64_t hz = t[REF_WINDOWS / 2];
	if (hz < tsc_hz / 2 || hz > tsc_hz * 2) {
		kprintf("timer: refinement gave tsc %lu kHz, kept %lu kHz\n", hz / 1000, tsc_hz / 1000);
	} else {
		uint64_t now = rdtsc();
		uint64_t us = tsc_to_us(now);
		int64_t ppm = ((int64_t)hz - (int64_t)tsc_hz) * 1000000 / (int64_t)tsc_hz;
		base_us = us;
		base_tsc = now;
		us_mult = (1000000ull << 32) / hz;
		tsc_hz = hz;
		kprintf("timer: refined over %d windows of >= %lu ms: tsc %lu kHz (%lu..%lu), %ld ppm from boot's\n",
			REF_WINDOWS, span_us / 1000, hz / 1000, t[0] / 1000, t[REF_WINDOWS - 1] / 1000, ppm);
	}
	/* Stop the PIT: mode 0 with a count, never reloaded (a running one
	 * costs QEMU a timer callback every 55 ms). */
	outb(PLATFORM_PIT_CMD, 0x30);
	outb(PLATFORM_PIT_CH0, 0xff);
	outb(PLATFORM_PIT_CH0, 0xff);
}

uint64_t now_us(void)
{
	if (!us_mult)
		return 0;
	uint64_t f = irq_save();
	uint64_t tsc = rdtsc();
	if (ref_due_tsc && tsc >= ref_due_tsc) {
		refine(tsc);
		tsc = rdtsc();
	}
	uint64_t us = tsc_to_us(tsc);
	if (us < last_us)
		us = last_us;
	last_us = us;
	irq_restore(f);
	return us;
}

uint64_t now_ms(void)
{
	return now_us() / 1000;
}

/*
 * Make the LAPIC interrupt at deadline_us (UINT64_MAX: never).  Called
 * with interrupts off by the scheduler whenever the earliest deadline may
 * have changed.  A deadline beyond the 32-bit counter's reach (~4 s at
 * 1 GHz) is approached in steps: the early interrupt finds nothing due
 * and re-arms.  While the refinement waits for a sample, an idle guest
 * wakes for it too (once per REF_GAP_US, REF_WINDOWS * 2 times).
 */
void timer_arm_us(uint64_t deadline_us)
{
	uint64_t now = now_us();
	if (ref_due_tsc) {
		uint64_t due = tsc_to_us(ref_due_tsc);
		if (due < deadline_us)
			deadline_us = due;
	}
	if (deadline_us == armed_us && armed_us > now)
		return;                  /* already counting to it */
	armed_us = deadline_us;
	if (deadline_us == UINT64_MAX) {
		lapic_write(LAPIC_TIMER_INIT, 0);
		return;
	}
	uint64_t dt = deadline_us > now + MIN_ARM_US ? deadline_us - now : MIN_ARM_US;
	uint64_t count = (uint64_t)(((unsigned __int128)dt * count_mult) >> 32);
	if (count > 0xffffffffull)
		count = 0xffffffffull;
	if (count == 0)
		count = 1;
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)count);
}

void timer_tick(void)
{
	armed_us = UINT64_MAX;           /* the one-shot has fired */
	sched_tick(now_us());
}
