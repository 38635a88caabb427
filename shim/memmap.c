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

/* Heap sorts, and a heap of the ranges covering the sweep's position:
 * O(n log n), no recursion, a few KiB of stack. The sanitiser runs again
 * after every memmap_mark, on maps of up to MEMMAP_MAX ranges; the
 * insertion sort and per-interval scan of every range it had before were
 * quadratic (and the e820 fuzzer spent most of its time there). */
static void sift_u64(uint64_t *v, size_t i, size_t n)
{
	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && v[c + 1] > v[c])
			c++;
		if (v[i] >= v[c])
			return;
		uint64_t t = v[i];
		v[i] = v[c];
		v[c] = t;
	}
}

static void sort_u64(uint64_t *v, size_t n)
{
	for (size_t i = n / 2; i--;)
		sift_u64(v, i, n);
	for (size_t k = n; k > 1; k--) {
		uint64_t t = v[0];
		v[0] = v[k - 1];
		v[k - 1] = t;
		sift_u64(v, 0, k - 1);
	}
}

/* Indices into a map's ranges are 16-bit. */
_Static_assert(MEMMAP_MAX <= UINT16_MAX + 1, "range indices are 16-bit");

/* order[] holds indices into e; sorted by e[].base. */
static void sift_base(const struct mem_range *e, uint16_t *order, size_t i, size_t n)
{
	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && e[order[c + 1]].base > e[order[c]].base)
			c++;
		if (e[order[i]].base >= e[order[c]].base)
			return;
		uint16_t t = order[i];
		order[i] = order[c];
		order[c] = t;
	}
}

static void sort_by_base(const struct mem_range *e, uint16_t *order, size_t n)
{
	for (size_t i = 0; i < n; i++)
		order[i] = (uint16_t)i;
	for (size_t i = n / 2; i--;)
		sift_base(e, order, i, n);
	for (size_t k = n; k > 1; k--) {
		uint16_t t = order[0];
		order[0] = order[k - 1];
		order[k - 1] = t;
		sift_base(e, order, 0, k - 1);
	}
}

/* A max-heap, by rank, of indices into e. */
struct cover {
	const struct mem_range *e;
	size_t n;
	uint16_t i[MEMMAP_MAX];
};

static bool outranks(const struct cover *h, size_t a, size_t b)
{
	return rank(h->e[h->i[a]].type) > rank(h->e[h->i[b]].type);
}

static void cover_swap(struct cover *h, size_t a, size_t b)
{
	uint16_t t = h->i[a];
	h->i[a] = h->i[b];
	h->i[b] = t;
}

static void cover_push(struct cover *h, size_t idx)
{
	size_t c = h->n++;
	h->i[c] = (uint16_t)idx;
	for (; c && outranks(h, c, (c - 1) / 2); c = (c - 1) / 2)
		cover_swap(h, c, (c - 1) / 2);
}

static void cover_pop(struct cover *h)
{
	h->i[0] = h->i[--h->n];
	for (size_t c = 0, w;; c = w) {
		size_t l = 2 * c + 1, r = l + 1;
		w = c;
		if (l < h->n && outranks(h, l, w))
			w = l;
		if (r < h->n && outranks(h, r, w))
			w = r;
		if (w == c)
			return;
		cover_swap(h, c, w);
	}
}

int memmap_sanitise(struct memmap *m, struct error *e)
{
	/* Sweep over every boundary: each elementary interval takes the
	 * winning type of the ranges covering it, the top of a heap that
	 * ranges join at their base and leave once past their end. */
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
	uint16_t order[MEMMAP_MAX];
	sort_by_base(m->e, order, m->n);

	struct mem_range out[MEMMAP_MAX];
	struct cover h = { m->e, 0, { 0 } };
	size_t n = 0, next = 0;
	for (size_t p = 0; p + 1 < np; p++) {
		uint64_t lo = pt[p], hi = pt[p + 1];
		if (lo == hi)
			continue;
		for (; next < m->n && m->e[order[next]].base <= lo; next++)
			cover_push(&h, order[next]);
		while (h.n && m->e[h.i[0]].base + m->e[h.i[0]].size <= lo)
			cover_pop(&h);
		if (!h.n)
			continue;
		uint32_t best = m->e[h.i[0]].type;
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
