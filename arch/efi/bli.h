/* systemd's Boot Loader Interface variables, set by shim.efi
 * (arch/efi/bli.c). */
#ifndef BOOTSHIM_EFI_BLI_H
#define BOOTSHIM_EFI_BLI_H

#include <efi.h>

#include "boot.h"

/* LoaderInfo and friends live under this vendor GUID. */
#define EFI_BLI_LOADER_GUID \
	{ 0x4a67b082, 0x0a4c, 0x41cf, { 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f } }
/* Volatile: no EFI_VARIABLE_NON_VOLATILE. */
#define BLI_ATTRIBUTES (EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)
/* The longest value, in characters with the NUL ("bootshim <version>"). */
#define BLI_VALUE_MAX 64

/* Just before the hand-off (the first ExitBootServices or StartImage):
 * unless an earlier boot loader set LoaderInfo, LoaderInfo ("bootshim
 * <version>"), LoaderTimeInitUSec (pf->t_entry) and LoaderTimeExecUSec
 * (now); StubPcrKernelImage ("11") when the payload was measured. A
 * SetVariable that fails is a warning. */
void efi_bli_handoff(const struct platform *pf);
/* Error returns: delete what efi_bli_handoff set. */
void efi_bli_release(void);

#endif
