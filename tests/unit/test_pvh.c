/* pvh_parse over a phys_mem window backed by an exact-size heap buffer, so
 * any read outside the window is an ASan error, not a silent pass. */
#include "unit.h"

#define WIN_BASE 0x1000ull
#define WIN_SIZE 0x10000ull
#define SI_ADDR (WIN_BASE + 0x100)
#define MAP_ADDR (WIN_BASE + 0x1000)

struct win {
	uint8_t *mem;
	struct phys_mem pm;
};

static void *at(struct win *w, uint64_t paddr)
{
	return w->mem + (paddr - WIN_BASE);
}

static void put_start_info(struct win *w, uint64_t si, uint32_t magic, uint32_t version,
			   uint64_t map, uint32_t entries)
{
	uint8_t *p = at(w, si);
	st(p, 0, 4, magic);
	st(p, 4, 4, version);
	st(p, 8, 4, 0);			/* flags */
	st(p, 12, 4, 0);		/* nr_modules */
	st(p, 16, 8, 0);		/* modlist_paddr */
	st(p, 24, 8, 0);		/* cmdline_paddr */
	st(p, 32, 8, 0xf5a40);		/* rsdp_paddr */
	if (si + 56 <= WIN_BASE + WIN_SIZE) {
		st(p, 40, 8, map);	/* memmap_paddr */
		st(p, 48, 4, entries);	/* memmap_entries */
		st(p, 52, 4, 0);
	}
}

static const struct mem_range want[] = {
	{ 0, 0x9fc00, MEM_RAM },
	{ 0xf0000, 0x10000, MEM_RESERVED },
	{ MiB(1), GiB(1) - MiB(1), MEM_RAM },
	{ 0xfeffc000, 0x4000, MEM_RESERVED },
};

static void put_map(struct win *w, uint64_t paddr)
{
	uint8_t *p = at(w, paddr);
	for (size_t i = 0; i < 4; i++) {
		st(p, 24 * i, 8, want[i].base);
		st(p, 24 * i + 8, 8, want[i].size);
		st(p, 24 * i + 16, 4, want[i].type);
		st(p, 24 * i + 20, 4, 0);
	}
}

static int setup(void **state)
{
	struct win *w = calloc(1, sizeof(*w));
	if (!w || !(w->mem = calloc(1, WIN_SIZE)))
		return -1;
	w->pm = (struct phys_mem){ (uintptr_t)w->mem, WIN_BASE, WIN_SIZE };
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, MAP_ADDR, 4);
	put_map(w, MAP_ADDR);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct win *w = *state;
	free(w->mem);
	free(w);
	return 0;
}

static void expect_map(const struct pvh_info *pi)
{
	assert_int_equal(pi->mem.n, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(pi->mem.e[i].base, want[i].base);
		assert_int_equal(pi->mem.e[i].size, want[i].size);
		assert_int_equal(pi->mem.e[i].type, want[i].type);
	}
	assert_int_equal(pi->rsdp, 0xf5a40);
}

static void test_pvh_valid(void **state)
{
	struct win *w = *state;
	static struct pvh_info pi;
	struct error e;
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	expect_map(&pi);
	/* The map is handed over unsanitised, in the VMM's order. */
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, MAP_ADDR + 24, 3);
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	assert_int_equal(pi.mem.n, 3);
	assert_int_equal(pi.mem.e[0].base, 0xf0000);
	/* Unaligned start_info and map are fine (read through memcpy). */
	put_start_info(w, SI_ADDR + 3, HVM_START_MAGIC_VALUE, 2, MAP_ADDR + 0x801, 4);
	put_map(w, MAP_ADDR + 0x801);
	assert_ok(pvh_parse(&w->pm, SI_ADDR + 3, &pi, &e), &e);
	expect_map(&pi);
}

static void test_pvh_bad_magic(void **state)
{
	struct win *w = *state;
	static struct pvh_info pi;
	struct error e;
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE ^ 1, 1, MAP_ADDR, 4);
	assert_fails_mentioning(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e, "magic");
	assert_int_equal(pi.mem.n, 0);
}

static void test_pvh_version_0(void **state)
{
	struct win *w = *state;
	static struct pvh_info pi;
	struct error e;
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 0, MAP_ADDR, 4);
	assert_fails_mentioning(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e, "version");
}

static void test_pvh_memmap_outside(void **state)
{
	struct win *w = *state;
	static struct pvh_info pi;
	struct error e;
	/* The last entry would end one byte past the window. */
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, WIN_BASE + WIN_SIZE - 4 * 24 + 1, 4);
	assert_fails_mentioning(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e, "memmap");
	/* Exactly at the end is fine. */
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, WIN_BASE + WIN_SIZE - 4 * 24, 4);
	put_map(w, WIN_BASE + WIN_SIZE - 4 * 24);
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	expect_map(&pi);
	/* Below the window, far above it, wrapping around. */
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, WIN_BASE - 24, 4);
	assert_fails_mentioning(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e, "memmap");
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, GiB(4), 4);
	assert_fails_mentioning(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e, "memmap");
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, UINT64_MAX - 24, 4);
	assert_fails_mentioning(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e, "memmap");
}

