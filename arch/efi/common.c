/* What every UEFI entry shares (gnu-efi, either architecture): the
 * console on ConOut, returning errors to the firmware, claiming the pages
 * the core's placement chose, the memory map, the firmware's tables and
 * variables, the load options, and leaving boot services. The arch file
 * (arch/<arch>/efi.c) adds the hand-off and what it must tell the kernel. */
#include <efi.h>
#include <efilib.h>

#include "../../shim/boot.h"
#include "../../shim/console.h"
#include "../../shim/efi_memmap.h"
#include "efi.h"

EFI_HANDLE efi_image;
bool efi_left_boot_services;
void *efi_error_exit[5]; /* __builtin_setjmp buffer */
struct efi_map efi_map;

/* ---- console: ConOut while boot services last (OVMF and AAVMF mirror it
 * to the serial line), then the arch's own UART, if it has one. */
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
	if (efi_left_boot_services) {
		efi_uart_putc(c);
		return;
	}
	line[line_len++] = (CHAR16)(uint8_t)c;
	if (c == '\n' || line_len == ARRAY_SIZE(line) - 1)
		flush_line();
}

void arch_stop_failure(void)
{
	if (!efi_left_boot_services) {
		con_printf("bootshim: returning an error to the firmware\n");
		__builtin_longjmp(efi_error_exit, 1); /* efi_main returns the error */
	}
	con_printf("bootshim: stopping the machine\n");
	efi_halt();
}

/* ---- memory */

int efi_get_map(struct error *e)
{
	efi_map.size = efi_map.capacity;
	EFI_STATUS st = uefi_call_wrapper(BS->GetMemoryMap, 5, &efi_map.size,
					  (EFI_MEMORY_DESCRIPTOR *)efi_map.buf, &efi_map.key,
					  &efi_map.desc_size, &efi_map.desc_version);
	if (EFI_ERROR(st))
		return fail(e, "uefi", "GetMemoryMap: status 0x%llx (%llu bytes needed)",
			    (unsigned long long)st, (unsigned long long)efi_map.size);
	return 0;
}

int arch_claim(const struct place_item *item, size_t n, struct error *e)
{
	/* Whole pages: items that share a page (an unaligned command line
	 * after the initrd) must claim it once, so merge the page ranges
	 * first, in address order. */
	struct { uint64_t lo, hi; const char *name; } r[ITEM_COUNT];
	size_t nr = 0;
	for (size_t i = 0; i < n && nr < ITEM_COUNT; i++) {
		uint64_t lo = align_down(item[i].dest, 4096), hi;
		if (!align_up(item[i].dest + item[i].size, 4096, &hi))
			return fail(e, item[i].name, "claim overflows");
		size_t k = nr++;
		for (; k && r[k - 1].lo > lo; k--)
			r[k] = r[k - 1];
		r[k].lo = lo, r[k].hi = hi, r[k].name = item[i].name;
	}
	for (size_t i = 0; i < nr;) {
		uint64_t lo = r[i].lo, hi = r[i].hi;
		const char *name = r[i].name;
		for (i++; i < nr && r[i].lo <= hi; i++)
			if (r[i].hi > hi)
				hi = r[i].hi;
		EFI_PHYSICAL_ADDRESS a = lo;
		EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress,
						  EfiLoaderData, (hi - lo) >> 12, &a);
		if (EFI_ERROR(st))
			return fail(e, name, "AllocatePages at 0x%llx (%llu pages): status 0x%llx",
				    (unsigned long long)lo, (unsigned long long)((hi - lo) >> 12),
				    (unsigned long long)st);
	}
	return 0;
}

