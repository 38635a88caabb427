/* A test boot loader (x86_64, gnu-efi) for the Secure Boot cases of
 * tests/boot/measure-efi.mk: OVMF under Secure Boot refuses its unsigned
 * UEFI shell, so nothing there could start shim.efi with load options.
 * This app, signed like the shim (boot.py --efi-loader), sits at the
 * removable path, reads \options.txt (ASCII) from its own volume, loads
 * \shim.efi through the firmware (LoadImage checks the signature), gives
 * it those options as UTF-16 LoadOptions, as a boot entry would, starts it
 * and returns its status to the firmware. */
#include <efi.h>
#include <efilib.h>

#define OPTIONS_MAX 1024

static CHAR16 options[OPTIONS_MAX];

static EFI_STATUS read_options(EFI_HANDLE device, UINTN *chars)
{
	EFI_FILE_HANDLE root = LibOpenRoot(device), f;
	if (!root)
		return EFI_NOT_FOUND;
	EFI_STATUS st = uefi_call_wrapper(root->Open, 5, root, &f, L"\\options.txt",
					  EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	static CHAR8 text[OPTIONS_MAX];
	UINTN size = sizeof(text) - 1;
	st = uefi_call_wrapper(f->Read, 3, f, &size, text);
	uefi_call_wrapper(f->Close, 1, f);
	if (EFI_ERROR(st))
		return st;
	for (UINTN i = 0; i < size; i++)
		options[i] = text[i];
	options[size] = 0;
	*chars = size;
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	EFI_LOADED_IMAGE *self;
	EFI_STATUS st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
					  (void **)&self);
	if (EFI_ERROR(st))
		return st;
	UINTN chars = 0;
	st = read_options(self->DeviceHandle, &chars);
	if (EFI_ERROR(st)) {
		Print(L"efi-loader: \\options.txt: %r\n", st);
		return st;
	}
	EFI_DEVICE_PATH *path = FileDevicePath(self->DeviceHandle, L"\\shim.efi");
	EFI_HANDLE shim;
	st = uefi_call_wrapper(BS->LoadImage, 6, FALSE, image, path, NULL, 0, &shim);
	if (EFI_ERROR(st)) {
		Print(L"efi-loader: LoadImage(\\shim.efi): %r\n", st);
		return st;
	}
	EFI_LOADED_IMAGE *li;
	st = uefi_call_wrapper(BS->HandleProtocol, 3, shim, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return st;
	li->LoadOptions = options;
	li->LoadOptionsSize = (UINT32)((chars + 1) * sizeof(CHAR16));
	Print(L"efi-loader: starting \\shim.efi with load options '%s'\n", options);
	st = uefi_call_wrapper(BS->StartImage, 3, shim, NULL, NULL);
	Print(L"efi-loader: \\shim.efi returned %r\n", st);
	return st;
}
