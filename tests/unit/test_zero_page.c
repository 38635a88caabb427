/* x86_64_fill_zero_page: every field at the offset boot.rst gives, read back as
 * raw little-endian bytes (not through struct boot_params, so a wrong
 * struct layout cannot hide itself). */
#include "unit.h"
#include "efi_memmap.h"

#define ZP_ADDR 0x7000ull

static void synth_kernel(struct x86_64_kernel *k, uint8_t loadflags)
{
	uint8_t b[SYNTH_SETUP_BYTES];
	struct error e;
	synth_bzimage(b);
	b[0x211] = loadflags;
	assert_ok(x86_64_parse_kernel(b, sizeof(b), SYNTH_FILE_LEN, k, &e), &e);
}

static void small_map(struct memmap *m)
{
	static const struct mem_range r[] = {
		{ 0, 0x9fc00, MEM_RAM },
		{ 0xf0000, 0x10000, MEM_RESERVED },
		{ MiB(1), GiB(1) - MiB(1), MEM_RAM },
		{ GiB(4), GiB(2), MEM_RAM },
	};
	map_build(m, r, 4);
	assert_int_equal(m->n, 4);
}

/* A buffer of exactly `len` bytes, filled with garbage the fill must clear. */
static uint8_t *zp_alloc(uint64_t len)
{
	uint8_t *p = malloc(len);
	assert_non_null(p);
	memset(p, 0xa5, len);
	return p;
}

static void test_zero_page_fields(void **state)
{
	(void)state;
	struct x86_64_kernel k;
	struct memmap m;
	struct error e;
	/* QUIET_FLAG (bit 5) set in the image: the shim turns it off. */
	synth_kernel(&k, LOADED_HIGH | (1u << 5));
	small_map(&m);
	struct x86_64_boot_info bi = {
		.kernel_addr = 0x1000000,
		.cmdline_addr = 0x20010,
		.initrd_addr = 0x7fa00000,
		.initrd_size = 0x123456,
		.rsdp = 0xf5a40,
		.zero_page_addr = ZP_ADDR,
	};
	uint64_t len = x86_64_zero_page_bytes(m.n, 0);
	assert_int_equal(len, 4096);
	uint8_t *zp = zp_alloc(len);
	assert_ok(x86_64_fill_zero_page(zp, len, &k, &m, &bi, &e), &e);

	assert_int_equal(ld(zp, 0x228, 4), 0x20010);		/* cmd_line_ptr */
	assert_int_equal(ld(zp, 0x0c8, 4), 0);			/* ext_cmd_line_ptr */
	assert_int_equal(ld(zp, 0x218, 4), 0x7fa00000);		/* ramdisk_image */
	assert_int_equal(ld(zp, 0x21c, 4), 0x123456);		/* ramdisk_size */
	assert_int_equal(ld(zp, 0x0c0, 4), 0);			/* ext_ramdisk_image */
	assert_int_equal(ld(zp, 0x0c4, 4), 0);			/* ext_ramdisk_size */
	assert_int_equal(ld(zp, 0x070, 8), 0xf5a40);		/* acpi_rsdp_addr */
	assert_int_equal(ld(zp, 0x210, 1), 0xff);		/* type_of_loader */
	assert_int_equal(ld(zp, 0x211, 1), LOADED_HIGH);	/* loadflags, quiet off */
	assert_int_equal(ld(zp, 0x214, 4), 0x1000000);		/* code32_start */
	assert_int_equal(ld(zp, 0x1fa, 2), 0xffff);		/* vid_mode */
	assert_int_equal(ld(zp, 0x250, 8), 0);			/* setup_data */
	assert_int_equal(ld(zp, 0x23c, 4), 0);			/* hardware_subarch */
	/* The kernel's own header is carried over. */
	assert_int_equal(ld(zp, 0x1fe, 2), X86_64_BOOT_FLAG);
	assert_int_equal(ld(zp, 0x202, 4), X86_64_HDR_MAGIC);
	assert_int_equal(ld(zp, 0x206, 2), 0x020f);
	assert_int_equal(ld(zp, 0x1f1, 1), SYNTH_SETUP_SECTS);
	assert_int_equal(ld(zp, 0x260, 4), SYNTH_INIT_SIZE);	/* init_size */
	assert_int_equal(ld(zp, 0x230, 4), SYNTH_ALIGN);	/* kernel_alignment */
	/* The e820 table. */
	assert_int_equal(ld(zp, 0x1e8, 1), 4);			/* e820_entries */
	for (size_t i = 0; i < 4; i++) {
		size_t off = 0x2d0 + 20 * i;
		assert_int_equal(ld(zp, off, 8), m.e[i].base);
		assert_int_equal(ld(zp, off + 8, 8), m.e[i].size);
		assert_int_equal(ld(zp, off + 16, 4), m.e[i].type);
	}
	assert_int_equal(ld(zp, 0x2d0, 8), 0);
	assert_int_equal(ld(zp, 0x2d0 + 8, 8), 0x9fc00);
	assert_int_equal(ld(zp, 0x2d0 + 16, 4), MEM_RAM);
	/* Everything else is zero: screen_info, the sentinel, the entry
	 * after the last, the tail of the page. */
	assert_int_equal(ld(zp, 0x000, 8), 0);
	assert_int_equal(ld(zp, 0x1ef, 1), 0);
	assert_int_equal(ld(zp, 0x2d0 + 20 * 4, 8), 0);
	assert_int_equal(ld(zp, 0xff8, 8), 0);
	free(zp);
}

