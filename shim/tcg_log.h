/* The TCG crypto-agile event log a firmware hands to the OS (TCG PC Client
 * Platform Firmware Profile, 10.2 and 10.4.5): a TCG_PCClientPCREvent
 * header carrying TCG_EfiSpecIDEvent ("Spec ID Event03", SHA-256 only),
 * then one TCG_PCR_EVENT2 per measurement. */
#ifndef BOOTSHIM_TCG_LOG_H
#define BOOTSHIM_TCG_LOG_H

#include "error.h"
#include "sha256.h"

struct tcg_log {
	uint8_t *base;
	uint64_t phys;		/* where the OS finds it */
	size_t size;		/* the area's size (LAML, linux,sml-size) */
	size_t used;
};

/* Clear the area and write the Spec ID header event. */
int tcg_log_init(struct tcg_log *l, void *base, uint64_t phys, size_t size, struct error *e);
int tcg_log_append(struct tcg_log *l, uint32_t pcr, uint32_t type,
		   const uint8_t digest[SHA256_BYTES], const void *data, size_t len,
		   struct error *e);

#endif
