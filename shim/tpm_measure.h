/* A measurer for the flavours that drive the TPM themselves: hash with
 * sha256(), TPM2_PCR_Extend the SHA-256 bank, and append to the event log
 * when the shim is the firmware that owns one. */
#ifndef BOOTSHIM_TPM_MEASURE_H
#define BOOTSHIM_TPM_MEASURE_H

#include "measure.h"
#include "tcg_log.h"
#include "tpm2.h"

struct tpm_measurer {
	struct measurer m;		/* first: what struct platform points at */
	struct tpm2_transport *t;
	struct tcg_log *log;		/* NULL: no log (another firmware owns it) */
};

/* Fill tm for a TPM reached through t. firmware: the shim is the first
 * code (send TPM2_Startup(CLEAR), disable the platform hierarchy, then
 * measure `self` into PCR 0 as EV_POST_CODE); otherwise measure only if
 * someone started the TPM. On
 * success tm->m is ready; otherwise *why_not says why (for the console) and
 * 1 is returned: the boot goes on unmeasured. -1: the TPM misbehaved (e). */
int tpm_measurer_init(struct tpm_measurer *tm, struct tpm2_transport *t, struct tcg_log *log,
		      bool firmware, const struct blob *self, const char *name,
		      const char **why_not, struct error *e);

#endif
