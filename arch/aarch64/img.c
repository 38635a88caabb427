/* shim.img entry path: find the console, memory and entropy through the
 * DTB the loader passed in x0, and hand them to the core. */
#include "../../shim/boot.h"
#include "../../shim/console.h"
#include "../../shim/fdt.h"

void aarch64_console_init(uint64_t pl011_base, char psci_conduit);
__attribute__((noreturn)) void img_main(uint64_t dtb, uint64_t ticks, uint64_t el);

extern const uint8_t _head[], _shim_end[];

/* FEAT_RNG: RNDR, where ID_AA64ISAR0_EL1.RNDR says the CPU has it. */
static size_t rndr_seed(uint8_t *out, size_t len)
{
	uint64_t isar0;
	__asm__("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	if (((isar0 >> 60) & 0xf) == 0)
		return 0;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v, ok;
		/* RNDR sets NZCV to 0b0100 (Z) when it has no entropy. */
		__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne" : "=r"(v), "=r"(ok));
		if (!ok)
			return 0;
		memcpy(out + i, &v, 8);
	}
	return len;
}

void img_main(uint64_t dtb, uint64_t ticks, uint64_t el)
{
	static struct platform pf;
	struct error err;
	uint64_t dtb_size = 0;

	/* Nothing can be printed before the DTB names a console; an unusable
	 * DTB is still reported through the first PL011 it names, if any. */
	const void *fdt = (const void *)(uintptr_t)dtb;
	uint64_t pl011;
	bool dt_ok = dtb && !(dtb & (DT_ALIGN - 1)) && !dt_check(fdt, DT_MAX_SIZE, &dtb_size, &err);
	if (dt_ok && dt_console_pl011(fdt, &pl011) == 0)
		aarch64_console_init(pl011, dt_psci_conduit(fdt));
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
	if (dt_memory(fdt, &pf.mem, &err))
		fatal(&err);
	pf.seed_len = rndr_seed(pf.seed, sizeof(pf.seed));
	platform_keep(&pf, (uintptr_t)_head, (uintptr_t)(_shim_end - _head), "bootshim");
	platform_keep(&pf, dtb, dtb_size, "loader's dtb");
	bootshim_main(&pf);
}
