/* Constants shared by the aarch64 entry code (assembly and C). */
#ifndef BOOTSHIM_AARCH64_H
#define BOOTSHIM_AARCH64_H

#define CPACR_EL1_FPEN (3 << 20)	/* no FP/SIMD traps at EL1/EL0 */
#define CPTR_EL2_TFP (1 << 10)		/* trap FP/SIMD at EL2 (nVHE layout) */
#define R_AARCH64_RELATIVE 1027
#define STACK_SIZE 0x10000

/* CTR_EL0.DminLine: log2 of the smallest D-cache line, in 4-byte words. */
#define CTR_EL0_DMINLINE_SHIFT 16
#define CTR_EL0_DMINLINE_MASK 0xf
/* el.S's copy_clean cleans one 64-byte line per 64 bytes copied: only
 * where the smallest line is that long (DminLine 4: 4 << 4 bytes). */
#define COPY_LINE 64
#define COPY_LINE_LOG2_WORDS 4

#define SCTLR_M (1 << 0)
#define SCTLR_C (1 << 2)
#define SCTLR_I (1 << 12)
/* The RES1 bits, everything else (MMU, caches) off. */
#define SCTLR_EL1_RES1 0x30d00800
#define SCTLR_EL2_RES1 0x30c50830

#ifdef __ASSEMBLER__
#define BIT(n) (1 << (n))
#else
#define BIT(n) (1ull << (n))
#endif

/* ID register fields (4 bits each): shift of the field in its register. */
#define ID_FIELD(reg, shift) (((reg) >> (shift)) & 0xf)
#define ID_AA64PFR0_EL2 8		/* EL2 implemented */
#define ID_AA64PFR0_GIC 24		/* GICv3 system register interface */
#define ID_AA64PFR0_SVE 32
#define ID_AA64PFR0_AMU 44
#define ID_AA64PFR1_MTE 8		/* 2: FEAT_MTE2 */
#define ID_AA64PFR1_SME 24		/* 2: FEAT_SME2 */
#define ID_AA64PFR1_GCS 44
#define ID_AA64ISAR1_APA 4
#define ID_AA64ISAR1_API 8
#define ID_AA64ISAR1_GPA 24
#define ID_AA64ISAR1_GPI 28
#define ID_AA64ISAR2_GPA3 8
#define ID_AA64ISAR2_APA3 12
#define ID_AA64MMFR0_FGT 56		/* 2: FEAT_FGT2 */
#define ID_AA64MMFR0_ECV 60
#define ID_AA64MMFR1_HCX 40
#define ID_AA64MMFR3_TCRX 0
#define ID_AA64MMFR3_S1PIE 8
#define ID_AA64DFR0_PMUVER 8		/* 9: FEAT_PMUv3p9; 0xf: IMPLEMENTATION DEFINED */
#define ID_AA64DFR0_PMSVER 32		/* SPE; 5: FEAT_SPEv1p4 */
#define ID_AA64DFR0_TRACEBUFFER 44	/* FEAT_TRBE */
#define ID_AA64DFR0_BRBE 52
#define ID_AA64SMFR0_FA64 BIT(63)
#define PMSIDR_EL1_FDS BIT(7)		/* SPE data source filtering */
#define PMUVER_V3P9 9
#define PMUVER_IMP_DEF 0xf
#define PMSVER_V1P4 5

/* SCR_EL3: NS (lower ELs non-secure), RES1 bits 4-5, RW (lower ELs
 * AArch64). SMD stays clear: SMC is how the kernel calls the shim's PSCI
 * (psci.h). */
#define SCR_EL3_NS BIT(0)
#define SCR_EL3_RES1 (BIT(4) | BIT(5))
#define SCR_EL3_SMD BIT(7)
#define SCR_EL3_HCE BIT(8)
#define SCR_EL3_RW BIT(10)
#define SCR_EL3_APK BIT(16)
#define SCR_EL3_API BIT(17)
#define SCR_EL3_ATA BIT(26)
#define SCR_EL3_FGTEN BIT(27)
#define SCR_EL3_ECVEN BIT(28)
#define SCR_EL3_HXEN BIT(38)
#define SCR_EL3_GCSEN BIT(39)
#define SCR_EL3_ENTP2 BIT(41)
#define SCR_EL3_TCR2EN BIT(43)
#define SCR_EL3_PIEN BIT(45)
#define SCR_EL3_FGTEN2 BIT(59)
#define SCR_EL3_BASE (SCR_EL3_NS | SCR_EL3_RES1 | SCR_EL3_RW)

#define CPTR_EL3_EZ BIT(8)
#define CPTR_EL3_TFP BIT(10)
#define CPTR_EL3_ESM BIT(12)
#define CPTR_EL3_TAM BIT(30)
/* CPTR_EL2 (E2H 0): RES1 bits 13, 9 and 7:0; TZ (8) and TSM (12) are RES1
 * too where SVE and SME are absent. */
#define CPTR_EL2_RES1 (BIT(13) | BIT(9) | 0xff)
#define CPTR_EL2_TZ BIT(8)
#define CPTR_EL2_TSM BIT(12)

#define MDCR_EL3_TPM BIT(6)
#define MDCR_EL3_ENPM2 BIT(7)
#define MDCR_EL3_TDA BIT(9)
#define MDCR_EL3_NSPB_NS_EL1 (3ull << 12)	/* SPE buffer owned by non-secure EL1 */
#define MDCR_EL3_NSTB_NS_EL1 (3ull << 24)	/* trace buffer owned by non-secure EL1 */
#define MDCR_EL3_SBRBE_NS (1ull << 32)	/* BRBE usable in non-secure state */
#define MDCR_EL3_ENPMS3 BIT(42)

/* ZCR_EL3/SMCR_EL3.LEN: the largest vector length the CPU has. */
#define ZCR_EL3_LEN_MAX 0xf
#define SMCR_EL3_LEN_MAX 0xf
#define SMCR_EL3_EZT0 BIT(30)
#define SMCR_EL3_FA64 BIT(31)

/* AMCNTENSET0_EL0: the four architected activity monitor counters. */
#define AMCNTENSET0_ARCH 0xf

#define HCR_EL2_RW BIT(31)
/* ICC_SRE_ELx: SRE, DFB, DIB, Enable (lower ELs may use the sysregs). */
#define ICC_SRE_ALL 0xf
/* SPSR for ERET into EL2h / EL1h with DAIF masked. */
#define SPSR_EL2H 0x3c9
#define SPSR_EL1H 0x3c5

/* Semihosting SYS_EXIT, with ADP_Stopped_ApplicationExit and a status. */
#define SEMIHOST_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* Image header flags: little-endian, 4 KiB pages, placement anywhere. */
#define IMAGE_FLAGS ((1 << 1) | (1 << 3))

#endif
