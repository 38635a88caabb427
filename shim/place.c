#include "place.h"

#define MAX_FORBID 64

struct forbid {
	uint64_t base, end; /* exclusive end */
};

/* First forbidden range that [a, a+size) overlaps, or NULL. */
static const struct forbid *conflict(const struct forbid *f, size_t nf,
				     uint64_t a, uint64_t end)
{
	for (size_t i = 0; i < nf; i++)
		if (a < f[i].end && f[i].base < end)
			return &f[i];
	return NULL;
}

static bool fits_window(const struct place_item *it, uint64_t a)
{
	uint64_t end;
	return a >= it->min && range_end(a, it->size, &end) && end <= it->max &&
	       !(a & (it->align - 1));
}

/* Lowest aligned address in [lo, hi) free of f, or false. */
static bool search_low(const struct place_item *it, const struct forbid *f,
		       size_t nf, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t a;
	if (!align_up(lo, it->align, &a))
		return false;
	for (;;) {
		uint64_t end;
		if (!range_end(a, it->size, &end) || end > hi)
			return false;
		const struct forbid *c = conflict(f, nf, a, end);
		if (!c) {
			*out = a;
			return true;
		}
		if (!align_up(c->end, it->align, &a))
			return false;
	}
}

/* Highest aligned address in [lo, hi) free of f, or false. */
static bool search_high(const struct place_item *it, const struct forbid *f,
			size_t nf, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (hi - lo < it->size)
		return false;
	uint64_t a = align_down(hi - it->size, it->align);
	for (;;) {
		if (a < lo)
			return false;
		const struct forbid *c = conflict(f, nf, a, a + it->size);
		if (!c) {
			*out = a;
			return true;
		}
		if (c->base < lo + it->size)
			return false;
		a = align_down(c->base - it->size, it->align);
	}
}

static uint64_t granule(const struct place_item *it)
{
	return it->granule ? it->granule : 1;
}

/* Does RAM hold the item at `a`, with the granule-aligned blocks it
 * touches? */
static bool ram_holds(const struct memmap *mem, const struct place_item *it, uint64_t a)
{
	uint64_t end, hi, lo = align_down(a, granule(it));
	if (!range_end(a, it->size, &end) || !align_up(end, granule(it), &hi))
		return false;
	return memmap_is_ram(mem, lo, hi - lo);
}

/* Search the RAM ranges for a destination below `max`. */
static bool search_ram(const struct memmap *mem, struct place_item *it,
		       const struct forbid *f, size_t nf, uint64_t max)
{
	for (size_t k = 0; k < mem->n; k++) {
		/* Walk RAM upwards for low items, downwards for high ones. */
		const struct mem_range *m = &mem->e[it->high ? mem->n - 1 - k : k];
		if (m->type != MEM_RAM)
			continue;
		/* Only the whole granules of the range: the item's blocks
		 * then lie in it exactly when the item lies in them. */
		uint64_t base;
		if (!align_up(m->base, granule(it), &base))
			continue;
		uint64_t mend = align_down(m->base + m->size, granule(it));
		uint64_t lo = base > it->min ? base : it->min;
		uint64_t hi = mend < max ? mend : max;
		if (lo >= hi)
			continue;
		if (it->high ? search_high(it, f, nf, lo, hi, &it->dest)
			     : search_low(it, f, nf, lo, hi, &it->dest))
			return true;
	}
	return false;
}

static int add_forbid(struct forbid *f, size_t *nf, uint64_t base, uint64_t size,
		      struct error *e)
{
	if (!size)
		return 0;
	if (*nf == MAX_FORBID)
		return fail(e, "placement", "more than %u ranges to keep clear", MAX_FORBID);
	uint64_t end;
	f[(*nf)++] = (struct forbid){ base, range_end(base, size, &end) ? end : UINT64_MAX };
	return 0;
}

