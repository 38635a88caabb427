/* A fake UEFI firmware for the host tests of the firmware-facing UEFI code
 * (arch/efi/, arch/x86_64/efi.c), built against gnu-efi's headers: a
 * system table whose boot services track every allocation, protocol
 * install and loaded image, can fail any call on request, and report how a
 * run ended (tests/unit/test_efi_fault.c). */
#ifndef BOOTSHIM_EFI_FAKE_H
#define BOOTSHIM_EFI_FAKE_H

/* The shim's headers first: cmocka defines a function-like fail(). */
#include "arch.h"
#include "boot.h"
#include "x86_64_boot.h"
#include "efi/bli.h"
#include "efi/uefi.h"
#include "efi/tcg2.h"
#include "x86_64/x86_64.h"

#include <efilib.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

/* Host memory standing in for the machine's free RAM: the shim copies the
 * kernel, initrd, command line and zero page into it. */
#define FAKE_RAM_BASE 0x40000000ull
#define FAKE_RAM_SIZE (64ull << 20)
#define FAKE_DESC_SIZE 48 /* what real firmware uses: 8 bytes more than the struct */

/* The boot services a fault can be injected into: the ones the shim
 * cannot do without. */
enum fake_call {
	FAKE_GET_MEMORY_MAP,
	FAKE_ALLOCATE_POOL,
	FAKE_ALLOCATE_PAGES,
	FAKE_INSTALL_PROTOCOLS,
	FAKE_LOAD_IMAGE,
	FAKE_HANDLE_PROTOCOL_KERNEL, /* the kernel image's LoadedImage */
	FAKE_START_IMAGE,
	FAKE_EXIT_BOOT_SERVICES,
	FAKE_HASH_LOG_EXTEND,	/* EFI_TCG2_PROTOCOL, when the config has one */
	FAKE_CLEAR_MEMORY_ATTRIBUTES, /* EFI_MEMORY_ATTRIBUTE_PROTOCOL, likewise */
	FAKE_INSTALL_CONFIG_TABLE,
	FAKE_CALLS
};

enum fake_end {
	FAKE_RETURNED,	/* efi_run returned a status to the firmware */
	FAKE_HANDOFF,	/* the kernel was entered (direct jump or StartImage) */
	FAKE_RESET,	/* ResetSystem */
	FAKE_HALTED,	/* efi_halt, past a ResetSystem that returned */
};

struct fake_config {
	int fail_at;		/* fail the n-th injectable call (1-based); 0: none */
	int fail_also;		/* and this one */
	bool ebs_always_stale;	/* every ExitBootServices sees a changed map */
	EFI_STATUS ebs_status;	/* injected ExitBootServices status; 0: a changed key */
	bool optional_fail;	/* GOP, RNG, variables, own LoadedImage all fail */
	bool start_unloads;	/* StartImage unloads the image before returning (EDK2) */
	bool load_violation;	/* LoadImage loads, then says EFI_SECURITY_VIOLATION */
	size_t event_descs;	/* descriptors an event adds once pages are claimed */
	bool stub;		/* run the stub hand-off */
	bool early_uart;	/* efi_uart_early: a UART before ExitBootServices */
	/* Measured boot and Secure Boot (test_efi_measure.c): */
	enum { FAKE_TCG2_NONE, FAKE_TCG2_NO_TPM, FAKE_TCG2_TPM } tcg2;
	UINT32 tcg2_banks;	/* ActivePcrBanks; 0: SHA-256 only */
	bool memattr;		/* EFI_MEMORY_ATTRIBUTE_PROTOCOL present */
	bool split_kernel;	/* the bzImage's two parts not contiguous */
	bool secure_boot;	/* SecureBoot 1, SetupMode 0 */
	const char *load_options; /* the shim's own LoadOptions (ASCII) */
	const char *allow;	/* CMDLINE_ALLOW as built in; NULL: empty */
	bool loader_info_set;	/* an earlier loader set LoaderInfo */
	const char *stub_cmdline; /* the stub's load options; NULL: the embedded */
	bool log_bad_last;	/* GetEventLog's last entry is no TCG_PCR_EVENT2 */
};

/* What EFI_TCG2_PROTOCOL was asked to measure, and a fingerprint (FNV-1a)
 * of the bytes it was given to hash, taken at the call. */
struct fake_event {
	UINT32 pcr, type;
	char desc[64];
	uint64_t len, fnv;
	bool pool;		/* the data was a pool buffer of the shim's */
};

struct fake_var {
	char name[32];		/* ASCII copy of the CHAR16 name */
	EFI_GUID guid;
	UINT32 attr;
	UINTN size;
	uint8_t data[128];
};

struct fake_memattr_call {
	EFI_PHYSICAL_ADDRESS base;
	UINT64 len, attr;
};

struct fake_result {
	enum fake_end end;
	EFI_STATUS status;		/* FAKE_RETURNED */
	int calls;			/* injectable calls made */
	enum fake_call failed;		/* which one failed (if fail_at <= calls) */
	size_t pages_held, pools_held, handles_held, images_held;
	int ebs_calls;
	bool misuse;			/* a service used after ExitBootServices */
	char misuse_what[64];
	UINTN reset_type;
	const struct handoff *h;	/* FAKE_HANDOFF, direct */
	struct fake_event ev[8];
	size_t n_ev;
	struct fake_var var[16];
	size_t n_var;
	struct fake_memattr_call clear[4];
	size_t n_clear;
	size_t tables_held;		/* configuration tables the shim installed */
	const struct linux_efi_tpm_eventlog *tpm_log; /* LINUX_EFI_TPM_EVENT_LOG */
	char con[8192];			/* ConOut text */
	char uart[2048];		/* after ExitBootServices */
};

extern const char *const fake_call_name[FAKE_CALLS];

/* One boot of the shim (efi_run) against a fresh fake firmware. */
void fake_boot(const struct fake_config *c, struct fake_result *r);

/* The synthetic bzImage the fake payload carries (with an "MZ" stub). */
#define FAKE_KERNEL_SETUP 2560
#define FAKE_KERNEL_BODY 65536
extern uint8_t fake_kernel[FAKE_KERNEL_SETUP + FAKE_KERNEL_BODY];
extern uint8_t fake_initrd[8192];
/* Fill a bzImage setup part at b (FAKE_KERNEL_SETUP bytes). */
void fake_setup_header(uint8_t *b);

extern uint8_t fake_kernel_head_apart[FAKE_KERNEL_SETUP]; /* split_kernel */
extern const char fake_cmdline[];
/* The firmware's event log GetEventLog hands out: a spec ID event in the
 * TCG 1.2 format, then two TCG_PCR_EVENT2 with a SHA-256 digest. */
extern uint8_t fake_event_log[];
extern const size_t fake_event_log_size, fake_event_log_last;

uint64_t fake_fnv(const void *p, size_t n, uint64_t h);
#define FAKE_FNV_INIT 0xcbf29ce484222325ull
/* The variable a run left, by ASCII name and GUID; NULL if none. */
const struct fake_var *fake_var_find(const struct fake_result *r, const char *name,
				     const EFI_GUID *guid);

extern const struct CMUnitTest efi_fault_tests[], efi_zero_page_tests[], efi_measure_tests[];
extern const size_t efi_fault_count, efi_zero_page_count, efi_measure_count;

#endif
