/* The PVH boot ABI's start_info (xen/include/public/arch-x86/hvm/start_info.h):
 * what QEMU, Firecracker and cloud-hypervisor hand a PVH ELF in %ebx. */
#ifndef BOOTSHIM_PVH_H
#define BOOTSHIM_PVH_H

#include "memmap.h"
#include "phys.h"

#define HVM_START_MAGIC_VALUE 0x336ec578

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	/* version 1 and later: */
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* e820 numbering */
	uint32_t reserved;
};

struct pvh_info {
	struct memmap mem;	/* unsanitised, as the VMM gave it */
	uint64_t rsdp;		/* 0 if none */
	bool vmm_cmdline;	/* the VMM passed a command line (-append) */
	uint32_t nr_modules;	/* ... or modules (-initrd) */
};

/* Read start_info at physical address `si` through pm. */
int pvh_parse(const struct phys_mem *pm, uint64_t si, struct pvh_info *out,
	      struct error *e);

#endif
