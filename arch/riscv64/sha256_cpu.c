/* OpenSSL's SHA-256 on riscv64 (shim/sha256.c): the capability glue its
 * block function dispatches on.
 *
 * Debian 13's libcrypto.a (OpenSSL 3.5) gives riscv64 three objects for
 * SHA-256: sha256.o (SHA256_Init/Update/Final and the C block function
 * sha256_block_data_order_c), sha256-riscv64-zvkb-zvknha_or_zvknhb.o (the
 * vector crypto block function) and sha_riscv.o, whose
 * sha256_block_data_order picks between them: the vector one when
 * OPENSSL_riscvcap_P says Zvkb and Zvknha or Zvknhb and riscv_vlen() is
 * at least 128, else the C one. sha_riscv.o dispatches SHA-512 the same
 * way, so sha512.o and its vector object come along, unused. What the
 * glue leaves undefined is what libcrypto's riscvcap.o would give (it
 * reads getauxval and getenv, so it cannot be linked): the capability
 * words and riscv_vlen, here.
 *
 * Which block function: the C one, the capability words all zero. The
 * only other SHA-256 code OpenSSL 3.5 has for riscv64 is the vector
 * crypto one (scalar Zknh has none): it needs the vector unit on
 * (sstatus.VS), which the kernel expects off and which the shim would
 * have to manage, and Zvknha/Zvknhb, which QEMU 7.2's harts do not have.
 * The C code is built for Debian's rv64gc baseline (lp64d): the entry
 * has turned the FP unit on (img_entry.S). */
#include "openssl_sha256.h"
#include "sha256.h"
#include "riscv64.h"

unsigned int OPENSSL_riscvcap_P[OPENSSL_RISCVCAP_WORDS];

/* crypto/riscvcap.c: the vector length in bits, asked only when the
 * capability words name a vector extension, which they never do here. */
size_t riscv_vlen(void)
{
	return 0;
}

/* Nothing to set up: the capability words stay zero, and the FP unit the
 * C code may use is on from the entry on. */
void sha256_cpu_setup(void)
{
}

const char *sha256_cpu_name(void)
{
	return "integer code";
}
