/*
 * kernel/timer.c - calibrated time and the periodic tick.
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
 * Each calibration window is ~10 ms of PIT counts, read exactly at both
 * ends; the median of CAL_WINDOWS windows discards the ones where the
 * host descheduled us mid-window (one window alone was 6-47% off here).
 */
#include "kernel/kpriv.h"
#include "kernel/platform.h"
#include "kernel/x86.h"

#define MIN_ARM_US   20          /* closer deadlines are armed this far out */
#define CAL_WINDOWS  5
#define CAL_PIT      (PLATFORM_PIT_HZ / 100)       /* ~10 ms of PIT counts */
#define LVT_MASKED   (1u << 16)
#define DIV_BY_1     0xb

static uint64_t lapic_hz, tsc_hz;
static uint64_t tsc0;
static uint64_t us_mult;          /* microseconds = (tsc delta * us_mult) >> 32 */
static uint64_t count_mult;       /* lapic counts = (microseconds * count_mult) >> 32 */
static uint64_t last_us;          /* now_us never goes backwards */
static uint64_t armed_us = UINT64_MAX;   /* deadline the LAPIC is counting to */

static uint16_t pit_read(void)
{
	outb(PLATFORM_PIT_CMD, 0x00);                    /* latch channel 0 */
	uint8_t lo = inb(PLATFORM_PIT_CH0);
	uint8_t hi = inb(PLATFORM_PIT_CH0);
	return (uint16_t)(lo | (hi << 8));
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

/* Boot-time only: polls the PIT for CAL_WINDOWS x ~10 ms. */
static void calibrate(void)
{
	uint64_t l[CAL_WINDOWS], t[CAL_WINDOWS];

	/* PIT channel 0, lobyte/hibyte, mode 2 (rate generator), count
	 * 65536: a free-running 16-bit down-counter at 1.193182 MHz. */
	outb(PLATFORM_PIT_CMD, 0x34);
	outb(PLATFORM_PIT_CH0, 0);
	outb(PLATFORM_PIT_CH0, 0);
	lapic_write(LAPIC_TIMER_DIV, DIV_BY_1);
	lapic_write(LAPIC_TIMER_LVT, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);

	for (int w = 0; w < CAL_WINDOWS; w++) {
		uint16_t p0 = pit_read();
		uint64_t t0 = rdtsc();
		uint32_t l0 = lapic_read(LAPIC_TIMER_CUR);
		uint16_t p1;
		do {
			p1 = pit_read();
		} while ((uint16_t)(p0 - p1) < CAL_PIT);
		uint64_t t1 = rdtsc();
		uint32_t l1 = lapic_read(LAPIC_TIMER_CUR);
		uint64_t dp = (uint16_t)(p0 - p1);
		l[w] = (uint64_t)(l0 - l1) * PLATFORM_PIT_HZ / dp;
		t[w] = (t1 - t0) * PLATFORM_PIT_HZ / dp;
		if (l0 < l1)               /* the LAPIC count wrapped: start over */
			lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	}
	/* Stop the PIT: mode 0 with a count, never reloaded. */
	outb(PLATFORM_PIT_CMD, 0x30);
	outb(PLATFORM_PIT_CH0, 0xff);
	outb(PLATFORM_PIT_CH0, 0xff);

	uint64_t lmin, lmax, tmin, tmax;
	sort_u64(l, CAL_WINDOWS);
	sort_u64(t, CAL_WINDOWS);
	lmin = l[0], lmax = l[CAL_WINDOWS - 1], tmin = t[0], tmax = t[CAL_WINDOWS - 1];
	lapic_hz = l[CAL_WINDOWS / 2];
	tsc_hz = t[CAL_WINDOWS / 2];
	kprintf("timer: calibration over %d windows: lapic %lu..%lu kHz, tsc %lu..%lu kHz\n",
		CAL_WINDOWS, lmin / 1000, lmax / 1000, tmin / 1000, tmax / 1000);
	if (lapic_hz < 1000000ull || lapic_hz >= (1ull << 32) || tsc_hz < 1000000ull)
		panic("timer: calibration gave an impossible frequency");
}

/* now_us() counts from here: kmain calls this first thing. */
void timer_mark_boot(void)
{
	tsc0 = rdtsc();
}

void timer_init(void)
{
	calibrate();
	us_mult = (1000000ull << 32) / tsc_hz;
	if (!tsc0)
		tsc0 = rdtsc();
	count_mult = (lapic_hz << 32) / 1000000u;      /* lapic_hz < 4 GHz: no overflow */
	lapic_write(LAPIC_TIMER_INIT, 0);                /* stopped until armed */
	lapic_write(LAPIC_TIMER_DIV, DIV_BY_1);
	lapic_write(LAPIC_TIMER_LVT, VEC_TIMER);         /* one-shot */
	kprintf("timer: lapic %lu kHz, tick one-shot to the next deadline (clock: tsc %lu kHz)\n",
		lapic_hz / 1000, tsc_hz / 1000);
}

uint64_t now_us(void)
{
	if (!us_mult)
		return 0;
	uint64_t f = irq_save();
	uint64_t us = (uint64_t)(((unsigned __int128)(rdtsc() - tsc0) * us_mult) >> 32);
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
 * and re-arms.
 */
void timer_arm_us(uint64_t deadline_us)
{
	uint64_t now = now_us();
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
