/* shim.rom's firmware tables as pure functions: the MTRR plan
 * (arch/x86_64/mtrr.c), the MP table (arch/x86_64/mptable.c) and the SMBIOS
 * entry point from QEMU's fw_cfg files (shim/fw_cfg.c). The memory maps
 * are QEMU's etc/e820 for the machines the boot tests run (pc -m 1G,
 * pc -m 3584M: 3 GiB below 4 GiB; q35 -m 8G: 2 GiB below). */
#include "unit.h"
#include "fw_cfg.h"
#include "x86_64/mptable.h"
#include "x86_64/mtrr.h"

#define QEMU_KVM_RESERVED 0xfeffc000 /* QEMU's 4 reserved pages in etc/e820 */

static void qemu_map(struct memmap *m, uint64_t low, uint64_t high)
{
	struct mem_range r[3] = {
		{ 0, low, MEM_RAM },
		{ QEMU_KVM_RESERVED, KiB(16), MEM_RESERVED },
		{ GiB(4), high, MEM_RAM },
	};
	map_build(m, r, high ? 3 : 2);
}

static struct mtrr_plan plan;

static void test_mtrr_pc_1g(void **state)
{
	(void)state;
	struct memmap m;
	struct error err;
	qemu_map(&m, GiB(1), 0);
	assert_ok(mtrr_plan(&m, 8, 40, &plan, &err), &err);
	/* Default uncached, MTRRs and fixed ranges on. */
	assert_int_equal(plan.def_type, 0xc00 | MTRR_TYPE_UC);
	assert_int_equal(plan.n_var, 1);
	assert_int_equal(plan.var_type, MTRR_TYPE_WB);
	assert_int_equal(plan.var[0].base, 0 | MTRR_TYPE_WB);
	/* 40 address bits: mask bits 39..30 for 1 GiB, and valid. */
	assert_int_equal(plan.var[0].mask, 0xffc0000000ull | 0x800);
	/* SeaBIOS's fixed ranges: RAM below 0xa0000 WB, VGA UC, ROMs WP. */
	assert_int_equal(plan.fixed[0], 0x0606060606060606ull);
	assert_int_equal(plan.fixed[1], 0x0606060606060606ull);
	assert_int_equal(plan.fixed[2], 0);
	for (unsigned i = 3; i < MTRR_FIXED_MSRS; i++)
		assert_int_equal(plan.fixed[i], 0x0505050505050505ull);
	assert_int_equal(mtrr_fixed_msr[0], 0x250);
	assert_int_equal(mtrr_fixed_msr[10], 0x26f);
}

static void test_mtrr_split_ram(void **state)
{
	(void)state;
	struct memmap m;
	struct error err;
	/* pc -m 3584M: 3 GiB low, 512 MiB high: 0/2G, 2G/1G, 4G/512M. */
	qemu_map(&m, GiB(3), MiB(512));
	assert_ok(mtrr_plan(&m, 8, 40, &plan, &err), &err);
	assert_int_equal(plan.n_var, 3);
	assert_int_equal(plan.var[0].addr, 0);
	assert_int_equal(plan.var[0].size, GiB(2));
	assert_int_equal(plan.var[1].addr, GiB(2));
	assert_int_equal(plan.var[1].size, GiB(1));
	assert_int_equal(plan.var[2].addr, GiB(4));
	assert_int_equal(plan.var[2].size, MiB(512));
	assert_int_equal(plan.var[2].base, GiB(4) | MTRR_TYPE_WB);
	/* q35 -m 8G: 2 GiB low, 6 GiB from 4 GiB: 0/2G, 4G/4G, 8G/2G. */
	qemu_map(&m, GiB(2), GiB(6));
	assert_ok(mtrr_plan(&m, 8, 40, &plan, &err), &err);
	assert_int_equal(plan.n_var, 3);
	assert_int_equal(plan.var[1].size, GiB(4));
	assert_int_equal(plan.var[2].addr, GiB(8));
}

/* Too many write-back blocks for the CPU: SeaBIOS's scheme, default WB
 * with the hole below 4 GiB uncached. */
static void test_mtrr_fallback(void **state)
{
	(void)state;
	struct memmap m;
	struct error err;
	qemu_map(&m, GiB(3), MiB(512));
	assert_ok(mtrr_plan(&m, 2, 40, &plan, &err), &err);
	assert_int_equal(plan.def_type, 0xc00 | MTRR_TYPE_WB);
	assert_int_equal(plan.var_type, MTRR_TYPE_UC);
	assert_int_equal(plan.n_var, 1);
	assert_int_equal(plan.var[0].addr, GiB(3));
	assert_int_equal(plan.var[0].size, GiB(1));
	assert_int_equal(plan.var[0].base, GiB(3) | MTRR_TYPE_UC);
	/* RAM in two pieces a page short of 1 GiB boundaries: 35 write-back
	 * blocks, and 4 uncached ones for its holes, for 3 ranges. */
	struct mem_range r[] = {
		{ 0, GiB(1) - KiB(4), MEM_RAM },
		{ GiB(1) + KiB(4), GiB(1) - KiB(8), MEM_RAM },
	};
	map_build(&m, r, 2);
	assert_fails_mentioning(mtrr_plan(&m, 3, 40, &plan, &err), &err, "3 variable ranges");
	assert_ok(mtrr_plan(&m, 4, 40, &plan, &err), &err);
	assert_int_equal(plan.var_type, MTRR_TYPE_UC);
	assert_int_equal(plan.n_var, 4);
}

static void test_mtrr_limits(void **state)
{
	(void)state;
	struct memmap m;
	struct error err;
	/* RAM past the CPU's addresses. */
	qemu_map(&m, GiB(2), GiB(64));
	assert_fails_mentioning(mtrr_plan(&m, 8, 36, &plan, &err), &err, "36-bit");
	assert_fails_mentioning(mtrr_plan(&m, 8, 31, &plan, &err), &err, "width 31");
	/* A range end that is not page aligned is rounded down (uncached
	 * rather than write-back past RAM). */
	qemu_map(&m, GiB(1) + 0x800, 0);
	assert_ok(mtrr_plan(&m, 8, 40, &plan, &err), &err);
	assert_int_equal(plan.n_var, 1);
	assert_int_equal(plan.var[0].size, GiB(1));
	/* No RAM below 0xa0000 in the map: those fixed ranges uncached. */
	struct mem_range r[] = { { MiB(1), MiB(255), MEM_RAM } };
	map_build(&m, r, 1);
	assert_ok(mtrr_plan(&m, 8, 40, &plan, &err), &err);
	assert_int_equal(plan.fixed[0], 0);
	assert_int_equal(plan.n_var, 1);
	assert_int_equal(plan.var[0].size, MiB(256));
}

/* ---- MP table */

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void test_mptable(void **state)
{
	(void)state;
	static uint8_t buf[8192];
	struct error err;
	size_t n;
	const uint32_t phys = 0xf8000;
	assert_ok(mptable_build(buf, sizeof(buf), phys, 4, 0x663, 0x78bfbff, true, &n, &err), &err);
	assert_true(n <= mptable_size(4));
	assert_memory_equal(buf, "_MP_", 4);
	assert_int_equal(sum(buf, 16), 0);
	assert_int_equal(ld(buf, 4, 4), phys + 16);
	assert_int_equal(buf[8], 1);
	assert_int_equal(buf[9], 4);
	const uint8_t *c = buf + 16;
	assert_memory_equal(c, "PCMP", 4);
	size_t len = ld(c, 4, 2);
	assert_int_equal(16 + len, n);
	assert_int_equal(sum(c, len), 0);
	/* 4 CPUs, a bus, an I/O APIC, 15 I/O interrupts (IRQ 2 folded into
	 * IRQ 0's pin 2), 2 local interrupts. */
	assert_int_equal(ld(c, 34, 2), 4 + 1 + 1 + 15 + 2);
	assert_int_equal(ld(c, 36, 4), MP_LAPIC_BASE);
	const uint8_t *e = c + 44;
	for (unsigned i = 0; i < 4; i++, e += 20) {
		assert_int_equal(e[0], MP_ENTRY_CPU);
		assert_int_equal(e[1], i);
		assert_int_equal(e[3], MP_CPU_ENABLED | (i ? 0 : MP_CPU_BSP));
		assert_int_equal(ld(e, 4, 4), 0x663);
	}
	assert_int_equal(e[0], MP_ENTRY_BUS);
	assert_memory_equal(e + 2, "ISA   ", 6);
	e += 8;
	assert_int_equal(e[0], MP_ENTRY_IOAPIC);
	assert_int_equal(e[1], 4);
	assert_int_equal(ld(e, 4, 4), MP_IOAPIC_BASE);
	e += 8;
	assert_int_equal(e[0], MP_ENTRY_IOINT);
	assert_int_equal(e[5], 0);	/* IRQ 0 */
	assert_int_equal(e[7], 2);	/* on pin 2 */
	assert_int_equal(e[8 + 5], 1);	/* then IRQ 1: no IRQ 2 */
	assert_int_equal(e[8 + 7], 1);
	e += 15 * 8;
	assert_int_equal(e[0], MP_ENTRY_LINT);
	assert_int_equal(e[1], MP_IRQ_EXTINT);
	assert_int_equal(e[8 + 1], MP_IRQ_NMI);
	assert_int_equal(e[8 + 7], 1);
	/* Without the override all 16 IRQs, each on its own pin. */
	assert_ok(mptable_build(buf, sizeof(buf), phys, 1, 0, 0, false, &n, &err), &err);
	assert_int_equal(n, mptable_size(1));
	assert_int_equal(ld(buf + 16, 34, 2), 1 + 1 + 1 + 16 + 2);
}

