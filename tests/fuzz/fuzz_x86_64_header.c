/* libFuzzer: x86_64_parse_kernel on the input, then x86_64_fill_zero_page.
 *
 * Input: the start of a bzImage. Bytes 0..7 (the legacy boot sector, which
 * the parser never reads) give the whole file's length, little-endian, so
 * the fuzzer controls file_len independently of how much it hands over;
 * an input under 8 bytes stands for a file of its own length. Byte 8
 * picks the e820 table size (1..200) and 9..16 seed its contents. */
#include "fuzz.h"
#include "x86_64_boot.h"

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "fuzz_x86_64_header: %s:%d: check failed: %s\n", \
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

static uint64_t rs;
static uint64_t rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void check_parsed(const uint8_t *data, size_t size, uint64_t file_len,
			 const struct x86_64_kernel *k)
{
	const struct setup_header *h = &k->hdr;
	size_t buf_len = size < file_len ? size : file_len;
	uint64_t hdr_end = 0x202 + (uint64_t)data[0x201];
	CHECK(hdr_end <= buf_len);
	CHECK(k->hdr_len == (hdr_end - 0x1f1 < sizeof(*h) ? hdr_end - 0x1f1 : sizeof(*h)));
	CHECK(h->boot_flag == X86_64_BOOT_FLAG && h->header == X86_64_HDR_MAGIC);
	CHECK(h->version >= X86_64_MIN_PROTOCOL);
	CHECK(h->xloadflags & XLF_KERNEL_64);
	CHECK(h->loadflags & LOADED_HIGH);
	unsigned sects = data[0x1f1] ? data[0x1f1] : 4;
	CHECK(k->setup_bytes == (sects + 1) * 512ull);
	CHECK(k->setup_bytes < file_len && hdr_end <= k->setup_bytes);
	CHECK(k->body_bytes == file_len - k->setup_bytes);
	CHECK(k->reserve >= k->body_bytes && k->reserve >= h->init_size && h->init_size);
	CHECK(k->reserve % 4096 == 0 && k->reserve - k->body_bytes < 4096 + (uint64_t)h->init_size);
	CHECK(k->align >= 4096 && k->align <= (1ull << 30) && !(k->align & (k->align - 1)));
	uint64_t pref = ld(data, 0x258, 8);
	CHECK(k->min_addr == (pref > (1u << 20) ? pref : (1u << 20)) && k->min_addr % 4096 == 0);
	CHECK(k->min_addr + k->reserve <= (4ull << 30));
	CHECK(k->initrd_max == ld(data, 0x22c, 4) + 1 && k->initrd_max >= (1u << 20));
	CHECK(k->cmdline_max && k->cmdline_max == ld(data, 0x238, 4));
	/* Header bytes past the kernel's own length read as zero. */
	for (size_t i = k->hdr_len; i < sizeof(*h); i++)
		CHECK(((const uint8_t *)h)[i] == 0);
	/* And the ones within it are the file's. */
	for (size_t i = 0; i < k->hdr_len; i++)
		CHECK(((const uint8_t *)h)[i] == data[0x1f1 + i]);
}

static void fill(const uint8_t *data, size_t size, const struct x86_64_kernel *k)
{
	static struct memmap m;
	struct error e;
	m.n = 1 + (size > 8 ? data[8] : 0) % 200;
	rs = size > 16 ? ld(data, 9, 8) : 0;
	for (size_t i = 0; i < m.n; i++)
		m.e[i] = (struct mem_range){ rnd(), rnd(), (uint32_t)rnd() };
	struct x86_64_boot_info bi = {
		.kernel_addr = rnd(), .cmdline_addr = rnd(), .initrd_addr = rnd(),
		.initrd_size = rnd(), .rsdp = rnd(), .zero_page_addr = rnd() & ~0xfffull,
	};
	uint64_t len = x86_64_zero_page_bytes(m.n, 0);
	CHECK(len == 4096 + (m.n > 128 ? 16 + 20 * (m.n - 128) : 0));
	uint8_t *zp = malloc(len); /* exact size: ASan sees any overrun */
	CHECK(zp);
	/* One byte short is refused. */
	CHECK(x86_64_fill_zero_page(zp, len - 1, k, &m, &bi, &e) == -1);
	CHECK(x86_64_fill_zero_page(zp, len, k, &m, &bi, &e) == 0);
	size_t in_page = m.n < 128 ? m.n : 128;
	CHECK(zp[0x1e8] == in_page);
	CHECK(zp[0x210] == 0xff);
	CHECK(ld(zp, 0x202, 4) == X86_64_HDR_MAGIC && ld(zp, 0x1fe, 2) == X86_64_BOOT_FLAG);
	CHECK(ld(zp, 0x228, 4) == (uint32_t)bi.cmdline_addr);
	CHECK(ld(zp, 0x0c8, 4) == bi.cmdline_addr >> 32);
	CHECK(ld(zp, 0x218, 4) == (uint32_t)bi.initrd_addr);
	CHECK(ld(zp, 0x0c0, 4) == bi.initrd_addr >> 32);
	CHECK(ld(zp, 0x21c, 4) == (uint32_t)bi.initrd_size);
	CHECK(ld(zp, 0x0c4, 4) == bi.initrd_size >> 32);
	CHECK(ld(zp, 0x070, 8) == bi.rsdp);
	for (size_t i = 0; i < in_page; i++) {
		CHECK(ld(zp, 0x2d0 + 20 * i, 8) == m.e[i].base);
		CHECK(ld(zp, 0x2d0 + 20 * i + 8, 8) == m.e[i].size);
		CHECK(ld(zp, 0x2d0 + 20 * i + 16, 4) == m.e[i].type);
	}
	if (m.n > 128) {
		CHECK(ld(zp, 0x250, 8) == bi.zero_page_addr + 4096);
		CHECK(ld(zp, 4096, 8) == 0 && ld(zp, 4096 + 8, 4) == SETUP_E820_EXT);
		CHECK(ld(zp, 4096 + 12, 4) == 20 * (m.n - 128));
		for (size_t i = 128; i < m.n; i++)
			CHECK(ld(zp, 4096 + 16 + 20 * (i - 128), 8) == m.e[i].base);
	} else {
		CHECK(ld(zp, 0x250, 8) == 0);
	}
	free(zp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t file_len = size >= 8 ? ld(data, 0, 8) : size;
	struct x86_64_kernel k;
	struct error e;
	memset(e.msg, 0xff, sizeof(e.msg));
	if (x86_64_parse_kernel(data, size, file_len, &k, &e)) {
		CHECK(memchr(e.msg, '\0', sizeof(e.msg)));
		CHECK(!strncmp(e.msg, "kernel: ", 8));
		return 0;
	}
	check_parsed(data, size, file_len, &k);
	fill(data, size, &k);
	return 0;
}
