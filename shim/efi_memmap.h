/* UEFI memory maps (UEFI spec 2.10, 7.2 GetMemoryMap) as the core's memory
 * map: pure, for the UEFI entries and the unit tests. */
#ifndef BOOTSHIM_EFI_MEMMAP_H
#define BOOTSHIM_EFI_MEMMAP_H

#include "memmap.h"

/* EFI_MEMORY_DESCRIPTOR; descriptors are desc_size apart (>= this). */
struct efi_mem_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t pages;
	uint64_t attribute;
};

enum efi_map_use {
	EFI_MAP_FREE_NOW,	/* what a loader may allocate: conventional only */
	EFI_MAP_FOR_KERNEL,	/* after ExitBootServices: boot services and
				 * loader memory are the kernel's RAM too */
};

/* Convert map_size bytes of descriptors into m (not sanitised, except that
 * a map with more descriptors than m holds is merged as it goes). */
int efi_memmap_convert(const uint8_t *map, uint64_t map_size, uint64_t desc_size,
		       enum efi_map_use use, struct memmap *m, struct error *e);

#endif
