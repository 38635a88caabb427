/* The payload's place in a stub: each slot (shim/payload_index.h) a
 * section of its own between start and end symbols, empty but for the
 * command line's NUL and the payload index, where the linker scripts put
 * the payload last. bootshim pack (tools/pack.c) writes the payload
 * there by the scripts' rules, with the index, payload_table and the
 * relocations that cover it (shim/payload.c reads the table). */
#include "payload_index.h"

#define SECTION(name) .section .payload.name, "a"

	/* The command line, then the payload index (shim/payload_index.h)
	 * after it: each blob's start and end as offsets from the index
	 * itself, so that a host tool finds the payload in any built shim
	 * (ELF, raw image or PE) without its symbols. The command line's
	 * section is at the same offset from the blobs in memory as in
	 * every flavour's file; it is first of the payload, where the linker
	 * scripts page-align it, so that it boots in place. A stub's command
	 * line is empty: its NUL alone. */
	SECTION(cmdline)
	.globl _payload_cmdline_start, _payload_cmdline_end
_payload_cmdline_start:
	.byte 0
_payload_cmdline_end:
	.balign 8
payload_index:
	.ascii PAYLOAD_INDEX_MAGIC
	.long PAYLOAD_INDEX_VERSION
	.long PAYLOAD_INDEX_MACHINE
#define INDEX_REL(id, name) \
	.quad _payload_##name##_start - payload_index, _payload_##name##_end - payload_index;
	PAYLOAD_SLOTS(INDEX_REL)
payload_index_end:
	.if payload_index_end - payload_index - PAYLOAD_INDEX_BYTES
	.error "payload index size differs from struct payload_index"
	.endif

#define EMPTY_SLOT(name) \
	SECTION(name); \
	.globl _payload_##name##_start, _payload_##name##_end; \
_payload_##name##_start: ; \
_payload_##name##_end:

	EMPTY_SLOT(kernel_head)
	EMPTY_SLOT(kernel)
	EMPTY_SLOT(initrd)
	/* DTB: 8-byte aligned, as booting.rst asks. */
	SECTION(dtb)
	.balign 8
	.globl _payload_dtb_start, _payload_dtb_end
_payload_dtb_start:
_payload_dtb_end:

	/* The blobs' addresses as 64-bit data: code models with 32-bit
	 * absolute addresses cannot name a payload in a ROM near 4 GiB. In
	 * .data, where shim.img's and shim.efi's self-relocation patch it. */
	.data
	.balign 8
	.globl payload_table
payload_table:
#define TABLE_ENTRY(id, name) .quad _payload_##name##_start, _payload_##name##_end;
	PAYLOAD_SLOTS(TABLE_ENTRY)

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits
