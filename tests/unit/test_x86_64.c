/* x86_64_parse_kernel: a synthetic bzImage header, each single corruption of
 * it, and the real Debian kernel (make check-unit fetches it first; a
 * missing one fails the test, it is not skipped). Buffers are allocated at
 * their exact length so ASan catches any read past them. */
#include "unit.h"

#include <errno.h>
#include <sys/stat.h>

/* arch/x86_64/string.c, the shim's rep movs/stos copies, renamed beside
 * libc's (the host is x86_64 too). */
#define memcpy x86_64_memcpy
#define memmove x86_64_memmove
#define memset x86_64_memset
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
#include "x86_64/string.c"
#undef memcpy
#undef memmove
#undef memset

void synth_bzimage(uint8_t *b)
{
	memset(b, 0, SYNTH_SETUP_BYTES);
	b[0x1f1] = SYNTH_SETUP_SECTS;
	st(b, 0x1fe, 2, X86_64_BOOT_FLAG);
	b[0x200] = 0xeb;			/* jmp short */
	b[0x201] = SYNTH_HDR_END - 0x202;	/* header end = 0x202 + this */
	st(b, 0x202, 4, X86_64_HDR_MAGIC);
	st(b, 0x206, 2, 0x020f);
	b[0x211] = LOADED_HIGH;
	st(b, 0x22c, 4, SYNTH_INITRD_ADDR_MAX);
	st(b, 0x230, 4, SYNTH_ALIGN);
	b[0x234] = 1;				/* relocatable_kernel */
	st(b, 0x236, 2, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	st(b, 0x238, 4, SYNTH_CMDLINE_SIZE);
	st(b, 0x258, 8, SYNTH_PREF_ADDRESS);
	st(b, 0x260, 4, SYNTH_INIT_SIZE);
}

/* Parse `len` bytes of b (copied to an exact-size buffer). */
static int parse(const uint8_t *b, size_t len, uint64_t file_len, struct x86_64_kernel *k,
		 struct error *e)
{
	uint8_t *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, b, len);
	int rc = x86_64_parse_kernel(copy, len, file_len, k, e);
	free(copy);
	return rc;
}

static void test_x86_64_parse_valid(void **state)
{
	(void)state;
	uint8_t b[SYNTH_SETUP_BYTES];
	struct x86_64_kernel k;
	struct error e;
	synth_bzimage(b);
	assert_ok(parse(b, sizeof(b), SYNTH_FILE_LEN, &k, &e), &e);
	assert_int_equal(k.setup_bytes, SYNTH_SETUP_BYTES);
	assert_int_equal(k.body_bytes, SYNTH_BODY_BYTES);
	/* init_size (0x3378000) is larger than the body: it decides. */
	assert_int_equal(k.reserve, SYNTH_INIT_SIZE);
	assert_int_equal(k.align, SYNTH_ALIGN);
	assert_int_equal(k.min_addr, SYNTH_PREF_ADDRESS);
	assert_true(k.relocatable);
	assert_int_equal(k.initrd_max, (uint64_t)SYNTH_INITRD_ADDR_MAX + 1);
	assert_true(k.initrd_above_4g);
	assert_int_equal(k.cmdline_max, SYNTH_CMDLINE_SIZE);
	assert_int_equal(k.hdr_len, SYNTH_HDR_END - X86_64_SETUP_HDR_OFFSET);
	assert_int_equal(k.hdr.header, X86_64_HDR_MAGIC);
	assert_int_equal(k.hdr.version, 0x020f);
	assert_int_equal(k.hdr.init_size, SYNTH_INIT_SIZE);
}

static void test_x86_64_parse_setup_sects_zero_means_4(void **state)
{
	(void)state;
	uint8_t b[SYNTH_SETUP_BYTES];
	struct x86_64_kernel k;
	struct error e;
	synth_bzimage(b);
	b[0x1f1] = 0;
	assert_ok(parse(b, sizeof(b), SYNTH_FILE_LEN, &k, &e), &e);
	assert_int_equal(k.setup_bytes, 5 * 512);
	assert_int_equal(k.body_bytes, SYNTH_FILE_LEN - 5 * 512);
	/* And a non-zero value is taken as is: 7 sectors + the boot sector. */
	b[0x1f1] = 7;
	assert_ok(parse(b, sizeof(b), SYNTH_FILE_LEN, &k, &e), &e);
	assert_int_equal(k.setup_bytes, 8 * 512);
	assert_int_equal(k.body_bytes, SYNTH_FILE_LEN - 8 * 512);
}

/* reserve = max(body, init_size), rounded up to a page. */
static void test_x86_64_parse_reserve_is_body_when_larger(void **state)
{
	(void)state;
	uint8_t b[SYNTH_SETUP_BYTES];
	struct x86_64_kernel k;
	struct error e;
	synth_bzimage(b);
	st(b, 0x260, 4, 0x1000); /* init_size smaller than the body */
	assert_ok(parse(b, sizeof(b), SYNTH_FILE_LEN, &k, &e), &e);
	assert_int_equal(k.body_bytes, 0x800123);
	assert_int_equal(k.reserve, 0x801000);
	/* An unaligned init_size that wins is rounded up too. */
	st(b, 0x260, 4, 0x900001);
	assert_ok(parse(b, sizeof(b), SYNTH_FILE_LEN, &k, &e), &e);
	assert_int_equal(k.reserve, 0x901000);
}

static void test_x86_64_parse_initrd_max_inclusive(void **state)
{
	(void)state;
	uint8_t b[SYNTH_SETUP_BYTES];
	struct x86_64_kernel k;
	struct error e;
	synth_bzimage(b);
	st(b, 0x22c, 4, 0xffffffff); /* the last byte below 4 GiB may be used */
	assert_ok(parse(b, sizeof(b), SYNTH_FILE_LEN, &k, &e), &e);
	assert_int_equal(k.initrd_max, GiB(4));
}

static void test_x86_64_parse_flags(void **state)
{
	(void)state;
	uint8_t b[SYNTH_SETUP_BYTES];
	struct x86_64_kernel k;
	struct error e;
	synth_bzimage(b);
	b[0x234] = 0;
	st(b, 0x236, 2, XLF_KERNEL_64);
	assert_ok(parse(b, sizeof(b), SYNTH_FILE_LEN, &k, &e), &e);
	assert_false(k.relocatable);
	assert_false(k.initrd_above_4g);
}

/* Protocol 2.12 whose header ends right after init_size: the bytes after it
 * belong to the setup code, not the header, and must read as zero. */
static void test_x86_64_parse_short_header_cleared(void **state)
{
	(void)state;
	uint8_t b[SYNTH_SETUP_BYTES];
	struct x86_64_kernel k;
	struct error e;
	synth_bzimage(b);
	st(b, 0x206, 2, 0x020c);
	b[0x201] = 0x264 - 0x202;
	memset(b + 0x264, 0xa5, 8); /* handover_offset, kernel_info_offset */
	assert_ok(parse(b, sizeof(b), SYNTH_FILE_LEN, &k, &e), &e);
	assert_int_equal(k.hdr_len, 0x264 - X86_64_SETUP_HDR_OFFSET);
	assert_int_equal(k.hdr.handover_offset, 0);
	assert_int_equal(k.hdr.kernel_info_offset, 0);
	assert_int_equal(k.hdr.init_size, SYNTH_INIT_SIZE);
}

/* The header is all that need be in the buffer: the rest of the setup part
 * and the body may be elsewhere (file_len says how long the file is). */
static void test_x86_64_parse_header_only_buffer(void **state)
{
	(void)state;
	uint8_t b[SYNTH_SETUP_BYTES];
	struct x86_64_kernel k;
	struct error e;
	synth_bzimage(b);
	assert_ok(parse(b, SYNTH_HDR_END, SYNTH_FILE_LEN, &k, &e), &e);
	assert_int_equal(k.reserve, SYNTH_INIT_SIZE);
}

/* pref_address + reserve may end exactly at 4 GiB, not one page further. */
static void test_x86_64_parse_pref_address_4g_edge(void **state)
{
	(void)state;
	uint8_t b[SYNTH_SETUP_BYTES];
	struct x86_64_kernel k;
	struct error e;
	synth_bzimage(b);
	st(b, 0x258, 8, GiB(4) - SYNTH_INIT_SIZE);
	assert_ok(parse(b, sizeof(b), SYNTH_FILE_LEN, &k, &e), &e);
	st(b, 0x258, 8, GiB(4) - SYNTH_INIT_SIZE + 0x1000);
	assert_fails_mentioning(parse(b, sizeof(b), SYNTH_FILE_LEN, &k, &e), &e,
				"pref_address");
}

/* ------------------------------------------------ single corruptions */

struct corruption {
	void (*mutate)(uint8_t *b, size_t *len, uint64_t *file_len);
	const char *field;  /* the error must mention this */
	const char *field2; /* and this, if set */
};

static void bad_boot_flag(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x1fe, 2, 0xaa56);
}
static void bad_magic(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	memcpy(b + 0x202, "HdrT", 4);
}
static void old_version(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x206, 2, 0x020b);
}
static void no_kernel_64(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x236, 2, XLF_CAN_BE_LOADED_ABOVE_4G);
}
static void no_loaded_high(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	b[0x211] = 0x80; /* CAN_USE_HEAP only */
}
static void setup_sects_past_end(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l;
	b[0x1f1] = 255; /* 256 * 512 = 128 KiB of setup in a 64 KiB file */
	*f = KiB(64);
}
static void setup_sects_whole_file(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)b, (void)l;
	*f = SYNTH_SETUP_BYTES; /* setup only, no protected-mode code at all */
}
static void align_not_pow2(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x230, 4, 0x300000);
}
static void align_zero(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x230, 4, 0);
}
static void init_size_zero(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x260, 4, 0);
}
static void beyond_4g(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x258, 8, 0xfff00000);
}
static void pref_address_huge(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x258, 8, 0xfffffffffffff000ull); /* + init_size wraps */
}
static void pref_address_unaligned(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x258, 8, SYNTH_PREF_ADDRESS + 0x200);
}
static void cmdline_size_zero(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x238, 4, 0);
}
static void initrd_max_low(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	st(b, 0x22c, 4, 0xffffe);
}
static void truncated_file(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)b;
	*l = 0x201;
	*f = 0x201;
}
static void truncated_buffer(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)b, (void)f;
	*l = 0x201; /* the file is long, but only 0x201 bytes were given */
}
static void header_end_past_buffer(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)b, (void)f;
	*l = SYNTH_HDR_END - 1;
}
static void header_end_past_file(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)b;
	*l = SYNTH_SETUP_BYTES;
	*f = SYNTH_HDR_END - 1; /* buf_len is clamped to the file */
}
static void header_end_before_magic(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	b[0x201] = 0; /* header "ends" at 0x202, before its own magic */
}
static void header_end_before_init_size(uint8_t *b, size_t *l, uint64_t *f)
{
	(void)l, (void)f;
	b[0x201] = 0x250 - 0x202;
}

#define CORRUPTION(fn, what, what2)                                                   \
	static const struct corruption c_##fn = { fn, what, what2 };

CORRUPTION(bad_boot_flag, "boot_flag", NULL)
CORRUPTION(bad_magic, "magic", NULL)
CORRUPTION(old_version, "protocol", "2.11")
CORRUPTION(no_kernel_64, "XLF_KERNEL_64", NULL)
CORRUPTION(no_loaded_high, "LOADED_HIGH", NULL)
CORRUPTION(setup_sects_past_end, "setup_sects", NULL)
CORRUPTION(setup_sects_whole_file, "setup_sects", NULL)
CORRUPTION(align_not_pow2, "kernel_alignment", NULL)
CORRUPTION(align_zero, "kernel_alignment", NULL)
CORRUPTION(init_size_zero, "init_size", NULL)
CORRUPTION(beyond_4g, "pref_address", "4 GiB")
CORRUPTION(pref_address_huge, "pref_address", "4 GiB")
CORRUPTION(pref_address_unaligned, "pref_address", "aligned")
CORRUPTION(cmdline_size_zero, "cmdline_size", NULL)
CORRUPTION(initrd_max_low, "initrd_addr_max", NULL)
CORRUPTION(truncated_file, "too small", NULL)
CORRUPTION(truncated_buffer, "too small", NULL)
CORRUPTION(header_end_past_buffer, "header end", NULL)
CORRUPTION(header_end_past_file, "header end", NULL)
CORRUPTION(header_end_before_magic, "header end", NULL)
CORRUPTION(header_end_before_init_size, "init_size", NULL)

static void run_corruption(void **state)
{
	const struct corruption *c = *state;
	uint8_t b[SYNTH_SETUP_BYTES];
	size_t len = sizeof(b);
	uint64_t file_len = SYNTH_FILE_LEN;
	struct x86_64_kernel k;
	struct error e;
	/* The unmodified image parses: the corruption alone is what fails. */
	synth_bzimage(b);
	assert_ok(parse(b, len, file_len, &k, &e), &e);
	c->mutate(b, &len, &file_len);
	assert_fails_mentioning(parse(b, len, file_len, &k, &e), &e, c->field);
	if (c->field2)
		assert_err_mentions(&e, c->field2);
	/* Every message is "kernel: <detail>". */
	assert_int_equal(strncmp(e.msg, "kernel: ", 8), 0);
}

/* When only a truncated buffer is given, the message should describe the
 * buffer that was too small, not claim the (large) file is. */
static void test_x86_64_truncated_buffer_message(void **state)
{
	(void)state;
	uint8_t b[SYNTH_SETUP_BYTES];
	struct x86_64_kernel k;
	struct error e;
	synth_bzimage(b);
	assert_fails_mentioning(parse(b, 0x100, SYNTH_FILE_LEN, &k, &e), &e, "too small");
	assert_err_mentions(&e, "256 bytes");
}

/* ------------------------------------------------ the real kernel */

