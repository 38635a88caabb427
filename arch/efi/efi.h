/* The UEFI entries' shared part (arch/efi/common.c) and what each arch's
 * efi.c provides to it. gnu-efi types. */
#ifndef BOOTSHIM_EFI_H
#define BOOTSHIM_EFI_H

#include <efi.h>

#include "../../shim/boot.h"

struct efi_map {
	uint8_t *buf;
	UINTN capacity, size, key, desc_size;
	UINT32 desc_version;
};

extern EFI_HANDLE efi_image;
extern bool efi_left_boot_services;
extern void *efi_error_exit[5];
extern struct efi_map efi_map;

int efi_start(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab, struct platform *pf,
	      struct error *err);
int efi_free_memory(struct platform *pf, struct error *err);
int efi_get_map(struct error *e);
/* The stub hand-off: LoadImage/StartImage of the kernel's EFI stub. */
__attribute__((noreturn)) void efi_stub_boot(struct platform *pf);

#ifdef EFI_HANDOFF_STUB
#define EFI_HANDOFF_NAME "UEFI (stub hand-off)"
#define efi_boot(pf) efi_stub_boot(pf)
#else
#define EFI_HANDOFF_NAME "UEFI (direct hand-off)"
#define efi_boot(pf) bootshim_main(pf)
#endif
uint64_t efi_find_rsdp(void);

/* Provided by arch/<arch>/efi.c: */
void efi_uart_putc(char c);		/* after ExitBootServices */
void efi_after_exit(void);		/* set up that UART */
__attribute__((noreturn)) void efi_halt(void);
/* Rewrite the boot information for the final memory map (no allocation,
 * no output: between GetMemoryMap and ExitBootServices). */
int efi_refresh(struct platform *pf, struct boot_plan *bp, struct error *e);

#endif
