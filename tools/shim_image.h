/* Reading a built shim on the host: the payload it embeds, found through
 * its payload index (shim/payload_index.h) in any flavour's file: ELF
 * (shim.elf, the .elf and .so intermediates) through its PT_LOAD program
 * headers, PE (shim.efi) through its section table, raw (shim.img,
 * shim.rom) by file offset. bootshim-pcr11 uses it; `bootshim inspect`
 * (issue 14) is meant to. */
#ifndef BOOTSHIM_SHIM_IMAGE_H
#define BOOTSHIM_SHIM_IMAGE_H

#include "payload.h"

struct shim_image {
	const char *format;	/* "ELF", "PE" or "raw" */
	uint32_t machine;	/* PAYLOAD_MACHINE_X86_64, _AARCH64 or _RISCV64 */
	uint64_t index_offset;	/* the index's file offset */
	struct payload pl;	/* pointers into the file's bytes */
};

/* 0, or -1 with why (at most why_len bytes) saying what is wrong. */
int shim_image_read(const uint8_t *file, size_t len, struct shim_image *im, char *why,
		    size_t why_len);

#endif