static void test_x86_64_parse_real_kernel(void **state)
{
	(void)state;
	const char *path = getenv("BOOTSHIM_TEST_KERNEL");
	if (!path || !*path)
		path = "build/debian/amd64/vmlinuz-cloud";
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("no kernel at %s: %s (make check-unit fetches it; or set "
			 "BOOTSHIM_TEST_KERNEL)", path, strerror(errno));
	struct stat sb;
	assert_int_equal(fstat(fileno(f), &sb), 0);
	size_t len = sb.st_size < (off_t)KiB(64) ? (size_t)sb.st_size : KiB(64);
	uint8_t *b = malloc(len);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, len, f), len);
	fclose(f);

	struct x86_64_kernel k;
	struct error e;
	assert_ok(x86_64_parse_kernel(b, len, (uint64_t)sb.st_size, &k, &e), &e);
	unsigned sects = b[0x1f1] ? b[0x1f1] : 4;
	assert_int_equal(k.setup_bytes, (sects + 1) * 512);
	assert_int_equal(k.body_bytes, (uint64_t)sb.st_size - k.setup_bytes);
	size_t hdr_len = 0x202 + (size_t)b[0x201] - 0x1f1;
	assert_int_equal(k.hdr_len, hdr_len < sizeof(k.hdr) ? hdr_len : sizeof(k.hdr));
	assert_true(k.hdr.version >= X86_64_MIN_PROTOCOL);
	assert_true(is_pow2(k.align) && k.align >= KiB(4) && k.align <= GiB(1));
	assert_true(k.reserve >= k.body_bytes && k.reserve >= k.hdr.init_size);
	assert_int_equal(k.reserve % 4096, 0);
	assert_true(k.reserve < k.body_bytes + k.hdr.init_size + 4096);
	assert_true(k.min_addr >= MiB(1) && k.min_addr + k.reserve <= GiB(4));
	assert_int_equal(k.min_addr, ld(b, 0x258, 8));
	assert_int_equal(k.initrd_max, ld(b, 0x22c, 4) + 1);
	assert_true(k.initrd_max > MiB(16));
	assert_true(k.cmdline_max >= 255);
	/* A distribution kernel is relocatable and 64-bit. */
	assert_true(k.relocatable);
	assert_true(k.hdr.xloadflags & XLF_KERNEL_64);
	print_message("real kernel %s: protocol %u.%02u, setup %llu, body %llu, reserve 0x%llx, "
		      "align 0x%llx, pref 0x%llx\n",
		      path, k.hdr.version >> 8, k.hdr.version & 0xff,
		      (unsigned long long)k.setup_bytes, (unsigned long long)k.body_bytes,
		      (unsigned long long)k.reserve, (unsigned long long)k.align,
		      (unsigned long long)k.min_addr);
	free(b);
}

#define CORRUPT_TEST(fn) { "x86_64_parse_rejects_" #fn, run_corruption, NULL, NULL, (void *)&c_##fn }

/* arch/x86_64/string.c's rep movs/stos copies against libc's. */
static void test_x86_64_string_copies(void **state)
{
	(void)state;
	check_copies("arch/x86_64/string.c", x86_64_memcpy, x86_64_memmove, x86_64_memset);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_x86_64_string_copies),
	cmocka_unit_test(test_x86_64_parse_valid),
	cmocka_unit_test(test_x86_64_parse_setup_sects_zero_means_4),
	cmocka_unit_test(test_x86_64_parse_reserve_is_body_when_larger),
	cmocka_unit_test(test_x86_64_parse_initrd_max_inclusive),
	cmocka_unit_test(test_x86_64_parse_flags),
	cmocka_unit_test(test_x86_64_parse_short_header_cleared),
	cmocka_unit_test(test_x86_64_parse_header_only_buffer),
	cmocka_unit_test(test_x86_64_parse_pref_address_4g_edge),
	CORRUPT_TEST(bad_boot_flag),
	CORRUPT_TEST(bad_magic),
	CORRUPT_TEST(old_version),
	CORRUPT_TEST(no_kernel_64),
	CORRUPT_TEST(no_loaded_high),
	CORRUPT_TEST(setup_sects_past_end),
	CORRUPT_TEST(setup_sects_whole_file),
	CORRUPT_TEST(align_not_pow2),
	CORRUPT_TEST(align_zero),
	CORRUPT_TEST(init_size_zero),
	CORRUPT_TEST(beyond_4g),
	CORRUPT_TEST(pref_address_huge),
	CORRUPT_TEST(pref_address_unaligned),
	CORRUPT_TEST(cmdline_size_zero),
	CORRUPT_TEST(initrd_max_low),
	CORRUPT_TEST(truncated_file),
	CORRUPT_TEST(truncated_buffer),
	CORRUPT_TEST(header_end_past_buffer),
	CORRUPT_TEST(header_end_past_file),
	CORRUPT_TEST(header_end_before_magic),
	CORRUPT_TEST(header_end_before_init_size),
	cmocka_unit_test(test_x86_64_truncated_buffer_message),
	cmocka_unit_test(test_x86_64_parse_real_kernel),
};

const struct unit_suite x86_64_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
