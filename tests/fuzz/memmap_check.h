/* Checks on a sanitised memory map, for the fuzz targets: shape (sorted,
 * non-overlapping, merged, nothing empty) and content against a model of
 * memmap.h's rule, evaluated on every elementary interval of the raw map. */
#ifndef BOOTSHIM_MEMMAP_CHECK_H
#define BOOTSHIM_MEMMAP_CHECK_H

#include "memmap.h"

#include <stdio.h>
#include <stdlib.h>

/* The checker's own branches would only distract the fuzzer, and cost
 * more than the code under test: leave them uninstrumented. */
#define MM_NOCOV __attribute__((noinline, no_sanitize("coverage")))

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

/* End of a raw entry, clipped at 2^64 - 1 as memmap does. */
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

/* The sanitised type at address a, or false if a is in no range. */
MM_NOCOV static bool mm_type_at(const struct memmap *m, uint64_t a, uint32_t *type)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) { /* sorted: binary search */
		size_t mid = lo + (hi - lo) / 2;
		if (a < m->e[mid].base)
			hi = mid;
		else if (a - m->e[mid].base >= m->e[mid].size)
			lo = mid + 1;
		else {
			*type = m->e[mid].type;
			return true;
		}
	}
	return false;
}

MM_NOCOV static void mm_check_sanitised(const struct memmap *raw, const struct memmap *m)
{
	mm_check_shape(raw, m);
	/* Every boundary of the raw map starts an elementary interval whose
	 * type the model knows; so does every boundary of the output. */
	for (int pass = 0; pass < 2; pass++) {
		const struct memmap *src = pass ? m : raw;
		for (size_t i = 0; i < src->n; i++) {
			for (int end = 0; end < 2; end++) {
				uint64_t a = end ? mm_end(&src->e[i]) : src->e[i].base;
				if (end && a == UINT64_MAX)
					continue; /* the unrepresentable last byte */
				/* The model: any non-RAM type beats RAM; the
				 * largest non-RAM type wins. */
				bool covered = false, non_ram = false;
				uint32_t want = MEM_RAM;
				for (size_t j = 0; j < raw->n; j++) {
					const struct mem_range *r = &raw->e[j];
					if (a < r->base || a >= mm_end(r))
						continue;
					covered = true;
					if (r->type == MEM_RAM)
						continue;
					if (!non_ram || r->type > want)
						want = r->type;
					non_ram = true;
				}
				uint32_t got = 0;
				bool in = mm_type_at(m, a, &got);
				if (in != covered)
					fprintf(stderr, "0x%llx is %s the output, but %s by the input\n",
						(unsigned long long)a, in ? "in" : "not in",
						covered ? "covered" : "not covered");
				MM_REQUIRE(in == covered, raw, m);
				if (!covered)
					continue;
				if (got != want)
					fprintf(stderr, "at 0x%llx: type %u, expected %u\n",
						(unsigned long long)a, got, want);
				MM_REQUIRE(got == want, raw, m);
			}
		}
	}
}

#endif
