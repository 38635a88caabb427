/* SHA-256 through Debian's OpenSSL objects (shim/sha256.c): the NIST
 * vectors (FIPS 180-4 examples, "SHA256.pdf" of the CSRC examples), and
 * every length around the padding edges against the host's sha256sum
 * (coreutils, an implementation independent of OpenSSL), for each of the
 * x86 block function's paths the host CPU has. */
#include "unit.h"

#include "openssl_sha256.h"
#include "sha256_ref.h"
#include "sha256.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void expect_sha256(const void *data, size_t len, const char *want)
{
	uint8_t d[SHA256_BYTES];
	char h[2 * SHA256_BYTES + 1];
	sha256(data, len, d);
	hex(d, sizeof(d), h);
	assert_string_equal(h, want);
}

/* The block function's paths (shim/openssl_sha256.h), as capability
 * words; a path the host lacks is skipped (cpu_has). */
struct path {
	const char *name;
	unsigned cap[4];
};
static const struct path paths[] = {
	{ "integer", { 0, 0, 0, 0 } },
	{ "SSSE3", { 0, IA32CAP1_SSSE3, 0, 0 } },
	{ "AVX", { IA32CAP0_INTEL, IA32CAP1_SSSE3 | IA32CAP1_AVX, 0, 0 } },
	{ "AVX2", { IA32CAP0_INTEL, IA32CAP1_SSSE3 | IA32CAP1_AVX,
		    IA32CAP2_AVX2 | IA32CAP2_BMI1 | IA32CAP2_BMI2, 0 } },
	{ "SHA", { 0, IA32CAP1_SSSE3, IA32CAP2_SHA, 0 } },
};

/* Whether the host (as sha256_cpu_setup found it) has a path's bits. */
static bool cpu_has(const struct path *p, const unsigned host[4])
{
	for (int i = 0; i < 4; i++)
		if ((p->cap[i] & host[i]) != p->cap[i])
			return false;
	return true;
}

/* Run fn once per path the host has, then restore the host's words. */
static void each_path(void (*fn)(const struct path *p))
{
	uint8_t d[SHA256_BYTES];
	sha256("", 0, d); /* sets the host's words up */
	unsigned host[4];
	memcpy(host, OPENSSL_ia32cap_P, sizeof(host));
	int ran = 0;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		if (!cpu_has(&paths[i], host))
			continue;
		memcpy(OPENSSL_ia32cap_P, paths[i].cap, sizeof(host));
		fn(&paths[i]);
		ran++;
	}
	memcpy(OPENSSL_ia32cap_P, host, sizeof(host));
	assert_true(ran >= 1);
}

static void nist(const struct path *p)
{
	(void)p;
	expect_sha256("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_sha256("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	expect_sha256(m448, strlen(m448),
		      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* One million 'a', fed in uneven pieces through sha256_update. */
	static char a[1000000];
	memset(a, 'a', sizeof(a));
	expect_sha256(a, sizeof(a),
		      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	struct sha256 c;
	uint8_t d[SHA256_BYTES];
	char h[2 * SHA256_BYTES + 1];
	sha256_init(&c);
	for (size_t off = 0, step = 1; off < sizeof(a); off += step, step = step * 3 % 1000 + 1)
		sha256_update(&c, a + off, off + step > sizeof(a) ? sizeof(a) - off : step);
	sha256_final(&c, d);
	hex(d, sizeof(d), h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_nist(void **state)
{
	(void)state;
	each_path(nist);
}

/* The padding edges: 55 bytes is the longest message whose length fits
 * in the same block, 56 spills the length into a second block, 64 is a
 * whole block; and the same again one block later. Misaligned starts go
 * through sha256.c's bounce buffer. */
static const size_t edge_lens[] = { 0, 1, 54, 55, 56, 57, 63, 64, 65, 118, 119, 120, 121,
				    127, 128, 129, 255, 256, 257, 1000, 4096 };
static char reference[ARRAY_SIZE(edge_lens)][2][2 * SHA256_BYTES + 1];

/* sha256sum over each length, from offset 0 and 3 of a patterned buffer. */
static void references(const uint8_t *buf)
{
	static bool done;
	if (done)
		return;
	done = true;
	for (size_t i = 0; i < ARRAY_SIZE(edge_lens); i++)
		for (int off = 0; off < 2; off++)
			sha256_ref_hex(buf + off * 3, edge_lens[i], reference[i][off]);
}

static void edges(const struct path *p)
{
	static uint8_t buf[4096 + 8];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	references(buf);
	for (size_t i = 0; i < ARRAY_SIZE(edge_lens); i++)
		for (int off = 0; off < 2; off++) {
			uint8_t d[SHA256_BYTES];
			char h[2 * SHA256_BYTES + 1];
			sha256(buf + off * 3, edge_lens[i], d);
			hex(d, sizeof(d), h);
			if (strcmp(h, reference[i][off]))
				fail_msg("%s path: %zu bytes at offset %d: %s, sha256sum says %s",
					 p->name, edge_lens[i], off * 3, h, reference[i][off]);
		}
}

static void test_sha256_padding_edges(void **state)
{
	(void)state;
	each_path(edges);
}

/* arm64's capability word from the ID registers, as QEMU 7.2's CPUs
 * report them (read at boot): -cpu max (ID_AA64ISAR0_EL1
 * 0x1221111110212120, SHA2 = 2; ID_AA64PFR0_EL1 0x1201001120110022, FP
 * and AdvSIMD 1, FP16) and -cpu cortex-a57 (0x11120, SHA2 = 1; 0x22);
 * then made-up ones: SHA2 0 (a core without the Crypto extension), no
 * AdvSIMD, no FP. */
static void test_sha256_armcap(void **state)
{
	(void)state;
	assert_int_equal(openssl_armcap(0x1221111110212120ull, 0x1201001120110022ull),
			 ARMCAP_NEON | ARMCAP_SHA256);
	assert_int_equal(openssl_armcap(0x11120ull, 0x22ull), ARMCAP_NEON | ARMCAP_SHA256);
	assert_int_equal(openssl_armcap(0x10120ull, 0x22ull), ARMCAP_NEON);
	assert_int_equal(openssl_armcap(0x11120ull, 0xf00022ull), 0);
	assert_int_equal(openssl_armcap(0x11120ull, 0x0f0022ull), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_sha256_armcap),
	cmocka_unit_test(test_sha256_nist),
	cmocka_unit_test(test_sha256_padding_edges),
};
const struct unit_suite sha256_suite = { tests, ARRAY_SIZE(tests) };