/* An initrd and command line above 4 GiB split into low and ext halves. */
static void test_zero_page_above_4g(void **state)
{
	(void)state;
	struct x86_64_kernel k;
	struct memmap m;
	struct error e;
	synth_kernel(&k, LOADED_HIGH);
	small_map(&m);
	struct x86_64_boot_info bi = {
		.kernel_addr = 0x1000000,
		.cmdline_addr = 0x300000010ull,
		.initrd_addr = 0x123456000ull,
		.initrd_size = 0x100000200ull,
		.zero_page_addr = ZP_ADDR,
	};
	uint8_t *zp = zp_alloc(4096);
	assert_ok(x86_64_fill_zero_page(zp, 4096, &k, &m, &bi, &e), &e);
	assert_int_equal(ld(zp, 0x218, 4), 0x23456000);	/* ramdisk_image */
	assert_int_equal(ld(zp, 0x0c0, 4), 0x1);		/* ext_ramdisk_image */
	assert_int_equal(ld(zp, 0x21c, 4), 0x200);		/* ramdisk_size */
	assert_int_equal(ld(zp, 0x0c4, 4), 0x1);		/* ext_ramdisk_size */
	assert_int_equal(ld(zp, 0x228, 4), 0x10);		/* cmd_line_ptr */
	assert_int_equal(ld(zp, 0x0c8, 4), 0x3);		/* ext_cmd_line_ptr */
	assert_int_equal(ld(zp, 0x070, 8), 0);			/* no RSDP known */
	free(zp);
}

static void test_zero_page_e820_ext(void **state)
{
	(void)state;
	struct x86_64_kernel k;
	struct memmap m;
	struct error e;
	synth_kernel(&k, LOADED_HIGH);
	/* 200 alternating entries; the map need not be sanitised here. */
	m.n = 200;
	for (size_t i = 0; i < m.n; i++)
		m.e[i] = (struct mem_range){ MiB(2) * i, MiB(1) + i,
					     i % 2 ? MEM_RESERVED : MEM_RAM };
	const uint64_t zp_addr = 0x12345000;
	struct x86_64_boot_info bi = { .kernel_addr = 0x1000000, .zero_page_addr = zp_addr };
	uint64_t len = x86_64_zero_page_bytes(m.n, 0);
	assert_int_equal(len, 4096 + 16 + 72 * 20);
	uint8_t *zp = zp_alloc(len);
	assert_ok(x86_64_fill_zero_page(zp, len, &k, &m, &bi, &e), &e);

	assert_int_equal(ld(zp, 0x1e8, 1), 128);
	for (size_t i = 0; i < 128; i++) {
		size_t off = 0x2d0 + 20 * i;
		assert_int_equal(ld(zp, off, 8), m.e[i].base);
		assert_int_equal(ld(zp, off + 8, 8), m.e[i].size);
		assert_int_equal(ld(zp, off + 16, 4), m.e[i].type);
	}
	/* hdr.setup_data points right after the page ... */
	assert_int_equal(ld(zp, 0x250, 8), zp_addr + 4096);
	/* ... at a SETUP_E820_EXT node: next, type, len, then 72 entries. */
	assert_int_equal(ld(zp, 4096 + 0, 8), 0);
	assert_int_equal(ld(zp, 4096 + 8, 4), SETUP_E820_EXT);
	assert_int_equal(ld(zp, 4096 + 12, 4), 72 * 20);
	for (size_t i = 0; i < 72; i++) {
		size_t off = 4096 + 16 + 20 * i;
		assert_int_equal(ld(zp, off, 8), m.e[128 + i].base);
		assert_int_equal(ld(zp, off + 8, 8), m.e[128 + i].size);
		assert_int_equal(ld(zp, off + 16, 4), m.e[128 + i].type);
	}
	free(zp);
}

