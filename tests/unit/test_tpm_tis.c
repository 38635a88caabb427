/* The TIS FIFO driver (shim/tpm_tis.c) against a simulated TIS register
 * block: a TPM that accepts commands in small bursts and answers with
 * swtpm's recorded responses, and TPMs that misbehave in each way the
 * driver must survive (never ready, a lying size field, no TPM 2.0). */
#include "unit.h"

#include "tpm_tis.h"

#include "tpm2/recorded.h"

#define BASE 0xfed40000ull
#define POLLS 1000

enum tis_state { IDLE, READY, RECEPTION, EXECUTION, COMPLETION };

static struct sim {
	uint32_t did_vid, iface, family;
	bool grant, active, never_ready, expect_early;
	unsigned burst;
	enum tis_state st;
	uint8_t cmd[TPM2_MAX_BUFFER];
	size_t cmd_len;
	uint8_t sent[TPM2_MAX_BUFFER]; /* the command, as it was at tpmGo */
	size_t sent_len;
	const uint8_t *rsp;
	size_t rsp_avail, rsp_off;
	unsigned exec_polls; /* STS reads before the response is there; ~0: never */
	unsigned releases, ready_writes;
} sim;

static void sim_reset(void)
{
	memset(&sim, 0, sizeof(sim));
	sim.did_vid = 0x00011014; /* QEMU's tpm-tis: IBM's vendor id */
	sim.iface = 0x00001230;	  /* InterfaceType 0: the PTP FIFO */
	sim.family = 1;
	sim.grant = true;
	sim.burst = 5;
	sim.rsp = rsp_pcr_extend;
	sim.rsp_avail = sizeof(rsp_pcr_extend);
}

static size_t cmd_size(void)
{
	return sim.cmd_len < 6 ? SIZE_MAX
			       : (size_t)sim.cmd[2] << 24 | sim.cmd[3] << 16 | sim.cmd[4] << 8 |
					 sim.cmd[5];
}

static uint32_t sim_read32(uint64_t a)
{
	switch (a - BASE) {
	case 0xf00: return sim.did_vid;
	case 0x30: return sim.iface;
	case 0x18: {
		uint32_t v = 0x80 | sim.family << 26, burst = 0;
		if (!sim.active)
			return 0xffffffff;
		if (sim.st == READY)
			v |= 0x40, burst = sim.burst;
		if (sim.st == RECEPTION) {
			burst = sim.burst;
			if (sim.cmd_len < cmd_size() && !(sim.expect_early && sim.cmd_len > 10))
				v |= 0x08;
		}
		if (sim.st == EXECUTION && sim.exec_polls != ~0u && !sim.exec_polls--)
			sim.st = COMPLETION;
		if (sim.st == COMPLETION && sim.rsp_off < sim.rsp_avail) {
			v |= 0x10;
			burst = sim.rsp_avail - sim.rsp_off < sim.burst ? sim.rsp_avail - sim.rsp_off
									: sim.burst;
		}
		return v | burst << 8;
	}
	}
	fail_msg("read32 of unknown register 0x%llx", (unsigned long long)(a - BASE));
	return 0;
}

static uint8_t sim_read8(uint64_t a)
{
	if (a - BASE == 0x00)
		return 0x80 | (sim.active ? 0x20 : 0);
	if (a - BASE == 0x24) {
		assert_int_equal(sim.st, COMPLETION);
		return sim.rsp_off < sim.rsp_avail ? sim.rsp[sim.rsp_off++] : 0xff;
	}
	fail_msg("read8 of unknown register 0x%llx", (unsigned long long)(a - BASE));
	return 0;
}