static void test_pvh_memmap_entries(void **state)
{
	struct win *w = *state;
	static struct pvh_info pi;
	struct error e;
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, MAP_ADDR, MEMMAP_INPUT_MAX + 1);
	assert_fails_mentioning(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e, "memmap_entries");
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, MAP_ADDR, UINT32_MAX);
	assert_fails_mentioning(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e, "memmap_entries");
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, MAP_ADDR, 0);
	assert_fails_mentioning(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e, "memmap_entries");
	/* The most the table holds is accepted. */
	put_start_info(w, SI_ADDR, HVM_START_MAGIC_VALUE, 1, MAP_ADDR, MEMMAP_INPUT_MAX);
	for (size_t i = 0; i < MEMMAP_INPUT_MAX; i++) {
		uint8_t *p = at(w, MAP_ADDR + 24 * i);
		st(p, 0, 8, MiB(2) * i);
		st(p, 8, 8, MiB(1));
		st(p, 16, 4, MEM_RAM);
	}
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	assert_int_equal(pi.mem.n, MEMMAP_INPUT_MAX);
	assert_int_equal(pi.mem.e[MEMMAP_INPUT_MAX - 1].base, MiB(2) * (MEMMAP_INPUT_MAX - 1));
}

static void test_pvh_start_info_at_window_end(void **state)
{
	struct win *w = *state;
	static struct pvh_info pi;
	struct error e;
	const uint64_t end = WIN_BASE + WIN_SIZE;
	/* All 56 bytes of a v1 start_info fit exactly. */
	put_start_info(w, end - 56, HVM_START_MAGIC_VALUE, 1, MAP_ADDR, 4);
	assert_ok(pvh_parse(&w->pm, end - 56, &pi, &e), &e);
	expect_map(&pi);
	/* One byte further: the v1 fields run out of the window. */
	memmove(at(w, end - 55), at(w, end - 56), 55);
	assert_fails_mentioning(pvh_parse(&w->pm, end - 55, &pi, &e), &e, "outside");
	/* Only the v0 part (40 bytes) fits. */
	put_start_info(w, end - 40, HVM_START_MAGIC_VALUE, 1, MAP_ADDR, 4);
	assert_fails_mentioning(pvh_parse(&w->pm, end - 40, &pi, &e), &e, "outside");
	/* Not even that; at the end; past it; below the window. */
	assert_fails_mentioning(pvh_parse(&w->pm, end - 39, &pi, &e), &e, "outside");
	assert_fails_mentioning(pvh_parse(&w->pm, end, &pi, &e), &e, "outside");
	assert_fails_mentioning(pvh_parse(&w->pm, UINT64_MAX - 8, &pi, &e), &e, "outside");
	assert_fails_mentioning(pvh_parse(&w->pm, WIN_BASE - 8, &pi, &e), &e, "outside");
}

/* What else start_info says: whether the VMM passed a command line (one
 * that is inside memory and not empty) and how many modules. */
static void test_pvh_vmm_cmdline_and_modules(void **state)
{
	struct win *w = *state;
	static struct pvh_info pi;
	struct error e;
	uint8_t *si = at(w, SI_ADDR);
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	assert_false(pi.vmm_cmdline);
	assert_int_equal(pi.nr_modules, 0);

	st(si, 12, 4, 1); /* nr_modules */
	const uint64_t cmd = WIN_BASE + 0x3000;
	memcpy(at(w, cmd), "console=ttyS0", 14);
	st(si, 24, 8, cmd);
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	assert_true(pi.vmm_cmdline);
	assert_int_equal(pi.nr_modules, 1);
	expect_map(&pi);

	*(uint8_t *)at(w, cmd) = '\0'; /* an empty command line is none */
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	assert_false(pi.vmm_cmdline);

	/* The last byte of the window is still inside it. */
	*(uint8_t *)at(w, WIN_BASE + WIN_SIZE - 1) = 'x';
	st(si, 24, 8, WIN_BASE + WIN_SIZE - 1);
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	assert_true(pi.vmm_cmdline);

	/* Outside the window: not read, not counted. */
	st(si, 24, 8, WIN_BASE + WIN_SIZE);
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	assert_false(pi.vmm_cmdline);
	st(si, 24, 8, UINT64_MAX);
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	assert_false(pi.vmm_cmdline);

	/* A failed parse leaves nothing behind. */
	st(si, 24, 8, cmd);
	memcpy(at(w, cmd), "quiet", 6);
	assert_ok(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e);
	st(si, 4, 4, 0);
	assert_fails_mentioning(pvh_parse(&w->pm, SI_ADDR, &pi, &e), &e, "version");
	assert_false(pi.vmm_cmdline);
	assert_int_equal(pi.nr_modules, 0);
	assert_int_equal(pi.mem.n, 0);
	assert_int_equal(pi.rsdp, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

static const struct CMUnitTest tests[] = {
	T(test_pvh_valid),
	T(test_pvh_bad_magic),
	T(test_pvh_version_0),
	T(test_pvh_memmap_outside),
	T(test_pvh_memmap_entries),
	T(test_pvh_start_info_at_window_end),
	T(test_pvh_vmm_cmdline_and_modules),
};

const struct unit_suite pvh_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
