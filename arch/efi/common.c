/* What every UEFI entry shares (gnu-efi, either architecture): the
 * console on ConOut, returning errors to the firmware with everything
 * given back, claiming the pages the core's placement chose, the memory
 * map, the firmware's tables and variables, the load options, and leaving
 * boot services. The arch file (arch/<arch>/efi.c) adds what it must tell
 * the kernel; arch/efi/direct.c and arch/efi/stub.c are the two
 * hand-offs, one of which the build links. */
#include <efi.h>
#include <efilib.h>

#include "arch.h"
#include "boot.h"
#include "console.h"
#include "efi_memmap.h"
#include "payload.h"
#include "allow.h"
#include "bli.h"
#include "uefi.h"
#include "tcg2.h"

EFI_HANDLE efi_image;
/* Set at the first call to ExitBootServices, whatever it returned: from
 * then on only memory allocation services may be used (UEFI 2.10, 7.4
 * ExitBootServices), so no ConOut and no return to the firmware. */
static bool efi_left_boot_services;
struct efi_map efi_map;
static void *error_exit[5]; /* __builtin_setjmp buffer of efi_run */
static const struct efi_handoff *handoff; /* efi_run's */

/* ---- console. While boot services last, ConOut (OVMF and AAVMF mirror
 * it to the serial line); then the arch's own UART, if it has one. The
 * firmware renders every character of ConOut on each of its consoles:
 * OVMF spends about 8,000 instructions a character, some 6 million on the
 * lines of a normal boot, many times the shim's own work. So where the arch
 * drives a UART while boot services last (efi_uart_early), the progress
 * lines go to it directly; an error or a warning, and every line after
 * the first of them, still goes through ConOut, so that a user at a screen
 * sees why a boot failed or what it warns about. */
static CHAR16 line[160];
static size_t line_len;
static bool line_started;	/* part of the current line went out already */
static bool line_to_firmware;	/* where the current line goes */
static bool firmware_console;	/* an error or a warning was printed: ConOut */

static const char *const firmware_prefixes[] = { "bootshim: error", "bootshim: warning" };

static bool line_has_prefix(const char *prefix)
{
	size_t i = 0;
	for (; prefix[i]; i++)
		if (i >= line_len || line[i] != (CHAR16)(uint8_t)prefix[i])
			return false;
	return true;
}

static void flush_line(void)
{
	if (!line_started) {
		for (size_t i = 0; i < ARRAY_SIZE(firmware_prefixes); i++)
			if (line_has_prefix(firmware_prefixes[i]))
				firmware_console = true;
		line_to_firmware = firmware_console || !efi_uart_early();
	}
	bool ends = line_len && line[line_len - 1] == '\n';
	if (line_to_firmware) {
		line[line_len] = 0;
		uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, line);
	} else {
		for (size_t i = 0; i < line_len; i++)
			efi_uart_putc((char)line[i]);
	}
	line_len = 0;
	line_started = !ends;
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

/* ---- what the shim holds, to give back on an error return: a boot
 * manager goes on to its next option, which must find the memory free
 * and no provider of ours (the stub's LoadFile2 initrd) left behind. */
static struct {
	EFI_PHYSICAL_ADDRESS base;
	UINTN pages;
} claimed[ITEM_COUNT];
static size_t n_claimed;

static void give_back_status(const char *what, EFI_STATUS st)
{
	if (EFI_ERROR(st))
		con_printf("bootshim: giving back %s: status 0x%llx\n", what,
			   (unsigned long long)st);
}

static void efi_release(void)
{
	if (handoff->release)
		handoff->release();
	efi_tcg2_release();
	efi_bli_release();
	while (n_claimed) {
		n_claimed--;
		give_back_status("pages", uefi_call_wrapper(BS->FreePages, 2,
							   claimed[n_claimed].base,
							   claimed[n_claimed].pages));
	}
	if (efi_map.buf)
		give_back_status("the memory map buffer",
				 uefi_call_wrapper(BS->FreePool, 1, efi_map.buf));
	efi_map.buf = NULL;
}

