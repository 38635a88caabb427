/* shim.rom entry: the first code of qemu-system-riscv64 -M virt -bios,
 * in M-mode at 0x80000000, where QEMU loaded the file. QEMU's reset
 * vector (hw/riscv/boot.c, riscv_setup_rom_reset_vec) starts every hart
 * here at once, with a0 = mhartid, a1 = the DTB QEMU built and a2 = its
 * own fw_dynamic_info (which the shim does not use: it has nothing to say
 * about the kernel). One hart wins the lottery and boots; the others wait
 * in the hold pen until OpenSBI is in place, then enter it as fw_dynamic
 * expects of every hart (rom.c, rom_enter_opensbi). */
#include "rom.h"

	.section .text.rom_entry, "ax"
	.globl _start
_start:
	rdtime	s3			/* entry time */
	/* Interrupts off: "MIE ... global interrupt-enable bit" clear, and
	 * none enabled in mie (the hold pen enables only its wake-up). Traps go to rom_trap_vector (direct mode: "all traps
	 * into machine mode cause the pc to be set to the address in the
	 * BASE field"). */
	csrci	mstatus, MSTATUS_MIE
	csrw	mie, zero
	lla	t0, rom_trap_vector
	csrw	mtvec, t0
	csrr	s0, mhartid
	mv	s1, a1			/* the DTB */

	/* The lottery: an AMO, since QEMU starts all harts at once. A hart
	 * OpenSBI does not know (OPENSBI_MAX_HARTID) only waits. */
	lla	s2, rom_pen
	li	t0, OPENSBI_MAX_HARTID
	bgeu	s0, t0, hold
	li	t0, 1
	addi	t1, s2, PEN_LOTTERY
	amoadd.w t1, t0, (t1)
	bnez	t1, hold

	/* The boot hart: the FP unit on (mstatus.FS Initial; Off at reset,
	 * when any FP instruction traps): the shim is built for Debian's
	 * lp64d ABI, like the libfdt.a it links, and the compiler may use FP
	 * registers. rom_enter_opensbi turns it off again. Then a stack, and
	 * .bss zeroed (.data is in place: the file was loaded into RAM where
	 * it is linked). */
	li	t0, MSTATUS_FS_MASK
	csrc	mstatus, t0
	li	t0, MSTATUS_FS_INITIAL
	csrs	mstatus, t0
	lla	sp, stack_top
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	sd	zero, 8(t0)
	addi	t0, t0, 16
	j	1b
2:	mv	a0, s0
	mv	a1, s1
	mv	a2, s3
	call	rom_main
3:	j	3b

	/* The hold pen: sleep in wfi until the boot hart sets go and raises
	 * this hart's machine software interrupt, which wakes wfi with
	 * mie.MSIE set even though mstatus.MIE keeps it from trapping ("WFI
	 * is also required to resume execution for locally enabled
	 * interrupts pending at any privilege level, regardless of the
	 * global interrupt enable at each privilege level"). wfi may also
	 * return for nothing, so go is read again each time; sleeping keeps
	 * the waiting harts off the host CPUs under TCG. Then fence.i, since
	 * OpenSBI's code was written by another hart ("FENCE.I does not
	 * ensure that other RISC-V harts' instruction fetches will observe
	 * the local hart's stores"). The jump registers are loaded before
	 * the hart counts itself out: after that the boot hart may go, and
	 * the pen's memory with it. OpenSBI clears the MSIP on each hart it
	 * starts (aclint_mswi_warm_init) and writes mie itself. */
hold:
	li	t0, MIE_MSIE
	csrs	mie, t0
1:	ld	t0, PEN_GO(s2)
	bnez	t0, 2f
	wfi
	j	1b
2:	csrw	mie, zero
	fence	r, rw
	ld	t1, PEN_ENTRY(s2)
	ld	a1, PEN_DTB(s2)
	ld	a2, PEN_INFO(s2)
	mv	a0, s0
	fence.i
	li	t0, 1
	addi	t2, s2, PEN_LEFT
	amoadd.w.rl zero, t0, (t2)
	jr	t1

	/* rom_enter_opensbi(entry, hartid, dtb, info) */
	.globl rom_enter_opensbi
rom_enter_opensbi:
	mv	t1, a0
	mv	a0, a1
	mv	a1, a2
	mv	a2, a3
	li	t0, MSTATUS_FS_MASK
	csrc	mstatus, t0
	fence.i
	jr	t1

	/* int64_t riscv64_seed_csr(void): one read-write access of seed, or
	 * SEED_TRAPPED where the hart has no such CSR (an illegal
	 * instruction exception, which a trap vector of its own turns into
	 * that value). In M-mode the access is otherwise always allowed:
	 * mseccfg.SSEED/USEED gate only the lower modes. */
	.globl riscv64_seed_csr
riscv64_seed_csr:
	csrr	t1, mtvec
	lla	t0, 5f
	csrw	mtvec, t0
	li	a0, SEED_TRAPPED
	csrrw	a0, CSR_SEED, zero
	j	6f
	.balign 4
5:	lla	t0, 6f			/* trapped: resume after the access */
	csrw	mepc, t0
	mret
6:	csrw	mtvec, t1
	ret

	/* Any trap while the shim runs is fatal: report it on the trap
	 * stack (the fault may be the stack itself). mtvec's BASE is
	 * "always aligned on a 4-byte boundary". */
	.balign 4
rom_trap_vector:
	lla	sp, rom_trap_stack_top
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	call	rom_trap
4:	j	4b

	.data
	.balign 8
	.globl rom_pen
rom_pen:
	.skip	PEN_BYTES

	.section .stack, "aw", @nobits
	.balign 16
	.skip	STACK_SIZE
stack_top:
	.skip	ROM_TRAP_STACK_SIZE
rom_trap_stack_top:
