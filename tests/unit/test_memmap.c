/* memmap: add, sanitise (sort, overlap resolution, merging), mark, is_ram. */
#include "unit.h"

static void expect(const struct memmap *m, const struct mem_range *want, size_t n)
{
	if (m->n != n) {
		for (size_t i = 0; i < m->n; i++)
			print_message("  got [%zu] 0x%llx+0x%llx type %u\n", i,
				      (unsigned long long)m->e[i].base,
				      (unsigned long long)m->e[i].size, m->e[i].type);
		fail_msg("%zu ranges, expected %zu", m->n, n);
	}
	for (size_t i = 0; i < n; i++) {
		if (m->e[i].base != want[i].base || m->e[i].size != want[i].size ||
		    m->e[i].type != want[i].type)
			fail_msg("range %zu is 0x%llx+0x%llx type %u, expected 0x%llx+0x%llx type %u",
				 i, (unsigned long long)m->e[i].base,
				 (unsigned long long)m->e[i].size, m->e[i].type,
				 (unsigned long long)want[i].base,
				 (unsigned long long)want[i].size, want[i].type);
	}
}

#define EXPECT(m, ...)                                                              \
	do {                                                                        \
		static const struct mem_range w_[] = { __VA_ARGS__ };               \
		expect(m, w_, sizeof(w_) / sizeof(w_[0]));                          \
	} while (0)

#define BUILD(m, ...)                                                               \
	do {                                                                        \
		static const struct mem_range r_[] = { __VA_ARGS__ };               \
		map_build(m, r_, sizeof(r_) / sizeof(r_[0]));                       \
	} while (0)

static void test_memmap_sorts(void **state)
{
	(void)state;
	struct memmap m;
	BUILD(&m, { 0x300000, 0x1000, MEM_RAM }, { 0x100000, 0x1000, MEM_ACPI },
	      { 0x200000, 0x1000, MEM_RESERVED }, { 0, 0x1000, MEM_NVS });
	EXPECT(&m, { 0, 0x1000, MEM_NVS }, { 0x100000, 0x1000, MEM_ACPI },
	       { 0x200000, 0x1000, MEM_RESERVED }, { 0x300000, 0x1000, MEM_RAM });
}

static void test_memmap_reserved_splits_ram(void **state)
{
	(void)state;
	struct memmap m;
	BUILD(&m, { 0, 0x100000, MEM_RAM }, { 0x40000, 0x2000, MEM_RESERVED });
	EXPECT(&m, { 0, 0x40000, MEM_RAM }, { 0x40000, 0x2000, MEM_RESERVED },
	       { 0x42000, 0xbe000, MEM_RAM });
	/* Same result whatever the input order. */
	BUILD(&m, { 0x40000, 0x2000, MEM_RESERVED }, { 0, 0x100000, MEM_RAM });
	EXPECT(&m, { 0, 0x40000, MEM_RAM }, { 0x40000, 0x2000, MEM_RESERVED },
	       { 0x42000, 0xbe000, MEM_RAM });
}

static void test_memmap_ram_never_wins(void **state)
{
	(void)state;
	struct memmap m;
	/* RAM listed after, and partly over, every other type. */
	BUILD(&m, { 0x1000, 0x1000, MEM_RESERVED }, { 0x3000, 0x1000, MEM_ACPI },
	      { 0x5000, 0x1000, MEM_NVS }, { 0x7000, 0x1000, MEM_UNUSABLE },
	      { 0x9000, 0x1000, 12 /* e.g. persistent memory */ }, { 0, 0xb000, MEM_RAM });
	EXPECT(&m, { 0, 0x1000, MEM_RAM }, { 0x1000, 0x1000, MEM_RESERVED },
	       { 0x2000, 0x1000, MEM_RAM }, { 0x3000, 0x1000, MEM_ACPI },
	       { 0x4000, 0x1000, MEM_RAM }, { 0x5000, 0x1000, MEM_NVS },
	       { 0x6000, 0x1000, MEM_RAM }, { 0x7000, 0x1000, MEM_UNUSABLE },
	       { 0x8000, 0x1000, MEM_RAM }, { 0x9000, 0x1000, 12 },
	       { 0xa000, 0x1000, MEM_RAM });
	assert_int_equal(memmap_ram_bytes(&m), 0x6000);
}

