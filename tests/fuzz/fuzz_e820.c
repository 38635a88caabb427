/* libFuzzer: memmap_add / memmap_sanitise / memmap_mark.
 *
 * Input: byte 0 = number of marks (low 3 bits), then 20-byte entries
 * (addr u64, size u64, type u32, little-endian). The last `marks` entries
 * are applied with memmap_mark after sanitising; the others are the map.
 * A mark's type is made non-RAM (1 becomes 2): marking only ever takes RAM
 * away (memmap.c).
 *
 * Every expected result is built from the input bytes, not from what the
 * code under test produced: memmap_add's table is the non-empty input
 * entries clipped at 2^64 - 1, failing on the first past
 * MEMMAP_INPUT_MAX; the sanitised map is memmap_check.h's model of those
 * entries; each mark's result is the model of the previous expected map
 * plus the mark. */
#include "fuzz.h"
#include "memmap_check.h"

#define ENTRY 20

MM_NOCOV static uint64_t ld(const uint8_t *p, size_t len)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* RAM bytes of m inside [base, end). */
MM_NOCOV static uint64_t ram_within(const struct memmap *m, uint64_t base, uint64_t end)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct mem_range *r = &m->e[i];
		uint64_t lo = r->base > base ? r->base : base;
		uint64_t hi = r->base + r->size < end ? r->base + r->size : end;
		if (r->type == MEM_RAM && lo < hi)
			sum += hi - lo;
	}
	return sum;
}

MM_NOCOV static struct mem_range decode(const uint8_t *p)
{
	return (struct mem_range){ ld(p, 8), ld(p + 8, 8), (uint32_t)ld(p + 16, 4) };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t n = (size - 1) / ENTRY;
	size_t marks = data[0] & 7;
	if (marks > n)
		marks = n;
	const uint8_t *p = data + 1;

	static struct memmap m;
	/* The input's non-empty entries, then room for one mark. */
	static struct mem_range in[MEMMAP_MAX + 1];
	size_t nin = 0;
	struct error e;
	m.n = 0;
	for (size_t i = 0; i < n - marks; i++, p += ENTRY) {
		struct mem_range r = decode(p);
		uint64_t clipped = r.size > UINT64_MAX - r.base ? UINT64_MAX - r.base : r.size;
		int rc = memmap_add(&m, r.base, r.size, r.type, &e);
		if (!clipped) { /* "one that is then empty is dropped" */
			MM_CHECK(rc == 0 && m.n == nin);
			continue;
		}
		if (nin == MEMMAP_INPUT_MAX) { /* "Fails past MEMMAP_INPUT_MAX ranges" */
			MM_CHECK(rc == -1 && m.n == nin);
			MM_CHECK(!strncmp(e.msg, "memory map: ", 12));
			return 0;
		}
		MM_CHECK(rc == 0 && m.n == nin + 1);
		MM_CHECK(m.e[nin].base == r.base && m.e[nin].size == clipped &&
			 m.e[nin].type == r.type);
		in[nin++] = r;
	}
	int rc = memmap_sanitise(&m, &e);
	mm_check_ranges(in, nin, rc, &m);
	if (rc) {
		MM_CHECK(!strncmp(e.msg, "memory map: ", 12));
		return 0;
	}
	uint64_t total = memmap_ram_bytes(&m);
	MM_CHECK(total == ram_within(&m, 0, UINT64_MAX));

	for (size_t k = 0; k < marks; k++, p += ENTRY) {
		struct mem_range r = decode(p);
		if (r.type == MEM_RAM)
			r.type = MEM_RESERVED;
		uint64_t end = r.size > UINT64_MAX - r.base ? UINT64_MAX : r.base + r.size;
		uint64_t lost = ram_within(&m, r.base, end);
		/* The reference: the map so far (checked equal to the model)
		 * plus the mark. */
		size_t nref = m.n;
		memcpy(in, m.e, nref * sizeof(in[0]));
		in[nref++] = r;
		bool full = end > r.base && m.n == MEMMAP_MAX;
		rc = memmap_mark(&m, r.base, r.size, r.type, &e);
		if (full) { /* no room to append the mark */
			MM_CHECK(rc == -1 && !strncmp(e.msg, "memory map: ", 12));
			return 0;
		}
		mm_check_ranges(in, nref, rc, &m);
		if (rc) {
			MM_CHECK(!strncmp(e.msg, "memory map: ", 12));
			return 0;
		}
		uint64_t now = memmap_ram_bytes(&m);
		/* Marking never adds RAM, and takes exactly the RAM it covers. */
		if (now > total || total - now != lost) {
			fprintf(stderr, "mark 0x%llx+0x%llx type %u: RAM 0x%llx -> 0x%llx, "
					"expected to lose 0x%llx\n",
				(unsigned long long)r.base, (unsigned long long)r.size, r.type,
				(unsigned long long)total, (unsigned long long)now,
				(unsigned long long)lost);
			mm_dump("after", &m);
			abort();
		}
		MM_CHECK(ram_within(&m, r.base, end) == 0);
		if (end > r.base)
			MM_CHECK(!memmap_is_ram(&m, r.base, 1) && !memmap_is_ram(&m, end - 1, 1));
		total = now;
	}
	return 0;
}
