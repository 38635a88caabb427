/* EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10, 37.7): on firmware that maps
 * loader data non-executable (an NX memory protection policy, as shim.efi's
 * NX_COMPAT invites), the kernel the direct hand-off copied into
 * AllocatePages'd memory would fault at its first instruction. Before the
 * jump the shim clears EFI_MEMORY_XP over the kernel's pages, as the
 * kernel's own EFI stub does for itself. Firmware without the protocol
 * (Debian 12's OVMF and AAVMF) maps them executable already. */
#include <efi.h>
#include <efilib.h>

#include "boot.h"
#include "console.h"
#include "uefi.h"

int efi_kernel_executable(const struct place_item *kernel, struct error *e)
{
	EFI_GUID guid = EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID;
	EFI_MEMORY_ATTRIBUTE_PROTOCOL *ma;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &guid, NULL, (void **)&ma)) || !ma)
		return 0;
	/* Whole pages, as arch_claim claimed them. */
	uint64_t lo = align_down(kernel->dest, EFI_PAGE_SIZE), hi;
	if (!align_up(kernel->dest + kernel->size, EFI_PAGE_SIZE, &hi))
		return fail(e, kernel->name, "executable range overflows");
	EFI_STATUS st = uefi_call_wrapper(ma->ClearMemoryAttributes, 4, ma, lo, hi - lo,
					  EFI_MEMORY_XP);
	if (EFI_ERROR(st))
		return fail(e, kernel->name, "ClearMemoryAttributes(XP) at 0x%llx (0x%llx bytes): "
			    "status 0x%llx", (unsigned long long)lo, (unsigned long long)(hi - lo),
			    (unsigned long long)st);
	con_printf("bootshim: [0x%09llx..0x%09llx] made executable (EFI_MEMORY_ATTRIBUTE_PROTOCOL)\n",
		   (unsigned long long)lo, (unsigned long long)hi);
	return 0;
}
