/* libFuzzer: tools/shim_image.c over any file (ELF, PE or raw), as
 * bootshim-pcr11 (and later `bootshim inspect`) reads whatever it is
 * given. The input is the file. On success every blob must lie inside
 * the file, the index's magic must be at the offset reported, and the
 * command line must be followed by its NUL; on failure the reason is one
 * NUL-terminated message. */
#include "fuzz.h"
#include "shim_image.h"
#include "payload_index.h"
#include "memmap_check.h"

static bool inside(const uint8_t *data, size_t size, const struct blob *b)
{
	return !b->len || (b->start >= data && b->start <= data + size &&
			   b->len <= (size_t)(data + size - b->start));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shim_image im;
	char why[256];
	memset(why, 0xff, sizeof(why));
	if (shim_image_read(data, size, &im, why, sizeof(why))) {
		MM_CHECK(memchr(why, '\0', sizeof(why)));
		return 0;
	}
	MM_CHECK(im.index_offset <= size - PAYLOAD_INDEX_BYTES);
	MM_CHECK(!memcmp(data + im.index_offset, PAYLOAD_INDEX_MAGIC, PAYLOAD_INDEX_MAGIC_BYTES));
	const struct blob *b[] = { &im.pl.kernel_head, &im.pl.kernel, &im.pl.initrd, &im.pl.dtb };
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		MM_CHECK(inside(data, size, b[i]));
	struct blob c = { im.pl.cmdline.start, im.pl.cmdline.len + 1 };
	MM_CHECK(inside(data, size, &c));
	MM_CHECK(c.start[c.len - 1] == '\0');
	return 0;
}
