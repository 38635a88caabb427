/* See el3.h. Each enable is set only where the ID registers say the CPU
 * has the feature, with the line of Documentation/arch/arm64/booting.rst
 * that asks for it. Everything not named stays 0: the traps whose bit is
 * 1-to-trap (SCR_EL3.TWE/TWI/TERR/TRNDR, MDCR_EL3.TDA/TPM, CPTR_EL3.TFP/
 * TAM/TCPAC, ...) are off. */
#include "el3.h"
#include "fmt.h"
#include "aarch64.h"

static bool has(uint64_t reg, unsigned shift)
{
	return ID_FIELD(reg, shift) != 0;
}

static uint64_t scr(const struct aa64_id *id, bool el2)
{
	uint64_t v = SCR_EL3_BASE;
	/* "If EL3 is present and the kernel is entered at EL2: SCR_EL3.HCE
	 * (bit 8) must be initialised to 0b1." (The shim enters the kernel at
	 * EL2 whenever the CPU has it.) */
	if (el2)
		v |= SCR_EL3_HCE;
	/* "For CPUs with pointer authentication functionality: If EL3 is
	 * present: SCR_EL3.APK (bit 16) ... SCR_EL3.API (bit 17) must be
	 * initialised to 0b1" */
	if (has(id->isar1, ID_AA64ISAR1_APA) || has(id->isar1, ID_AA64ISAR1_API) ||
	    has(id->isar1, ID_AA64ISAR1_GPA) || has(id->isar1, ID_AA64ISAR1_GPI) ||
	    has(id->isar2, ID_AA64ISAR2_APA3) || has(id->isar2, ID_AA64ISAR2_GPA3))
		v |= SCR_EL3_APK | SCR_EL3_API;
	/* "For CPUs with the Memory Tagging Extension feature (FEAT_MTE2): If
	 * EL3 is present: SCR_EL3.ATA (bit 26) must be initialised to 0b1." */
	if (ID_FIELD(id->pfr1, ID_AA64PFR1_MTE) >= 2)
		v |= SCR_EL3_ATA;
	/* "For CPUs with the Fine Grained Traps (FEAT_FGT) extension present:
	 * If EL3 is present and the kernel is entered at EL2: SCR_EL3.FGTEn
	 * (bit 27) must be initialised to 0b1." And for FEAT_FGT2, "SCR_EL3.
	 * FGTEn2 (bit 59)". */
	if (el2 && has(id->mmfr0, ID_AA64MMFR0_FGT))
		v |= SCR_EL3_FGTEN;
	if (el2 && ID_FIELD(id->mmfr0, ID_AA64MMFR0_FGT) >= 2)
		v |= SCR_EL3_FGTEN2;
	/* Not in booting.rst: FEAT_ECV's CNTPOFF_EL2, which KVM uses for its
	 * guests' counter offset, would otherwise trap to EL3. */
	if (el2 && has(id->mmfr0, ID_AA64MMFR0_ECV))
		v |= SCR_EL3_ECVEN;
	/* "For CPUs with support for HCRX_EL2 (FEAT_HCX) present: If EL3 is
	 * present and the kernel is entered at EL2: SCR_EL3.HXEn (bit 38) must
	 * be initialised to 0b1." */
	if (el2 && has(id->mmfr1, ID_AA64MMFR1_HCX))
		v |= SCR_EL3_HXEN;
	/* FEAT_SME: "If EL3 is present: ... SCR_EL3.EnTP2 (bit 41) must be
	 * initialised to 0b1." */
	if (has(id->pfr1, ID_AA64PFR1_SME))
		v |= SCR_EL3_ENTP2;
	/* FEAT_TCR2: "If EL3 is present: SCR_EL3.TCR2En (bit 43) must be
	 * initialised to 0b1." */
	if (has(id->mmfr3, ID_AA64MMFR3_TCRX))
		v |= SCR_EL3_TCR2EN;
	/* FEAT_S1PIE: "If EL3 is present: SCR_EL3.PIEn (bit 45) must be
	 * initialised to 0b1." */
	if (has(id->mmfr3, ID_AA64MMFR3_S1PIE))
		v |= SCR_EL3_PIEN;
	/* FEAT_GCS: "If EL3 is present: SCR_EL3.GCSEn (bit 39) must be
	 * initialised to 0b1." */
	if (has(id->pfr1, ID_AA64PFR1_GCS))
		v |= SCR_EL3_GCSEN;
	return v;
}

