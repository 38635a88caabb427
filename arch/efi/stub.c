/* The stub hand-off (EFI_HANDOFF=stub: the build links this file instead
 * of arch/efi/direct.c), as systemd-stub does it: the
 * kernel's own EFI stub loads it, takes the command line from the load
 * options and the initrd from a LoadFile2 protocol on a vendor media
 * device path with LINUX_EFI_INITRD_MEDIA_GUID. Everything it installs
 * or loads is given back (stub_release) if the kernel does not start,
 * so the next boot option finds no initrd provider of ours. */
#include <efi.h>
#include <efilib.h>

#include "boot.h"
#include "console.h"
#include "measure.h"
#include "bli.h"
#include "uefi.h"

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
static EFI_GUID lf2_guid = EFI_LOAD_FILE2_PROTOCOL_GUID;
static CHAR16 stub_options[2048];

/* What is installed or loaded now; NULL: nothing. */
static EFI_HANDLE initrd_handle, kernel_image;

/* Uninstall and unload what the hand-off set up (error returns). */
static void stub_release(void)
{
	EFI_STATUS st;
	if (kernel_image) {
		/* As systemd-stub and GRUB do after a failed start. Firmware
		 * that already unloaded an application that returned (EDK2
		 * does) checks the handle and answers EFI_INVALID_PARAMETER. */
		st = uefi_call_wrapper(BS->UnloadImage, 1, kernel_image);
		if (EFI_ERROR(st) && st != EFI_INVALID_PARAMETER)
			con_printf("bootshim: UnloadImage of the kernel: status 0x%llx\n",
				   (unsigned long long)st);
		kernel_image = NULL;
	}
	if (initrd_handle) {
		st = uefi_call_wrapper(BS->UninstallMultipleProtocolInterfaces, 6, initrd_handle,
				       &DevicePathProtocol, &initrd_path, &lf2_guid, &initrd_lf2,
				       NULL);
		if (EFI_ERROR(st))
			con_printf("bootshim: uninstalling the initrd LoadFile2 protocol: "
				   "status 0x%llx\n", (unsigned long long)st);
		initrd_handle = NULL;
	}
}

/* The kernel as one file: x86 embeds the bzImage in two pieces, laid out
 * one after the other. */
static int stub_kernel(const struct payload *pl, struct blob *k, struct error *e)
{
	k->start = pl->kernel_head.len ? pl->kernel_head.start : pl->kernel.start;
	k->len = pl->kernel_head.len + pl->kernel.len;
	if (pl->kernel_head.len && pl->kernel_head.start + pl->kernel_head.len != pl->kernel.start)
		return fail(e, "kernel", "the embedded pieces are not contiguous");
	if (k->len < 0x40 || k->start[0] != 'M' || k->start[1] != 'Z')
		return fail(e, "kernel", "no PE header (\"MZ\"): the kernel has no EFI stub; "
			    "use the direct hand-off");
	return 0;
}

static int stub_options_set(const struct blob *cmdline, struct error *e)
{
	if (cmdline->len >= ARRAY_SIZE(stub_options))
		return fail(e, "cmdline", "%llu bytes is too long for the load options",
			    (unsigned long long)cmdline->len);
	for (size_t i = 0; i < cmdline->len; i++)
		stub_options[i] = cmdline->start[i];
	stub_options[cmdline->len] = 0;
	return 0;
}

static int stub_load(const struct payload *pl, const struct blob *kernel, struct error *e)
{
	stub_initrd = pl->initrd;
	/* A new handle ("*Handle is NULL", UEFI 2.10, 7.3), also when a
	 * host test runs the shim again after a hand-off. */
	initrd_handle = NULL;
	kernel_image = NULL;
	EFI_STATUS st = uefi_call_wrapper(BS->InstallMultipleProtocolInterfaces, 6, &initrd_handle,
					  &DevicePathProtocol, &initrd_path, &lf2_guid,
					  &initrd_lf2, NULL);
	if (EFI_ERROR(st)) {
		initrd_handle = NULL;
		return fail(e, "uefi", "installing the initrd LoadFile2 protocol: status 0x%llx",
			    (unsigned long long)st);
	}
	st = uefi_call_wrapper(BS->LoadImage, 6, FALSE, efi_image, NULL, (void *)kernel->start,
			       kernel->len, &kernel_image);
	if (EFI_ERROR(st)) {
		/* "EFI_SECURITY_VIOLATION: Image was loaded and an ImageHandle
		 * was created" (UEFI 2.10, 7.4 LoadImage): it must be
		 * unloaded too; on any other error there is no handle. */
		if (st != EFI_SECURITY_VIOLATION)
			kernel_image = NULL;
		return fail(e, "kernel", "LoadImage: status 0x%llx%s", (unsigned long long)st,
			    st == EFI_SECURITY_VIOLATION ? " (not signed for this Secure Boot)" : "");
	}
	EFI_LOADED_IMAGE *li;
	st = uefi_call_wrapper(BS->HandleProtocol, 3, kernel_image, &LoadedImageProtocol,
			       (void **)&li);
	if (EFI_ERROR(st))
		return fail(e, "kernel", "HandleProtocol(LoadedImage) of the loaded kernel: "
			    "status 0x%llx", (unsigned long long)st);
	li->LoadOptions = stub_options;
	li->LoadOptionsSize = (UINT32)((pl->cmdline.len + 1) * sizeof(CHAR16));
	return 0;
}

__attribute__((noreturn)) static void stub_boot(struct platform *pf)
{
	struct error err;
	struct payload pl;
	struct blob kernel;
	con_printf("bootshim: started by %s\n", pf->entry_name);
	payload_get(&pl);
	/* As the direct hand-off (shim/boot.c): measured before the kernel's
	 * stub is loaded, the embedded payload into PCR 11 and a command
	 * line from the load options into PCR 12. */
	measure_boot(pf, &pl);
	if (pf->cmdline)
		pl.cmdline = (struct blob){ (const uint8_t *)pf->cmdline, strlen(pf->cmdline) };
	if (stub_kernel(&pl, &kernel, &err) || stub_options_set(&pl.cmdline, &err) ||
	    stub_load(&pl, &kernel, &err))
		fatal(&err);
	con_printf("bootshim: [0x%09llx..0x%09llx] => kernel (LoadImage)\n",
		   (unsigned long long)(uintptr_t)kernel.start,
		   (unsigned long long)((uintptr_t)kernel.start + kernel.len));
	con_printf("bootshim: initrd of 0x%llx bytes through LoadFile2, command line through "
		   "the load options\n", (unsigned long long)pl.initrd.len);
	boot_report_time(pf, 0);
	efi_bli_handoff(pf);
	EFI_STATUS st = uefi_call_wrapper(BS->StartImage, 3, kernel_image, NULL, NULL);
	fail(&err, "kernel", "StartImage returned: status 0x%llx", (unsigned long long)st);
	fatal(&err);
}

const struct efi_handoff efi_handoff_stub = {
	.name = "UEFI (stub hand-off)",
	.boot = stub_boot,
	.release = stub_release,
};

EFI_STATUS efi_main(EFI_HANDLE handle, EFI_SYSTEM_TABLE *systab)
{
	return efi_run(handle, systab, &efi_handoff_stub);
}
