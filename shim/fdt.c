#include "fdt.h"
#include "fmt.h"

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

uint64_t dt_read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_ld(p + i);
	return v;
}

bool dt_node_enabled(const void *fdt, int node)
{
	int slen;
	const char *status = fdt_getprop(fdt, node, "status", &slen);
	return !status || (slen == 5 && !memcmp(status, "okay", 5)) ||
	       (slen == 3 && !memcmp(status, "ok", 3));
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
		if (memmap_add(m, dt_read_cells(p, ac), dt_read_cells(p + ac, sc), type, e))
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
		if (!dt_node_enabled(fdt, node))
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
	if (!dt_node_enabled(fdt, node))
		return false;
	int parent = fdt_parent_offset(fdt, node), len;
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || len < ac * 4)
		return false;
	/* Addresses are taken as CPU addresses: no "ranges" translation, as
	 * on QEMU's virt machine where the UART sits at the root. */
	*base = dt_read_cells(reg, ac);
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

/* ---------------------------------------------------------------- TPM */

#define TPM_TIS_MMIO "tcg,tpm-tis-mmio"

/* A node's name for messages: "/" for the root. */
static const char *node_name(const void *fdt, int node)
{
	const char *n = fdt_get_name(fdt, node, NULL);
	return !n ? "?" : n[0] ? n : "/";
}

/* The #address-cells and #size-cells a bus gives its children's reg and
 * ranges: the Devicetree Specification's defaults (2 and 1, section 2.3.5)
 * when absent; one or two address cells and up to two size cells, which
 * is what a 64-bit address and size need. */
static int bus_cells(const void *fdt, int bus, int *ac, int *sc, struct error *e)
{
	static const char *const names[2] = { "#address-cells", "#size-cells" };
	const int dflt[2] = { 2, 1 }, lo[2] = { 1, 0 };
	int *out[2] = { ac, sc };
	for (int i = 0; i < 2; i++) {
		int len;
		const fdt32_t *p = fdt_getprop(fdt, bus, names[i], &len);
		*out[i] = dflt[i];
		if (!p)
			continue;
		if (len != 4)
			return fail(e, "tpm", "%s: %s is %d bytes, not one cell",
				    node_name(fdt, bus), names[i], len);
		uint32_t v = fdt32_ld(p);
		if (v < (uint32_t)lo[i] || v > 2)
			return fail(e, "tpm", "%s: %s %u is outside %d..2", node_name(fdt, bus),
				    names[i], v, lo[i]);
		*out[i] = (int)v;
	}
	return 0;
}

/* Translate [*addr, *end) from the address space of `bus`'s children
 * (ac, sc: bus's cells) up to the root's, through each ancestor's ranges
 * (Devicetree Specification 2.3.8): an empty ranges maps 1:1, a missing
 * one means the bus is not memory-mapped at all. */
static int translate(const void *fdt, const char *path, int bus, int ac, int sc,
		     uint64_t *addr, uint64_t *end, struct error *e)
{
	while (bus != 0) {
		int up = fdt_parent_offset(fdt, bus), pac, psc, len;
		if (up < 0)
			return fail(e, "tpm", "%s: the parent of %s: %s", path,
				    node_name(fdt, bus), fdt_strerror(up));
		if (bus_cells(fdt, up, &pac, &psc, e))
			return -1;
		const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);
		if (!r)
			return fail(e, "tpm", "%s: %s has no ranges: its children are not "
				    "memory-mapped", path, node_name(fdt, bus));
		if (len) {
			int cells = ac + pac + sc;
			if (len % (cells * 4))
				return fail(e, "tpm", "%s: ranges is %d bytes, not a multiple of "
					    "%d (#address-cells %d, the parent's %d, "
					    "#size-cells %d)", node_name(fdt, bus), len,
					    cells * 4, ac, pac, sc);
			bool hit = false;
			for (int i = 0; i < len / (cells * 4) && !hit; i++) {
				const fdt32_t *p = r + i * cells;
				uint64_t child = dt_read_cells(p, ac);
				uint64_t parent = dt_read_cells(p + ac, pac);
				uint64_t size = dt_read_cells(p + ac + pac, sc);
				if (*addr < child || *end - child > size)
					continue;
				uint64_t a, n;
				if (__builtin_add_overflow(parent, *addr - child, &a) ||
				    __builtin_add_overflow(a, *end - *addr, &n))
					return fail(e, "tpm", "%s: ranges entry %d of %s maps "
						    "0x%llx past 2^64", path, i,
						    node_name(fdt, bus),
						    (unsigned long long)*addr);
				*addr = a;
				*end = n;
				hit = true;
			}
			if (!hit)
				return fail(e, "tpm", "%s: 0x%llx..0x%llx lies in no ranges entry "
					    "of %s", path, (unsigned long long)*addr,
					    (unsigned long long)*end, node_name(fdt, bus));
		}
		bus = up;
		ac = pac;
		sc = psc;
	}
	return 0;
}

