/* shim.img entry path: find memory, the time base and entropy through the
 * DTB the loader passed in a1, and hand them to the core. */
#include "boot.h"
#include "console.h"
#include "fdt.h"
#include "layout.h"
#include "riscv64.h"
#include "rom.h"

/* rng-seed: as many bytes as the kernel's pool takes in one go. */
#define SEED_BYTES 64
_Static_assert(SEED_BYTES <= sizeof(((struct platform *)0)->seed), "platform seed room");

/* An SBI firmware that lives in RAM (OpenSBI, at its base on QEMU's virt)
 * reserves its own memory in the DTB it passes on (OpenSBI adds
 * /reserved-memory/mmode_resv*). A DTB embedded with DTB= replaces that
 * tree, so it must reserve at least as much: each reserved range of the
 * loader's tree must lie inside one of the embedded tree's, else the shim
 * or the kernel would write over the firmware (a store access fault under
 * its PMP, at best). A loader's tree that is not a valid DTB is no
 * evidence either way. */
static void check_embedded_dtb(const void *loader, const struct memmap *embedded)
{
	static struct memmap lm;
	static struct dt_index lix;
	struct error err;
	uint64_t size;
	if (!loader || ((uintptr_t)loader & (DT_ALIGN - 1)) ||
	    dt_open(loader, DT_MAX_SIZE, &size, &lix, &err) || dt_memory_ix(loader, &lix, &lm, &err))
		return;
	for (size_t i = 0; i < lm.n; i++) {
		const struct mem_range *r = &lm.e[i];
		if (r->type == MEM_RAM || !r->size)
			continue;
		bool kept = false;
		for (size_t k = 0; k < embedded->n && !kept; k++) {
			const struct mem_range *q = &embedded->e[k];
			kept = q->type != MEM_RAM && q->base <= r->base &&
			       r->base - q->base <= q->size && r->size <= q->size - (r->base - q->base);
		}
		if (!kept) {
			fail(&err, "dtb", "the embedded DTB does not reserve [0x%llx, +0x%llx), which "
			     "the loader's DTB reserves (the SBI firmware's memory): add it to DTB=",
			     (unsigned long long)r->base, (unsigned long long)r->size);
			fatal(&err);
		}
	}
}

void img_main(uint64_t hartid, uint64_t dtb, uint64_t ticks)
{
	static struct platform pf;
	static struct dt_index dt;
	struct error err;
	uint64_t dtb_size = 0;

	/* A DTB embedded with DTB= replaces the loader's. The SBI console
	 * needs no DTB: errors about it can be said. */
	struct payload pl;
	payload_get(&pl);
	uint64_t loader_dtb = dtb;
	if (pl.dtb.len)
		dtb = (uintptr_t)pl.dtb.start;
	const void *fdt = (const void *)(uintptr_t)dtb;
	if (!dtb || (dtb & (DT_ALIGN - 1))) {
		fail(&err, "dtb", "a1 = 0x%llx is not an 8-byte aligned DTB address",
		     (unsigned long long)dtb);
		fatal(&err);
	}
	if (dt_open(fdt, DT_MAX_SIZE, &dtb_size, &dt, &err))
		fatal(&err);
	uint64_t test = 0, hz = 0;
	riscv64_dt_test_device_ix(fdt, &dt, &test);
	riscv64_sbi_init(test);
	struct rom_uart u;
	if (!rom_dt_uart(fdt, &dt, &u, &err))
		riscv64_console_uart(&u);
	riscv64_dt_timebase_ix(fdt, &dt, &hz);
	riscv64_cpu_init(hartid, hz);

	pf.entry_name = "RISC-V Linux Image boot in S-mode";
	pf.t_entry = ticks;
	pf.dtb = fdt;
	pf.dtb_size = dtb_size;
	pf.dt = &dt;
	if (dt_memory_ix(fdt, &dt, &pf.mem, &err))
		fatal(&err);
	if (pl.dtb.len)
		check_embedded_dtb((const void *)(uintptr_t)loader_dtb, &pf.mem);
	/* Only the header and structure have been read: a totalsize that
	 * runs past the RAM the tree itself describes is refused before the
	 * whole blob is copied (as on arm64). */
	if (!memmap_is_ram(&pf.mem, dtb, dtb_size)) {
		fail(&err, "dtb", "totalsize %llu at 0x%llx is not all in the RAM /memory describes",
		     (unsigned long long)dtb_size, (unsigned long long)dtb);
		fatal(&err);
	}
	/* rng-seed from the seed CSR only where the boot hart says it has
	 * Zkr: elsewhere the CSR number may mean nothing, or trap. */
	if (riscv64_dt_hart_has_ext_ix(fdt, &dt, hartid, "zkr")) {
		pf.seed_len = riscv64_seed(pf.seed, SEED_BYTES);
		if (pf.seed_len)
			con_printf("bootshim: %zu bytes of entropy from the seed CSR (Zkr)\n",
				   pf.seed_len);
		else
			con_printf("bootshim: warning: hart %llu has Zkr, but its seed CSR gave "
				   "no entropy (not granted to S-mode, or not ready)\n",
				   (unsigned long long)hartid);
	}
	platform_keep(&pf, (uintptr_t)_head, (uintptr_t)(_shim_end - _head), "bootshim");
	platform_keep(&pf, dtb, dtb_size, pl.dtb.len ? "embedded dtb" : "loader's dtb");
	bootshim_main(&pf);
}
