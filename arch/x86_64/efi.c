/* shim.efi on x86_64 (gnu-efi), the direct hand-off: the core places the
 * kernel, the shared UEFI part (arch/efi/common.c) claims the pages and
 * leaves boot services, and the kernel's 64-bit entry is entered with
 * efi_info filled, as GRUB's "linux" does on UEFI. Any error before
 * ExitBootServices returns an error status to the firmware, so a boot
 * manager moves on to its next entry. */
#include <efi.h>
#include <efilib.h>

#include "../../shim/boot.h"
#include "../../shim/console.h"
#include "../efi/efi.h"
#include "io.h"

void uart_putc(char c);
void x86_console_init(void);

void efi_uart_putc(char c)
{
	uart_putc(c);
}

void efi_after_exit(void)
{
	x86_console_init();
}

void efi_halt(void)
{
	outb(0x501, 1); /* isa-debug-exit, as the bare-metal entries do */
	outb(0xf4, 1);
	for (;;)
		__asm__ volatile("cli; hlt");
}

int efi_refresh(struct platform *pf, struct boot_plan *bp, struct error *e)
{
	return linux_finish(pf, bp, e);
}

/* ---- the hand-off: our own GDT (boot.rst's __BOOT_CS 0x10 and __BOOT_DS
 * 0x18; the firmware's selectors differ), on the firmware's identity map. */
static const uint64_t gdt[] __attribute__((aligned(16))) = {
	0, 0x00cf9a000000ffff, 0x00af9a000000ffff, 0x00cf92000000ffff,
};

void arch_enter_kernel(const struct handoff *h)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} d = { sizeof(gdt) - 1, (uintptr_t)gdt };
	/* What the kernel's real-mode setup would do: mask the legacy PICs. */
	outb(0xa1, 0xff);
	outb(0x21, 0xfb);
	__asm__ volatile("cli\n\t"
			 "cld\n\t"
			 "lgdt %0\n\t"
			 "movl $0x18, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "pushq $0x10\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\tjmp *%1"
			 :
			 : "m"(d), "r"(h->entry), "S"(h->arg)
			 : "rax", "memory");
	__builtin_unreachable();
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

EFI_STATUS efi_main(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab)
{
	static struct platform pf;
	struct error err;

	pf.t_entry = rdtsc();
	pf.entry_name = EFI_HANDOFF_NAME;
	if (__builtin_setjmp(efi_error_exit))
		return EFI_LOAD_ERROR;
	if (efi_start(handle, systab, &pf, &err))
		fatal(&err);
	find_gop(&pf.efi);
	if (efi_free_memory(&pf, &err))
		fatal(&err);
	efi_boot(&pf);
}