static void sim_write8(uint64_t a, uint8_t v)
{
	switch (a - BASE) {
	case 0x00:
		if (v == 0x02)
			sim.active = sim.grant;
		else if (v == 0x20)
			sim.active = false, sim.releases++;
		else
			fail_msg("TPM_ACCESS write 0x%x", v);
		return;
	case 0x18:
		assert_true(sim.active);
		if (v == 0x40) {
			/* PTP's state machine: Idle or Ready to Ready; from
			 * Reception, Execution or Completion to Idle (abort). */
			sim.ready_writes++;
			if (sim.never_ready)
				return;
			sim.st = sim.st == IDLE || sim.st == READY ? READY : IDLE;
			sim.cmd_len = 0;
		} else if (v == 0x20) {
			assert_int_equal(sim.st, RECEPTION);
			assert_int_equal(sim.cmd_len, cmd_size());
			sim.st = EXECUTION, sim.rsp_off = 0;
			memcpy(sim.sent, sim.cmd, sim.cmd_len);
			sim.sent_len = sim.cmd_len;
		} else {
			fail_msg("TPM_STS write 0x%x", v);
		}
		return;
	case 0x24:
		assert_true(sim.st == READY || sim.st == RECEPTION);
		assert_true(sim.cmd_len < sizeof(sim.cmd));
		sim.cmd[sim.cmd_len++] = v;
		sim.st = RECEPTION;
		return;
	}
	fail_msg("write8 of unknown register 0x%llx", (unsigned long long)(a - BASE));
}

static struct tpm_tis tis(void)
{
	return (struct tpm_tis){ .base = BASE, .read8 = sim_read8, .read32 = sim_read32,
				 .write8 = sim_write8, .poll_limit = POLLS };
}

static void test_tis_probe(void **state)
{
	(void)state;
	struct error err;
	bool found;
	struct tpm_tis t = tis();
	sim_reset();
	assert_ok(tis_probe(&t, &found, &err), &err);
	assert_true(found);
	assert_ptr_equal(t.t.submit, tis_submit);
	assert_false(sim.active); /* the locality is given back */
	/* Nothing at the address: all ones. */
	sim.did_vid = 0xffffffff, sim.iface = 0xffffffff;
	assert_ok(tis_probe(&t, &found, &err), &err);
	assert_false(found);
	/* A TIS 1.3 register set (InterfaceType 0xF) with a TPM 2.0. */
	sim_reset();
	sim.iface = 0xffffffff;
	assert_ok(tis_probe(&t, &found, &err), &err);
	assert_true(found);
	/* A CRB interface; a TPM 1.2. */
	sim.iface = 0x00000001;
	assert_fails_mentioning(tis_probe(&t, &found, &err), &err,
				"TPM_INTERFACE_ID 0x00000001: InterfaceType 1");
	sim_reset();
	sim.family = 0;
	assert_fails_mentioning(tis_probe(&t, &found, &err), &err, "tpmFamily 0 is not TPM 2.0");
	assert_false(found);
}

/* A command in bursts of 5 bytes, the response likewise. */
static void test_tis_submit(void **state)
{
	(void)state;
	struct error err;
	struct tpm_tis t = tis();
	t.t.submit = tis_submit;
	for (unsigned burst = 1; burst <= 70; burst += 23) {
		sim_reset();
		sim.burst = burst;
		sim.exec_polls = 17;
		uint8_t d[32] = { 7 };
		assert_ok(tpm2_pcr_extend_sha256(&t.t, 11, d, &err), &err);
		uint8_t want[65];
		tpm2_marshal_pcr_extend_sha256(want, 11, d);
		assert_int_equal(sim.sent_len, 65);
		assert_memory_equal(sim.sent, want, 65);
		assert_int_equal(sim.rsp_off, sizeof(rsp_pcr_extend));
		/* Back to Idle and the locality released. */
		assert_int_equal(sim.st, IDLE);
		assert_false(sim.active);
		assert_int_equal(sim.releases, 1);
	}
	/* A TPM left in Completion (a response nobody read) or Reception:
	 * the first commandReady aborts to Idle, the second readies it. */
	static const enum tis_state stale[] = { RECEPTION, COMPLETION };
	for (size_t i = 0; i < ARRAY_SIZE(stale); i++) {
		sim_reset();
		sim.st = stale[i];
		uint8_t d[32] = { 1 };
		assert_ok(tpm2_pcr_extend_sha256(&t.t, 11, d, &err), &err);
		assert_int_equal(sim.ready_writes, 3); /* two, and the one at the end */
	}
	/* From Idle: one write. */
	sim_reset();
	uint8_t d1[32] = { 1 };
	assert_ok(tpm2_pcr_extend_sha256(&t.t, 11, d1, &err), &err);
	assert_int_equal(sim.ready_writes, 2);

	/* The recorded GetCapability through the FIFO. */
	sim_reset();
	sim.rsp = rsp_getcap_default_banks, sim.rsp_avail = sizeof(rsp_getcap_default_banks);
	uint16_t alg[8];
	size_t n;
	assert_ok(tpm2_active_banks(&t.t, alg, 8, &n, &err), &err);
	assert_int_equal(n, 4);
}

