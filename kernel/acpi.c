/*
 * kernel/acpi.c - find the IOAPICs: the ACPI MADT when the PVH loader
 * gave us an RSDP, otherwise the single IOAPIC microvm has with acpi=off.
 *
 * Runs on boot.S's page tables (first 4 GiB mapped), before paging_init,
 * which then maps the IOAPIC windows found here.  Table lengths and
 * checksums are checked before any field is used.
 */
#include "kernel/kpriv.h"
#include "kernel/platform.h"

struct ioapic_info ioapics[MAX_IOAPICS];
unsigned n_ioapics;
int acpi_present;

struct rsdp {
	char sig[8];               /* "RSD PTR " */
	uint8_t checksum;
	char oem[6];
	uint8_t revision;          /* 0: ACPI 1.0 (RSDT only), >= 2: XSDT */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t xchecksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[6];
	char oem_table[8];
	uint32_t oem_rev;
	uint32_t creator;
	uint32_t creator_rev;
} __attribute__((packed));

#define MADT_IOAPIC 1

static int sum_ok(const void *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += ((const uint8_t *)p)[i];
	return s == 0;
}

static const struct sdt *sdt_at(uint64_t pa)
{
	const struct sdt *t = (const void *)(uintptr_t)pa;
	if (pa == 0 || pa >= (1ull << 32) || t->length < sizeof(*t) || t->length > (1u << 20) ||
	    !sum_ok(t, t->length))
		return NULL;
	return t;
}

static void parse_madt(const struct sdt *madt)
{
	const uint8_t *p = (const uint8_t *)madt + sizeof(*madt) + 8;  /* + LAPIC addr, flags */
	const uint8_t *end = (const uint8_t *)madt + madt->length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == MADT_IOAPIC && p[1] >= 12 && n_ioapics < MAX_IOAPICS) {
			struct ioapic_info *io = &ioapics[n_ioapics++];
			io->id = p[2];
			io->addr = *(const uint32_t *)(p + 4);
			io->gsi_base = *(const uint32_t *)(p + 8);
		}
		p += p[1];
	}
}

static const struct sdt *find_table(const char *sig)
{
	const struct rsdp *r = (const void *)(uintptr_t)boot_info.rsdp;
	if (!boot_info.rsdp || memcmp(r->sig, "RSD PTR ", 8) || !sum_ok(r, 20))
		return NULL;
	int x = r->revision >= 2 && r->xsdt;
	const struct sdt *root = sdt_at(x ? r->xsdt : r->rsdt);
	if (!root)
		return NULL;
	size_t esz = x ? 8 : 4;
	size_t n = (root->length - sizeof(*root)) / esz;
	const uint8_t *ents = (const uint8_t *)root + sizeof(*root);
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = x ? *(const uint64_t *)(ents + i * 8) : *(const uint32_t *)(ents + i * 4);
		const struct sdt *t = sdt_at(pa);
		if (t && !memcmp(t->sig, sig, 4))
			return t;
	}
	return NULL;
}

void acpi_init(void)
{
	const struct sdt *madt = find_table("APIC");
	if (madt) {
		acpi_present = 1;
		parse_madt(madt);
	}
	if (n_ioapics == 0) {
		ioapics[0].addr = PLATFORM_IOAPIC0_BASE;
		ioapics[0].gsi_base = 0;
		ioapics[0].id = 0;
		n_ioapics = 1;
	}
	for (unsigned i = 0; i < n_ioapics; i++)
		kprintf("acpi: ioapic %u at %#lx, gsi base %u%s\n", ioapics[i].id, ioapics[i].addr,
			ioapics[i].gsi_base, madt ? "" : " (no ACPI: microvm default)");
}
