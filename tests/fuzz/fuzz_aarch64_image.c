/* libFuzzer: aarch64_parse_kernel on the input, taken as a whole Image (its
 * length is the file's length). */
#include "fuzz.h"
#include "aarch64_image.h"

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "fuzz_aarch64_image: %s:%d: check failed: %s\n", \
				__FILE__, __LINE__, #cond);                         \
			abort();                                                    \
		}                                                                   \
	} while (0)

static uint64_t ld(const uint8_t *p, size_t off, size_t len)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++)
		v |= (uint64_t)p[off + i] << (8 * i);
	return v;
}

static uint64_t page_up(uint64_t x)
{
	return (x + 4095) & ~4095ull;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aarch64_kernel k;
	struct error e;
	memset(e.msg, 0xff, sizeof(e.msg));
	if (aarch64_parse_kernel(data, size, &k, &e)) {
		CHECK(memchr(e.msg, '\0', sizeof(e.msg)));
		CHECK(!strncmp(e.msg, "kernel: ", 8));
		return 0;
	}
	CHECK(size >= 64 && ld(data, 56, 4) == AARCH64_IMAGE_MAGIC);
	CHECK(k.file_bytes == size);
	CHECK(k.reserve >= size && k.reserve % 4096 == 0);
	uint64_t image_size = ld(data, 16, 8);
	if (image_size == 0) {
		CHECK(k.assumed && !k.anywhere && k.text_offset == 0x80000);
		CHECK(k.reserve == page_up(size > MiB(16) ? size : MiB(16)));
	} else {
		uint64_t flags = ld(data, 24, 8);
		CHECK(!k.assumed && !(flags & AARCH64_FLAG_BE));
		CHECK(k.text_offset == ld(data, 8, 8));
		CHECK(k.text_offset < MiB(2) && k.text_offset % 4096 == 0);
		CHECK(image_size >= size && image_size <= GiB(4));
		CHECK(k.reserve == page_up(image_size));
		CHECK(k.anywhere == !!(flags & AARCH64_FLAG_ANYWHERE));
	}
	return 0;
}
