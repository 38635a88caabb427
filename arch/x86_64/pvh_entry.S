/* PVH entry: a VMM (QEMU -kernel, Firecracker, cloud-hypervisor) loads this
 * ELF at its link address and starts it at the address in the
 * XEN_ELFNOTE_PHYS32_ENTRY note, in 32-bit protected mode with paging off
 * and %ebx pointing at struct hvm_start_info. */
#include "x86_64.h"

	.section .note.pvh, "a"
	.balign 4
	.long 2f - 1f			/* namesz */
	.long 4f - 3f			/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY	/* type */
1:	.asciz "Xen"
2:	.balign 4
3:	.long pvh_start32
4:	.balign 4

	.section .text.entry, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	/* Time from the very first instruction: the entry-to-jump report. */
	rdtsc
	movl	%eax, boot_tsc
	movl	%edx, boot_tsc + 4
	movl	%ebx, pvh_start_info
	/* Continue in 64-bit mode at pvh_start64 (long_mode.S). */
	movl	$pvh_start64, %esi
	jmp	enter_long_mode32

	.code64
pvh_start64:
	movl	pvh_start_info(%rip), %edi
	movq	boot_tsc(%rip), %rsi
	call	pvh_main
	ud2	/* pvh_main does not return */

	/* .data, not .bss: written before .bss is cleared. */
	.section .data
	.balign 8
	.globl boot_tsc
boot_tsc:	.quad 0
pvh_start_info:	.long 0
