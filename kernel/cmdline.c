/*
 * kernel/cmdline.c - the boot command line as key=value pairs.
 *
 * Unknown keys are logged, never fatal: QEMU, a boot script or another
 * layer may pass keys the core does not know about.
 */
#include "kernel/kpriv.h"
#include "kernel/cmdline_parse.h"

#define MAX_ARGS 64

static char buf[BOOT_CMDLINE_MAX];
static struct cmdline_kv kv[MAX_ARGS];
static int nkv;

/* Keys some part of Quartz reads (add yours when you read a new one). */
static const char *const known[] = {
	"test",                 /* kernel/ktest.c and other layers' test modes */
	"virtio_mmio.device",   /* QEMU microvm, acpi=off: platform.c */
	"ip", "gw", "netfault", "stats_every", "netexit",  /* kernel/netmain.c */
	"accesslog",            /* kernel/httpglue.c */
	"netmask", "mac", "port", "loglevel", "quiet",
	"console", "earlyprintk", "reboot", "panic", "pci", "root",
};

void cmdline_init(void)
{
	memcpy(buf, boot_info.cmdline, sizeof(buf));
	int dropped = 0;
	nkv = cmdline_split(buf, kv, MAX_ARGS, &dropped);
	if (dropped)
		kprintf("cmdline: %d words beyond the first %d ignored\n", dropped, MAX_ARGS);
	for (int i = 0; i < nkv; i++) {
		int ok = 0;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(kv[i].key, known[k]))
				ok = 1;
		if (!ok)
			kprintf("cmdline: unknown key \"%s\" (ignored)\n", kv[i].key);
	}
}

const char *cmdline_get_nth(const char *key, unsigned n)
{
	for (int i = 0; i < nkv; i++)
		if (!strcmp(kv[i].key, key) && n-- == 0)
			return kv[i].val;
	return NULL;
}

const char *cmdline_get(const char *key)
{
	return cmdline_get_nth(key, 0);
}

const char *cmdline_raw(void)
{
	return boot_info.cmdline;
}