/* Exactly 128 entries still fit the page: no setup_data. */
static void test_zero_page_e820_exactly_128(void **state)
{
	(void)state;
	struct x86_64_kernel k;
	struct memmap m;
	struct error e;
	synth_kernel(&k, LOADED_HIGH);
	m.n = 128;
	for (size_t i = 0; i < m.n; i++)
		m.e[i] = (struct mem_range){ MiB(2) * i, MiB(1), MEM_RAM };
	struct x86_64_boot_info bi = { .zero_page_addr = ZP_ADDR };
	assert_int_equal(x86_64_zero_page_bytes(128, 0), 4096);
	uint8_t *zp = zp_alloc(4096);
	assert_ok(x86_64_fill_zero_page(zp, 4096, &k, &m, &bi, &e), &e);
	assert_int_equal(ld(zp, 0x1e8, 1), 128);
	assert_int_equal(ld(zp, 0x250, 8), 0);
	assert_int_equal(ld(zp, 0x2d0 + 127 * 20, 8), MiB(2) * 127);
	free(zp);
}

static void test_zero_page_too_small(void **state)
{
	(void)state;
	struct x86_64_kernel k;
	struct memmap m;
	struct error e;
	synth_kernel(&k, LOADED_HIGH);
	struct x86_64_boot_info bi = { .zero_page_addr = ZP_ADDR };
	small_map(&m);
	uint8_t *zp = zp_alloc(4096);
	assert_fails_mentioning(x86_64_fill_zero_page(zp, 4095, &k, &m, &bi, &e), &e, "zero page");
	/* Nothing was written. */
	assert_int_equal(zp[0], 0xa5);
	assert_int_equal(zp[0x210], 0xa5);
	free(zp);

	m.n = 200;
	for (size_t i = 0; i < m.n; i++)
		m.e[i] = (struct mem_range){ MiB(2) * i, MiB(1), MEM_RAM };
	uint64_t len = x86_64_zero_page_bytes(200, 0);
	zp = zp_alloc(len);
	assert_fails_mentioning(x86_64_fill_zero_page(zp, len - 1, &k, &m, &bi, &e), &e,
				"zero page");
	assert_fails_mentioning(x86_64_fill_zero_page(zp, 4096, &k, &m, &bi, &e), &e, "200");
	free(zp);
}

/* The setup_data chain after the page: SETUP_E820_EXT for the entries
 * past 128, then SETUP_RNG_SEED with the seed, each node's size exact. */
