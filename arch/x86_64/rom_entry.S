/* shim.rom entry: the machine's first code. The CPU starts in 16-bit real
 * mode at 0xfffffff0 with CS based at 0xffff0000; from there to 32-bit
 * protected mode, the shim copied out of the ROM into RAM, and on to long
 * mode (long_mode.S), which the PVH entry shares. */
#include "x86_64.h"

	.section .reset, "ax"
	.code16
	.globl reset_vector
reset_vector:
	jmp	rom16
	.balign 16, 0xf4		/* hlt: the vector is the last 16 bytes */

	.section .text16, "ax"
	.code16
rom16:
	cli
	cld
	/* Time from the first instruction, kept in %ebp:%ebx until .data
	 * is in RAM. */
	rdtsc
	movl	%eax, %ebp
	movl	%edx, %ebx
	/* Fast A20 gate: address bit 20 must not wrap. */
	inb	$0x92, %al
	orb	$0x02, %al
	andb	$0xfe, %al
	outb	%al, $0x92
	/* The GDT descriptor is read through CS, based at 0xffff0000. */
	lgdtl	%cs:(gdt16_desc - 0xffff0000)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$BOOT_CS32, $rom32

	/* A GDT in the ROM for the way to 32-bit mode: the shared one
	 * (long_mode.S) is in RAM only once the shim has been copied there.
	 * Same selectors: 0x08 32-bit code, 0x18 flat data. */
	.balign 8
rom_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff
	.quad	0
	.quad	0x00cf92000000ffff
rom_gdt_end:
gdt16_desc:
	.word	rom_gdt_end - rom_gdt - 1
	.long	rom_gdt

	.code32
rom32:
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	/* The shim (code, rodata, data) from the ROM to RAM, four bytes a
	 * move (the linker script aligns __data_end to 8). */
	movl	$__data_load, %esi
	movl	$__data_start, %edi
	movl	$__data_end, %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	rep movsl
	movl	%ebp, rom_tsc
	movl	%ebx, rom_tsc + 4
	movl	$rom64, %esi
	/* Absolute: from near 4 GiB to 1 MiB is out of a rel32's reach as the
	 * linker sees it. */
	movl	$enter_long_mode32, %eax
	jmp	*%eax

	.text
	.code64
rom64:
	movq	rom_tsc(%rip), %rdi
	call	rom_main
	ud2

	.data
	.balign 8
rom_tsc:	.quad 0
