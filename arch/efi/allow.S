/* CMDLINE_ALLOW as the build validated it (scripts/cmdline-allow.sh), in a
 * section of its own, so that the signed image says what it allows:
 * objcopy -O binary -j .allow shim.efi.so, or objdump -s -j .allow
 * shim.efi. NUL-terminated; empty when CMDLINE_ALLOW was not given. */
	.section .allow, "a"
	.globl cmdline_allow
cmdline_allow:
	.incbin CMDLINE_ALLOW_FILE
	.byte 0

	.section .note.GNU-stack, "", %progbits
