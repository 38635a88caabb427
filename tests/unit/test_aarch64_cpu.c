/* The pure parts of the aarch64 entry code: the D-cache plan that owns a
 * destination before the shim writes it (arch/aarch64/dcache.c), and the
 * EL3 set-up computed from the ID registers (arch/aarch64/el3.c). */
#include "unit.h"
#include "aarch64/aarch64.h"
#include "aarch64/dcache.h"
#include "aarch64/el3.h"

/* The lines a plan touches, and how: 0 none, 'i' DC IVAC, 'c' DC CIVAC. */
#define GRID_LINES 8

static void apply(const struct dc_plan *p, uint64_t line, char *op)
{
	for (size_t k = 0; k < p->n_edge; k++) {
		assert_true(p->edge[k] % line == 0);
		assert_int_equal(op[p->edge[k] / line], 0); /* each line once */
		op[p->edge[k] / line] = 'c';
	}
	assert_true(p->inval_lo % line == 0 && p->inval_hi % line == 0);
	for (uint64_t a = p->inval_lo; a < p->inval_hi; a += line) {
		assert_int_equal(op[a / line], 0);
		op[a / line] = 'i';
	}
}

/* Every range on a small grid, checked byte by byte: every byte of the
 * range is in a line the plan maintains; a line invalidated without a
 * clean holds only bytes of the range (anything else in it would be
 * thrown away); a line cleaned is one that holds other bytes too; no line
 * outside the range is touched. */
static void test_dc_plan_own_exhaustive(void **state)
{
	(void)state;
	for (uint64_t line = 16; line <= 64; line *= 2) {
		for (uint64_t base = 0; base < 3 * line; base++) {
			for (uint64_t size = 0; base + size <= GRID_LINES * line; size++) {
				char op[GRID_LINES] = { 0 };
				struct dc_plan p = dc_plan_own(base, size, line);
				apply(&p, line, op);
				for (uint64_t l = 0; l < GRID_LINES; l++) {
					uint64_t lo = l * line, hi = lo + line;
					bool touches = size && lo < base + size && base < hi;
					bool inside = lo >= base && hi <= base + size;
					char want = !touches ? 0 : inside ? 'i' : 'c';
					if (op[l] != want)
						fail_msg("line %llu, range [%llu, +%llu), line size "
							 "%llu: op '%c', expected '%c'",
							 (unsigned long long)l,
							 (unsigned long long)base,
							 (unsigned long long)size,
							 (unsigned long long)line, op[l] ? op[l] : '-',
							 want ? want : '-');
				}
			}
		}
	}
}

/* At the top of the address space nothing wraps around. */
static void test_dc_plan_own_top(void **state)
{
	(void)state;
	struct dc_plan p = dc_plan_own(UINT64_MAX - 0x7f, 0x80, 64);
	assert_int_equal(p.n_edge, 1);
	assert_int_equal(p.edge[0], UINT64_MAX - 0x3f);
	assert_int_equal(p.inval_lo, UINT64_MAX - 0x7f);
	assert_int_equal(p.inval_hi, UINT64_MAX - 0x3f);
	p = dc_plan_own(UINT64_MAX - 0x10, 0x11, 64); /* inside the top line */
	assert_int_equal(p.n_edge, 1);
	assert_true(p.inval_hi <= p.inval_lo);
	p = dc_plan_own(UINT64_MAX - 0x10, 0x100, 64); /* wraps: clipped */
	assert_int_equal(p.n_edge, 1);
	assert_true(p.inval_hi <= p.inval_lo);
}

/* What gets owned: every item the core writes (copies, the generated DTB
 * or zero page), never one left in place (the loaded image, already clean
 * and not written). */