int dt_find_tpm(const void *fdt, struct dt_tpm *tpm, struct error *e)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, TPM_TIS_MMIO);
	while (node >= 0 && !dt_node_enabled(fdt, node))
		node = fdt_node_offset_by_compatible(fdt, node, TPM_TIS_MMIO);
	if (node == -FDT_ERR_NOTFOUND)
		return 1;
	if (node < 0)
		return fail(e, "tpm", "looking for %s: %s", TPM_TIS_MMIO, fdt_strerror(node));
	int err = fdt_get_path(fdt, node, tpm->path, sizeof(tpm->path));
	if (err)
		return fail(e, "tpm", "the path of the %s node %s: %s", TPM_TIS_MMIO,
			    node_name(fdt, node), fdt_strerror(err));
	/* dt_patch finds the node again by this path: a name with a '/' in
	 * it would lead elsewhere, and the boot would then fail there. */
	if (fdt_path_offset(fdt, tpm->path) != node)
		return fail(e, "tpm", "%s: the path does not lead back to the node", tpm->path);
	int bus = fdt_parent_offset(fdt, node), ac, sc, len;
	if (bus < 0)
		return fail(e, "tpm", "%s: the root node cannot be the TPM", tpm->path);
	if (bus_cells(fdt, bus, &ac, &sc, e))
		return -1;
	if (sc == 0)
		return fail(e, "tpm", "%s: #size-cells 0 in %s: reg has no size", tpm->path,
			    node_name(fdt, bus));
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return fail(e, "tpm", "%s: no reg property", tpm->path);
	if (len < (ac + sc) * 4)
		return fail(e, "tpm", "%s: reg is %d bytes, less than one address and size "
			    "(%d + %d cells)", tpm->path, len, ac, sc);
	uint64_t addr = dt_read_cells(reg, ac), size = dt_read_cells(reg + ac, sc), end;
	if (!size)
		return fail(e, "tpm", "%s: reg size is 0", tpm->path);
	if (!range_end(addr, size, &end))
		return fail(e, "tpm", "%s: reg 0x%llx size 0x%llx runs past 2^64", tpm->path,
			    (unsigned long long)addr, (unsigned long long)size);
	if (translate(fdt, tpm->path, bus, ac, sc, &addr, &end, e))
		return -1;
	tpm->base = addr;
	tpm->size = size;
	return 0;
}

/* What patch_tpm_log adds: linux,sml-base and linux,sml-size (each a tag,
 * a length and a name offset, then the value; the names in the strings
 * block) and one /memreserve/ entry. */
#define FDT_PROP_HEADER 12
#define FDT_RSV_ENTRY 16
#define TPM_LOG_BYTES                                                                   \
	(2 * FDT_PROP_HEADER + sizeof(uint64_t) + sizeof("linux,sml-base") +          \
	 sizeof(uint32_t) + sizeof("linux,sml-size") + FDT_RSV_ENTRY)

