/* A window of physical memory the core may read, so that parsers of
 * firmware structures bounds-check every pointer they follow. In the shim
 * the window is the identity map; in tests and fuzzers it is a buffer. */
#ifndef BOOTSHIM_PHYS_H
#define BOOTSHIM_PHYS_H

#include "lib.h"

struct phys_mem {
	uintptr_t host;	/* host address of physical address `base` */
	uint64_t base, size;
};

/* Host pointer to [addr, addr+len) if it lies inside the window, else NULL. */
static inline const void *phys_ptr(const struct phys_mem *pm, uint64_t addr, uint64_t len)
{
	if (addr < pm->base || addr - pm->base > pm->size ||
	    len > pm->size - (addr - pm->base))
		return NULL;
	return (const void *)(pm->host + (uintptr_t)(addr - pm->base));
}

#endif
