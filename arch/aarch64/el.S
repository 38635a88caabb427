/* Exception-level plumbing shared by the aarch64 entries: per-EL set-up,
 * the drop from EL3, and the final jump with the MMU and D-cache off. */
#include "aarch64.h"

	.text
/* void cpu_setup(el): FP/SIMD untrapped (Debian's libfdt.a may use it)
 * and our exception vectors installed, at EL1, EL2 or EL3. Leaf, no stack. */
	.globl cpu_setup
cpu_setup:
	mov	x1, #CPACR_EL1_FPEN
	msr	cpacr_el1, x1
	cmp	x0, #3
	b.ne	2f
	adr	x1, vectors_el3
	msr	vbar_el3, x1
	isb
	ret
2:	cmp	x0, #2
	b.ne	1f
	mrs	x1, cptr_el2
	bic	x1, x1, #CPTR_EL2_TFP
	msr	cptr_el2, x1
	adr	x1, vectors_el2
	msr	vbar_el2, x1
	isb
	ret
1:	adr	x1, vectors_el1
	msr	vbar_el1, x1
	isb
	ret

/* noreturn jump_to_kernel(entry, dtb): booting.rst wants the MMU and the
 * D-cache off; the caller has cleaned everything the kernel reads to the
 * point of coherency. Nothing touches memory once the MMU is off: the
 * stack may hold lines newer than RAM. From EL3 the kernel is entered by
 * ERET at non-secure EL2 (if the CPU has EL2) or EL1. */
	.globl jump_to_kernel
jump_to_kernel:
	mov	x9, x0
	mov	x10, x1
	mrs	x11, CurrentEL
	cmp	x11, #(3 << 2)
	b.eq	3f
	cmp	x11, #(2 << 2)
	b.ne	1f
	mrs	x12, sctlr_el2
	bic	x12, x12, #SCTLR_M
	bic	x12, x12, #SCTLR_C
	msr	sctlr_el2, x12
	isb
	tlbi	alle2
	b	2f
1:	mrs	x12, sctlr_el1
	bic	x12, x12, #SCTLR_M
	bic	x12, x12, #SCTLR_C
	msr	sctlr_el1, x12
	isb
	tlbi	vmalle1
2:	ic	iallu
	dsb	sy
	isb
	msr	daifset, #0xf
	mov	x0, x10
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x9

3:	mrs	x12, sctlr_el3
	bic	x12, x12, #SCTLR_M
	bic	x12, x12, #SCTLR_C
	msr	sctlr_el3, x12
	isb
	tlbi	alle3
	ic	iallu
	dsb	sy
	isb
	mrs	x12, id_aa64pfr0_el1
	ubfx	x12, x12, #8, #4	/* EL2 implemented? */
	mov	x13, #SPSR_EL1H
	cbz	x12, 4f
	mov	x13, #SPSR_EL2H
4:	msr	spsr_el3, x13
	msr	elr_el3, x9
	mov	x0, x10
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	eret

/* el3_setup(): what booting.rst asks of the firmware before a kernel runs
 * at a lower EL: CNTFRQ, SCR_EL3 (non-secure, AArch64, HVC on if EL2
 * exists), HCR_EL2.RW, lower-EL SCTLRs with the MMU off, and the GICv3
 * system register enables. Leaf, no stack; the shim itself stays at EL3
 * (flash is secure-only on QEMU virt with secure=on). */
	.globl el3_setup
el3_setup:
	mrs	x0, cntfrq_el0
	cbnz	x0, 1f
	ldr	x0, =62500000		/* QEMU's generic timer frequency */
1:	msr	cntfrq_el0, x0
	mrs	x1, id_aa64pfr0_el1
	ubfx	x2, x1, #24, #4		/* GIC system registers implemented? */
	cbz	x2, 2f
	mov	x0, #ICC_SRE_ALL
	msr	S3_6_C12_C12_5, x0	/* ICC_SRE_EL3 */
	isb
	msr	S3_4_C12_C9_5, x0	/* ICC_SRE_EL2 */
	isb
2:	mov	x0, #SCR_EL3_BASE
	mov	x3, xzr			/* CPTR_EL3: no FP/SIMD trap */
	/* Features the kernel uses at lower ELs must not trap to EL3
	 * (booting.rst, "if EL3 is present"); enable each one the CPU has. */
	mrs	x4, id_aa64isar1_el1
	tst	x4, #0xff0		/* APA, API: pointer authentication */
	mrs	x4, id_aa64isar2_el1
	ubfx	x4, x4, #12, #4		/* APA3 */
	ccmp	x4, #0, #0, eq
	b.eq	3f
	orr	x0, x0, #SCR_EL3_API_APK
3:	mrs	x4, id_aa64pfr1_el1
	ubfx	x5, x4, #8, #4		/* MTE >= 2: tags at EL1/EL2 */
	cmp	x5, #2
	b.lo	4f
	orr	x0, x0, #SCR_EL3_ATA
4:	ubfx	x5, x4, #24, #4		/* SME */
	cbz	x5, 5f
	orr	x0, x0, #SCR_EL3_ENTP2
	orr	x3, x3, #CPTR_EL3_ESM
5:	mrs	x4, id_aa64mmfr0_el1
	ubfx	x5, x4, #56, #4		/* FGT */
	cbz	x5, 6f
	orr	x0, x0, #SCR_EL3_FGTEN
6:	ubfx	x5, x4, #60, #4		/* ECV */
	cbz	x5, 7f
	orr	x0, x0, #SCR_EL3_ECVEN
7:	mrs	x4, id_aa64mmfr1_el1
	ubfx	x5, x4, #40, #4		/* HCX */
	cbz	x5, 8f
	orr	x0, x0, #SCR_EL3_HXEN
8:	ubfx	x5, x1, #32, #4		/* SVE */
	cbz	x5, 9f
	orr	x3, x3, #CPTR_EL3_EZ
9:	msr	cptr_el3, x3
	isb
	tbz	x3, #8, 10f
	mov	x4, #0x1ff		/* largest vector length for lower ELs */
	msr	S3_6_C1_C2_0, x4	/* ZCR_EL3 */
10:	tbz	x3, #12, 11f
	mov	x4, #0x1ff
	msr	S3_6_C1_C2_6, x4	/* SMCR_EL3 */
11:	ubfx	x2, x1, #8, #4		/* EL2 implemented? */
	cbz	x2, 12f
	orr	x0, x0, #SCR_EL3_HCE
	mov	x4, #HCR_EL2_RW
	msr	hcr_el2, x4
	ldr	x4, =SCTLR_EL2_RES1
	msr	sctlr_el2, x4
12:	msr	scr_el3, x0
	ldr	x4, =SCTLR_EL1_RES1
	msr	sctlr_el1, x4
	isb
	ret
