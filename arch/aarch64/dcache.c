/* See dcache.h: pure, compiled for the shim and the host unit tests. */
#include "dcache.h"

struct dc_plan dc_plan_own(uint64_t base, uint64_t size, uint64_t line)
{
	struct dc_plan p = { 0 };
	uint64_t end;
	if (!size)
		return p;
	if (!range_end(base, size, &end))
		end = UINT64_MAX; /* never for a placed item: place() checks */
	uint64_t first = align_down(base, line), last = align_down(end - 1, line);
	if (base != first)
		p.edge[p.n_edge++] = first;
	if ((end & (line - 1)) && (last != first || base == first))
		p.edge[p.n_edge++] = last;
	/* Whole lines: from the first line that starts inside the range to
	 * the last one that ends inside it. */
	uint64_t lo = first;
	if (base != first && !range_end(first, line, &lo))
		lo = end; /* the head line is the top one: no whole line */
	p.inval_lo = lo;
	p.inval_hi = align_down(end, line) > lo ? align_down(end, line) : lo;
	return p;
}

size_t dc_written_ranges(const struct place_item *item, size_t n, struct range *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!item[i].in_place)
			out[k++] = (struct range){ item[i].dest, item[i].size, item[i].name };
	return k;
}
