/* The TPM Interface Specification FIFO interface (TCG PC Client Platform
 * TPM Profile, section 6.5), locality 0: the driver the firmware
 * flavours use for the TPM at 0xFED40000 (x86) or where the DTB's
 * "tcg,tpm-tis-mmio" node says (arm64). The register access is the
 * caller's, so host tests run the driver against a simulated TPM. */
#ifndef BOOTSHIM_TPM_TIS_H
#define BOOTSHIM_TPM_TIS_H

#include "tpm2.h"

#define TIS_BASE_X86_64 0xfed40000ull	/* PTP 6.5.2: locality 0's registers */

struct tpm_tis {
	struct tpm2_transport t;	/* first: tis_submit's transport */
	uint64_t base;
	uint8_t (*read8)(uint64_t addr);
	uint32_t (*read32)(uint64_t addr);
	void (*write8)(uint64_t addr, uint8_t v);
	/* Polls before a register wait gives up (timeouts without a clock). */
	uint64_t poll_limit;
};

/* Is there a TIS TPM 2.0 at base? Reads the interface and DID/VID
 * registers; 0 and *found false when nothing answers (all ones). Also
 * sets tis->t.submit, so that tis->t is ready when *found. -1: something
 * answers but is no TPM 2.0 TIS (e names the register and value). */
int tis_probe(struct tpm_tis *tis, bool *found, struct error *e);

/* The transport (tis->t.submit): one command through the FIFO. */
int tis_submit(struct tpm2_transport *t, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
	       size_t rsp_cap, size_t *rsp_len, struct error *e);

#endif