/* "any other type beats RAM": that includes a type-0 entry, whichever
 * order the two come in. */
static void test_memmap_type0_beats_ram(void **state)
{
	(void)state;
	struct memmap m;
	BUILD(&m, { 0, 0x2000, 0 }, { 0, 0x4000, MEM_RAM });
	EXPECT(&m, { 0, 0x2000, 0 }, { 0x2000, 0x2000, MEM_RAM });
	BUILD(&m, { 0, 0x4000, MEM_RAM }, { 0, 0x2000, 0 });
	EXPECT(&m, { 0, 0x2000, 0 }, { 0x2000, 0x2000, MEM_RAM });
}

static void test_memmap_larger_type_wins(void **state)
{
	(void)state;
	struct memmap m;
	/* reserved(2) under ACPI(3) under NVS(4), both orders. */
	BUILD(&m, { 0, 0x3000, MEM_NVS }, { 0x1000, 0x3000, MEM_ACPI },
	      { 0x2000, 0x3000, MEM_RESERVED });
	EXPECT(&m, { 0, 0x3000, MEM_NVS }, { 0x3000, 0x1000, MEM_ACPI },
	       { 0x4000, 0x1000, MEM_RESERVED });
	BUILD(&m, { 0x2000, 0x3000, MEM_RESERVED }, { 0x1000, 0x3000, MEM_ACPI },
	      { 0, 0x3000, MEM_NVS });
	EXPECT(&m, { 0, 0x3000, MEM_NVS }, { 0x3000, 0x1000, MEM_ACPI },
	       { 0x4000, 0x1000, MEM_RESERVED });
	/* An unknown type 20 beats unusable(5) inside it. */
	BUILD(&m, { 0, 0x3000, MEM_UNUSABLE }, { 0x1000, 0x1000, 20 });
	EXPECT(&m, { 0, 0x1000, MEM_UNUSABLE }, { 0x1000, 0x1000, 20 },
	       { 0x2000, 0x1000, MEM_UNUSABLE });
}

static void test_memmap_merges(void **state)
{
	(void)state;
	struct memmap m;
	/* Adjacent, overlapping and nested RAM become one range; the gap and
	 * the type change are kept. */
	BUILD(&m, { 0, 0x1000, MEM_RAM }, { 0x1000, 0x1000, MEM_RAM },
	      { 0x1800, 0x1000, MEM_RAM }, { 0x2000, 0x100, MEM_RAM },
	      { 0x2800, 0x800, MEM_RESERVED }, { 0x3000, 0x1000, MEM_RESERVED },
	      { 0x5000, 0x1000, MEM_RESERVED });
	EXPECT(&m, { 0, 0x2800, MEM_RAM }, { 0x2800, 0x1800, MEM_RESERVED },
	       { 0x5000, 0x1000, MEM_RESERVED });
	/* A reserved hole that covers a RAM range entirely leaves no RAM piece. */
	BUILD(&m, { 0x1000, 0x1000, MEM_RAM }, { 0, 0x3000, MEM_RESERVED });
	EXPECT(&m, { 0, 0x3000, MEM_RESERVED });
}

static void test_memmap_zero_size_dropped(void **state)
{
	(void)state;
	struct memmap m = { 0 };
	struct error e;
	assert_ok(memmap_add(&m, 0x1000, 0, MEM_RAM, &e), &e);
	assert_int_equal(m.n, 0);
	/* A zero-sized entry that got in some other way is dropped too. */
	m.n = 2;
	m.e[0] = (struct mem_range){ 0x1000, 0, MEM_RESERVED };
	m.e[1] = (struct mem_range){ 0, 0x4000, MEM_RAM };
	assert_ok(memmap_sanitise(&m, &e), &e);
	EXPECT(&m, { 0, 0x4000, MEM_RAM });
}

