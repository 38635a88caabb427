/* The OpenSBI fw_dynamic ELF shim.rom hands the kernel to (rom_opensbi.c
 * checks and copies it): the build passes its path as OPENSBI_ELF_FILE
 * (Debian 12's /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf
 * unless OPENSBI= says otherwise). */
	.section .rodata.opensbi, "a"
	.balign 8
	.globl opensbi_elf_start, opensbi_elf_end
opensbi_elf_start:
	.incbin OPENSBI_ELF_FILE
opensbi_elf_end:

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits
