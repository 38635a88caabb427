/* The RISC-V Linux Image header (Documentation/arch/riscv/
 * boot-image-header.rst), read from the embedded kernel at build time
 * (tools/payload.c) and at boot (shim/linux_riscv64.c), and written by
 * shim.img's own entry (arch/riscv64/img_entry.S). */
#ifndef BOOTSHIM_RISCV64_IMAGE_H
#define BOOTSHIM_RISCV64_IMAGE_H

#include "error.h"

#define RISCV64_IMAGE_HEADER_BYTES 64
/* "u64 magic = 0x5643534952; Magic number, little endian, "RISCV"" */
#define RISCV64_IMAGE_MAGIC 0x5643534952ull
/* "u32 magic2 = 0x05435352; Magic number 2, little endian, "RSC\x05"" */
#define RISCV64_IMAGE_MAGIC2 0x05435352u
/* "Bit 0: Kernel endianness. 1 if BE, 0 if LE." */
#define RISCV64_FLAG_BE (1u << 0)
/* "Bits 0:15 - Minor version, Bits 16:31 - Major version" */
#define RISCV64_VERSION_MINOR_MASK 0xffffu
#define RISCV64_VERSION_MAJOR_SHIFT 16
#define RISCV64_VERSION(major, minor) (((major) << RISCV64_VERSION_MAJOR_SHIFT) | (minor))
/* "magic2 ... Since version 0.2": the first version the shim reads. */
#define RISCV64_VERSION_MIN RISCV64_VERSION(0, 2)
/* boot.rst: "The RISC-V kernel expects to be placed at a PMD boundary
 * (2MB aligned for rv64 and 4MB aligned for rv32)." */
#define RISCV64_KIMG_ALIGN MiB(2)
/* riscv's COMMAND_LINE_SIZE (uapi asm/setup.h, since Linux 5.13) is 1024
 * including the NUL. */
#define RISCV64_CMDLINE_MAX 1023
/* A sanity bound on image_size and text_offset, which no kernel comes
 * near (Debian 13's generic kernel: 31 MiB): a value beyond it is damage. */
#define RISCV64_IMAGE_MAX GiB(4)

struct riscv64_image_header {
	uint32_t code0;		/* executable code ("MZ" for an EFI stub kernel) */
	uint32_t code1;
	uint64_t text_offset;	/* "Image load offset, little endian" */
	uint64_t image_size;	/* "Effective Image size, little endian" */
	uint64_t flags;
	uint32_t version;
	uint32_t res1;
	uint64_t res2;
	uint64_t magic;		/* "RISCV\0\0\0": "deprecated as of version 0.2" */
	uint32_t magic2;	/* "RSC\x05" */
	uint32_t res3;		/* "Reserved for PE COFF offset" */
};

struct riscv64_kernel {
	uint64_t text_offset;	/* where the kernel asks to sit, from the base of RAM */
	uint64_t reserve;	/* image_size, page rounded: memory the kernel needs */
	uint64_t file_bytes;
	uint32_t version;
};

/* Parse and validate the Image header of a len-byte kernel image; every
 * field is untrusted. Errors name the field and its value. */
int riscv64_parse_kernel(const uint8_t *img, uint64_t len, struct riscv64_kernel *k,
			 struct error *e);

#endif
