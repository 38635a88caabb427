/* Shared by the host unit tests (one cmocka binary, one group).
 *
 * The shim's headers come first: cmocka defines a function-like macro
 * `fail()`, which would otherwise swallow error.h's declaration of the
 * core's own fail(). Tests call the core's one as (fail)(...). */
#ifndef BOOTSHIM_UNIT_H
#define BOOTSHIM_UNIT_H

#include "error.h"
#include "fmt.h"
#include "memmap.h"
#include "phys.h"
#include "place.h"
#include "pvh.h"
#include "x86_64_boot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Each test file exports its tests; main.c runs them as one group so the
 * run ends with a single cmocka summary. */
struct unit_suite {
	const struct CMUnitTest *tests;
	size_t n;
};

extern const struct unit_suite x86_64_suite, zero_page_suite, aarch64_suite, memmap_suite,
	place_suite, place_prop_suite, pvh_suite, fmt_suite;
/* tests/unit/test_fdt.c, test_fw_cfg.c, test_efi_memmap.c */
extern const struct unit_suite fdt_suite, fw_cfg_suite, efi_memmap_suite;
/* tests/unit/test_fdt_uefi.c */
extern const struct unit_suite fdt_uefi_suite;
/* tests/unit/test_fdt_tpm.c */
extern const struct unit_suite fdt_tpm_suite;
/* tests/unit/test_linux_aarch64.c, test_aarch64_cpu.c */
extern const struct unit_suite linux_arm64_suite, aarch64_cpu_suite;
/* tests/unit/test_psci.c */
extern const struct unit_suite psci_suite;
/* tests/unit/test_firmware_x86_64.c */
extern const struct unit_suite firmware_x86_suite;
/* tests/unit/test_boot_place.c */
extern const struct unit_suite boot_place_suite;
/* tests/unit/test_riscv64.c */
extern const struct unit_suite riscv64_suite;
/* tests/unit/test_pack.c */
extern const struct unit_suite pack_suite;
/* Measured boot: tests/unit/test_sha256.c, test_measure.c, test_tpm2.c,
 * test_tpm_tis.c, test_tcg_log.c, test_tpm_measure.c, test_shim_image.c */
extern const struct unit_suite sha256_suite, measure_suite, tpm2_suite, tpm_tis_suite,
	tcg_log_suite, tpm_measure_suite, shim_image_suite;

/* The error message must mention `what` (the field or item at fault). */
#define assert_err_mentions(err, what)                                              \
	do {                                                                        \
		if (!strstr((err)->msg, (what)))                                    \
			fail_msg("error \"%s\" does not mention \"%s\"", (err)->msg, \
				 (what));                                           \
	} while (0)

/* A call that must fail (-1) with a message mentioning `what`. */
#define assert_fails_mentioning(call, err, what)                                    \
	do {                                                                        \
		memset((err)->msg, 0, sizeof((err)->msg));                          \
		int rc_ = (call);                                                   \
		if (rc_ != -1)                                                      \
			fail_msg("%s returned %d, expected -1 (%s)", #call, rc_, what); \
		assert_err_mentions(err, what);                                     \
	} while (0)

/* A call that must succeed (0); prints the core's message otherwise. */
#define assert_ok(call, err)                                                        \
	do {                                                                        \
		strcpy((err)->msg, "(no message)");                                 \
		int rc_ = (call);                                                   \
		if (rc_ != 0)                                                       \
			fail_msg("%s returned %d: %s", #call, rc_, (err)->msg);     \
	} while (0)

/* Little-endian loads and stores at a byte offset, as boot.rst gives them. */
static inline uint64_t ld(const void *p, size_t off, size_t len)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++)
		v |= (uint64_t)((const uint8_t *)p)[off + i] << (8 * i);
	return v;
}

static inline void st(void *p, size_t off, size_t len, uint64_t v)
{
	for (size_t i = 0; i < len; i++)
		((uint8_t *)p)[off + i] = (uint8_t)(v >> (8 * i));
}

/* A synthetic bzImage setup part: SYNTH_SETUP_BYTES bytes at buf, setup
 * header for protocol 2.15 with the values below; the file it stands for is
 * SYNTH_FILE_LEN bytes long. */
#define SYNTH_SETUP_SECTS 4
#define SYNTH_SETUP_BYTES ((SYNTH_SETUP_SECTS + 1) * 512)
#define SYNTH_BODY_BYTES 0x800123ull
#define SYNTH_FILE_LEN (SYNTH_SETUP_BYTES + SYNTH_BODY_BYTES)
#define SYNTH_HDR_END 0x26c
#define SYNTH_INIT_SIZE 0x3378000u
#define SYNTH_PREF_ADDRESS 0x1000000ull
#define SYNTH_ALIGN 0x200000u
#define SYNTH_INITRD_ADDR_MAX 0x7fffffffu
#define SYNTH_CMDLINE_SIZE 2047u
void synth_bzimage(uint8_t *buf);

/* printf to stderr, where cmocka reports failures, so a dump comes out in
 * order with the failure it explains. */
int eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The shim's copy functions against libc's (tests/unit/test_lib.c). */
typedef void *copy_fn(void *dst, const void *src, size_t n);
typedef void *set_fn(void *dst, int c, size_t n);
extern const struct unit_suite lib_suite;
void check_copies(const char *who, copy_fn *cpy, copy_fn *move, set_fn *set);

/* A sanitised-map builder for tests: add ranges then sanitise, asserting. */
void map_build(struct memmap *m, const struct mem_range *r, size_t n);

#endif
