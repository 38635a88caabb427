/* TIS FIFO driver, locality 0 (TCG PC Client Platform TPM Profile (PTP)
 * 2.0, 6.5 "FIFO Interface"; the register layout is TIS 1.3's). Every
 * register wait is bounded by tis->poll_limit reads, and every error names
 * the register and the value read. Registers are reached only through
 * tis->read8/read32/write8. */
#include "tpm_tis.h"

/* Register offsets from the locality's base (PTP Table 21). */
#define TIS_ACCESS 0x00
#define TIS_STS 0x18
#define TIS_DATA_FIFO 0x24
#define TIS_INTERFACE_ID 0x30
#define TIS_DID_VID 0xf00

/* TPM_ACCESS_x (PTP 6.5.2.4, Table 23). */
#define TIS_ACCESS_VALID (1u << 7)		/* tpmRegValidSts */
#define TIS_ACCESS_ACTIVE_LOCALITY (1u << 5)	/* write 1: relinquish */
#define TIS_ACCESS_REQUEST_USE (1u << 1)

/* TPM_STS_x (PTP 6.5.2.7, Table 29). */
#define TIS_STS_VALID (1u << 7)			/* stsValid */
#define TIS_STS_COMMAND_READY (1u << 6)
#define TIS_STS_GO (1u << 5)			/* tpmGo */
#define TIS_STS_DATA_AVAIL (1u << 4)
#define TIS_STS_EXPECT (1u << 3)
#define TIS_STS_BURST_SHIFT 8			/* burstCount, bits 23:8 */
#define TIS_STS_BURST_MASK 0xffffu
#define TIS_STS_FAMILY_SHIFT 26			/* tpmFamily, bits 27:26 */
#define TIS_STS_FAMILY_MASK 3u
#define TIS_STS_FAMILY_TPM2 1u

/* TPM_INTERFACE_ID_x.InterfaceType (PTP 6.5.2.8, Table 30): 0 the PTP
 * FIFO interface, 0xF a TIS 1.3 register set (then STS says the family),
 * 1 CRB (not this driver). */
#define TIS_IFACE_TYPE_MASK 0xfu
#define TIS_IFACE_FIFO 0x0u
#define TIS_IFACE_TIS13 0xfu
#define TIS_NOTHING 0xffffffffu

static uint32_t sts(struct tpm_tis *tis) { return tis->read32(tis->base + TIS_STS); }
static void sts_write(struct tpm_tis *tis, uint8_t v) { tis->write8(tis->base + TIS_STS, v); }

/* Wait until (reg & mask) == want; the error names what was awaited. */
static int wait_sts(struct tpm_tis *tis, uint32_t mask, uint32_t want, const char *what,
		    struct error *e)
{
	uint32_t v = 0;
	for (uint64_t i = 0; i < tis->poll_limit; i++)
		if (((v = sts(tis)) & mask) == want)
			return 0;
	return fail(e, "TPM TIS", "TPM_STS 0x%08x after %llu polls, waiting for %s", v,
		    (unsigned long long)tis->poll_limit, what);
}

static int request_locality(struct tpm_tis *tis, struct error *e)
{
	const uint8_t both = TIS_ACCESS_VALID | TIS_ACCESS_ACTIVE_LOCALITY;
	uint8_t v = tis->read8(tis->base + TIS_ACCESS);
	if ((v & both) == both)
		return 0;
	tis->write8(tis->base + TIS_ACCESS, TIS_ACCESS_REQUEST_USE);
	for (uint64_t i = 0; i < tis->poll_limit; i++)
		if (((v = tis->read8(tis->base + TIS_ACCESS)) & both) == both)
			return 0;
	return fail(e, "TPM TIS", "TPM_ACCESS_0 0x%02x after %llu polls, waiting for "
		    "activeLocality", v, (unsigned long long)tis->poll_limit);
}

static void release_locality(struct tpm_tis *tis)
{
	tis->write8(tis->base + TIS_ACCESS, TIS_ACCESS_ACTIVE_LOCALITY);
}

int tis_probe(struct tpm_tis *tis, bool *found, struct error *e)
{
	*found = false;
	tis->t.submit = tis_submit;
	uint32_t did_vid = tis->read32(tis->base + TIS_DID_VID);
	uint32_t iface = tis->read32(tis->base + TIS_INTERFACE_ID);
	if (did_vid == TIS_NOTHING || did_vid == 0)
		return 0;
	uint32_t type = iface & TIS_IFACE_TYPE_MASK;
	if (type != TIS_IFACE_FIFO && type != TIS_IFACE_TIS13)
		return fail(e, "TPM TIS", "TPM_INTERFACE_ID 0x%08x: InterfaceType %u is not the FIFO "
			    "interface (1: CRB, not supported)", iface, type);
	if (request_locality(tis, e))
		return -1;
	uint32_t s = sts(tis);
	release_locality(tis);
	uint32_t family = s >> TIS_STS_FAMILY_SHIFT & TIS_STS_FAMILY_MASK;
	if (family != TIS_STS_FAMILY_TPM2)
		return fail(e, "TPM TIS", "TPM_STS 0x%08x: tpmFamily %u is not TPM 2.0 (DID_VID "
			    "0x%08x)", s, family, did_vid);
	*found = true;
	return 0;
}

static uint32_t burst(struct tpm_tis *tis, uint32_t *s)
{
	*s = sts(tis);
	return *s >> TIS_STS_BURST_SHIFT & TIS_STS_BURST_MASK;
}

