/* shim.img entry: a binary with a RISC-V Linux Image header
 * (Documentation/arch/riscv/boot-image-header.rst), so whatever boots a
 * riscv64 kernel (QEMU -kernel under OpenSBI, U-Boot booti) boots it.
 * Entered per Documentation/arch/riscv/boot.rst in S-mode, "a0 to contain
 * the current hart ID", "a1 to contain the address of the devicetree in
 * memory", satp = 0, at a 2 MiB aligned address that is not known at link
 * time: the code is position-independent (-fpie -mcmodel=medany) and
 * applies its own R_RISCV_RELATIVE relocations. */
#include "riscv64.h"

	/* Every instruction below at its full 4 bytes where it matters: the
	 * header's code0 is exactly one 32-bit jump. */
	.option push
	.option norvc
	.section .text.head, "ax"
	.globl _head
_head:
	j	img_start		/* code0 */
	.long	0			/* code1 */
	/* text_offset: "Image load offset", from the base of RAM. U-Boot's
	 * booti (2023.01, arch/riscv/lib/image.c) moves an Image that sits
	 * in RAM to ram_base + text_offset: 0 would put shim.img over the
	 * M-mode firmware at the base of RAM (a store access fault under
	 * OpenSBI's PMP). 2 MiB, as the kernel's own head.S has it on rv64:
	 * the first PMD past the firmware. shim.img runs at any 2 MiB
	 * boundary all the same. */
	.quad	IMG_TEXT_OFFSET		/* text_offset */
	.quad	_kernel_room_end - _head	/* image_size: through the kernel's room */
	.quad	IMG_FLAGS		/* flags: little-endian */
	.long	IMG_VERSION		/* version 0.2 */
	.long	0			/* res1 */
	.quad	0			/* res2 */
	.long	IMG_MAGIC_LO, IMG_MAGIC_HI	/* magic "RISCV\0\0\0" (deprecated) */
	.long	IMG_MAGIC2		/* magic2 "RSC\x05" */
	.long	0			/* res3: no PE header (shim.efi is the UEFI flavour) */
	.option pop

	.text
img_start:
	rdtime	s2			/* entry time, for the entry-to-jump report */
	mv	s0, a0			/* hart id */
	mv	s1, a1			/* DTB */
	/* Interrupts off: none enabled, none taken (boot.rst asks the same of
	 * the shim's hand-off). */
	csrw	sie, zero
	csrci	sstatus, SSTATUS_SIE
	/* The FP unit on (sstatus.FS Initial): Debian's libfdt.a and
	 * libcrypto objects are built for the lp64d ABI, so the shim is too,
	 * and the compiler may use FP registers; with FS Off any FP
	 * instruction traps. riscv64_jump_to_kernel turns it off again. */
	li	t0, SSTATUS_FS_MASK
	csrc	sstatus, t0
	li	t0, SSTATUS_FS_INITIAL
	csrs	sstatus, t0
	lla	sp, stack_top
	lla	t0, trap_vector
	csrw	stvec, t0

	/* Zero .bss, 16 bytes an iteration (both ends 16-byte aligned by
	 * the linker script; the stack is outside it). */
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	sd	zero, 8(t0)
	addi	t0, t0, 16
	j	1b

	/* Apply R_RISCV_RELATIVE relocations ("B + A") for the load address
	 * (the image is linked at 0, so the load address is B). Elf64_Rela:
	 * r_offset, r_info, r_addend; a RELATIVE one has symbol 0, so its
	 * r_info is the type alone. The build refuses any other type. */
2:	lla	t0, _head
	lla	t1, __rela_start
	lla	t2, __rela_end
	li	t6, R_RISCV_RELATIVE
3:	bgeu	t1, t2, 4f
	ld	t3, 0(t1)		/* r_offset */
	ld	t4, 8(t1)		/* r_info */
	ld	t5, 16(t1)		/* r_addend */
	addi	t1, t1, ELF64_RELA_BYTES
	bne	t4, t6, 3b
	add	t5, t5, t0
	add	t3, t3, t0
	sd	t5, 0(t3)
	j	3b

4:	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	call	img_main
5:	wfi				/* img_main does not return */
	j	5b

	/* Any trap while the shim runs: report it (on a fresh stack: the
	 * trap may be the stack's own fault) and stop. stvec's MODE bits
	 * (1:0) are 0, Direct: every trap comes here. */
	.balign 4
trap_vector:
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	lla	sp, stack_top
	call	riscv64_trap_fatal

	.section .stack, "aw", @nobits
	.balign 16
stack_bottom:
	.skip	STACK_SIZE
	.globl stack_top
stack_top:

	.section .note.GNU-stack, "", @progbits
