/* shim.rom entry: the first code of qemu-system-aarch64 -M virt -bios,
 * executing in place from flash at address 0. Every CPU starts here when
 * entered at EL3 (secure=on: no PSCI emulation holds the others back). */
#include "aarch64.h"

	.section .text.rom_entry, "ax"
	.globl _start
_start:
	mrs	x20, cntvct_el0		/* entry time */
	msr	daifset, #0xf
	mrs	x21, CurrentEL
	lsr	x21, x21, #2

	/* Only the boot CPU (affinity 0.0.0) goes on. The others start here
	 * only at EL3 (otherwise QEMU's PSCI holds them): with the
	 * exception vectors set, they wait in the hold pen for PSCI CPU_ON
	 * (psci_entry.S). */
	mrs	x0, mpidr_el1
	and	x0, x0, #0xffffff
	cbz	x0, 2f
	cmp	x21, #3
	b.ne	3f
	mov	x0, x21
	bl	cpu_setup
	b	psci_secondary
3:	wfi
	b	3b

	/* The exception vectors before anything that can fault; rom_main
	 * then sets EL3 up (el3.c) before anything else. */
2:	mov	x0, x21
	bl	cpu_setup
	ldr	x0, =stack_top
	mov	sp, x0

	/* .data from flash to RAM, .bss zeroed 16 bytes a store (the stack
	 * and the TPM event log, which tcg_log_init clears, are outside). */
	ldr	x0, =__data_load
	ldr	x1, =__data_start
	ldr	x2, =__data_end
4:	cmp	x1, x2
	b.hs	5f
	ldr	x3, [x0], #8
	str	x3, [x1], #8
	b	4b
5:	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
6:	cmp	x1, x2
	b.hs	7f
	stp	xzr, xzr, [x1], #16
	b	6b

7:	mov	x0, x20
	mov	x1, x21
	bl	rom_main
	b	.

	.section .stack, "aw", %nobits
	.balign 16
	.skip	STACK_SIZE
	.globl stack_top
stack_top:
