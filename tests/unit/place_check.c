/* See place_check.h. Overlaps and ends are computed in 128 bits so that a
 * range reaching 2^64 is neither clipped nor wrapped. */
#include "place_check.h"

#include <stdio.h>

typedef unsigned __int128 u128;

static bool overlap(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	return asz && bsz && (u128)a < (u128)b + bsz && (u128)b < (u128)a + asz;
}

static bool is_pow2_(uint64_t x)
{
	return x && !(x & (x - 1));
}

bool pc_item_valid(const struct place_req *r, size_t i)
{
	const struct place_item *it = &r->item[i];
	return it->size && is_pow2_(it->align) && it->src_len <= it->size &&
	       (u128)it->src + it->src_len <= UINT64_MAX &&
	       (!it->near || (it->near <= i && is_pow2_(it->near_align))) &&
	       (!it->granule || is_pow2_(it->granule));
}

void pc_window(const struct place_req *r, size_t i, uint64_t *min, uint64_t *max,
	       uint64_t *pref)
{
	const struct place_item *it = &r->item[i];
	*min = it->min;
	*max = it->max;
	if (it->near) {
		/* Only called for valid items: near names an earlier one. */
		uint64_t lo = r->item[it->near - 1].dest & ~(it->near_align - 1);
		u128 hi = (u128)lo + it->near_size;
		if (lo > *min)
			*min = lo;
		if (hi < *max)
			*max = (uint64_t)hi;
	}
	*pref = it->pref_max && it->pref_max < *max ? it->pref_max : 0;
}

/* Inside one RAM range of the (sanitised) map. */
static bool in_ram(const struct memmap *m, uint64_t a, uint64_t size)
{
	for (size_t k = 0; k < m->n; k++) {
		const struct mem_range *e = &m->e[k];
		if (e->type == MEM_RAM && e->base <= a &&
		    (u128)a + size <= (u128)e->base + e->size)
			return true;
	}
	return false;
}

/* The item at `a` and every granule-aligned block it touches inside one
 * RAM range (place.h's granule). */
static bool in_ram_blocks(const struct memmap *m, const struct place_item *it, uint64_t a)
{
	u128 g = it->granule ? it->granule : 1;
	u128 lo = a & ~(g - 1);
	u128 hi = ((u128)a + it->size + g - 1) & ~(g - 1);
	return hi - lo <= UINT64_MAX && in_ram(m, (uint64_t)lo, (uint64_t)(hi - lo));
}

/* Clear of busy ranges, other items' sources and the dests of items < upto
 * other than i itself. */
static bool clear(const struct place_req *r, size_t i, size_t upto, uint64_t a)
{
	const struct place_item *it = &r->item[i];
	for (size_t b = 0; b < r->n_busy; b++)
		if (overlap(a, it->size, r->busy[b].base, r->busy[b].size))
			return false;
	for (size_t j = 0; j < r->n_item; j++) {
		const struct place_item *o = &r->item[j];
		if (j == i)
			continue;
		if (overlap(a, it->size, o->src, o->src_len))
			return false;
		if (j < upto && overlap(a, it->size, o->dest, o->size))
			return false;
	}
	return true;
}

bool pc_valid_at(const struct place_req *r, size_t i, uint64_t a, uint64_t limit)
{
	const struct place_item *it = &r->item[i];
	uint64_t min, max, pref;
	pc_window(r, i, &min, &max, &pref);
	u128 end = (u128)a + it->size;
	return a >= min && end <= limit && end <= max && !(a & (it->align - 1)) &&
	       in_ram_blocks(r->mem, it, a) && clear(r, i, i, a);
}

static void consider(const struct place_req *r, size_t i, uint64_t limit, u128 a,
		     bool *found, uint64_t *best)
{
	const struct place_item *it = &r->item[i];
	if (a > UINT64_MAX || !pc_valid_at(r, i, (uint64_t)a, limit))
		return;
	if (!*found || (it->high ? (uint64_t)a > *best : (uint64_t)a < *best))
		*best = (uint64_t)a;
	*found = true;
}

/* Candidate from a lower bound x (low items) or an upper bound y (high). */
static void lower_bound(const struct place_req *r, size_t i, uint64_t limit, u128 x,
			bool *found, uint64_t *best)
{
	const struct place_item *it = &r->item[i];
	u128 a = (x + it->align - 1) & ~(u128)(it->align - 1);
	consider(r, i, limit, a, found, best);
}

