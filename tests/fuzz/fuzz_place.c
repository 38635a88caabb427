/* libFuzzer: memory map + busy ranges + items -> memmap_sanitise -> place,
 * every outcome judged by tests/unit/place_check.c (the property test's
 * checker): the invariants of place.h, the exact choice its contract
 * implies, and no false "impossible". abort() on any violation.
 *
 * Input (little-endian, missing bytes read as 0):
 *   u8 n_ranges-1 (mod 40), u8 n_busy (mod 8), u8 n_items-1 (mod 5),
 *   u8 shift (mod 33): every u32 address/size below is scaled by 2^shift;
 *   ranges: u8 flags, u32 base, u32 size
 *     flags & 7: type (0-2 RAM, 3 reserved, 4 ACPI, 5 NVS, 6 unusable,
 *     7: 7 + (flags >> 3 & 15)); flags & 0x80: base counts down from 2^64
 *   busy: u8 flags, u32 base, u32 size
 *     flags & 0x80: base from 2^64; flags & 0x40: size 2^64 - 1
 *   items: u8 flags, u8 log2(align) (mod 64), u32 size, u32 min,
 *          u32 max, u32 pref_max, u32 src, u32 src_len,
 *          u8 near (mod 6: 0 none, else the 1-based earlier item; a later
 *          one is invalid), u8 log2(near_align) (mod 64; 0xff: 0, invalid),
 *          u32 near_size (0xffffffff: 2^64 - 1)
 *     flags: 1 high, 2 in_place_ok, 4 use pref_max, 8 src_len raw
 *     (else mod size+1), 0x30 max kind (0: 2^64-1, 1: 4 GiB, 2-3:
 *     min + max field), 0x40 src from 2^64, 0x80 src = somewhere in RAM
 *   then, for each item: u8 granule (0: none; else 2^((g - 1) mod 64), and
 *     0xff: 3 << 12, invalid); after the items, so older inputs read 0 */
#include "fuzz.h"
#include "place_check.h"

#include <stdio.h>
#include <stdlib.h>

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint64_t get(struct rd *r, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++) {
		if (r->n) {
			v |= (uint64_t)*r->p << (8 * i);
			r->p++, r->n--;
		}
	}
	return v;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static const char *const names[] = { "item0", "item1", "item2", "item3", "item4" };

static int eprint(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = { data, size };
	static struct memmap mem;
	struct range busy[8];
	struct place_item item[5];
	struct error e;

	size_t n_ranges = 1 + get(&r, 1) % 40;
	size_t n_busy = get(&r, 1) % 8;
	size_t n_items = 1 + get(&r, 1) % 5;
	unsigned shift = (unsigned)(get(&r, 1) % 33);

	mem.n = 0;
	for (size_t i = 0; i < n_ranges; i++) {
		unsigned flags = (unsigned)get(&r, 1);
		uint64_t base = get(&r, 4) << shift, len = get(&r, 4) << shift;
		static const uint32_t types[] = { MEM_RAM, MEM_RAM, MEM_RAM, MEM_RESERVED,
						  MEM_ACPI, MEM_NVS, MEM_UNUSABLE };
		uint32_t type = (flags & 7) == 7 ? 7 + (flags >> 3 & 15) : types[flags & 7];
		if (flags & 0x80)
			base = UINT64_MAX - base;
		if (memmap_add(&mem, base, len, type, &e))
			abort(); /* 40 entries always fit */
	}
	if (memmap_sanitise(&mem, &e))
		abort(); /* 40 entries never make more than 79 */

	for (size_t b = 0; b < n_busy; b++) {
		unsigned flags = (unsigned)get(&r, 1);
		uint64_t base = get(&r, 4) << shift, len = get(&r, 4) << shift;
		if (flags & 0x80)
			base = UINT64_MAX - base;
		if (flags & 0x40)
			len = UINT64_MAX;
		busy[b] = (struct range){ base, len, "busy" };
	}

	for (size_t i = 0; i < n_items; i++) {
		struct place_item *it = &item[i];
		unsigned flags = (unsigned)get(&r, 1);
		*it = (struct place_item){ .name = names[i] };
		it->align = 1ull << (get(&r, 1) % 64);
		it->size = get(&r, 4) << shift;
		it->min = get(&r, 4) << shift;
		uint64_t max = get(&r, 4) << shift;
		uint64_t pref = get(&r, 4) << shift;
		uint64_t src = get(&r, 4) << shift;
		uint64_t src_len = get(&r, 4);
		unsigned near = (unsigned)(get(&r, 1) % 6);
		unsigned near_align = (unsigned)get(&r, 1);
		uint64_t near_size = get(&r, 4);
		if (near) {
			it->near = near;
			it->near_align = near_align == 0xff ? 0 : 1ull << (near_align % 64);
			it->near_size = near_size == 0xffffffff ? UINT64_MAX : near_size << shift;
		}
		switch (flags >> 4 & 3) {
		case 0: it->max = UINT64_MAX; break;
		case 1: it->max = 4ull << 30; break;
		default: it->max = sat_add(it->min, max); break;
		}
		if (flags & 4)
			it->pref_max = pref;
		it->high = flags & 1;
		it->in_place_ok = flags & 2;
		it->src_len = flags & 8 ? src_len << shift : src_len % (it->size + 1);
		if (flags & 0x80) {
			/* Somewhere in the RAM range picked by src's low bits. */
			const struct mem_range *m = mem.n ? &mem.e[src % mem.n] : NULL;
			src = m && m->type == MEM_RAM ? m->base + (src >> 8) % m->size : src;
			src &= ~(it->align - 1);
		} else if (flags & 0x40) {
			src = UINT64_MAX - src;
		}
		it->src = src;
	}

	for (size_t i = 0; i < n_items; i++) {
		unsigned g = (unsigned)get(&r, 1);
		item[i].granule = g == 0xff ? 3ull << 12 : g ? 1ull << ((g - 1) % 64) : 0;
	}

	struct place_req req = { &mem, busy, n_busy, item, n_items };
	strcpy(e.msg, "(no message)");
	int rc = place(&req, &e);
	const char *v = pc_check(&req, rc, e.msg);
	if (v) {
		fprintf(stderr, "place: %s\n", rc ? e.msg : "succeeded");
		pc_dump(&req, eprint);
		fprintf(stderr, "fuzz_place: %s\n", v);
		abort();
	}
	return 0;
}