static void test_dc_written_ranges(void **state)
{
	(void)state;
	struct place_item item[4] = {
		{ .name = "kernel", .dest = 0x40400000, .size = 0x1a00000, .in_place = true },
		{ .name = "initrd", .dest = 0x42000000, .size = 0x12345, .src = 0x40300000,
		  .src_len = 0x12345 },
		{ .name = "cmdline", .dest = 0x4021c000, .size = 0x3c, .in_place = true },
		{ .name = "dtb", .dest = 0x40268000, .size = 0x10047c },
	};
	struct range r[4];
	assert_int_equal(dc_written_ranges(item, 4, r), 2);
	assert_int_equal(r[0].base, 0x42000000);
	assert_int_equal(r[0].size, 0x12345);
	assert_string_equal(r[0].name, "initrd");
	assert_int_equal(r[1].base, 0x40268000);
	assert_int_equal(r[1].size, 0x10047c);
	assert_string_equal(r[1].name, "dtb");
}

/* ---------------------------------------------------------------- EL3 */

/* A field of an ID register set to v. */
#define F(shift, v) ((uint64_t)(v) << (shift))

/* No feature at all: only the base (non-secure, AArch64, SMC enabled for
 * the shim's PSCI), no traps, nothing optional. */
static void test_el3_nothing(void **state)
{
	(void)state;
	struct aa64_id id = { 0 };
	struct el3_config c = el3_config(&id);
	assert_int_equal(c.scr, SCR_EL3_NS | SCR_EL3_RES1 | SCR_EL3_RW);
	assert_false(c.scr & SCR_EL3_SMD);
	assert_int_equal(c.cptr, 0);
	assert_int_equal(c.mdcr, 0);
	assert_false(c.el2);
	assert_false(c.gicv3_sysregs);
	assert_false(c.gcs);
	assert_false(c.amu);
}

/* One feature at a time: the SCR_EL3 bits it must add, with and without
 * EL2 (booting.rst asks for some only "if ... the kernel is entered at
 * EL2", where the shim enters whenever EL2 exists). */
static void test_el3_scr_per_feature(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		struct aa64_id id;
		uint64_t with_el2, without_el2;
	} t[] = {
		{ "APA", { .isar1 = F(ID_AA64ISAR1_APA, 1) }, SCR_EL3_APK | SCR_EL3_API,
		  SCR_EL3_APK | SCR_EL3_API },
		{ "API", { .isar1 = F(ID_AA64ISAR1_API, 1) }, SCR_EL3_APK | SCR_EL3_API,
		  SCR_EL3_APK | SCR_EL3_API },
		{ "GPI", { .isar1 = F(ID_AA64ISAR1_GPI, 1) }, SCR_EL3_APK | SCR_EL3_API,
		  SCR_EL3_APK | SCR_EL3_API },
		{ "APA3", { .isar2 = F(ID_AA64ISAR2_APA3, 1) }, SCR_EL3_APK | SCR_EL3_API,
		  SCR_EL3_APK | SCR_EL3_API },
		{ "MTE (FEAT_MTE only)", { .pfr1 = F(ID_AA64PFR1_MTE, 1) }, 0, 0 },
		{ "MTE2", { .pfr1 = F(ID_AA64PFR1_MTE, 2) }, SCR_EL3_ATA, SCR_EL3_ATA },
		{ "FGT", { .mmfr0 = F(ID_AA64MMFR0_FGT, 1) }, SCR_EL3_FGTEN, 0 },
		{ "FGT2", { .mmfr0 = F(ID_AA64MMFR0_FGT, 2) }, SCR_EL3_FGTEN | SCR_EL3_FGTEN2, 0 },
		{ "ECV", { .mmfr0 = F(ID_AA64MMFR0_ECV, 2) }, SCR_EL3_ECVEN, 0 },
		{ "HCX", { .mmfr1 = F(ID_AA64MMFR1_HCX, 1) }, SCR_EL3_HXEN, 0 },
		{ "SME", { .pfr1 = F(ID_AA64PFR1_SME, 1) }, SCR_EL3_ENTP2, SCR_EL3_ENTP2 },
		{ "TCR2", { .mmfr3 = F(ID_AA64MMFR3_TCRX, 1) }, SCR_EL3_TCR2EN, SCR_EL3_TCR2EN },
		{ "S1PIE", { .mmfr3 = F(ID_AA64MMFR3_S1PIE, 1) }, SCR_EL3_PIEN, SCR_EL3_PIEN },
		{ "GCS", { .pfr1 = F(ID_AA64PFR1_GCS, 1) }, SCR_EL3_GCSEN, SCR_EL3_GCSEN },
		{ "SVE (no SCR bit)", { .pfr0 = F(ID_AA64PFR0_SVE, 1) }, 0, 0 },
	};
	const uint64_t base = SCR_EL3_NS | SCR_EL3_RES1 | SCR_EL3_RW;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct aa64_id id = t[i].id;
		struct el3_config c = el3_config(&id);
		if (c.scr != (base | t[i].without_el2))
			fail_msg("%s without EL2: SCR_EL3 0x%llx, expected 0x%llx", t[i].what,
				 (unsigned long long)c.scr,
				 (unsigned long long)(base | t[i].without_el2));
		id.pfr0 |= F(ID_AA64PFR0_EL2, 1);
		c = el3_config(&id);
		if (c.scr != (base | SCR_EL3_HCE | t[i].with_el2))
			fail_msg("%s with EL2: SCR_EL3 0x%llx, expected 0x%llx", t[i].what,
				 (unsigned long long)c.scr,
				 (unsigned long long)(base | SCR_EL3_HCE | t[i].with_el2));
	}
}

