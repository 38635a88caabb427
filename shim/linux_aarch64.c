/* The arm64 Linux boot protocol (Documentation/arch/arm64/booting.rst) on
 * top of the portable core: the Image header and where the kernel goes;
 * the initrd, the patched DTB and /chosen are shim/linux_dt.c's, with
 * arm64's rules. */
#include "aarch64_image.h"
#include "linux_dt.h"

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

static struct aarch64_kernel kernel;

static uint64_t ram_base(const struct memmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].type == MEM_RAM)
			return m->e[i].base;
	return 0;
}

static const struct linux_dt_rules rules = {
	.arch = "arm64",
	.cmdline_max = AARCH64_CMDLINE_MAX,
	.initrd_window_align = INITRD_WINDOW_ALIGN,
	.initrd_window = INITRD_WINDOW,
	/* 8 required; a page keeps it off the kernel's 2 MiB blocks' edges */
	.dtb_align = 4096,
	.dtb_granule = DTB_BLOCK,
};

int linux_plan(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	const struct payload *pl = &bp->pl;
	if (linux_dt_plan(pf, bp, &rules, e) ||
	    aarch64_parse_kernel(pl->kernel.start, pl->kernel.len, &kernel, e))
		return -1;

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
	return 0;
}

int linux_finish(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	if (linux_dt_finish(pf, bp, e))
		return -1;
	bp->h.entry = bp->item[ITEM_KERNEL].dest + kernel.text_offset;
	return 0;
}