int arch_exit_firmware(struct platform *pf, struct boot_plan *bp, struct error *e)
{
	/* Refresh the zero page for the final map, then leave; a map that
	 * changed in between (an event ran) means trying again. Nothing may
	 * print here: console output can allocate. */
	for (int tries = 0; tries < 8; tries++) {
		if (efi_get_map(e) ||
		    efi_memmap_convert(efi_map.buf, efi_map.size, efi_map.desc_size, EFI_MAP_FOR_KERNEL,
				       &pf->mem, e) ||
		    memmap_sanitise(&pf->mem, e))
			return -1;
		pf->efi.mmap = (uintptr_t)efi_map.buf;
		pf->efi.mmap_size = efi_map.size;
		pf->efi.desc_size = efi_map.desc_size;
		pf->efi.desc_version = efi_map.desc_version;
		if (efi_refresh(pf, bp, e))
			return -1;
		EFI_STATUS st = uefi_call_wrapper(BS->ExitBootServices, 2, efi_image, efi_map.key);
		if (!EFI_ERROR(st)) {
			efi_left_boot_services = true;
			efi_after_exit();
			return 0;
		}
		if (st != EFI_INVALID_PARAMETER)
			return fail(e, "uefi", "ExitBootServices: status 0x%llx",
				    (unsigned long long)st);
	}
	return fail(e, "uefi", "ExitBootServices: the memory map kept changing");
}

/* ---- what the firmware knows */
uint64_t efi_find_rsdp(void)
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

uint8_t efi_var_u8(CHAR16 *name)
{
	uint8_t v = 0;
	UINTN size = 1;
	if (EFI_ERROR(uefi_call_wrapper(RT->GetVariable, 5, name, &EfiGlobalVariable, NULL, &size,
					&v)))
		return 0;
	return v;
}

/* Load options as a command line: "shim.efi quiet foo=bar" from the UEFI
 * shell carries the program name first, a boot entry just the arguments.
 * Printable ASCII only. */
static char options[2048];

const char *efi_load_options(bool secure_boot)
{
	EFI_LOADED_IMAGE *li;
	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, efi_image, &LoadedImageProtocol,
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


/* The start every UEFI entry shares; the arch's part fills the rest. */
int efi_start(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab, struct platform *pf,
	      struct error *err)
{
	efi_image = handle;
	InitializeLib(handle, systab);
	/* The map buffer is allocated before the map is read, so that the
	 * placement sees it taken; room for growth until ExitBootServices. */
	efi_map.size = 0;
	uefi_call_wrapper(BS->GetMemoryMap, 5, &efi_map.size, NULL, &efi_map.key,
			  &efi_map.desc_size, &efi_map.desc_version);
	efi_map.capacity = efi_map.size + 64 * efi_map.desc_size + 4096;
	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, efi_map.capacity,
					(void **)&efi_map.buf)))
		return fail(err, "uefi", "AllocatePool of %llu bytes failed",
			    (unsigned long long)efi_map.capacity);
	pf->rsdp = efi_find_rsdp();
	bool sb = efi_var_u8(L"SecureBoot") == 1 && efi_var_u8(L"SetupMode") == 0;
	/* enum efi_secureboot_mode: 2 disabled, 3 enabled. */
	pf->efi.secure_boot = sb ? 3 : 2;
	pf->efi.systab = (uintptr_t)systab;
	pf->cmdline = efi_load_options(sb);
	return 0;
}

/* Last, the memory that is free now, for the placement. */
int efi_free_memory(struct platform *pf, struct error *err)
{
	return efi_get_map(err) ||
	       efi_memmap_convert(efi_map.buf, efi_map.size, efi_map.desc_size, EFI_MAP_FREE_NOW,
				  &pf->mem, err);
}

/* ---- the stub hand-off (EFI_HANDOFF=stub), as systemd-stub does it: the
 * kernel's own EFI stub loads it, takes the command line from the load
 * options and the initrd from a LoadFile2 protocol on a vendor media
 * device path with LINUX_EFI_INITRD_MEDIA_GUID. */
#define LINUX_EFI_INITRD_MEDIA_GUID \
	{ 0x5568e427, 0x68fc, 0x4f3d, { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } }
#define EFI_LOAD_FILE2_PROTOCOL_GUID \
	{ 0x4006c0c1, 0xfcb3, 0x403e, { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } }

static struct {
	VENDOR_DEVICE_PATH vendor;
	EFI_DEVICE_PATH end;
} __attribute__((packed)) initrd_path = {
	{ { MEDIA_DEVICE_PATH, MEDIA_VENDOR_DP, { sizeof(VENDOR_DEVICE_PATH), 0 } },
	  LINUX_EFI_INITRD_MEDIA_GUID },
	{ END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, { sizeof(EFI_DEVICE_PATH), 0 } },
};

static struct blob stub_initrd;

