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

/* void copy_clean(dst, src, n): cpu.c's arch_copy, place_copy's copy
 * (shim/place.h), with memmove's semantics, leaving
 * the destination cleaned to the point of coherency, as booting.rst asks
 * of what the kernel reads ("must be cleaned to the PoC").
 * With the D-cache on at this EL (shim.rom, shim.efi: Normal memory, where
 * unaligned accesses are allowed), a forward copy of 128 bytes per loop
 * iteration through four LDP/STP pairs of Q registers (32 bytes each, the
 * widest move; FP/SIMD is enabled by cpu_setup, or by the firmware under
 * UEFI), each 64-byte line cleaned right after it is written: the cleaning
 * costs no pass of its own. Otherwise (the MMU off, shim.img: Device
 * memory, aligned accesses only; an overlap where the destination is above
 * the source; fewer than 128 bytes; D-cache lines under 64 bytes) memmove,
 * then the destination cleaned line by line. */
	.globl copy_clean
	.type copy_clean, %function
copy_clean:
	cbz	x2, 9f
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.eq	1f
	b.hi	2f
	mrs	x10, sctlr_el1
	b	3f
1:	mrs	x10, sctlr_el2
	b	3f
2:	mrs	x10, sctlr_el3
3:	tst	x10, #SCTLR_C
	b.eq	10f
	sub	x11, x0, x1		/* dst - src below n: a backward overlap */
	cmp	x11, x2
	b.lo	10f
	cmp	x2, #128
	b.lo	10f
	mrs	x12, ctr_el0
	ubfx	x12, x12, #CTR_EL0_DMINLINE_SHIFT, #4
	cmp	x12, #COPY_LINE_LOG2_WORDS
	b.lo	10f
	mov	x13, x0			/* the destination's start */
	add	x14, x0, x2		/* and end */
	and	x15, x2, #~127
	add	x15, x1, x15		/* the source's end of whole 128-byte blocks */
4:	ldp	q0, q1, [x1], #32
	ldp	q2, q3, [x1], #32
	ldp	q4, q5, [x1], #32
	ldp	q6, q7, [x1], #32
	stp	q0, q1, [x0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	/* The lines at x0 and x0 + 64 are complete now, except, for a
	 * destination not line-aligned, the one at x0 + 127, which the next
	 * iteration (or the tail below) finishes and cleans. */
	dc	cvac, x0
	add	x16, x0, #64
	dc	cvac, x16
	add	x0, x0, #128
	cmp	x1, x15
	b.ne	4b
	/* The tail, under 128 bytes: words, then bytes. */
	mov	x16, x0			/* where the tail starts */
5:	sub	x17, x14, x0
	cmp	x17, #8
	b.lo	6f
	ldr	x9, [x1], #8
	str	x9, [x0], #8
	b	5b
6:	cmp	x0, x14
	b.hs	7f
	ldrb	w9, [x1], #1
	strb	w9, [x0], #1
	b	6b
	/* Clean from the line the loop's last block ended in to the end. */
7:	and	x16, x16, #~(COPY_LINE - 1)
8:	cmp	x16, x14
	b.hs	12f
	dc	cvac, x16
	add	x16, x16, #COPY_LINE
	b	8b
12:	dsb	sy
	mov	x0, x13
9:	ret

10:	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x0, x2, [sp, #16]
	bl	memmove
	ldp	x0, x2, [sp, #16]
	ldp	x29, x30, [sp], #32
	mrs	x12, ctr_el0
	ubfx	x12, x12, #CTR_EL0_DMINLINE_SHIFT, #4
	mov	x11, #4
	lsl	x11, x11, x12		/* the smallest D-cache line in bytes */
	add	x14, x0, x2
	sub	x12, x11, #1
	bic	x16, x0, x12
11:	dc	cvac, x16
	add	x16, x16, x11
	cmp	x16, x14
	b.lo	11b
	dsb	sy
	ret
	.size copy_clean, . - copy_clean
