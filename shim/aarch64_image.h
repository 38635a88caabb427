/* The arm64 Linux Image header (Documentation/arch/arm64/booting.rst). */
#ifndef BOOTSHIM_AARCH64_IMAGE_H
#define BOOTSHIM_AARCH64_IMAGE_H

#include "error.h"

#define AARCH64_IMAGE_MAGIC 0x644d5241 /* "ARM\x64" */
#define AARCH64_FLAG_BE (1u << 0)
#define AARCH64_FLAG_PAGE_SIZE_SHIFT 1
#define AARCH64_FLAG_ANYWHERE (1u << 3) /* "2MB aligned base may be anywhere" */
#define AARCH64_KIMG_ALIGN MiB(2)

struct aarch64_image_header {
	uint32_t code0;
	uint32_t code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t res2;
	uint64_t res3;
	uint64_t res4;
	uint32_t magic;
	uint32_t res5; /* PE header offset for EFI-stub kernels */
};

struct aarch64_kernel {
	uint64_t text_offset;	/* from a 2 MiB aligned base */
	uint64_t reserve;	/* image_size: memory the kernel needs from text_offset */
	uint64_t file_bytes;
	bool anywhere;		/* else: as close to the base of DRAM as possible */
	bool assumed;		/* image_size 0: pre-3.17 kernel, defaults assumed */
};

/* Parse and validate the Image header of a len-byte kernel image. */
int aarch64_parse_kernel(const uint8_t *img, uint64_t len, struct aarch64_kernel *k,
		       struct error *e);

#endif
