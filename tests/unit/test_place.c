/* place(): hand-written cases, each with the one answer place.h implies.
 * Every outcome is also run through the independent checker. */
#include "unit.h"
#include "place_check.h"

/* ITEM() gives defaults that the cases then override. */
#pragma GCC diagnostic ignored "-Woverride-init"

/* A PC-like map: low RAM, the BIOS hole, RAM to 1 GiB, RAM at 4..8 GiB. */
static void pc_map(struct memmap *m)
{
	static const struct mem_range r[] = {
		{ 0, 0x9f000, MEM_RAM },
		{ 0xf0000, 0x10000, MEM_RESERVED },
		{ MiB(1), GiB(1) - MiB(1), MEM_RAM },
		{ GiB(4), GiB(4), MEM_RAM },
	};
	map_build(m, r, 4);
}

/* Run place() and the checker; return place()'s rc. */
static int run(const struct memmap *m, const struct range *busy, size_t n_busy,
	       struct place_item *items, size_t n, struct error *e)
{
	struct place_req req = { m, busy, n_busy, items, n };
	strcpy(e->msg, "(no message)");
	int rc = place(&req, e);
	const char *v = pc_check(&req, rc, e->msg);
	if (v) {
		pc_dump(&req, eprintf);
		fail_msg("checker: %s", v);
	}
	return rc;
}

#define ITEM(...) ((struct place_item){ .name = "blob", .align = 0x1000, .max = UINT64_MAX, __VA_ARGS__ })

static void test_place_in_place_accepted(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	struct place_item it = ITEM(.size = 0x10000, .src = 0x200000, .src_len = 0x8000,
				    .in_place_ok = true);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_true(it.in_place);
	assert_int_equal(it.dest, 0x200000);
}

static void test_place_in_place_needs_ok(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	/* Valid where it is, but not allowed to stay: lowest address instead. */
	struct place_item it = ITEM(.size = 0x10000, .src = 0x200000, .src_len = 0x8000,
				    .min = MiB(1));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_false(it.in_place);
	assert_int_equal(it.dest, MiB(1));
	/* Generated items (src_len 0) are never "in place". */
	it = ITEM(.size = 0x1000, .src = 0x200000, .in_place_ok = true, .min = MiB(1));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_false(it.in_place);
	assert_int_equal(it.dest, MiB(1));
}

static void test_place_in_place_rejected(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	/* Misaligned source. */
	struct place_item it = ITEM(.size = 0x10000, .src = 0x200800, .src_len = 0x8000,
				    .in_place_ok = true, .min = MiB(1));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_false(it.in_place);
	assert_int_equal(it.dest, MiB(1));
	/* Source below the window. */
	it = ITEM(.size = 0x10000, .src = 0x200000, .src_len = 0x8000, .in_place_ok = true,
		  .min = 0x300000);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_false(it.in_place);
	assert_int_equal(it.dest, 0x300000);
	/* Source whose reservation (size, not src_len) ends past max. */
	it = ITEM(.size = 0x10000, .src = 0x200000, .src_len = 0x8000, .in_place_ok = true,
		  .min = MiB(1), .max = 0x208000);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_false(it.in_place);
	assert_int_equal(it.dest, MiB(1));
	/* Source overlapping a busy range. */
	const struct range busy = { 0x20f000, 0x1000, "shim" };
	it = ITEM(.size = 0x10000, .src = 0x200000, .src_len = 0x8000, .in_place_ok = true,
		  .min = MiB(1));
	assert_ok(run(&m, &busy, 1, &it, 1, &e), &e);
	assert_false(it.in_place);
	assert_int_equal(it.dest, MiB(1));
	/* Source not (all) in RAM: across the end of low RAM, in the BIOS hole. */
	it = ITEM(.size = 0x2000, .src = 0x9e000, .src_len = 0x2000, .in_place_ok = true,
		  .min = MiB(1));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_false(it.in_place);
	it = ITEM(.size = 0x1000, .src = 0xf0000, .src_len = 0x1000, .in_place_ok = true,
		  .min = MiB(1));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_false(it.in_place);
	assert_int_equal(it.dest, MiB(1));
}

