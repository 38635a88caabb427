#include "fdt.h"

#include <libfdt.h>

int dt_check(const void *fdt, uint64_t avail, uint64_t *size, struct error *e)
{
	if (avail < sizeof(struct fdt_header))
		return fail(e, "dtb", "no room for a header (%llu bytes)", (unsigned long long)avail);
	int err = fdt_check_header(fdt);
	if (err)
		return fail(e, "dtb", "%s", fdt_strerror(err));
	/* libfdt checks property names against size_dt_strings only from
	 * version 17 on, and fdt_open_into makes an older blob version 17 as
	 * it stands: patching could then write names over names. QEMU, U-Boot
	 * and dtc all produce version 17. */
	if (fdt_version(fdt) < 17)
		return fail(e, "dtb", "version %u: bootshim needs version 17 or later",
			    fdt_version(fdt));
	uint64_t total = fdt_totalsize(fdt);
	if (total > avail || total > DT_MAX_SIZE)
		return fail(e, "dtb", "totalsize %llu exceeds the %llu bytes available (max 2 MiB)",
			    (unsigned long long)total,
			    (unsigned long long)(avail < DT_MAX_SIZE ? avail : DT_MAX_SIZE));
	err = fdt_check_full(fdt, total);
	if (err)
		return fail(e, "dtb", "%s", fdt_strerror(err));
	*size = total;
	return 0;
}

/* Read a big-endian number of `cells` 32-bit cells. */
static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_ld(p + i);
	return v;
}

/* Add every (address, size) pair of node's "reg" as `type`. */
static int add_reg(const void *fdt, int node, int ac, int sc, uint32_t type,
		   struct memmap *m, struct error *e)
{
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return 0;
	int stride = (ac + sc) * 4;
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return fail(e, "dtb", "%s: #address-cells %d / #size-cells %d",
			    fdt_get_name(fdt, node, NULL), ac, sc);
	if (len % stride)
		return fail(e, "dtb", "%s: reg is %d bytes, not a multiple of %d",
			    fdt_get_name(fdt, node, NULL), len, stride);
	for (int i = 0; i < len / stride; i++) {
		const fdt32_t *p = reg + i * (ac + sc);
		if (memmap_add(m, read_cells(p, ac), read_cells(p + ac, sc), type, e))
			return -1;
	}
	return 0;
}

static int cells(const void *fdt, int node, const char *name, int dflt, struct error *e,
		 int *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	*out = dflt;
	if (!p)
		return 0;
	if (len != 4)
		return fail(e, "dtb", "%s is %d bytes, not one cell", name, len);
	if (fdt32_ld(p) > 2)
		return fail(e, "dtb", "%s %u is not 1 or 2", name, fdt32_ld(p));
	*out = (int)fdt32_ld(p);
	return 0;
}

int dt_memory(const void *fdt, struct memmap *m, struct error *e)
{
	int ac, sc;
	/* The spec's defaults when the root leaves them out. */
	if (cells(fdt, 0, "#address-cells", 2, e, &ac) || cells(fdt, 0, "#size-cells", 1, e, &sc))
		return -1;
	if (ac == 0)
		return fail(e, "dtb", "#address-cells is 0");
	size_t ram = m->n;
	for (int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7);
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
		/* A disabled node (QEMU virt's secure-only RAM under secure=on)
		 * is not the kernel's. */
		int slen;
		const char *status = fdt_getprop(fdt, node, "status", &slen);
		if (status && !(slen == 5 && !memcmp(status, "okay", 5)) &&
		    !(slen == 3 && !memcmp(status, "ok", 3)))
			continue;
		if (add_reg(fdt, node, ac, sc, MEM_RAM, m, e))
			return -1;
	}
	if (m->n == ram)
		return fail(e, "dtb", "no /memory node with a reg property");

	int rsv = fdt_path_offset(fdt, "/reserved-memory");
	if (rsv >= 0) {
		int rac, rsc;
		if (cells(fdt, rsv, "#address-cells", ac, e, &rac) ||
		    cells(fdt, rsv, "#size-cells", sc, e, &rsc))
			return -1;
		int child;
		fdt_for_each_subnode(child, fdt, rsv)
			if (add_reg(fdt, child, rac, rsc, MEM_RESERVED, m, e))
				return -1;
	}
	int n = fdt_num_mem_rsv(fdt);
	for (int i = 0; i < n; i++) {
		uint64_t addr, size;
		if (fdt_get_mem_rsv(fdt, i, &addr, &size) == 0 &&
		    memmap_add(m, addr, size, MEM_RESERVED, e))
			return -1;
	}
	return 0;
}

