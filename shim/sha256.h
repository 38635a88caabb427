/* SHA-256 for measured boot and the build's PCR prediction: Debian's
 * OpenSSL (libcrypto.a's SHA256_* and its per-arch block function, which
 * uses the ARMv8 SHA-2 instructions where the CPU has them), linked
 * freestanding into the shim and hosted into tools and tests. */
#ifndef BOOTSHIM_SHA256_H
#define BOOTSHIM_SHA256_H

#include "lib.h"

#define SHA256_BYTES 32

/* Room for OpenSSL's SHA256_CTX (112 bytes; sha256.c checks the size).
 * 16-byte aligned: OpenSSL's arm64 SHA256_Init stores it with 128-bit
 * STP, which faults on a misaligned address while the MMU is off. */
struct sha256 {
	_Alignas(16) uint64_t opaque[16];
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
void sha256_final(struct sha256 *c, uint8_t out[SHA256_BYTES]);
/* One buffer, all at once. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_BYTES]);

/* Per arch (arch/<arch>/sha256_cpu.c; hosted builds: shim/sha256_host.c):
 * make the CPU ready for OpenSSL's code (FP/SIMD access) and set its
 * capability word, once, before the first hash. sha256_init calls it.
 * sha256_cpu_name says which block function runs, for the console. */
void sha256_cpu_setup(void);
const char *sha256_cpu_name(void);

#endif
