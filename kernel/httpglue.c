/*
 * kernel/httpglue.c - what http/ asks of its host (http/sys.h), provided
 * by the kernel: the clock, page counts for /api/stats.json, and the
 * access-log switch from the boot command line.
 */
#include "kernel/kernel.h"
#include "http/sys.h"

uint64_t http_now_ms(void) { return now_ms(); }
size_t http_free_pages(void) { return pmm_free_pages(); }
size_t http_total_pages(void) { return pmm_total_pages(); }

/* accesslog=0 (or off/no) silences the per-request serial line, e.g. for
 * benchmarks: a line per request costs serial output time.  cmdline_get
 * may point into the raw line, so the value ends at a blank. */
int http_access_log_enabled(void)
{
	const char *v = cmdline_get("accesslog");
	if (!v)
		return 1;
	size_t n = 0;
	while (v[n] && v[n] != ' ' && v[n] != '\t')
		n++;
	return !((n == 1 && v[0] == '0') || (n == 3 && !strncmp(v, "off", 3)) ||
		 (n == 2 && !strncmp(v, "no", 2)));
}