static void test_zero_page_setup_data_chain(void **state)
{
	(void)state;
	struct x86_64_kernel k;
	static struct memmap m;
	struct error e;
	synth_kernel(&k, LOADED_HIGH);
	m.n = 200;
	for (size_t i = 0; i < m.n; i++)
		m.e[i] = (struct mem_range){ MiB(2) * i, MiB(1), MEM_RAM };
	uint8_t seed[64];
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0x40 + i);
	const uint64_t zp_addr = 0x12345000;
	struct x86_64_boot_info bi = { .zero_page_addr = zp_addr, .seed = seed, .seed_len = 64 };
	/* 72 extra entries: 16 + 1440 bytes; the seed node 16 + 64, right
	 * after it (boot.rst asks no alignment of setup_data). */
	uint64_t len = x86_64_zero_page_bytes(m.n, 64);
	assert_int_equal(len, 4096 + 16 + 72 * 20 + 16 + 64);
	uint8_t *zp = zp_alloc(len);
	assert_ok(x86_64_fill_zero_page(zp, len, &k, &m, &bi, &e), &e);
	assert_int_equal(ld(zp, 0x250, 8), zp_addr + 4096);	/* hdr.setup_data */
	const size_t ext = 4096, rng = 4096 + 16 + 72 * 20;
	assert_int_equal(ld(zp, ext + 0, 8), zp_addr + rng);	/* next */
	assert_int_equal(ld(zp, ext + 8, 4), 1);		/* SETUP_E820_EXT */
	assert_int_equal(ld(zp, ext + 12, 4), 72 * 20);
	assert_int_equal(ld(zp, ext + 16 + 71 * 20, 8), MiB(2) * 199);
	assert_int_equal(ld(zp, rng + 0, 8), 0);		/* end of the chain */
	assert_int_equal(ld(zp, rng + 8, 4), 9);		/* SETUP_RNG_SEED */
	assert_int_equal(ld(zp, rng + 12, 4), 64);
	assert_memory_equal(zp + rng + 16, seed, 64);
	/* One byte short of either node: refused, naming the zero page. */
	assert_fails_mentioning(x86_64_fill_zero_page(zp, len - 1, &k, &m, &bi, &e), &e,
				"zero page");
	free(zp);

	/* 73 extra entries: the seed node follows at an odd multiple of 4. */
	m.n = 201;
	m.e[200] = (struct mem_range){ MiB(2) * 200, MiB(1), MEM_RAM };
	len = x86_64_zero_page_bytes(m.n, 64);
	assert_int_equal(len, 4096 + 16 + 73 * 20 + 16 + 64);
	zp = zp_alloc(len);
	assert_ok(x86_64_fill_zero_page(zp, len, &k, &m, &bi, &e), &e);
	assert_int_equal(ld(zp, 4096, 8), zp_addr + 4096 + 16 + 73 * 20);
	assert_int_equal(ld(zp, 4096 + 16 + 73 * 20 + 8, 4), 9);
	assert_memory_equal(zp + 4096 + 16 + 73 * 20 + 16, seed, 64);
	free(zp);

	/* A seed alone: the only node, right after the page. */
	m.n = 4;
	bi.seed_len = 32;
	len = x86_64_zero_page_bytes(m.n, 32);
	assert_int_equal(len, 4096 + 16 + 32);
	zp = zp_alloc(len);
	assert_ok(x86_64_fill_zero_page(zp, len, &k, &m, &bi, &e), &e);
	assert_int_equal(ld(zp, 0x250, 8), zp_addr + 4096);
	assert_int_equal(ld(zp, 4096 + 0, 8), 0);
	assert_int_equal(ld(zp, 4096 + 8, 4), 9);
	assert_int_equal(ld(zp, 4096 + 12, 4), 32);
	assert_memory_equal(zp + 4096 + 16, seed, 32);
	free(zp);
	/* No seed, no more than 128 entries: no setup_data at all. */
	assert_int_equal(x86_64_zero_page_bytes(128, 0), 4096);
}

/* A UEFI memory map of 330 descriptors, more than the core's table holds
 * (MEMMAP_INPUT_MAX): real firmware produces such maps, mostly neighbours
 * that become the same e820 type. 110 groups of three 64 KiB descriptors:
 * boot services data, free memory, then loader code, or runtime services
 * data in every tenth group. */
#define GROUPS 110
#define GROUP_BYTES KiB(192)
#define DESC_SIZE 48

