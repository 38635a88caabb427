/* Freestanding replacements for the libc functions GCC may call even when
 * none are written out (struct copies, large initialisers). The copies are
 * weak: an arch may provide faster ones (arch/x86_64/string.c). */
#include "lib.h"

__attribute__((weak)) void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	/* Bulk copies of payloads dominate the shim's run time: move words. */
	while (n >= 8 && !(((uintptr_t)d | (uintptr_t)s) & 7)) {
		*(uint64_t *)d = *(const uint64_t *)s;
		d += 8, s += 8, n -= 8;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

__attribute__((weak)) void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

__attribute__((weak)) void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
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

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}
