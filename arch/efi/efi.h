/* The UEFI entries' shared part (arch/efi/common.c, arch/efi/stub.c) and
 * what each arch provides to it. gnu-efi types.
 *
 * Firmware-facing code (everything that calls boot or runtime services)
 * lives in arch/efi/ and arch/<arch>/efi.c; the few machine-level pieces
 * (UART, halt, the jump) are apart (arch/x86_64/efi_cpu.c), so that the host
 * unit tests (tests/unit/test_efi_fault.c) can run the former against a
 * fake system table and provide the latter themselves. */
#ifndef BOOTSHIM_EFI_H
#define BOOTSHIM_EFI_H

#include <efi.h>

#include "../../shim/boot.h"

struct efi_map {
	uint8_t *buf;			/* AllocatePool'ed; NULL once given back */
	UINTN capacity, size, key, desc_size;
	UINT32 desc_version;
};

extern EFI_HANDLE efi_image;
/* Set at the first call to ExitBootServices, whatever it returned: from
 * then on only memory allocation services may be used (UEFI 2.10, 7.4
 * ExitBootServices), so no ConOut and no return to the firmware. */
extern bool efi_left_boot_services;
extern struct efi_map efi_map;

/* The whole UEFI boot: the shared start, the arch's part, the free memory,
 * then `boot` (the direct or the stub hand-off). Returns only an error
 * status, after giving back everything the shim took from the firmware. */
typedef void (*efi_boot_fn)(struct platform *pf) __attribute__((noreturn));
EFI_STATUS efi_run(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab, const char *name,
		   efi_boot_fn boot);

/* The image entry point (gnu-efi's crt0 calls it): efi_run with this
 * build's hand-off. */
EFI_STATUS efi_main(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab);

int efi_get_map(struct error *e);
uint64_t efi_find_rsdp(void);
/* Up to len bytes of entropy from EFI_RNG_PROTOCOL; 0 if it has none. */
size_t efi_rng(uint8_t *out, size_t len);

/* EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10, 37.7), which gnu-efi 3.0.15
 * lacks. */
#define EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID \
	{ 0xf4560cf6, 0x40ec, 0x4b4a, { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } }
struct _EFI_MEMORY_ATTRIBUTE_PROTOCOL;
typedef EFI_STATUS(EFIAPI *EFI_MEMORY_ATTRIBUTE_FN)(struct _EFI_MEMORY_ATTRIBUTE_PROTOCOL *This,
						    EFI_PHYSICAL_ADDRESS BaseAddress,
						    UINT64 Length, UINT64 Attributes);
typedef EFI_STATUS(EFIAPI *EFI_GET_MEMORY_ATTRIBUTES_FN)(
	struct _EFI_MEMORY_ATTRIBUTE_PROTOCOL *This, EFI_PHYSICAL_ADDRESS BaseAddress,
	UINT64 Length, UINT64 *Attributes);
typedef struct _EFI_MEMORY_ATTRIBUTE_PROTOCOL {
	EFI_GET_MEMORY_ATTRIBUTES_FN GetMemoryAttributes;
	EFI_MEMORY_ATTRIBUTE_FN SetMemoryAttributes;
	EFI_MEMORY_ATTRIBUTE_FN ClearMemoryAttributes;
} EFI_MEMORY_ATTRIBUTE_PROTOCOL;

/* The direct hand-off: clear EFI_MEMORY_XP over the kernel's placed pages
 * where the firmware has EFI_MEMORY_ATTRIBUTE_PROTOCOL (arch/efi/memattr.c);
 * without the protocol, nothing to do. */
int efi_kernel_executable(const struct place_item *kernel, struct error *e);

/* The stub hand-off (arch/efi/stub.c): LoadImage/StartImage of the
 * kernel's EFI stub. */
__attribute__((noreturn)) void efi_stub_boot(struct platform *pf);
/* Uninstall and unload what the stub hand-off set up (error returns). */
void efi_stub_release(void);

#ifdef EFI_HANDOFF_STUB
#define EFI_HANDOFF_NAME "UEFI (stub hand-off)"
#define EFI_HANDOFF efi_stub_boot
#else
#define EFI_HANDOFF_NAME "UEFI (direct hand-off)"
#define EFI_HANDOFF bootshim_main
#endif

/* Provided by arch/<arch>/efi.c (firmware-facing): */
/* What only this arch asks the firmware for (x86: GOP; arm64: the DTB;
 * both: the entropy seed), before the free memory is read. */
int efi_arch_init(struct platform *pf, struct error *e);
/* After a successful ExitBootServices (arm64: SetVirtualAddressMap). */
void efi_after_exit(void);

/* Provided by the arch (the machine itself; x86: arch/x86_64/efi_cpu.c): */
void efi_uart_init(void);		/* the console once boot services are gone */
void efi_uart_putc(char c);
/* The last resort if ResetSystem returns: stop this CPU for good. */
__attribute__((noreturn)) void efi_halt(void);

#endif
