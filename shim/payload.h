/* The payload table: what the build embedded with .incbin (arch/payload.S),
 * each blob in its own section between start and end symbols. */
#ifndef BOOTSHIM_PAYLOAD_H
#define BOOTSHIM_PAYLOAD_H

#include "lib.h"

struct blob {
	const uint8_t *start;
	uint64_t len;
};

struct payload {
	struct blob kernel_head;	/* x86: the bzImage's real-mode setup part */
	struct blob kernel;		/* x86: the protected-mode part; arm64: the Image */
	struct blob initrd;
	struct blob cmdline;		/* NUL-terminated; len excludes the NUL */
	struct blob dtb;		/* DTB= given at build time; len 0 if none */
};

void payload_get(struct payload *p);

#endif