static int check_item(const struct place_item *it, struct error *e)
{
	if (!it->size)
		return fail(e, it->name, "size is 0");
	if (!is_pow2(it->align))
		return fail(e, it->name, "alignment 0x%llx is not a power of two",
			    (unsigned long long)it->align);
	if (it->granule && !is_pow2(it->granule))
		return fail(e, it->name, "granule 0x%llx is not a power of two",
			    (unsigned long long)it->granule);
	if (it->src_len > it->size)
		return fail(e, it->name, "0x%llx bytes to copy exceed the 0x%llx reserved",
			    (unsigned long long)it->src_len, (unsigned long long)it->size);
	uint64_t end;
	if (it->src_len && !range_end(it->src, it->src_len, &end))
		return fail(e, it->name, "source 0x%llx+0x%llx wraps around",
			    (unsigned long long)it->src, (unsigned long long)it->src_len);
	return 0;
}

int place(struct place_req *r, struct error *e)
{
	for (size_t i = 0; i < r->n_item; i++) {
		struct place_item *it = &r->item[i];
		if (check_item(it, e))
			return -1;

		/* Keep clear: busy ranges, other items' sources, placed items. */
		struct forbid f[MAX_FORBID];
		size_t nf = 0;
		for (size_t b = 0; b < r->n_busy; b++)
			if (add_forbid(f, &nf, r->busy[b].base, r->busy[b].size, e))
				return -1;
		for (size_t j = 0; j < r->n_item; j++) {
			const struct place_item *o = &r->item[j];
			if (j != i && o->src_len && add_forbid(f, &nf, o->src, o->src_len, e))
				return -1;
			if (j < i && add_forbid(f, &nf, o->dest, o->size, e))
				return -1;
		}

		/* Narrow the window to the earlier item it must stay near. */
		uint64_t min = it->min, max = it->max;
		if (it->near) {
			if (it->near > i || !is_pow2(it->near_align))
				return fail(e, it->name, "bad relative window");
			uint64_t lo = align_down(r->item[it->near - 1].dest, it->near_align), hi;
			if (!range_end(lo, it->near_size, &hi))
				hi = UINT64_MAX;
			if (lo > min)
				min = lo;
			if (hi < max)
				max = hi;
		}
		struct place_item w = *it;
		w.min = min, w.max = max;
		if (w.pref_max > max)
			w.pref_max = max;

		it->in_place = false;
		if (it->in_place_ok && it->src_len && fits_window(&w, it->src) &&
		    ram_holds(r->mem, it, it->src) &&
		    !conflict(f, nf, it->src, it->src + it->size)) {
			it->dest = it->src;
			it->in_place = true;
			continue;
		}

		bool found = false;
		uint64_t limits[2] = { w.max, w.max };
		if (w.pref_max && w.pref_max < w.max)
			limits[0] = w.pref_max;
		for (int pass = 0; pass < 2 && !found; pass++)
			found = search_ram(r->mem, &w, f, nf, limits[pass]);
		it->dest = w.dest;
		if (!found)
			return fail(e, it->name,
				    "no room for 0x%llx bytes (alignment 0x%llx) in usable RAM "
				    "within [0x%llx, 0x%llx)",
				    (unsigned long long)it->size, (unsigned long long)it->align,
				    (unsigned long long)w.min, (unsigned long long)w.max);
	}
	return 0;
}

/* The arch's copy where it has a faster one (shim/arch.h). */
__attribute__((weak)) void arch_copy(void *dst, const void *src, size_t n)
{
	memmove(dst, src, n);
}

uint64_t place_copy(const struct place_item *item, size_t n)
{
	uint64_t copied = 0;
	for (size_t i = 0; i < n; i++) {
		const struct place_item *it = &item[i];
		if (it->in_place || !it->src_len)
			continue;
		arch_copy((void *)(uintptr_t)it->dest, (const void *)(uintptr_t)it->src,
			  it->src_len);
		copied += it->src_len;
	}
	return copied;
}
