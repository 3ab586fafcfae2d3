/*
 * kernel/cmdline_parse.h - the boot command line's grammar, pure (also
 * built on the host: tests/host/test_cmdline.c).
 *
 *   cmdline := word (' '+ word)*
 *   word    := key ['=' value]      value may contain "double quoted" spans
 */
#ifndef KERNEL_CMDLINE_PARSE_H
#define KERNEL_CMDLINE_PARSE_H

#include <stdint.h>

struct cmdline_kv {
	const char *key;
	const char *val;       /* "" for a bare word */
};

/* Split buf in place into at most max pairs; returns how many were found
 * (extra words beyond max are dropped and counted in *dropped if given). */
int cmdline_split(char *buf, struct cmdline_kv *kv, int max, int *dropped);

/* Parse an unsigned number: decimal, or hex with 0x; an optional K/M/G
 * suffix multiplies by 2^10/2^20/2^30.  Stops at *end (may be NULL).
 * Returns 0, or -1 if there are no digits or it overflows. */
int cmdline_parse_u64(const char *s, uint64_t *out, const char **end);

/* Linux's virtio_mmio.device=<size>@<base>:<irq>[:<id>] */
int cmdline_parse_virtio_mmio(const char *val, uint64_t *size, uint64_t *base, unsigned *irq);

#endif
