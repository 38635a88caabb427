/* shim.efi on x86_64: a UEFI application (gnu-efi) with the direct
 * hand-off. It reads what the firmware knows (memory map, ACPI, Secure
 * Boot, GOP, load options), lets the core place the kernel, claims those
 * pages with AllocatePages, copies, leaves boot services and enters the
 * kernel's 64-bit entry with efi_info filled, as GRUB's "linux" does on
 * UEFI. Any error before ExitBootServices returns an error status to the
 * firmware, so a boot manager moves on to its next entry. */
#include <efi.h>
#include <efilib.h>

#include "../../shim/boot.h"
#include "../../shim/console.h"
#include "../../shim/efi_memmap.h"
#include "io.h"

void uart_putc(char c);
void x86_console_init(void);

static EFI_HANDLE image;
static bool left_boot_services;
static void *error_exit[5]; /* __builtin_setjmp buffer */

/* ---- console: ConOut (which OVMF also mirrors to the serial line) while
 * boot services last, COM1 after. */
static CHAR16 line[160];
static size_t line_len;

static void flush_line(void)
{
	line[line_len] = 0;
	uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, line);
	line_len = 0;
}

void arch_console_putc(char c)
{
	if (left_boot_services) {
		uart_putc(c);
		return;
	}
	line[line_len++] = (CHAR16)(uint8_t)c;
	if (c == '\n' || line_len == ARRAY_SIZE(line) - 1)
		flush_line();
}

void arch_stop_failure(void)
{
	if (!left_boot_services) {
		con_printf("bootshim: returning an error to the firmware\n");
		__builtin_longjmp(error_exit, 1); /* efi_main returns the error */
	}
	con_printf("bootshim: stopping the machine\n");
	/* Too late to return: as the bare-metal entries do. */
	outb(0x501, 1);
	outb(0xf4, 1);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* ---- memory */
static struct {
	uint8_t *buf;
	UINTN capacity, size, key, desc_size;
	UINT32 desc_version;
} map;

static int get_map(struct error *e)
{
	map.size = map.capacity;
	EFI_STATUS st = uefi_call_wrapper(BS->GetMemoryMap, 5, &map.size,
					  (EFI_MEMORY_DESCRIPTOR *)map.buf, &map.key,
					  &map.desc_size, &map.desc_version);
	if (EFI_ERROR(st))
		return fail(e, "uefi", "GetMemoryMap: status 0x%llx (%llu bytes needed)",
			    (unsigned long long)st, (unsigned long long)map.size);
	return 0;
}

int arch_claim(const struct place_item *item, size_t n, struct error *e)
{
	/* Whole pages; items that share a page claim it once. */
	uint64_t done_lo = 0, done_hi = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = align_down(item[i].dest, 4096), hi;
		if (!align_up(item[i].dest + item[i].size, 4096, &hi))
			return fail(e, item[i].name, "claim overflows");
		if (lo < done_hi && hi > done_lo) {
			/* Only the part not claimed yet. */
			if (lo >= done_lo)
				lo = done_hi;
			if (hi <= done_hi)
				hi = lo;
		}
		if (hi <= lo)
			continue;
		EFI_PHYSICAL_ADDRESS a = lo;
		EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress,
						  EfiLoaderData, (hi - lo) >> 12, &a);
		if (EFI_ERROR(st))
			return fail(e, item[i].name, "AllocatePages at 0x%llx (%llu pages): status 0x%llx",
				    (unsigned long long)lo, (unsigned long long)((hi - lo) >> 12),
				    (unsigned long long)st);
		done_lo = lo, done_hi = hi;
	}
	return 0;
}