static void test_place_low(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	/* Lowest RAM is 0. */
	struct place_item it = ITEM(.size = 0x1000);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, 0);
	/* Too big for low RAM: the next RAM range. */
	it = ITEM(.size = 0xa0000);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, MiB(1));
	/* Skips busy ranges, rounding up to the alignment after each. */
	const struct range busy[] = { { MiB(1), 0x1800, "a" }, { MiB(1) + 0x3000, 0x10, "b" } };
	it = ITEM(.size = 0x1000, .min = MiB(1));
	assert_ok(run(&m, busy, 2, &it, 1, &e), &e);
	assert_int_equal(it.dest, MiB(1) + 0x2000);
	it = ITEM(.size = 0x1001, .min = MiB(1));
	assert_ok(run(&m, busy, 2, &it, 1, &e), &e);
	assert_int_equal(it.dest, MiB(1) + 0x4000);
}

static void test_place_high(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	/* Highest below max = 4 GiB: the top of the 1 GiB range. */
	struct place_item it = ITEM(.size = 0x3000, .high = true, .max = GiB(4));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(1) - 0x3000);
	/* No max: the top of RAM. */
	it = ITEM(.size = 0x3000, .high = true);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(8) - 0x3000);
	/* Below a busy range at the top, aligned down. */
	const struct range busy = { GiB(8) - 0x1800, 0x800, "fw" };
	it = ITEM(.size = 0x1800, .high = true);
	assert_ok(run(&m, &busy, 1, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(8) - 0x3000);
	/* A max inside a RAM range caps the end. */
	it = ITEM(.size = 0x1000, .high = true, .max = GiB(4) + 0x12345);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(4) + 0x11000);
}

static void test_place_pref_max(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	/* A high item searches below pref_max first ... */
	struct place_item it = ITEM(.size = MiB(16), .high = true, .pref_max = GiB(4));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(1) - MiB(16));
	/* ... then below max when nothing fits there. */
	const struct range busy = { 0, GiB(1), "everything low" };
	assert_ok(run(&m, &busy, 1, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(8) - MiB(16));
	/* A low item: window [0, 0x80000) first; 0x90000 bytes don't fit it,
	 * so the second pass takes the lowest address below max, 0. */
	it = ITEM(.size = 0x90000, .pref_max = 0x80000);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, 0);
	/* pref_max at or above max is ignored. */
	it = ITEM(.size = 0x1000, .high = true, .max = GiB(1), .pref_max = GiB(2));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(1) - 0x1000);
}

static void test_place_alignment(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	struct place_item it = ITEM(.size = 0x1000, .align = MiB(2), .min = MiB(1) + 1);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, MiB(2));
	it = ITEM(.size = GiB(1), .align = GiB(1), .high = true);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(7));
	it = ITEM(.size = 0x10, .align = 1, .high = true, .max = 0x9f001);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, 0x9eff0);
	/* 2 GiB aligned and below 8 GiB: only 4 GiB and 6 GiB qualify. */
	it = ITEM(.size = GiB(2) + 1, .align = GiB(2), .high = true);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(4));
}

/* Items keep clear of each other's destinations and sources. */
static void test_place_items_avoid_each_other(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	struct place_item it[3] = {
		/* Lowest from 3 MiB would be 3 MiB, but that is item 1's source. */
		ITEM(.name = "first", .size = 0x1000, .min = MiB(3)),
		/* May overwrite its own source (memmove), not item 0's dest. */
		ITEM(.name = "second", .size = 0x2000, .src = MiB(3), .src_len = 0x1000,
		     .min = MiB(3)),
		/* Stays in place only if clear of the others. */
		ITEM(.name = "third", .size = 0x1000, .src = MiB(3) + 0x1000,
		     .src_len = 0x1000, .min = MiB(3), .in_place_ok = true),
	};
	assert_ok(run(&m, NULL, 0, it, 3, &e), &e);
	assert_int_equal(it[0].dest, MiB(3) + 0x2000);
	assert_int_equal(it[1].dest, MiB(3) + 0x3000);
	assert_true(it[2].in_place);
	assert_int_equal(it[2].dest, MiB(3) + 0x1000);
	/* The second item can't cover the third's source: */
	assert_false(ranges_overlap(it[1].dest, it[1].size, it[2].src, it[2].src_len));
}

static void test_place_top_of_address_space(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	const struct mem_range r[] = { { UINT64_MAX - MiB(2) + 1, MiB(2), MEM_RAM } };
	map_build(&m, r, 1); /* clipped to end at 2^64 - 1 */
	struct place_item it = ITEM(.size = MiB(1), .align = MiB(1), .high = true);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, 0ull - MiB(2));
	it = ITEM(.size = MiB(1), .align = MiB(1));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, 0ull - MiB(2));
	/* A busy range that runs past 2^64 blocks everything above it. */
	const struct range busy = { UINT64_MAX - MiB(1) - 5, MiB(4), "wrap" };
	assert_fails_mentioning(run(&m, &busy, 1, &it, 1, &e), &e, "blob");
}

static void test_place_impossible(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	struct place_item it[2] = {
		ITEM(.name = "kernel", .size = MiB(64), .max = GiB(4)),
		ITEM(.name = "initrd", .size = GiB(1), .max = GiB(4), .high = true),
	};
	assert_fails_mentioning(run(&m, NULL, 0, it, 2, &e), &e, "initrd");
	assert_int_equal(strncmp(e.msg, "initrd: ", 8), 0);
	/* The window has RAM, but not enough once the first item took its part. */
	it[1].size = GiB(1) - MiB(1) - MiB(64) + 1;
	it[1].align = 1;
	assert_fails_mentioning(run(&m, NULL, 0, it, 2, &e), &e, "initrd");
	it[1].size--;
	assert_ok(run(&m, NULL, 0, it, 2, &e), &e);
	assert_int_equal(it[1].dest, MiB(1) + MiB(64));
	/* No RAM in the window at all. */
	it[0] = ITEM(.name = "kernel", .size = 0x1000, .min = 0xa0000, .max = MiB(1));
	assert_fails_mentioning(run(&m, NULL, 0, it, 1, &e), &e, "kernel");
	/* min > max. */
	it[0] = ITEM(.name = "kernel", .size = 0x1000, .min = MiB(3), .max = MiB(2));
	assert_fails_mentioning(run(&m, NULL, 0, it, 1, &e), &e, "kernel");
}

static void test_place_bad_items(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	struct place_item it = ITEM(.name = "cmdline", .size = 0);
	assert_fails_mentioning(run(&m, NULL, 0, &it, 1, &e), &e, "cmdline: size is 0");
	it = ITEM(.name = "cmdline", .size = 0x10, .align = 0);
	assert_fails_mentioning(run(&m, NULL, 0, &it, 1, &e), &e, "cmdline: alignment");
	it = ITEM(.name = "cmdline", .size = 0x10, .align = 24);
	assert_fails_mentioning(run(&m, NULL, 0, &it, 1, &e), &e, "cmdline: alignment");
	it = ITEM(.name = "cmdline", .size = 0x10, .src = 0x1000, .src_len = 0x11);
	assert_fails_mentioning(run(&m, NULL, 0, &it, 1, &e), &e, "cmdline: ");
	assert_err_mentions(&e, "exceed");
	it = ITEM(.name = "cmdline", .size = 0x10, .src = UINT64_MAX - 7, .src_len = 0x10);
	assert_fails_mentioning(run(&m, NULL, 0, &it, 1, &e), &e, "cmdline: ");
	assert_err_mentions(&e, "wraps");
}

static void test_place_too_many_ranges(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	pc_map(&m);
	struct range busy[65];
	for (size_t i = 0; i < 65; i++)
		busy[i] = (struct range){ MiB(2) + 0x2000 * i, 0x1000, "fw" };
	struct place_item it = ITEM(.size = 0x1000);
	struct place_req req = { &m, busy, 65, &it, 1 };
	assert_fails_mentioning(place(&req, &e), &e, "placement");
	req.n_busy = 64;
	assert_ok(place(&req, &e), &e);
}

static void test_place_copy(void **state)
{
	(void)state;
	uint8_t *buf = malloc(0x4000);
	assert_non_null(buf);
	for (size_t i = 0; i < 0x4000; i++)
		buf[i] = (uint8_t)(i * 7);
	uintptr_t b = (uintptr_t)buf;
	struct place_item it[3] = {
		/* Overlapping forward move: must behave as memmove. */
		{ .name = "a", .size = 0x300, .src = b, .src_len = 0x200, .dest = b + 0x100 },
		/* In place: not copied even though dest differs from nothing. */
		{ .name = "b", .size = 0x100, .src = b + 0x1000, .src_len = 0x100,
		  .dest = b + 0x1000, .in_place = true },
		/* Generated: nothing to copy. */
		{ .name = "c", .size = 0x100, .dest = b + 0x3000 },
	};
	assert_int_equal(place_copy(it, 3), 0x200);
	for (size_t i = 0; i < 0x200; i++)
		assert_int_equal(buf[0x100 + i], (uint8_t)(i * 7));
	assert_int_equal(buf[0x3000], (uint8_t)(0x3000 * 7));
	free(buf);
}

