/* tpm_measurer (shim/tpm_measure.c) over a fake transport answering with
 * swtpm's recorded responses, and measure_boot (shim/measure_boot.c) with
 * a recording measurer: which commands, in which order, which events,
 * what the console says. */
#include "unit.h"

#include "boot.h"
#include "measure.h"
#include "sha256_ref.h"
#include "tpm2_fake.h"
#include "tpm_measure.h"
#include "version.h"

#include "tpm2/recorded.h"

static const uint8_t self_bytes[] = "the shim's code";
static const struct blob self = { self_bytes, sizeof(self_bytes) };

static void test_tpm_measurer_firmware(void **state)
{
	(void)state;
	struct tpm2_fake f;
	struct tpm_measurer tm;
	struct tcg_log log;
	struct error err;
	static uint8_t area[4096];
	const char *why = NULL;
	const struct fake_rsp seq[] = { FAKE_RSP(rsp_startup), FAKE_RSP(rsp_ph_disable),
					FAKE_RSP(rsp_getcap_default_banks), FAKE_RSP(rsp_pcr_extend),
					FAKE_RSP(rsp_pcr_extend) };
	tpm2_fake_init(&f, seq, ARRAY_SIZE(seq));
	assert_ok(tcg_log_init(&log, area, 0, sizeof(area), &err), &err);
	con_capture_reset();
	assert_ok(tpm_measurer_init(&tm, &f.t, &log, true, &self, "TPM 2.0 TIS", &why, &err), &err);
	assert_null(why);
	assert_string_equal(tm.m.name, "TPM 2.0 TIS");
	/* Startup first, the platform hierarchy off, then the banks, then
	 * PCR 0 with the shim's digest. */
	assert_int_equal(f.next, 4);
	assert_int_equal(tpm2_fake_cc(&f, 0), TPM2_CC_STARTUP);
	uint8_t c[TPM2_MAX_BUFFER];
	assert_int_equal(f.cmd_len[1], tpm2_marshal_platform_hierarchy_off(c));
	assert_memory_equal(f.cmd[1], c, f.cmd_len[1]);
	assert_int_equal(tpm2_fake_cc(&f, 2), TPM2_CC_GET_CAPABILITY);
	assert_int_equal(tpm2_fake_cc(&f, 3), TPM2_CC_PCR_EXTEND);
	assert_int_equal(f.cmd[3][13], PCR_SHIM_CODE);
	uint8_t d[32];
	sha256_ref(self_bytes, sizeof(self_bytes), d);
	assert_memory_equal(f.cmd[3] + 33, d, 32);
	assert_non_null(strstr(con_capture, "bootshim: measured boot: platform hierarchy "
					    "disabled\n"));
	/* Every other active bank named. */
	assert_non_null(strstr(con_capture, "PCR bank SHA-1 (0x0004) is active but only SHA-256"));
	assert_non_null(strstr(con_capture, "PCR bank SHA-384 (0x000c)"));
	assert_non_null(strstr(con_capture, "PCR bank SHA-512 (0x000d)"));
	assert_null(strstr(con_capture, "SHA-256 (0x000b)"));
	/* The PCR 0 event in the log: EV_POST_CODE, "bootshim <version>". */
	const uint8_t *e = area + 65;
	assert_int_equal(e[0], 0);
	assert_int_equal(e[4], EV_POST_CODE);
	assert_memory_equal(e + 14, d, 32);
	assert_int_equal(e[46], strlen("bootshim " BOOTSHIM_VERSION));
	assert_memory_equal(e + 50, "bootshim " BOOTSHIM_VERSION, e[46]);

	/* extend(): the digest to the TPM, then to the log. */
	struct measure_event ev = { .pcr = 11, .type = EV_IPL, .desc = "bootshim initrd",
				    .part = { { (const uint8_t *)"abc", 3 } }, .n_part = 1 };
	size_t used = log.used;
	assert_ok(tm.m.extend(&tm.m, &ev, &err), &err);
	assert_int_equal(f.cmd[4][13], 11);
	sha256_ref("abc", 3, d);
	assert_memory_equal(f.cmd[4] + 33, d, 32);
	assert_int_equal(log.used, used + 50 + 15);
	assert_memory_equal(area + used + 14, d, 32);
}

