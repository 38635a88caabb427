/* What shim.rom reads from the DTB QEMU built, as the first code: the
 * harts (the hold pen waits for them; OpenSBI sizes its stacks by them)
 * and the console UART. Every property is checked before use. */
#include <libfdt.h>

#include "error.h"
#include "fdt.h"
#include "rom.h"

int rom_dt_harts(const void *fdt, const struct dt_index *ix, uint64_t *harts,
		 uint64_t *opensbi_harts, struct error *e)
{
	int cpus = ix->cpus, node, len;
	if (cpus < 0)
		return fail(e, "dtb", "no /cpus node");
	/* The riscv cpus binding: "#address-cells" 1 and reg the hart id. */
	int ac = fdt_address_cells(fdt, cpus);
	if (ac != 1 && ac != 2)
		return fail(e, "dtb", "/cpus #address-cells %d is not 1 or 2", ac);
	*harts = *opensbi_harts = 0;
	fdt_for_each_subnode(node, fdt, cpus) {
		if (!dt_is_cpu(fdt, node) || !dt_node_enabled(fdt, node))
			continue;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len != ac * (int)sizeof(*reg))
			return fail(e, "dtb", "/cpus/%s: reg is %d bytes, not a hart id of %d cells",
				    fdt_get_name(fdt, node, NULL), reg ? len : 0, ac);
		(*harts)++;
		if (dt_read_cells(reg, ac) < OPENSBI_MAX_HARTID)
			(*opensbi_harts)++;
	}
	if (!*harts)
		return fail(e, "dtb", "no enabled hart in /cpus");
	return 0;
}

/* The node's first reg entry as a CPU address: every parent up to the
 * root must map its children's addresses one to one (an empty "ranges",
 * as QEMU virt's /soc has); translation through a non-empty one is not
 * done. */
static int node_address(const void *fdt, const struct dt_node *n, uint64_t *addr,
			struct error *e)
{
	int node = n->node, len;
	const char *name = fdt_get_name(fdt, node, NULL);
	if (n->depth == 0)
		return fail(e, "dtb", "%s: no parent", name);
	int parent = n->anc[n->depth - 1];
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return fail(e, "dtb", "%s: parent #address-cells %d, #size-cells %d", name, ac, sc);
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (ac + sc) * (int)sizeof(*reg))
		return fail(e, "dtb", "%s: reg is %d bytes, less than one (%d+%d)-cell entry", name,
			    reg ? len : 0, ac, sc);
	for (int level = n->depth - 1; level > 0; level--) {
		int p = n->anc[level];
		const void *ranges = fdt_getprop(fdt, p, "ranges", &len);
		if (!ranges || len)
			return fail(e, "dtb", "%s: parent %s %s", name, fdt_get_name(fdt, p, NULL),
				    ranges ? "translates addresses (non-empty ranges)"
					   : "has no ranges: not a CPU address");
	}
	*addr = dt_read_cells(reg, ac);
	return 0;
}

static int u32_prop(const void *fdt, int node, const char *prop, uint32_t dflt, uint32_t *v)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);
	if (!p) {
		*v = dflt;
		return 0;
	}
	if (len != (int)sizeof(*p))
		return -1;
	*v = fdt32_to_cpu(*p);
	return 0;
}

/* The 8250 binding: "reg-shift" (default 0), "reg-io-width" (1 or 4,
 * default 1), "clock-frequency". The UART: the enabled ns16550a (or
 * ns16550) that /chosen/stdout-path names, else the first. */
int rom_dt_uart(const void *fdt, const struct dt_index *ix, struct rom_uart *u, struct error *e)
{
	const struct dt_node *n = dt_stdout_uart(fdt, ix, &ix->ns16550);
	if (!n)
		return fail(e, "dtb", "no ns16550a UART (stdout-path or compatible)");
	int node = n->node;
	const char *name = fdt_get_name(fdt, node, NULL);
	if (node_address(fdt, n, &u->base, e))
		return -1;
	if (u32_prop(fdt, node, "reg-shift", 0, &u->reg_shift) || u->reg_shift > 2)
		return fail(e, "dtb", "%s: reg-shift is not 0, 1 or 2", name);
	if (u32_prop(fdt, node, "reg-io-width", 1, &u->io_width) ||
	    (u->io_width != 1 && u->io_width != 4))
		return fail(e, "dtb", "%s: reg-io-width is not 1 or 4", name);
	if (u32_prop(fdt, node, "clock-frequency", 0, &u->clock_hz))
		return fail(e, "dtb", "%s: clock-frequency is not one cell", name);
	return 0;
}

