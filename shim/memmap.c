#include "memmap.h"

static int append(struct memmap *m, uint64_t base, uint64_t size, uint32_t type,
		  size_t limit, struct error *e)
{
	if (size > UINT64_MAX - base)
		size = UINT64_MAX - base;
	if (!size)
		return 0;
	if (m->n >= limit)
		return fail(e, "memory map", "more than %zu entries", limit);
	m->e[m->n++] = (struct mem_range){ base, size, type };
	return 0;
}

int memmap_add(struct memmap *m, uint64_t base, uint64_t size, uint32_t type,
	       struct error *e)
{
	return append(m, base, size, type, MEMMAP_INPUT_MAX, e);
}

/* Larger rank wins where ranges overlap; RAM loses to every other type,
 * type 0 included. */
static uint64_t rank(uint32_t type)
{
	return type == MEM_RAM ? 0 : (uint64_t)type + 1;
}

static void sort_u64(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = v[i];
		size_t j = i;
		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

int memmap_sanitise(struct memmap *m, struct error *e)
{
	/* Sweep over every boundary: each elementary interval takes the
	 * winning type of the ranges covering it. n is small (<= 256). */
	uint64_t pt[2 * MEMMAP_MAX];
	size_t np = 0;
	if (m->n > MEMMAP_MAX)
		return fail(e, "memory map", "%zu entries, more than %u", m->n, MEMMAP_MAX);
	for (size_t i = 0; i < m->n; i++) {
		if (m->e[i].size > UINT64_MAX - m->e[i].base)
			m->e[i].size = UINT64_MAX - m->e[i].base;
		pt[np++] = m->e[i].base;
		pt[np++] = m->e[i].base + m->e[i].size;
	}
	sort_u64(pt, np);

	struct mem_range out[MEMMAP_MAX];
	size_t n = 0;
	for (size_t p = 0; p + 1 < np; p++) {
		uint64_t lo = pt[p], hi = pt[p + 1];
		if (lo == hi)
			continue;
		uint32_t best = 0;
		bool covered = false;
		for (size_t i = 0; i < m->n; i++) {
			const struct mem_range *r = &m->e[i];
			if (r->base <= lo && hi <= r->base + r->size &&
			    (!covered || rank(r->type) > rank(best))) {
				best = r->type;
				covered = true;
			}
		}
		if (!covered)
			continue;
		if (n && out[n - 1].type == best &&
		    out[n - 1].base + out[n - 1].size == lo) {
			out[n - 1].size += hi - lo;
			continue;
		}
		if (n == MEMMAP_MAX)
			return fail(e, "memory map", "more than %u entries after sanitising",
				    MEMMAP_MAX);
		out[n++] = (struct mem_range){ lo, hi - lo, best };
	}
	memcpy(m->e, out, n * sizeof(out[0]));
	m->n = n;
	return 0;
}

int memmap_mark(struct memmap *m, uint64_t base, uint64_t size, uint32_t type,
		struct error *e)
{
	if (append(m, base, size, type, MEMMAP_MAX, e))
		return -1;
	/* RAM always loses, so marking RAM over a reserved range would be a
	 * no-op; marking is only ever used to take RAM. */
	return memmap_sanitise(m, e);
}

bool memmap_is_ram(const struct memmap *m, uint64_t base, uint64_t size)
{
	uint64_t end;
	if (!size || !range_end(base, size, &end))
		return false;
	for (size_t i = 0; i < m->n; i++) {
		const struct mem_range *r = &m->e[i];
		if (r->type == MEM_RAM && r->base <= base && end <= r->base + r->size)
			return true;
	}
	return false;
}

uint64_t memmap_ram_bytes(const struct memmap *m)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].type == MEM_RAM)
			sum += m->e[i].size;
	return sum;
}

const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case MEM_RAM: return "RAM";
	case MEM_RESERVED: return "reserved";
	case MEM_ACPI: return "ACPI";
	case MEM_NVS: return "ACPI NVS";
	case MEM_UNUSABLE: return "unusable";
	default: return "other";
	}
}
