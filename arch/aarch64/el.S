/* Exception-level plumbing shared by the aarch64 entries: per-EL set-up
 * and the final jump with the MMU and D-cache off (from EL3: the drop to
 * non-secure EL2 or EL1; rom.c sets EL3 up). */
#include "aarch64.h"

	.text
/* void cpu_setup(el): our exception vectors installed first, before any
 * other system register access that could fault, then FP/SIMD untrapped
 * (Debian's libfdt.a may use it), at EL1, EL2 or EL3. Leaf, no stack. */
	.globl cpu_setup
cpu_setup:
	cmp	x0, #3
	b.ne	2f
	adr	x1, vectors_el3
	msr	vbar_el3, x1
	isb
	msr	tpidr_el3, xzr		/* no runtime EL3 stack (psci_rt.c sets one) */
	b	1f
2:	cmp	x0, #2
	b.ne	3f
	adr	x1, vectors_el2
	msr	vbar_el2, x1
	isb
	mrs	x1, cptr_el2
	bic	x1, x1, #CPTR_EL2_TFP
	msr	cptr_el2, x1
	b	1f
3:	adr	x1, vectors_el1
	msr	vbar_el1, x1
	isb
1:	mov	x1, #CPACR_EL1_FPEN
	msr	cpacr_el1, x1
	isb
	ret

/* noreturn jump_to_kernel(entry, dtb): booting.rst wants the MMU and the
 * D-cache off; the caller has cleaned everything the kernel reads to the
 * point of coherency. Nothing touches memory once the MMU is off: the
 * stack may hold lines newer than RAM. From EL3 the kernel is entered by
 * ERET at non-secure EL2 (if the CPU has EL2) or EL1, with SP_EL3 at
 * TPIDR_EL3 when that is set (shim.rom's runtime stack). */
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
	/* shim.rom stays the EL3 firmware (PSCI): SMCs from the kernel run
	 * on the boot CPU's runtime stack in reserved RAM, not on this one,
	 * whose cache lines may be newer than RAM. */
	mrs	x12, tpidr_el3
	cbz	x12, 5f
	mov	sp, x12
5:
	mov	x0, x10
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	eret