/* QEMU virt's RAM at 1 GiB with a no-map reservation in its first 2 MiB
 * block, and RAM that ends 1 MiB into a block. */
static void virt_nomap_map(struct memmap *m)
{
	static const struct mem_range r[] = {
		{ GiB(1), GiB(1) - MiB(1), MEM_RAM },
		{ GiB(1) + 0x10000, 0x10000, MEM_RESERVED },
	};
	map_build(m, r, 2);
}

static void test_place_granule_low(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	virt_nomap_map(&m);
	/* Without a granule: right after the reservation, in its block. */
	struct place_item it = ITEM(.size = 0x11000);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(1) + 0x20000);
	/* With 2 MiB blocks: the first block that is all RAM. */
	it = ITEM(.size = 0x11000, .granule = MiB(2));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(1) + MiB(2));
	/* Busy ranges are RAM: the block may hold them, only the item avoids
	 * them. */
	struct range busy = { GiB(1) + MiB(2), 0x1000, "shim" };
	assert_ok(run(&m, &busy, 1, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(1) + MiB(2) + 0x1000);
	/* An item that straddles two blocks needs both: not the first. */
	it = ITEM(.size = 0x11000, .granule = MiB(2), .min = GiB(1) + MiB(2) - 0x1000);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(1) + MiB(2));
	it.min = GiB(1) + MiB(4) - 0x1000;
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(1) + MiB(4) - 0x1000);
}

static void test_place_granule_high(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	virt_nomap_map(&m);
	/* RAM ends at 2 GiB - 1 MiB: that last block is partly not RAM. */
	struct place_item it = ITEM(.size = 0x1000, .high = true);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(2) - MiB(1) - 0x1000);
	it = ITEM(.size = 0x1000, .high = true, .granule = MiB(2));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(2) - MiB(2) - 0x1000);
}

static void test_place_granule_in_place_and_none(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	virt_nomap_map(&m);
	/* Valid in place without a granule; its block holds the reservation. */
	struct place_item it = ITEM(.size = 0x1000, .src = GiB(1) + 0x40000, .src_len = 0x1000,
				    .in_place_ok = true, .granule = MiB(2));
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_false(it.in_place);
	assert_int_equal(it.dest, GiB(1) + MiB(2));
	/* No whole block at all: 2 MiB of RAM that is not block aligned. */
	static const struct mem_range r[] = { { GiB(1) + MiB(1), MiB(2), MEM_RAM } };
	map_build(&m, r, 1);
	it = ITEM(.size = 0x1000, .granule = MiB(2));
	assert_fails_mentioning(run(&m, NULL, 0, &it, 1, &e), &e, "blob: no room");
	it.granule = MiB(1);
	assert_ok(run(&m, NULL, 0, &it, 1, &e), &e);
	assert_int_equal(it.dest, GiB(1) + MiB(1));
	/* A granule must be a power of two. */
	it.granule = 3 * MiB(1);
	assert_fails_mentioning(run(&m, NULL, 0, &it, 1, &e), &e, "granule");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_place_in_place_accepted),
	cmocka_unit_test(test_place_in_place_needs_ok),
	cmocka_unit_test(test_place_in_place_rejected),
	cmocka_unit_test(test_place_low),
	cmocka_unit_test(test_place_high),
	cmocka_unit_test(test_place_pref_max),
	cmocka_unit_test(test_place_alignment),
	cmocka_unit_test(test_place_items_avoid_each_other),
	cmocka_unit_test(test_place_top_of_address_space),
	cmocka_unit_test(test_place_impossible),
	cmocka_unit_test(test_place_bad_items),
	cmocka_unit_test(test_place_too_many_ranges),
	cmocka_unit_test(test_place_copy),
	cmocka_unit_test(test_place_granule_low),
	cmocka_unit_test(test_place_granule_high),
	cmocka_unit_test(test_place_granule_in_place_and_none),
};

const struct unit_suite place_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