static bool pl011_base(const void *fdt, int node, uint64_t *base)
{
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011"))
		return false;
	/* A disabled UART (QEMU virt's secure-only one) is not ours. */
	int slen;
	const char *status = fdt_getprop(fdt, node, "status", &slen);
	if (status && !(slen == 5 && !memcmp(status, "okay", 5)) &&
	    !(slen == 3 && !memcmp(status, "ok", 3)))
		return false;
	int parent = fdt_parent_offset(fdt, node), len;
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || len < ac * 4)
		return false;
	/* Addresses are taken as CPU addresses: no "ranges" translation, as
	 * on QEMU's virt machine where the UART sits at the root. */
	*base = read_cells(reg, ac);
	return true;
}

int dt_console_pl011(const void *fdt, uint64_t *base)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	const char *path = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : NULL;
	if (path && len > 0 && path[len - 1] == '\0') {
		/* "serial0:115200n8": the path or alias ends at ':'. */
		const char *colon = memchr(path, ':', (size_t)len);
		int plen = colon ? (int)(colon - path) : len - 1;
		int node = path[0] == '/' ? fdt_path_offset_namelen(fdt, path, plen)
					  : -1;
		if (path[0] != '/') {
			/* Only an absolute alias: libfdt resolves a relative one by
			 * recursion, which an alias naming itself never ends. */
			const char *alias = fdt_get_alias_namelen(fdt, path, plen);
			node = alias && alias[0] == '/' ? fdt_path_offset(fdt, alias) : -1;
		}
		if (pl011_base(fdt, node, base))
			return 0;
	}
	for (int node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "arm,pl011"))
		if (pl011_base(fdt, node, base))
			return 0;
	return -1;
}

char dt_psci_conduit(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/psci"), len;
	const char *m = node >= 0 ? fdt_getprop(fdt, node, "method", &len) : NULL;
	if (!m || len < 4)
		return 0;
	if (!memcmp(m, "hvc", 4))
		return 'h';
	if (!memcmp(m, "smc", 4))
		return 's';
	return 0;
}

uint64_t dt_patched_size(uint64_t orig_size, const struct dt_chosen *c)
{
	/* Property headers, names and padding for what dt_patch adds. */
	return orig_size + strlen(c->bootargs) + 1 + c->seed_len + 1024;
}

static int set_addr(void *fdt, int node, const char *name, uint64_t v, int ac)
{
	return ac == 1 ? fdt_setprop_u32(fdt, node, name, (uint32_t)v)
		       : fdt_setprop_u64(fdt, node, name, v);
}

/* drivers/firmware/efi/libstub/fdt.c: "Delete any memory nodes present.
 * The UEFI memory map is the only memory description", and the
 * memreserves with them. First, as the stub does, so that a /chosen that
 * (wrongly) calls itself memory is recreated rather than lost. The root
 * is never a candidate: dt_patch refuses a root that says it is memory. */
static int remove_memory(void *fdt)
{
	int node, err = 0;
	while (!err && (node = fdt_node_offset_by_prop_value(fdt, 0, "device_type", "memory",
							     7)) >= 0)
		err = fdt_del_node(fdt, node);
	while (!err && fdt_num_mem_rsv(fdt) > 0)
		err = fdt_del_mem_rsv(fdt, 0);
	return err;
}

