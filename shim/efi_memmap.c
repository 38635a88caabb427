#include "efi_memmap.h"

enum {
	EfiReservedMemoryType, EfiLoaderCode, EfiLoaderData, EfiBootServicesCode,
	EfiBootServicesData, EfiRuntimeServicesCode, EfiRuntimeServicesData,
	EfiConventionalMemory, EfiUnusableMemory, EfiACPIReclaimMemory, EfiACPIMemoryNVS,
	EfiMemoryMappedIO, EfiMemoryMappedIOPortSpace, EfiPalCode, EfiPersistentMemory,
};

#define E820_PMEM 7

static uint32_t e820_type(uint32_t t, enum efi_map_use use)
{
	switch (t) {
	case EfiConventionalMemory:
		return MEM_RAM;
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
		return use == EFI_MAP_FOR_KERNEL ? MEM_RAM : MEM_RESERVED;
	case EfiACPIReclaimMemory:
		return MEM_ACPI;
	case EfiACPIMemoryNVS:
		return MEM_NVS;
	case EfiUnusableMemory:
		return MEM_UNUSABLE;
	case EfiPersistentMemory:
		return E820_PMEM;
	default: /* runtime services, MMIO, reserved, unknown types */
		return MEM_RESERVED;
	}
}

/* Append one range. Firmware maps can hold more descriptors than the
 * core's table (real ones run to several hundred), mostly neighbours that
 * become the same e820 type: a range that continues the last one with the
 * same type extends it (OVMF's map of some 100 descriptors becomes a few
 * dozen ranges, and each sanitising of it costs a fifth); when the table
 * is full, sanitise what it holds (sort, merge; sanitising that and the
 * rest later gives the same map as sanitising everything once) and go on.
 * Only a map with more distinct ranges than the table holds is refused. */
static int add(struct memmap *m, uint64_t base, uint64_t size, uint32_t type, struct error *e)
{
	struct mem_range *last = m->n ? &m->e[m->n - 1] : NULL;
	if (last && last->type == type && last->base + last->size == base &&
	    size <= UINT64_MAX - base) {
		last->size += size;
		return 0;
	}
	if (m->n < MEMMAP_INPUT_MAX)
		return memmap_add(m, base, size, type, e);
	if (memmap_sanitise(m, e))
		return -1;
	return memmap_add(m, base, size, type, e);
}

int efi_memmap_convert(const uint8_t *map, uint64_t map_size, uint64_t desc_size,
		       enum efi_map_use use, struct memmap *m, struct error *e)
{
	m->n = 0;
	if (desc_size < sizeof(struct efi_mem_desc) || desc_size > 4096)
		return fail(e, "uefi", "memory descriptor size %llu",
			    (unsigned long long)desc_size);
	for (uint64_t off = 0; off + desc_size <= map_size; off += desc_size) {
		struct efi_mem_desc d;
		memcpy(&d, map + off, sizeof(d));
		if (d.pages > (UINT64_MAX >> 12))
			return fail(e, "uefi", "descriptor at 0x%llx: %llu pages",
				    (unsigned long long)d.phys_start, (unsigned long long)d.pages);
		if (add(m, d.phys_start, d.pages << 12, e820_type(d.type, use), e))
			return -1;
	}
	return 0;
}
