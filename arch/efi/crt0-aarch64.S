/* shim.efi's entry on aarch64. gnu-efi's arm64 crt0 brings a hand-made PE
 * header fixed at two sections (no .sbat, no NX_COMPAT), so this build lets
 * objcopy write the PE (efi-app-aarch64, elf_aarch64.lds) and enters here: relocate the image with gnu-efi's _relocate (.rela,
 * R_AARCH64_RELATIVE), then efi_main(image, systab). AAPCS64: x0 the image
 * handle, x1 the system table, returned status in x0. */
	.text
	.globl _start
	.type _start, %function
_start:
	stp x29, x30, [sp, #-32]!
	mov x29, sp
	stp x0, x1, [sp, #16]
	mov x2, x0
	mov x3, x1
	adr x0, ImageBase
	adrp x1, _DYNAMIC
	add x1, x1, #:lo12:_DYNAMIC
	bl _relocate
	cbnz x0, 1f
	ldp x0, x1, [sp, #16]
	bl efi_main
1:	ldp x29, x30, [sp], #32
	ret
	.size _start, . - _start

/* The PE loader relocates an image whose preferred base (0) it cannot
 * use only if it has a base relocation directory: one block for the page
 * at RVA 0 holding two IMAGE_REL_BASED_ABSOLUTE (type 0, "skipped")
 * entries, the block size (12) a multiple of 4 as the PE format asks. */
	.section .reloc, "a"
	.long 0			/* page RVA */
	.long 12		/* block size: this header and two entries */
	.short 0, 0		/* IMAGE_REL_BASED_ABSOLUTE << 12 | offset 0 */

	.section .note.GNU-stack, "", %progbits
