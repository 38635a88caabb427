/* shim/lib.c's freestanding copies (the ones the shim links where its arch
 * has no faster ones: aarch64, riscv64) against libc's, renamed beside
 * them; check_copies() is the one checker, arch/x86_64/string.c's test
 * (test_x86_64.c) uses it too. */
#include "unit.h"

#define memcpy lib_memcpy
#define memmove lib_memmove
#define memset lib_memset
#define memcmp lib_memcmp
#define strcmp lib_strcmp
#define strlen lib_strlen
#define memchr lib_memchr
#define strchr lib_strchr
#define strrchr lib_strrchr
#define strnlen lib_strnlen
#define strtoul lib_strtoul
/* The renamed definitions are this file's own: no header declares them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "lib.c"
#pragma GCC diagnostic pop
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strcmp
#undef strlen
#undef memchr
#undef strchr
#undef strrchr
#undef strnlen
#undef strtoul

/* Every length to 100 bytes (the word parts and the byte tails), every
 * source alignment mod 8, and every relative shift up to 20 bytes either
 * way (so ends that agree mod 8, mod 4 and neither; memmove's backward copy
 * when the destination is above), within guard bytes that must stay as
 * they were. */
void check_copies(const char *who, copy_fn *cpy, copy_fn *move, set_fn *set)
{
	enum { GUARD = 64, SPAN = 300 };
	static uint8_t a[SPAN], b[SPAN];
	uint32_t x = 1;
	for (size_t n = 0; n <= 100; n++)
		for (size_t so = 0; so < 8; so++)
			for (int shift = -20; shift <= 20; shift++) {
				size_t src = GUARD + so + 20, dst = (size_t)((ptrdiff_t)src + shift);
				for (size_t i = 0; i < SPAN; i++)
					a[i] = b[i] = (uint8_t)((x = x * 1103515245 + 12345) >> 16);
				move(a + dst, a + src, n);
				memmove(b + dst, b + src, n);
				if (memcmp(a, b, SPAN))
					fail_msg("%s memmove %zu bytes from +%zu to +%zu", who, n, src, dst);
				if ((size_t)abs(shift) >= n) { /* memcpy: no overlap */
					memcpy(a, b, SPAN);
					cpy(a + dst, a + src, n);
					memcpy(b + dst, b + src, n);
					if (memcmp(a, b, SPAN))
						fail_msg("%s memcpy %zu bytes from +%zu to +%zu", who, n,
							 src, dst);
				}
				set(a + dst, shift & 0xff, n);
				memset(b + dst, shift & 0xff, n);
				if (memcmp(a, b, SPAN))
					fail_msg("%s memset %zu bytes at +%zu", who, n, dst);
			}
}

static void test_lib_copies(void **state)
{
	(void)state;
	check_copies("shim/lib.c", lib_memcpy, lib_memmove, lib_memset);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_lib_copies),
};

const struct unit_suite lib_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