int arch_exit_firmware(struct platform *pf, struct boot_plan *bp, struct error *e)
{
	/* Refresh the zero page for the final map, then leave; a map that
	 * changed in between (an event ran) means trying again. Nothing may
	 * print here: console output can allocate. */
	for (int tries = 0; tries < 8; tries++) {
		if (get_map(e) ||
		    efi_memmap_convert(map.buf, map.size, map.desc_size, EFI_MAP_FOR_KERNEL,
				       &pf->mem, e) ||
		    memmap_sanitise(&pf->mem, e))
			return -1;
		pf->efi.mmap = (uintptr_t)map.buf;
		pf->efi.mmap_size = map.size;
		pf->efi.desc_size = map.desc_size;
		pf->efi.desc_version = map.desc_version;
		if (linux_finish(pf, bp, e))
			return -1;
		EFI_STATUS st = uefi_call_wrapper(BS->ExitBootServices, 2, image, map.key);
		if (!EFI_ERROR(st)) {
			left_boot_services = true;
			x86_console_init();
			return 0;
		}
		if (st != EFI_INVALID_PARAMETER)
			return fail(e, "uefi", "ExitBootServices: status 0x%llx",
				    (unsigned long long)st);
	}
	return fail(e, "uefi", "ExitBootServices: the memory map kept changing");
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

/* ---- what the firmware knows */
static uint64_t find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	uint64_t found = 0;
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
		if (!CompareGuid(&t->VendorGuid, &acpi20))
			return (uintptr_t)t->VendorTable;
		if (!CompareGuid(&t->VendorGuid, &acpi10))
			found = (uintptr_t)t->VendorTable;
	}
	return found;
}

static uint8_t var_u8(CHAR16 *name)
{
	uint8_t v = 0;
	UINTN size = 1;
	if (EFI_ERROR(uefi_call_wrapper(RT->GetVariable, 5, name, &EfiGlobalVariable, NULL, &size,
					&v)))
		return 0;
	return v;
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

/* Load options as a command line: "shim.efi quiet foo=bar" from the UEFI
 * shell carries the program name first, a boot entry just the arguments.
 * Printable ASCII only. */
static char options[2048];

static const char *load_options(bool secure_boot)
{
	EFI_LOADED_IMAGE *li;
	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
					(void **)&li)) || !li->LoadOptions)
		return NULL;
	const CHAR16 *w = li->LoadOptions;
	size_t n = li->LoadOptionsSize / 2, len = 0;
	while (n && (w[n - 1] == 0 || w[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < n; i++) {
		if (w[i] < 0x20 || w[i] > 0x7e || len + 1 >= sizeof(options))
			return NULL; /* not a command line (a boot entry's binary data) */
		options[len++] = (char)w[i];
	}
	options[len] = 0;
	char *p = options;
	while (*p == ' ')
		p++;
	/* Skip argv[0] when it names an .efi program. */
	char *sp = p;
	while (*sp && *sp != ' ')
		sp++;
	if (sp - p >= 4 && (sp[-4] == '.') && (sp[-3] | 0x20) == 'e' && (sp[-2] | 0x20) == 'f' &&
	    (sp[-1] | 0x20) == 'i') {
		p = sp;
		while (*p == ' ')
			p++;
	}
	if (!*p)
		return NULL;
	if (secure_boot) {
		con_printf("bootshim: Secure Boot is on: ignoring the load options, booting the "
			   "embedded command line\n");
		return NULL;
	}
	con_printf("bootshim: command line from the load options: %s\n", p);
	return p;
}

EFI_STATUS efi_main(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab)
{
	static struct platform pf;
	struct error err;

	pf.t_entry = rdtsc();
	image = handle;
	InitializeLib(handle, systab);
	if (__builtin_setjmp(error_exit))
		return EFI_LOAD_ERROR;

	pf.entry_name = "UEFI (direct hand-off)";
	/* The map buffer is allocated before the map is read, so that the
	 * placement sees it taken; room for growth until ExitBootServices. */
	map.capacity = 0;
	map.size = 0;
	uefi_call_wrapper(BS->GetMemoryMap, 5, &map.size, NULL, &map.key, &map.desc_size,
			  &map.desc_version);
	map.capacity = map.size + 64 * map.desc_size + 4096;
	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, map.capacity,
					(void **)&map.buf))) {
		fail(&err, "uefi", "AllocatePool of %llu bytes failed",
		     (unsigned long long)map.capacity);
		fatal(&err);
	}
	pf.rsdp = find_rsdp();
	bool sb = var_u8(L"SecureBoot") == 1 && var_u8(L"SetupMode") == 0;
	pf.efi.secure_boot = sb ? 2 : 1;
	pf.efi.systab = (uintptr_t)systab;
	find_gop(&pf.efi);
	pf.cmdline = load_options(sb);
	if (get_map(&err) ||
	    efi_memmap_convert(map.buf, map.size, map.desc_size, EFI_MAP_FREE_NOW, &pf.mem, &err))
		fatal(&err);
	bootshim_main(&pf);
}
