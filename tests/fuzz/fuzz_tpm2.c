/* libFuzzer: the TPM response parsers (shim/tpm2.c) and the TIS FIFO
 * driver's receive path (shim/tpm_tis.c), every byte untrusted.
 *
 * Byte 0 picks the target, the rest is a TPM response:
 *   0  tpm2_parse_pcrs (TPM2_GetCapability(TPM_CAP_PCRS))
 *   1  tpm2_parse_pcr_extend
 *   2  tpm2_parse_response (the header)
 *   3  one TPM2_PCR_Extend through tis_submit, against a simulated TIS
 *      whose FIFO holds the response (byte 1: burstCount - 1, then the
 *      response)
 *   4  tpm2_parse_platform_hierarchy_off (TPM2_HierarchyControl)
 * 0, 1 and 4 are judged against reference parsers written here from the
 * TPM 2.0 Library's Part 2 and 3 tables, independently of shim/tpm2.c:
 * the same bytes must be accepted or refused alike, with the same banks
 * and the same "disabled already".
 * 3 must give back exactly responseSize bytes of the FIFO, never read
 * the FIFO past its data and never overrun the response buffer. */
#include "fuzz.h"
#include "tpm2.h"
#include "tpm_tis.h"
#include "memmap_check.h"

static uint32_t be(const uint8_t *p, int n)
{
	uint32_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Header: tag one of the two, size == n, success, and the tag wanted. */
MM_NOCOV static bool ref_header(const uint8_t *b, size_t n, uint32_t want_tag)
{
	return n >= 10 && (be(b, 2) == 0x8001 || be(b, 2) == 0x8002) && be(b + 2, 4) == n &&
	       be(b + 6, 4) == 0 && be(b, 2) == want_tag;
}

MM_NOCOV static int ref_pcrs(const uint8_t *b, size_t n, uint16_t *alg, size_t cap, size_t *cnt)
{
	*cnt = 0;
	if (!ref_header(b, n, 0x8001) || n < 19 || b[10] > 1 || be(b + 11, 4) != 5)
		return -1;
	uint32_t count = be(b + 15, 4);
	size_t p = 19;
	for (uint32_t i = 0; i < count; i++) {
		if (n - p < 3 || b[p + 2] > 32 || n - p - 3 < b[p + 2])
			return -1;
		unsigned any = 0;
		for (unsigned j = 0; j < b[p + 2]; j++)
			any |= b[p + 3 + j];
		if (any) {
			if (*cnt == cap)
				return -1;
			alg[(*cnt)++] = (uint16_t)be(b + p, 2);
		}
		p += 3 + b[p + 2];
	}
	return p == n ? 0 : -1;
}

MM_NOCOV static int ref_extend(const uint8_t *b, size_t n)
{
	if (!ref_header(b, n, 0x8002) || n < 14)
		return -1;
	uint64_t p = 14 + (uint64_t)be(b + 10, 4); /* parameters skipped */
	if (p + 2 > n)
		return -1;
	p += 2 + be(b + p, 2); /* nonceTPM */
	if (p + 3 > n)
		return -1;
	p += 3 + be(b + p + 1, 2); /* attributes, hmac */
	return p == n ? 0 : -1;
}

/* TPM2_HierarchyControl: the PCR_Extend shape on success, or a bare
 * header with TPM_RC_HIERARCHY: format one (bit 7) and error number 5 in
 * bits 0-5, whatever the position bits 6 and 8-11 say. */
MM_NOCOV static int ref_ph_off(const uint8_t *b, size_t n, bool *already)
{
	uint32_t rc = n >= 10 ? be(b + 6, 4) : 0;
	*already = n == 10 && (be(b, 2) == 0x8001 || be(b, 2) == 0x8002) && be(b + 2, 4) == 10 &&
		   (rc >> 7 & 1) && (rc & 0x3f) == 5;
	return *already ? 0 : ref_extend(b, n);
}

/* The simulated TIS for target 3: commands are swallowed, the FIFO holds
 * the fuzzer's response. */
static struct {
	const uint8_t *rsp;
	size_t len, off;
	unsigned burst;
	bool go;
	size_t cmd;
} tis;

static uint32_t t_read32(uint64_t a)
{
	if (a == 0x18) {
		uint32_t v = 0x80 | 1u << 26;
		if (!tis.go)
			return v | 0x40 | tis.burst << 8 | (tis.cmd && tis.cmd < 65 ? 0x08 : 0);
		size_t left = tis.len - tis.off;
		if (left)
			v |= 0x10 | (uint32_t)(left < tis.burst ? left : tis.burst) << 8;
		return v;
	}
	return a == 0xf00 ? 0x00011014 : 0;
}

static uint8_t t_read8(uint64_t a)
{
	if (a == 0x24) {
		MM_CHECK(tis.go && tis.off < tis.len); /* never past the data */
		return tis.rsp[tis.off++];
	}
	return 0xa0; /* ACCESS: valid, active */
}

static void t_write8(uint64_t a, uint8_t v)
{
	if (a == 0x24)
		tis.cmd++;
	if (a == 0x18 && v == 0x20)
		tis.go = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *b = data + 1;
	size_t n = size - 1;
	struct error e;
	uint16_t alg[4], ralg[4];
	size_t cnt, rcnt;
	int r;
	memset(e.msg, 0xff, sizeof(e.msg));
	switch (data[0]) {
	case 0: {
		r = tpm2_parse_pcrs(b, n, alg, 4, &cnt, &e);
		int want = ref_pcrs(b, n, ralg, 4, &rcnt);
		MM_CHECK(r == want);
		if (!r) {
			MM_CHECK(cnt == rcnt);
			MM_CHECK(!memcmp(alg, ralg, cnt * sizeof(alg[0])));
		}
		break;
	}
	case 1:
		r = tpm2_parse_pcr_extend(b, n, &e);
		MM_CHECK(r == ref_extend(b, n));
		break;
	case 2: {
		uint32_t rc;
		r = tpm2_parse_response(b, n, &rc, &e);
		MM_CHECK(r == (n >= 10 && (be(b, 2) == 0x8001 || be(b, 2) == 0x8002) &&
				       be(b + 2, 4) == n ? 0 : -1));
		MM_CHECK(r || rc == be(b + 6, 4));
		break;
	}
	case 3: {
		if (n < 1)
			return 0;
		tis = (typeof(tis)){ .rsp = b + 1, .len = n - 1, .burst = b[0] + 1u };
		struct tpm_tis t = { .base = 0, .read8 = t_read8, .read32 = t_read32,
				     .write8 = t_write8, .poll_limit = 4 };
		uint8_t d[32] = { 0 };
		t.t.submit = tis_submit;
		r = tpm2_pcr_extend_sha256(&t.t, 11, d, &e);
		/* Success needs the FIFO to hold exactly a well-formed response. */
		MM_CHECK(r == (tis.len >= 10 && be(tis.rsp + 2, 4) == tis.len &&
				       ref_extend(tis.rsp, tis.len) == 0 ? 0 : -1) ||
			 (r == -1 && tis.len > TPM2_MAX_BUFFER));
		break;
	}
	case 4: {
		bool already, ralready;
		r = tpm2_parse_platform_hierarchy_off(b, n, &already, &e);
		MM_CHECK(r == ref_ph_off(b, n, &ralready));
		MM_CHECK(r || already == ralready);
		break;
	}
	default:
		return 0;
	}
	/* An error is one NUL-terminated message. */
	MM_CHECK(!r || memchr(e.msg, '\0', sizeof(e.msg)));
	return 0;
}