static int uefi_props(void *fdt, int chosen, const struct dt_chosen *c)
{
	int err = fdt_setprop_u64(fdt, chosen, "linux,uefi-system-table", c->uefi_systab);
	if (!err)
		err = fdt_setprop_u64(fdt, chosen, "linux,uefi-mmap-start", c->uefi_mmap);
	if (!err)
		err = fdt_setprop_u32(fdt, chosen, "linux,uefi-mmap-size", c->uefi_mmap_size);
	if (!err)
		err = fdt_setprop_u32(fdt, chosen, "linux,uefi-mmap-desc-size", c->uefi_desc_size);
	if (!err)
		err = fdt_setprop_u32(fdt, chosen, "linux,uefi-mmap-desc-ver", c->uefi_desc_ver);
	if (!err)
		err = fdt_setprop_u32(fdt, chosen, "linux,uefi-secure-boot", c->uefi_secure_boot);
	return err;
}

int dt_update_uefi_mmap(void *fdt, const struct dt_chosen *c, struct error *e)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	int err = chosen < 0 ? chosen : 0;
	if (!err)
		err = fdt_setprop_inplace_u64(fdt, chosen, "linux,uefi-mmap-start", c->uefi_mmap);
	if (!err)
		err = fdt_setprop_inplace_u32(fdt, chosen, "linux,uefi-mmap-size", c->uefi_mmap_size);
	if (!err)
		err = fdt_setprop_inplace_u32(fdt, chosen, "linux,uefi-mmap-desc-size",
					      c->uefi_desc_size);
	if (!err)
		err = fdt_setprop_inplace_u32(fdt, chosen, "linux,uefi-mmap-desc-ver",
					      c->uefi_desc_ver);
	if (err)
		return fail(e, "dtb", "updating the UEFI memory map: %s", fdt_strerror(err));
	return 0;
}

static int patch_chosen(void *fdt, const struct dt_chosen *c, int ac)
{
	if (c->uefi_systab) {
		int err = remove_memory(fdt);
		if (err)
			return err;
	}
	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0)
		return chosen;
	int err = fdt_setprop_string(fdt, chosen, "bootargs", c->bootargs);
	if (!err && c->initrd_end > c->initrd_start) {
		err = set_addr(fdt, chosen, "linux,initrd-start", c->initrd_start, ac);
		if (!err)
			err = set_addr(fdt, chosen, "linux,initrd-end", c->initrd_end, ac);
	}
	if (!err && c->seed) {
		err = fdt_setprop(fdt, chosen, "rng-seed", c->seed, (int)c->seed_len);
		if (!err)
			err = fdt_setprop_u64(fdt, chosen, "kaslr-seed", c->kaslr_seed);
	}
	if (!err && c->uefi_systab)
		err = uefi_props(fdt, chosen, c);
	return err;
}

int dt_patch(const void *orig, void *buf, uint64_t bufsize, const struct dt_chosen *c,
	     struct error *e)
{
	if (bufsize > DT_MAX_SIZE)
		bufsize = DT_MAX_SIZE;
	int ac = fdt_address_cells(orig, 0);
	if (ac != 1 && ac != 2)
		return fail(e, "dtb", "root #address-cells %d is not 1 or 2", ac);
	int tlen;
	const char *type = fdt_getprop(orig, 0, "device_type", &tlen);
	if (c->uefi_systab && type && tlen == 7 && !memcmp(type, "memory", 7))
		return fail(e, "dtb", "the root node has device_type \"memory\"");
	if (ac == 1 && c->initrd_end > UINT32_MAX)
		return fail(e, "dtb", "initrd end 0x%llx does not fit #address-cells 1",
			    (unsigned long long)c->initrd_end);
	/* Start with the original size plus a little and grow on NOSPACE,
	 * as the kernel's EFI stub does, up to what the caller reserved. */
	uint64_t size = fdt_totalsize(orig) + 256;
	int err;
	for (;;) {
		if (size > bufsize)
			size = bufsize;
		err = fdt_open_into(orig, buf, (int)size);
		if (!err)
			err = patch_chosen(buf, c, ac);
		if (err != -FDT_ERR_NOSPACE || size == bufsize)
			break;
		size *= 2;
	}
	if (!err)
		err = fdt_check_full(buf, fdt_totalsize(buf));
	if (err)
		return fail(e, "dtb", "patching /chosen: %s (buffer %llu bytes)", fdt_strerror(err),
			    (unsigned long long)size);
	return 0;
}
