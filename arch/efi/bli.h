/* systemd's Boot Loader Interface variables, set by shim.efi
 * (arch/efi/bli.c). */
#ifndef BOOTSHIM_EFI_BLI_H
#define BOOTSHIM_EFI_BLI_H

#include <efi.h>

#include "../../shim/boot.h"

/* LoaderInfo and friends live under this vendor GUID. */
#define EFI_BLI_LOADER_GUID \
	{ 0x4a67b082, 0x0a4c, 0x41cf, { 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f } }
/* Volatile: no EFI_VARIABLE_NON_VOLATILE. */
#define BLI_ATTRIBUTES (EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)
/* The longest value, in characters with the NUL ("bootshim <version>"). */
#define BLI_VALUE_MAX 64

/* At the start: LoaderInfo ("bootshim <version>") and LoaderTimeInitUSec
 * (pf->t_entry), unless an earlier boot loader set LoaderInfo. */
void efi_bli_start(const struct platform *pf);
/* Just before the hand-off (ExitBootServices or StartImage):
 * StubPcrKernelImage ("11") when the payload was measured, and
 * LoaderTimeExecUSec (now) when efi_bli_start set LoaderInfo. */
void efi_bli_handoff(const struct platform *pf);
/* ticks of arch_ticks() in microseconds; 0 when the frequency is unknown. */
uint64_t efi_bli_usec(uint64_t ticks);

#endif
