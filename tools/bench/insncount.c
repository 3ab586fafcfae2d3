/*
 * insncount.c - a QEMU TCG plugin that counts guest instructions, so the
 * benchmark can report instructions per HTTP request for both guests.
 *
 *   qemu-system-x86_64 ... -plugin insncount.so,out=/tmp/count
 *
 * Every translated block gets an inline "add n_insns to the counter" at its
 * entry (no helper call, so the guest slows little).  A thread writes the
 * running total to OUT every 20 ms (to OUT.tmp, then rename, so a reader
 * never sees half a number); the benchmark reads it before and after a
 * fixed number of requests and subtracts the idle rate.  A block left early
 * by an exception is counted whole: an over-count of a few instructions
 * per interrupt, the same for both guests.
 *
 * QEMU 7.2 speaks plugin API version 1.  Debian ships QEMU with plugin
 * support but without the qemu-plugin.h header, so the few declarations
 * used are written out here from the documented API.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;         /* used only by pointer */
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
                                              enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

/* Written by the vCPU thread's generated code, read by the writer thread:
 * an aligned 64-bit load on x86_64 sees an old or a new value, never a mix. */
static uint64_t insns __attribute__((aligned(8)));
static char out[4096];

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &insns,
	                                         qemu_plugin_tb_n_insns(tb));
}

static void *writer(void *arg)
{
	char tmp[sizeof out + 8];
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	(void)arg;
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	for (;;) {
		FILE *f = fopen(tmp, "w");
		if (f) {
			fprintf(f, "%llu\n", (unsigned long long)__atomic_load_n(&insns, __ATOMIC_RELAXED));
			if (fclose(f) == 0)
				rename(tmp, out);
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	pthread_t t;
	(void)info;
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			snprintf(out, sizeof out, "%s", argv[i] + 4);
	if (!out[0]) {
		fprintf(stderr, "insncount: need out=FILE\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	if (pthread_create(&t, NULL, writer, NULL) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}