/* SVE, SME, SME2, FA64: CPTR_EL3 enables, vector lengths, SMCR_EL3. */
static void test_el3_sve_sme(void **state)
{
	(void)state;
	struct aa64_id id = { .pfr0 = F(ID_AA64PFR0_SVE, 1) };
	struct el3_config c = el3_config(&id);
	assert_int_equal(c.cptr, CPTR_EL3_EZ);
	assert_int_equal(c.zcr, ZCR_EL3_LEN_MAX);

	id = (struct aa64_id){ .pfr1 = F(ID_AA64PFR1_SME, 1) };
	c = el3_config(&id);
	assert_int_equal(c.cptr, CPTR_EL3_ESM);
	assert_int_equal(c.smcr, SMCR_EL3_LEN_MAX); /* no FA64, no SME2 */

	id.smfr0 = ID_AA64SMFR0_FA64;
	c = el3_config(&id);
	assert_int_equal(c.smcr, SMCR_EL3_LEN_MAX | SMCR_EL3_FA64);

	id.pfr1 = F(ID_AA64PFR1_SME, 2);
	c = el3_config(&id);
	assert_int_equal(c.smcr, SMCR_EL3_LEN_MAX | SMCR_EL3_FA64 | SMCR_EL3_EZT0);
	/* The FA64 bit alone (no SME) enables nothing. */
	id = (struct aa64_id){ .smfr0 = ID_AA64SMFR0_FA64 };
	c = el3_config(&id);
	assert_int_equal(c.cptr, 0);
	assert_int_equal(c.smcr, 0);
}

/* MDCR_EL3: TDA and TPM never set; the per-feature enables only with the
 * feature. */
static void test_el3_mdcr(void **state)
{
	(void)state;
	struct aa64_id id = { .dfr0 = F(ID_AA64DFR0_PMUVER, 8) }; /* PMUv3p8 */
	assert_int_equal(el3_config(&id).mdcr, 0);
	id.dfr0 = F(ID_AA64DFR0_PMUVER, PMUVER_V3P9);
	assert_int_equal(el3_config(&id).mdcr, MDCR_EL3_ENPM2);
	id.dfr0 = F(ID_AA64DFR0_PMUVER, PMUVER_IMP_DEF);
	assert_int_equal(el3_config(&id).mdcr, 0);
	id.dfr0 = F(ID_AA64DFR0_BRBE, 1);
	assert_int_equal(el3_config(&id).mdcr, MDCR_EL3_SBRBE_NS);
	id.dfr0 = F(ID_AA64DFR0_PMSVER, PMSVER_V1P4);
	assert_int_equal(el3_config(&id).mdcr, MDCR_EL3_NSPB_NS_EL1);
	id.pmsidr = PMSIDR_EL1_FDS;
	assert_int_equal(el3_config(&id).mdcr, MDCR_EL3_NSPB_NS_EL1 | MDCR_EL3_ENPMS3);
	id.dfr0 = F(ID_AA64DFR0_PMSVER, PMSVER_V1P4 - 1); /* FDS needs SPEv1p4 */
	assert_int_equal(el3_config(&id).mdcr, MDCR_EL3_NSPB_NS_EL1);
	id = (struct aa64_id){ .dfr0 = F(ID_AA64DFR0_TRACEBUFFER, 1) };
	assert_int_equal(el3_config(&id).mdcr, MDCR_EL3_NSTB_NS_EL1);
	/* Everything at once: still no trap bit. */
	id = (struct aa64_id){ .dfr0 = ~0ull, .pmsidr = ~0ull };
	assert_int_equal(el3_config(&id).mdcr & (MDCR_EL3_TDA | MDCR_EL3_TPM), 0);
}

