/* fmt_snprintf and the error convention built on it. */
#include "unit.h"

/* Format into a 64-byte buffer and compare; also checks the return value
 * is the full length. */
#define EXPECT_FMT(want, ...)                                                       \
	do {                                                                        \
		char b_[64];                                                        \
		memset(b_, 'X', sizeof(b_));                                        \
		size_t n_ = fmt_snprintf(b_, sizeof(b_), __VA_ARGS__);              \
		assert_string_equal(b_, want);                                      \
		assert_int_equal(n_, strlen(want));                                 \
	} while (0)

static void test_fmt_strings(void **state)
{
	(void)state;
	EXPECT_FMT("plain", "plain");
	EXPECT_FMT("a=b c", "a=%s c", "b");
	const char *volatile null = NULL; /* hidden from gcc's format checks */
	EXPECT_FMT("(null)", "%s", null);
	EXPECT_FMT("   ab|", "%5s|", "ab");
	EXPECT_FMT("abcdef", "%3s", "abcdef");
	EXPECT_FMT("x", "%c", 'x');
	EXPECT_FMT("100%", "100%%");
}

static void test_fmt_signed(void **state)
{
	(void)state;
	EXPECT_FMT("0", "%d", 0);
	EXPECT_FMT("42", "%d", 42);
	EXPECT_FMT("-42", "%d", -42);
	EXPECT_FMT("-2147483648", "%d", INT32_MIN);
	EXPECT_FMT("2147483647", "%i", INT32_MAX);
	EXPECT_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT_FMT("-1", "%ld", -1L);
	EXPECT_FMT("  -42", "%5d", -42);
}

/* C's printf puts the sign before the zero padding: "-0042". */
static void test_fmt_signed_zero_pad(void **state)
{
	(void)state;
	EXPECT_FMT("00042", "%05d", 42);
	EXPECT_FMT("-0042", "%05d", -42);
}

static void test_fmt_unsigned(void **state)
{
	(void)state;
	EXPECT_FMT("4294967295", "%u", UINT32_MAX);
	EXPECT_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT_FMT("ff", "%x", 255u);
	EXPECT_FMT("FF", "%X", 255u);
	EXPECT_FMT("ffffffff", "%x", -1); /* %x takes an unsigned int, not 64 bits */
	EXPECT_FMT("123456789abcdef0", "%llx", 0x123456789abcdef0ull);
	EXPECT_FMT("00000000deadbeef", "%016llx", 0xdeadbeefull);
	EXPECT_FMT("0x0000f00", "0x%07x", 0xf00u);
	EXPECT_FMT("    1f", "%6x", 0x1fu);
	EXPECT_FMT("12345678901", "%zu", (size_t)12345678901ull);
	EXPECT_FMT("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	EXPECT_FMT("0x1000", "%p", (void *)0x1000);
	EXPECT_FMT("0x0", "%p", (void *)0);
}

static void test_fmt_odd_conversions(void **state)
{
	(void)state;
	char b[16];
	/* An unknown conversion is shown, not guessed; a trailing '%' ends. */
	const char *unknown = "%q";
	assert_int_equal(fmt_snprintf(b, sizeof(b), unknown, 0), 2);
	assert_string_equal(b, "%q");
	const char *trail = "ab%";
	assert_int_equal(fmt_snprintf(b, sizeof(b), trail, 0), 2);
	assert_string_equal(b, "ab");
}

static void test_fmt_truncation(void **state)
{
	(void)state;
	char b[8];
	memset(b, 'X', sizeof(b));
	/* Returns the full length, writes size-1 bytes and a NUL. */
	assert_int_equal(fmt_snprintf(b, sizeof(b), "%s-%d", "abcdef", 12345), 12);
	assert_string_equal(b, "abcdef-");
	/* Exactly fitting. */
	assert_int_equal(fmt_snprintf(b, sizeof(b), "1234567"), 7);
	assert_string_equal(b, "1234567");
	/* Size 1: just the NUL. */
	memset(b, 'X', sizeof(b));
	assert_int_equal(fmt_snprintf(b, 1, "hello"), 5);
	assert_int_equal(b[0], '\0');
	assert_int_equal(b[1], 'X');
	/* Size 0: nothing written at all (b + 8 would be past the array). */
	memset(b, 'X', sizeof(b));
	assert_int_equal(fmt_snprintf(b, 0, "hello"), 5);
	assert_int_equal(b[0], 'X');
	/* Truncation in the middle of a number. */
	char *h = malloc(5); /* exact size: ASan catches an overrun */
	assert_non_null(h);
	assert_int_equal(fmt_snprintf(h, 5, "%016llx", 0x1234ull), 16);
	assert_string_equal(h, "0000");
	free(h);
}

static void test_fmt_error_convention(void **state)
{
	(void)state;
	struct error e;
	/* cmocka's fail() is a macro; the parentheses reach the core's. */
	assert_int_equal((fail)(&e, "kernel", "init_size is %d", 0), -1);
	assert_string_equal(e.msg, "kernel: init_size is 0");
	/* A detail longer than the buffer is cut, still NUL-terminated. */
	char big[400];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal((fail)(&e, "what", "%s", big), -1);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	assert_int_equal(strncmp(e.msg, "what: aaa", 9), 0);
	/* So is a `what` longer than the buffer. */
	assert_int_equal((fail)(&e, big, "detail"), -1);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_fmt_strings),
	cmocka_unit_test(test_fmt_signed),
	cmocka_unit_test(test_fmt_signed_zero_pad),
	cmocka_unit_test(test_fmt_unsigned),
	cmocka_unit_test(test_fmt_odd_conversions),
	cmocka_unit_test(test_fmt_truncation),
	cmocka_unit_test(test_fmt_error_convention),
};

const struct unit_suite fmt_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
