/* What shim.rom reads from the DTB QEMU built, as the first code: the
 * harts (the hold pen waits for them; OpenSBI sizes its stacks by them)
 * and the console UART. Every property is checked before use. */
#include <libfdt.h>

#include "error.h"
#include "rom.h"

/* OpenSBI 1.1, include/sbi/sbi_hartmask.h: SBI_HARTMASK_MAX_BITS. Its
 * generic platform skips /cpus children with a larger hart id
 * (fw_platform_init: "if (SBI_HARTMASK_MAX_BITS <= hartid) continue;"). */
#define OPENSBI_MAX_HARTID 128

static bool enabled(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);
	/* Devicetree spec: "okay" (or the older "ok"), or no status. */
	return !s || (len >= 2 && !memcmp(s, "ok", 2));
}

static bool is_cpu(const void *fdt, int node)
{
	int len;
	const char *t = fdt_getprop(fdt, node, "device_type", &len);
	return t && len == 4 && !memcmp(t, "cpu", 4);
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

int rom_dt_harts(const void *fdt, uint64_t *harts, uint64_t *opensbi_harts, struct error *e)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, len;
	if (cpus < 0)
		return fail(e, "dtb", "no /cpus node");
	/* The riscv cpus binding: "#address-cells" 1 and reg the hart id. */
	int ac = fdt_address_cells(fdt, cpus);
	if (ac != 1 && ac != 2)
		return fail(e, "dtb", "/cpus #address-cells %d is not 1 or 2", ac);
	*harts = *opensbi_harts = 0;
	fdt_for_each_subnode(node, fdt, cpus) {
		if (!is_cpu(fdt, node) || !enabled(fdt, node))
			continue;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len != ac * 4)
			return fail(e, "dtb", "/cpus/%s: reg is %d bytes, not a hart id of %d cells",
				    fdt_get_name(fdt, node, NULL), reg ? len : 0, ac);
		(*harts)++;
		if (read_cells(reg, ac) < OPENSBI_MAX_HARTID)
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
static int node_address(const void *fdt, int node, uint64_t *addr, struct error *e)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	int parent = fdt_parent_offset(fdt, node), len;
	if (parent < 0)
		return fail(e, "dtb", "%s: no parent", name);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return fail(e, "dtb", "%s: parent #address-cells %d, #size-cells %d", name, ac, sc);
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (ac + sc) * 4)
		return fail(e, "dtb", "%s: reg is %d bytes, less than one (%d+%d)-cell entry", name,
			    reg ? len : 0, ac, sc);
	for (int p = parent; p > 0; p = fdt_parent_offset(fdt, p)) {
		const void *ranges = fdt_getprop(fdt, p, "ranges", &len);
		if (!ranges || len)
			return fail(e, "dtb", "%s: parent %s %s", name, fdt_get_name(fdt, p, NULL),
				    ranges ? "translates addresses (non-empty ranges)"
					   : "has no ranges: not a CPU address");
	}
	*addr = read_cells(reg, ac);
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
	if (len != 4)
		return -1;
	*v = fdt32_to_cpu(*p);
	return 0;
}

static bool is_ns16550(const void *fdt, int node)
{
	return !fdt_node_check_compatible(fdt, node, "ns16550a") ||
	       !fdt_node_check_compatible(fdt, node, "ns16550");
}

/* The 8250 binding: "reg-shift" (default 0), "reg-io-width" (1 or 4,
 * default 1), "clock-frequency". */
int rom_dt_uart(const void *fdt, struct rom_uart *u, struct error *e)
{
	int node = -1, len;
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *path = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : NULL;
	if (path && len > 0) {
		/* "stdout-path": a path or an alias, options after a ':'. */
		const char *end = memchr(path, ':', (size_t)len);
		if (!end)
			end = memchr(path, '\0', (size_t)len);
		int n = end ? (int)(end - path) : len;
		if (path[0] != '/') {
			/* An alias: its value, NUL-terminated within the
			 * property, is the path. */
			int aliases = fdt_path_offset(fdt, "/aliases"), alen;
			path = aliases >= 0 ? fdt_getprop_namelen(fdt, aliases, path, n, &alen) : NULL;
			end = path && alen > 0 ? memchr(path, '\0', (size_t)alen) : NULL;
			n = end ? (int)(end - path) : 0;
			if (!end)
				path = NULL;
		}
		if (path)
			node = fdt_path_offset_namelen(fdt, path, n);
		if (node >= 0 && (!is_ns16550(fdt, node) || !enabled(fdt, node)))
			node = -1;
	}
	if (node < 0) {
		for (node = fdt_node_offset_by_compatible(fdt, -1, "ns16550a"); node >= 0;
		     node = fdt_node_offset_by_compatible(fdt, node, "ns16550a"))
			if (enabled(fdt, node))
				break;
	}
	if (node < 0)
		return fail(e, "dtb", "no ns16550a UART (stdout-path or compatible)");
	const char *name = fdt_get_name(fdt, node, NULL);
	if (node_address(fdt, node, &u->base, e))
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