uint64_t dt_used_size(const void *fdt)
{
	uint64_t end = (uint64_t)fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt);
	uint64_t strings = (uint64_t)fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt);
	int n = fdt_num_mem_rsv(fdt);
	/* The reservation map ends with an all-zero entry. */
	uint64_t rsv = fdt_off_mem_rsvmap(fdt) +
		       (uint64_t)(n < 0 ? 0 : n + 1) * sizeof(struct fdt_reserve_entry);
	if (strings > end)
		end = strings;
	if (rsv > end)
		end = rsv;
	if (end < fdt_header_size(fdt))
		end = fdt_header_size(fdt);
	return end < fdt_totalsize(fdt) ? end : fdt_totalsize(fdt);
}

uint64_t dt_patched_size(uint64_t orig_size, const struct dt_chosen *c)
{
	/* Property headers, names and padding for what dt_patch adds. */
	return orig_size + strlen(c->bootargs) + 1 + c->seed_len + 1024 +
	       (c->tpm_node ? TPM_LOG_BYTES : 0);
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

/* The event log for drivers/char/tpm/eventlog/of.c: both properties big
 * endian (sml-base a u64, sml-size a u32), read from the TPM's node; the
 * log copied from __va(base), so the memory stays in the linear map: a
 * /memreserve/, not a no-map reservation. */
static int patch_tpm_log(void *fdt, const struct dt_chosen *c)
{
	int node = fdt_path_offset(fdt, c->tpm_node);
	if (node < 0)
		return node;
	int err = fdt_setprop_u64(fdt, node, "linux,sml-base", c->tpm_log_base);
	if (!err)
		err = fdt_setprop_u32(fdt, node, "linux,sml-size", c->tpm_log_size);
	if (!err)
		err = fdt_add_mem_rsv(fdt, c->tpm_log_base, c->tpm_log_size);
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
	/* Start with the bytes the original uses plus a little and grow on
	 * NOSPACE, as the kernel's EFI stub does, up to what the caller
	 * reserved. Only the used bytes are copied: fdt_open_into would move
	 * the whole totalsize (QEMU's 1 MiB, of which 8 KiB are used), so it
	 * opens the copy in place. */
	uint64_t used = dt_used_size(orig), size = used + 256;
	int err;
	const char *what;
	for (;;) {
		if (size > bufsize)
			size = bufsize;
		what = "/chosen";
		err = size < used ? -FDT_ERR_NOSPACE : 0;
		if (!err) {
			memcpy(buf, orig, used);
			fdt_set_totalsize(buf, (uint32_t)used);
			err = fdt_open_into(buf, buf, (int)size);
		}
		if (!err)
			err = patch_chosen(buf, c, ac);
		if (!err && c->tpm_node) {
			what = c->tpm_node;
			err = patch_tpm_log(buf, c);
		}
		if (err != -FDT_ERR_NOSPACE || size == bufsize)
			break;
		size *= 2;
	}
	if (!err)
		err = fdt_check_full(buf, fdt_totalsize(buf));
	if (err)
		return fail(e, "dtb", "patching %s: %s (buffer %llu bytes)", what, fdt_strerror(err),
			    (unsigned long long)size);
	return 0;
}

/* ------------------------------------------- shim.rom at EL3: PSCI */

/* A /cpus child's MPIDR: reg with /cpus's #address-cells (1 or 2). */
static int cpu_mpidr(const void *fdt, int cpus, int node, uint64_t *mpidr, struct error *e)
{
	int ac, len;
	if (cells(fdt, cpus, "#address-cells", 2, e, &ac))
		return -1;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (ac < 1 || !reg || len < ac * 4)
		return fail(e, "dtb", "/cpus/%s: reg is %d bytes, not an MPIDR of %d cells",
			    node_name(fdt, node), reg ? len : 0, ac);
	*mpidr = dt_read_cells(reg, ac);
	return 0;
}

bool dt_is_cpu(const void *fdt, int node)
{
	int len;
	const char *t = fdt_getprop(fdt, node, "device_type", &len);
	return t && len == 4 && !memcmp(t, "cpu", 4);
}

int dt_cpus(const void *fdt, uint64_t *mpidr, size_t max, size_t *n, struct error *e)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;
	*n = 0;
	if (cpus < 0)
		return fail(e, "dtb", "no /cpus node");
	fdt_for_each_subnode(node, fdt, cpus) {
		uint64_t m;
		if (!dt_is_cpu(fdt, node))
			continue;
		if (cpu_mpidr(fdt, cpus, node, &m, e))
			return -1;
		if (*n < max)
			mpidr[*n] = m;
		(*n)++;
	}
	return 0;
}

