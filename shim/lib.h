/* Basic types and the few C library functions the core uses.
 * Hosted builds (unit tests, fuzzers, the build-time checker) take them from
 * libc; the freestanding shim gets them from lib.c. */
#ifndef BOOTSHIM_LIB_H
#define BOOTSHIM_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
void *memchr(const void *s, int c, size_t n);
int strcmp(const char *a, const char *b);
/* Only for Debian's libfdt.a, built for user space (shim/lib.c). */
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strnlen(const char *s, size_t max);
unsigned long strtoul(const char *s, char **end, int base);
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

static inline bool is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

/* Round up to a power-of-two alignment; false on overflow. */
static inline bool align_up(uint64_t x, uint64_t align, uint64_t *out)
{
	uint64_t r;
	if (__builtin_add_overflow(x, align - 1, &r))
		return false;
	*out = r & ~(align - 1);
	return true;
}

static inline uint64_t align_down(uint64_t x, uint64_t align)
{
	return x & ~(align - 1);
}

/* [base, base+size) as an end address; false if it wraps. */
static inline bool range_end(uint64_t base, uint64_t size, uint64_t *end)
{
	return !__builtin_add_overflow(base, size, end);
}

static inline bool ranges_overlap(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	return asz && bsz && a < b + bsz && b < a + asz;
}

#endif
