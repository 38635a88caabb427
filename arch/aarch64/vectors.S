/* Exception vectors for the shim's own run: a fault must be reported, not
 * hang the machine. One exception is expected: the semihosting probe in
 * arch_stop_failure, whose HLT traps when QEMU runs without -semihosting;
 * it resumes after the HLT (x9, x16 and x17 are the only registers the
 * handler changes, all free across semihost_call). Every other one goes to
 * exception_fatal(esr, elr, far, entry) with the entry's index (0-15) in
 * the table: its kind (synchronous, IRQ, FIQ, SError) and where it came
 * from. */

	.macro	vector_table el
	.balign	2048
vectors_el\el:
	.set	entry, 0
	.rept	16
	.balign	128
	mov	x9, #entry
	b	exc_el\el
	.set	entry, entry + 1
	.endr
exc_el\el:
	adrp	x16, semihost_probing
	ldr	w17, [x16, :lo12:semihost_probing]
	cbz	w17, 1f
	str	wzr, [x16, :lo12:semihost_probing]
	mrs	x16, elr_el\el
	add	x16, x16, #4
	msr	elr_el\el, x16
	eret
1:	mrs	x0, esr_el\el
	mrs	x1, elr_el\el
	mrs	x2, far_el\el
	mov	x3, x9
	b	exception_fatal
	.endm

	.text
	.globl vectors_el1, vectors_el2, vectors_el3
	/* Hidden: PC-relative references to them must stay valid in the UEFI
	 * build, which is a shared object. */
	.hidden vectors_el1, vectors_el2, vectors_el3
	vector_table 1
	vector_table 2
	vector_table 3

/* bool semihost_call(op, param): false if semihosting is not enabled. */
	.globl semihost_call
semihost_call:
	adrp	x16, semihost_probing
	mov	w17, #1
	str	w17, [x16, :lo12:semihost_probing]
	hlt	#0xf000
	adrp	x16, semihost_probing			/* the trap handler used x16 */
	ldr	w0, [x16, :lo12:semihost_probing]	/* 0 if the HLT trapped */
	str	wzr, [x16, :lo12:semihost_probing]
	ret

	.bss
	.balign	4
semihost_probing:
	.long	0
