/* x86_fill_zero_page: every field at the offset boot.rst gives, read back as
 * raw little-endian bytes (not through struct boot_params, so a wrong
 * struct layout cannot hide itself). */
#include "unit.h"

#define ZP_ADDR 0x7000ull

static void synth_kernel(struct x86_kernel *k, uint8_t loadflags)
{
	uint8_t b[SYNTH_SETUP_BYTES];
	struct error e;
	synth_bzimage(b);
	b[0x211] = loadflags;
	assert_ok(x86_parse_kernel(b, sizeof(b), SYNTH_FILE_LEN, k, &e), &e);
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
	struct x86_kernel k;
	struct memmap m;
	struct error e;
	/* QUIET_FLAG (bit 5) set in the image: the shim turns it off. */
	synth_kernel(&k, LOADED_HIGH | (1u << 5));
	small_map(&m);
	struct x86_boot_info bi = {
		.kernel_addr = 0x1000000,
		.cmdline_addr = 0x20010,
		.initrd_addr = 0x7fa00000,
		.initrd_size = 0x123456,
		.rsdp = 0xf5a40,
		.zero_page_addr = ZP_ADDR,
	};
	uint64_t len = x86_zero_page_bytes(m.n);
	assert_int_equal(len, 4096);
	uint8_t *zp = zp_alloc(len);
	assert_ok(x86_fill_zero_page(zp, len, &k, &m, &bi, &e), &e);

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
	assert_int_equal(ld(zp, 0x1fe, 2), X86_BOOT_FLAG);
	assert_int_equal(ld(zp, 0x202, 4), X86_HDR_MAGIC);
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
	struct x86_kernel k;
	struct memmap m;
	struct error e;
	synth_kernel(&k, LOADED_HIGH);
	small_map(&m);
	struct x86_boot_info bi = {
		.kernel_addr = 0x1000000,
		.cmdline_addr = 0x300000010ull,
		.initrd_addr = 0x123456000ull,
		.initrd_size = 0x100000200ull,
		.zero_page_addr = ZP_ADDR,
	};
	uint8_t *zp = zp_alloc(4096);
	assert_ok(x86_fill_zero_page(zp, 4096, &k, &m, &bi, &e), &e);
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
	struct x86_kernel k;
	struct memmap m;
	struct error e;
	synth_kernel(&k, LOADED_HIGH);
	/* 200 alternating entries; the map need not be sanitised here. */
	m.n = 200;
	for (size_t i = 0; i < m.n; i++)
		m.e[i] = (struct mem_range){ MiB(2) * i, MiB(1) + i,
					     i % 2 ? MEM_RESERVED : MEM_RAM };
	const uint64_t zp_addr = 0x12345000;
	struct x86_boot_info bi = { .kernel_addr = 0x1000000, .zero_page_addr = zp_addr };
	uint64_t len = x86_zero_page_bytes(m.n);
	assert_int_equal(len, 4096 + 16 + 72 * 20);
	uint8_t *zp = zp_alloc(len);
	assert_ok(x86_fill_zero_page(zp, len, &k, &m, &bi, &e), &e);

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
	struct x86_kernel k;
	struct memmap m;
	struct error e;
	synth_kernel(&k, LOADED_HIGH);
	m.n = 128;
	for (size_t i = 0; i < m.n; i++)
		m.e[i] = (struct mem_range){ MiB(2) * i, MiB(1), MEM_RAM };
	struct x86_boot_info bi = { .zero_page_addr = ZP_ADDR };
	assert_int_equal(x86_zero_page_bytes(128), 4096);
	uint8_t *zp = zp_alloc(4096);
	assert_ok(x86_fill_zero_page(zp, 4096, &k, &m, &bi, &e), &e);
	assert_int_equal(ld(zp, 0x1e8, 1), 128);
	assert_int_equal(ld(zp, 0x250, 8), 0);
	assert_int_equal(ld(zp, 0x2d0 + 127 * 20, 8), MiB(2) * 127);
	free(zp);
}

static void test_zero_page_too_small(void **state)
{
	(void)state;
	struct x86_kernel k;
	struct memmap m;
	struct error e;
	synth_kernel(&k, LOADED_HIGH);
	struct x86_boot_info bi = { .zero_page_addr = ZP_ADDR };
	small_map(&m);
	uint8_t *zp = zp_alloc(4096);
	assert_fails_mentioning(x86_fill_zero_page(zp, 4095, &k, &m, &bi, &e), &e, "zero page");
	/* Nothing was written. */
	assert_int_equal(zp[0], 0xa5);
	assert_int_equal(zp[0x210], 0xa5);
	free(zp);

	m.n = 200;
	for (size_t i = 0; i < m.n; i++)
		m.e[i] = (struct mem_range){ MiB(2) * i, MiB(1), MEM_RAM };
	uint64_t len = x86_zero_page_bytes(200);
	zp = zp_alloc(len);
	assert_fails_mentioning(x86_fill_zero_page(zp, len - 1, &k, &m, &bi, &e), &e,
				"zero page");
	assert_fails_mentioning(x86_fill_zero_page(zp, 4096, &k, &m, &bi, &e), &e, "200");
	free(zp);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_zero_page_fields),
	cmocka_unit_test(test_zero_page_above_4g),
	cmocka_unit_test(test_zero_page_e820_ext),
	cmocka_unit_test(test_zero_page_e820_exactly_128),
	cmocka_unit_test(test_zero_page_too_small),
};

const struct unit_suite zero_page_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
