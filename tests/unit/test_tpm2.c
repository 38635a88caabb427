/* TPM 2.0 commands (shim/tpm2.c): marshalling byte for byte, and the
 * parsers against responses recorded from swtpm (tpm2/recorded.h, written
 * by tpm2/record.py) and against damaged copies of them. */
#include "unit.h"

#include "measure.h"
#include "tpm2_fake.h"

#include "tpm2/recorded.h"

static void test_tpm2_marshal(void **state)
{
	(void)state;
	uint8_t c[TPM2_MAX_BUFFER];
	/* TPM_ST_NO_SESSIONS, 12 bytes, TPM_CC_Startup, TPM_SU_CLEAR. */
	static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0 };
	assert_int_equal(tpm2_marshal_startup(c, TPM2_SU_CLEAR), sizeof(startup));
	assert_memory_equal(c, startup, sizeof(startup));
	/* TPM_CC_GetCapability(TPM_CAP_PCRS, property 0, propertyCount 1). */
	static const uint8_t getcap[] = { 0x80, 0x01, 0, 0, 0, 22, 0, 0, 0x01, 0x7a, 0, 0, 0, 5,
					  0, 0, 0, 0, 0, 0, 0, 1 };
	assert_int_equal(tpm2_marshal_get_capability_pcrs(c), sizeof(getcap));
	assert_memory_equal(c, getcap, sizeof(getcap));
	/* TPM_CC_PCR_Extend: TPM_ST_SESSIONS, 65 bytes, PCR 11, a 9-byte
	 * password session (TPM_RS_PW, empty nonce, attributes 0, empty
	 * hmac), one TPMT_HA of TPM_ALG_SHA256 and its 32 bytes. */
	uint8_t d[32];
	for (int i = 0; i < 32; i++)
		d[i] = (uint8_t)(0xa0 + i);
	static const uint8_t extend[33] = { 0x80, 0x02, 0, 0, 0, 65, 0, 0, 0x01, 0x82,
					    0, 0, 0, 11, 0, 0, 0, 9, 0x40, 0, 0, 0x09,
					    0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0x0b };
	assert_int_equal(tpm2_marshal_pcr_extend_sha256(c, 11, d), 65);
	assert_memory_equal(c, extend, sizeof(extend));
	assert_memory_equal(c + 33, d, 32);
	/* TPM_CC_HierarchyControl: TPM_ST_SESSIONS, 32 bytes, authHandle
	 * TPM_RH_PLATFORM, the same password session, enable TPM_RH_PLATFORM
	 * (phEnable, not TPM_RH_PLATFORM_NV 0x4000000d), state NO. */
	static const uint8_t ph_off[] = { 0x80, 0x02, 0, 0, 0, 32, 0, 0, 0x01, 0x21,
					  0x40, 0, 0, 0x0c, 0, 0, 0, 9, 0x40, 0, 0, 0x09,
					  0, 0, 0, 0, 0, 0x40, 0, 0, 0x0c, 0 };
	assert_int_equal(tpm2_marshal_platform_hierarchy_off(c), sizeof(ph_off));
	assert_memory_equal(c, ph_off, sizeof(ph_off));
}

