/* Constants shared by the aarch64 entry code (assembly and C). */
#ifndef BOOTSHIM_AARCH64_H
#define BOOTSHIM_AARCH64_H

#define CPACR_EL1_FPEN (3 << 20)	/* no FP/SIMD traps at EL1/EL0 */
#define CPTR_EL2_TFP (1 << 10)		/* trap FP/SIMD at EL2 (nVHE layout) */
#define R_AARCH64_RELATIVE 1027
#define STACK_SIZE 0x10000

/* Image header flags: little-endian, 4 KiB pages, placement anywhere. */
#define IMAGE_FLAGS ((1 << 1) | (1 << 3))

#endif
