/* riscv64_parse_kernel: a synthetic RISC-V Image header, each single
 * corruption of it, and the real Debian 13 riscv64 kernel (make check-unit
 * fetches it first; a missing one fails the test, it is not skipped).
 * And arch/riscv64/dt.c's readers (time base, a hart's ISA extensions,
 * QEMU's test device) on trees shaped as QEMU 7.2's virt machine writes
 * them, built here with libfdt's sequential writer. */
#include "unit.h"
#include "riscv64_image.h"
#include "riscv64/riscv64.h"

#include <errno.h>
#include <libfdt.h>

#define IMG_LEN 0x1db8123ull
#define IMG_SIZE 0x1e6c000ull
#define PMD MiB(2)

static void synth_image(uint8_t *h)
{
	memset(h, 0, RISCV64_IMAGE_HEADER_BYTES);
	st(h, 0, 4, 0x106f5a4d);		/* code0: "MZ" (c.li s4,-13), a jump's low half */
	st(h, 4, 4, 0x00010d60);		/* code1: its high half (j _start_kernel) */
	st(h, 8, 8, PMD);			/* text_offset: 2 MiB, as rv64's head.S */
	st(h, 16, 8, IMG_SIZE);			/* image_size */
	st(h, 24, 8, 0);			/* flags: little-endian */
	st(h, 32, 4, RISCV64_VERSION(0, 2));	/* version */
	st(h, 48, 8, RISCV64_IMAGE_MAGIC);	/* "RISCV\0\0\0" */
	st(h, 56, 4, RISCV64_IMAGE_MAGIC2);	/* "RSC\x05" */
	st(h, 60, 4, 0x40);			/* res3: PE header offset */
}

/* Parse the 64-byte header (copied to an exact-size buffer, so that ASan
 * sees any read past what was given) of a len-byte image. */
static int parse(const uint8_t *h, size_t have, uint64_t len, struct riscv64_kernel *k,
		 struct error *e)
{
	uint8_t *copy = malloc(have ? have : 1);
	assert_non_null(copy);
	memcpy(copy, h, have);
	int rc = riscv64_parse_kernel(copy, len, k, e);
	free(copy);
	return rc;
}

static void test_riscv64_parse_valid(void **state)
{
	(void)state;
	uint8_t h[64];
	struct riscv64_kernel k;
	struct error e;
	synth_image(h);
	assert_ok(parse(h, 64, IMG_LEN, &k, &e), &e);
	assert_int_equal(k.text_offset, PMD);
	assert_int_equal(k.reserve, IMG_SIZE);
	assert_int_equal(k.file_bytes, IMG_LEN);
	assert_int_equal(k.version, RISCV64_VERSION(0, 2));
	/* An M-mode kernel's text_offset 0; image_size rounded up to a page. */
	st(h, 8, 8, 0);
	st(h, 16, 8, IMG_SIZE + 1);
	assert_ok(parse(h, 64, IMG_LEN, &k, &e), &e);
	assert_int_equal(k.text_offset, 0);
	assert_int_equal(k.reserve, IMG_SIZE + 4096);
	/* image_size may equal the file's length; the largest ones allowed. */
	st(h, 16, 8, IMG_LEN);
	assert_ok(parse(h, 64, IMG_LEN, &k, &e), &e);
	assert_int_equal(k.reserve, (IMG_LEN + 4095) & ~4095ull);
	st(h, 8, 8, GiB(4));
	st(h, 16, 8, GiB(4));
	assert_ok(parse(h, 64, IMG_LEN, &k, &e), &e);
	assert_int_equal(k.reserve, GiB(4));
	/* The deprecated magic "may be removed": not required. A later 0.x
	 * minor version is read as 0.2 is. */
	st(h, 48, 8, 0);
	st(h, 32, 4, RISCV64_VERSION(0, 3));
	assert_ok(parse(h, 64, IMG_LEN, &k, &e), &e);
	/* A 64-byte file holding only the header parses too. */
	st(h, 16, 8, 4096);
	st(h, 8, 8, 0);
	assert_ok(parse(h, 64, 64, &k, &e), &e);
	assert_int_equal(k.reserve, 4096);
}

struct corruption {
	size_t off, len;	/* the header field to overwrite, if len */
	uint64_t value;
	bool truncated;		/* the file (and buffer) is only `file_len` long */
	uint64_t file_len;
	const char *what;	/* the error must mention this */
};

static const struct corruption c_too_small = { 0, 0, 0, true, 63, "too small" };
static const struct corruption c_empty = { 0, 0, 0, true, 0, "too small" };
static const struct corruption c_bad_magic2 = { 56, 4, 0x05435358, false, 0,
						"magic2 is 0x05435358" };
static const struct corruption c_arm64_magic = { 56, 4, 0x644d5241, false, 0,
						 "not a RISC-V Image" };
static const struct corruption c_version_0_1 = { 32, 4, RISCV64_VERSION(0, 1), false, 0,
						 "version 0.1" };
static const struct corruption c_version_0_0 = { 32, 4, 0, false, 0, "version 0.0" };
static const struct corruption c_version_1_2 = { 32, 4, RISCV64_VERSION(1, 2), false, 0,
						 "version 1.2" };
static const struct corruption c_big_endian = { 24, 8, RISCV64_FLAG_BE, false, 0,
						"big-endian" };
static const struct corruption c_text_offset_odd = { 8, 8, 0x201000, false, 0,
						     "text_offset 0x201000" };
static const struct corruption c_text_offset_huge = { 8, 8, GiB(4) + PMD, false, 0,
						      "text_offset" };
static const struct corruption c_image_size_0 = { 16, 8, 0, false, 0, "image_size is 0" };
static const struct corruption c_image_size_small = { 16, 8, IMG_LEN - 1, false, 0,
						      "image_size" };
static const struct corruption c_image_size_4g = { 16, 8, GiB(4) + 1, false, 0,
						   "image_size 0x100000001" };
static const struct corruption c_image_size_huge = { 16, 8, UINT64_MAX, false, 0,
						     "image_size" };

static void run_corruption(void **state)
{
	const struct corruption *c = *state;
	uint8_t h[64];
	struct riscv64_kernel k;
	struct error e;
	synth_image(h);
	assert_ok(parse(h, 64, IMG_LEN, &k, &e), &e);
	if (c->len)
		st(h, c->off, c->len, c->value);
	if (c->truncated)
		assert_fails_mentioning(parse(h, c->file_len, c->file_len, &k, &e), &e, c->what);
	else
		assert_fails_mentioning(parse(h, 64, IMG_LEN, &k, &e), &e, c->what);
	assert_int_equal(strncmp(e.msg, "kernel: ", 8), 0);
}

/* A version 0.1 header has the deprecated magic and no magic2: named so. */
static void test_riscv64_parse_v0_1(void **state)
{
	(void)state;
	uint8_t h[64];
	struct riscv64_kernel k;
	struct error e;
	synth_image(h);
	st(h, 32, 4, RISCV64_VERSION(0, 1));
	st(h, 56, 4, 0);
	assert_fails_mentioning(parse(h, 64, IMG_LEN, &k, &e), &e, "a version 0.1 header");
}

