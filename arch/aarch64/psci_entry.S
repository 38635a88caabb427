/* shim.rom's EL3 runtime (psci.h): the vectors with the SMC entry, the
 * hold pen, the way into the kernel for a CPU that PSCI starts. All with
 * the MMU off. */
#include "aarch64.h"
#include "psci.h"

/* ESR_EL3.EC of an SMC from AArch64 (lower ELs are AArch64 only:
 * SCR_EL3.RW). */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3f
#define ESR_EC_SMC64 0x17
#define SMC_FRAME 256		/* struct smc_frame */
#define VECTOR_LOWER_SYNC 8	/* lower EL, AArch64, synchronous */

	.text
/* The EL3 vector table once the kernel can call: an SMC from a lower EL
 * goes to the PSCI handler, everything else to vectors.S's handler (the
 * probes, or a fatal report). */
	.balign	2048
	.globl	vectors_el3_rt
vectors_el3_rt:
	.set	entry, 0
	.rept	16
	.balign	128
	.if	entry == VECTOR_LOWER_SYNC
	b	smc_entry
	.else
	mov	x9, #entry
	b	exc_el3
	.endif
	.set	entry, entry + 1
	.endr

/* SP_EL3 is this CPU's runtime stack top (every ERET to the kernel leaves
 * it there). x0-x30 saved; x0 gets the result, everything else comes back
 * as it was (SMCCC: "X4-X17 ... preserved", and more). */
smc_entry:
	sub	sp, sp, #SMC_FRAME
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mrs	x0, esr_el3
	lsr	x0, x0, #ESR_EC_SHIFT
	and	x0, x0, #ESR_EC_MASK
	cmp	x0, #ESR_EC_SMC64
	b.eq	1f
	/* Not an SMC (a trapped instruction, an abort): reported as fatal. */
	mov	x9, #VECTOR_LOWER_SYNC
	b	exc_el3
1:	mov	x0, sp
	bl	psci_smc
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #SMC_FRAME
	eret

/* A secondary from the reset vector (rom_entry.S, EL3, vectors set): its
 * slot from MPIDR (psci_slot's rule), else parked for good. No stack and
 * no writes: the boot CPU may be zeroing .bss meanwhile. */
	.globl	psci_secondary
psci_secondary:
	mrs	x0, mpidr_el1
	ubfx	x1, x0, #16, #8		/* Aff2 */
	ubfx	x2, x0, #32, #8		/* Aff3 */
	orr	x1, x1, x2
	cbnz	x1, 9f
	ubfx	x1, x0, #0, #8		/* Aff0 */
	cmp	x1, #PSCI_SLOT_AFF0_MAX
	b.hs	9f
	ubfx	x2, x0, #8, #8		/* Aff1 */
	add	x0, x1, x2, lsl #4
	cmp	x0, #PSCI_MAX_CPUS
	b.hs	9f
	adr	x1, vectors_el3_rt
	msr	vbar_el3, x1
	isb
	b	psci_pen
9:	wfi
	b	9b

/* noreturn psci_pen(slot): wait until cpu_state[slot] is ON_PENDING
 * (CPU_ON wrote it, then SEV), then start on the slot's own stack. */
	.globl	psci_pen
psci_pen:
	ldr	x1, =psci_state_rt
	add	x1, x1, x0, lsl #3
1:	ldr	x2, [x1]
	cmp	x2, #PSCI_CPU_ON_PENDING
	b.eq	2f
	wfe
	b	1b
2:	ldr	x1, =psci_stacks
	add	x2, x0, #1
	mov	x3, #PSCI_STACK_SIZE
	madd	x1, x2, x3, x1
	msr	tpidr_el3, x1
	mov	sp, x1
	bl	psci_cpu_start
	b	.

/* noreturn psci_enter_ns(entry, context, spsr): booting.rst's state for a
 * secondary (MMU and D-cache off below EL3: el3_cpu_setup wrote the
 * SCTLRs; DAIF masked in spsr), x0 = the context id (DEN0022 5.1.4), on
 * a fresh EL3 stack for the next SMC. */
	.globl	psci_enter_ns
psci_enter_ns:
	msr	elr_el3, x0
	msr	spsr_el3, x2
	mrs	x3, tpidr_el3
	mov	sp, x3
	mov	x0, x1
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	ic	iallu
	dsb	sy
	isb
	eret
