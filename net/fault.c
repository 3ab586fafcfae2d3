/*
 * net/fault.c - a fault-injecting link, for testing the stack over a
 * real network: drop or corrupt a given percentage of frames each way.
 *
 * Off unless net_set_fault() (kernel cmdline netfault=drop:P,corrupt:P)
 * turns it on.  Corruption flips one random bit anywhere in the frame, so
 * it exercises every checksum and parser above; every fault is counted so
 * a test can tell injected loss from real loss.
 */
#include "net.h"
#include "netpriv.h"
#include "sys.h"

STATS_DEFINE(fault, FAULT_STATS)

static unsigned drop_pct, corrupt_pct;

void fault_reset(void)
{
	drop_pct = corrupt_pct = 0;
}

void net_set_fault(unsigned drop, unsigned corrupt)
{
	drop_pct = drop > 100 ? 100 : drop;
	corrupt_pct = corrupt > 100 ? 100 : corrupt;
	if (drop_pct || corrupt_pct)
		net_log("net: fault injection drop %u%% corrupt %u%%\n", drop_pct, corrupt_pct);
}

static int roll(unsigned pct)
{
	return pct && net_random32() % 100 < pct;
}

static void flip_bit(struct pbuf *p)
{
	if (!p->len)
		return;
	uint32_t r = net_random32();
	pbuf_data(p)[(r >> 3) % p->len] ^= (uint8_t)(1u << (r & 7));
}

int fault_rx(struct pbuf *p)
{
	if (roll(drop_pct)) {
		STAT_INC(fault, rx_drop);
		pbuf_free(p);
		return 1;
	}
	if (roll(corrupt_pct)) {
		STAT_INC(fault, rx_corrupt);
		flip_bit(p);
	}
	return 0;
}

int fault_tx(struct pbuf *p)
{
	if (roll(drop_pct)) {
		STAT_INC(fault, tx_drop);
		pbuf_free(p);
		return 1;
	}
	if (roll(corrupt_pct)) {
		STAT_INC(fault, tx_corrupt);
		flip_bit(p);
	}
	return 0;
}
