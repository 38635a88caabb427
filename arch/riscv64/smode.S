/* S-mode helpers every riscv64 entry that runs under an SBI firmware
 * shares (shim.img; shim.efi under U-Boot's UEFI): the seed CSR read that
 * survives its trap, and the kernel hand-off of boot.rst. */
#include "riscv64.h"

	.text
	/* int64_t riscv64_seed_csr(void): one read-write access of seed, or
	 * SEED_TRAPPED: where M-mode has not granted S-mode the CSR
	 * (mseccfg.SSEED clear) the access raises an illegal instruction
	 * exception, which a trap vector of its own turns into that value. */
	.globl riscv64_seed_csr
riscv64_seed_csr:
	csrr	t1, stvec
	lla	t0, 6f
	csrw	stvec, t0
	li	a0, SEED_TRAPPED
	csrrw	a0, CSR_SEED, zero
	j	7f
	.balign 4
6:	lla	t0, 7f			/* trapped: resume after the access */
	csrw	sepc, t0
	sret
7:	csrw	stvec, t1
	ret

	/* riscv64_jump_to_kernel(entry, hartid, dtb): boot.rst's state, with
	 * the FP unit off again and the new code made visible to
	 * instruction fetch ("fence.i" after writing code). */
	.globl riscv64_jump_to_kernel
riscv64_jump_to_kernel:
	mv	t0, a0
	mv	a0, a1
	mv	a1, a2
	li	t1, SSTATUS_FS_MASK
	csrc	sstatus, t1
	csrw	satp, zero
	sfence.vma
	fence.i
	jr	t0

	.section .note.GNU-stack, "", @progbits
