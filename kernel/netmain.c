/*
 * kernel/netmain.c - the network task: wires the NIC driver, the stack and
 * the HTTP server together and runs the stack's loop.
 *
 * One task owns all of it.  It sleeps until the NIC interrupt signals its
 * event or until the earliest deadline any layer asked for, then polls.
 * Nothing here spins: an idle guest sits in event_wait().
 *
 * Command line (all optional):
 *   ip=A.B.C.D/PREFIX  gw=A.B.C.D     default 10.0.2.15/24 gw 10.0.2.2
 *   netfault=drop:P,corrupt:P         fault injection, percent
 *   stats_every=SECONDS               `net: stats` lines every so often
 *   netexit=SECONDS                   dump stats and exit QEMU then (tests)
 */
#include "kernel/kernel.h"
#include "net/net.h"
#include "http/http.h"
#include "drivers/virtio/virtio_net.h"

void netmain_start(void);

/*
 * http/ is another helper's layer and may be absent from a build that
 * leaves it out (KERNEL_EXCLUDE); a weak reference lets the kernel link
 * and run as a bare ping target then.
 */
int http_start(uint16_t port, uint64_t now_ms) __attribute__((weak));

static struct event net_event;

/* Copy a command-line value up to the next blank (cmdline_get may point
 * into the raw line).  Returns dst, or NULL if the key is absent. */
static char *cmdline_copy(const char *key, char *dst, size_t cap)
{
	const char *v = cmdline_get(key);
	if (!v)
		return NULL;
	size_t i = 0;
	while (v[i] && v[i] != ' ' && v[i] != '\t' && i + 1 < cap) {
		dst[i] = v[i];
		i++;
	}
	dst[i] = 0;
	return dst;
}

/* Parse a decimal number from s; *end after it.  -1 if there is none. */
static long parse_num(const char *s, const char **end)
{
	long v = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9' && v < 100000000)
		v = v * 10 + (*p++ - '0');
	*end = p;
	return p == s ? -1 : v;
}

static void configure_ip(void)
{
	uint32_t ip = (10u << 24) | (0u << 16) | (2u << 8) | 15u;   /* QEMU SLIRP's guest */
	uint32_t gw = (10u << 24) | (0u << 16) | (2u << 8) | 2u;
	unsigned prefix = 24;
	char buf[40];

	if (cmdline_copy("ip", buf, sizeof buf)) {
		char *slash = buf;
		while (*slash && *slash != '/')
			slash++;
		long pfx = prefix;
		if (*slash == '/') {
			const char *end;
			*slash = 0;
			pfx = parse_num(slash + 1, &end);
			if (*end || pfx < 0 || pfx > 32)
				pfx = -1;
		}
		uint32_t a;
		if (net_parse_ip(buf, &a) == 0 && pfx >= 0) {
			ip = a;
			prefix = (unsigned)pfx;
		} else {
			kprintf("net: bad ip= on the command line, using the default\n");
		}
	}
	if (cmdline_copy("gw", buf, sizeof buf)) {
		uint32_t a;
		if (net_parse_ip(buf, &a) == 0)
			gw = a;
		else
			kprintf("net: bad gw= on the command line, using the default\n");
	}
	net_configure(ip, prefix, gw);          /* logs `net: ip A/P gw G` */
}

/* netfault=drop:P,corrupt:P (either part optional) */
static void configure_faults(void)
{
	char buf[64];
	if (!cmdline_copy("netfault", buf, sizeof buf))
		return;
	long drop = 0, corrupt = 0;
	const char *p = buf;
	while (*p) {
		long *dst = NULL;
		if (!strncmp(p, "drop:", 5)) {
			dst = &drop;
			p += 5;
		} else if (!strncmp(p, "corrupt:", 8)) {
			dst = &corrupt;
			p += 8;
		}
		const char *end;
		long v = dst ? parse_num(p, &end) : -1;
		if (v < 0 || v > 100 || (*end && *end != ',')) {
			kprintf("net: bad netfault=%s (want drop:P,corrupt:P), ignored\n", buf);
			return;
		}
		*dst = v;
		p = *end ? end + 1 : end;
	}
	net_set_fault((unsigned)drop, (unsigned)corrupt);
	kprintf("net: fault injection drop %ld%% corrupt %ld%%\n", drop, corrupt);
}

static uint64_t cmdline_seconds(const char *key)
{
	char buf[16];
	if (!cmdline_copy(key, buf, sizeof buf))
		return 0;
	const char *end;
	long v = parse_num(buf, &end);
	return v > 0 && !*end ? (uint64_t)v * 1000 : 0;
}

static void net_task(void *arg)
{
	(void)arg;
	uint64_t now = now_ms();
	net_init(now);
	struct netif *nif = virtio_net_probe(&net_event);
	if (!nif) {
		kprintf("net: no network interface; network task idle\n");
		for (;;)
			event_wait(&net_event, NET_NO_DEADLINE);
	}
	net_attach(nif);
	configure_ip();
	configure_faults();

	now = now_ms();
	if (http_start) {
		if (http_start(80, now) < 0)
			kprintf("net: http_start failed\n");
	} else {
		kprintf("net: http not built in\n");
	}
	/* One ping to the gateway: proves ARP + IP + ICMP + the driver both
	 * ways at boot (the reply is logged by the stack). */
	if (net_ping(nif->gw, 1, 56, now) != NET_OK)
		kprintf("net: boot ping to the gateway not sent\n");

	uint64_t stats_every = cmdline_seconds("stats_every");
	uint64_t exit_at = cmdline_seconds("netexit");
	uint64_t next_stats = stats_every ? now + stats_every : NET_NO_DEADLINE;
	if (exit_at)
		exit_at += now;

	for (;;) {
		now = now_ms();
		net_poll(now);
		if (now >= next_stats) {
			stats_log();
			next_stats = now + stats_every;
		}
		if (exit_at && now >= exit_at) {
			kprintf("net: exit after %llu ms\n", (unsigned long long)now);
			stats_log();
			platform_exit(0);
		}
		uint64_t dl = net_next_deadline(now);
		if (virtio_net_rx_starved(nif) && dl > now + VIRTIO_NET_STARVED_RETRY_MS)
			dl = now + VIRTIO_NET_STARVED_RETRY_MS;
		if (next_stats < dl)
			dl = next_stats;
		if (exit_at && exit_at < dl)
			dl = exit_at;
		event_wait(&net_event, dl);
	}
}

void netmain_start(void)
{
	event_init(&net_event);
	if (!task_create("net", net_task, NULL))
		panic("netmain: cannot create the network task");
}
