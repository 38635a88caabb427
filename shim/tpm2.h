/* The few TPM 2.0 commands a firmware sends (TPM 2.0 Library, Part 3),
 * marshalled into and parsed from byte buffers: pure, host-tested against
 * recorded swtpm responses, and fuzzed (every response is untrusted). */
#ifndef BOOTSHIM_TPM2_H
#define BOOTSHIM_TPM2_H

#include "error.h"
#include "sha256.h"

#define TPM2_MAX_BUFFER 4096	/* TIS FIFO and swtpm both take this much */

/* Response codes the shim tells apart (Part 2, 6.6). */
#define TPM2_RC_SUCCESS 0x000u
#define TPM2_RC_INITIALIZE 0x100u	/* TPM2_Startup not yet sent */

/* Algorithm ids (TPM_ALG_ID, Part 2, 6.3). */
#define TPM2_ALG_SHA1 0x0004u
#define TPM2_ALG_SHA256 0x000bu
#define TPM2_ALG_SHA384 0x000cu
#define TPM2_ALG_SHA512 0x000du
#define TPM2_ALG_SM3_256 0x0012u

/* A way to send one command and receive its response (TIS, a test fake). */
struct tpm2_transport {
	int (*submit)(struct tpm2_transport *t, const uint8_t *cmd, size_t cmd_len,
		      uint8_t *rsp, size_t rsp_cap, size_t *rsp_len, struct error *e);
};

/* Header check of a response: tag, size within len and >= 10, code. */
int tpm2_parse_response(const uint8_t *rsp, size_t len, uint32_t *rc, struct error *e);

/* TPM2_Startup(TPM_SU_CLEAR); *already = true when the TPM answered
 * TPM_RC_INITIALIZE (someone else started it). */
int tpm2_startup_clear(struct tpm2_transport *t, bool *already, struct error *e);
/* Whether the TPM has been started: a harmless command answered with
 * anything but TPM_RC_INITIALIZE. */
int tpm2_is_started(struct tpm2_transport *t, bool *started, struct error *e);
/* The active PCR banks (TPM2_GetCapability, TPM_CAP_PCRS): algorithm ids
 * of the banks with at least one PCR selected. */
int tpm2_active_banks(struct tpm2_transport *t, uint16_t *alg, size_t cap, size_t *n,
		      struct error *e);
/* TPM2_PCR_Extend of a SHA-256 digest into one PCR. */
int tpm2_pcr_extend_sha256(struct tpm2_transport *t, uint32_t pcr,
			   const uint8_t digest[SHA256_BYTES], struct error *e);

#endif
