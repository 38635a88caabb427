/* libFuzzer: efi_memmap_convert, the UEFI memory map (GetMemoryMap's
 * descriptors, UEFI 2.10 section 7.2) as the core's memory map.
 *
 * Input: byte 0 = flags (bit 0: EFI_MAP_FOR_KERNEL, else EFI_MAP_FREE_NOW),
 * bytes 1..2 = the descriptor size (u16, little-endian), then the map
 * (the rest; copied to a buffer of exactly its length, so ASan sees any
 * read past it).
 *
 * The expected result is computed here from the input bytes: descriptor
 * sizes outside [40, 4096] refused; each whole descriptor's type, address
 * and page count read at their offsets in EFI_MEMORY_DESCRIPTOR; a page
 * count that does not fit 64 bits once shifted refused; empty ranges
 * dropped, ranges past 2^64 clipped; more than MEMMAP_INPUT_MAX refused;
 * and each EFI type's e820 type taken from the literal table below.
 * A map that fills the table (MEMMAP_INPUT_MAX non-empty descriptors) may
 * be merged as it is converted (efi_memmap.h): then, if it converts, the
 * result once sanitised must be memmap_check.h's model of all of them.
 * tests/fuzz/mkcorpus.py writes the seed corpus. */
#include "fuzz.h"
#include "efi_memmap.h"
#include "memmap_check.h"

#define CHECK MM_CHECK
#define NOCOV MM_NOCOV

/* sizeof(EFI_MEMORY_DESCRIPTOR) in UEFI 2.10; the shim's upper bound. */
#define DESC_MIN 40
#define DESC_MAX 4096
#define PAGE_SHIFT 12

/* e820 type per EFI_MEMORY_TYPE (0..15), as Linux's EFI stub maps them
 * (drivers/firmware/efi/libstub/x86-stub.c, setup_e820()): loader and boot
 * services memory is free only once boot services have exited; runtime
 * services, MMIO, PAL code, unaccepted memory (the stub's choice without
 * CONFIG_UNACCEPTED_MEMORY) and every other value stay reserved. */

/* Merged or not, a converted map describes the same memory as its
 * descriptors: the model of what it holds is the model of every one. */
static void same_memory(const struct mem_range *all, size_t nall, const struct memmap *m)
{
	static struct mem_range want[MM_MODEL_MAX], got[MM_MODEL_MAX];
	CHECK(m->n <= MEMMAP_MAX);
	size_t nw = mm_model(all, nall, want, MM_MODEL_MAX);
	size_t ng = mm_model(m->e, m->n, got, MM_MODEL_MAX);
	CHECK(nw <= MM_MODEL_MAX && ng == nw);
	for (size_t i = 0; i < nw; i++)
		CHECK(want[i].base == got[i].base && want[i].size == got[i].size &&
		      want[i].type == got[i].type);
}

static const uint32_t want_type[2][16] = {
	/* Reserved, LoaderCode, LoaderData, BSCode, BSData, RTCode, RTData,
	 * Conventional, Unusable, ACPIReclaim, ACPINVS, MMIO, MMIOPort, PalCode,
	 * Persistent, Unaccepted */
	[EFI_MAP_FREE_NOW] = { 2, 2, 2, 2, 2, 2, 2, 1, 5, 3, 4, 2, 2, 2, 7, 2 },
	[EFI_MAP_FOR_KERNEL] = { 2, 1, 1, 1, 1, 2, 2, 1, 5, 3, 4, 2, 2, 2, 7, 2 },
};
#define OTHER_TYPE 2

NOCOV static uint64_t ld(const uint8_t *p, size_t len)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

NOCOV static void check_msg(const struct error *e, const char *prefix, const char *what)
{
	CHECK(memchr(e->msg, '\0', sizeof(e->msg)));
	if (strncmp(e->msg, prefix, strlen(prefix)) || !strstr(e->msg, what)) {
		fprintf(stderr, "fuzz_efi_memmap: message \"%s\", expected \"%s...%s...\"\n",
			e->msg, prefix, what);
		abort();
	}
}

/* Compare m with the map the input describes. */
NOCOV static void check(const uint8_t *map, size_t size, uint64_t desc_size,
			enum efi_map_use use, int rc, const struct memmap *m, const struct error *e)
{
	if (desc_size < DESC_MIN || desc_size > DESC_MAX) {
		CHECK(rc == -1 && m->n == 0);
		check_msg(e, "uefi: ", "descriptor size");
		return;
	}
	/* Every non-empty descriptor, as the model's input. */
	static struct mem_range all[MM_MODEL_MAX];
	size_t nall = 0;
	bool bad_pages = false;
	for (size_t off = 0; size >= desc_size && off <= size - desc_size; off += desc_size) {
		const uint8_t *d = map + off;
		uint32_t type = (uint32_t)ld(d, 4);
		uint64_t pages = ld(d + 24, 8);
		if (pages >> (64 - PAGE_SHIFT)) {
			bad_pages = true;
			break;
		}
		struct mem_range r = { ld(d + 8, 8), pages << PAGE_SHIFT,
				       type < 16 ? want_type[use][type] : OTHER_TYPE };
		if (mm_end(&r) > r.base) {
			CHECK(nall < MM_MODEL_MAX);
			all[nall++] = r;
		}
	}
	if (nall >= MEMMAP_INPUT_MAX) {
		if (bad_pages) { /* refused, by whichever check comes first */
			CHECK(rc == -1 && memchr(e->msg, '\0', sizeof(e->msg)));
			CHECK(!strncmp(e->msg, "uefi: ", 6) || !strncmp(e->msg, "memory map: ", 12));
			return;
		}
		if (rc) {
			CHECK(rc == -1);
			check_msg(e, "memory map: ", "");
			return;
		}
		same_memory(all, nall, m);
		return;
	}

	/* Descriptor by descriptor, for the error and where it stops: one that
	 * continues the previous range with the same e820 type extends it
	 * (efi_memmap.c's add), so there are at most as many ranges as
	 * descriptors with bytes. */
	size_t seen = 0;
	for (size_t off = 0; size >= desc_size && off <= size - desc_size; off += desc_size) {
		const uint8_t *d = map + off;
		uint64_t phys = ld(d + 8, 8), pages = ld(d + 24, 8);
		if (pages >> (64 - PAGE_SHIFT)) {
			CHECK(rc == -1 && m->n <= seen);
			check_msg(e, "uefi: ", "pages");
			return;
		}
		uint64_t bytes = pages << PAGE_SHIFT;
		if (bytes > UINT64_MAX - phys)
			bytes = UINT64_MAX - phys;
		seen += bytes != 0;
	}
	/* Merged as it went, it describes the same memory as every
	 * descriptor: the same model. */
	CHECK(rc == 0 && m->n <= seen);
	same_memory(all, nall, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	enum efi_map_use use = data[0] & 1 ? EFI_MAP_FOR_KERNEL : EFI_MAP_FREE_NOW;
	uint64_t desc_size = ld(data + 1, 2);
	size -= 3;
	uint8_t *map = malloc(size ? size : 1);
	CHECK(map);
	memcpy(map, data + 3, size);
	static struct memmap m;
	struct error e;
	memset(e.msg, 0xff, sizeof(e.msg));
	m.n = 12345;
	int rc = efi_memmap_convert(map, size, desc_size, use, &m, &e);
	check(map, size, desc_size, use, rc, &m, &e);
	free(map);
	return 0;
}
