#include "aarch64_image.h"

_Static_assert(sizeof(struct aarch64_image_header) == 64, "Image header layout");
_Static_assert(__builtin_offsetof(struct aarch64_image_header, text_offset) == 8, "text_offset");
_Static_assert(__builtin_offsetof(struct aarch64_image_header, image_size) == 16, "image_size");
_Static_assert(__builtin_offsetof(struct aarch64_image_header, flags) == 24, "flags");
_Static_assert(__builtin_offsetof(struct aarch64_image_header, magic) == 56, "magic");

/* A compressed EFI zboot image starts with "MZ" and carries "zimg" at 4. */
#define ZBOOT_MAGIC 0x676d697a /* "zimg" */

int aarch64_parse_kernel(const uint8_t *img, uint64_t len, struct aarch64_kernel *k,
		       struct error *e)
{
	memset(k, 0, sizeof(*k));
	struct aarch64_image_header h;
	if (len < sizeof(h))
		return fail(e, "kernel", "%llu bytes is too small for an arm64 Image",
			    (unsigned long long)len);
	memcpy(&h, img, sizeof(h));
	if (h.code1 == ZBOOT_MAGIC && (h.code0 & 0xffff) == 0x5a4d)
		return fail(e, "kernel", "a compressed EFI zboot image: it only boots through "
			    "UEFI; give the uncompressed Image (vmlinux.bin) instead");
	if (h.magic != AARCH64_IMAGE_MAGIC)
		return fail(e, "kernel", "Image magic is 0x%08x, not 0x%08x (\"ARM\\x64\"): "
			    "not an arm64 Image", h.magic, AARCH64_IMAGE_MAGIC);
	if (h.image_size == 0) {
		/* "Prior to v3.17 ... image_size is zero and text_offset is
		 * 0x80000"; the size is unknown, so take U-Boot's 16 MiB. */
		k->text_offset = 0x80000;
		k->reserve = MiB(16);
		k->assumed = true;
		if (len > k->reserve)
			k->reserve = len;
	} else {
		if (h.flags & AARCH64_FLAG_BE)
			return fail(e, "kernel", "flags 0x%llx: a big-endian kernel; bootshim is "
				    "little-endian", (unsigned long long)h.flags);
		if (h.text_offset >= AARCH64_KIMG_ALIGN || (h.text_offset & 4095))
			return fail(e, "kernel", "text_offset 0x%llx is not a page multiple below 2 MiB",
				    (unsigned long long)h.text_offset);
		if (h.image_size < len)
			return fail(e, "kernel", "image_size 0x%llx is smaller than the %llu-byte file",
				    (unsigned long long)h.image_size, (unsigned long long)len);
		if (h.image_size > GiB(4))
			return fail(e, "kernel", "image_size 0x%llx is over 4 GiB",
				    (unsigned long long)h.image_size);
		k->text_offset = h.text_offset;
		k->reserve = h.image_size;
		k->anywhere = h.flags & AARCH64_FLAG_ANYWHERE;
	}
	if (!align_up(k->reserve, 4096, &k->reserve))
		return fail(e, "kernel", "image_size overflows");
	k->file_bytes = len;
	return 0;
}
