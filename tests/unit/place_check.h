/* An independent checker for place(): the invariants shim/place.h
 * documents, plus an oracle for what place() should have chosen. Shared by
 * the unit property test and the fuzz_place target; no cmocka, no libc
 * beyond snprintf.
 *
 * The oracle follows place.h's contract: items are placed in order, each
 * one clear of the busy ranges, of every other item's source and of the
 * destinations already chosen for the items before it. An item that may
 * stay in place and sits at a valid destination stays. Otherwise it goes to
 * the lowest valid address (highest, for `high` items) whose end is at most
 * pref_max, if pref_max is set and below max and such an address exists,
 * and else to the lowest (highest) valid address below max. min, max and
 * pref_max are first narrowed to the `near` window, if the item has one.
 *
 * Lowest/highest are found without scanning: the valid addresses are the
 * aligned points of the free intervals, and the lowest point of a free
 * interval is align_up of its lower end, which is `min`, a RAM range's base
 * (rounded up to the item's granule, if it has one) or the end of a range to
 * keep clear; symmetrically for the highest. */
#ifndef BOOTSHIM_PLACE_CHECK_H
#define BOOTSHIM_PLACE_CHECK_H

#include "place.h"

/* What place() itself rejects before searching (written from place.h:
 * size > 0, power-of-two alignment, src_len <= size, a source that does not
 * wrap; `near`, if set, names an earlier item and near_align is a power of
 * two). */
bool pc_item_valid(const struct place_req *r, size_t i);

/* Item i's effective window [min, max), narrowed by `near` to
 * [align_down(item[near - 1].dest, near_align), +near_size), and its
 * preferred limit (0: none; else below max). */
void pc_window(const struct place_req *r, size_t i, uint64_t *min, uint64_t *max,
	       uint64_t *pref);

/* Is `a` a valid destination for item i with its end at or below `limit`
 * (limit <= max), given the destinations of items 0..i-1? */
bool pc_valid_at(const struct place_req *r, size_t i, uint64_t a, uint64_t limit);

/* The lowest (or, for a high item, highest) valid destination for item i
 * ending at or below `limit`; false if there is none. */
bool pc_best(const struct place_req *r, size_t i, uint64_t limit, uint64_t *out);

/* The destination place() must choose for item i given items 0..i-1, and
 * whether it is in place; false if there is none (place() must fail). */
bool pc_expected(const struct place_req *r, size_t i, uint64_t *dest, bool *in_place);

/* Check a place() outcome: rc and the error message it returned. NULL if
 * everything holds, else a description of the first violation (in a
 * static buffer). */
const char *pc_check(const struct place_req *r, int rc, const char *msg);

/* Print the request (and outcome fields) in a form fit for a bug report. */
void pc_dump(const struct place_req *r, int (*print)(const char *fmt, ...));

#endif
