/* SHA-256 through Debian's OpenSSL objects (shim/openssl_sha256.h): the
 * shim calls SHA256_Init/Update/Final, whose block function is OpenSSL's
 * assembly for the arch (ARMv8 SHA-2 instructions where the CPU has them).
 * Nothing here hashes by itself. */
#include "openssl_sha256.h"
#include "sha256.h"

_Static_assert(sizeof(struct sha256) >= sizeof(SHA256_CTX), "struct sha256 holds a SHA256_CTX");
_Static_assert(_Alignof(struct sha256) >= _Alignof(SHA256_CTX), "struct sha256 is aligned for it");

/* What crypto/mem_clr.c does: a memset the compiler cannot drop. */
void OPENSSL_cleanse(void *ptr, size_t len)
{
	volatile uint8_t *p = ptr;
	while (len--)
		*p++ = 0;
}

static SHA256_CTX *ctx(struct sha256 *c)
{
	return (SHA256_CTX *)c->opaque;
}

void sha256_init(struct sha256 *c)
{
	static bool ready;
	if (!ready) {
		sha256_cpu_setup();
		ready = true;
	}
	SHA256_Init(ctx(c));
}

/* Input the block function reads in place must be word aligned: arm64's
 * reads it with LDP of 32-bit words, and with the MMU off (shim.img) all
 * memory is Device memory, where a misaligned access faults. Misaligned
 * input goes through an aligned bounce buffer (payload blobs are page
 * aligned, so this is the exception). */
#define SHA256_BOUNCE 256

void sha256_update(struct sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	if (!((uintptr_t)p & 7)) {
		SHA256_Update(ctx(c), p, len);
		return;
	}
	_Alignas(16) uint8_t buf[SHA256_BOUNCE];
	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);
		memcpy(buf, p, n);
		SHA256_Update(ctx(c), buf, n);
		p += n, len -= n;
	}
}

void sha256_final(struct sha256 *c, uint8_t out[SHA256_BYTES])
{
	/* SHA256_Final stores the digest a word at a time: aligned, then
	 * copied to wherever the caller wants it. */
	_Alignas(16) uint8_t md[SHA256_BYTES];
	SHA256_Final(md, ctx(c));
	memcpy(out, md, sizeof(md));
}

void sha256(const void *data, size_t len, uint8_t out[SHA256_BYTES])
{
	struct sha256 c;
	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, out);
}