static void upper_bound(const struct place_req *r, size_t i, uint64_t limit, u128 y,
			bool *found, uint64_t *best)
{
	const struct place_item *it = &r->item[i];
	if (y < it->size)
		return;
	u128 a = (y - it->size) & ~(u128)(it->align - 1);
	consider(r, i, limit, a, found, best);
}

bool pc_best(const struct place_req *r, size_t i, uint64_t limit, uint64_t *out)
{
	const struct place_item *it = &r->item[i];
	void (*cand)(const struct place_req *, size_t, uint64_t, u128, bool *, uint64_t *) =
		it->high ? upper_bound : lower_bound;
	bool found = false;
	uint64_t min, max, pref;
	pc_window(r, i, &min, &max, &pref);
	cand(r, i, limit, it->high ? (u128)(limit < max ? limit : max) : min, &found, out);
	/* A RAM range's bounds, rounded inwards to whole granules. */
	u128 g = it->granule ? it->granule : 1;
	for (size_t k = 0; k < r->mem->n; k++) {
		const struct mem_range *e = &r->mem->e[k];
		if (e->type == MEM_RAM)
			cand(r, i, limit,
			     it->high ? ((u128)e->base + e->size) & ~(g - 1)
				      : ((u128)e->base + g - 1) & ~(g - 1),
			     &found, out);
	}
	for (size_t b = 0; b < r->n_busy; b++)
		if (r->busy[b].size)
			cand(r, i, limit,
			     it->high ? r->busy[b].base : (u128)r->busy[b].base + r->busy[b].size,
			     &found, out);
	for (size_t j = 0; j < r->n_item; j++) {
		const struct place_item *o = &r->item[j];
		if (j == i)
			continue;
		if (o->src_len)
			cand(r, i, limit, it->high ? o->src : (u128)o->src + o->src_len, &found,
			     out);
		if (j < i)
			cand(r, i, limit, it->high ? o->dest : (u128)o->dest + o->size, &found,
			     out);
	}
	return found;
}

bool pc_expected(const struct place_req *r, size_t i, uint64_t *dest, bool *in_place)
{
	const struct place_item *it = &r->item[i];
	uint64_t min, max, pref;
	pc_window(r, i, &min, &max, &pref);
	*in_place = false;
	if (it->in_place_ok && it->src_len && pc_valid_at(r, i, it->src, max)) {
		*dest = it->src;
		*in_place = true;
		return true;
	}
	if (pref && pc_best(r, i, pref, dest))
		return true;
	return pc_best(r, i, max, dest);
}

static char why[512];

#define VIOLATION(...) (snprintf(why, sizeof(why), __VA_ARGS__), why)

/* The documented guarantees for item i, placed, against items < upto. */
static const char *check_placed(const struct place_req *r, size_t i, size_t upto)
{
	const struct place_item *it = &r->item[i];
	unsigned long long d = it->dest;
	if (!pc_item_valid(r, i))
		return VIOLATION("%s: invalid item was placed at 0x%llx", it->name, d);
	if (d & (it->align - 1))
		return VIOLATION("%s: dest 0x%llx is not aligned to 0x%llx", it->name, d,
				 (unsigned long long)it->align);
	uint64_t min, max, pref;
	pc_window(r, i, &min, &max, &pref);
	if (d < min || (u128)d + it->size > max)
		return VIOLATION("%s: [0x%llx, +0x%llx) is outside its window [0x%llx, 0x%llx)%s",
				 it->name, d, (unsigned long long)it->size,
				 (unsigned long long)min, (unsigned long long)max,
				 it->near ? " (narrowed by near)" : "");
	if (!in_ram(r->mem, d, it->size))
		return VIOLATION("%s: [0x%llx, +0x%llx) is not inside one RAM range", it->name, d,
				 (unsigned long long)it->size);
	if (!in_ram_blocks(r->mem, it, d))
		return VIOLATION("%s: [0x%llx, +0x%llx) touches a 0x%llx block that is not all RAM",
				 it->name, d, (unsigned long long)it->size,
				 (unsigned long long)it->granule);
	for (size_t b = 0; b < r->n_busy; b++)
		if (overlap(d, it->size, r->busy[b].base, r->busy[b].size))
			return VIOLATION("%s: [0x%llx, +0x%llx) overlaps busy range %zu", it->name,
					 d, (unsigned long long)it->size, b);
	for (size_t j = 0; j < upto; j++) {
		const struct place_item *o = &r->item[j];
		if (j == i)
			continue;
		if (overlap(d, it->size, o->dest, o->size))
			return VIOLATION("%s: [0x%llx, +0x%llx) overlaps %s's destination 0x%llx",
					 it->name, d, (unsigned long long)it->size, o->name,
					 (unsigned long long)o->dest);
	}
	for (size_t j = 0; j < r->n_item; j++) {
		const struct place_item *o = &r->item[j];
		if (j != i && overlap(d, it->size, o->src, o->src_len))
			return VIOLATION("%s: [0x%llx, +0x%llx) overlaps %s's source 0x%llx",
					 it->name, d, (unsigned long long)it->size, o->name,
					 (unsigned long long)o->src);
	}
	if (it->in_place && (d != it->src || !it->in_place_ok || !it->src_len))
		return VIOLATION("%s: in_place but dest 0x%llx, src 0x%llx, in_place_ok %d, "
				 "src_len 0x%llx",
				 it->name, d, (unsigned long long)it->src, it->in_place_ok,
				 (unsigned long long)it->src_len);
	/* The choice itself. */
	uint64_t want;
	bool want_in_place;
	if (!pc_expected(r, i, &want, &want_in_place))
		return VIOLATION("%s: placed at 0x%llx where the oracle finds no room (oracle bug?)",
				 it->name, d);
	if (want_in_place != it->in_place || want != d)
		return VIOLATION("%s: placed at 0x%llx%s, expected 0x%llx%s", it->name, d,
				 it->in_place ? " (in place)" : "", (unsigned long long)want,
				 want_in_place ? " (in place)" : "");
	return NULL;
}