static uint64_t mdcr(const struct aa64_id *id)
{
	/* "For CPUs with debug architecture i.e FEAT_Debugv8pN (all versions):
	 * If EL3 is present: MDCR_EL3.TDA (bit 9) must be initialized to 0b0";
	 * "For CPUs with FEAT_PMUv3: If EL3 is present: MDCR_EL3.TPM (bit 6)
	 * must be initialized to 0b0". Both stay 0. */
	uint64_t v = 0;
	unsigned pmu = ID_FIELD(id->dfr0, ID_AA64DFR0_PMUVER);
	unsigned pms = ID_FIELD(id->dfr0, ID_AA64DFR0_PMSVER);
	/* "For CPUs with the Performance Monitors Extension (FEAT_PMUv3p9):
	 * If EL3 is present: MDCR_EL3.EnPM2 (bit 7) must be initialised to
	 * 0b1." */
	if (pmu >= PMUVER_V3P9 && pmu != PMUVER_IMP_DEF)
		v |= MDCR_EL3_ENPM2;
	/* "For CPUs with the Branch Record Buffer Extension (FEAT_BRBE): If
	 * EL3 is present: MDCR_EL3.SBRBE (bits 33:32) must be initialised to
	 * 0b01 or 0b11." 0b01: usable in the non-secure state only. */
	if (has(id->dfr0, ID_AA64DFR0_BRBE))
		v |= MDCR_EL3_SBRBE_NS;
	/* "For CPUs with SPE data source filtering (FEAT_SPE_FDS): If EL3 is
	 * present: MDCR_EL3.EnPMS3 (bit 42) must be initialised to 0b1." */
	if (pms >= PMSVER_V1P4 && (id->pmsidr & PMSIDR_EL1_FDS))
		v |= MDCR_EL3_ENPMS3;
	/* Not in booting.rst: the profiling and trace buffers belong to the
	 * non-secure world (as TF-A sets them), so the kernel's SPE and TRBE
	 * drivers use them instead of trapping to EL3. */
	if (pms)
		v |= MDCR_EL3_NSPB_NS_EL1;
	if (has(id->dfr0, ID_AA64DFR0_TRACEBUFFER))
		v |= MDCR_EL3_NSTB_NS_EL1;
	return v;
}

struct el3_config el3_config(const struct aa64_id *id)
{
	struct el3_config c = { 0 };
	bool sve = has(id->pfr0, ID_AA64PFR0_SVE);
	bool sme = has(id->pfr1, ID_AA64PFR1_SME);
	c.el2 = has(id->pfr0, ID_AA64PFR0_EL2);
	c.scr = scr(id, c.el2);
	c.mdcr = mdcr(id);
	/* CPTR_EL3 from 0: "CPTR_EL3.TFP (bit 10) must be initialised to
	 * 0b0"; for AMUv1, "CPTR_EL3.TAM (bit 30) must be initialised to
	 * 0b0". FEAT_SVE: "CPTR_EL3.EZ (bit 8) must be initialised to 0b1",
	 * and "ZCR_EL3.LEN must be initialised to the same value for all
	 * CPUs". FEAT_SME: "CPTR_EL3.ESM (bit 12) must be initialised to
	 * 0b1", and "SMCR_EL3.LEN must be initialised to the same value for
	 * all CPUs". */
	if (sve) {
		c.cptr |= CPTR_EL3_EZ;
		c.zcr = ZCR_EL3_LEN_MAX;
	}
	if (sme) {
		c.cptr |= CPTR_EL3_ESM;
		c.smcr = SMCR_EL3_LEN_MAX;
		/* FEAT_SME_FA64: "SMCR_EL3.FA64 (bit 31) must be initialised
		 * to 0b1." FEAT_SME2: "SMCR_EL3.EZT0 (bit 30) must be
		 * initialised to 0b1." */
		if (id->smfr0 & ID_AA64SMFR0_FA64)
			c.smcr |= SMCR_EL3_FA64;
		if (ID_FIELD(id->pfr1, ID_AA64PFR1_SME) >= 2)
			c.smcr |= SMCR_EL3_EZT0;
	}
	/* Where EL2 exists the kernel is entered there and owns CPTR_EL2,
	 * but booting.rst asks for "CPTR_EL2.TAM (bit 30) must be initialised
	 * to 0b0" (AMUv1, "If EL3 is present") and every writable register
	 * at or below the kernel's EL defined: no traps. */
	if (c.el2)
		c.cptr_el2 = CPTR_EL2_RES1 | (sve ? 0 : CPTR_EL2_TZ) | (sme ? 0 : CPTR_EL2_TSM);
	/* GICv3 in v3 mode: "If EL3 is present: ICC_SRE_EL3.Enable (bit 3)
	 * must be initialised to 0b1. ICC_SRE_EL3.SRE (bit 0) must be
	 * initialised to 0b1." (ICC_SRE_EL2 only exists with EL2.) */
	c.gicv3_sysregs = has(id->pfr0, ID_AA64PFR0_GIC);
	/* FEAT_GCS: "GCSCR_EL1 must be initialised to 0. GCSCRE0_EL1 must be
	 * initialised to 0." "If EL2 is present: GCSCR_EL2 must be initialised
	 * to 0." */
	c.gcs = has(id->pfr1, ID_AA64PFR1_GCS);
	/* AMUv1: "AMCNTENSET0_EL0 must be initialised to 0b1111" */
	c.amu = has(id->pfr0, ID_AA64PFR0_AMU);
	return c;
}

