/* x86_64 copies with rep movs/stos: the payload copies dominate the shim's
 * own run time, and string instructions are the fast path on current CPUs
 * (ERMS) and under TCG alike. They override the weak ones in shim/lib.c. */
#include "lib.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8;
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
	n &= 7;
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with the destination above: copy backwards, the
	 * n % 8 bytes at the end first, then the quadwords below them.
	 * One statement, so that no compiled code runs with DF set. */
	size_t q = n / 8, r = n & 7;
	void *de = (uint8_t *)dst + n - 1;
	const void *se = (const uint8_t *)src + n - 1;
	__asm__ volatile("std\n\t"
			 "rep movsb\n\t"
			 "sub $7, %%rdi\n\t" /* from the last byte to the last quadword */
			 "sub $7, %%rsi\n\t"
			 "mov %3, %%rcx\n\t"
			 "rep movsq\n\t"
			 "cld"
			 : "+D"(de), "+S"(se), "+c"(r)
			 : "r"(q)
			 : "memory", "cc");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t q = n / 8;
	/* The byte in all eight lanes of %rax: one stosq stores eight. */
	uint64_t v = (uint8_t)c * 0x0101010101010101ull;
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
	n &= 7;
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(v) : "memory");
	return dst;
}