static void test_memmap_wraparound_clipped(void **state)
{
	(void)state;
	struct memmap m = { 0 };
	struct error e;
	assert_ok(memmap_add(&m, UINT64_MAX - 0xfff, 0x2000, MEM_RAM, &e), &e);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.e[0].size, 0xfff);
	/* A wrapping entry written directly is clipped by sanitise. */
	m.e[m.n++] = (struct mem_range){ 0xffffffff00000000ull, UINT64_MAX, MEM_RESERVED };
	assert_ok(memmap_sanitise(&m, &e), &e);
	EXPECT(&m, { 0xffffffff00000000ull, 0xffffffffull, MEM_RESERVED });
	assert_false(memmap_is_ram(&m, UINT64_MAX - 0x10, 0x10));
}

/* A range that starts at the last address clips to zero bytes: like any
 * other zero-sized range it must be dropped, not take a table slot. */
static void test_memmap_clipped_to_zero_dropped(void **state)
{
	(void)state;
	struct memmap m = { 0 };
	struct error e;
	assert_ok(memmap_add(&m, UINT64_MAX, 0x1000, MEM_RAM, &e), &e);
	assert_int_equal(m.n, 0);
}

static void test_memmap_mark(void **state)
{
	(void)state;
	struct memmap m;
	struct error e;
	BUILD(&m, { 0, 0x9f000, MEM_RAM }, { MiB(1), MiB(63), MEM_RAM });
	uint64_t before = memmap_ram_bytes(&m);
	assert_int_equal(before, 0x9f000 + MiB(63));
	assert_ok(memmap_mark(&m, MiB(2), 0x3000, MEM_RESERVED, &e), &e);
	EXPECT(&m, { 0, 0x9f000, MEM_RAM }, { MiB(1), MiB(1), MEM_RAM },
	       { MiB(2), 0x3000, MEM_RESERVED }, { MiB(2) + 0x3000, MiB(62) - 0x3000, MEM_RAM });
	assert_int_equal(memmap_ram_bytes(&m), before - 0x3000);
	/* Marking across the gap and a RAM edge takes only the RAM part. */
	assert_ok(memmap_mark(&m, 0x9e000, MiB(1), MEM_RESERVED, &e), &e);
	assert_int_equal(memmap_ram_bytes(&m), before - 0x3000 - 0x1000 - 0x9e000);
	assert_false(memmap_is_ram(&m, 0x9e000, 1));
	assert_false(memmap_is_ram(&m, 0x19dfff, 1));
	assert_true(memmap_is_ram(&m, 0x19e000, 1));
	/* Marking a whole range reserved and marking a gap. */
	assert_ok(memmap_mark(&m, 0, 0x9e000, MEM_RESERVED, &e), &e);
	assert_ok(memmap_mark(&m, GiB(8), 0x1000, MEM_ACPI, &e), &e);
	EXPECT(&m, { 0, 0x19e000, MEM_RESERVED }, { 0x19e000, MiB(2) - 0x19e000, MEM_RAM },
	       { MiB(2), 0x3000, MEM_RESERVED }, { MiB(2) + 0x3000, MiB(62) - 0x3000, MEM_RAM },
	       { GiB(8), 0x1000, MEM_ACPI });
	/* A zero-sized mark changes nothing. */
	assert_ok(memmap_mark(&m, MiB(4), 0, MEM_RESERVED, &e), &e);
	assert_int_equal(m.n, 5);
}