static void test_tpm_measurer_cases(void **state)
{
	(void)state;
	struct tpm2_fake f;
	struct tpm_measurer tm;
	struct error err;
	const char *why = NULL;

	/* Firmware, but the TPM was started already: a warning, then on. A
	 * shim before disabled the platform hierarchy: TPM_RC_HIERARCHY,
	 * which counts as done. */
	const struct fake_rsp again[] = { FAKE_RSP(rsp_startup_again),
					  FAKE_RSP(rsp_ph_disable_again),
					  FAKE_RSP(rsp_getcap_sha256_only), FAKE_RSP(rsp_pcr_extend) };
	tpm2_fake_init(&f, again, ARRAY_SIZE(again));
	con_capture_reset();
	assert_ok(tpm_measurer_init(&tm, &f.t, NULL, true, &self, "t", &why, &err), &err);
	assert_non_null(strstr(con_capture, "warning: measured boot: the TPM was started already"));
	assert_non_null(strstr(con_capture, "bootshim: measured boot: platform hierarchy disabled "
					    "(already: TPM_RC_HIERARCHY)\n"));
	assert_null(strstr(con_capture, "PCR bank")); /* SHA-256 alone */
	assert_int_equal(f.next, 4);

	/* The platform hierarchy refused (a platformAuth set by someone
	 * else), or the transport failing on that command: a warning, and
	 * measuring goes on. */
	const struct fake_rsp refused[] = { FAKE_RSP(rsp_startup), FAKE_RSP(rsp_ph_disable_bad_auth),
					    FAKE_RSP(rsp_getcap_sha256_only), FAKE_RSP(rsp_pcr_extend),
					    FAKE_RSP(rsp_startup), { NULL, 0, 1 },
					    FAKE_RSP(rsp_getcap_sha256_only), FAKE_RSP(rsp_pcr_extend) };
	tpm2_fake_init(&f, refused, ARRAY_SIZE(refused));
	con_capture_reset();
	assert_ok(tpm_measurer_init(&tm, &f.t, NULL, true, &self, "t", &why, &err), &err);
	assert_non_null(strstr(con_capture, "bootshim: warning: measured boot: "
					    "TPM2_HierarchyControl(TPM_RH_PLATFORM, NO): response "
					    "code 0x9a2 (TPM_RC_BAD_AUTH"));
	assert_non_null(strstr(con_capture, "): the platform hierarchy stays enabled\n"));
	assert_null(strstr(con_capture, "platform hierarchy disabled"));
	assert_int_equal(f.next, 4);
	assert_int_equal(tpm2_fake_cc(&f, 3), TPM2_CC_PCR_EXTEND);
	con_capture_reset();
	assert_ok(tpm_measurer_init(&tm, &f.t, NULL, true, &self, "t", &why, &err), &err);
	assert_non_null(strstr(con_capture, "bootshim: warning: measured boot: fake transport: "
					    "submit fails: "
					    "the platform hierarchy stays enabled\n"));
	assert_int_equal(f.next, 8);
	assert_int_equal(tpm2_fake_cc(&f, 7), TPM2_CC_PCR_EXTEND);

	/* After another firmware: a TPM nobody started is left alone. */
	const struct fake_rsp unstarted[] = { FAKE_RSP(rsp_getcap_before_startup) };
	tpm2_fake_init(&f, unstarted, 1);
	assert_int_equal(tpm_measurer_init(&tm, &f.t, NULL, false, NULL, "t", &why, &err), 1);
	assert_string_equal(why, "the TPM was not started by the firmware");
	assert_int_equal(f.next, 1); /* no Startup, no extend */

	/* A started one: the banks, and no PCR 0 event. */
	const struct fake_rsp started[] = { FAKE_RSP(rsp_getcap_sha256_only),
					    FAKE_RSP(rsp_getcap_sha256_only) };
	tpm2_fake_init(&f, started, 2);
	why = NULL;
	con_capture_reset();
	assert_ok(tpm_measurer_init(&tm, &f.t, NULL, false, NULL, "t", &why, &err), &err);
	assert_int_equal(f.next, 2); /* the platform hierarchy is that firmware's */
	assert_int_equal(tpm2_fake_cc(&f, 1), TPM2_CC_GET_CAPABILITY);
	assert_null(strstr(con_capture, "platform hierarchy"));
	assert_null(why);

	static uint8_t no256[sizeof(rsp_getcap_sha256_only)];
	memcpy(no256, rsp_getcap_sha256_only, sizeof(no256));
	no256[28] = 0; /* the SHA-256 bank's first pcrSelect byte... */
	no256[29] = 0, no256[30] = 0;
	/* No SHA-256 bank: off, with the reason; the platform hierarchy is
	 * disabled all the same (a firmware's duty, measuring or not). */
	const struct fake_rsp none[] = { FAKE_RSP(rsp_startup), FAKE_RSP(rsp_ph_disable),
					 FAKE_RSP(no256) };
	tpm2_fake_init(&f, none, ARRAY_SIZE(none));
	con_capture_reset();
	assert_int_equal(tpm_measurer_init(&tm, &f.t, NULL, true, &self, "t", &why, &err), 1);
	assert_string_equal(why, "the TPM has no active SHA-256 PCR bank");
	assert_int_equal(tpm2_fake_cc(&f, 1), TPM2_CC_HIERARCHY_CONTROL);
	assert_int_equal(f.next, 3);
	assert_non_null(strstr(con_capture, "bootshim: measured boot: platform hierarchy "
					    "disabled\n"));

	/* A TPM that fails: -1 and the command named. */
	const struct fake_rsp bad[] = { FAKE_RSP(rsp_pcr_extend_bad_pcr) };
	tpm2_fake_init(&f, bad, 1);
	assert_fails_mentioning(tpm_measurer_init(&tm, &f.t, NULL, true, &self, "t", &why, &err),
				&err, "TPM2_Startup(TPM_SU_CLEAR): response code 0x184");
	assert_int_equal(f.next, 1);
}

