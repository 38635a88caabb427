/* Placement: a pure function from a memory map and a list of things to
 * place to their destination addresses. No I/O, no globals: the unit tests
 * and the fuzzer call it exactly as the shim does.
 *
 * Guarantees when it succeeds, for every item:
 *  - [dest, dest+size) lies inside one usable-RAM range of the map and
 *    inside the item's [min, max) window, and dest is aligned;
 *  - for an item with a granule, so does every granule-aligned block that
 *    [dest, dest+size) touches (the blocks need not be inside [min, max));
 *  - it overlaps no busy range (the shim itself, firmware data to keep),
 *    no other item's destination and no other item's source.
 * Because no destination covers another item's source, copying the items in
 * any order never destroys bytes still to be copied; an item whose
 * destination overlaps its own source is moved with memmove.
 * An item that may boot in place and already sits at a valid destination
 * is left there (dest == src, in_place = true). */
#ifndef BOOTSHIM_PLACE_H
#define BOOTSHIM_PLACE_H

#include "memmap.h"

struct range {
	uint64_t base, size;
	const char *name;
};

struct place_item {
	const char *name;	/* names the item in errors and announcements */
	uint64_t size;		/* bytes reserved at the destination */
	uint64_t src, src_len;	/* bytes to copy there; src_len 0: generated */
	uint64_t align;		/* power of two */
	uint64_t min, max;	/* the destination must lie in [min, max) */
	uint64_t pref_max;	/* if below max: search [min, pref_max) first */
	/* Optional window relative to an earlier item: within
	 * [align_down(item[near - 1].dest, near_align), +near_size). */
	size_t near;		/* 1-based index of that item; 0: none */
	uint64_t near_align, near_size;
	/* 0, or a power of two: the granule-aligned blocks the item touches
	 * must be usable RAM too, for an item that its consumer maps with
	 * blocks of that size (arm64's DTB: 2 MiB). */
	uint64_t granule;
	bool high;		/* search from the top (else from the bottom) */
	bool in_place_ok;	/* may stay at src if src is valid */

	uint64_t dest;		/* out */
	bool in_place;		/* out */
};

struct place_req {
	const struct memmap *mem;	/* sanitised */
	const struct range *busy;
	size_t n_busy;
	struct place_item *item;	/* placed in this order */
	size_t n_item;
};

int place(struct place_req *r, struct error *e);

/* Copy every item that is not in place; returns the bytes moved. */
uint64_t place_copy(const struct place_item *item, size_t n);

/* One item's copy, with memmove's semantics (the destination may overlap
 * its own source): place.c's weak default is memmove; an arch provides a
 * faster one that also leaves the bytes as its hand-off needs them
 * (arch/aarch64/el.S: cleaned to the point of coherency). */
void arch_copy(void *dst, const void *src, size_t n);

#endif
