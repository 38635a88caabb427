/* Exception vectors for the shim's own run: a fault must be reported, not
 * hang the machine. Two exceptions are expected, each while `probing` is
 * set: the semihosting probe in arch_stop_failure, whose HLT traps when
 * QEMU runs without -semihosting, and probe_read32's load from a device
 * address the DTB gave, which aborts when nothing is there. Either resumes
 * after the trapping instruction with `probing` cleared (x9, x16 and x17
 * are the only registers the handler changes, all free across
 * semihost_call and probe_read32). Every other one goes to
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
	adrp	x16, probing
	ldr	w17, [x16, :lo12:probing]
	cbz	w17, 1f
	str	wzr, [x16, :lo12:probing]
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
	/* exc_el3: also the target of shim.rom's runtime EL3 vectors
	 * (psci_entry.S) for everything but an SMC. */
	.globl vectors_el1, vectors_el2, vectors_el3, exc_el3
	.hidden exc_el3
	/* Hidden: PC-relative references to them must stay valid in the UEFI
	 * build, which is a shared object. */
	.hidden vectors_el1, vectors_el2, vectors_el3
	vector_table 1
	vector_table 2
	vector_table 3

/* bool semihost_call(op, param): false if semihosting is not enabled. */
	.globl semihost_call
semihost_call:
	adrp	x16, probing
	mov	w17, #1
	str	w17, [x16, :lo12:probing]
	hlt	#0xf000
	adrp	x16, probing			/* the trap handler used x16 */
	ldr	w0, [x16, :lo12:probing]	/* 0 if the HLT trapped */
	str	wzr, [x16, :lo12:probing]
	ret

/* bool probe_read32(addr, *out): false if the 32-bit load from addr
 * faults (a synchronous external abort: nothing answers there). */
	.globl probe_read32
probe_read32:
	adrp	x16, probing
	mov	w17, #1
	str	w17, [x16, :lo12:probing]
	ldr	w2, [x0]
	adrp	x16, probing				/* the trap handler used x16 */
	ldr	w3, [x16, :lo12:probing]		/* 0 if the load trapped */
	str	wzr, [x16, :lo12:probing]
	cbz	w3, 1f
	str	w2, [x1]
	mov	w0, #1
	ret
1:	mov	w0, #0
	ret

	.bss
	.balign	4
probing:
	.long	0