static void test_tis_misbehaving(void **state)
{
	(void)state;
	struct error err;
	struct tpm_tis t = tis();
	t.t.submit = tis_submit;
	uint8_t d[32] = { 0 };

	sim_reset();
	sim.never_ready = true;
	assert_fails_mentioning(tpm2_pcr_extend_sha256(&t.t, 11, d, &err), &err,
				"TPM_STS 0x04000080 after 1000 polls, waiting for commandReady");
	assert_false(sim.active); /* given back after the error too */

	sim_reset();
	sim.grant = false;
	assert_fails_mentioning(tpm2_pcr_extend_sha256(&t.t, 11, d, &err), &err,
				"TPM_ACCESS_0 0x80 after 1000 polls");

	sim_reset();
	sim.exec_polls = ~0u;
	assert_fails_mentioning(tpm2_pcr_extend_sha256(&t.t, 11, d, &err), &err,
				"waiting for dataAvail");

	/* responseSize 19, but only the header is there. */
	sim_reset();
	sim.rsp_avail = 10;
	assert_fails_mentioning(tpm2_pcr_extend_sha256(&t.t, 11, d, &err), &err,
				"no data at response byte 10 of 19");

	/* More data than responseSize says. */
	static uint8_t longer[32];
	memcpy(longer, rsp_pcr_extend, sizeof(rsp_pcr_extend));
	sim_reset();
	sim.rsp = longer, sim.rsp_avail = sizeof(longer);
	assert_fails_mentioning(tpm2_pcr_extend_sha256(&t.t, 11, d, &err), &err,
				"dataAvail still set after the 19 bytes");

	/* A responseSize beyond the buffer, and one below the header. */
	static uint8_t huge[10] = { 0x80, 0x01, 0x00, 0x01, 0x00, 0x00 };
	sim_reset();
	sim.rsp = huge, sim.rsp_avail = sizeof(huge);
	assert_fails_mentioning(tpm2_pcr_extend_sha256(&t.t, 11, d, &err), &err,
				"responseSize 65536 outside [10, 4096]");
	static uint8_t tiny[10] = { 0x80, 0x01, 0x00, 0x00, 0x00, 0x04 };
	sim_reset();
	sim.rsp = tiny, sim.rsp_avail = sizeof(tiny);
	assert_fails_mentioning(tpm2_pcr_extend_sha256(&t.t, 11, d, &err), &err,
				"responseSize 4 outside");

	/* Expect dropped before the command's last byte. */
	sim_reset();
	sim.expect_early = true;
	assert_fails_mentioning(tpm2_pcr_extend_sha256(&t.t, 11, d, &err), &err,
				"Expect clear after");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tis_probe),
	cmocka_unit_test(test_tis_submit),
	cmocka_unit_test(test_tis_misbehaving),
};
const struct unit_suite tpm_tis_suite = { tests, ARRAY_SIZE(tests) };
