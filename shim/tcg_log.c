/* The TCG crypto-agile event log (TCG PC Client Platform Firmware Profile
 * Specification, Family "2.0", Level 00 Revision 1.05; section numbers
 * below are that document's). Only the SHA-256 bank is logged: it is the
 * only bank the shim extends. */
#include "tcg_log.h"
#include "measure.h"
#include "tpm2.h"

#define SHA1_BYTES 20

/* 10.2.1 TCG_PCClientPCREvent: "the first event in the log" is in this
 * SHA-1 format, whatever the log's algorithms. Its event data is the Spec
 * ID event below. */
struct __attribute__((packed)) tcg_pcr_event {
	uint32_t pcr_index;
	uint32_t event_type;	/* EV_NO_ACTION */
	uint8_t digest[SHA1_BYTES]; /* zeros */
	uint32_t event_size;
};
_Static_assert(sizeof(struct tcg_pcr_event) == 32, "TCG_PCClientPCREvent header");

/* 10.4.5.1 TCG_EfiSpecIDEvent, with one TCG_EfiSpecIdEventAlgorithmSize
 * and vendorInfoSize 0 (no vendorInfo). */
struct __attribute__((packed)) tcg_spec_id_event {
	char signature[16];	/* "Spec ID Event03\0" */
	uint32_t platform_class; /* 0: client platform */
	uint8_t spec_version_minor;
	uint8_t spec_version_major;
	uint8_t spec_errata;
	uint8_t uintn_size;	/* 2: UINTN is 64 bits */
	uint32_t number_of_algorithms;
	uint16_t algorithm_id;
	uint16_t digest_size;
	uint8_t vendor_info_size;
};
_Static_assert(sizeof(struct tcg_spec_id_event) == 33, "TCG_EfiSpecIDEvent with one algorithm");

/* 10.2.2 TCG_PCR_EVENT2 with a TPML_DIGEST_VALUES of one SHA-256 TPMT_HA,
 * then eventSize and the event data. */
struct __attribute__((packed)) tcg_pcr_event2 {
	uint32_t pcr_index;
	uint32_t event_type;
	uint32_t digest_count;	/* 1 */
	uint16_t hash_alg;	/* TPM_ALG_SHA256 */
	uint8_t digest[SHA256_BYTES];
	uint32_t event_size;
};
_Static_assert(sizeof(struct tcg_pcr_event2) == 50, "TCG_PCR_EVENT2 with one SHA-256 digest");

/* "The specVersionMajor, specVersionMinor and specErrata ... 2, 0 and
 * 2" for this revision of the profile (10.4.5.1). */
#define SPEC_ID_SIGNATURE "Spec ID Event03"
#define SPEC_VERSION_MAJOR 2
#define SPEC_VERSION_MINOR 0
#define SPEC_ERRATA 2
#define UINTN_SIZE_64 2

/* The log lives in memory the OS reads as little-endian (10.2: the
 * structures are "in little-endian format"); both arches are. */
static int put(struct tcg_log *l, const void *p, size_t n, const char *what, struct error *e)
{
	if (n > l->size - l->used)
		return fail(e, "TCG event log", "%s of %zu bytes does not fit: %zu of %zu bytes used",
			    what, n, l->used, l->size);
	memcpy(l->base + l->used, p, n);
	l->used += n;
	return 0;
}

int tcg_log_init(struct tcg_log *l, void *base, uint64_t phys, size_t size, struct error *e)
{
	*l = (struct tcg_log){ .base = base, .phys = phys, .size = size };
	/* 10.4.5.1's header, all but the constant fields zero. */
	struct tcg_spec_id_event id = {
		.signature = SPEC_ID_SIGNATURE,
		.spec_version_minor = SPEC_VERSION_MINOR,
		.spec_version_major = SPEC_VERSION_MAJOR,
		.spec_errata = SPEC_ERRATA,
		.uintn_size = UINTN_SIZE_64,
		.number_of_algorithms = 1,
		.algorithm_id = TPM2_ALG_SHA256,
		.digest_size = SHA256_BYTES,
	};
	struct tcg_pcr_event h = {
		.pcr_index = 0, .event_type = EV_NO_ACTION, .event_size = sizeof(id),
	};
	if (sizeof(h) + sizeof(id) > size)
		return fail(e, "TCG event log", "area of %zu bytes is smaller than the %zu-byte "
			    "header event", size, sizeof(h) + sizeof(id));
	/* Unused space reads as zeros: a parser stops at an all-zero event. */
	memset(base, 0, size);
	return put(l, &h, sizeof(h), "header", e) || put(l, &id, sizeof(id), "Spec ID event", e)
		       ? -1 : 0;
}

int tcg_log_append(struct tcg_log *l, uint32_t pcr, uint32_t type,
		   const uint8_t digest[SHA256_BYTES], const void *data, size_t len,
		   struct error *e)
{
	struct tcg_pcr_event2 ev = {
		.pcr_index = pcr, .event_type = type, .digest_count = 1,
		.hash_alg = TPM2_ALG_SHA256, .event_size = (uint32_t)len,
	};
	memcpy(ev.digest, digest, SHA256_BYTES);
	if (len > UINT32_MAX || sizeof(ev) + len > l->size - l->used)
		return fail(e, "TCG event log", "event of %zu bytes for PCR %u does not fit: %zu of "
			    "%zu bytes used", sizeof(ev) + len, pcr, l->used, l->size);
	return put(l, &ev, sizeof(ev), "event", e) || put(l, data, len, "event data", e) ? -1 : 0;
}
