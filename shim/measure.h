/* Measured boot: the one scheme every flavour follows (README, "Measured
 * boot"). The payload goes into PCR 11, one EV_IPL event per component in a
 * fixed order: kernel, initrd, command line, DTB (when one is embedded). A
 * command line that replaces the embedded one (UEFI load options) goes into
 * PCR 12 before it is used. The firmware flavours also measure the shim's
 * own code into PCR 0 first. The build predicts PCR 11 with this same code. */
#ifndef BOOTSHIM_MEASURE_H
#define BOOTSHIM_MEASURE_H

#include "error.h"
#include "payload.h"
#include "sha256.h"

#define PCR_SHIM_CODE 0		/* firmware flavours: the shim itself */
#define PCR_PAYLOAD 11		/* kernel, initrd, command line, DTB */
#define PCR_CMDLINE_OVERRIDE 12	/* a command line from outside the image */

/* Event types, TCG PC Client Platform Firmware Profile, section 10.4.1. */
#define EV_POST_CODE 0x00000001u
#define EV_NO_ACTION 0x00000003u
#define EV_SEPARATOR 0x00000004u
#define EV_S_CRTM_VERSION 0x00000008u
#define EV_IPL 0x0000000du

enum { MEASURE_KERNEL, MEASURE_INITRD, MEASURE_CMDLINE, MEASURE_DTB, MEASURE_PAYLOAD_MAX };

/* One event: its digest is SHA-256 over the parts in order (x86: the
 * bzImage's setup part, then the rest, which is the file as given); its
 * event data in the log is `desc` without a NUL. */
struct measure_event {
	uint32_t pcr;
	uint32_t type;
	const char *desc;
	struct blob part[2];
	size_t n_part;
};

/* The payload's PCR 11 events in the documented order; returns how many
 * (3, or 4 with a DTB). The command line covers its bytes without the NUL. */
size_t measure_payload_events(const struct payload *pl, struct measure_event ev[MEASURE_PAYLOAD_MAX]);
/* The PCR 12 event for a command line that replaces the embedded one. */
void measure_cmdline_override_event(const char *cmdline, struct measure_event *ev);
void measure_digest(const struct measure_event *ev, uint8_t out[SHA256_BYTES]);
/* pcr = SHA-256(pcr || digest), as TPM2_PCR_Extend does. */
void pcr_extend(uint8_t pcr[SHA256_BYTES], const uint8_t digest[SHA256_BYTES]);
/* PCR 11 after a boot of this payload from a reset TPM (pcr11.txt). */
void measure_predict_pcr11(const struct payload *pl, uint8_t pcr[SHA256_BYTES]);

/* How an entry measures, when it found a way (struct platform.measurer):
 * a TPM the shim drives (tpm_measurer, shim/tpm_measure.c) or the UEFI
 * firmware's EFI_TCG2_PROTOCOL (arch/efi). */
struct measurer {
	const char *name;	/* for the console, e.g. "TPM 2.0 TIS at 0xfed40000" */
	int (*extend)(struct measurer *m, const struct measure_event *ev, struct error *e);
};

struct platform;
/* Called by the core before anything is placed: measure the payload
 * (and pf->cmdline into PCR 12), or say on the console why not
 * (pf->measure_off). A TPM that fails is reported as a warning and the
 * boot goes on: the PCRs then match no policy. */
void measure_boot(const struct platform *pf, const struct payload *pl);

#endif
