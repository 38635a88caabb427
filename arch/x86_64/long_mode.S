/* From 32-bit protected mode (paging off) to 64-bit long mode, shared by
 * every x86_64 entry that starts in 32-bit mode. On entry %esi holds the
 * 64-bit continuation; %ebx and %ebp are preserved. */
#include "x86_64.h"

	.section .text.entry, "ax"
	.code32
	.globl enter_long_mode32
enter_long_mode32:
	/* Zero .bss: not every loader clears memsz beyond filesz. Four
	 * bytes a store (the linker scripts align both ends to 8); what needs
	 * no zeros (stacks, page tables written whole) is in .noinit. */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl

	movl	$stack_top, %esp

	/* 2048 PD entries of 2 MiB cover IDMAP_GIB = 4 GiB, each written
	 * whole (the PDs are not zeroed). */
	movl	$idmap_pd, %edi
	movl	$(PTE_P | PTE_W | PTE_PS), %eax
	xorl	%edx, %edx
	movl	$(IDMAP_GIB * 512 / 4), %ecx	/* four entries a round */
1:	movl	%eax, (%edi)
	movl	%edx, 4(%edi)
	addl	$0x200000, %eax
	movl	%eax, 8(%edi)
	movl	%edx, 12(%edi)
	addl	$0x200000, %eax
	movl	%eax, 16(%edi)
	movl	%edx, 20(%edi)
	addl	$0x200000, %eax
	movl	%eax, 24(%edi)
	movl	%edx, 28(%edi)
	addl	$0x200000, %eax
	addl	$32, %edi
	loop	1b
	/* PDPT entries 0..3 point at the four PDs. */
	movl	$idmap_pdpt, %edi
	movl	$(idmap_pd + PTE_P + PTE_W), %eax
	movl	$IDMAP_GIB, %ecx
2:	movl	%eax, (%edi)
	addl	$4096, %eax
	addl	$8, %edi
	loop	2b
	movl	$(idmap_pdpt + PTE_P + PTE_W), idmap_pml4

	lgdt	gdt_desc
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$idmap_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE), %eax
	movl	%eax, %cr0
	ljmp	$BOOT_CS, $1f
	.code64
1:	jmp	*%rsi

	/* .data, not .rodata: loading the task register writes the TSS
	 * descriptor's busy bit. */
	.section .data
	.balign 16
	.globl x86_64_gdt
x86_64_gdt:
	.quad 0				/* 0x00 null */
	.quad 0x00cf9a000000ffff	/* 0x08 32-bit code, flat: the ROM's way in */
	.quad 0x00af9a000000ffff	/* 0x10 __BOOT_CS: 64-bit code, flat */
	.quad 0x00cf92000000ffff	/* 0x18 __BOOT_DS: data, flat 4 GiB */
	.quad 0, 0			/* 0x20 TSS, filled by exceptions.c */
gdt_end:
gdt_desc:
	.word gdt_end - x86_64_gdt - 1
	.long x86_64_gdt

	/* Zeroed: only their first entries are written here. */
	.section .bss
	.balign 4096
	.globl idmap_pml4
idmap_pml4:	.skip 4096
idmap_pdpt:	.skip 4096
	/* Not zeroed (X86_64_NOINIT): written whole before use. */
	.section .noinit, "aw", @nobits
	.balign 4096
idmap_pd:	.skip 4096 * IDMAP_GIB
	.balign 16
stack_bottom:	.skip STACK_SIZE
	.globl stack_top
stack_top:
