/* aarch64_parse_kernel: a synthetic Image header, each single corruption of
 * it, and the real Debian arm64 kernel (make check-unit fetches it first;
 * a missing one fails the test, it is not skipped). Debian ships the Image
 * either plain or gzip-compressed (Image.gz): the test reads both, through
 * zlib, and parses the Image itself, as scripts/kernel-image.sh gives it
 * to the shim. */
#include "unit.h"
#include "aarch64_image.h"

#include <errno.h>
#include <unistd.h>
#include <zlib.h>

#define IMG_LEN 0x1800123ull
#define IMG_SIZE 0x2000000ull

static void synth_image(uint8_t *h)
{
	memset(h, 0, 64);
	st(h, 0, 4, 0x91005a4d);	/* code0: "MZ" + add x13, x18, #0x16 */
	st(h, 4, 4, 0x14000000);	/* code1: b stext */
	st(h, 8, 8, 0);			/* text_offset */
	st(h, 16, 8, IMG_SIZE);		/* image_size */
	st(h, 24, 8, (1u << AARCH64_FLAG_PAGE_SIZE_SHIFT) | AARCH64_FLAG_ANYWHERE); /* LE, 4K */
	st(h, 56, 4, AARCH64_IMAGE_MAGIC);
	st(h, 60, 4, 0x40);		/* PE header offset */
}

/* Parse the 64-byte header (copied to an exact-size buffer) of a len-byte image. */
static int parse(const uint8_t *h, size_t have, uint64_t len, struct aarch64_kernel *k,
		 struct error *e)
{
	uint8_t *copy = malloc(have ? have : 1);
	assert_non_null(copy);
	memcpy(copy, h, have);
	int rc = aarch64_parse_kernel(copy, len, k, e);
	free(copy);
	return rc;
}

static void test_aarch64_parse_valid(void **state)
{
	(void)state;
	uint8_t h[64];
	struct aarch64_kernel k;
	struct error e;
	synth_image(h);
	assert_ok(parse(h, 64, IMG_LEN, &k, &e), &e);
	assert_int_equal(k.text_offset, 0);
	assert_int_equal(k.reserve, IMG_SIZE);
	assert_int_equal(k.file_bytes, IMG_LEN);
	assert_true(k.anywhere);
	assert_false(k.assumed);
	/* Not ANYWHERE; a page-multiple text_offset; image_size rounded up. */
	st(h, 24, 8, 1u << AARCH64_FLAG_PAGE_SIZE_SHIFT);
	st(h, 8, 8, 0x80000);
	st(h, 16, 8, IMG_SIZE + 1);
	assert_ok(parse(h, 64, IMG_LEN, &k, &e), &e);
	assert_false(k.anywhere);
	assert_int_equal(k.text_offset, 0x80000);
	assert_int_equal(k.reserve, IMG_SIZE + 4096);
	/* image_size may equal the file's length. */
	st(h, 16, 8, IMG_LEN);
	assert_ok(parse(h, 64, IMG_LEN, &k, &e), &e);
	assert_int_equal(k.reserve, (IMG_LEN + 4095) & ~4095ull);
	/* A 64-byte file holding only the header parses too. */
	st(h, 16, 8, 4096);
	assert_ok(parse(h, 64, 64, &k, &e), &e);
	assert_int_equal(k.reserve, 4096);
}

/* "Prior to v3.17 ... image_size is zero and text_offset is 0x80000". */
static void test_aarch64_parse_pre_3_17(void **state)
{
	(void)state;
	uint8_t h[64];
	struct aarch64_kernel k;
	struct error e;
	synth_image(h);
	st(h, 16, 8, 0);
	st(h, 8, 8, 0x12345); /* ignored for such kernels */
	st(h, 24, 8, AARCH64_FLAG_BE); /* flags too: they did not exist yet */
	assert_ok(parse(h, 64, MiB(8) + 0x123, &k, &e), &e);
	assert_true(k.assumed);
	assert_false(k.anywhere);
	assert_int_equal(k.text_offset, 0x80000);
	assert_int_equal(k.reserve, MiB(16));
	/* A file larger than the assumed 16 MiB reserves itself, page rounded. */
	assert_ok(parse(h, 64, MiB(20) + 1, &k, &e), &e);
	assert_int_equal(k.reserve, MiB(20) + 4096);
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
static const struct corruption c_bad_magic = { 56, 4, 0x644d5242, false, 0, "magic" };
static const struct corruption c_zboot = { 4, 4, 0x676d697a, false, 0, "zboot" };
static const struct corruption c_big_endian = { 24, 8, 0xb, false, 0, "big-endian" };
static const struct corruption c_text_offset_2m = { 8, 8, MiB(2), false, 0, "text_offset" };
static const struct corruption c_text_offset_odd = { 8, 8, 0x80800, false, 0, "text_offset" };
static const struct corruption c_image_size_small = { 16, 8, IMG_LEN - 1, false, 0,
						      "image_size" };
static const struct corruption c_image_size_4g = { 16, 8, GiB(4) + 1, false, 0, "image_size" };
static const struct corruption c_image_size_huge = { 16, 8, UINT64_MAX, false, 0, "image_size" };

static void run_corruption(void **state)
{
	const struct corruption *c = *state;
	uint8_t h[64];
	struct aarch64_kernel k;
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

/* The first 64 bytes of the Image in `path` (gzip-compressed or not:
 * gzread passes a plain file through) and the Image's length. */
static void read_image(const char *path, uint8_t *h, uint64_t *len, bool *gz)
{
	gzFile f = gzopen(path, "rb");
	if (!f)
		fail_msg("no arm64 kernel at %s: %s (make check-unit fetches it; or set "
			 "BOOTSHIM_TEST_KERNEL_AARCH64)", path, strerror(errno));
	static uint8_t buf[1 << 20];
	*len = 0;
	int got;
	while ((got = gzread(f, buf, sizeof(buf))) > 0) {
		if (*len < 64)
			memcpy(h + *len, buf, (size_t)got < 64 - *len ? (size_t)got : 64 - *len);
		*len += (uint64_t)got;
	}
	*gz = !gzdirect(f);
	int errnum;
	const char *msg = gzerror(f, &errnum);
	if (got < 0 || errnum != Z_OK) {
		gzclose(f);
		fail_msg("%s: %s", path, msg);
	}
	gzclose(f);
	if (*len < 64)
		fail_msg("%s: %llu bytes, not an Image", path, (unsigned long long)*len);
}

static void check_real_image(const char *path, const uint8_t *h, uint64_t len)
{
	struct aarch64_kernel k;
	struct error e;
	assert_ok(aarch64_parse_kernel(h, len, &k, &e), &e);
	assert_false(k.assumed);
	assert_true(k.reserve >= len && k.reserve % 4096 == 0);
	assert_int_equal(k.reserve, (ld(h, 16, 8) + 4095) & ~4095ull);
	assert_true(k.text_offset < MiB(2) && k.text_offset % 4096 == 0);
	assert_true(k.anywhere); /* every kernel since 4.6 sets bit 3 */
	print_message("real arm64 kernel %s: Image of %llu bytes, image_size 0x%llx, "
		      "text_offset 0x%llx\n",
		      path, (unsigned long long)len, (unsigned long long)k.reserve,
		      (unsigned long long)k.text_offset);
}

static void test_aarch64_parse_real_kernel(void **state)
{
	(void)state;
	const char *path = getenv("BOOTSHIM_TEST_KERNEL_AARCH64");
	if (!path || !*path)
		path = "build/debian/arm64/vmlinuz-cloud";
	uint8_t h[64];
	uint64_t len;
	bool gz;
	read_image(path, h, &len, &gz);
	check_real_image(path, h, len);
}

/* The same kernel gzip-compressed, as an Image.gz: read through zlib,
 * it parses exactly as the plain Image does. */
static void test_aarch64_parse_real_kernel_gz(void **state)
{
	(void)state;
	const char *path = getenv("BOOTSHIM_TEST_KERNEL_AARCH64");
	if (!path || !*path)
		path = "build/debian/arm64/vmlinuz-cloud";
	uint8_t h[64], hz[64];
	uint64_t len, lenz;
	bool gz;
	read_image(path, h, &len, &gz);
	char tmp[] = "/tmp/bootshim-unit-Image.gz.XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	gzFile out = gzdopen(fd, "wb1");
	gzFile in = gzopen(path, "rb");
	assert_non_null(out);
	assert_non_null(in);
	static uint8_t buf[1 << 20];
	int got;
	while ((got = gzread(in, buf, sizeof(buf))) > 0)
		assert_int_equal(gzwrite(out, buf, (unsigned)got), got);
	gzclose(in);
	assert_int_equal(gzclose(out), Z_OK);
	read_image(tmp, hz, &lenz, &gz);
	unlink(tmp);
	assert_true(gz);
	assert_int_equal(lenz, len);
	assert_memory_equal(hz, h, sizeof(h));
	check_real_image(tmp, hz, lenz);
}

#define CORRUPT_TEST(c) { "aarch64_parse_rejects_" #c, run_corruption, NULL, NULL, (void *)&c_##c }

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_aarch64_parse_valid),
	cmocka_unit_test(test_aarch64_parse_pre_3_17),
	CORRUPT_TEST(too_small),
	CORRUPT_TEST(empty),
	CORRUPT_TEST(bad_magic),
	CORRUPT_TEST(zboot),
	CORRUPT_TEST(big_endian),
	CORRUPT_TEST(text_offset_2m),
	CORRUPT_TEST(text_offset_odd),
	CORRUPT_TEST(image_size_small),
	CORRUPT_TEST(image_size_4g),
	CORRUPT_TEST(image_size_huge),
	cmocka_unit_test(test_aarch64_parse_real_kernel),
	cmocka_unit_test(test_aarch64_parse_real_kernel_gz),
};

const struct unit_suite aarch64_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
