/* shim.img entry: a binary with an arm64 Linux Image header, so whatever
 * boots an arm64 kernel (QEMU -kernel, U-Boot booti) boots it. Entered per
 * booting.rst: MMU off, x0 = DTB, at EL2 or EL1, at any 2 MiB aligned
 * address: the code is position-independent and relocates itself. */
#include "aarch64.h"

	.section .text.head, "ax"
	.globl _head
_head:
	b	img_start		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	_kernel_room_end - _head	/* image_size: through the kernel's room */
	.quad	IMAGE_FLAGS		/* flags */
	.quad	0, 0, 0			/* res2-4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

	.text
img_start:
	mrs	x20, cntvct_el0		/* entry time, for the entry-to-jump report */
	mov	x19, x0			/* DTB */
	msr	daifset, #0xf
	adrp	x1, stack_top
	add	x1, x1, :lo12:stack_top
	mov	sp, x1

	mrs	x21, CurrentEL
	lsr	x21, x21, #2
	mov	x0, x21
	bl	cpu_setup

	/* Zero .bss, 16 bytes a store (both ends 16-byte aligned by the
	 * linker script; the stack is outside it: nothing needs it zeroed). */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b

	/* Apply R_AARCH64_RELATIVE relocations for the load address (the
	 * image is linked at 0, so the load address is the offset). The
	 * build refuses any other relocation type. */
4:	adrp	x0, _head
	add	x0, x0, :lo12:_head
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
5:	cmp	x1, x2
	b.hs	6f
	ldp	x3, x4, [x1], #24	/* r_offset, r_info */
	ldr	x5, [x1, #-8]		/* r_addend */
	cmp	w4, #R_AARCH64_RELATIVE
	b.ne	5b
	add	x5, x5, x0
	str	x5, [x3, x0]
	b	5b

6:	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	bl	img_main
	b	.			/* img_main does not return */

	.section .stack, "aw", %nobits
	.balign 16
stack_bottom:
	.skip	STACK_SIZE
	.globl stack_top
stack_top:
