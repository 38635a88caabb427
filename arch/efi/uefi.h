/* The UEFI entries' shared part (arch/efi/common.c and the hand-offs) and
 * what each arch provides to it. gnu-efi types.
 *
 * Firmware-facing code (everything that calls boot or runtime services)
 * lives in arch/efi/ and arch/<arch>/efi.c; the few machine-level pieces
 * (UART, halt, the jump) are apart (arch/x86_64/efi_cpu.c), so that the host
 * unit tests (tests/unit/test_efi_fault.c) can run the former against a
 * fake system table and provide the latter themselves. */
#ifndef BOOTSHIM_UEFI_H
#define BOOTSHIM_UEFI_H

#include <efi.h>

#include "boot.h"

struct efi_map {
	uint8_t *buf;			/* AllocatePool'ed; NULL once given back */
	UINTN capacity, size, key, desc_size;
	UINT32 desc_version;
};

extern EFI_HANDLE efi_image;
extern struct efi_map efi_map;

/* How the kernel is handed over. The build links one of two files, each
 * with its hand-off and the image entry point efi_main (EFI_HANDOFF=):
 *   direct  arch/efi/direct.c  the core places everything and jumps
 *                              (bootshim_main, shim/boot.c)
 *   stub    arch/efi/stub.c    the kernel's EFI stub, by LoadImage and
 *                              StartImage (systemd-stub's way) */
struct efi_handoff {
	const char *name;		/* "how the shim was started" (pf->entry_name) */
	void (*boot)(struct platform *pf) __attribute__((noreturn));
	/* Give back what `boot` set up, when the shim returns an error to
	 * the firmware; NULL: nothing to give back. */
	void (*release)(void);
};
/* arch/efi/stub.c's (the host tests run both hand-offs). */
extern const struct efi_handoff efi_handoff_stub;

/* The whole UEFI boot: the shared start, the arch's part, the free memory,
 * then the hand-off's boot. Returns only an error status, after giving
 * back everything the shim took from the firmware. */
EFI_STATUS efi_run(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab, const struct efi_handoff *h);

/* The image entry point (gnu-efi's crt0 calls it): efi_run with this
 * build's hand-off (arch/efi/direct.c or arch/efi/stub.c). */
EFI_STATUS efi_main(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab);

/* The system table's configuration table entry for guid; NULL if none. */
void *efi_config_table(EFI_GUID *guid);

/* After ExitBootServices, on the DTB arches: as the kernel's own EFI stub
 * does there, keep the runtime services mapped 1:1 (SetVirtualAddressMap
 * with every runtime region's virtual address its physical one), so the
 * kernel maps them at the addresses the final memory map names; if the
 * firmware refuses, virtual addresses of U64_MAX say no mapping was
 * installed. */
void efi_runtime_identity(void);

/* Up to len bytes of entropy from EFI_RNG_PROTOCOL; 0 if it has none. */
size_t efi_rng(uint8_t *out, size_t len);

/* EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10, 37.7), which gnu-efi 3.0.15
 * (Debian 12) lacks and 3.0.18 (Debian 13, riscv64's) declares under the
 * spec's names but without its GUID: here under a name of its own, the
 * same with either. */
#define EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID \
	{ 0xf4560cf6, 0x40ec, 0x4b4a, { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } }
struct efi_memory_attribute_protocol;
typedef EFI_STATUS(EFIAPI *EFI_MEMORY_ATTRIBUTE_FN)(struct efi_memory_attribute_protocol *This,
						    EFI_PHYSICAL_ADDRESS BaseAddress,
						    UINT64 Length, UINT64 Attributes);
typedef EFI_STATUS(EFIAPI *EFI_GET_MEMORY_ATTRIBUTES_FN)(
	struct efi_memory_attribute_protocol *This, EFI_PHYSICAL_ADDRESS BaseAddress,
	UINT64 Length, UINT64 *Attributes);
struct efi_memory_attribute_protocol {
	EFI_GET_MEMORY_ATTRIBUTES_FN GetMemoryAttributes;
	EFI_MEMORY_ATTRIBUTE_FN SetMemoryAttributes;
	EFI_MEMORY_ATTRIBUTE_FN ClearMemoryAttributes;
};

/* The direct hand-off: clear EFI_MEMORY_XP over the kernel's placed pages
 * where the firmware has EFI_MEMORY_ATTRIBUTE_PROTOCOL (arch/efi/memattr.c);
 * without the protocol, nothing to do. */
int efi_kernel_executable(const struct place_item *kernel, struct error *e);

/* Provided by arch/<arch>/efi.c (firmware-facing): */
/* What only this arch asks the firmware for (x86_64: GOP; aarch64 and
 * riscv64: the DTB, riscv64 the boot hart; all: the entropy seed), before
 * the free memory is read. */
int efi_arch_init(struct platform *pf, struct error *e);
/* After a successful ExitBootServices (aarch64, riscv64:
 * efi_runtime_identity). */
void efi_after_exit(void);

/* Provided by the arch (the machine itself; x86: arch/x86_64/efi_cpu.c): */
void efi_uart_init(void);		/* the console once boot services are gone */
void efi_uart_putc(char c);
/* Whether efi_uart_putc reaches a UART while boot services last too, for
 * the progress lines (arch/efi/common.c's console): x86_64 COM1 where it
 * answers, aarch64 the PL011 the firmware's DTB names. */
bool efi_uart_early(void);
/* The last resort if ResetSystem returns: stop this CPU for good. */
__attribute__((noreturn)) void efi_halt(void);

#endif
