/* libFuzzer: memmap_add / memmap_sanitise / memmap_mark.
 *
 * Input: byte 0 = number of marks (low 3 bits), then 20-byte entries
 * (addr u64, size u64, type u32, little-endian). The last `marks` entries
 * are applied with memmap_mark after sanitising; the others are the map.
 * A mark's type is made non-RAM (1 becomes 2): marking only ever takes RAM
 * away (memmap.c). */
#include "memmap_check.h"

#define ENTRY 20

static uint64_t ld(const uint8_t *p, size_t len)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* RAM bytes of m inside [base, end). */
static uint64_t ram_within(const struct memmap *m, uint64_t base, uint64_t end)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t n = (size - 1) / ENTRY;
	size_t marks = data[0] & 7;
	if (marks > n)
		marks = n;
	const uint8_t *p = data + 1;

	static struct memmap m, raw, before;
	struct error e;
	m.n = 0;
	for (size_t i = 0; i < n - marks; i++, p += ENTRY) {
		uint64_t base = ld(p, 8), len = ld(p + 8, 8);
		size_t had = m.n;
		if (memmap_add(&m, base, len, (uint32_t)ld(p + 16, 4), &e)) {
			MM_CHECK(had == MEMMAP_INPUT_MAX && m.n == MEMMAP_INPUT_MAX);
			MM_CHECK(!strncmp(e.msg, "memory map: ", 12));
			return 0;
		}
		if (!len)
			MM_CHECK(m.n == had);
		else if (m.n == had + 1 && m.e[had].size) {
			MM_CHECK(m.e[had].base == base);
			MM_CHECK(m.e[had].size == (len > UINT64_MAX - base ? UINT64_MAX - base : len));
		}
	}
	raw = m;
	if (memmap_sanitise(&m, &e)) {
		MM_CHECK(!strncmp(e.msg, "memory map: ", 12));
		return 0;
	}
	mm_check_sanitised(&raw, &m);
	uint64_t total = memmap_ram_bytes(&m);
	MM_CHECK(total == ram_within(&m, 0, UINT64_MAX));

	for (size_t k = 0; k < marks; k++, p += ENTRY) {
		uint64_t base = ld(p, 8), len = ld(p + 8, 8);
		uint32_t type = (uint32_t)ld(p + 16, 4);
		if (type == MEM_RAM)
			type = MEM_RESERVED;
		uint64_t end = len > UINT64_MAX - base ? UINT64_MAX : base + len;
		uint64_t lost = ram_within(&m, base, end);
		before = m;
		/* The reference result: the old map plus the mark, sanitised. */
		raw = m;
		if (len && raw.n < MEMMAP_MAX)
			raw.e[raw.n++] = (struct mem_range){ base, end - base, type };
		if (memmap_mark(&m, base, len, type, &e)) {
			MM_CHECK(!strncmp(e.msg, "memory map: ", 12));
			return 0;
		}
		mm_check_sanitised(&raw, &m);
		uint64_t now = memmap_ram_bytes(&m);
		/* Marking never adds RAM, and takes exactly the RAM it covers. */
		if (now > total || total - now != lost) {
			mm_dump("before the mark", &before);
			fprintf(stderr, "mark 0x%llx+0x%llx type %u: RAM 0x%llx -> 0x%llx, "
					"expected to lose 0x%llx\n",
				(unsigned long long)base, (unsigned long long)len, type,
				(unsigned long long)total, (unsigned long long)now,
				(unsigned long long)lost);
			mm_dump("after", &m);
			abort();
		}
		MM_CHECK(ram_within(&m, base, end) == 0);
		if (len && end > base)
			MM_CHECK(!memmap_is_ram(&m, base, 1) && !memmap_is_ram(&m, end - 1, 1));
		total = now;
	}
	return 0;
}