static void test_riscv64_parse_real_kernel(void **state)
{
	(void)state;
	const char *path = getenv("BOOTSHIM_TEST_KERNEL_RISCV64");
	if (!path || !*path)
		path = "build/debian13/riscv64/vmlinuz-generic";
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("no riscv64 kernel at %s: %s (make check-unit fetches it; or set "
			 "BOOTSHIM_TEST_KERNEL_RISCV64)", path, strerror(errno));
	uint8_t h[64];
	size_t got = fread(h, 1, sizeof(h), f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long len = ftell(f);
	fclose(f);
	assert_int_equal(got, sizeof(h));
	struct riscv64_kernel k;
	struct error e;
	assert_ok(riscv64_parse_kernel(h, (uint64_t)len, &k, &e), &e);
	/* Debian 13's kernel: an EFI stub ("MZ"), version 0.2, both magics,
	 * rv64's 2 MiB text_offset. */
	assert_int_equal(ld(h, 0, 2), 0x5a4d);
	assert_int_equal(k.version, RISCV64_VERSION(0, 2));
	assert_int_equal(ld(h, 48, 8), RISCV64_IMAGE_MAGIC);
	assert_int_equal(k.text_offset, PMD);
	assert_true(k.reserve >= (uint64_t)len && k.reserve % 4096 == 0);
	assert_int_equal(k.reserve, (ld(h, 16, 8) + 4095) & ~4095ull);
	print_message("real riscv64 kernel %s: Image of %ld bytes, image_size 0x%llx, "
		      "text_offset 0x%llx\n", path, len, (unsigned long long)k.reserve,
		      (unsigned long long)k.text_offset);
}

/* ---- arch/riscv64/dt.c ---- */

#define TREE_BYTES 4096

struct hart {
	uint32_t reg;
	const char *isa;		/* riscv,isa; NULL: none */
	const char *exts;		/* riscv,isa-extensions, NUL-separated; NULL: none */
	size_t exts_len;
};

struct tree {
	const struct hart *harts;
	size_t n_harts;
	const uint32_t *timebase;	/* NULL: none */
	size_t timebase_cells;
	const char *test_compat;	/* NULL: no test device */
	size_t test_compat_len;
	bool soc_translates;		/* /soc's ranges not empty */
};

#define CHECK(x) assert_int_equal((x), 0)

/* A tree shaped as QEMU 7.2's riscv virt: /cpus with timebase-frequency
 * and cpu@N children, /soc (empty ranges, 2 address and 2 size cells)
 * with the test device at 0x100000. */
static void *build(const struct tree *t)
{
	void *fdt = malloc(TREE_BYTES);
	assert_non_null(fdt);
	CHECK(fdt_create(fdt, TREE_BYTES));
	CHECK(fdt_finish_reservemap(fdt));
	CHECK(fdt_begin_node(fdt, ""));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	CHECK(fdt_begin_node(fdt, "cpus"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 1));
	CHECK(fdt_property_u32(fdt, "#size-cells", 0));
	if (t->timebase) {
		fdt32_t cells[2];
		for (size_t i = 0; i < t->timebase_cells; i++)
			cells[i] = cpu_to_fdt32(t->timebase[i]);
		CHECK(fdt_property(fdt, "timebase-frequency", cells,
				   (int)(t->timebase_cells * sizeof(fdt32_t))));
	}
	for (size_t i = 0; i < t->n_harts; i++) {
		char name[32];
		snprintf(name, sizeof(name), "cpu@%u", t->harts[i].reg);
		CHECK(fdt_begin_node(fdt, name));
		CHECK(fdt_property_string(fdt, "device_type", "cpu"));
		CHECK(fdt_property_u32(fdt, "reg", t->harts[i].reg));
		if (t->harts[i].isa)
			CHECK(fdt_property_string(fdt, "riscv,isa", t->harts[i].isa));
		if (t->harts[i].exts)
			CHECK(fdt_property(fdt, "riscv,isa-extensions", t->harts[i].exts,
					   (int)t->harts[i].exts_len));
		CHECK(fdt_end_node(fdt));
	}
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_begin_node(fdt, "soc"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	if (t->soc_translates) {
		const fdt32_t r[6] = { 0, 0, 0, cpu_to_fdt32(0x10000000), 0,
				       cpu_to_fdt32(0x10000000) };
		CHECK(fdt_property(fdt, "ranges", r, sizeof(r)));
	} else {
		CHECK(fdt_property(fdt, "ranges", NULL, 0));
	}
	if (t->test_compat) {
		CHECK(fdt_begin_node(fdt, "test@100000"));
		CHECK(fdt_property(fdt, "compatible", t->test_compat, (int)t->test_compat_len));
		const fdt32_t reg[4] = { 0, cpu_to_fdt32(0x100000), 0, cpu_to_fdt32(0x1000) };
		CHECK(fdt_property(fdt, "reg", reg, sizeof(reg)));
		CHECK(fdt_end_node(fdt));
	}
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_finish(fdt));
	return fdt;
}

#define QEMU_ISA "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"
#define QEMU_ISA_ZKR "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_zkr_sstc"
#define QEMU_TEST_COMPAT "sifive,test1\0sifive,test0\0syscon"
static const uint32_t qemu_timebase[] = { 10000000 };

static void test_riscv64_dt_qemu_virt(void **state)
{
	(void)state;
	const struct hart harts[] = { { 0, QEMU_ISA, NULL, 0 }, { 1, QEMU_ISA_ZKR, NULL, 0 } };
	const struct tree t = { harts, 2, qemu_timebase, 1, QEMU_TEST_COMPAT,
				sizeof(QEMU_TEST_COMPAT), false };
	void *fdt = build(&t);
	uint64_t hz = 0, base = 0;
	assert_int_equal(riscv64_dt_timebase(fdt, &hz), 0);
	assert_int_equal(hz, 10000000);
	assert_int_equal(riscv64_dt_test_device(fdt, &base), 0);
	assert_int_equal(base, 0x100000);
	/* Multi-letter extensions after underscores, exactly, any case. */
	assert_false(riscv64_dt_hart_has_ext(fdt, 0, "zkr"));
	assert_true(riscv64_dt_hart_has_ext(fdt, 1, "zkr"));
	assert_true(riscv64_dt_hart_has_ext(fdt, 0, "zicsr"));
	assert_true(riscv64_dt_hart_has_ext(fdt, 0, "sstc"));
	assert_false(riscv64_dt_hart_has_ext(fdt, 0, "zb"));
	assert_false(riscv64_dt_hart_has_ext(fdt, 0, "rv64imafdch"));
	/* A hart the tree does not list has nothing. */
	assert_false(riscv64_dt_hart_has_ext(fdt, 2, "zicsr"));
	free(fdt);
}

static void test_riscv64_dt_isa_extensions(void **state)
{
	(void)state;
	/* riscv,isa-extensions wins over riscv,isa where both are present;
	 * a list without a final NUL is read to its end. */
	static const char exts[] = "i\0m\0a\0ZKR\0zicsr";
	const struct hart harts[] = { { 3, QEMU_ISA, exts, sizeof(exts) - 1 },
				      { 4, QEMU_ISA_ZKR, "zicsr", sizeof("zicsr") } };
	const struct tree t = { harts, 2, NULL, 0, NULL, 0, false };
	void *fdt = build(&t);
	assert_true(riscv64_dt_hart_has_ext(fdt, 3, "zkr"));
	assert_true(riscv64_dt_hart_has_ext(fdt, 3, "zicsr"));
	assert_false(riscv64_dt_hart_has_ext(fdt, 3, "zics"));
	assert_false(riscv64_dt_hart_has_ext(fdt, 4, "zkr"));
	uint64_t hz = 0, base = 0;
	assert_int_equal(riscv64_dt_timebase(fdt, &hz), -1);
	assert_int_equal(riscv64_dt_test_device(fdt, &base), -1);
	free(fdt);
}

static void test_riscv64_dt_odd_trees(void **state)
{
	(void)state;
	const struct hart harts[] = { { 0, NULL, NULL, 0 } };
	/* A two-cell timebase; a zero one is no rate. */
	static const uint32_t tb64[] = { 1, 0 }, tb0[] = { 0 };
	struct tree t = { harts, 1, tb64, 2, "sifive,test0", sizeof("sifive,test0"), true };
	void *fdt = build(&t);
	uint64_t hz = 0, base = 0;
	assert_int_equal(riscv64_dt_timebase(fdt, &hz), 0);
	assert_int_equal(hz, 1ull << 32);
	/* Behind a translating /soc: not followed. */
	assert_int_equal(riscv64_dt_test_device(fdt, &base), -1);
	/* No riscv,isa at all. */
	assert_false(riscv64_dt_hart_has_ext(fdt, 0, "zkr"));
	free(fdt);
	t.timebase = tb0;
	t.timebase_cells = 1;
	t.soc_translates = false;
	fdt = build(&t);
	assert_int_equal(riscv64_dt_timebase(fdt, &hz), -1);
	assert_int_equal(riscv64_dt_test_device(fdt, &base), 0);
	assert_int_equal(base, 0x100000);
	free(fdt);
}

#define CORRUPT_TEST(c) { "riscv64_parse_rejects_" #c, run_corruption, NULL, NULL, (void *)&c_##c }

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_riscv64_parse_valid),
	CORRUPT_TEST(too_small),
	CORRUPT_TEST(empty),
	CORRUPT_TEST(bad_magic2),
	CORRUPT_TEST(arm64_magic),
	CORRUPT_TEST(version_0_1),
	CORRUPT_TEST(version_0_0),
	CORRUPT_TEST(version_1_2),
	CORRUPT_TEST(big_endian),
	CORRUPT_TEST(text_offset_odd),
	CORRUPT_TEST(text_offset_huge),
	CORRUPT_TEST(image_size_0),
	CORRUPT_TEST(image_size_small),
	CORRUPT_TEST(image_size_4g),
	CORRUPT_TEST(image_size_huge),
	cmocka_unit_test(test_riscv64_parse_v0_1),
	cmocka_unit_test(test_riscv64_parse_real_kernel),
	cmocka_unit_test(test_riscv64_dt_qemu_virt),
	cmocka_unit_test(test_riscv64_dt_isa_extensions),
	cmocka_unit_test(test_riscv64_dt_odd_trees),
};

const struct unit_suite riscv64_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