static uint8_t *large_uefi_map(size_t *size)
{
	*size = 3 * GROUPS * DESC_SIZE;
	uint8_t *map = calloc(1, *size);
	assert_non_null(map);
	for (size_t g = 0; g < GROUPS; g++) {
		/* UEFI 2.10 EFI_MEMORY_TYPE: 4 BootServicesData, 7
		 * ConventionalMemory, 1 LoaderCode, 6 RuntimeServicesData. */
		const uint32_t type[3] = { 4, 7, g % 10 == 9 ? 6 : 1 };
		for (size_t d = 0; d < 3; d++) {
			uint8_t *p = map + (3 * g + d) * DESC_SIZE;
			st(p, 0, 4, type[d]);
			st(p, 8, 8, MiB(1) + GROUP_BYTES * g + KiB(64) * d);
			st(p, 24, 8, 16);
		}
	}
	return map;
}

static void test_zero_page_uefi_large_map(void **state)
{
	(void)state;
	static struct memmap m;
	struct error e;
	size_t size;
	uint8_t *map = large_uefi_map(&size);

	/* For the kernel: all but runtime services data is RAM, so 11 RAM
	 * ranges, each followed by 64 KiB reserved. */
	assert_ok(efi_memmap_convert(map, size, DESC_SIZE, EFI_MAP_FOR_KERNEL, &m, &e), &e);
	assert_ok(memmap_sanitise(&m, &e), &e);
	assert_int_equal(m.n, 22);
	for (size_t k = 0; k < 11; k++) {
		uint64_t lo = MiB(1) + GROUP_BYTES * 10 * k;
		uint64_t hi = MiB(1) + GROUP_BYTES * (10 * k + 9) + KiB(128);
		assert_int_equal(m.e[2 * k].base, lo);
		assert_int_equal(m.e[2 * k].size, hi - lo);
		assert_int_equal(m.e[2 * k].type, MEM_RAM);
		assert_int_equal(m.e[2 * k + 1].base, hi);
		assert_int_equal(m.e[2 * k + 1].size, KiB(64));
		assert_int_equal(m.e[2 * k + 1].type, MEM_RESERVED);
	}

	/* Free now: only the conventional memory, 110 RAM ranges between
	 * 111 reserved ones. */
	assert_ok(efi_memmap_convert(map, size, DESC_SIZE, EFI_MAP_FREE_NOW, &m, &e), &e);
	assert_ok(memmap_sanitise(&m, &e), &e);
	assert_int_equal(m.n, 221);
	assert_int_equal(m.e[0].base, MiB(1));
	assert_int_equal(m.e[0].size, KiB(64));
	assert_int_equal(m.e[0].type, MEM_RESERVED);
	for (size_t g = 0; g < GROUPS; g++) {
		const struct mem_range *ram = &m.e[1 + 2 * g], *res = &m.e[2 + 2 * g];
		assert_int_equal(ram->base, MiB(1) + GROUP_BYTES * g + KiB(64));
		assert_int_equal(ram->size, KiB(64));
		assert_int_equal(ram->type, MEM_RAM);
		assert_int_equal(res->base, MiB(1) + GROUP_BYTES * g + KiB(128));
		assert_int_equal(res->size, g == GROUPS - 1 ? KiB(64) : KiB(128));
		assert_int_equal(res->type, MEM_RESERVED);
	}
	free(map);

	/* More distinct ranges than the table holds: refused, clearly. 260
	 * descriptors alternating free memory and ACPI reclaim (9). */
	size = 260 * DESC_SIZE;
	map = calloc(1, size);
	assert_non_null(map);
	for (size_t i = 0; i < 260; i++) {
		st(map + i * DESC_SIZE, 0, 4, i % 2 ? 9 : 7);
		st(map + i * DESC_SIZE, 8, 8, MiB(1) + KiB(4) * i);
		st(map + i * DESC_SIZE, 24, 8, 1);
	}
	assert_fails_mentioning(efi_memmap_convert(map, size, DESC_SIZE, EFI_MAP_FOR_KERNEL, &m,
						   &e), &e, "memory map");
	free(map);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_zero_page_fields),
	cmocka_unit_test(test_zero_page_above_4g),
	cmocka_unit_test(test_zero_page_e820_ext),
	cmocka_unit_test(test_zero_page_e820_exactly_128),
	cmocka_unit_test(test_zero_page_too_small),
	cmocka_unit_test(test_zero_page_setup_data_chain),
	cmocka_unit_test(test_zero_page_uefi_large_map),
};

const struct unit_suite zero_page_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
