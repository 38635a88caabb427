/* What an entry path found, and the plan the core makes from it. */
#ifndef BOOTSHIM_BOOT_H
#define BOOTSHIM_BOOT_H

#include "memmap.h"
#include "payload.h"
#include "place.h"
#include "platform_efi.h"

struct measurer;
struct dt_index;

enum { ITEM_KERNEL, ITEM_INITRD, ITEM_CMDLINE, ITEM_BOOTINFO, ITEM_COUNT };

/* Where and how to enter the kernel: x86 puts arg in %rsi (the zero
 * page), arm64 in x0 (the DTB). `written` lists what the shim wrote, for
 * arches that must clean caches before the jump. */
struct handoff {
	uint64_t entry;
	uint64_t arg;
	struct range written[ITEM_COUNT];
	size_t n_written;
};

#define PLATFORM_MAX_KEEP 8

/* Filled by the entry path, then handed to bootshim_main. */
struct platform {
	const char *entry_name;		/* how the shim was started, e.g. "PVH" */
	uint64_t t_entry;		/* arch_ticks() at the first instruction */
	struct memmap mem;		/* as found; the core sanitises it */
	uint64_t map_end;		/* the entry can write below this only
					 * (its identity map): nothing is placed
					 * at or above it; 0: no limit */
	uint64_t rsdp;			/* ACPI RSDP, 0 if none known */
	const void *dtb;		/* validated device tree, NULL if none */
	uint64_t dtb_size;
	const struct dt_index *dt;	/* what dt_open found in dtb (shim/fdt.h);
					 * NULL: nothing recorded */
	uint8_t seed[64];		/* entropy from the platform (RNDR, EFI_RNG) */
	size_t seed_len;		/* 0: none available */
	const char *cmdline;		/* replaces the embedded one (UEFI load
					 * options), NUL-terminated; NULL: none */
	struct platform_efi efi;
	/* Measured boot (shim/measure.h): how to measure, else why not. */
	struct measurer *measurer;	/* NULL: no TPM to measure with */
	const char *measure_off;	/* the reason, for the console */
	/* arm64 firmware flavour: the event log area, handed to the kernel
	 * through the TPM node's linux,sml-base/-size and reserved in the
	 * DTB; size 0: none. tpm_node: the node's path in pf->dtb. */
	struct range tpm_log;
	const char *tpm_node;
	struct range keep[PLATFORM_MAX_KEEP]; /* must survive until the jump */
	size_t n_keep;
};

struct boot_plan {
	struct payload pl;
	struct place_item item[ITEM_COUNT];
	struct handoff h;
};

/* Record a range that placement must keep clear (the shim's own image,
 * firmware data still needed). */
void platform_keep(struct platform *pf, uint64_t base, uint64_t size, const char *name);

/* "bootshim: entry-to-jump N us, M bytes copied", for bench and users. */
void boot_report_time(const struct platform *pf, uint64_t copied);

/* The portable core: plan, place, copy, describe, jump. */
__attribute__((noreturn)) void bootshim_main(struct platform *pf);

/* The kernel's boot protocol (shim/linux_<arch>.c): validate the embedded
 * kernel and say what must be placed; then, once everything is in place,
 * fill the boot information (zero page or DTB) and the hand-off. */
int linux_plan(const struct platform *pf, struct boot_plan *bp, struct error *e);
int linux_finish(const struct platform *pf, struct boot_plan *bp, struct error *e);
/* Under UEFI, between the last GetMemoryMap and ExitBootServices (no
 * allocation, no output): the boot information rewritten for the final
 * memory map (x86_64: the zero page, shim/linux_x86_64.c; the DTB arches:
 * /chosen's linux,uefi-mmap-*, shim/linux_dt.c). */
int linux_refresh(const struct platform *pf, struct boot_plan *bp, struct error *e);

#endif
