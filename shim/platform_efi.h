/* What a UEFI entry hands on for the kernel's EFI boot: x86_64 puts it in
 * the zero page (efi_info, secure_boot, screen_info: shim/x86_64_boot.c),
 * the DTB arches in /chosen (linux,uefi-*: shim/linux_dt.c). Apart from
 * boot.h so that the zero page code needs nothing of the core's plan. */
#ifndef BOOTSHIM_PLATFORM_EFI_H
#define BOOTSHIM_PLATFORM_EFI_H

#include "lib.h"

struct platform_efi {
	uint64_t systab;		/* 0: not booted by UEFI */
	uint64_t mmap, mmap_size, desc_size;
	uint32_t desc_version;
	uint8_t secure_boot;		/* efi_secureboot_mode: 2 disabled, 3 enabled */
	uint64_t fb_base, fb_size;	/* GOP framebuffer; fb_base 0: none */
	uint32_t fb_width, fb_height, fb_stride;	/* stride in pixels */
	bool fb_bgr;			/* BGRX rather than RGBX */
};

#endif
