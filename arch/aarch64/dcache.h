/* Data cache maintenance plans for the aarch64 entries that own the
 * machine: which lines to invalidate before the shim writes a range, as a
 * pure function the host unit tests check (tests/unit/test_aarch64_cpu.c);
 * cpu.c carries them out. */
#ifndef BOOTSHIM_AARCH64_DCACHE_H
#define BOOTSHIM_AARCH64_DCACHE_H

#include "place.h"

/* How to own [base, base+size) before writing it past the caches: DC IVAC
 * on the whole lines inside it, [inval_lo, inval_hi); DC CIVAC on the
 * partial lines at its edges (n_edge of them, at edge[]), whose other bytes
 * belong to someone else and may be dirty: cleaning them first keeps those
 * bytes, and the range's own bytes are not written yet. */
struct dc_plan {
	uint64_t inval_lo, inval_hi;
	uint64_t edge[2];
	size_t n_edge;
};

/* line: the smallest D-cache line (CTR_EL0.DminLine), a power of two. A
 * range that runs past 2^64 is planned up to the last whole line. */
struct dc_plan dc_plan_own(uint64_t base, uint64_t size, uint64_t line);

/* The ranges the core will write for these placed items (every item not
 * left in place: copies and generated boot information), into out[n];
 * returns how many. */
size_t dc_written_ranges(const struct place_item *item, size_t n, struct range *out);

/* The smallest D-cache line in bytes, from CTR_EL0 (cpu.c). */
uint64_t dcache_line(void);

#endif