/* Node names of what dt_add_psci adds. */
#define PSCI_NODE "psci"
#define FW_RESERVED_NAME "bootshim-el3"
static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";

static int add_psci_node(void *fdt)
{
	int node = fdt_path_offset(fdt, "/" PSCI_NODE);
	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, 0, PSCI_NODE);
	if (node < 0)
		return node;
	int err = fdt_setprop(fdt, node, "compatible", psci_compat, sizeof(psci_compat));
	if (!err)
		err = fdt_setprop_string(fdt, node, "method", "smc");
	/* PSCI 0.1's own function IDs, if some earlier DTB had them: the
	 * 0.2+ IDs are fixed, and these would be taken instead. */
	static const char *const old[] = { "cpu_suspend", "cpu_off", "cpu_on", "migrate" };
	for (size_t i = 0; !err && i < ARRAY_SIZE(old); i++) {
		err = fdt_delprop(fdt, node, old[i]);
		if (err == -FDT_ERR_NOTFOUND)
			err = 0;
	}
	return err;
}

static int set_enable_methods(void *fdt, const uint64_t *psci_cpus, size_t n, struct error *e)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;
	if (cpus < 0)
		return fail(e, "dtb", "no /cpus node");
	fdt_for_each_subnode(node, fdt, cpus) {
		uint64_t m;
		if (!dt_is_cpu(fdt, node))
			continue;
		if (cpu_mpidr(fdt, cpus, node, &m, e))
			return -1;
		bool ours = false;
		for (size_t i = 0; i < n && !ours; i++)
			ours = psci_cpus[i] == m;
		if (!ours)
			continue;
		/* Setting a property may move the nodes after it: node stays
		 * valid (its offset is before the change). */
		int err = fdt_setprop_string(fdt, node, "enable-method", "psci");
		if (!err) {
			err = fdt_delprop(fdt, node, "cpu-release-addr");
			if (err == -FDT_ERR_NOTFOUND)
				err = 0;
		}
		if (err)
			return fail(e, "dtb", "/cpus/%s: enable-method: %s", node_name(fdt, node),
				    fdt_strerror(err));
	}
	return 0;
}

/* /reserved-memory/bootshim-el3@<base> { reg = <base size>; no-map; } */
static int add_fw_reserved(void *fdt, uint64_t base, uint64_t size, struct error *e)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	int rsv = fdt_path_offset(fdt, "/reserved-memory"), err = 0;
	if (rsv == -FDT_ERR_NOTFOUND) {
		rsv = fdt_add_subnode(fdt, 0, "reserved-memory");
		if (rsv >= 0)
			err = fdt_setprop_u32(fdt, rsv, "#address-cells", (uint32_t)ac);
		if (rsv >= 0 && !err)
			err = fdt_setprop_u32(fdt, rsv, "#size-cells", (uint32_t)sc);
		/* An empty ranges: the reserved-memory binding requires it. */
		if (rsv >= 0 && !err)
			err = fdt_setprop(fdt, rsv, "ranges", NULL, 0);
	} else if (rsv >= 0) {
		if (cells(fdt, rsv, "#address-cells", ac, e, &ac) ||
		    cells(fdt, rsv, "#size-cells", sc, e, &sc))
			return -1;
	}
	if (rsv < 0 || err)
		return fail(e, "dtb", "/reserved-memory: %s", fdt_strerror(rsv < 0 ? rsv : err));
	if (ac < 1 || sc < 1 || (ac == 1 && (base >> 32)) || (sc == 1 && (size >> 32)))
		return fail(e, "dtb", "/reserved-memory: 0x%llx+0x%llx does not fit #address-cells "
			    "%d, #size-cells %d", (unsigned long long)base,
			    (unsigned long long)size, ac, sc);
	char name[48];
	fmt_snprintf(name, sizeof(name), FW_RESERVED_NAME "@%llx", (unsigned long long)base);
	int node = fdt_subnode_offset(fdt, rsv, name);
	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, rsv, name);
	fdt32_t reg[4];
	int k = 0;
	if (ac == 2)
		reg[k++] = cpu_to_fdt32((uint32_t)(base >> 32));
	reg[k++] = cpu_to_fdt32((uint32_t)base);
	if (sc == 2)
		reg[k++] = cpu_to_fdt32((uint32_t)(size >> 32));
	reg[k++] = cpu_to_fdt32((uint32_t)size);
	err = node < 0 ? node : fdt_setprop(fdt, node, "reg", reg, k * 4);
	if (!err)
		err = fdt_setprop(fdt, node, "no-map", NULL, 0);
	if (err)
		return fail(e, "dtb", "/reserved-memory/%s: %s", name, fdt_strerror(err));
	return 0;
}

