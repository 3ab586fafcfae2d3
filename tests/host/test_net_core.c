/*
 * tests/host/test_net_core.c - pbuf pool, stats registry, checksum and
 * address helpers.
 */
#include "support/nettest.h"

static void test_pbuf_alloc_free_all(void)
{
	net_setup();
	static struct pbuf *all[PBUF_COUNT];
	uint64_t fail0 = pbuf_stats.alloc_fail;
	for (unsigned i = 0; i < PBUF_COUNT; i++) {
		all[i] = pbuf_alloc(NET_HEADROOM);
		CHECK(all[i] != NULL);
	}
	CHECK_EQ(pbuf_free_count(), 0);
	CHECK(pbuf_alloc(0) == NULL);
	CHECK_EQ(pbuf_stats.alloc_fail, fail0 + 1);
	for (unsigned i = 0; i < PBUF_COUNT; i++)
		pbuf_free(all[i]);
	CHECK_EQ(pbuf_free_count(), PBUF_COUNT);
	net_teardown();
}

static void test_pbuf_push_pull_put_trim(void)
{
	net_setup();
	struct pbuf *p = pbuf_alloc(16);
	CHECK_EQ(p->off, 16);
	CHECK_EQ(p->len, 0);
	uint8_t *t = pbuf_put(p, 10);
	CHECK(t == p->buf + 16);
	CHECK_EQ(p->len, 10);
	CHECK(pbuf_push(p, 16) == p->buf);
	CHECK_EQ(p->len, 26);
	CHECK(pbuf_push(p, 1) == NULL);             /* no headroom left */
	CHECK(pbuf_pull(p, 27) == NULL);            /* more than there is */
	CHECK(pbuf_pull(p, 6) == p->buf + 6);
	CHECK_EQ(p->len, 20);
	pbuf_trim(p, 5);
	CHECK_EQ(p->len, 5);
	pbuf_trim(p, 50);                           /* never grows */
	CHECK_EQ(p->len, 5);
	CHECK_EQ(pbuf_tailroom(p), PBUF_BUFSZ - 6 - 5);
	CHECK(pbuf_put(p, pbuf_tailroom(p) + 1) == NULL);
	CHECK(pbuf_put(p, pbuf_tailroom(p)) != NULL);
	CHECK(pbuf_alloc(PBUF_BUFSZ + 1) == NULL);
	pbuf_free(p);
	net_teardown();
}

static void test_pbuf_double_free_counted(void)
{
	net_setup();
	struct pbuf *p = pbuf_alloc(0);
	uint64_t df = pbuf_stats.double_free, bf = pbuf_stats.bad_free;
	pbuf_free(p);
	unsigned n = pbuf_free_count();
	pbuf_free(p);                               /* the bug: counted, ignored */
	CHECK_EQ(pbuf_stats.double_free, df + 1);
	CHECK_EQ(pbuf_free_count(), n);
	CHECK(hostsys_log_contains("pbuf: double free"));
	static struct pbuf fake;
	pbuf_free(&fake);                           /* not from the pool */
	struct pbuf *q = pbuf_alloc(0);
	pbuf_free((struct pbuf *)((char *)q + 1));  /* inside the pool, misaligned */
	CHECK_EQ(pbuf_stats.bad_free, bf + 2);
	CHECK_EQ(pbuf_free_count(), n - 1);         /* q is still allocated */
	pbuf_free(q);
	pbuf_free_chain(NULL);
	net_teardown();
}

static void test_pbuf_free_chain(void)
{
	net_setup();
	struct pbuf *a = pbuf_alloc(0), *b = pbuf_alloc(0), *c = pbuf_alloc(0);
	a->next = b;
	b->next = c;
	pbuf_free_chain(a);
	net_teardown();
}