static void test_mptable_refused(void **state)
{
	(void)state;
	static uint8_t buf[8192];
	struct error err;
	size_t n;
	assert_fails_mentioning(mptable_build(buf, sizeof(buf), 0, 0, 0, 0, false, &n, &err), &err,
				"0 CPUs");
	assert_fails_mentioning(mptable_build(buf, sizeof(buf), 0, 256, 0, 0, false, &n, &err),
				&err, "256 CPUs");
	assert_fails_mentioning(mptable_build(buf, 100, 0, 2, 0, 0, false, &n, &err), &err,
				"room for 100");
	assert_ok(mptable_check_cpus(MP_MAX_CPUS, &err), &err);
}

/* ---- SMBIOS */

/* A structure table as QEMU's: type 1 (system) with two strings, type 4
 * with none (its double NUL), type 127. */
static const uint8_t smbios_tables[] = {
	1, 8, 0x00, 0x01, 1, 2, 0, 0, 'Q', 'E', 'M', 'U', 0, 'p', 'c', 0, 0,
	4, 6, 0x00, 0x04, 0, 0, 0, 0,
	127, 4, 0xff, 0xff, 0, 0,
};
#define TABLE_LEN sizeof(smbios_tables)
#define LARGEST 17

static void anchor21(uint8_t *a)
{
	memset(a, 0, 31);
	memcpy(a, "_SM_", 4);
	a[5] = 0x1f;
	a[6] = 2;
	a[7] = 8;
	st(a, 8, 2, LARGEST);
	memcpy(a + 16, "_DMI_", 5);
	st(a, 22, 2, TABLE_LEN);
	st(a, 28, 2, 3);
	a[30] = 0x28;
}

static void anchor30(uint8_t *a)
{
	memset(a, 0, 24);
	memcpy(a, "_SM3_", 5);
	a[6] = 0x18;
	a[7] = 3;
	a[8] = 0;
	a[10] = 1;
	st(a, 12, 4, TABLE_LEN);
}

static void test_smbios_entry(void **state)
{
	(void)state;
	uint8_t a[32];
	struct smbios_entry ep;
	struct error err;
	anchor21(a);
	assert_ok(smbios_entry_make(a, 31, smbios_tables, TABLE_LEN, 0x3ff20000, &ep, &err), &err);
	assert_int_equal(ep.len, 31);
	assert_int_equal(ep.major, 2);
	assert_int_equal(ep.minor, 8);
	assert_int_equal(ep.structures, 3);
	assert_int_equal(ld(ep.bytes, 24, 4), 0x3ff20000);
	assert_int_equal(sum(ep.bytes, 31), 0);
	assert_int_equal(sum(ep.bytes + 16, 15), 0);
	anchor30(a);
	assert_ok(smbios_entry_make(a, 24, smbios_tables, TABLE_LEN, 0x123456789000ull, &ep, &err),
		  &err);
	assert_int_equal(ep.len, 24);
	assert_int_equal(ep.major, 3);
	assert_int_equal(ld(ep.bytes, 16, 8), 0x123456789000ull);
	assert_int_equal(sum(ep.bytes, 24), 0);
}

