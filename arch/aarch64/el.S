/* Exception-level plumbing shared by the aarch64 entries: per-EL set-up,
 * the drop from EL3, and the final jump with the MMU and D-cache off. */
#include "aarch64.h"

	.text
/* void cpu_setup(el): FP/SIMD untrapped (Debian's libfdt.a may use it)
 * and our exception vectors installed, at EL1 or EL2. Leaf, no stack. */
	.globl cpu_setup
cpu_setup:
	mov	x1, #CPACR_EL1_FPEN
	msr	cpacr_el1, x1
	cmp	x0, #2
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
 * stack may hold lines newer than RAM. */
	.globl jump_to_kernel
jump_to_kernel:
	mov	x9, x0
	mov	x10, x1
	mrs	x11, CurrentEL
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

/* el3_drop(): from EL3 to non-secure EL2 if the CPU has it, else EL1,
 * continuing at the caller's return address. Initialises what booting.rst
 * asks of firmware: CNTFRQ, SCR_EL3, HCR_EL2, the GICv3 system register
 * enables. Leaf, no stack. */
	.globl el3_drop
el3_drop:
	mrs	x0, cntfrq_el0
	cbnz	x0, 1f
	ldr	x0, =62500000		/* QEMU's generic timer frequency */
1:	msr	cntfrq_el0, x0
	msr	cptr_el3, xzr		/* no FP/SIMD traps to EL3 */
	mrs	x1, id_aa64pfr0_el1
	ubfx	x2, x1, #24, #4		/* GIC system registers implemented? */
	cbz	x2, 2f
	mov	x0, #ICC_SRE_ALL
	msr	S3_6_C12_C12_5, x0	/* ICC_SRE_EL3 */
	isb
	msr	S3_4_C12_C9_5, x0	/* ICC_SRE_EL2 */
	isb
2:	ubfx	x2, x1, #8, #4		/* EL2 implemented? */
	mov	x0, #SCR_EL3_BASE
	cbz	x2, 3f
	orr	x0, x0, #SCR_EL3_HCE
	msr	scr_el3, x0
	mov	x0, #HCR_EL2_RW
	msr	hcr_el2, x0
	ldr	x0, =SCTLR_EL2_RES1
	msr	sctlr_el2, x0
	mov	x0, #SPSR_EL2H
	b	4f
3:	msr	scr_el3, x0
	ldr	x0, =SCTLR_EL1_RES1
	msr	sctlr_el1, x0
	mov	x0, #SPSR_EL1H
4:	msr	spsr_el3, x0
	msr	elr_el3, x30
	isb
	eret
