/* The measurement scheme (shim/measure.h, README "Measured boot"): which
 * events, in which order, over which bytes. Pure: the shim measures with
 * it and the build predicts PCR 11 with it (tools/pcr11.c). */
#include "measure.h"

static struct measure_event event(uint32_t pcr, const char *desc, struct blob a, struct blob b)
{
	return (struct measure_event){
		.pcr = pcr, .type = EV_IPL, .desc = desc, .part = { a, b }, .n_part = b.len ? 2 : 1,
	};
}

size_t measure_payload_events(const struct payload *pl, struct measure_event ev[MEASURE_PAYLOAD_MAX])
{
	static const struct blob none;
	size_t n = 0;
	/* x86: the bzImage as given = setup sectors, then the protected-mode
	 * part (arch/payload.S splits it there); arm64: kernel_head is empty. */
	if (pl->kernel_head.len)
		ev[n++] = event(PCR_PAYLOAD, "bootshim kernel", pl->kernel_head, pl->kernel);
	else
		ev[n++] = event(PCR_PAYLOAD, "bootshim kernel", pl->kernel, none);
	ev[n++] = event(PCR_PAYLOAD, "bootshim initrd", pl->initrd, none);
	ev[n++] = event(PCR_PAYLOAD, "bootshim cmdline", pl->cmdline, none);
	if (pl->dtb.len)
		ev[n++] = event(PCR_PAYLOAD, "bootshim dtb", pl->dtb, none);
	return n;
}

void measure_cmdline_override_event(const char *cmdline, struct measure_event *ev)
{
	struct blob b = { (const uint8_t *)cmdline, strlen(cmdline) };
	*ev = event(PCR_CMDLINE_OVERRIDE, "bootshim load options", b, (struct blob){ 0 });
}

void measure_digest(const struct measure_event *ev, uint8_t out[SHA256_BYTES])
{
	struct sha256 c;
	sha256_init(&c);
	for (size_t i = 0; i < ev->n_part; i++)
		sha256_update(&c, ev->part[i].start, ev->part[i].len);
	sha256_final(&c, out);
}

void pcr_extend(uint8_t pcr[SHA256_BYTES], const uint8_t digest[SHA256_BYTES])
{
	/* TPM 2.0 Library Part 1, 17.2 (PCR Extend):
	 * PCR_new := H_alg(PCR_old || digest). */
	_Alignas(16) uint8_t both[2 * SHA256_BYTES];
	memcpy(both, pcr, SHA256_BYTES);
	memcpy(both + SHA256_BYTES, digest, SHA256_BYTES);
	sha256(both, sizeof(both), pcr);
}

void measure_predict_pcr11(const struct payload *pl, uint8_t pcr[SHA256_BYTES])
{
	struct measure_event ev[MEASURE_PAYLOAD_MAX];
	size_t n = measure_payload_events(pl, ev);
	/* PCRs 0-15 reset to zeros (PC Client Platform Firmware Profile,
	 * 3.3.4.1; TPM2_Startup(CLEAR) resets them too). */
	memset(pcr, 0, SHA256_BYTES);
	for (size_t i = 0; i < n; i++) {
		uint8_t d[SHA256_BYTES];
		measure_digest(&ev[i], d);
		pcr_extend(pcr, d);
	}
}