void arch_stop_failure(void)
{
	if (!efi_left_boot_services) {
		efi_release();
		con_printf("bootshim: returning an error to the firmware\n");
		__builtin_longjmp(error_exit, 1); /* efi_run returns the error */
	}
	/* Boot services may be partly shut down already: the firmware cannot
	 * take over again, so switch the machine off (runtime services still
	 * work), rather than return into it or hang. */
	con_printf("bootshim: stopping the machine (boot services are gone)\n");
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_LOAD_ERROR, 0, NULL);
	efi_halt();
}

/* ---- memory */

/* Room for the descriptors that appear between sizing the map buffer and
 * the last GetMemoryMap before ExitBootServices (the claims split free
 * ranges, events allocate). */
#define MAP_SLACK_DESCS 64
#define MAP_SLACK_BYTES 4096
#define MAP_GROW_TRIES 4
/* The largest descriptor size taken (efi_memmap_convert's limit too). */
#define DESC_SIZE_MAX 4096

/* A map buffer for `size` bytes of descriptors and the slack. */
static int map_buffer(UINTN size, struct error *e)
{
	UINTN capacity;
	if (efi_map.desc_size > DESC_SIZE_MAX ||
	    __builtin_add_overflow(size, MAP_SLACK_DESCS * efi_map.desc_size + MAP_SLACK_BYTES,
				   &capacity))
		return fail(e, "uefi", "GetMemoryMap: %llu bytes of %llu-byte descriptors",
			    (unsigned long long)size, (unsigned long long)efi_map.desc_size);
	void *buf;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, capacity, &buf);
	if (EFI_ERROR(st))
		return fail(e, "uefi", "AllocatePool of %llu bytes: status 0x%llx",
			    (unsigned long long)capacity, (unsigned long long)st);
	if (efi_map.buf)
		uefi_call_wrapper(BS->FreePool, 1, efi_map.buf);
	efi_map.buf = buf;
	efi_map.capacity = capacity;
	return 0;
}

static int efi_get_map(struct error *e)
{
	EFI_STATUS st;
	for (int tries = 0;; tries++) {
		efi_map.size = efi_map.capacity;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &efi_map.size,
				       (EFI_MEMORY_DESCRIPTOR *)efi_map.buf, &efi_map.key,
				       &efi_map.desc_size, &efi_map.desc_version);
		if (st != EFI_BUFFER_TOO_SMALL || tries == MAP_GROW_TRIES)
			break;
		/* The map outgrew its buffer (an event allocated): a bigger
		 * one. AllocatePool is a memory allocation service, which
		 * may be used even after a first ExitBootServices call. */
		if (map_buffer(efi_map.size, e))
			return -1;
	}
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
		uint64_t lo = align_down(item[i].dest, EFI_PAGE_SIZE), hi;
		if (!align_up(item[i].dest + item[i].size, EFI_PAGE_SIZE, &hi))
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
		UINTN pages = (hi - lo) >> EFI_PAGE_SHIFT;
		EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress,
						  EfiLoaderData, pages, &a);
		if (EFI_ERROR(st))
			return fail(e, name, "AllocatePages at 0x%llx (%llu pages): status 0x%llx",
				    (unsigned long long)lo, (unsigned long long)pages,
				    (unsigned long long)st);
		claimed[n_claimed].base = a;
		claimed[n_claimed++].pages = pages;
	}
	return 0;
}

/* "If MapKey value is incorrect, ExitBootServices() returns
 * EFI_INVALID_PARAMETER and GetMemoryMap() with ExitBootServices() must be
 * called again" (UEFI 2.10, 7.4); a few tries, as the kernel's EFI stub. */
#define EXIT_BOOT_SERVICES_TRIES 8

