#include "riscv64_image.h"

_Static_assert(sizeof(struct riscv64_image_header) == RISCV64_IMAGE_HEADER_BYTES,
	       "Image header layout");
_Static_assert(__builtin_offsetof(struct riscv64_image_header, text_offset) == 8, "text_offset");
_Static_assert(__builtin_offsetof(struct riscv64_image_header, image_size) == 16, "image_size");
_Static_assert(__builtin_offsetof(struct riscv64_image_header, flags) == 24, "flags");
_Static_assert(__builtin_offsetof(struct riscv64_image_header, version) == 32, "version");
_Static_assert(__builtin_offsetof(struct riscv64_image_header, magic) == 48, "magic");
_Static_assert(__builtin_offsetof(struct riscv64_image_header, magic2) == 56, "magic2");

#define PAGE 4096

int riscv64_parse_kernel(const uint8_t *img, uint64_t len, struct riscv64_kernel *k,
			 struct error *e)
{
	memset(k, 0, sizeof(*k));
	struct riscv64_image_header h;
	if (len < sizeof(h))
		return fail(e, "kernel", "%llu bytes is too small for a RISC-V Image",
			    (unsigned long long)len);
	memcpy(&h, img, sizeof(h));
	/* "magic2 ... to match the ARM64 'magic' field pos": what U-Boot's
	 * booti checks. "magic" is deprecated and "may be removed": only
	 * named in the message, never required. */
	if (h.magic2 != RISCV64_IMAGE_MAGIC2)
		return fail(e, "kernel", "Image magic2 is 0x%08x, not 0x%08x (\"RSC\\x05\")%s",
			    h.magic2, RISCV64_IMAGE_MAGIC2,
			    h.magic == RISCV64_IMAGE_MAGIC && h.version < RISCV64_VERSION_MIN
				    ? ": a version 0.1 header (magic "
				      "\"RISCV\" without magic2)"
				    : ": not a RISC-V Image");
	if (h.version < RISCV64_VERSION_MIN || h.version >> RISCV64_VERSION_MAJOR_SHIFT)
		return fail(e, "kernel", "header version %u.%u (0x%08x): bootshim reads 0.2 and "
			    "later 0.x headers", h.version >> RISCV64_VERSION_MAJOR_SHIFT,
			    h.version & RISCV64_VERSION_MINOR_MASK, h.version);
	if (h.flags & RISCV64_FLAG_BE)
		return fail(e, "kernel", "flags 0x%llx: a big-endian kernel; bootshim is "
			    "little-endian", (unsigned long long)h.flags);
	/* The load offset from the base of RAM (the kernel's head.S: 2 MiB
	 * on rv64, leaving the first PMD to the M-mode firmware, 0 for an
	 * M-mode kernel): a PMD multiple, since the kernel sits on one. */
	if (h.text_offset % RISCV64_KIMG_ALIGN || h.text_offset > RISCV64_IMAGE_MAX)
		return fail(e, "kernel", "text_offset 0x%llx is not a 2 MiB multiple up to 4 GiB",
			    (unsigned long long)h.text_offset);
	/* U-Boot refuses image_size 0 ("Image lacks image_size field"): no
	 * RISC-V kernel has shipped without it. */
	if (h.image_size == 0)
		return fail(e, "kernel", "image_size is 0: the memory the kernel needs is unknown");
	if (h.image_size < len)
		return fail(e, "kernel", "image_size 0x%llx is smaller than the %llu-byte file",
			    (unsigned long long)h.image_size, (unsigned long long)len);
	if (h.image_size > RISCV64_IMAGE_MAX)
		return fail(e, "kernel", "image_size 0x%llx is over 4 GiB",
			    (unsigned long long)h.image_size);
	k->text_offset = h.text_offset;
	k->version = h.version;
	/* Below 4 GiB: cannot overflow. */
	align_up(h.image_size, PAGE, &k->reserve);
	k->file_bytes = len;
	return 0;
}
