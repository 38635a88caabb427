/* The machine-level pieces of shim.efi on riscv64 (arch/riscv64/efi.c is
 * the firmware-facing side): the two riscv64.h functions that shim.img
 * has in its own entry (arch/riscv64/img_entry.S, which carries the Image
 * header and cannot be linked into a PE), here for a UEFI application,
 * which enters with the firmware's stack, trap vector and FP state. */
#include "riscv64.h"

	.text
	/* riscv64_jump_to_kernel(entry, hartid, dtb), after ExitBootServices:
	 * Documentation/arch/riscv/boot.rst's state. UEFI may hand an
	 * application interrupts enabled (for the boot services timer), and
	 * the kernel wants them off: all off first; then
	 * "a0 to contain the current hart ID", "a1 to contain the address of
	 * the devicetree in memory", "satp = 0" (the MMU off; no stale
	 * translations), and the new code made visible to instruction fetch
	 * ("fence.i" after writing code). The FP unit is left off, as
	 * shim.img leaves it. */
	.globl riscv64_jump_to_kernel
	.type riscv64_jump_to_kernel, %function
riscv64_jump_to_kernel:
	csrci	sstatus, SSTATUS_SIE
	csrw	sie, zero
	mv	t0, a0
	mv	a0, a1
	mv	a1, a2
	li	t1, SSTATUS_FS_MASK
	csrc	sstatus, t1
	csrw	satp, zero
	sfence.vma
	fence.i
	jr	t0
	.size riscv64_jump_to_kernel, . - riscv64_jump_to_kernel

	/* int64_t riscv64_seed_csr(void): one read-write access of the seed
	 * CSR (Zkr), or SEED_TRAPPED where M-mode has not granted it to
	 * S-mode (mseccfg.SSEED clear: an illegal instruction exception).
	 * The firmware's trap vector is swapped for one that resumes after
	 * the access, with interrupts off meanwhile so that nothing else
	 * reaches it; both are restored. */
	.globl riscv64_seed_csr
	.type riscv64_seed_csr, %function
riscv64_seed_csr:
	csrrci	t2, sstatus, SSTATUS_SIE
	csrr	t1, stvec
	lla	t0, 1f
	csrw	stvec, t0
	li	a0, SEED_TRAPPED
	csrrw	a0, CSR_SEED, zero
	j	2f
	.balign 4
1:	lla	t0, 2f			/* trapped: resume after the access */
	csrw	sepc, t0
	sret
2:	csrw	stvec, t1
	andi	t2, t2, SSTATUS_SIE
	csrs	sstatus, t2
	ret
	.size riscv64_seed_csr, . - riscv64_seed_csr

	.section .note.GNU-stack, "", %progbits