int arch_exit_firmware(struct platform *pf, struct boot_plan *bp, struct error *e)
{
	/* The last boot services calls before leaving: the kernel's pages
	 * executable, the event log for the kernel, the hand-off time. */
	if (efi_kernel_executable(&bp->item[ITEM_KERNEL], e))
		return -1;
	efi_tcg2_install_log();
	efi_bli_handoff(pf);
	/* Refresh the boot information for the final map (linux_refresh:
	 * x86_64's zero page, a DTB's linux,uefi-mmap-*), then leave; a map
	 * that changed in between (an event ran) means trying again. Nothing
	 * may print here: console output can allocate. */
	for (int tries = 0; tries < EXIT_BOOT_SERVICES_TRIES; tries++) {
		if (efi_get_map(e) ||
		    efi_memmap_convert(efi_map.buf, efi_map.size, efi_map.desc_size, EFI_MAP_FOR_KERNEL,
				       &pf->mem, e) ||
		    memmap_sanitise(&pf->mem, e))
			return -1;
		pf->efi.mmap = (uintptr_t)efi_map.buf;
		pf->efi.mmap_size = efi_map.size;
		pf->efi.desc_size = efi_map.desc_size;
		pf->efi.desc_version = efi_map.desc_version;
		if (linux_refresh(pf, bp, e))
			return -1;
		EFI_STATUS st = uefi_call_wrapper(BS->ExitBootServices, 2, efi_image, efi_map.key);
		/* "Firmware implementation may choose to do a partial shutdown
		 * of the boot services during the first call": whatever it
		 * returned, there is no way back now. */
		if (!efi_left_boot_services) {
			efi_left_boot_services = true;
			efi_uart_init();
		}
		if (!EFI_ERROR(st)) {
			efi_after_exit();
			return 0;
		}
		if (st != EFI_INVALID_PARAMETER)
			return fail(e, "uefi", "ExitBootServices: status 0x%llx",
				    (unsigned long long)st);
	}
	return fail(e, "uefi", "ExitBootServices: the memory map kept changing (%d tries)",
		    EXIT_BOOT_SERVICES_TRIES);
}

/* ---- what the firmware knows */
void *efi_config_table(EFI_GUID *guid)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (!CompareGuid(&ST->ConfigurationTable[i].VendorGuid, guid))
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

/* ACPI 2.0's RSDP where the firmware has one, else 1.0's. */
static uint64_t efi_find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	void *rsdp = efi_config_table(&acpi20);
	return (uintptr_t)(rsdp ? rsdp : efi_config_table(&acpi10));
}

/* Set every runtime region's virtual address in the final map: its
 * physical one (1:1), or, with identity false, U64_MAX. */
static void runtime_virtual(bool identity)
{
	for (UINTN off = 0; off + efi_map.desc_size <= efi_map.size; off += efi_map.desc_size) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)(efi_map.buf + off);
		if (d->Attribute & EFI_MEMORY_RUNTIME)
			d->VirtualStart = identity ? d->PhysicalStart : UINT64_MAX;
	}
}

void efi_runtime_identity(void)
{
	runtime_virtual(true);
	EFI_STATUS st = uefi_call_wrapper(RT->SetVirtualAddressMap, 4, efi_map.size,
					  efi_map.desc_size, efi_map.desc_version,
					  (EFI_MEMORY_DESCRIPTOR *)efi_map.buf);
	if (!EFI_ERROR(st))
		return;
	/* Past the point of no return: as the kernel's stub does, mark the
	 * runtime regions' virtual addresses U64_MAX, which tells the kernel
	 * that no virtual mapping was installed (it then runs without
	 * runtime services). */
	runtime_virtual(false);
}

static uint8_t efi_var_u8(CHAR16 *name)
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
/* The embedded command line with the allowed words appended. */
static char appended[4096];

static const char *efi_load_options(void)
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
	return *p ? p : NULL;
}

/* The command line rule: while Secure Boot is off, load options replace
 * the embedded command line. Under Secure Boot the embedded one is part of
 * what was signed: without CMDLINE_ALLOW the load options are ignored;
 * with it, they may append the words it allows, and any other word
 * refuses the boot (arch/efi/allow.c). pf->cmdline is then the whole
 * command line the kernel gets, which measure_boot puts into PCR 12. */
static int efi_cmdline(struct platform *pf, bool secure_boot, struct error *e)
{
	const char *opts = efi_load_options();
	if (!opts)
		return 0;
	if (!secure_boot) {
		con_printf("bootshim: command line from the load options: %s\n", opts);
		pf->cmdline = opts;
		return 0;
	}
	if (!cmdline_allow[0]) {
		con_printf("bootshim: Secure Boot is on: ignoring the load options, booting the "
			   "embedded command line\n");
		return 0;
	}
	struct payload pl;
	payload_get(&pl);
	if (allow_append(cmdline_allow, (const char *)pl.cmdline.start, pl.cmdline.len, opts,
			 appended, sizeof(appended), e))
		return -1;
	con_printf("bootshim: Secure Boot is on: load options appended (CMDLINE_ALLOW): %s\n",
		   appended);
	pf->cmdline = appended;
	return 0;
}