static void test_memmap_is_ram(void **state)
{
	(void)state;
	struct memmap m;
	BUILD(&m, { 0x1000, 0x3000, MEM_RAM }, { 0x4000, 0x1000, MEM_RESERVED },
	      { 0x5000, 0x1000, MEM_RAM }, { 0x8000, 0x1000, MEM_RAM });
	assert_true(memmap_is_ram(&m, 0x1000, 0x3000));	/* exactly */
	assert_true(memmap_is_ram(&m, 0x3fff, 1));		/* last byte */
	assert_true(memmap_is_ram(&m, 0x5000, 0x1000));
	assert_false(memmap_is_ram(&m, 0xfff, 2));		/* starts before */
	assert_false(memmap_is_ram(&m, 0x3fff, 2));		/* into reserved */
	assert_false(memmap_is_ram(&m, 0x4000, 1));		/* reserved */
	assert_false(memmap_is_ram(&m, 0x5800, 0x3000));	/* across a gap */
	assert_false(memmap_is_ram(&m, 0x6000, 1));		/* in the gap */
	assert_false(memmap_is_ram(&m, 0x2000, 0));		/* empty */
	assert_false(memmap_is_ram(&m, 0x2000, UINT64_MAX));	/* wraps */
	assert_false(memmap_is_ram(&m, 0x100000, 1));		/* past the end */
}

static void test_memmap_table_full(void **state)
{
	(void)state;
	struct memmap m = { 0 };
	struct error e;
	/* Platforms may describe MEMMAP_INPUT_MAX ranges... */
	for (unsigned i = 0; i < MEMMAP_INPUT_MAX; i++)
		assert_ok(memmap_add(&m, 0x2000ull * i, 0x1000, MEM_RAM, &e), &e);
	assert_int_equal(m.n, MEMMAP_INPUT_MAX);
	assert_fails_mentioning(memmap_add(&m, GiB(1), 0x1000, MEM_RAM, &e), &e, "memory map");
	assert_int_equal(m.n, MEMMAP_INPUT_MAX);
	/* ...and the shim's own reservations still fit after them: each mark
	 * splits one range in three, until MEMMAP_MAX is reached. */
	assert_ok(memmap_sanitise(&m, &e), &e);
	assert_int_equal(m.n, MEMMAP_INPUT_MAX);
	unsigned i = 0;
	for (; m.n + 2 <= MEMMAP_MAX; i++)
		assert_ok(memmap_mark(&m, 0x2000ull * i + 0x800, 0x100, MEM_RESERVED, &e), &e);
	assert_int_equal(i, (MEMMAP_MAX - MEMMAP_INPUT_MAX) / 2);
	assert_fails_mentioning(memmap_mark(&m, 0x2000ull * i + 0x800, 0x100, MEM_RESERVED, &e),
				&e, "memory map");

	/* 128 reserved holes inside one RAM range: 257 pieces don't fit. */
	m.n = 0;
	assert_ok(memmap_add(&m, 0, GiB(1), MEM_RAM, &e), &e);
	for (unsigned i = 1; i <= 128; i++)
		assert_ok(memmap_add(&m, MiB(2) * i, 0x1000, MEM_RESERVED, &e), &e);
	assert_fails_mentioning(memmap_sanitise(&m, &e), &e, "memory map");
	/* 127 holes do: 255 pieces. */
	m.n = 0;
	assert_ok(memmap_add(&m, 0, GiB(1), MEM_RAM, &e), &e);
	for (unsigned i = 1; i <= 127; i++)
		assert_ok(memmap_add(&m, MiB(2) * i, 0x1000, MEM_RESERVED, &e), &e);
	assert_ok(memmap_sanitise(&m, &e), &e);
	assert_int_equal(m.n, 255);
	/* An n beyond the table is refused, not read past. */
	m.n = MEMMAP_MAX + 1;
	assert_fails_mentioning(memmap_sanitise(&m, &e), &e, "memory map");
}

static void test_memmap_type_names(void **state)
{
	(void)state;
	assert_string_equal(mem_type_name(MEM_RAM), "RAM");
	assert_string_equal(mem_type_name(MEM_RESERVED), "reserved");
	assert_string_equal(mem_type_name(MEM_ACPI), "ACPI");
	assert_string_equal(mem_type_name(MEM_NVS), "ACPI NVS");
	assert_string_equal(mem_type_name(MEM_UNUSABLE), "unusable");
	assert_string_equal(mem_type_name(0), "other");
	assert_string_equal(mem_type_name(12), "other");
}

