/* shim.efi on x86_64 (gnu-efi), what the firmware tells the kernel: the
 * core places the kernel, the shared UEFI part (arch/efi/common.c) claims
 * the pages and leaves boot services, and the kernel's 64-bit entry is
 * entered (arch/x86_64/efi_cpu.c) with efi_info filled, as GRUB's "linux"
 * does on UEFI. Any error before ExitBootServices returns an error status
 * to the firmware, so a boot manager moves on to its next entry. */
#include <efi.h>
#include <efilib.h>

#include "boot.h"
#include "console.h"
#include "uefi.h"
#include "x86_64.h"

void efi_after_exit(void)
{
}

static void find_gop(struct platform_efi *efi)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &GraphicsOutputProtocol, NULL,
					(void **)&gop)) || !gop->Mode || !gop->Mode->Info)
		return;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = gop->Mode->Info;
	if (info->PixelFormat != PixelRedGreenBlueReserved8BitPerColor &&
	    info->PixelFormat != PixelBlueGreenRedReserved8BitPerColor)
		return; /* bit masks or no framebuffer: no EFI console for the kernel */
	efi->fb_base = gop->Mode->FrameBufferBase;
	efi->fb_size = gop->Mode->FrameBufferSize;
	efi->fb_width = info->HorizontalResolution;
	efi->fb_height = info->VerticalResolution;
	efi->fb_stride = info->PixelsPerScanLine;
	efi->fb_bgr = info->PixelFormat == PixelBlueGreenRedReserved8BitPerColor;
}

int efi_arch_init(struct platform *pf, struct error *e)
{
	(void)e;
	/* The TSC's frequency for the timing line and the Boot Loader
	 * Interface's times, from the PIT over the shim's own run, as the
	 * bare entries take it: without this start, arch_ticks_hz would
	 * measure for 1 ms at the report (a million instructions under
	 * -icount). */
	x86_64_tsc_ref_start();
	find_gop(&pf->efi);
	/* The kernel's SETUP_RNG_SEED (shim/linux_x86_64.c): from EFI_RNG where
	 * the firmware has it, else from the CPU (RDSEED/RDRAND). */
	pf->seed_len = efi_rng(pf->seed, sizeof(pf->seed));
	if (pf->seed_len)
		con_printf("bootshim: entropy: %zu bytes from EFI_RNG_PROTOCOL\n", pf->seed_len);
	else
		pf->seed_len = x86_64_entropy(pf->seed, sizeof(pf->seed));
	return 0;
}
