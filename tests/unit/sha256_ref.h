/* An independent SHA-256 for the tests: the host's sha256sum (coreutils),
 * not OpenSSL, run over a temporary file. */
#ifndef BOOTSHIM_SHA256_REF_H
#define BOOTSHIM_SHA256_REF_H

#include <stddef.h>
#include <stdint.h>

/* 64 lowercase hex digits and a NUL into out. */
void sha256_ref_hex(const void *data, size_t len, char out[65]);
void sha256_ref(const void *data, size_t len, uint8_t out[32]);

/* The captured console (tests/unit/sha256_ref.c's con_printf): what the
 * core printed since the last con_capture_reset. */
extern char con_capture[16384];
void con_capture_reset(void);

#endif
