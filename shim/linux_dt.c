/* The device-tree half of the Linux boot protocol, for every DTB
 * architecture (see shim/linux_dt.h): the initrd, the command line and
 * the patched DTB placed, and /chosen written. */
#include "linux_dt.h"
#include "fdt.h"

/* kaslr-seed is one u64. */
#define KASLR_SEED_BYTES sizeof(uint64_t)

static struct dt_chosen chosen(const struct platform *pf, const struct boot_plan *bp)
{
	struct dt_chosen c = {
		.bootargs = (const char *)bp->pl.cmdline.start,
		.initrd_start = bp->item[ITEM_INITRD].dest,
		.initrd_end = bp->item[ITEM_INITRD].dest + bp->pl.initrd.len,
		.ix = pf->dt,
	};
	if (pf->efi.systab) {
		c.uefi_systab = pf->efi.systab;
		c.uefi_mmap = pf->efi.mmap;
		c.uefi_mmap_size = (uint32_t)pf->efi.mmap_size;
		c.uefi_desc_size = (uint32_t)pf->efi.desc_size;
		c.uefi_desc_ver = pf->efi.desc_version;
		c.uefi_secure_boot = pf->efi.secure_boot;
	}
	/* The firmware flavour's TPM event log (linux,sml-size is a u32:
	 * linux_dt_plan checks the size). */
	if (pf->tpm_node && pf->tpm_log.size) {
		c.tpm_node = pf->tpm_node;
		c.tpm_log_base = pf->tpm_log.base;
		c.tpm_log_size = (uint32_t)pf->tpm_log.size;
	}
	/* Disjoint bytes for the two: rng-seed goes into the kernel's
	 * entropy pool, kaslr-seed picks where the kernel maps itself, and
	 * neither may tell anything about the other. At least as many bytes
	 * for rng-seed as for kaslr-seed, else neither. */
	if (pf->seed_len >= 2 * KASLR_SEED_BYTES) {
		memcpy(&c.kaslr_seed, pf->seed, KASLR_SEED_BYTES);
		c.seed = pf->seed + KASLR_SEED_BYTES;
		c.seed_len = pf->seed_len - KASLR_SEED_BYTES;
	}
	return c;
}

int linux_dt_plan(const struct platform *pf, struct boot_plan *bp,
		  const struct linux_dt_rules *rules, struct error *e)
{
	const struct payload *pl = &bp->pl;
	if (!pf->dtb)
		return fail(e, "dtb", "no device tree to describe the machine to the kernel");
	if (pl->cmdline.len > rules->cmdline_max)
		return fail(e, "cmdline", "%llu bytes exceed %s's %llu",
			    (unsigned long long)pl->cmdline.len, rules->arch,
			    (unsigned long long)rules->cmdline_max);
	if (!pl->initrd.len)
		return fail(e, "initrd", "the embedded initrd is empty");
	if (pf->tpm_log.size > UINT32_MAX)
		return fail(e, "tpm", "event log of %llu bytes: linux,sml-size is a u32",
			    (unsigned long long)pf->tpm_log.size);

	bp->item[ITEM_INITRD] = (struct place_item){
		.name = "initrd",
		.size = pl->initrd.len,
		.src = (uintptr_t)pl->initrd.start,
		.src_len = pl->initrd.len,
		.align = 4096,
		.max = UINT64_MAX,
		.near = rules->initrd_window ? ITEM_KERNEL + 1 : 0,
		.near_align = rules->initrd_window_align,
		.near_size = rules->initrd_window,
		.in_place_ok = true,
	};
	bp->item[ITEM_CMDLINE] = (struct place_item){
		/* bootargs live in the DTB; the embedded copy is only read. */
		.name = "cmdline",
		.size = pl->cmdline.len + 1,
		.src = (uintptr_t)pl->cmdline.start,
		.src_len = pl->cmdline.len + 1,
		.align = 1,
		.max = UINT64_MAX,
		.in_place_ok = true,
	};
	struct dt_chosen c = chosen(pf, bp);
	bp->item[ITEM_BOOTINFO] = (struct place_item){
		.name = "dtb",
		.size = dt_patched_size(dt_used_size(pf->dtb), &c),
		.align = rules->dtb_align,
		.max = UINT64_MAX,
		.granule = rules->dtb_granule,
	};
	if (bp->item[ITEM_BOOTINFO].size > DT_MAX_SIZE)
		bp->item[ITEM_BOOTINFO].size = DT_MAX_SIZE;
	return 0;
}

int linux_dt_finish(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	struct place_item *d = &bp->item[ITEM_BOOTINFO];
	struct dt_chosen c = chosen(pf, bp);
	if (dt_patch(pf->dtb, (void *)(uintptr_t)d->dest, d->size, &c, e))
		return -1;
	bp->h.arg = d->dest;
	return 0;
}

/* Under UEFI, between GetMemoryMap and ExitBootServices: the DTB's
 * linux,uefi-mmap-* for the final memory map, rewritten in place (no
 * allocation, no output). */
int linux_refresh(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	struct dt_chosen c = chosen(pf, bp);
	return dt_update_uefi_mmap((void *)(uintptr_t)bp->item[ITEM_BOOTINFO].dest, &c, e);
}
