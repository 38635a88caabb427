/* A seed for the kernel's random pool (boot.rst: setup_data of type
 * SETUP_RNG_SEED, which the core builds from struct platform's seed), from
 * the CPU's own generator where CPUID reports one: RDSEED, whose output is
 * conditioned entropy, else RDRAND, a DRBG reseeded from it. */
#include "console.h"
#include "io.h"
#include "x86_64.h"

#define CPUID_FEATURES 0x1
#define CPUID_FEATURES_ECX_RDRAND (1u << 30)
#define CPUID_EXT_FEATURES 0x7
#define CPUID_EXT_FEATURES_EBX_RDSEED (1u << 18)
/* Intel's DRNG software implementation guide, 5.2.1: RDRAND failing 10
 * times in a row indicates a failure of the generator. RDSEED can run
 * dry under load: retry with PAUSE, here a bounded number of times. */
#define RDRAND_RETRIES 10
#define RDSEED_RETRIES 100

static bool rdseed64(uint64_t *v)
{
	for (int i = 0; i < RDSEED_RETRIES; i++) {
		bool ok;
		__asm__ volatile("rdseed %0" : "=r"(*v), "=@ccc"(ok));
		if (ok)
			return true;
		__asm__ volatile("pause");
	}
	return false;
}

static bool rdrand64(uint64_t *v)
{
	for (int i = 0; i < RDRAND_RETRIES; i++) {
		bool ok;
		__asm__ volatile("rdrand %0" : "=r"(*v), "=@ccc"(ok));
		if (ok)
			return true;
	}
	return false;
}

size_t x86_64_entropy(uint8_t *seed, size_t size)
{
	uint32_t max, a, b, c, d;
	cpuid(0, &max, &b, &c, &d);
	cpuid(CPUID_FEATURES, &a, &b, &c, &d);
	bool has_rdrand = c & CPUID_FEATURES_ECX_RDRAND, has_rdseed = false;
	if (max >= CPUID_EXT_FEATURES) {
		cpuid(CPUID_EXT_FEATURES, &a, &b, &c, &d);
		has_rdseed = b & CPUID_EXT_FEATURES_EBX_RDSEED;
	}
	size_t n = 0, from_seed = 0;
	uint64_t first = 0;
	bool varies = false;
	for (; n + sizeof(uint64_t) <= size; n += sizeof(uint64_t)) {
		uint64_t v;
		if (has_rdseed && rdseed64(&v))
			from_seed++;
		else if (!has_rdrand || !rdrand64(&v))
			break;
		if (!n)
			first = v;
		else if (v != first)
			varies = true;
		memcpy(seed + n, &v, sizeof(v));
	}
	/* A generator that returns one value over and over (as some have
	 * after a resume, all ones) is broken: no seed rather than that. */
	const char *none = !has_rdseed && !has_rdrand ? "the CPU has neither RDSEED nor RDRAND"
			   : "the CPU's generator failed";
	if (n > sizeof(uint64_t) && !varies) {
		none = "the CPU's generator returns one value over and over";
		n = 0;
	}
	memset(seed + n, 0, size - n);
	if (n)
		con_printf("bootshim: entropy: %zu bytes from %s\n", n,
			   from_seed * sizeof(uint64_t) == n ? "RDSEED"
			   : from_seed ? "RDSEED and RDRAND" : "RDRAND");
	else
		con_printf("bootshim: entropy: none (%s)\n", none);
	return n;
}