static EFI_STATUS EFIAPI initrd_load(EFI_LOAD_FILE_PROTOCOL *this, EFI_DEVICE_PATH *path,
				     BOOLEAN boot_policy, UINTN *size, VOID *buf)
{
	(void)this, (void)path;
	if (boot_policy)
		return EFI_UNSUPPORTED; /* LoadFile2 never boots */
	if (!size)
		return EFI_INVALID_PARAMETER;
	if (!buf || *size < stub_initrd.len) {
		*size = stub_initrd.len;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(buf, stub_initrd.start, stub_initrd.len);
	*size = stub_initrd.len;
	return EFI_SUCCESS;
}

static EFI_LOAD_FILE_PROTOCOL initrd_lf2 = { initrd_load };
static CHAR16 stub_options[2048];

void efi_stub_boot(struct platform *pf)
{
	struct error err;
	struct payload pl;
	con_printf("bootshim: started by %s\n", pf->entry_name);
	payload_get(&pl);
	if (pf->cmdline)
		pl.cmdline = (struct blob){ (const uint8_t *)pf->cmdline, strlen(pf->cmdline) };
	/* The kernel as one file: x86 embeds the bzImage in two pieces, laid
	 * out one after the other. */
	const uint8_t *kernel = pl.kernel_head.len ? pl.kernel_head.start : pl.kernel.start;
	uint64_t klen = pl.kernel_head.len + pl.kernel.len;
	if (pl.kernel_head.len && pl.kernel_head.start + pl.kernel_head.len != pl.kernel.start) {
		fail(&err, "kernel", "the embedded pieces are not contiguous");
		fatal(&err);
	}
	if (klen < 0x40 || kernel[0] != 'M' || kernel[1] != 'Z') {
		fail(&err, "kernel", "no PE header (\"MZ\"): the kernel has no EFI stub; "
		     "use the direct hand-off");
		fatal(&err);
	}
	if (pl.cmdline.len >= ARRAY_SIZE(stub_options)) {
		fail(&err, "cmdline", "%llu bytes is too long for the load options",
		     (unsigned long long)pl.cmdline.len);
		fatal(&err);
	}
	for (size_t i = 0; i < pl.cmdline.len; i++)
		stub_options[i] = pl.cmdline.start[i];
	stub_options[pl.cmdline.len] = 0;
	stub_initrd = pl.initrd;

	EFI_GUID lf2_guid = EFI_LOAD_FILE2_PROTOCOL_GUID;
	EFI_HANDLE initrd_handle = NULL, kimage;
	EFI_STATUS st = uefi_call_wrapper(BS->InstallMultipleProtocolInterfaces, 5, &initrd_handle,
					  &DevicePathProtocol, &initrd_path, &lf2_guid,
					  &initrd_lf2, NULL);
	if (EFI_ERROR(st)) {
		fail(&err, "uefi", "installing the initrd LoadFile2 protocol: status 0x%llx",
		     (unsigned long long)st);
		fatal(&err);
	}
	st = uefi_call_wrapper(BS->LoadImage, 6, FALSE, efi_image, NULL, (void *)kernel, klen,
			       &kimage);
	if (EFI_ERROR(st)) {
		fail(&err, "kernel", "LoadImage: status 0x%llx%s", (unsigned long long)st,
		     st == EFI_SECURITY_VIOLATION ? " (not signed for this Secure Boot)" : "");
		fatal(&err);
	}
	EFI_LOADED_IMAGE *li;
	uefi_call_wrapper(BS->HandleProtocol, 3, kimage, &LoadedImageProtocol, (void **)&li);
	li->LoadOptions = stub_options;
	li->LoadOptionsSize = (UINT32)((pl.cmdline.len + 1) * sizeof(CHAR16));
	con_printf("bootshim: [0x%09llx..0x%09llx] => kernel (LoadImage)\n",
		   (unsigned long long)(uintptr_t)kernel,
		   (unsigned long long)((uintptr_t)kernel + klen));
	con_printf("bootshim: initrd of 0x%llx bytes through LoadFile2, command line through "
		   "the load options\n", (unsigned long long)pl.initrd.len);
	boot_report_time(pf, 0);
	st = uefi_call_wrapper(BS->StartImage, 3, kimage, NULL, NULL);
	fail(&err, "kernel", "StartImage returned: status 0x%llx", (unsigned long long)st);
	fatal(&err);
}