static void test_stats_registry(void)
{
	net_setup();
	CHECK(stats_group_count() >= 6);
	unsigned n = stats_group_count();
	stats_register(&ip_stat_group);             /* idempotent */
	CHECK_EQ(stats_group_count(), n);
	const char *want[] = { "pbuf", "eth", "arp", "ip", "icmp", "fault" };
	for (unsigned w = 0; w < 6; w++) {
		int found = 0;
		for (unsigned i = 0; i < n; i++)
			found += strcmp(stats_group_at(i)->name, want[w]) == 0;
		CHECK_EQ(found, 1);
	}
	CHECK(stats_group_at(n) == NULL);
	CHECK(stats_find("ip", "drop_csum") == &ip_stats.drop_csum);
	CHECK(stats_find("ip", "nonesuch") == NULL);
	CHECK(stats_find("nonesuch", "rx") == NULL);
	ip_stats.drop_csum = 12345678901ull;
	hostsys_log_clear();
	stats_log();
	CHECK(hostsys_log_contains("net: stats ip rx=0 "));
	CHECK(hostsys_log_contains(" drop_csum=12345678901 "));
	CHECK(hostsys_log_contains("net: stats pbuf alloc="));
	CHECK(hostsys_log_contains("net: stats fault rx_drop=0 rx_corrupt=0 tx_drop=0 tx_corrupt=0\n"));
	/* No line over the buffer: every line starts with the prefix. */
	const char *s = hostsys_log();
	while (*s) {
		CHECK(strncmp(s, "net: stats ", 11) == 0);
		const char *nl = strchr(s, '\n');
		if (!nl)
			break;
		CHECK(nl - s < 480);
		s = nl + 1;
	}
	net_teardown();
}

/* A group too long for one line continues on more lines, same prefix,
 * every counter exactly once. */
static void test_stats_log_splits_long_groups(void)
{
	net_setup();
	static char names_buf[80][32];
	static const char *names[80];
	static uint64_t vals[80];
	for (unsigned i = 0; i < 80; i++) {
		snprintf(names_buf[i], sizeof(names_buf[i]), "some_long_counter_%02u", i);
		names[i] = names_buf[i];
		vals[i] = 18446744073709551615ull - i;
	}
	static struct stat_group big = { "big", names, vals, 80 };
	stats_register(&big);
	hostsys_log_clear();
	stats_log();
	CHECK(hostsys_log_count("net: stats big ") >= 4);
	for (unsigned i = 0; i < 80; i++) {
		char want[64];
		snprintf(want, sizeof(want), " some_long_counter_%02u=%llu", i,
			(unsigned long long)vals[i]);
		CHECK_EQ(hostsys_log_count(want), 1);
	}
	const char *s = hostsys_log();
	while (*s) {
		const char *nl = strchr(s, '\n');
		CHECK(nl != NULL);
		if (!nl)
			break;
		CHECK(nl - s < 480);
		s = nl + 1;
	}
	net_teardown();
}

