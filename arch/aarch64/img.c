/* shim.img entry path: find the console, memory and entropy through the
 * DTB the loader passed in x0, and hand them to the core. */
#include "boot.h"
#include "console.h"
#include "fdt.h"
#include "cpu.h"
#include "layout.h"

void img_main(uint64_t dtb, uint64_t ticks, uint64_t el)
{
	static struct platform pf;
	static struct dt_index dt;
	struct error err;
	uint64_t dtb_size = 0;

	/* A DTB embedded with DTB= replaces the loader's. Nothing can be
	 * printed before a DTB names a console. */
	struct payload pl;
	payload_get(&pl);
	if (pl.dtb.len)
		dtb = (uintptr_t)pl.dtb.start;
	const void *fdt = (const void *)(uintptr_t)dtb;
	uint64_t pl011;
	bool dt_ok = dtb && !(dtb & (DT_ALIGN - 1)) &&
		     !dt_open(fdt, DT_MAX_SIZE, &dtb_size, &dt, &err);
	if (dt_ok && dt_console_pl011_ix(fdt, &dt, &pl011) == 0)
		aarch64_console_init(pl011, dt_psci_conduit_ix(fdt, &dt));
	if (!dt_ok) {
		if (!dtb || (dtb & (DT_ALIGN - 1)))
			fail(&err, "dtb", "x0 = 0x%llx is not an 8-byte aligned DTB address",
			     (unsigned long long)dtb);
		fatal(&err);
	}

	pf.entry_name = el == 2 ? "Linux Image boot at EL2" : "Linux Image boot at EL1";
	pf.t_entry = ticks;
	if (el != 1 && el != 2) {
		fail(&err, "entry", "started at EL%llu; shim.img runs at EL1 or EL2 "
		     "(use shim.rom as firmware)", (unsigned long long)el);
		fatal(&err);
	}
	pf.dtb = fdt;
	pf.dtb_size = dtb_size;
	pf.dt = &dt;
	if (dt_memory_ix(fdt, &dt, &pf.mem, &err))
		fatal(&err);
	/* Only the header and structure have been read: a totalsize that
	 * runs past the RAM the tree itself describes is refused before the
	 * whole blob is copied. The map is not sanitised yet, so its /memory
	 * entries are whole: a /memreserve/ a loader put over its own blob
	 * (U-Boot does) does not count against it. */
	if (!memmap_is_ram(&pf.mem, dtb, dtb_size)) {
		fail(&err, "dtb", "totalsize %llu at 0x%llx is not all in the RAM /memory describes",
		     (unsigned long long)dtb_size, (unsigned long long)dtb);
		fatal(&err);
	}
	pf.seed_len = rndr_seed(pf.seed, sizeof(pf.seed));
	/* After another firmware: measure only into a TPM it started (the
	 * MMU is off, so the TPM's registers need no mapping). */
	aarch64_measure_init(&pf, NULL);
	platform_keep(&pf, (uintptr_t)_head, (uintptr_t)(_shim_end - _head), "bootshim");
	platform_keep(&pf, dtb, dtb_size, pl.dtb.len ? "embedded dtb" : "loader's dtb");
	bootshim_main(&pf);
}
