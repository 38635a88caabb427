/* The direct hand-off (EFI_HANDOFF=direct, the default: the build links
 * this file instead of arch/efi/stub.c): the portable core places the
 * kernel, the initrd and the boot information, claims their pages,
 * leaves boot services (arch/efi/common.c) and jumps to the kernel, as on
 * the entries that own the machine. Nothing of its own to give back on an
 * error: the claimed pages are common.c's. */
#include <efi.h>

#include "boot.h"
#include "uefi.h"

static const struct efi_handoff efi_handoff_direct = {
	.name = "UEFI (direct hand-off)",
	.boot = bootshim_main,
	.release = NULL,
};

EFI_STATUS efi_main(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab)
{
	return efi_run(handle, systab, &efi_handoff_direct);
}