static void test_smbios_hostile_anchor(void **state)
{
	(void)state;
	uint8_t a[32];
	struct smbios_entry ep;
	struct error err;
#define MAKE(alen, addr) smbios_entry_make(a, alen, smbios_tables, TABLE_LEN, addr, &ep, &err)
	anchor21(a);
	assert_fails_mentioning(MAKE(30, 0x1000), &err, "neither a 2.1");
	a[5] = 0x20;
	assert_fails_mentioning(MAKE(31, 0x1000), &err, "length 0x20");
	anchor21(a);
	a[16] = 'X';
	assert_fails_mentioning(MAKE(31, 0x1000), &err, "_DMI_");
	anchor21(a);
	st(a, 22, 2, TABLE_LEN + 1);
	assert_fails_mentioning(MAKE(31, 0x1000), &err, "table length 32");
	anchor21(a);
	st(a, 28, 2, 4);
	assert_fails_mentioning(MAKE(31, 0x1000), &err, "says 4 structures");
	anchor21(a);
	st(a, 8, 2, 8);
	assert_fails_mentioning(MAKE(31, 0x1000), &err, "largest structure 8");
	anchor21(a);
	assert_fails_mentioning(MAKE(31, 0x100000000ull), &err, "beyond 4 GiB");
	assert_fails_mentioning(MAKE(31, 0xffffffffull), &err, "beyond 4 GiB");
	anchor30(a);
	a[6] = 0x17;
	assert_fails_mentioning(MAKE(24, 0x1000), &err, "length 0x17");
	anchor30(a);
	st(a, 12, 4, 0xffffffff);
	assert_fails_mentioning(MAKE(24, 0x1000), &err, "maximum size 4294967295");
	memcpy(a, "_SM4_", 5);
	assert_fails_mentioning(MAKE(24, 0x1000), &err, "neither");
#undef MAKE
}

static void test_smbios_hostile_tables(void **state)
{
	(void)state;
	uint8_t a[32], t[TABLE_LEN];
	struct smbios_entry ep;
	struct error err;
	anchor30(a);
	/* Every truncation of the table (the anchor told the same size). */
	for (uint32_t len = 1; len < TABLE_LEN; len++) {
		uint8_t *cut = malloc(len);
		assert_non_null(cut);
		memcpy(cut, smbios_tables, len);
		st(a, 12, 4, len);
		int rc = smbios_entry_make(a, 24, cut, len, 0x1000, &ep, &err);
		/* Cut right after a structure's double NUL it is whole. */
		bool whole = len == 17 || len == 25;
		if (whole)
			assert_int_equal(rc, 0);
		else
			assert_int_equal(rc, -1);
		free(cut);
	}
	st(a, 12, 4, TABLE_LEN);
	assert_fails_mentioning(smbios_entry_make(a, 24, t, 0, 0x1000, &ep, &err), &err, "empty");
	memcpy(t, smbios_tables, TABLE_LEN);
	t[1] = 3;
	assert_fails_mentioning(smbios_entry_make(a, 24, t, TABLE_LEN, 0x1000, &ep, &err), &err,
				"length 3");
	t[1] = 200;
	assert_fails_mentioning(smbios_entry_make(a, 24, t, TABLE_LEN, 0x1000, &ep, &err), &err,
				"length 200");
	memcpy(t, smbios_tables, TABLE_LEN);
	t[TABLE_LEN - 1] = 'x';
	assert_fails_mentioning(smbios_entry_make(a, 24, t, TABLE_LEN, 0x1000, &ep, &err), &err,
				"not terminated");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_mtrr_pc_1g),
	cmocka_unit_test(test_mtrr_split_ram),
	cmocka_unit_test(test_mtrr_fallback),
	cmocka_unit_test(test_mtrr_limits),
	cmocka_unit_test(test_mptable),
	cmocka_unit_test(test_mptable_refused),
	cmocka_unit_test(test_smbios_entry),
	cmocka_unit_test(test_smbios_hostile_anchor),
	cmocka_unit_test(test_smbios_hostile_tables),
};

const struct unit_suite firmware_x86_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
