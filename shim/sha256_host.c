/* The hosted builds' (tools, unit tests) side of shim/sha256.h's per-arch
 * set-up: user space already has SSE, so only the capability words are
 * set, from CPUID as OpenSSL's own OPENSSL_cpuid_setup would (AVX only
 * where the OS saves YMM state). Tests may overwrite OPENSSL_ia32cap_P
 * afterwards to run each of the block function's paths. */
#include <cpuid.h>

#include "openssl_sha256.h"
#include "sha256.h"

#define CPUID1_ECX_OSXSAVE (1u << 27)
#define XCR0_SSE_YMM 0x6u

unsigned int OPENSSL_ia32cap_P[4];
static bool host_ready;

void sha256_cpu_setup(void)
{
	unsigned a, b, c, d;
	if (host_ready)
		return;
	host_ready = true;
	__cpuid(1, a, b, c, d);
	unsigned cap0 = d | IA32CAP0_INTEL, cap1 = c, cap2 = 0, cap3 = 0;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		cap2 = b, cap3 = c;
	bool ymm = false;
	if (cap1 & CPUID1_ECX_OSXSAVE) {
		unsigned lo, hi;
		__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		ymm = (lo & XCR0_SSE_YMM) == XCR0_SSE_YMM;
	}
	if (!ymm)
		cap1 &= ~IA32CAP1_AVX, cap2 &= ~IA32CAP2_AVX2;
	OPENSSL_ia32cap_P[0] = cap0;
	OPENSSL_ia32cap_P[1] = cap1;
	OPENSSL_ia32cap_P[2] = cap2;
	OPENSSL_ia32cap_P[3] = cap3;
}

const char *sha256_cpu_name(void)
{
	return OPENSSL_ia32cap_P[2] & IA32CAP2_SHA ? "SHA extensions"
	       : (OPENSSL_ia32cap_P[2] & (IA32CAP2_AVX2 | IA32CAP2_BMI1 | IA32CAP2_BMI2)) ==
				 (IA32CAP2_AVX2 | IA32CAP2_BMI1 | IA32CAP2_BMI2)
		       ? "AVX2"
	       : OPENSSL_ia32cap_P[1] & IA32CAP1_AVX ? "AVX"
	       : OPENSSL_ia32cap_P[1] & IA32CAP1_SSSE3 ? "SSSE3" : "integer code";
}