static void test_tpm2_recorded(void **state)
{
	(void)state;
	struct error err;
	uint16_t alg[8];
	size_t n;
	assert_ok(tpm2_parse_pcrs(rsp_getcap_default_banks, sizeof(rsp_getcap_default_banks), alg,
				  8, &n, &err), &err);
	assert_int_equal(n, 4);
	assert_int_equal(alg[0], TPM2_ALG_SHA1);
	assert_int_equal(alg[1], TPM2_ALG_SHA256);
	assert_int_equal(alg[2], TPM2_ALG_SHA384);
	assert_int_equal(alg[3], TPM2_ALG_SHA512);
	/* swtpm_setup --pcr-banks sha256: the others listed, none selected. */
	assert_ok(tpm2_parse_pcrs(rsp_getcap_sha256_only, sizeof(rsp_getcap_sha256_only), alg, 8,
				  &n, &err), &err);
	assert_int_equal(n, 1);
	assert_int_equal(alg[0], TPM2_ALG_SHA256);
	/* Room for fewer banks than are active: refused, not truncated. */
	assert_fails_mentioning(tpm2_parse_pcrs(rsp_getcap_default_banks,
						sizeof(rsp_getcap_default_banks), alg, 2, &n, &err),
				&err, "more than 2 active PCR banks");
	assert_ok(tpm2_parse_pcr_extend(rsp_pcr_extend, sizeof(rsp_pcr_extend), &err), &err);
	assert_fails_mentioning(tpm2_parse_pcr_extend(rsp_pcr_extend_bad_pcr,
						      sizeof(rsp_pcr_extend_bad_pcr), &err),
				&err, "response code 0x184");
	assert_fails_mentioning(tpm2_parse_pcrs(rsp_getcap_before_startup,
						sizeof(rsp_getcap_before_startup), alg, 8, &n, &err),
				&err, "TPM_RC_INITIALIZE");
	uint32_t rc;
	assert_ok(tpm2_parse_response(rsp_startup_again, sizeof(rsp_startup_again), &rc, &err),
		  &err);
	assert_int_equal(rc, TPM2_RC_INITIALIZE);

	/* TPM2_HierarchyControl: done; refused with TPM_RC_HIERARCHY on
	 * handle 1 (0x185) the second time, which counts as done already;
	 * with a platformAuth set before, TPM_RC_BAD_AUTH on session 1. */
	bool already = true;
	assert_ok(tpm2_parse_platform_hierarchy_off(rsp_ph_disable, sizeof(rsp_ph_disable),
						    &already, &err), &err);
	assert_false(already);
	assert_ok(tpm2_parse_platform_hierarchy_off(rsp_ph_disable_again,
						    sizeof(rsp_ph_disable_again), &already, &err),
		  &err);
	assert_true(already);
	assert_fails_mentioning(tpm2_parse_platform_hierarchy_off(rsp_ph_disable_bad_auth,
								  sizeof(rsp_ph_disable_bad_auth),
								  &already, &err),
				&err, "TPM2_HierarchyControl(TPM_RH_PLATFORM, NO): response code "
				      "0x9a2 (TPM_RC_BAD_AUTH");
	assert_fails_mentioning(tpm2_parse_platform_hierarchy_off(rsp_startup_again,
								  sizeof(rsp_startup_again),
								  &already, &err),
				&err, "response code 0x100 (TPM_RC_INITIALIZE");
	/* The two responses share a shape: each parser takes the other's. */
	assert_ok(tpm2_parse_pcr_extend(rsp_ph_disable, sizeof(rsp_ph_disable), &err), &err);
	assert_ok(tpm2_parse_platform_hierarchy_off(rsp_pcr_extend, sizeof(rsp_pcr_extend),
						    &already, &err), &err);
	assert_fails_mentioning(tpm2_parse_pcr_extend(rsp_ph_disable_again,
						      sizeof(rsp_ph_disable_again), &err),
				&err, "TPM2_PCR_Extend: response code 0x185 (TPM_RC_HIERARCHY");

	/* swtpm's PCR 11 after the recorded extend is pcr_extend's value. */
	uint8_t pcr[32] = { 0 }, digest[32];
	sha256("bootshim kernel", 15, digest);
	pcr_extend(pcr, digest);
	assert_memory_equal(rsp_pcr_read_11 + sizeof(rsp_pcr_read_11) - 32, pcr, 32);
}

