/* The crypto-agile event log (shim/tcg_log.c): every field of the header
 * and of each event at its offset, a replay of the log into PCR values,
 * the area's bounds, and tpm2-tools' tpm2_eventlog reading what was
 * written (the parser the boot tests use on the host). */
#include "unit.h"

#include <unistd.h>

#include "measure.h"
#include "tcg_log.h"
#include "tpm2.h"

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint8_t area[4096];

static void test_tcg_log_header(void **state)
{
	(void)state;
	struct tcg_log l;
	struct error err;
	memset(area, 0xaa, sizeof(area));
	assert_ok(tcg_log_init(&l, area, 0x7000, sizeof(area), &err), &err);
	assert_int_equal(l.phys, 0x7000);
	assert_int_equal(l.used, 32 + 33);
	/* TCG_PCClientPCREvent: PCR 0, EV_NO_ACTION, 20 zero bytes, size 33. */
	assert_int_equal(le32(area + 0), 0);
	assert_int_equal(le32(area + 4), 3);
	for (int i = 8; i < 28; i++)
		assert_int_equal(area[i], 0);
	assert_int_equal(le32(area + 28), 33);
	/* TCG_EfiSpecIDEvent. */
	const uint8_t *id = area + 32;
	assert_memory_equal(id, "Spec ID Event03\0", 16);
	assert_int_equal(le32(id + 16), 0); /* platformClass */
	assert_int_equal(id[20], 0);	     /* specVersionMinor */
	assert_int_equal(id[21], 2);	     /* specVersionMajor */
	assert_int_equal(id[22], 2);	     /* specErrata */
	assert_int_equal(id[23], 2);	     /* uintnSize: 64-bit */
	assert_int_equal(le32(id + 24), 1);  /* numberOfAlgorithms */
	assert_int_equal(le16(id + 28), TPM2_ALG_SHA256);
	assert_int_equal(le16(id + 30), 32);
	assert_int_equal(id[32], 0); /* vendorInfoSize */
	/* The rest of the area cleared. */
	for (size_t i = l.used; i < sizeof(area); i++)
		assert_int_equal(area[i], 0);
}

static void test_tcg_log_events(void **state)
{
	(void)state;
	struct tcg_log l;
	struct error err;
	assert_ok(tcg_log_init(&l, area, 0, sizeof(area), &err), &err);
	uint8_t d[32];
	for (int i = 0; i < 32; i++)
		d[i] = (uint8_t)i;
	assert_ok(tcg_log_append(&l, 11, EV_IPL, d, "bootshim kernel", 15, &err), &err);
	const uint8_t *e = area + 65;
	assert_int_equal(le32(e + 0), 11);
	assert_int_equal(le32(e + 4), EV_IPL);
	assert_int_equal(le32(e + 8), 1); /* TPML_DIGEST_VALUES.count */
	assert_int_equal(le16(e + 12), TPM2_ALG_SHA256);
	assert_memory_equal(e + 14, d, 32);
	assert_int_equal(le32(e + 46), 15);
	assert_memory_equal(e + 50, "bootshim kernel", 15);
	assert_int_equal(l.used, 65 + 50 + 15);
}

/* Walk the log as an OS does and replay the SHA-256 PCRs. */
static void replay(const uint8_t *log, size_t used, uint8_t pcr[24][32], size_t *events)
{
	memset(pcr, 0, 24 * 32);
	size_t off = 32 + le32(log + 28);
	*events = 0;
	while (off < used) {
		uint32_t idx = le32(log + off), count = le32(log + off + 8);
		assert_true(idx < 24);
		assert_int_equal(count, 1);
		assert_int_equal(le16(log + off + 12), TPM2_ALG_SHA256);
		pcr_extend(pcr[idx], log + off + 14);
		off += 50 + le32(log + off + 46);
		(*events)++;
	}
	assert_int_equal(off, used);
}

