/* The arm64 Linux boot protocol (Documentation/arch/arm64/booting.rst) on
 * top of the portable core: where the Image, the initrd and the patched
 * DTB go, and the /chosen node that describes them. */
#include "aarch64_image.h"
#include "boot.h"
#include "fdt.h"

/* arm64's COMMAND_LINE_SIZE is 2048 including the NUL. */
#define AARCH64_CMDLINE_MAX 2047

/* "it must reside entirely within a 1 GB aligned physical memory window
 * of up to 32 GB in size that fully covers the kernel Image as well." */
#define INITRD_WINDOW_ALIGN GiB(1)
#define INITRD_WINDOW GiB(32)

/* "Since the dtb will be mapped cacheable using blocks of up to 2
 * megabytes in size, it must not be placed within any 2M region which
 * must be mapped with any specific attributes." Every 2 MiB block the DTB
 * touches must be usable RAM: no no-map reservation (nor any other: the
 * memory map does not tell them apart) and no hole. */
#define DTB_BLOCK MiB(2)

/* kaslr-seed is one u64. */
#define KASLR_SEED_BYTES sizeof(uint64_t)

static struct aarch64_kernel kernel;

static uint64_t ram_base(const struct memmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].type == MEM_RAM)
			return m->e[i].base;
	return 0;
}

static struct dt_chosen chosen(const struct platform *pf, const struct boot_plan *bp)
{
	struct dt_chosen c = {
		.bootargs = (const char *)bp->pl.cmdline.start,
		.initrd_start = bp->item[ITEM_INITRD].dest,
		.initrd_end = bp->item[ITEM_INITRD].dest + bp->pl.initrd.len,
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
	 * linux_plan checks the size). */
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

int linux_plan(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	const struct payload *pl = &bp->pl;
	if (!pf->dtb)
		return fail(e, "dtb", "no device tree to describe the machine to the kernel");
	if (aarch64_parse_kernel(pl->kernel.start, pl->kernel.len, &kernel, e))
		return -1;
	if (pl->cmdline.len > AARCH64_CMDLINE_MAX)
		return fail(e, "cmdline", "%llu bytes exceed arm64's %u",
			    (unsigned long long)pl->cmdline.len, AARCH64_CMDLINE_MAX);
	if (!pl->initrd.len)
		return fail(e, "initrd", "the embedded initrd is empty");
	if (pf->tpm_log.size > UINT32_MAX)
		return fail(e, "tpm", "event log of %llu bytes: linux,sml-size is a u32",
			    (unsigned long long)pf->tpm_log.size);

	/* The Image sits text_offset past a 2 MiB aligned base: place the
	 * base, with the text_offset bytes in front of it kept as part of the
	 * reservation. */
	uint64_t base_src = (uintptr_t)pl->kernel.start - kernel.text_offset;
	uint64_t dram = ram_base(&pf->mem);
	bp->item[ITEM_KERNEL] = (struct place_item){
		.name = "kernel",
		.size = kernel.text_offset + kernel.reserve,
		.src = base_src,
		.src_len = kernel.text_offset + pl->kernel.len,
		.align = AARCH64_KIMG_ALIGN,
		.min = 0,
		.max = UINT64_MAX,
		.in_place_ok = true,
	};
	if (!kernel.anywhere) {
		/* Flag bit 3 clear: "as close as possible to the base of DRAM,
		 * since memory below it is not accessible via the linear
		 * mapping": only the lowest slot will do. */
		uint64_t lowest;
		if (!align_up(dram, AARCH64_KIMG_ALIGN, &lowest))
			return fail(e, "memory", "no RAM");
		bp->item[ITEM_KERNEL].min = lowest;
		bp->item[ITEM_KERNEL].max = lowest + bp->item[ITEM_KERNEL].size;
	}
	bp->item[ITEM_INITRD] = (struct place_item){
		.name = "initrd",
		.size = pl->initrd.len,
		.src = (uintptr_t)pl->initrd.start,
		.src_len = pl->initrd.len,
		.align = 4096,
		.max = UINT64_MAX,
		.near = ITEM_KERNEL + 1,
		.near_align = INITRD_WINDOW_ALIGN,
		.near_size = INITRD_WINDOW,
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
		.size = dt_patched_size(pf->dtb_size, &c),
		.align = 4096, /* 8 required; a page keeps it off the kernel's 2 MiB blocks' edges */
		.max = UINT64_MAX,
		.granule = DTB_BLOCK,
	};
	if (bp->item[ITEM_BOOTINFO].size > DT_MAX_SIZE)
		bp->item[ITEM_BOOTINFO].size = DT_MAX_SIZE;
	return 0;
}

int linux_uefi_refresh(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	struct dt_chosen c = chosen(pf, bp);
	return dt_update_uefi_mmap((void *)(uintptr_t)bp->item[ITEM_BOOTINFO].dest, &c, e);
}

int linux_finish(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	struct place_item *k = &bp->item[ITEM_KERNEL];
	struct place_item *d = &bp->item[ITEM_BOOTINFO];
	struct dt_chosen c = chosen(pf, bp);
	if (dt_patch(pf->dtb, (void *)(uintptr_t)d->dest, d->size, &c, e))
		return -1;
	bp->h.entry = k->dest + kernel.text_offset;
	bp->h.arg = d->dest;
	return 0;
}
