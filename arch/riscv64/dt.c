/* What the riscv64 entries read from the DTB beyond shim/fdt.c's memory
 * and /chosen: the time CSR's rate, a hart's ISA extensions, QEMU's test
 * device. Pure functions over a DTB dt_check has accepted; the unit tests
 * run them on DTBs dumped from QEMU's virt machine. */
#include "riscv64.h"

#include <libfdt.h>

#include "fdt.h"

/* A property of one or two cells as a number; -1 on any other length. */
static int read_number(const void *fdt, int node, const char *name, uint64_t *v)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	if (!p || (len != 4 && len != 8))
		return -1;
	*v = len == 4 ? fdt32_ld(p) : (uint64_t)fdt32_ld(p) << 32 | fdt32_ld(p + 1);
	return 0;
}

/* Documentation/devicetree/bindings/riscv/cpus.yaml: "timebase-frequency"
 * in /cpus (the kernel's riscv_timer reads it there); 0 is no rate. */
int riscv64_dt_timebase_ix(const void *fdt, const struct dt_index *ix, uint64_t *hz)
{
	int cpus = ix->cpus;
	if (cpus < 0 || read_number(fdt, cpus, "timebase-frequency", hz) || !*hz)
		return -1;
	return 0;
}

int riscv64_dt_timebase(const void *fdt, uint64_t *hz)
{
	struct dt_index ix;
	struct error e;
	return dt_scan(fdt, &ix, &e) ? -1 : riscv64_dt_timebase_ix(fdt, &ix, hz);
}

/* The /cpus child whose device_type is "cpu" and whose reg is the hart id. */
static int hart_node(const void *fdt, const struct dt_index *ix, uint64_t hartid)
{
	int cpus = ix->cpus, node;
	if (cpus < 0)
		return -1;
	fdt_for_each_subnode(node, fdt, cpus) {
		uint64_t reg;
		if (dt_is_cpu(fdt, node) && !read_number(fdt, node, "reg", &reg) && reg == hartid)
			return node;
	}
	return -1;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The n bytes at s equal ext, case-insensitively. */
static bool same_ext(const char *s, size_t n, const char *ext)
{
	size_t k = strlen(ext);
	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != ext[i])
			return false;
	return true;
}

bool riscv64_dt_hart_has_ext(const void *fdt, uint64_t hartid, const char *ext)
{
	struct dt_index ix;
	struct error e;
	return !dt_scan(fdt, &ix, &e) && riscv64_dt_hart_has_ext_ix(fdt, &ix, hartid, ext);
}

bool riscv64_dt_hart_has_ext_ix(const void *fdt, const struct dt_index *ix, uint64_t hartid,
				const char *ext)
{
	int node = hart_node(fdt, ix, hartid), len;
	if (node < 0)
		return false;
	/* riscv,isa-extensions: a string list, one extension per string. */
	const char *list = fdt_getprop(fdt, node, "riscv,isa-extensions", &len);
	if (list && len > 0) {
		for (int i = 0; i < len;) {
			const char *end = memchr(list + i, '\0', (size_t)(len - i));
			size_t n = end ? (size_t)(end - (list + i)) : (size_t)(len - i);
			if (same_ext(list + i, n, ext))
				return true;
			i += (int)n + 1;
		}
		return false;
	}
	/* riscv,isa (deprecated, what QEMU 7.2 writes): "rv64imafdc_zicsr_
	 * zifencei...": the single-letter extensions, then the multi-letter
	 * ones, each after an underscore. Only multi-letter ones are asked. */
	const char *isa = fdt_getprop(fdt, node, "riscv,isa", &len);
	if (!isa || len <= 0)
		return false;
	const char *end = memchr(isa, '\0', (size_t)len);
	size_t n = end ? (size_t)(end - isa) : (size_t)len;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || isa[i] == '_') {
			if (start && same_ext(isa + start, i - start, ext))
				return true;
			start = i + 1;
		}
	}
	return false;
}

/* QEMU's virt machine: "sifive,test1", "sifive,test0", "syscon" at
 * 0x100000 under /soc, whose "ranges" is empty (identity). A parent that
 * translates addresses is not followed: no device then. */
int riscv64_dt_test_device_ix(const void *fdt, const struct dt_index *ix, uint64_t *base)
{
	const struct dt_node *n = ix->test1.node >= 0 ? &ix->test1 : &ix->test0;
	if (n->node < 0 || n->depth == 0)
		return -1;
	for (int level = n->depth - 1; level > 0; level--) {
		int len;
		if (!fdt_getprop(fdt, n->anc[level], "ranges", &len) || len != 0)
			return -1;
	}
	int parent = n->anc[n->depth - 1];
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent), len;
	const fdt32_t *reg = fdt_getprop(fdt, n->node, "reg", &len);
	if (ac < 1 || ac > 2 || sc < 0 || !reg || len < ac * 4)
		return -1;
	*base = ac == 1 ? fdt32_ld(reg) : (uint64_t)fdt32_ld(reg) << 32 | fdt32_ld(reg + 1);
	return 0;
}

int riscv64_dt_test_device(const void *fdt, uint64_t *base)
{
	struct dt_index ix;
	struct error e;
	return dt_scan(fdt, &ix, &e) ? -1 : riscv64_dt_test_device_ix(fdt, &ix, base);
}
