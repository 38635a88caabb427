/* OpenSSL's SHA-256 on x86_64 (shim/sha256.c): SSE state and the
 * capability words its block function dispatches on.
 *
 * Debian's libcrypto-lib-sha256.o is compiled for the x86-64 baseline,
 * which includes SSE2: SHA256_Init and SHA256_Final clear the context
 * with MOVUPS/PXOR. Those raise #UD while CR4.OSFXSR is clear and #NM
 * while CR0.EM or CR0.TS is set, and the bare-metal entries (PVH, the
 * reset vector) start with OSFXSR clear. So before the first hash this
 * turns SSE on, as an OS does (Intel SDM vol. 3A, 13.1.3 "Initialization
 * of the SSE Extensions"): CR0.EM = 0, CR0.MP = 1, CR0.TS = 0,
 * CR4.OSFXSR = 1, CR4.OSXMMEXCPT = 1. UEFI firmware has done so already
 * (UEFI 2.10, 2.3.4: "SSE ... enabled"), and nothing is written then.
 * The kernel sets CR0 and CR4 itself; the shim's own C code stays
 * -mgeneral-regs-only.
 *
 * Which block function: the integer code. OpenSSL's SSSE3 path needs only
 * SSE (AVX and AVX2 would also need CR4.OSXSAVE and XCR0), but under
 * QEMU's TCG, where the tests and the bench run, each vector instruction
 * is a helper call: hashing 30 MiB took 359-758 ms with the integer code,
 * 607-1434 ms with SSSE3, AVX or AVX2 (README "SHA-256"). The SHA
 * extensions (SHA-NI) would pay on hardware, but QEMU 7.2's TCG has none. */
#include "openssl_sha256.h"
#include "sha256.h"

#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)

/* OpenSSL's symbol (crypto/x86_64cpuid.pl): all zero, the integer code. */
unsigned int OPENSSL_ia32cap_P[4];

void sha256_cpu_setup(void)
{
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (cr4 & CR4_OSFXSR)
		return;
	uint64_t cr0;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT));
}

const char *sha256_cpu_name(void)
{
	return "integer code";
}