/* EL2-only registers only with EL2: ICC_SRE_EL2 (with the GICv3 system
 * registers), CPTR_EL2 without traps; GCS and AMU from their fields. */
static void test_el3_el2_gic_gcs_amu(void **state)
{
	(void)state;
	struct aa64_id id = { .pfr0 = F(ID_AA64PFR0_GIC, 1) };
	struct el3_config c = el3_config(&id);
	assert_true(c.gicv3_sysregs);
	assert_false(c.el2); /* so rom.c leaves ICC_SRE_EL2 alone */
	id.pfr0 |= F(ID_AA64PFR0_EL2, 1);
	c = el3_config(&id);
	assert_true(c.el2);
	assert_int_equal(c.cptr_el2, CPTR_EL2_RES1 | CPTR_EL2_TZ | CPTR_EL2_TSM);
	assert_int_equal(c.cptr_el2 & (CPTR_EL2_TFP | CPTR_EL3_TAM), 0);
	id.pfr0 |= F(ID_AA64PFR0_SVE, 1);
	id.pfr1 = F(ID_AA64PFR1_SME, 1) | F(ID_AA64PFR1_GCS, 1);
	c = el3_config(&id);
	assert_int_equal(c.cptr_el2, CPTR_EL2_RES1);
	assert_true(c.gcs);
	assert_false(c.amu);
	id.pfr0 |= F(ID_AA64PFR0_AMU, 1);
	assert_true(el3_config(&id).amu);
}

/* The announcement: values and the names of the enables set. */
static void test_el3_describe(void **state)
{
	(void)state;
	struct el3_state s = {
		.scr = SCR_EL3_NS | SCR_EL3_HCE | SCR_EL3_API | SCR_EL3_APK | SCR_EL3_HXEN,
		.cptr = CPTR_EL3_EZ | CPTR_EL3_ESM,
		.mdcr = 0,
		.smcr = SMCR_EL3_FA64 | SMCR_EL3_LEN_MAX,
		.sme = true,
	};
	char buf[256];
	el3_describe(&s, buf, sizeof(buf));
	assert_string_equal(buf, "SCR_EL3 0x4000030101 (HCE APK API HXEn), CPTR_EL3 0x1100 (EZ ESM), "
				 "MDCR_EL3 0x0, SMCR_EL3 0x8000000f (FA64)");
	s.sme = false;
	s.mdcr = MDCR_EL3_TDA;
	el3_describe(&s, buf, sizeof(buf));
	assert_string_equal(buf, "SCR_EL3 0x4000030101 (HCE APK API HXEn), CPTR_EL3 0x1100 (EZ ESM), "
				 "MDCR_EL3 0x200 (TDA)");
	/* Clipped, but terminated. */
	el3_describe(&s, buf, 12);
	assert_string_equal(buf, "SCR_EL3 0x4");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_dc_plan_own_exhaustive),
	cmocka_unit_test(test_dc_plan_own_top),
	cmocka_unit_test(test_dc_written_ranges),
	cmocka_unit_test(test_el3_nothing),
	cmocka_unit_test(test_el3_scr_per_feature),
	cmocka_unit_test(test_el3_sve_sme),
	cmocka_unit_test(test_el3_mdcr),
	cmocka_unit_test(test_el3_el2_gic_gcs_amu),
	cmocka_unit_test(test_el3_describe),
};

const struct unit_suite aarch64_cpu_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