/* measure_boot with a measurer that records (or fails). */
static struct recorder {
	struct measurer m;
	struct measure_event ev[8];
	size_t n, fail_at;
} rec;

static int rec_extend(struct measurer *m, const struct measure_event *ev, struct error *e)
{
	struct recorder *r = (struct recorder *)m;
	if (r->n == r->fail_at)
		return (fail)(e, "TPM TIS", "TPM_STS 0xffffffff after 10 polls");
	r->ev[r->n++] = *ev;
	return 0;
}

static void test_measure_boot(void **state)
{
	(void)state;
	static const uint8_t k[] = "kernel", i[] = "initrd", c[] = "console=ttyS0";
	struct payload pl = { .kernel = { k, 6 }, .initrd = { i, 6 }, .cmdline = { c, 13 } };
	struct platform pf = { 0 };

	con_capture_reset();
	measure_boot(&pf, &pl);
	assert_string_equal(con_capture,
			    "bootshim: measured boot: off (no TPM driver for this entry)\n");
	pf.measure_off = "no TPM at 0xfed40000";
	con_capture_reset();
	measure_boot(&pf, &pl);
	assert_string_equal(con_capture, "bootshim: measured boot: off (no TPM at 0xfed40000)\n");

	rec = (struct recorder){ .m = { "TPM 2.0 TIS at 0xfed40000", rec_extend }, .fail_at = 99 };
	pf.measurer = &rec.m;
	pf.cmdline = "quiet";
	con_capture_reset();
	measure_boot(&pf, &pl);
	assert_int_equal(rec.n, 4);
	assert_string_equal(rec.ev[0].desc, "bootshim kernel");
	assert_string_equal(rec.ev[2].desc, "bootshim cmdline");
	assert_int_equal(rec.ev[2].part[0].len, 13); /* the embedded one, in PCR 11 */
	assert_int_equal(rec.ev[3].pcr, 12);
	assert_string_equal(rec.ev[3].desc, "bootshim load options");
	assert_int_equal(rec.ev[3].part[0].len, 5);
	assert_non_null(strstr(con_capture,
			       "bootshim: measured boot: PCR 11 via TPM 2.0 TIS at 0xfed40000\n"));
	assert_non_null(strstr(con_capture, "4 events, 30 bytes hashed"));

	/* A failure: one warning naming the event and the cause; the boot
	 * goes on (measure_boot returns). */
	rec = (struct recorder){ .m = { "t", rec_extend }, .fail_at = 1 };
	pf.cmdline = NULL;
	con_capture_reset();
	measure_boot(&pf, &pl);
	assert_int_equal(rec.n, 1);
	assert_non_null(strstr(con_capture, "bootshim: warning: measured boot: PCR 11 \"bootshim "
					    "initrd\": TPM TIS: TPM_STS 0xffffffff after 10 polls"));
	assert_null(strstr(con_capture, "bytes hashed"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tpm_measurer_firmware),
	cmocka_unit_test(test_tpm_measurer_cases),
	cmocka_unit_test(test_measure_boot),
};
const struct unit_suite tpm_measure_suite = { tests, ARRAY_SIZE(tests) };