const char *pc_check(const struct place_req *r, int rc, const char *msg)
{
	if (rc == 0) {
		for (size_t i = 0; i < r->n_item; i++) {
			const char *v = check_placed(r, i, r->n_item);
			if (v)
				return v;
		}
		return NULL;
	}
	if (rc != -1)
		return VIOLATION("place() returned %d", rc);
	/* The message names the item that failed: "<name>: ...". */
	size_t k = r->n_item;
	for (size_t i = 0; i < r->n_item; i++) {
		size_t len = strlen(r->item[i].name);
		if (!strncmp(msg, r->item[i].name, len) && msg[len] == ':' && msg[len + 1] == ' ') {
			k = i;
			break;
		}
	}
	if (k == r->n_item)
		return VIOLATION("error \"%s\" names no item", msg);
	/* The items before it were placed, and properly. */
	for (size_t i = 0; i < k; i++) {
		const char *v = check_placed(r, i, k);
		if (v)
			return v;
	}
	if (!pc_item_valid(r, k))
		return NULL;
	uint64_t want;
	bool want_in_place;
	if (pc_expected(r, k, &want, &want_in_place))
		return VIOLATION("false negative: \"%s\", but 0x%llx%s is a valid destination",
				 msg, (unsigned long long)want, want_in_place ? " (in place)" : "");
	return NULL;
}

void pc_dump(const struct place_req *r, int (*print)(const char *fmt, ...))
{
	print("memory map (sanitised), %zu ranges:\n", r->mem->n);
	for (size_t k = 0; k < r->mem->n; k++)
		print("  { 0x%llx, 0x%llx, %u },\n", (unsigned long long)r->mem->e[k].base,
		      (unsigned long long)r->mem->e[k].size, r->mem->e[k].type);
	print("busy, %zu ranges:\n", r->n_busy);
	for (size_t b = 0; b < r->n_busy; b++)
		print("  { 0x%llx, 0x%llx },\n", (unsigned long long)r->busy[b].base,
		      (unsigned long long)r->busy[b].size);
	print("items, %zu:\n", r->n_item);
	for (size_t i = 0; i < r->n_item; i++) {
		const struct place_item *it = &r->item[i];
		print("  { .name = \"%s\", .size = 0x%llx, .src = 0x%llx, .src_len = 0x%llx, "
		      ".align = 0x%llx, .min = 0x%llx, .max = 0x%llx, .pref_max = 0x%llx, "
		      ".near = %zu, .near_align = 0x%llx, .near_size = 0x%llx, "
		      ".granule = 0x%llx, .high = %d, .in_place_ok = %d }, "
		      "/* dest 0x%llx in_place %d */\n",
		      it->name, (unsigned long long)it->size, (unsigned long long)it->src,
		      (unsigned long long)it->src_len, (unsigned long long)it->align,
		      (unsigned long long)it->min, (unsigned long long)it->max,
		      (unsigned long long)it->pref_max, it->near,
		      (unsigned long long)it->near_align, (unsigned long long)it->near_size,
		      (unsigned long long)it->granule, it->high, it->in_place_ok, (unsigned long long)it->dest, it->in_place);
	}
}
