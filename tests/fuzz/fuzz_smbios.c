/* libFuzzer: shim/fw_cfg.c's smbios_entry_make, which shim.rom runs on
 * QEMU's etc/smbios/smbios-anchor and etc/smbios/smbios-tables.
 *
 * Input: u8 A (clamped to 32), then A bytes: the anchor; u8 S: which table
 * address (below 4 GiB, at its end, above it); the rest: the structure
 * table. Each is copied to a buffer of exactly its length, so ASan reports
 * any access outside them.
 *
 * Checked: after a success, a 2.1 (31 bytes, "_SM_", both checksums zero)
 * or 3.0 (24 bytes, "_SM3_", checksum zero) entry point holding the given
 * address, the anchor's other bytes unchanged, and at least one structure;
 * after a failure, a message "smbios: ...". The seeds (tests/fuzz/corpus/
 * smbios) are entry points and tables shaped as QEMU's. */
#include "fuzz.h"
#include "fw_cfg.h"

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "fuzz_smbios: %s:%d: check failed: %s\n",   \
				__FILE__, __LINE__, #cond);                         \
			abort();                                                    \
		}                                                                   \
	} while (0)

static const uint64_t addrs[] = { 0x3ff20000, 0xffffffe0, 0x100000000ull };

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t alen = data[0] > SMBIOS_ENTRY_MAX + 1 ? SMBIOS_ENTRY_MAX + 1 : data[0];
	if (size < 2 + alen)
		return 0;
	uint64_t addr = addrs[data[1 + alen] % 3];
	size_t tlen = size - 2 - alen;
	uint8_t *anchor = malloc(alen ? alen : 1), *tables = malloc(tlen ? tlen : 1);
	CHECK(anchor && tables);
	memcpy(anchor, data + 1, alen);
	memcpy(tables, data + 2 + alen, tlen);
	struct smbios_entry ep;
	struct error err;
	err.msg[0] = 0;
	if (smbios_entry_make(anchor, alen, tables, (uint32_t)tlen, addr, &ep, &err) == 0) {
		CHECK(ep.structures >= 1);
		if (ep.len == sizeof(struct smbios21_entry)) {
			CHECK(!memcmp(ep.bytes, "_SM_", 4));
			CHECK(sum(ep.bytes, ep.len) == 0 && sum(ep.bytes + 16, 15) == 0);
			uint32_t a;
			memcpy(&a, ep.bytes + 24, 4);
			CHECK(a == addr && addr + tlen <= 0x100000000ull);
			CHECK(!memcmp(ep.bytes + 5, anchor + 5, 16 - 5));
		} else {
			CHECK(ep.len == sizeof(struct smbios30_entry));
			CHECK(!memcmp(ep.bytes, "_SM3_", 5) && sum(ep.bytes, ep.len) == 0);
			uint64_t a;
			memcpy(&a, ep.bytes + 16, 8);
			CHECK(a == addr);
			CHECK(!memcmp(ep.bytes + 6, anchor + 6, 16 - 6));
		}
	} else {
		CHECK(!strncmp(err.msg, "smbios: ", 8));
	}
	free(anchor);
	free(tables);
	return 0;
}