/* ------------------------------------------------ randomised model check */

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The expected type at unit u of a raw map: 0 = uncovered, else the
 * documented winner (any non-RAM beats RAM; the larger non-RAM wins). */
static uint32_t model_type(const struct mem_range *r, size_t n, uint64_t u, bool *covered)
{
	uint32_t best = 0;
	*covered = false;
	for (size_t i = 0; i < n; i++) {
		if (u < r[i].base || u >= r[i].base + r[i].size)
			continue;
		if (!*covered || best == MEM_RAM || (r[i].type != MEM_RAM && r[i].type > best))
			best = r[i].type;
		*covered = true;
	}
	return best;
}

/* Random small maps (64 units of 4 KiB), checked point by point against
 * the model, and for the output's shape. Types exclude 0 (covered by
 * test_memmap_type0_beats_ram). */
static void test_memmap_sanitise_model(void **state)
{
	(void)state;
	static const uint32_t types[] = { MEM_RAM, MEM_RAM, MEM_RAM, MEM_RESERVED, MEM_ACPI,
					  MEM_NVS, MEM_UNUSABLE, 7, 20 };
	for (int iter = 0; iter < 5000; iter++) {
		struct mem_range raw[24];
		size_t n = 1 + rnd() % 24;
		struct memmap m = { 0 };
		struct error e;
		for (size_t i = 0; i < n; i++) {
			uint64_t b = rnd() % 64, s = rnd() % 16;
			raw[i] = (struct mem_range){ b * 4096, s * 4096,
						     types[rnd() % (sizeof(types) / sizeof(types[0]))] };
			assert_ok(memmap_add(&m, raw[i].base, raw[i].size, raw[i].type, &e), &e);
		}
		assert_ok(memmap_sanitise(&m, &e), &e);
		for (size_t i = 0; i < m.n; i++) {
			assert_true(m.e[i].size > 0);
			if (i) {
				const struct mem_range *p = &m.e[i - 1];
				assert_true(p->base + p->size <= m.e[i].base);
				if (p->base + p->size == m.e[i].base)
					assert_int_not_equal(p->type, m.e[i].type);
			}
		}
		for (uint64_t u = 0; u < 80; u++) {
			bool cov;
			uint32_t want = model_type(raw, n, u * 4096, &cov);
			size_t j = 0;
			while (j < m.n && !(m.e[j].base <= u * 4096 &&
					    u * 4096 < m.e[j].base + m.e[j].size))
				j++;
			if (cov != (j < m.n) || (cov && m.e[j].type != want))
				fail_msg("iteration %d, unit %llu: type %u%s, expected %u%s", iter,
					 (unsigned long long)u, j < m.n ? m.e[j].type : 0,
					 j < m.n ? "" : " (uncovered)", want,
					 cov ? "" : " (uncovered)");
		}
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_memmap_sorts),
	cmocka_unit_test(test_memmap_reserved_splits_ram),
	cmocka_unit_test(test_memmap_ram_never_wins),
	cmocka_unit_test(test_memmap_type0_beats_ram),
	cmocka_unit_test(test_memmap_larger_type_wins),
	cmocka_unit_test(test_memmap_merges),
	cmocka_unit_test(test_memmap_zero_size_dropped),
	cmocka_unit_test(test_memmap_wraparound_clipped),
	cmocka_unit_test(test_memmap_clipped_to_zero_dropped),
	cmocka_unit_test(test_memmap_mark),
	cmocka_unit_test(test_memmap_is_ram),
	cmocka_unit_test(test_memmap_table_full),
	cmocka_unit_test(test_memmap_type_names),
	cmocka_unit_test(test_memmap_sanitise_model),
};

const struct unit_suite memmap_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
