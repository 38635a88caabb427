/* libFuzzer: riscv64_parse_kernel on the input, taken as a whole RISC-V
 * Image (its length is the file's length). Every accepted header must be
 * one boot-image-header.rst and the shim's rules allow; every refusal a
 * NUL-terminated "kernel: " message. */
#include "fuzz.h"
#include "riscv64_image.h"

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "fuzz_riscv64_image: %s:%d: check failed: %s\n", \
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
	struct riscv64_kernel k;
	struct error e;
	memset(e.msg, 0xff, sizeof(e.msg));
	if (riscv64_parse_kernel(data, size, &k, &e)) {
		CHECK(memchr(e.msg, '\0', sizeof(e.msg)));
		CHECK(!strncmp(e.msg, "kernel: ", 8));
		return 0;
	}
	CHECK(size >= RISCV64_IMAGE_HEADER_BYTES);
	CHECK(ld(data, 56, 4) == RISCV64_IMAGE_MAGIC2);
	uint32_t version = (uint32_t)ld(data, 32, 4);
	CHECK(k.version == version);
	CHECK(version >= RISCV64_VERSION_MIN && !(version >> RISCV64_VERSION_MAJOR_SHIFT));
	CHECK(!(ld(data, 24, 8) & RISCV64_FLAG_BE));
	CHECK(k.file_bytes == size);
	CHECK(k.text_offset == ld(data, 8, 8));
	CHECK(k.text_offset % RISCV64_KIMG_ALIGN == 0 && k.text_offset <= RISCV64_IMAGE_MAX);
	uint64_t image_size = ld(data, 16, 8);
	CHECK(image_size >= size && image_size <= RISCV64_IMAGE_MAX);
	CHECK(k.reserve == page_up(image_size) && k.reserve >= size);
	return 0;
}
