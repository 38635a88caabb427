/* Freestanding replacements for the libc functions GCC may call even when
 * none are written out (struct copies, large initialisers). The copies are
 * weak: an arch may provide faster ones (arch/x86_64/string.c). */
#include "lib.h"

/* Bulk copies of payloads dominate the shim's run time: move words once
 * both ends are aligned, which is possible when they are equally
 * misaligned (-mstrict-align forbids unaligned words on aarch64, and with
 * its MMU off every access is to Device memory). 8 bytes a move where the
 * two ends agree modulo 8, else 4 where they agree modulo 4: libfdt's
 * memmoves inside a DTB, whose blocks are 4-byte aligned, are of the
 * second kind. */
#define COPY_WORDS(type, d, s, n)                                      \
	do {                                                           \
		for (; n && ((uintptr_t)d & (sizeof(type) - 1)); n--)  \
			*d++ = *s++;                                   \
		for (; n >= sizeof(type); n -= sizeof(type), d += sizeof(type), s += sizeof(type)) \
			*(type *)d = *(const type *)s;                 \
	} while (0)

__attribute__((weak)) void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	uintptr_t skew = (uintptr_t)d ^ (uintptr_t)s;
	if (!(skew & 7))
		COPY_WORDS(uint64_t, d, s, n);
	else if (!(skew & 3))
		COPY_WORDS(uint32_t, d, s, n);
	while (n--)
		*d++ = *s++;
	return dst;
}

/* Backwards, from the end, for memmove's overlapping case. */
#define COPY_WORDS_DOWN(type, d, s, n)                                 \
	do {                                                           \
		for (; n && ((uintptr_t)(d + n) & (sizeof(type) - 1)); n--) \
			d[n - 1] = s[n - 1];                           \
		for (; n >= sizeof(type); n -= sizeof(type))           \
			*(type *)(d + n - sizeof(type)) = *(const type *)(s + n - sizeof(type)); \
	} while (0)

__attribute__((weak)) void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with the destination above: backwards, so that each
	 * byte is read before it is overwritten; words as in memcpy. */
	uintptr_t skew = (uintptr_t)d ^ (uintptr_t)s;
	if (!(skew & 7))
		COPY_WORDS_DOWN(uint64_t, d, s, n);
	else if (!(skew & 3))
		COPY_WORDS_DOWN(uint32_t, d, s, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

__attribute__((weak)) void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint64_t v = (uint8_t)c * 0x0101010101010101ull;
	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = (uint8_t)c;
	for (; n >= 8; n -= 8, d += 8)
		*(uint64_t *)d = v;
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

int strcmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	return (uint8_t)*a - (uint8_t)*b;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* The rest serves Debian's libfdt.a, built for user space. */
void *memchr(const void *s, int c, size_t n)
{
	const uint8_t *p = s;
	for (; n; n--, p++)
		if (*p == (uint8_t)c)
			return (void *)p;
	return NULL;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2, base = 16;
	else if (base == 0)
		base = s[0] == '0' ? 8 : 10;
	for (;; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0'
			: *s >= 'a' && *s <= 'z' ? *s - 'a' + 10
			: *s >= 'A' && *s <= 'Z' ? *s - 'A' + 10 : 99;
		if (d >= base)
			break;
		v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end)
		*end = (char *)s;
	return v;
}
