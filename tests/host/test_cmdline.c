/*
 * tests/host/test_cmdline.c - kernel/cmdline_parse.c: splitting the boot
 * command line, numbers with suffixes, virtio_mmio.device entries.
 */
#include <stdio.h>
#include "check.h"
#include "kernel/cmdline_parse.h"

static void test_split_basic(void)
{
	char buf[] = "test=sleep  ip=10.0.2.15/24 quiet gw=10.0.2.2";
	struct cmdline_kv kv[8];
	int n = cmdline_split(buf, kv, 8, NULL);
	CHECK_EQ(n, 4);
	CHECK_STR(kv[0].key, "test");
	CHECK_STR(kv[0].val, "sleep");
	CHECK_STR(kv[1].key, "ip");
	CHECK_STR(kv[1].val, "10.0.2.15/24");
	CHECK_STR(kv[2].key, "quiet");
	CHECK_STR(kv[2].val, "");
	CHECK_STR(kv[3].key, "gw");
	CHECK_STR(kv[3].val, "10.0.2.2");
}

static void test_split_edges(void)
{
	struct cmdline_kv kv[8];
	char empty[] = "";
	CHECK_EQ(cmdline_split(empty, kv, 8, NULL), 0);
	char blanks[] = "   \t  ";
	CHECK_EQ(cmdline_split(blanks, kv, 8, NULL), 0);
	/* QEMU prefixes a space to the virtio entries it adds. */
	char lead[] = " virtio_mmio.device=512@0xfeb00e00:12";
	CHECK_EQ(cmdline_split(lead, kv, 8, NULL), 1);
	CHECK_STR(kv[0].key, "virtio_mmio.device");
	CHECK_STR(kv[0].val, "512@0xfeb00e00:12");
	/* Only the first '=' splits; a value may contain more. */
	char eq[] = "a=b=c =x k= ";
	int n = cmdline_split(eq, kv, 8, NULL);
	CHECK_EQ(n, 2);
	CHECK_STR(kv[0].key, "a");
	CHECK_STR(kv[0].val, "b=c");
	CHECK_STR(kv[1].key, "k");
	CHECK_STR(kv[1].val, "");
	/* Quotes group blanks and are removed. */
	char q[] = "msg=\"hello world\" x=1";
	n = cmdline_split(q, kv, 8, NULL);
	CHECK_EQ(n, 2);
	CHECK_STR(kv[0].val, "hello world");
	CHECK_STR(kv[1].key, "x");
	/* An unterminated quote runs to the end, no overrun. */
	char uq[] = "m=\"abc def";
	n = cmdline_split(uq, kv, 8, NULL);
	CHECK_EQ(n, 1);
	CHECK_STR(kv[0].val, "abc def");
}

static void test_split_limit(void)
{
	char buf[] = "a=1 b=2 c=3 d=4 e=5";
	struct cmdline_kv kv[3];
	int dropped = -1;
	int n = cmdline_split(buf, kv, 3, &dropped);
	CHECK_EQ(n, 3);
	CHECK_EQ(dropped, 2);
	CHECK_STR(kv[2].key, "c");
	CHECK_STR(kv[2].val, "3");
}

static void test_numbers(void)
{
	uint64_t v;
	const char *end;
	CHECK_EQ(cmdline_parse_u64("512", &v, &end), 0);
	CHECK_EQ(v, 512);
	CHECK_EQ(*end, 0);
	CHECK_EQ(cmdline_parse_u64("0xFEB00E00:", &v, &end), 0);
	CHECK_EQ(v, 0xfeb00e00);
	CHECK_EQ(*end, ':');
	CHECK_EQ(cmdline_parse_u64("4K", &v, NULL), 0);
	CHECK_EQ(v, 4096);
	CHECK_EQ(cmdline_parse_u64("2M", &v, NULL), 0);
	CHECK_EQ(v, 2u << 20);
	CHECK_EQ(cmdline_parse_u64("1g", &v, NULL), 0);
	CHECK_EQ(v, 1u << 30);
	CHECK_EQ(cmdline_parse_u64("18446744073709551615", &v, NULL), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(cmdline_parse_u64("18446744073709551616", &v, NULL), -1);
	CHECK_EQ(cmdline_parse_u64("0xffffffffffffffffff", &v, NULL), -1);
	CHECK_EQ(cmdline_parse_u64("17179869184G", &v, NULL), -1);
	CHECK_EQ(cmdline_parse_u64("", &v, NULL), -1);
	CHECK_EQ(cmdline_parse_u64("0x", &v, NULL), -1);
	CHECK_EQ(cmdline_parse_u64("x12", &v, NULL), -1);
}

static void test_virtio_mmio(void)
{
	uint64_t size, base;
	unsigned irq;
	CHECK_EQ(cmdline_parse_virtio_mmio("512@0xfeb00e00:12", &size, &base, &irq), 0);
	CHECK_EQ(size, 512);
	CHECK_EQ(base, 0xfeb00e00);
	CHECK_EQ(irq, 12);
	CHECK_EQ(cmdline_parse_virtio_mmio("4K@0xfeb00000:5:3", &size, &base, &irq), 0);
	CHECK_EQ(size, 4096);
	CHECK_EQ(irq, 5);
	CHECK_EQ(cmdline_parse_virtio_mmio("512@0xfeb00e00", &size, &base, &irq), -1);
	CHECK_EQ(cmdline_parse_virtio_mmio("512:0xfeb00e00:12", &size, &base, &irq), -1);
	CHECK_EQ(cmdline_parse_virtio_mmio("@0xfeb00e00:12", &size, &base, &irq), -1);
	CHECK_EQ(cmdline_parse_virtio_mmio("0@0xfeb00e00:12", &size, &base, &irq), -1);
	CHECK_EQ(cmdline_parse_virtio_mmio("512@0xfeb00e00:12x", &size, &base, &irq), -1);
	CHECK_EQ(cmdline_parse_virtio_mmio("512@0xfeb00e00:99999", &size, &base, &irq), -1);
	CHECK_EQ(cmdline_parse_virtio_mmio("", &size, &base, &irq), -1);
}

int main(void)
{
	RUN(test_split_basic);
	RUN(test_split_edges);
	RUN(test_split_limit);
	RUN(test_numbers);
	RUN(test_virtio_mmio);
	return check_done();
}
