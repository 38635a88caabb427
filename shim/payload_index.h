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

/* The payload's slots: one list, which every side expands (an X-macro),
 * so that no position is kept in step by hand: the index and
 * payload_table in arch/payload.S, enum payload_slot and struct
 * payload's slot[] (shim/payload.h), the host tools' reading
 * (tools/shim_image.c). X(ID, name): the enum is PAYLOAD_SLOT_<ID>, the
 * struct payload member and the symbols _payload_<name>_start/_end.
 *   KERNEL_HEAD  x86_64: the bzImage's real-mode setup part; else empty
 *   KERNEL       x86_64: the protected-mode part; DTB arches: the Image
 *   INITRD
 *   CMDLINE      in the index and payload_table with the NUL the build
 *                appended (struct payload's len excludes it)
 *   DTB          DTB= given at build time; empty if none
 * A new slot goes at the end (PAYLOAD_INDEX_VERSION goes up with it). */
#define PAYLOAD_SLOTS(X) \
	X(KERNEL_HEAD, kernel_head) X(KERNEL, kernel) X(INITRD, initrd) X(CMDLINE, cmdline) \
	X(DTB, dtb)
#define PAYLOAD_SLOT_COUNT 5

/* magic, version, machine, then [start, end) of each slot. */
#define PAYLOAD_INDEX_BYTES (PAYLOAD_INDEX_MAGIC_BYTES + 8 + 16 * PAYLOAD_SLOT_COUNT)

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
	/* [start, end) of each slot (PAYLOAD_SLOTS' order): byte offsets
	 * from the index's own first byte. */
	int64_t rel[PAYLOAD_SLOT_COUNT][2];
};
_Static_assert(sizeof(struct payload_index) == PAYLOAD_INDEX_BYTES, "payload index layout");
#endif

#endif