/* The commands through a transport: what is sent, what is concluded. */
static void test_tpm2_commands(void **state)
{
	(void)state;
	struct tpm2_fake f;
	struct error err;
	bool b;
	const struct fake_rsp seq[] = {
		FAKE_RSP(rsp_getcap_before_startup), FAKE_RSP(rsp_startup),
		FAKE_RSP(rsp_startup_again),	     FAKE_RSP(rsp_getcap_default_banks),
		FAKE_RSP(rsp_pcr_extend),	     FAKE_RSP(rsp_pcr_extend_bad_pcr),
	};
	tpm2_fake_init(&f, seq, ARRAY_SIZE(seq));
	assert_ok(tpm2_is_started(&f.t, &b, &err), &err);
	assert_false(b);
	assert_ok(tpm2_startup_clear(&f.t, &b, &err), &err);
	assert_false(b);
	assert_ok(tpm2_startup_clear(&f.t, &b, &err), &err);
	assert_true(b);
	assert_ok(tpm2_is_started(&f.t, &b, &err), &err);
	assert_true(b);
	uint8_t d[32] = { 1 };
	assert_ok(tpm2_pcr_extend_sha256(&f.t, 11, d, &err), &err);
	assert_fails_mentioning(tpm2_pcr_extend_sha256(&f.t, 30, d, &err), &err,
				"TPM2_PCR_Extend: response code 0x184");
	assert_int_equal(tpm2_fake_cc(&f, 0), TPM2_CC_GET_CAPABILITY);
	assert_int_equal(tpm2_fake_cc(&f, 1), TPM2_CC_STARTUP);
	assert_int_equal(tpm2_fake_cc(&f, 4), TPM2_CC_PCR_EXTEND);
	assert_int_equal(f.cmd_len[4], 65);
	assert_memory_equal(f.cmd[4] + 33, d, 32);

	/* TPM2_HierarchyControl: the marshalled bytes, what each answer means. */
	const struct fake_rsp ph[] = { FAKE_RSP(rsp_ph_disable), FAKE_RSP(rsp_ph_disable_again),
				       FAKE_RSP(rsp_ph_disable_bad_auth), { NULL, 0, 1 } };
	uint8_t c[TPM2_MAX_BUFFER];
	tpm2_fake_init(&f, ph, ARRAY_SIZE(ph));
	assert_ok(tpm2_disable_platform_hierarchy(&f.t, &b, &err), &err);
	assert_false(b);
	assert_int_equal(f.cmd_len[0], tpm2_marshal_platform_hierarchy_off(c));
	assert_memory_equal(f.cmd[0], c, f.cmd_len[0]);
	assert_ok(tpm2_disable_platform_hierarchy(&f.t, &b, &err), &err);
	assert_true(b);
	assert_fails_mentioning(tpm2_disable_platform_hierarchy(&f.t, &b, &err), &err,
				"TPM2_HierarchyControl(TPM_RH_PLATFORM, NO): response code 0x9a2");
	assert_fails_mentioning(tpm2_disable_platform_hierarchy(&f.t, &b, &err), &err,
				"submit fails");
	assert_int_equal(tpm2_fake_cc(&f, 3), TPM2_CC_HIERARCHY_CONTROL);

	/* A transport error is passed on; Startup refused otherwise. */
	const struct fake_rsp broken[] = { { NULL, 0, 1 }, FAKE_RSP(rsp_pcr_extend_bad_pcr) };
	tpm2_fake_init(&f, broken, 2);
	assert_fails_mentioning(tpm2_startup_clear(&f.t, &b, &err), &err, "submit fails");
	assert_fails_mentioning(tpm2_startup_clear(&f.t, &b, &err), &err,
				"TPM2_Startup(TPM_SU_CLEAR): response code 0x184");
}

/* Big-endian stores for the damaged copies. */
static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
	p[3] = (uint8_t)v;
}

