/* What shim.rom, as the secure firmware at EL3, sets up before a kernel
 * runs below it (booting.rst, "System registers"): every value computed by
 * a pure function from the ID registers (el3.c, tested on the host); rom.c
 * reads the ID registers and writes the results. */
#ifndef BOOTSHIM_AARCH64_EL3_H
#define BOOTSHIM_AARCH64_EL3_H

#include "lib.h"

/* The ID registers the set-up depends on. */
struct aa64_id {
	uint64_t pfr0, pfr1, isar1, isar2, mmfr0, mmfr1, mmfr3, dfr0, smfr0;
	uint64_t pmsidr;	/* PMSIDR_EL1: read only where SPE exists, else 0 */
};

struct el3_config {
	uint64_t scr, cptr, mdcr;
	uint64_t zcr;		/* written if cptr has EZ */
	uint64_t smcr;		/* written if cptr has ESM */
	bool el2;		/* HCR_EL2, SCTLR_EL2, CPTR_EL2, CNTVOFF_EL2 exist */
	uint64_t cptr_el2;
	bool gicv3_sysregs;	/* ICC_SRE_EL3, and ICC_SRE_EL2 if el2 */
	bool gcs;		/* GCSCR_EL1, GCSCRE0_EL1, and GCSCR_EL2 if el2: 0 */
	bool amu;		/* AMCNTENSET0_EL0 */
};

struct el3_config el3_config(const struct aa64_id *id);

/* The registers as read back after the set-up. */
struct el3_state {
	uint64_t scr, cptr, mdcr, smcr;
	bool sme;		/* smcr was read */
};

/* "SCR_EL3 0x... (HCE API ...), CPTR_EL3 0x... (...), MDCR_EL3 0x...,
 * SMCR_EL3 0x... (FA64 ...)": the values and the enables set in them,
 * into buf (always NUL-terminated). */
void el3_describe(const struct el3_state *s, char *buf, size_t len);

#endif
