/* The few TPM 2.0 commands a firmware sends (TPM 2.0 Library, Part 3),
 * marshalled into and parsed from byte buffers: pure, host-tested against
 * recorded swtpm responses, and fuzzed (every response is untrusted). */
#ifndef BOOTSHIM_TPM2_H
#define BOOTSHIM_TPM2_H

#include "error.h"
#include "sha256.h"

#define TPM2_MAX_BUFFER 4096	/* TIS FIFO and swtpm both take this much */
#define TPM2_HEADER_BYTES 10	/* tag, size, command or response code */

/* Structure tags (TPM_ST, Part 2, 6.9). */
#define TPM2_ST_NO_SESSIONS 0x8001u
#define TPM2_ST_SESSIONS 0x8002u

/* Command codes (TPM_CC, Part 2, 6.5.2). */
#define TPM2_CC_HIERARCHY_CONTROL 0x00000121u
#define TPM2_CC_STARTUP 0x00000144u
#define TPM2_CC_GET_CAPABILITY 0x0000017au
#define TPM2_CC_PCR_EXTEND 0x00000182u

/* TPM_SU_CLEAR (Part 2, 6.8); TPM_CAP_PCRS (6.12); TPM_RS_PW (7.4). */
#define TPM2_SU_CLEAR 0x0000u
#define TPM2_CAP_PCRS 0x00000005u
#define TPM2_RS_PW 0x40000009u
/* TPM_RH_PLATFORM (Part 2, 7.4): the platform hierarchy's handle, and as
 * a TPMI_RH_ENABLES value the one that names phEnable. */
#define TPM2_RH_PLATFORM 0x4000000cu

/* Response codes the shim tells apart (Part 2, 6.6). */
#define TPM2_RC_SUCCESS 0x000u
#define TPM2_RC_INITIALIZE 0x100u	/* TPM2_Startup not yet sent */
/* Format-one codes (Part 2, 6.6): bit 7 (RC_FMT1) set, the
 * error in bits 0-5, bit 6 and bits 8-11 saying which handle, parameter
 * or session it is about; the error alone is rc & (RC_FMT1 + 0x3F). */
#define TPM2_RC_FMT1 0x080u
#define TPM2_RC_FMT1_ERROR (TPM2_RC_FMT1 + 0x3fu)
#define TPM2_RC_HIERARCHY (TPM2_RC_FMT1 + 0x005u)	/* hierarchy disabled */
#define TPM2_RC_BAD_AUTH (TPM2_RC_FMT1 + 0x022u)	/* wrong authValue */

/* Algorithm ids (TPM_ALG_ID, Part 2, 6.3). */
#define TPM2_ALG_SHA1 0x0004u
#define TPM2_ALG_SHA256 0x000bu
#define TPM2_ALG_SHA384 0x000cu
#define TPM2_ALG_SHA512 0x000du
#define TPM2_ALG_SM3_256 0x0012u

/* "SHA-256", "SHA-1", ... for messages; "unknown" for other ids. */
const char *tpm2_alg_name(uint16_t alg);

/* A way to send one command and receive its response (TIS, a test fake). */
struct tpm2_transport {
	int (*submit)(struct tpm2_transport *t, const uint8_t *cmd, size_t cmd_len,
		      uint8_t *rsp, size_t rsp_cap, size_t *rsp_len, struct error *e);
};

/* Header check of a response: tag, size within len and >= 10, code. */
int tpm2_parse_response(const uint8_t *rsp, size_t len, uint32_t *rc, struct error *e);

/* The commands as bytes (exposed for the tests): each returns its length. */
size_t tpm2_marshal_startup(uint8_t *cmd, uint16_t su);
size_t tpm2_marshal_get_capability_pcrs(uint8_t *cmd);
size_t tpm2_marshal_pcr_extend_sha256(uint8_t *cmd, uint32_t pcr,
				      const uint8_t digest[SHA256_BYTES]);
size_t tpm2_marshal_platform_hierarchy_off(uint8_t *cmd);
/* The responses' parsers (exposed for the tests and the fuzzer): 0 when
 * well formed with TPM_RC_SUCCESS, -1 with e naming the field. */
int tpm2_parse_pcrs(const uint8_t *rsp, size_t len, uint16_t *alg, size_t cap, size_t *n,
		    struct error *e);
int tpm2_parse_pcr_extend(const uint8_t *rsp, size_t len, struct error *e);
/* TPM2_HierarchyControl's: also 0 with *already = true when the TPM
 * answered TPM_RC_HIERARCHY (phEnable was clear already). */
int tpm2_parse_platform_hierarchy_off(const uint8_t *rsp, size_t len, bool *already,
				      struct error *e);

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
/* TPM2_HierarchyControl(TPM_RH_PLATFORM, enable = TPM_RH_PLATFORM,
 * state = NO) with the empty platformAuth: clears phEnable until the next
 * TPM2_Startup(CLEAR), leaving phEnableNV alone. *already = true when
 * phEnable was clear already (TPM_RC_HIERARCHY). */
int tpm2_disable_platform_hierarchy(struct tpm2_transport *t, bool *already, struct error *e);

#endif
