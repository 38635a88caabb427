/* shim.rom entry path: QEMU virt's firmware. The DTB is the one QEMU puts
 * at the start of RAM for firmware boots (or, without it, one embedded
 * with DTB=); RAM is then mapped with caches on for the copies out of
 * flash. */
#include "../../shim/boot.h"
#include "../../shim/console.h"
#include "../../shim/fdt.h"

void aarch64_console_init(uint64_t pl011_base, char psci_conduit);
void mmu_enable(const struct memmap *m, uint64_t flash_size, unsigned el);
int gic_nonsecure_init(const void *fdt, struct error *e);
size_t rndr_seed(uint8_t *out, size_t len);
__attribute__((noreturn)) void rom_main(uint64_t ticks, uint64_t el);

/* QEMU virt: RAM at 1 GiB, where -bios boots find the DTB; the PL011 used
 * only to report that no DTB exists at all. */
#define VIRT_RAM_BASE 0x40000000ull
#define VIRT_PL011 0x09000000ull
#define VIRT_FLASH_SIZE MiB(64)

extern const uint8_t __ram_start[], __ram_end[];

static const char *entry_names[] = {
	[1] = "firmware (-bios) at EL1",
	[2] = "firmware (-bios) at EL2",
	[3] = "firmware (-bios) at EL3",
};

void rom_main(uint64_t ticks, uint64_t el)
{
	static struct platform pf;
	struct error err;
	struct payload pl;
	payload_get(&pl);

	const void *fdt = (const void *)(uintptr_t)VIRT_RAM_BASE;
	uint64_t dtb_size;
	const char *dtb_name = "QEMU's dtb";
	if (dt_check(fdt, DT_MAX_SIZE, &dtb_size, &err)) {
		if (!pl.dtb.len) {
			aarch64_console_init(VIRT_PL011, 0);
			fail(&err, "dtb", "no device tree at 0x%llx and none embedded (build with DTB=)",
			     (unsigned long long)VIRT_RAM_BASE);
			fatal(&err);
		}
		fdt = pl.dtb.start;
		dtb_name = "embedded dtb";
		if (dt_check(fdt, pl.dtb.len, &dtb_size, &err)) {
			aarch64_console_init(VIRT_PL011, 0);
			fatal(&err);
		}
	}
	uint64_t pl011;
	aarch64_console_init(dt_console_pl011(fdt, &pl011) == 0 ? pl011 : VIRT_PL011,
			     dt_psci_conduit(fdt));

	pf.entry_name = entry_names[el];
	pf.t_entry = ticks;
	/* At EL3 the shim is the secure firmware: hand the interrupt
	 * controller to the non-secure world the kernel will run in. */
	if (el == 3 && gic_nonsecure_init(fdt, &err))
		fatal(&err);
	pf.dtb = fdt;
	pf.dtb_size = dtb_size;
	if (dt_memory(fdt, &pf.mem, &err))
		fatal(&err);
	/* Caches on for the copies out of flash; jump_to_kernel turns the
	 * MMU off again after everything written is cleaned. */
	mmu_enable(&pf.mem, VIRT_FLASH_SIZE, (unsigned)el);
	pf.seed_len = rndr_seed(pf.seed, sizeof(pf.seed));
	platform_keep(&pf, (uintptr_t)__ram_start, (uintptr_t)(__ram_end - __ram_start),
		      "bootshim data");
	platform_keep(&pf, (uintptr_t)fdt, dtb_size, dtb_name);
	bootshim_main(&pf);
}
