/* At EL3 the shim is the secure firmware, and a GIC with security
 * extensions starts with every interrupt in the secure Group 0, invisible
 * to a non-secure kernel. Put them all in non-secure Group 1, as firmware
 * does (boot-wrapper-aarch64's gic.c, gic-v3.c), for this (the boot) CPU
 * and the shared distributor. */
#include "../../shim/error.h"
#include "../../shim/fdt.h"
#include "cpu.h"

#include <libfdt.h>

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IGROUPR 0x080
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICR_WAKER 0x014
#define GICR_SGI_BASE 0x10000
#define GICR_IGROUPR0 (GICR_SGI_BASE + 0x080)

static void w32(uint64_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }
static uint32_t r32(uint64_t a) { return *(volatile uint32_t *)(uintptr_t)a; }

/* The n-th address of a node's reg, for #address-cells 2, #size-cells 2
 * (QEMU virt's interrupt controller). */
static int reg_addr(const void *fdt, int node, int n, uint64_t *out)
{
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (n + 1) * 16)
		return -1;
	*out = ((uint64_t)fdt32_ld(reg + n * 4) << 32) | fdt32_ld(reg + n * 4 + 1);
	return 0;
}

int gic_nonsecure_init(const void *fdt, struct error *e)
{
	uint64_t gicd, gicc;
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	bool v3 = node >= 0;
	if (!v3)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,cortex-a15-gic");
	if (node < 0)
		return fail(e, "gic", "no arm,gic-v3 or arm,cortex-a15-gic node in the dtb");
	if (fdt_address_cells(fdt, fdt_parent_offset(fdt, node)) != 2 ||
	    reg_addr(fdt, node, 0, &gicd) || reg_addr(fdt, node, 1, &gicc))
		return fail(e, "gic", "cannot read the interrupt controller's reg");

	uint32_t lines = 32 * ((r32(gicd + GICD_TYPER) & 0x1f) + 1);
	for (uint32_t i = v3 ? 1 : 0; i < lines / 32; i++)
		w32(gicd + GICD_IGROUPR + 4 * i, ~0u);
	if (v3) {
		/* The boot CPU's redistributor is the first: wake it, then its
		 * SGIs and PPIs go to group 1 too. */
		uint64_t gicr = gicc;
		w32(gicr + GICR_WAKER, r32(gicr + GICR_WAKER) & ~2u);
		for (int i = 0; i < 100000 && (r32(gicr + GICR_WAKER) & 4u); i++)
			;
		w32(gicr + GICR_IGROUPR0, ~0u);
	} else {
		/* Banked: GICD_IGROUPR0 (written above) and the CPU interface
		 * are this CPU's. Group 0 and 1 on, any priority passes. */
		w32(gicc + GICC_CTLR, 0x3);
		w32(gicc + GICC_PMR, 0xff);
	}
	return 0;
}
