/* See mtrr.h. */
#include "mtrr.h"

const uint32_t mtrr_fixed_msr[MTRR_FIXED_MSRS] = {
	0x250,			/* IA32_MTRR_FIX64K_00000 */
	0x258, 0x259,		/* IA32_MTRR_FIX16K_80000, _A0000 */
	0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f, /* FIX4K_C0000.._F8000 */
};

#define FIXED_END MiB(1)
#define VGA_BASE 0xa0000
#define ROM_AREA_BASE 0xc0000
#define LOW_END GiB(4)

/* The type of the fixed range [base, base+size): SeaBIOS's layout. */
static uint8_t fixed_type(const struct memmap *m, uint64_t base, uint64_t size)
{
	if (base >= ROM_AREA_BASE)
		return MTRR_TYPE_WP;
	if (base >= VGA_BASE)
		return MTRR_TYPE_UC;
	return memmap_is_ram(m, base, size) ? MTRR_TYPE_WB : MTRR_TYPE_UC;
}

static void plan_fixed(const struct memmap *m, struct mtrr_plan *p)
{
	/* MSR i covers `count` ranges of `size` from `base`. */
	uint64_t base = 0;
	for (unsigned i = 0; i < MTRR_FIXED_MSRS; i++) {
		uint64_t size = i == 0 ? KiB(64) : i < 3 ? KiB(16) : KiB(4), v = 0;
		for (unsigned b = 0; b < 8; b++, base += size)
			v |= (uint64_t)fixed_type(m, base, size) << (8 * b);
		p->fixed[i] = v;
	}
}

/* Append [base, end) as aligned power-of-two blocks; false when more than
 * `room` blocks would be needed (counting on in *n). */
static bool blocks(uint64_t base, uint64_t end, struct mtrr_var *v, unsigned *n, unsigned room)
{
	while (base < end) {
		/* The largest block aligned at base that ends by end. */
		uint64_t size = base ? base & -base : (uint64_t)1 << 63;
		while (size > end - base)
			size >>= 1;
		if (*n >= room)
			return false;
		v[*n].addr = base;
		v[*n].size = size;
		(*n)++;
		base += size;
	}
	return true;
}

/* RAM spans, 4 KiB aligned inwards, the first MiB counted as RAM, merged
 * where they touch: into span[], at most `max`. */
static unsigned ram_spans(const struct memmap *m, uint64_t (*span)[2], unsigned max)
{
	unsigned n = 0;
	span[n][0] = 0;
	span[n][1] = FIXED_END;
	n++;
	for (size_t i = 0; i < m->n; i++) {
		const struct mem_range *r = &m->e[i];
		uint64_t lo, hi;
		if (r->type != MEM_RAM || !align_up(r->base, MTRR_GRANULE, &lo) ||
		    !range_end(r->base, r->size, &hi))
			continue;
		hi = align_down(hi, MTRR_GRANULE);
		if (hi <= lo)
			continue;
		/* The map is sorted (sanitised): touching or overlapping the
		 * last span extends it. */
		if (lo <= span[n - 1][1]) {
			if (hi > span[n - 1][1])
				span[n - 1][1] = hi;
		} else if (n < max) {
			span[n][0] = lo;
			span[n][1] = hi;
			n++;
		}
	}
	return n;
}

static void encode(struct mtrr_plan *p, uint8_t type, uint64_t addr_mask)
{
	p->var_type = type;
	for (unsigned i = 0; i < p->n_var; i++) {
		struct mtrr_var *v = &p->var[i];
		v->base = v->addr | type;
		v->mask = (~(v->size - 1) & addr_mask) | MTRR_PHYS_MASK_VALID;
	}
}

int mtrr_plan(const struct memmap *m, unsigned vcnt, unsigned phys_bits, struct mtrr_plan *p,
	      struct error *e)
{
	uint64_t span[MEMMAP_MAX + 1][2];
	if (phys_bits < 32 || phys_bits > 52)
		return fail(e, "mtrr", "physical address width %u is not 32..52", phys_bits);
	if (vcnt > MTRR_VAR_MAX)
		vcnt = MTRR_VAR_MAX;
	uint64_t limit = 1ull << phys_bits;
	/* Bits 12..phys_bits-1 of PHYSBASE/PHYSMASK hold the address. */
	uint64_t addr_mask = (limit - 1) & ~(MTRR_GRANULE - 1);
	unsigned n = ram_spans(m, span, ARRAY_SIZE(span));
	if (span[n - 1][1] > limit)
		return fail(e, "mtrr", "RAM up to 0x%llx is beyond the CPU's %u-bit physical "
			    "addresses", (unsigned long long)span[n - 1][1], phys_bits);

	plan_fixed(m, p);
	p->def_type = MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE;
	/* Default UC, RAM write-back. */
	p->n_var = 0;
	bool fits = true;
	for (unsigned i = 0; i < n && fits; i++)
		fits = blocks(span[i][0], span[i][1], p->var, &p->n_var, vcnt);
	if (fits) {
		p->def_type |= MTRR_TYPE_UC;
		encode(p, MTRR_TYPE_WB, addr_mask);
		return 0;
	}
	/* Default WB, the holes below 4 GiB uncached. */
	p->n_var = 0;
	fits = true;
	for (unsigned i = 0; i < n && fits; i++) {
		uint64_t lo = span[i][1], hi = i + 1 < n ? span[i + 1][0] : LOW_END;
		if (lo >= LOW_END)
			break;
		fits = blocks(lo, hi < LOW_END ? hi : LOW_END, p->var, &p->n_var, vcnt);
	}
	if (!fits)
		return fail(e, "mtrr", "neither the RAM (as write-back ranges) nor its holes below "
			    "4 GiB (as uncached ones) fit the CPU's %u variable ranges", vcnt);
	p->def_type |= MTRR_TYPE_WB;
	encode(p, MTRR_TYPE_UC, addr_mask);
	return 0;
}
