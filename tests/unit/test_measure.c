/* The measurement scheme (shim/measure.c): the events, their order and
 * bytes, and measure_predict_pcr11 against a PCR replayed here with
 * sha256sum only. */
#include "unit.h"

#include "measure.h"
#include "sha256_ref.h"

static uint8_t head[512 * 5], kern[7000], initrd[4099], dtb[100];
static const char cmdline[] = "console=ttyS0 root=/dev/vda1 quiet";

static struct payload payload(bool x86, bool with_dtb)
{
	for (size_t i = 0; i < sizeof(head); i++)
		head[i] = (uint8_t)(i ^ 0x5a);
	for (size_t i = 0; i < sizeof(kern); i++)
		kern[i] = (uint8_t)(i * 7);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 13 + 1);
	for (size_t i = 0; i < sizeof(dtb); i++)
		dtb[i] = (uint8_t)(0xd0 + i);
	return (struct payload){
		.kernel_head = { x86 ? head : NULL, x86 ? sizeof(head) : 0 },
		.kernel = { kern, sizeof(kern) },
		.initrd = { initrd, sizeof(initrd) },
		.cmdline = { (const uint8_t *)cmdline, strlen(cmdline) },
		.dtb = { with_dtb ? dtb : NULL, with_dtb ? sizeof(dtb) : 0 },
	};
}

static void test_measure_events(void **state)
{
	(void)state;
	struct measure_event ev[MEASURE_PAYLOAD_MAX];
	struct payload pl = payload(true, false);
	assert_int_equal(measure_payload_events(&pl, ev), 3);
	const char *desc[] = { "bootshim kernel", "bootshim initrd", "bootshim cmdline",
			       "bootshim dtb" };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ev[i].pcr, 11);
		assert_int_equal(ev[i].type, EV_IPL);
		assert_int_equal(EV_IPL, 0xd);
		assert_string_equal(ev[i].desc, desc[i]);
	}
	/* x86: the kernel event covers the bzImage as given, setup part first. */
	assert_int_equal(ev[0].n_part, 2);
	assert_ptr_equal(ev[0].part[0].start, head);
	assert_int_equal(ev[0].part[0].len, sizeof(head));
	assert_ptr_equal(ev[0].part[1].start, kern);
	assert_int_equal(ev[1].n_part, 1);
	assert_int_equal(ev[2].part[0].len, strlen(cmdline)); /* no NUL */

	pl = payload(false, true);
	assert_int_equal(measure_payload_events(&pl, ev), 4);
	assert_int_equal(ev[0].n_part, 1);
	assert_ptr_equal(ev[0].part[0].start, kern);
	assert_string_equal(ev[3].desc, "bootshim dtb");
	assert_ptr_equal(ev[3].part[0].start, dtb);

	struct measure_event o;
	measure_cmdline_override_event("quiet", &o);
	assert_int_equal(o.pcr, 12);
	assert_int_equal(o.type, EV_IPL);
	assert_string_equal(o.desc, "bootshim load options");
	assert_int_equal(o.part[0].len, 5);
}

/* Each digest against sha256sum of the same bytes, the x86 kernel as
 * one file (setup part, then the rest). */
static void test_measure_digests(void **state)
{
	(void)state;
	struct measure_event ev[MEASURE_PAYLOAD_MAX];
	struct payload pl = payload(true, false);
	size_t n = measure_payload_events(&pl, ev);
	static uint8_t whole[sizeof(head) + sizeof(kern)];
	memcpy(whole, head, sizeof(head));
	memcpy(whole + sizeof(head), kern, sizeof(kern));
	const struct blob want[] = { { whole, sizeof(whole) }, pl.initrd, pl.cmdline };
	for (size_t i = 0; i < n; i++) {
		uint8_t d[32], r[32];
		measure_digest(&ev[i], d);
		sha256_ref(want[i].start, want[i].len, r);
		assert_memory_equal(d, r, 32);
	}
}

/* PCR 11 replayed independently: PCR := SHA-256(PCR || digest) from 32
 * zero bytes, every hash by sha256sum. */
static void replay(const struct blob *b, size_t n, uint8_t pcr[32])
{
	memset(pcr, 0, 32);
	for (size_t i = 0; i < n; i++) {
		uint8_t both[64];
		memcpy(both, pcr, 32);
		sha256_ref(b[i].start, b[i].len, both + 32);
		sha256_ref(both, sizeof(both), pcr);
	}
}

static void test_measure_predict_pcr11(void **state)
{
	(void)state;
	for (int arm = 0; arm < 2; arm++) {
		struct payload pl = payload(!arm, arm);
		uint8_t got[32], want[32];
		measure_predict_pcr11(&pl, got);
		static uint8_t whole[sizeof(head) + sizeof(kern)];
		memcpy(whole, head, sizeof(head));
		memcpy(whole + sizeof(head), kern, sizeof(kern));
		const struct blob b[] = {
			arm ? pl.kernel : (struct blob){ whole, sizeof(whole) }, pl.initrd, pl.cmdline,
			pl.dtb,
		};
		replay(b, arm ? 4 : 3, want);
		assert_memory_equal(got, want, 32);
	}
	/* A changed command line changes the prediction. */
	struct payload a = payload(true, false), b = a;
	b.cmdline.len--;
	uint8_t pa[32], pb[32];
	measure_predict_pcr11(&a, pa);
	measure_predict_pcr11(&b, pb);
	assert_memory_not_equal(pa, pb, 32);
}

static void test_pcr_extend(void **state)
{
	(void)state;
	/* From zeros, extending the digest of "abc". */
	uint8_t pcr[32] = { 0 }, d[32], both[64] = { 0 }, want[32];
	sha256_ref("abc", 3, d);
	memcpy(both + 32, d, 32);
	sha256_ref(both, 64, want);
	pcr_extend(pcr, d);
	assert_memory_equal(pcr, want, 32);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_measure_events),
	cmocka_unit_test(test_measure_digests),
	cmocka_unit_test(test_measure_predict_pcr11),
	cmocka_unit_test(test_pcr_extend),
};
const struct unit_suite measure_suite = { tests, ARRAY_SIZE(tests) };