int dt_add_psci(void *fdt, uint64_t bufsize, const uint64_t *psci_cpus, size_t n,
		uint64_t fw_base, uint64_t fw_size, struct error *e)
{
	if (bufsize > DT_MAX_SIZE)
		bufsize = DT_MAX_SIZE;
	/* Only the used bytes move (see dt_patch). */
	fdt_set_totalsize(fdt, (uint32_t)dt_used_size(fdt));
	int err = fdt_open_into(fdt, fdt, (int)bufsize);
	if (!err)
		err = add_psci_node(fdt);
	if (err)
		return fail(e, "dtb", "adding /psci: %s (buffer %llu bytes)", fdt_strerror(err),
			    (unsigned long long)bufsize);
	if (set_enable_methods(fdt, psci_cpus, n, e) || add_fw_reserved(fdt, fw_base, fw_size, e))
		return -1;
	err = fdt_pack(fdt);
	if (!err)
		err = fdt_check_full(fdt, fdt_totalsize(fdt));
	if (err)
		return fail(e, "dtb", "after adding /psci: %s", fdt_strerror(err));
	return 0;
}

int dt_gpio_line(const void *fdt, const char *compat, uint64_t *pl061, uint32_t *pin,
		 struct error *e)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, compat), len;
	if (node == -FDT_ERR_NOTFOUND)
		return 1;
	if (node < 0)
		return fail(e, "dtb", "looking for %s: %s", compat, fdt_strerror(node));
	/* gpios = <&controller pin flags>: QEMU's PL061 has #gpio-cells 2. */
	const fdt32_t *g = fdt_getprop(fdt, node, "gpios", &len);
	if (!g || len != 12)
		return fail(e, "dtb", "%s: gpios is %d bytes, not <phandle pin flags>",
			    node_name(fdt, node), g ? len : 0);
	int ctl = fdt_node_offset_by_phandle(fdt, fdt32_ld(g));
	if (ctl < 0 || fdt_node_check_compatible(fdt, ctl, "arm,pl061"))
		return fail(e, "dtb", "%s: gpios phandle 0x%x is not an arm,pl061",
			    node_name(fdt, node), fdt32_ld(g));
	int ac = fdt_address_cells(fdt, fdt_parent_offset(fdt, ctl));
	const fdt32_t *reg = fdt_getprop(fdt, ctl, "reg", &len);
	if (ac < 1 || ac > 2 || !reg || len < ac * 4)
		return fail(e, "dtb", "%s: no reg to read", node_name(fdt, ctl));
	/* A PL061 has 8 lines. */
	if (fdt32_ld(g + 1) > 7)
		return fail(e, "dtb", "%s: gpio pin %u of a PL061 (0-7)", node_name(fdt, node),
			    fdt32_ld(g + 1));
	*pl061 = dt_read_cells(reg, ac);
	*pin = fdt32_ld(g + 1);
	return 0;
}