static void test_tpm2_hostile(void **state)
{
	(void)state;
	struct error err;
	uint16_t alg[8];
	size_t n;
	uint8_t b[64];
	/* Every truncation of each recorded success, with the size field
	 * telling the truth about the shorter response or not. */
	for (size_t len = 0; len < sizeof(rsp_getcap_default_banks); len++) {
		memcpy(b, rsp_getcap_default_banks, sizeof(rsp_getcap_default_banks));
		assert_int_equal(tpm2_parse_pcrs(b, len, alg, 8, &n, &err), -1);
		if (len >= 6) {
			be32(b + 2, (uint32_t)len);
			assert_int_equal(tpm2_parse_pcrs(b, len, alg, 8, &n, &err), -1);
		}
	}
	for (size_t len = 0; len < sizeof(rsp_pcr_extend); len++) {
		memcpy(b, rsp_pcr_extend, sizeof(rsp_pcr_extend));
		assert_int_equal(tpm2_parse_pcr_extend(b, len, &err), -1);
		if (len >= 6) {
			be32(b + 2, (uint32_t)len);
			assert_int_equal(tpm2_parse_pcr_extend(b, len, &err), -1);
		}
	}
	/* The same for TPM2_HierarchyControl's success and TPM_RC_HIERARCHY. */
	bool already;
	const struct {
		const uint8_t *rsp;
		size_t len;
	} ph[] = { { rsp_ph_disable, sizeof(rsp_ph_disable) },
		   { rsp_ph_disable_again, sizeof(rsp_ph_disable_again) } };
	for (size_t i = 0; i < ARRAY_SIZE(ph); i++) {
		for (size_t len = 0; len < ph[i].len; len++) {
			memcpy(b, ph[i].rsp, ph[i].len);
			assert_int_equal(tpm2_parse_platform_hierarchy_off(b, len, &already, &err),
					 -1);
			if (len >= 6) {
				be32(b + 2, (uint32_t)len);
				assert_int_equal(tpm2_parse_platform_hierarchy_off(b, len, &already,
										   &err), -1);
			}
		}
	}
	/* TPM_RC_HIERARCHY: the spec's masking (Part 2, 6.6), and nothing
	 * after the header. */
	static const uint32_t hierarchy[] = { 0x085, 0x185, 0x1c5, 0x985 };
	for (size_t i = 0; i < ARRAY_SIZE(hierarchy); i++) {
		memcpy(b, rsp_ph_disable_again, 10);
		be32(b + 6, hierarchy[i]);
		already = false;
		assert_ok(tpm2_parse_platform_hierarchy_off(b, 10, &already, &err), &err);
		assert_true(already);
	}
	/* Format zero (bit 7 clear) with the same low bits; format one with
	 * another error: TPM_RC_VALUE on handle 1 and on parameter 1,
	 * TPM_RC_AUTH_TYPE, TPM_RC_BAD_AUTH on session 1. */
	static const uint32_t not_hierarchy[] = { 0x005, 0x105, 0x045, 0x184, 0x1c4, 0x0a4, 0x9a2 };
	for (size_t i = 0; i < ARRAY_SIZE(not_hierarchy); i++) {
		memcpy(b, rsp_ph_disable_again, 10);
		be32(b + 6, not_hierarchy[i]);
		assert_int_equal(tpm2_parse_platform_hierarchy_off(b, 10, &already, &err), -1);
		assert_non_null(strstr(err.msg, "response code 0x"));
	}
	memcpy(b, rsp_ph_disable_again, 10);
	b[10] = 0;
	be32(b + 2, 11);
	assert_fails_mentioning(tpm2_parse_platform_hierarchy_off(b, 11, &already, &err), &err,
				"TPM2_HierarchyControl(TPM_RH_PLATFORM, NO): 1 bytes left after");
	be32(b + 2, 12);
	assert_fails_mentioning(tpm2_parse_platform_hierarchy_off(b, 11, &already, &err), &err,
				"responseSize 12, but 11 bytes came");
	/* Success with the wrong tag, and the sizes inside, named for it. */
	const size_t pl = sizeof(rsp_ph_disable);
	memcpy(b, rsp_ph_disable, pl);
	b[1] = 0x01;
	assert_fails_mentioning(tpm2_parse_platform_hierarchy_off(b, pl, &already, &err), &err,
				"TPM2_HierarchyControl(TPM_RH_PLATFORM, NO): response tag 0x8001, "
				"expected 0x8002");
	memcpy(b, rsp_ph_disable, pl);
	be32(b + 10, 0xffffffff);
	assert_fails_mentioning(tpm2_parse_platform_hierarchy_off(b, pl, &already, &err), &err,
				"TPM2_HierarchyControl(TPM_RH_PLATFORM, NO): parameterSize "
				"4294967295 exceeds the 5 bytes left");
	memcpy(b, rsp_ph_disable, pl);
	b[14] = 0, b[15] = 4;
	assert_fails_mentioning(tpm2_parse_platform_hierarchy_off(b, pl, &already, &err), &err,
				"nonceTPM.size 4 exceeds the 3 bytes left");
	memcpy(b, rsp_ph_disable, pl);
	b[17] = 0x80;
	assert_fails_mentioning(tpm2_parse_platform_hierarchy_off(b, pl, &already, &err), &err,
				"hmac.size 32768 exceeds the 0 bytes left");

	/* A size field that lies either way. */
	memcpy(b, rsp_pcr_extend, sizeof(rsp_pcr_extend));
	be32(b + 2, sizeof(rsp_pcr_extend) + 1);
	assert_fails_mentioning(tpm2_parse_pcr_extend(b, sizeof(rsp_pcr_extend), &err), &err,
				"responseSize 20, but 19 bytes came");
	be32(b + 2, 9);
	assert_fails_mentioning(tpm2_parse_pcr_extend(b, sizeof(rsp_pcr_extend), &err), &err,
				"responseSize 9");
	/* A trailing byte the size field covers. */
	memcpy(b, rsp_pcr_extend, sizeof(rsp_pcr_extend));
	b[sizeof(rsp_pcr_extend)] = 0;
	be32(b + 2, sizeof(rsp_pcr_extend) + 1);
	assert_fails_mentioning(tpm2_parse_pcr_extend(b, sizeof(rsp_pcr_extend) + 1, &err), &err,
				"1 bytes left after");
	/* Tag. */
	memcpy(b, rsp_pcr_extend, sizeof(rsp_pcr_extend));
	b[1] = 0x03;
	assert_fails_mentioning(tpm2_parse_pcr_extend(b, sizeof(rsp_pcr_extend), &err), &err,
				"tag 0x8003");
	b[1] = 0x01;
	assert_fails_mentioning(tpm2_parse_pcr_extend(b, sizeof(rsp_pcr_extend), &err), &err,
				"tag 0x8001, expected 0x8002");
	/* parameterSize, nonceTPM.size and hmac.size past the end. */
	memcpy(b, rsp_pcr_extend, sizeof(rsp_pcr_extend));
	be32(b + 10, 100);
	assert_fails_mentioning(tpm2_parse_pcr_extend(b, sizeof(rsp_pcr_extend), &err), &err,
				"parameterSize 100");
	memcpy(b, rsp_pcr_extend, sizeof(rsp_pcr_extend));
	b[14] = 0xff, b[15] = 0xff;
	assert_fails_mentioning(tpm2_parse_pcr_extend(b, sizeof(rsp_pcr_extend), &err), &err,
				"nonceTPM.size 65535");
	memcpy(b, rsp_pcr_extend, sizeof(rsp_pcr_extend));
	b[18] = 1;
	assert_fails_mentioning(tpm2_parse_pcr_extend(b, sizeof(rsp_pcr_extend), &err), &err,
				"hmac.size 1");
	/* GetCapability: count, sizeofSelect, capability, moreData. */
	const size_t gl = sizeof(rsp_getcap_default_banks);
	memcpy(b, rsp_getcap_default_banks, gl);
	be32(b + 15, 0xffffffff);
	assert_fails_mentioning(tpm2_parse_pcrs(b, gl, alg, 8, &n, &err), &err,
				"TPML_PCR_SELECTION.count 4294967295");
	memcpy(b, rsp_getcap_default_banks, gl);
	b[21] = 33;
	assert_fails_mentioning(tpm2_parse_pcrs(b, gl, alg, 8, &n, &err), &err,
				"sizeofSelect 33 of bank 0x0004");
	memcpy(b, rsp_getcap_default_banks, gl);
	b[21] = 30;
	assert_fails_mentioning(tpm2_parse_pcrs(b, gl, alg, 8, &n, &err), &err, "pcrSelect");
	memcpy(b, rsp_getcap_default_banks, gl);
	b[14] = 6;
	assert_fails_mentioning(tpm2_parse_pcrs(b, gl, alg, 8, &n, &err), &err, "capability 0x6");
	memcpy(b, rsp_getcap_default_banks, gl);
	b[10] = 2;
	assert_fails_mentioning(tpm2_parse_pcrs(b, gl, alg, 8, &n, &err), &err, "moreData 2");
	assert_string_equal(tpm2_alg_name(TPM2_ALG_SHA384), "SHA-384");
	assert_string_equal(tpm2_alg_name(0x99), "unknown");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tpm2_marshal),
	cmocka_unit_test(test_tpm2_recorded),
	cmocka_unit_test(test_tpm2_commands),
	cmocka_unit_test(test_tpm2_hostile),
};
const struct unit_suite tpm2_suite = { tests, ARRAY_SIZE(tests) };
