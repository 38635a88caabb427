/* The RISC-V Linux boot protocol (Documentation/arch/riscv/boot.rst) on
 * top of the portable core: the Image header and where the kernel goes;
 * the initrd, the patched DTB and /chosen are shim/linux_dt.c's, with
 * riscv64's rules. The hand-off itself (a0 = hart id, a1 = DTB, satp 0,
 * interrupts off, fence.i) is arch/riscv64/cpu.c's. */
#include "linux_dt.h"
#include "riscv64_image.h"

static struct riscv64_kernel kernel;

static const struct linux_dt_rules rules = {
	.arch = "riscv64",
	.cmdline_max = RISCV64_CMDLINE_MAX,
	/* boot.rst sets no window for the initrd: on rv64 all of RAM is in
	 * the linear map, below the kernel too. */
	.initrd_window_align = 0,
	.initrd_window = 0,
	/* The kernel maps the DTB through its fixmap, two PMDs from the one
	 * it starts in (setup_vm's create_fdt_early_page_table), whatever
	 * else those blocks hold: only 8-byte alignment (the DT spec) and
	 * the 2 MiB size dt_check already enforces. */
	.dtb_align = 8,
	.dtb_granule = 0,
};

int linux_plan(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	const struct payload *pl = &bp->pl;
	if (linux_dt_plan(pf, bp, &rules, e) ||
	    riscv64_parse_kernel(pl->kernel.start, pl->kernel.len, &kernel, e))
		return -1;
	/* "The RISC-V kernel expects to be placed at a PMD boundary (2MB
	 * aligned for rv64 ...)", entered at its first byte, with image_size
	 * bytes of room. text_offset is where a loader that knows nothing of
	 * the machine would put it (past the M-mode firmware at the base of
	 * RAM); the shim knows that firmware's memory from the DTB's
	 * /reserved-memory (OpenSBI adds its own), so any PMD boundary
	 * placement finds will do. The room is image_size up to the next PMD
	 * boundary: with STRICT_KERNEL_RWX (Debian's) rv64's setup_bootmem
	 * reserves that much, "since we will map the kernel in the linear
	 * mapping as read-only: we do not want any allocation to happen
	 * between _end and the next pmd aligned page", and refuses an initrd
	 * placed there ("INITRD: ... overlaps in-use memory region"). */
	uint64_t room;
	if (!align_up(kernel.reserve, RISCV64_KIMG_ALIGN, &room))
		return fail(e, "kernel", "image_size 0x%llx overflows at a 2 MiB boundary",
			    (unsigned long long)kernel.reserve);
	bp->item[ITEM_KERNEL] = (struct place_item){
		.name = "kernel",
		.size = room,
		.src = (uintptr_t)pl->kernel.start,
		.src_len = pl->kernel.len,
		.align = RISCV64_KIMG_ALIGN,
		.min = 0,
		.max = UINT64_MAX,
		.in_place_ok = true,
	};
	return 0;
}

int linux_finish(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	if (linux_dt_finish(pf, bp, e))
		return -1;
	bp->h.entry = bp->item[ITEM_KERNEL].dest;
	return 0;
}