/* The riscv,cpu-intc binding: "#interrupt-cells" 1, the cell the mcause
 * interrupt number; 3 is "Machine software interrupt". */
#define IRQ_M_SOFT 3
#define CPU_INTC_CELLS 1
/* The SiFive CLINT and the ACLINT MSWI: "MSIP" registers, 4 bytes each,
 * one per hart in the order interrupts-extended lists the harts'
 * machine software interrupts; bit 0 raises it. */
#define MSIP_BYTES 4

/* One MSWI's harts: the hart behind each machine software interrupt of
 * its interrupts-extended (the cpu-intc's parent /cpus child). */
static int mswi_harts(const void *fdt, const struct dt_index *ix, int node, uint64_t base,
		      struct rom_msip *m, size_t max, size_t *n, struct error *e)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (!p || len % (int)sizeof(*p))
		return fail(e, "dtb", "%s: interrupts-extended is %d bytes", name, p ? len : 0);
	int cells = len / (int)sizeof(*p);
	uint64_t index = 0;
	for (int i = 0; i + 1 + CPU_INTC_CELLS <= cells; i += 1 + CPU_INTC_CELLS) {
		/* The riscv,cpu-intc dt_open found with that phandle. */
		uint32_t ph = fdt32_to_cpu(p[i]);
		const struct dt_intc *ci = NULL;
		for (size_t k = 0; k < ix->n_intc && k < DT_MAX_INTC && !ci; k++)
			if (ph && ph != UINT32_MAX && ix->intc[k].phandle == ph)
				ci = &ix->intc[k];
		int intc = ci ? ci->node : -1, ic;
		const fdt32_t *icp = intc >= 0 ? fdt_getprop(fdt, intc, "#interrupt-cells", &ic) : NULL;
		if (!icp || ic != (int)sizeof(*icp) || fdt32_to_cpu(*icp) != CPU_INTC_CELLS)
			return fail(e, "dtb", "%s: interrupts-extended entry %d is not a riscv,cpu-intc "
				    "of %d cell", name, i, CPU_INTC_CELLS);
		if (fdt32_to_cpu(p[i + 1]) != IRQ_M_SOFT)
			continue;
		int cpu = ci->parent, rl;
		const fdt32_t *reg = cpu >= 0 ? fdt_getprop(fdt, cpu, "reg", &rl) : NULL;
		if (!reg || (rl != (int)sizeof(*reg) && rl != 2 * (int)sizeof(*reg)))
			return fail(e, "dtb", "%s: interrupt %d's cpu has no hart id", name, i);
		if (*n == max)
			return fail(e, "dtb", "more than %zu harts with a machine software interrupt", max);
		m[(*n)++] = (struct rom_msip){ dt_read_cells(reg, rl / (int)sizeof(*reg)),
					       base + index * MSIP_BYTES };
		index++;
	}
	return 0;
}

int rom_dt_msips(const void *fdt, const struct dt_index *ix, struct rom_msip *m, size_t max,
		 size_t *n, struct error *e)
{
	*n = 0;
	if (ix->n_mswi > DT_MAX_MSWI)
		return fail(e, "dtb", "%zu riscv,clint0 or riscv,aclint-mswi devices: the shim reads "
			    "%d", ix->n_mswi, DT_MAX_MSWI);
	if (ix->n_intc > DT_MAX_INTC)
		return fail(e, "dtb", "%zu riscv,cpu-intc nodes: the shim reads %d", ix->n_intc,
			    DT_MAX_INTC);
	for (size_t i = 0; i < ix->n_mswi; i++) {
		uint64_t base;
		if (node_address(fdt, &ix->mswi[i], &base, e) ||
		    mswi_harts(fdt, ix, ix->mswi[i].node, base, m, max, n, e))
			return -1;
	}
	return 0;
}
