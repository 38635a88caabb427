/* The part of OpenSSL's ABI the shim links against: libcrypto.a's
 * libcrypto-lib-sha256.o (SHA256_Init/Update/Final, OpenSSL 3.0's
 * crypto/sha/sha256.c) and the per-arch block function it calls
 * (sha256-x86_64.o, sha256-armv8.o), taken from Debian's libssl-dev.
 * Those objects leave undefined what a libcrypto would otherwise give
 * them: memcpy/memset (shim/lib.c, or libc), OPENSSL_cleanse (sha256.c)
 * and the CPU capability word their block function dispatches on, which
 * arch/<arch>/sha256_cpu.c (or shim/sha256_host.c) fills in. */
#ifndef BOOTSHIM_OPENSSL_SHA256_H
#define BOOTSHIM_OPENSSL_SHA256_H

#include "lib.h"

/* include/openssl/sha.h (3.0): SHA_LONG is unsigned int, SHA_LBLOCK 16. */
typedef struct SHA256state_st {
	unsigned int h[8];
	unsigned int Nl, Nh;
	unsigned int data[16];
	unsigned int num, md_len;
} SHA256_CTX;
_Static_assert(sizeof(SHA256_CTX) == 112, "OpenSSL 3.0's SHA256_CTX is 112 bytes");

int SHA256_Init(SHA256_CTX *c);
int SHA256_Update(SHA256_CTX *c, const void *data, size_t len);
int SHA256_Final(unsigned char *md, SHA256_CTX *c);

/* crypto/mem_clr.c: what SHA256_Final calls to wipe the context. */
void OPENSSL_cleanse(void *ptr, size_t len);

/* The capability words (crypto/x86_64cpuid.pl, include/crypto/arm_arch.h).
 * x86_64: [0] CPUID.1:EDX (bit 30: OpenSSL's "Intel CPU" mark),
 * [1] CPUID.1:ECX, [2] CPUID.(7,0):EBX, [3] CPUID.(7,0):ECX.
 * sha256_block_data_order picks: SHA extensions ([2] bit 29), else AVX2
 * ([2] bits 3, 5, 8: BMI1, AVX2, BMI2), else AVX ([0] bit 30 with [1]
 * bits 28 and 9), else SSSE3 ([1] bit 9), else the integer code.
 * aarch64: ARMV8_SHA256 (bit 4) selects the SHA-2 instructions, else
 * ARMV7_NEON (bit 0) the NEON code, else the integer code. */
extern unsigned int OPENSSL_ia32cap_P[4];
extern unsigned int OPENSSL_armcap_P;

#define IA32CAP0_INTEL (1u << 30)
#define IA32CAP1_SSSE3 (1u << 9)
#define IA32CAP1_AVX (1u << 28)
#define IA32CAP2_BMI1 (1u << 3)
#define IA32CAP2_AVX2 (1u << 5)
#define IA32CAP2_BMI2 (1u << 8)
#define IA32CAP2_SHA (1u << 29)
#define ARMCAP_NEON (1u << 0)
#define ARMCAP_SHA256 (1u << 4)

/* arm64's word from ID_AA64ISAR0_EL1 and ID_AA64PFR0_EL1 (Arm ARM, D19):
 * NEON when FP (bits 19:16) and AdvSIMD (23:20) are implemented (not
 * 0xF), and the SHA-2 instructions when also ISAR0.SHA2 (15:12) is 1
 * (SHA256*) or 2 (SHA512* too). A pure function, for the host tests;
 * arch/aarch64/sha256_cpu.c reads the registers. */
#define ID_AA64ISAR0_SHA2_SHIFT 12
#define ID_AA64PFR0_FP_SHIFT 16
#define ID_AA64PFR0_ADVSIMD_SHIFT 20
#define ID_AA64_FIELD_MASK 0xfu
#define ID_AA64_NOT_IMPLEMENTED 0xfu

static inline unsigned openssl_armcap(uint64_t isar0, uint64_t pfr0)
{
	unsigned fp = (unsigned)(pfr0 >> ID_AA64PFR0_FP_SHIFT) & ID_AA64_FIELD_MASK;
	unsigned simd = (unsigned)(pfr0 >> ID_AA64PFR0_ADVSIMD_SHIFT) & ID_AA64_FIELD_MASK;
	unsigned sha2 = (unsigned)(isar0 >> ID_AA64ISAR0_SHA2_SHIFT) & ID_AA64_FIELD_MASK;
	if (fp == ID_AA64_NOT_IMPLEMENTED || simd == ID_AA64_NOT_IMPLEMENTED)
		return 0;
	return ARMCAP_NEON | (sha2 >= 1 ? ARMCAP_SHA256 : 0);
}

#endif
