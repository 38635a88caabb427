/* The platform's memory map, whatever it came from (PVH memmap, fw_cfg
 * e820, UEFI map, DTB /memory). Types use the e820 numbering, which the x86
 * kernel consumes as is and the other paths map onto. */
#ifndef BOOTSHIM_MEMMAP_H
#define BOOTSHIM_MEMMAP_H

#include "error.h"

enum mem_type {
	MEM_RAM = 1,
	MEM_RESERVED = 2,
	MEM_ACPI = 3,
	MEM_NVS = 4,
	MEM_UNUSABLE = 5,
};

/* Ranges a platform may describe, and room past that for the ranges the
 * shim itself reserves (each reservation may split one range in three). */
#define MEMMAP_INPUT_MAX 248
#define MEMMAP_MAX 256

struct mem_range {
	uint64_t base, size;
	uint32_t type;
};

struct memmap {
	size_t n;
	struct mem_range e[MEMMAP_MAX];
};

/* Append one range (unsorted). A range that runs past 2^64 is clipped;
 * one that is then empty is dropped. Fails past MEMMAP_INPUT_MAX ranges. */
int memmap_add(struct memmap *m, uint64_t base, uint64_t size, uint32_t type,
	       struct error *e);

/* Sort, resolve overlaps (any other type beats RAM; between two non-RAM
 * types the larger number wins, as Linux's e820 code does) and merge
 * neighbours of the same type. Fails only if the result would not fit. */
int memmap_sanitise(struct memmap *m, struct error *e);

/* Give [base, base+size) the type `type` and re-sanitise; may use the
 * room above MEMMAP_INPUT_MAX. */
int memmap_mark(struct memmap *m, uint64_t base, uint64_t size, uint32_t type,
		struct error *e);

/* True if [base, base+size) lies within one RAM range of a sanitised map. */
bool memmap_is_ram(const struct memmap *m, uint64_t base, uint64_t size);

uint64_t memmap_ram_bytes(const struct memmap *m);

const char *mem_type_name(uint32_t type);

#endif
