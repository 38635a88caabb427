/* The Linux boot protocol's device-tree half, shared by every architecture
 * whose kernel is described by a DTB (arm64: booting.rst; riscv64:
 * Documentation/arch/riscv/boot.rst). The arch's own file
 * (shim/linux_<arch>.c) parses its Image header and places the kernel;
 * this file places the initrd, the command line and the patched DTB, and
 * writes /chosen:
 *   bootargs                      bp->pl.cmdline (the core has put the
 *                                 load options' line there, if any)
 *   linux,initrd-start/-end       the placed initrd
 *   rng-seed, kaslr-seed          disjoint bytes of pf->seed: the first 8
 *                                 for kaslr-seed, the rest for rng-seed,
 *                                 when pf->seed_len >= 16 (else neither)
 *   linux,uefi-system-table, linux,uefi-mmap-start/-size/-desc-size/
 *   -desc-ver, linux,uefi-secure-boot
 *                                 under UEFI (pf->efi.systab != 0); the
 *                                 /memory nodes and /memreserve/ entries
 *                                 then go (the UEFI map describes memory)
 *   linux,sml-base/-size          on pf->tpm_node, when the shim wrote a
 *                                 TPM event log as the firmware (pf->tpm_log)
 * (shim/fdt.c does the patching: dt_patch, dt_update_uefi_mmap.) The
 * machine's memory comes from the DTB's /memory, /reserved-memory and
 * /memreserve/ (dt_memory in shim/fdt.h, called by the arch's entry).
 *
 * How a DTB arch's linux_<arch>.c uses it:
 *
 *   static const struct linux_dt_rules rules = { .arch = "riscv64", ... };
 *   int linux_plan(const struct platform *pf, struct boot_plan *bp, struct error *e)
 *   {
 *           if (linux_dt_plan(pf, bp, &rules, e))     // checks, initrd, cmdline, dtb
 *                   return -1;
 *           ... parse the Image header, fill bp->item[ITEM_KERNEL] ...
 *   }
 *   int linux_finish(const struct platform *pf, struct boot_plan *bp, struct error *e)
 *   {
 *           if (linux_dt_finish(pf, bp, e))           // writes the DTB, h.arg = its address
 *                   return -1;
 *           bp->h.entry = ... the kernel's entry in the placed Image ...;
 *           return 0;
 *   }
 *
 * linux_refresh (shim/boot.h), which UEFI's ExitBootServices loop calls
 * for the final memory map, is this file's for every DTB arch: nothing to
 * write in linux_<arch>.c. */
#ifndef BOOTSHIM_LINUX_DT_H
#define BOOTSHIM_LINUX_DT_H

#include "boot.h"

/* What differs between the DTB architectures' protocols. */
struct linux_dt_rules {
	const char *arch;		/* in messages: "arm64", "riscv64" */
	uint64_t cmdline_max;		/* COMMAND_LINE_SIZE without the NUL */
	/* The initrd must lie in [align_down(kernel base, initrd_window_align),
	 * +initrd_window) (arm64: a 1 GiB aligned 32 GiB window); 0: anywhere. */
	uint64_t initrd_window_align, initrd_window;
	/* The placed DTB's alignment, and the blocks it touches that must all
	 * be usable RAM (arm64: 2 MiB, mapped with block mappings); 0: none. */
	uint64_t dtb_align, dtb_granule;
};

/* The checks every DTB boot needs (a DTB to patch, the command line
 * within rules->cmdline_max, a non-empty initrd, a TPM log size that fits
 * linux,sml-size), then bp->item[ITEM_INITRD], [ITEM_CMDLINE] and
 * [ITEM_BOOTINFO] (the DTB, sized for the /chosen it will get). The arch
 * fills bp->item[ITEM_KERNEL] itself. */
int linux_dt_plan(const struct platform *pf, struct boot_plan *bp,
		  const struct linux_dt_rules *rules, struct error *e);

/* Once everything is placed: pf->dtb patched with /chosen into
 * bp->item[ITEM_BOOTINFO], and bp->h.arg set to its address. The arch
 * sets bp->h.entry. */
int linux_dt_finish(const struct platform *pf, struct boot_plan *bp, struct error *e);

#endif