/* PTP 6.5.2.7.2 "Command Send": commandReady, then the command in bursts
 * of at most burstCount bytes; Expect stays set until the last byte. */
/* Into the Ready state. PTP 6.5.2.7.1 (the FIFO state machine): writing
 * commandReady moves Idle to Ready, but Completion or Reception (a
 * response nobody read, a command cut short by an earlier owner) to
 * Idle; the second write then readies it. */
static int command_ready(struct tpm_tis *tis, struct error *e)
{
	if (sts(tis) & TIS_STS_COMMAND_READY)
		return 0;
	sts_write(tis, TIS_STS_COMMAND_READY);
	if (sts(tis) & TIS_STS_COMMAND_READY)
		return 0;
	sts_write(tis, TIS_STS_COMMAND_READY);
	return wait_sts(tis, TIS_STS_COMMAND_READY, TIS_STS_COMMAND_READY, "commandReady", e);
}

static int send(struct tpm_tis *tis, const uint8_t *cmd, size_t len, struct error *e)
{
	if (command_ready(tis, e))
		return -1;
	size_t off = 0;
	while (off < len - 1) {
		uint32_t s = 0, n = 0;
		for (uint64_t i = 0; i < tis->poll_limit && !(n = burst(tis, &s)); i++)
			;
		if (!n)
			return fail(e, "TPM TIS", "TPM_STS 0x%08x after %llu polls: burstCount 0 at "
				    "command byte %zu of %zu", s, (unsigned long long)tis->poll_limit,
				    off, len);
		for (; n && off < len - 1; n--)
			tis->write8(tis->base + TIS_DATA_FIFO, cmd[off++]);
		if (wait_sts(tis, TIS_STS_VALID, TIS_STS_VALID, "stsValid", e))
			return -1;
		if (!(sts(tis) & TIS_STS_EXPECT))
			return fail(e, "TPM TIS", "TPM_STS 0x%08x: Expect clear after %zu of the "
				    "command's %zu bytes", sts(tis), off, len);
	}
	tis->write8(tis->base + TIS_DATA_FIFO, cmd[off]);
	if (wait_sts(tis, TIS_STS_VALID, TIS_STS_VALID, "stsValid", e))
		return -1;
	if (sts(tis) & TIS_STS_EXPECT)
		return fail(e, "TPM TIS", "TPM_STS 0x%08x: Expect still set after all %zu bytes of "
			    "the command", sts(tis), len);
	sts_write(tis, TIS_STS_GO);
	return 0;
}

/* Read response bytes [off, to) in bursts. */
static int read_fifo(struct tpm_tis *tis, uint8_t *rsp, size_t off, size_t to, struct error *e)
{
	while (off < to) {
		uint32_t s = 0, n = 0;
		for (uint64_t i = 0; i < tis->poll_limit; i++) {
			n = burst(tis, &s);
			if (n && (s & TIS_STS_DATA_AVAIL))
				break;
			n = 0;
		}
		if (!n)
			return fail(e, "TPM TIS", "TPM_STS 0x%08x after %llu polls: no data at response "
				    "byte %zu of %zu (responseSize larger than the response?)", s,
				    (unsigned long long)tis->poll_limit, off, to);
		for (; n && off < to; n--)
			rsp[off++] = tis->read8(tis->base + TIS_DATA_FIFO);
	}
	return 0;
}

/* PTP 6.5.2.7.3 "Response Receive": the 10-byte header first, for the
 * size, then the rest; dataAvail must then be clear. */
static int receive(struct tpm_tis *tis, uint8_t *rsp, size_t cap, size_t *len, struct error *e)
{
	const uint32_t ready = TIS_STS_VALID | TIS_STS_DATA_AVAIL;
	if (wait_sts(tis, ready, ready, "dataAvail (the TPM executing the command)", e) ||
	    read_fifo(tis, rsp, 0, TPM2_HEADER_BYTES, e))
		return -1;
	uint32_t size = (uint32_t)rsp[2] << 24 | (uint32_t)rsp[3] << 16 | (uint32_t)rsp[4] << 8 |
			rsp[5];
	if (size < TPM2_HEADER_BYTES || size > cap)
		return fail(e, "TPM TIS", "responseSize %u outside [%u, %zu]", size,
			    TPM2_HEADER_BYTES, cap);
	if (read_fifo(tis, rsp, TPM2_HEADER_BYTES, size, e) ||
	    wait_sts(tis, TIS_STS_VALID, TIS_STS_VALID, "stsValid", e))
		return -1;
	uint32_t s = sts(tis);
	if (s & TIS_STS_DATA_AVAIL)
		return fail(e, "TPM TIS", "TPM_STS 0x%08x: dataAvail still set after the %u bytes "
			    "responseSize gives", s, size);
	*len = size;
	return 0;
}

int tis_submit(struct tpm2_transport *t, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
	       size_t rsp_cap, size_t *rsp_len, struct error *e)
{
	struct tpm_tis *tis = (struct tpm_tis *)t;
	if (cmd_len < TPM2_HEADER_BYTES)
		return fail(e, "TPM TIS", "command of %zu bytes", cmd_len);
	if (request_locality(tis, e))
		return -1;
	int r = send(tis, cmd, cmd_len, e) || receive(tis, rsp, rsp_cap, rsp_len, e) ? -1 : 0;
	/* Back to idle and the locality given up, also after an error, so a
	 * later driver (the kernel's) starts from a clean state. */
	sts_write(tis, TIS_STS_COMMAND_READY);
	release_locality(tis);
	return r;
}
