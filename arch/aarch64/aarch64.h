/* Constants shared by the aarch64 entry code (assembly and C). */
#ifndef BOOTSHIM_AARCH64_H
#define BOOTSHIM_AARCH64_H

#define CPACR_EL1_FPEN (3 << 20)	/* no FP/SIMD traps at EL1/EL0 */
#define CPTR_EL2_TFP (1 << 10)		/* trap FP/SIMD at EL2 (nVHE layout) */
#define R_AARCH64_RELATIVE 1027
#define STACK_SIZE 0x10000

#define SCTLR_M (1 << 0)
#define SCTLR_C (1 << 2)
#define SCTLR_I (1 << 12)
/* The RES1 bits, everything else (MMU, caches) off. */
#define SCTLR_EL1_RES1 0x30d00800
#define SCTLR_EL2_RES1 0x30c50830

/* SCR_EL3: NS (lower ELs non-secure), RES1 bits 4-5, SMD (no SMC: there is
 * no secure monitor behind the shim), RW (lower ELs AArch64). */
#define SCR_EL3_BASE ((1 << 0) | (3 << 4) | (1 << 7) | (1 << 10))
#define SCR_EL3_HCE (1 << 8)
#define SCR_EL3_API_APK (3 << 16)
#define SCR_EL3_ATA (1 << 26)
#define SCR_EL3_FGTEN (1 << 27)
#define SCR_EL3_ECVEN (1 << 28)
#define SCR_EL3_HXEN (1 << 38)
#define SCR_EL3_ENTP2 (1 << 41)
#define CPTR_EL3_EZ (1 << 8)
#define CPTR_EL3_ESM (1 << 12)
#define HCR_EL2_RW (1 << 31)
/* ICC_SRE_ELx: SRE, DFB, DIB, Enable (lower ELs may use the sysregs). */
#define ICC_SRE_ALL 0xf
/* SPSR for ERET into EL2h / EL1h with DAIF masked. */
#define SPSR_EL2H 0x3c9
#define SPSR_EL1H 0x3c5

/* Image header flags: little-endian, 4 KiB pages, placement anywhere. */
#define IMAGE_FLAGS ((1 << 1) | (1 << 3))

#endif