/* Entropy for the kernel (x86: SETUP_RNG_SEED; arm64: /chosen/rng-seed). */
size_t efi_rng(uint8_t *out, size_t len)
{
	EFI_GUID rng_guid = EFI_RNG_PROTOCOL_GUID;
	EFI_RNG_PROTOCOL *rng;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &rng_guid, NULL, (void **)&rng)) ||
	    EFI_ERROR(uefi_call_wrapper(rng->GetRNG, 4, rng, NULL, len, out)))
		return 0;
	return len;
}

/* The start every UEFI entry shares; the arch's part fills the rest. */
static int efi_start(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab, struct platform *pf,
		     struct error *err)
{
	efi_image = handle;
	/* gnu-efi's globals, set here rather than by its InitializeLib: that
	 * asks the firmware for the loaded image, the EFIDebug and Lang
	 * variables and a Unicode collation protocol, none of which the shim
	 * uses, and its object file (libefi's init.o) defines a memcpy and a
	 * memset that move one byte a round. They once replaced the shim's
	 * weak ones for the payload copy; against the strong copies each arch
	 * now links (rep movs, ldp/stp, ld/sd) they would fail the link. */
	ST = systab;
	BS = systab->BootServices;
	RT = systab->RuntimeServices;
	/* The map buffer is allocated before the map is read, so that the
	 * placement sees it taken; room for growth until ExitBootServices. */
	efi_map.size = 0;
	EFI_STATUS st = uefi_call_wrapper(BS->GetMemoryMap, 5, &efi_map.size, NULL, &efi_map.key,
					  &efi_map.desc_size, &efi_map.desc_version);
	if (st != EFI_BUFFER_TOO_SMALL)
		return fail(err, "uefi", "GetMemoryMap (asking the size): status 0x%llx",
			    (unsigned long long)st);
	if (efi_map.desc_size < sizeof(EFI_MEMORY_DESCRIPTOR) ||
	    efi_map.desc_size > DESC_SIZE_MAX)
		return fail(err, "uefi", "GetMemoryMap: descriptor size %llu",
			    (unsigned long long)efi_map.desc_size);
	if (map_buffer(efi_map.size, err))
		return -1;
	pf->rsdp = efi_find_rsdp();
	bool sb = efi_var_u8(L"SecureBoot") == 1 && efi_var_u8(L"SetupMode") == 0;
	/* enum efi_secureboot_mode: 2 disabled, 3 enabled. */
	pf->efi.secure_boot = sb ? 3 : 2;
	pf->efi.systab = (uintptr_t)systab;
	efi_tcg2_init(pf);
	return efi_cmdline(pf, sb, err);
}

/* Last, the memory that is free now, for the placement. */
static int efi_free_memory(struct platform *pf, struct error *err)
{
	return efi_get_map(err) ||
	       efi_memmap_convert(efi_map.buf, efi_map.size, efi_map.desc_size, EFI_MAP_FREE_NOW,
				  &pf->mem, err);
}

EFI_STATUS efi_run(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab, const struct efi_handoff *h)
{
	static struct platform pf;
	struct error err;

	memset(&pf, 0, sizeof(pf));
	pf.t_entry = arch_ticks();
	pf.entry_name = h->name;
	handoff = h;
	efi_left_boot_services = false;
	efi_map.buf = NULL;
	efi_map.capacity = 0;
	n_claimed = 0;
	line_len = 0;
	line_started = false;
	firmware_console = false;
	if (__builtin_setjmp(error_exit))
		return EFI_LOAD_ERROR;
	if (efi_start(handle, systab, &pf, &err) || efi_arch_init(&pf, &err) ||
	    efi_free_memory(&pf, &err))
		fatal(&err);
	h->boot(&pf);
}