/* Reference: RFC 1071 straight from the definition, big-endian words. */
static uint16_t ref_csum(const uint8_t *d, unsigned len)
{
	uint32_t sum = 0;
	for (unsigned i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(d[i] << 8 | d[i + 1]);
	if (len & 1)
		sum += (uint32_t)d[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void test_checksum_vs_reference(void)
{
	static uint8_t buf[4096 + 16];
	srand(7);
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (int iter = 0; iter < 3000; iter++) {
		unsigned start = (unsigned)rand() % 16;     /* odd and even alignment */
		unsigned len = (unsigned)rand() % 4097;     /* odd and even lengths */
		if (iter < 64)
			len = (unsigned)iter, start = (unsigned)iter % 3;
		uint16_t got = ntohs(inet_csum(buf + start, len));
		uint16_t want = ref_csum(buf + start, len);
		if (got != want) {
			CHECK_EQ(got, want);
			printf("  start=%u len=%u\n", start, len);
			break;
		}
	}
	/* All 0xff bytes: the sum that stresses every carry. */
	memset(buf, 0xff, sizeof(buf));
	CHECK_EQ(ntohs(inet_csum(buf, 4096)), ref_csum(buf, 4096));
	CHECK_EQ(ntohs(inet_csum(buf + 1, 4095)), ref_csum(buf + 1, 4095));
	/* Chaining even chunks equals one pass. */
	for (unsigned i = 0; i < 100; i++)
		buf[i] = (uint8_t)(i * 7);
	uint32_t s = csum_partial(buf, 40, 0);
	s = csum_partial(buf + 40, 60, s);
	CHECK_EQ(csum_fold(s), inet_csum(buf, 100));
	/* A buffer with its own checksum in it sums to zero. */
	uint8_t h[20] = { 0x45, 0, 0, 20, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 2, 15, 10, 0, 2, 2 };
	uint16_t c = inet_csum(h, 20);
	memcpy(h + 10, &c, 2);
	CHECK_EQ(inet_csum(h, 20), 0);
}

static void test_checksum_pseudo(void)
{
	/* Pseudo header built by hand, summed by the reference. */
	uint8_t ph[12] = { 10, 0, 2, 15, 10, 0, 2, 2, 0, 6, 0x05, 0xdc };
	uint32_t s = csum_pseudo(htonl(0x0a00020f), htonl(0x0a000202), 6, 1500);
	CHECK_EQ(ntohs(csum_fold(s)), ref_csum(ph, 12));
}

static void test_ip_parse_format(void)
{
	uint32_t ip = 0;
	CHECK_EQ(net_parse_ip("10.0.2.15", &ip), 0);
	CHECK_EQ(ip, 0x0a00020f);
	CHECK_EQ(net_parse_ip("255.255.255.255", &ip), 0);
	CHECK_EQ(ip, 0xffffffffu);
	CHECK_EQ(net_parse_ip("0.0.0.0", &ip), 0);
	CHECK_EQ(ip, 0);
	const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4 ",
		"a.b.c.d", "1.2.3.-4", "1234.1.1.1", ".1.2.3", "1.2.3.", "0001.1.1.1" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ip = 77;
		CHECK_EQ(net_parse_ip(bad[i], &ip), -1);
		CHECK_EQ(ip, 77);
	}
	char b[16];
	net_format_ip(0x0a00020f, b);
	CHECK_STR(b, "10.0.2.15");
	net_format_ip(0xffffffffu, b);
	CHECK_STR(b, "255.255.255.255");
	net_format_ip(0, b);
	CHECK_STR(b, "0.0.0.0");
	net_format_ip(0x64090a63, b);
	CHECK_STR(b, "100.9.10.99");
}

static void test_configure_and_deadline_idle(void)
{
	net_setup();
	CHECK_EQ(F.nif.ip, US_IP);
	CHECK_EQ(F.nif.netmask, 0xffffff00u);
	CHECK_EQ(F.nif.gw, GW_IP);
	CHECK(hostsys_log_contains("net: ip 10.0.2.15/24 gw 10.0.2.2"));
	CHECK_EQ(net_next_deadline(0), NET_NO_DEADLINE);
	CHECK_EQ(net_poll(5), 0);
	CHECK_EQ(F.tx_frames, 0);                    /* an idle stack says nothing */
	net_configure(US_IP, 0, 0);
	CHECK_EQ(F.nif.netmask, 0);
	net_configure(US_IP, 32, 0);
	CHECK_EQ(F.nif.netmask, 0xffffffffu);
	net_teardown();
}

int main(void)
{
	RUN(test_pbuf_alloc_free_all);
	RUN(test_pbuf_push_pull_put_trim);
	RUN(test_pbuf_double_free_counted);
	RUN(test_pbuf_free_chain);
	RUN(test_stats_registry);
	RUN(test_stats_log_splits_long_groups);
	RUN(test_checksum_vs_reference);
	RUN(test_checksum_pseudo);
	RUN(test_ip_parse_format);
	RUN(test_configure_and_deadline_idle);
	return check_done();
}
