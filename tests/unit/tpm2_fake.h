/* A fake TPM transport for the tests: it records each command and answers
 * with the next of a list of canned (recorded) responses. */
#ifndef BOOTSHIM_TPM2_FAKE_H
#define BOOTSHIM_TPM2_FAKE_H

#include "tpm2.h"

#define FAKE_MAX 16

struct fake_rsp {
	const uint8_t *bytes;
	size_t len;
	int fail;		/* nonzero: submit fails (a transport error) */
};

struct tpm2_fake {
	struct tpm2_transport t;	/* first */
	struct fake_rsp rsp[FAKE_MAX];
	size_t n_rsp, next;
	uint8_t cmd[FAKE_MAX][TPM2_MAX_BUFFER];
	size_t cmd_len[FAKE_MAX];
};

#define FAKE_RSP(a) ((struct fake_rsp){ a, sizeof(a), 0 })

void tpm2_fake_init(struct tpm2_fake *f, const struct fake_rsp *rsp, size_t n);
/* The command code of the i-th command sent. */
uint32_t tpm2_fake_cc(const struct tpm2_fake *f, size_t i);

#endif
