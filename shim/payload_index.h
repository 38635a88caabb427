/* The payload index: a self-describing record in every built shim
 * (arch/payload.S), from which a host tool finds the embedded kernel,
 * initrd, command line and DTB without symbols: tools/pcr11.c predicts
 * PCR 11 from any shim.elf, shim.rom, shim.img or shim.efi with it.
 * Little-endian, 8-byte aligned, in the command line's section, which is
 * at the same place relative to the blobs in memory and in the file. */
#ifndef BOOTSHIM_PAYLOAD_INDEX_H
#define BOOTSHIM_PAYLOAD_INDEX_H

#define PAYLOAD_INDEX_MAGIC "bootshim payload" /* 16 bytes, no NUL */
#define PAYLOAD_INDEX_MAGIC_BYTES 16
#define PAYLOAD_INDEX_VERSION 1
#define PAYLOAD_INDEX_BYTES 104
#define PAYLOAD_INDEX_BLOBS 5 /* struct payload's order */
/* ELF e_machine values: EM_X86_64, EM_AARCH64, EM_RISCV. */
#define PAYLOAD_MACHINE_X86_64 62
#define PAYLOAD_MACHINE_AARCH64 183
#define PAYLOAD_MACHINE_RISCV64 243
#if defined(__x86_64__)
#define PAYLOAD_INDEX_MACHINE PAYLOAD_MACHINE_X86_64
#elif defined(__aarch64__)
#define PAYLOAD_INDEX_MACHINE PAYLOAD_MACHINE_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define PAYLOAD_INDEX_MACHINE PAYLOAD_MACHINE_RISCV64
#endif

#ifndef __ASSEMBLER__
#include "lib.h"

struct payload_index {
	char magic[PAYLOAD_INDEX_MAGIC_BYTES];
	uint32_t version;
	uint32_t machine;
	/* [start, end) of kernel_head, kernel, initrd, cmdline (with its
	 * NUL), dtb: byte offsets from the index's own first byte. */
	int64_t rel[PAYLOAD_INDEX_BLOBS][2];
};
_Static_assert(sizeof(struct payload_index) == PAYLOAD_INDEX_BYTES, "payload index layout");
#endif

#endif
