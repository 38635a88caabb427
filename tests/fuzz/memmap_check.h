/* Checks on a sanitised memory map, for the fuzz targets: shape (sorted,
 * non-overlapping, merged, nothing empty) and content, compared exactly
 * with a model of memmap.h's rule computed here from the raw ranges.
 *
 * The model is stated independently of shim/memmap.c: a sweep over the
 * sorted boundaries with a heap of the ranges covering the current point,
 * ordered by the documented rule ("any other type beats RAM; between two
 * non-RAM types the larger number wins"). It is O(n log n): the quadratic
 * model it replaced cost more than the code under test. */
#ifndef BOOTSHIM_MEMMAP_CHECK_H
#define BOOTSHIM_MEMMAP_CHECK_H

#include "memmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The checker's own branches would only distract the fuzzer, and cost
 * more than the code under test: leave them uninstrumented. */
#define MM_NOCOV __attribute__((noinline, unused, no_sanitize("coverage")))

#define MM_CHECK(cond)                                                              \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,      \
				__LINE__, #cond);                                   \
			abort();                                                    \
		}                                                                   \
	} while (0)

static inline void mm_dump(const char *what, const struct memmap *m)
{
	fprintf(stderr, "%s, %zu ranges:\n", what, m->n);
	for (size_t i = 0; i < m->n; i++)
		fprintf(stderr, "  { 0x%llx, 0x%llx, %u },\n", (unsigned long long)m->e[i].base,
			(unsigned long long)m->e[i].size, m->e[i].type);
}

#define MM_REQUIRE(cond, raw, out)                                                  \
	do {                                                                        \
		if (!(cond)) {                                                      \
			mm_dump("input", raw);                                      \
			mm_dump("sanitised", out);                                  \
			MM_CHECK(cond);                                             \
		}                                                                   \
	} while (0)

/* End of a raw entry, clipped at 2^64 - 1 as memmap.h documents. */
static inline uint64_t mm_end(const struct mem_range *r)
{
	return r->size > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->size;
}

/* Shape only: sorted, disjoint, merged, no empty or wrapping range. */
MM_NOCOV static void mm_check_shape(const struct memmap *raw, const struct memmap *m)
{
	MM_REQUIRE(m->n <= MEMMAP_MAX, raw, m);
	for (size_t i = 0; i < m->n; i++) {
		const struct mem_range *r = &m->e[i];
		MM_REQUIRE(r->size && r->size <= UINT64_MAX - r->base, raw, m);
		if (i) {
			const struct mem_range *p = &m->e[i - 1];
			MM_REQUIRE(p->base + p->size <= r->base, raw, m);
			MM_REQUIRE(p->base + p->size < r->base || p->type != r->type, raw, m);
		}
	}
}

/* a wins over b where both cover an address. */
MM_NOCOV static inline bool mm_beats(uint32_t a, uint32_t b)
{
	if (a == MEM_RAM || b == MEM_RAM)
		return b == MEM_RAM && a != MEM_RAM;
	return a > b;
}

MM_NOCOV static int mm_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static const struct mem_range *mm_sort_src;

MM_NOCOV static int mm_cmp_base(const void *a, const void *b)
{
	uint64_t x = mm_sort_src[*(const size_t *)a].base;
	uint64_t y = mm_sort_src[*(const size_t *)b].base;
	return x < y ? -1 : x > y;
}

#define MM_MODEL_MAX (2 * MEMMAP_MAX + 2)

/* The model: the sanitised form of n raw ranges (clipped at 2^64 - 1,
 * empty ones ignored) into out[0..cap); returns how many ranges it has,
 * which may be more than cap (then only the first cap are written). */
MM_NOCOV static size_t mm_model(const struct mem_range *raw, size_t n, struct mem_range *out,
				size_t cap)
{
	static uint64_t pt[2 * MM_MODEL_MAX];
	static size_t order[MM_MODEL_MAX], heap[MM_MODEL_MAX];
	MM_CHECK(n <= MM_MODEL_MAX);
	size_t np = 0, nr = 0;
	for (size_t i = 0; i < n; i++) {
		if (mm_end(&raw[i]) == raw[i].base)
			continue;
		order[nr++] = i;
		pt[np++] = raw[i].base;
		pt[np++] = mm_end(&raw[i]);
	}
	qsort(pt, np, sizeof(pt[0]), mm_cmp_u64);
	mm_sort_src = raw;
	qsort(order, nr, sizeof(order[0]), mm_cmp_base);

	size_t nh = 0, next = 0, k = 0;
	uint32_t last_type = 0;
	uint64_t last_end = 0;
	for (size_t p = 0; p + 1 < np; p++) {
		uint64_t lo = pt[p], hi = pt[p + 1];
		if (lo == hi)
			continue;
		/* Ranges starting by lo join the heap (max-heap by mm_beats). */
		for (; next < nr && raw[order[next]].base <= lo; next++) {
			size_t c = nh++;
			heap[c] = order[next];
			while (c && mm_beats(raw[heap[c]].type, raw[heap[(c - 1) / 2]].type)) {
				size_t t = heap[c];
				heap[c] = heap[(c - 1) / 2];
				heap[(c - 1) / 2] = t;
				c = (c - 1) / 2;
			}
		}
		/* Ranges that ended by lo leave it once they reach the top. */
		while (nh && mm_end(&raw[heap[0]]) <= lo) {
			heap[0] = heap[--nh];
			for (size_t c = 0;;) {
				size_t l = 2 * c + 1, r = l + 1, w = c;
				if (l < nh && mm_beats(raw[heap[l]].type, raw[heap[w]].type))
					w = l;
				if (r < nh && mm_beats(raw[heap[r]].type, raw[heap[w]].type))
					w = r;
				if (w == c)
					break;
				size_t t = heap[c];
				heap[c] = heap[w];
				heap[w] = t;
				c = w;
			}
		}
		if (!nh)
			continue; /* a hole */
		uint32_t type = raw[heap[0]].type;
		if (k && last_type == type && last_end == lo) {
			if (k <= cap)
				out[k - 1].size += hi - lo;
		} else {
			if (k < cap)
				out[k] = (struct mem_range){ lo, hi - lo, type };
			k++;
		}
		last_type = type;
		last_end = hi;
	}
	return k;
}

/* After memmap_sanitise (or memmap_mark) of the n raw ranges returned rc
 * into m: it failed exactly when the model needs more than MEMMAP_MAX
 * ranges, and otherwise m is the model, range for range. */
MM_NOCOV static void mm_check_ranges(const struct mem_range *raw, size_t n, int rc,
				     const struct memmap *m)
{
	static struct memmap in, want;
	memcpy(in.e, raw, (n < MEMMAP_MAX ? n : MEMMAP_MAX) * sizeof(raw[0]));
	in.n = n < MEMMAP_MAX ? n : MEMMAP_MAX; /* for the dumps */
	size_t k = mm_model(raw, n, want.e, MEMMAP_MAX);
	if (k > MEMMAP_MAX) {
		if (rc != -1)
			fprintf(stderr, "the model needs %zu ranges: sanitise must fail\n", k);
		MM_REQUIRE(rc == -1, &in, m);
		return;
	}
	want.n = k;
	if (rc) {
		mm_dump("input", &in);
		mm_dump("expected", &want);
	}
	MM_CHECK(rc == 0);
	mm_check_shape(&in, m);
	bool same = m->n == want.n;
	for (size_t i = 0; same && i < want.n; i++)
		same = m->e[i].base == want.e[i].base && m->e[i].size == want.e[i].size &&
		       m->e[i].type == want.e[i].type;
	if (!same) {
		mm_dump("input", &in);
		mm_dump("expected", &want);
		mm_dump("sanitised", m);
	}
	MM_CHECK(same);
}

/* m is the successful sanitised form of raw. */
MM_NOCOV static void mm_check_sanitised(const struct memmap *raw, const struct memmap *m)
{
	mm_check_ranges(raw->e, raw->n, 0, m);
}

#endif