static void test_tcg_log_replay_and_bounds(void **state)
{
	(void)state;
	struct tcg_log l;
	struct error err;
	assert_ok(tcg_log_init(&l, area, 0, sizeof(area), &err), &err);
	uint8_t d[4][32], want11[32] = { 0 }, want0[32] = { 0 };
	for (int i = 0; i < 4; i++)
		sha256(&i, sizeof(i), d[i]);
	assert_ok(tcg_log_append(&l, 0, EV_POST_CODE, d[0], "bootshim 0.10", 13, &err), &err);
	pcr_extend(want0, d[0]);
	for (int i = 1; i < 4; i++) {
		assert_ok(tcg_log_append(&l, 11, EV_IPL, d[i], "x", 1, &err), &err);
		pcr_extend(want11, d[i]);
	}
	uint8_t pcr[24][32];
	size_t n;
	replay(area, l.used, pcr, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(pcr[0], want0, 32);
	assert_memory_equal(pcr[11], want11, 32);

	/* Bounds: an area too small for the header; an event that would
	 * pass the end by one byte is refused and leaves the log as it was. */
	assert_fails_mentioning(tcg_log_init(&l, area, 0, 64, &err), &err,
				"area of 64 bytes is smaller than the 65-byte header");
	assert_ok(tcg_log_init(&l, area, 0, 65 + 50 + 10, &err), &err);
	assert_fails_mentioning(tcg_log_append(&l, 11, EV_IPL, d[0], "01234567890", 11, &err),
				&err, "event of 61 bytes for PCR 11 does not fit: 65 of 125");
	assert_int_equal(l.used, 65);
	assert_ok(tcg_log_append(&l, 11, EV_IPL, d[0], "0123456789", 10, &err), &err);
	assert_int_equal(l.used, 125);
	assert_fails_mentioning(tcg_log_append(&l, 11, EV_IPL, d[0], "", 0, &err), &err,
				"does not fit");
}

/* tpm2_eventlog (tpm2-tools) parses the log and computes the same PCR. */
static void test_tcg_log_tpm2_eventlog(void **state)
{
	(void)state;
	struct tcg_log l;
	struct error err;
	uint8_t d[32], pcr[32] = { 0 };
	assert_ok(tcg_log_init(&l, area, 0, sizeof(area), &err), &err);
	const char *desc[] = { "bootshim kernel", "bootshim initrd", "bootshim cmdline" };
	for (int i = 0; i < 3; i++) {
		sha256(desc[i], strlen(desc[i]), d);
		assert_ok(tcg_log_append(&l, 11, EV_IPL, d, desc[i], strlen(desc[i]), &err), &err);
		pcr_extend(pcr, d);
	}
	char path[] = "/tmp/bootshim-tcglog-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	/* The whole area, zeros after the last event, as the kernel hands
	 * it out of binary_bios_measurements' source. */
	assert_int_equal(write(fd, area, l.used), (ssize_t)l.used);
	close(fd);
	char cmd[256], line[512], want[80];
	snprintf(cmd, sizeof(cmd), "tpm2_eventlog %s 2>&1", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *out = calloc(1, 1 << 16);
	assert_non_null(out);
	while (fgets(line, sizeof(line), p))
		strncat(out, line, (1 << 16) - strlen(out) - 1);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	snprintf(want, sizeof(want), "11 : 0x");
	for (int i = 0; i < 32; i++)
		sprintf(want + strlen(want), "%02x", pcr[i]);
	bool ok = strstr(out, want) && strstr(out, "EV_IPL") && strstr(out, "Spec ID Event03");
	if (!ok)
		fprintf(stderr, "tpm2_eventlog's output:\n%s\n", out);
	free(out);
	if (!ok)
		fail_msg("tpm2_eventlog does not show \"%s\" (output above)", want);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tcg_log_header),
	cmocka_unit_test(test_tcg_log_events),
	cmocka_unit_test(test_tcg_log_replay_and_bounds),
	cmocka_unit_test(test_tcg_log_tpm2_eventlog),
};
const struct unit_suite tcg_log_suite = { tests, ARRAY_SIZE(tests) };