struct bit_name {
	uint64_t bit;
	const char *name;
};

static const struct bit_name scr_names[] = {
	{ SCR_EL3_HCE, "HCE" },	      { SCR_EL3_APK, "APK" },	    { SCR_EL3_API, "API" },
	{ SCR_EL3_ATA, "ATA" },	      { SCR_EL3_FGTEN, "FGTEn" },   { SCR_EL3_ECVEN, "ECVEn" },
	{ SCR_EL3_HXEN, "HXEn" },     { SCR_EL3_GCSEN, "GCSEn" },   { SCR_EL3_ENTP2, "EnTP2" },
	{ SCR_EL3_TCR2EN, "TCR2En" }, { SCR_EL3_PIEN, "PIEn" },	    { SCR_EL3_FGTEN2, "FGTEn2" },
};
static const struct bit_name cptr_names[] = {
	{ CPTR_EL3_EZ, "EZ" }, { CPTR_EL3_ESM, "ESM" },
	{ CPTR_EL3_TFP, "TFP" }, { CPTR_EL3_TAM, "TAM" },
};
static const struct bit_name mdcr_names[] = {
	{ MDCR_EL3_TDA, "TDA" }, { MDCR_EL3_TPM, "TPM" }, { MDCR_EL3_ENPM2, "EnPM2" },
	{ MDCR_EL3_ENPMS3, "EnPMS3" },
};
static const struct bit_name smcr_names[] = {
	{ SMCR_EL3_FA64, "FA64" }, { SMCR_EL3_EZT0, "EZT0" },
};

/* Append to buf (len bytes, always NUL-terminated) at *at. */
static void append(char *buf, size_t len, size_t *at, const char *fmt, const char *a,
		   const char *b)
{
	size_t room = *at < len ? len - *at : 0;
	*at += fmt_snprintf(room ? buf + *at : NULL, room, fmt, a, b);
}

/* "NAME 0x<v> (A B)", or "NAME 0x<v>" with none of t's bits set. */
static void describe(char *buf, size_t len, size_t *at, const char *name, uint64_t v,
		     const struct bit_name *t, size_t n)
{
	char hex[24];
	fmt_snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)v);
	append(buf, len, at, *at ? ", %s %s" : "%s %s", name, hex);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (v & t[i].bit) {
			append(buf, len, at, "%s%s", any ? " " : " (", t[i].name);
			any = true;
		}
	}
	if (any)
		append(buf, len, at, "%s%s", ")", "");
}

void el3_describe(const struct el3_state *s, char *buf, size_t len)
{
	size_t at = 0;
	if (len)
		buf[0] = '\0';
	describe(buf, len, &at, "SCR_EL3", s->scr, scr_names, ARRAY_SIZE(scr_names));
	describe(buf, len, &at, "CPTR_EL3", s->cptr, cptr_names, ARRAY_SIZE(cptr_names));
	describe(buf, len, &at, "MDCR_EL3", s->mdcr, mdcr_names, ARRAY_SIZE(mdcr_names));
	if (s->sme)
		describe(buf, len, &at, "SMCR_EL3", s->smcr, smcr_names, ARRAY_SIZE(smcr_names));
}
