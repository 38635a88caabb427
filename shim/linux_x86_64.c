/* The x86 Linux boot protocol on top of the portable core: what the 64-bit
 * entry of a bzImage needs placed, and the zero page describing it. */
#include "boot.h"
#include "x86_64_boot.h"

/* Every x86 entry path identity-maps the low 4 GiB and nothing more. The
 * 64-bit protocol requires "the range with setup_header.init_size from
 * start address of loaded kernel and zero page and command line buffer" to
 * be identity mapped, so those three stay below 4 GiB. */
#define X86_64_IDMAP_END GiB(4)

/* Keep the first 64 KiB (real-mode IVT, BIOS data area) untouched: the
 * kernel still reads the BDA to find the EBDA. */
#define X86_64_LOW_MIN KiB(64)

/* Room for the e820 entries the two reservations below may add. */
#define E820_SPLIT_SLACK 4

/* The e820 entries the zero page must have room for. It is placed (and,
 * under UEFI, claimed) before the final memory map exists: a firmware that
 * is still running changes its map until it is left (claims split free
 * ranges, events allocate), and arch_exit_firmware fills the zero page from
 * that last map. So a UEFI boot makes room for the most any map can hold
 * (memmap_mark refuses more); elsewhere the map is final already. */
static size_t zero_page_e820_max(const struct platform *pf)
{
	if (pf->efi.systab)
		return MEMMAP_MAX;
	return pf->mem.n + E820_SPLIT_SLACK;
}

static struct x86_64_kernel kernel;
static struct memmap e820;

int linux_plan(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	const struct payload *pl = &bp->pl;
	struct x86_64_kernel *k = &kernel;
	/* The build split the bzImage at setup_sects; a header that now says
	 * otherwise was damaged after the build. Checked first: every size
	 * the parser derives (syssize against the code) depends on it. */
	if (pl->kernel_head.len > X86_64_SETUP_HDR_OFFSET) {
		uint8_t sects = pl->kernel_head.start[X86_64_SETUP_HDR_OFFSET];
		if (x86_64_setup_bytes(sects) != pl->kernel_head.len)
			return fail(e, "kernel", "setup_sects %u means %llu setup bytes, but %llu "
				    "were embedded", sects,
				    (unsigned long long)x86_64_setup_bytes(sects),
				    (unsigned long long)pl->kernel_head.len);
	}
	if (x86_64_parse_kernel(pl->kernel_head.start, pl->kernel_head.len,
			     pl->kernel_head.len + pl->kernel.len, k, e))
		return -1;
	if (pl->cmdline.len > k->cmdline_max)
		return fail(e, "cmdline", "%llu bytes exceed the kernel's cmdline_size %u",
			    (unsigned long long)pl->cmdline.len, k->cmdline_max);
	if (!pl->initrd.len)
		return fail(e, "initrd", "the embedded initrd is empty");

	bp->item[ITEM_KERNEL] = (struct place_item){
		.name = "kernel",
		.size = k->reserve,
		.src = (uintptr_t)pl->kernel.start,
		.src_len = pl->kernel.len,
		.align = k->align,
		/* Relocatable kernels go at or above pref_address: below it the
		 * decompressor would still use [pref_address, +init_size). */
		.min = k->min_addr,
		.max = k->relocatable ? X86_64_IDMAP_END : k->min_addr + k->reserve,
		.in_place_ok = true,
	};
	bp->item[ITEM_INITRD] = (struct place_item){
		.name = "initrd",
		.size = pl->initrd.len,
		.src = (uintptr_t)pl->initrd.start,
		.src_len = pl->initrd.len,
		.align = 4096,
		.min = MiB(1),
		.max = k->initrd_above_4g ? UINT64_MAX : k->initrd_max,
		.pref_max = k->initrd_max < X86_64_IDMAP_END ? k->initrd_max : X86_64_IDMAP_END,
		.high = true,
		.in_place_ok = true,
	};
	bp->item[ITEM_CMDLINE] = (struct place_item){
		.name = "cmdline",
		.size = pl->cmdline.len + 1,
		.src = (uintptr_t)pl->cmdline.start,
		.src_len = pl->cmdline.len + 1,
		.align = 16,
		.min = X86_64_LOW_MIN,
		.max = X86_64_IDMAP_END,
		.in_place_ok = true,
	};
	bp->item[ITEM_BOOTINFO] = (struct place_item){
		.name = "zero page",
		.size = x86_64_zero_page_bytes(zero_page_e820_max(pf), pf->seed_len),
		.align = 4096,
		.min = X86_64_LOW_MIN,
		.max = X86_64_IDMAP_END,
	};
	return 0;
}

/* Reserve whole pages around [base, base+size) so the kernel's memory
 * allocator never hands them out before it has read them. */
static int reserve_pages(struct memmap *m, uint64_t base, uint64_t size, struct error *e)
{
	uint64_t lo = align_down(base, 4096), hi;
	if (!align_up(base + size, 4096, &hi))
		return fail(e, "e820", "reservation at 0x%llx overflows", (unsigned long long)base);
	return memmap_mark(m, lo, hi - lo, MEM_RESERVED, e);
}

int linux_finish(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	const struct place_item *kern = &bp->item[ITEM_KERNEL];
	const struct place_item *initrd = &bp->item[ITEM_INITRD];
	const struct place_item *cmd = &bp->item[ITEM_CMDLINE];
	const struct place_item *zp = &bp->item[ITEM_BOOTINFO];

	e820 = pf->mem;
	if (reserve_pages(&e820, zp->dest, zp->size, e) ||
	    reserve_pages(&e820, cmd->dest, cmd->size, e))
		return -1;
	struct x86_64_boot_info bi = {
		.kernel_addr = kern->dest,
		.cmdline_addr = cmd->dest,
		.initrd_addr = initrd->dest,
		.initrd_size = bp->pl.initrd.len,
		.rsdp = pf->rsdp,
		.zero_page_addr = zp->dest,
		.efi = &pf->efi,
		.seed = pf->seed,
		.seed_len = pf->seed_len,
	};
	if (x86_64_fill_zero_page((void *)(uintptr_t)zp->dest, zp->size, &kernel, &e820, &bi, e))
		return -1;
	bp->h.entry = kern->dest + X86_64BIT_ENTRY_OFFSET;
	bp->h.arg = zp->dest;
	return 0;
}

/* Under UEFI: the whole zero page again, its e820 table from the final
 * memory map (pf->mem, converted by arch/efi/common.c). */
int linux_refresh(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	return linux_finish(pf, bp, e);
}
