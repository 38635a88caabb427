#include "fdt.h"
#include "fmt.h"

#include <libfdt.h>

/* The header checks of dt_check and dt_open; *total: the totalsize. */
static int check_header(const void *fdt, uint64_t avail, uint64_t *total, struct error *e)
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
	*total = fdt_totalsize(fdt);
	if (*total > avail || *total > DT_MAX_SIZE)
		return fail(e, "dtb", "totalsize %llu exceeds the %llu bytes available (max 2 MiB)",
			    (unsigned long long)*total,
			    (unsigned long long)(avail < DT_MAX_SIZE ? avail : DT_MAX_SIZE));
	return 0;
}

int dt_check(const void *fdt, uint64_t avail, uint64_t *size, struct error *e)
{
	uint64_t total;
	if (check_header(fdt, avail, &total, e))
		return -1;
	int err = fdt_check_full(fdt, total);
	if (err)
		return fail(e, "dtb", "%s", fdt_strerror(err));
	*size = total;
	return 0;
}

int dt_open(const void *fdt, uint64_t avail, uint64_t *size, struct dt_index *ix,
	    struct error *e)
{
	uint64_t total;
	if (check_header(fdt, avail, &total, e) || dt_scan(fdt, ix, e))
		return -1;
	*size = total;
	return 0;
}

/* -------------------------------------------------- the one walk */

/* The node whose properties the walk is reading: what it will be recorded
 * as is known at its first child or its end (properties come first). */
enum { P_OTHER, P_COMPAT, P_STATUS, P_TYPE, P_PHANDLE, P_LPHANDLE, P_KINDS };
struct scan_prop {
	const char *v; /* NULL: none */
	int len;
};
struct scan_node {
	int off, level; /* level: its ancestors, stack[0..level-1] */
	struct scan_prop prop[P_KINDS];
};

/* Property names by their offset in the strings block, each resolved
 * (fdt_get_string, which checks it) once: dtc writes each name once, and
 * QEMU's arm64 tree has 219 properties of about 60 names. */
#define NAME_SLOTS 64
struct name_cache {
	int64_t off[NAME_SLOTS]; /* -1: empty */
	int8_t kind[NAME_SLOTS];
};

/* The P_ kind of the property named at nameoff; -1 if libfdt finds no
 * string there. */
static int prop_kind(const void *fdt, struct name_cache *nc, uint32_t nameoff)
{
	static const struct {
		const char *s;
		int len; /* with the NUL */
	} kinds[P_KINDS] = {
		[P_COMPAT] = { "compatible", sizeof("compatible") },
		[P_STATUS] = { "status", sizeof("status") },
		[P_TYPE] = { "device_type", sizeof("device_type") },
		[P_PHANDLE] = { "phandle", sizeof("phandle") },
		[P_LPHANDLE] = { "linux,phandle", sizeof("linux,phandle") },
	};
	unsigned slot = nameoff % NAME_SLOTS;
	if (nc->off[slot] == nameoff)
		return nc->kind[slot];
	if (nameoff > INT32_MAX)
		return -1;
	int len;
	const char *name = fdt_get_string(fdt, (int)nameoff, &len);
	if (!name)
		return -1;
	int kind = P_OTHER;
	for (int k = P_OTHER + 1; k < P_KINDS && kind == P_OTHER; k++)
		if (len + 1 == kinds[k].len && !memcmp(name, kinds[k].s, (size_t)len))
			kind = k;
	nc->off[slot] = nameoff;
	nc->kind[slot] = (int8_t)kind;
	return kind;
}

/* fdt_get_phandle's rule: "phandle", else "linux,phandle", one cell; 0:
 * none. */
static uint32_t scan_phandle(const struct scan_node *c)
{
	const struct scan_prop *p = &c->prop[P_PHANDLE], *l = &c->prop[P_LPHANDLE];
	if (p->v && p->len == 4)
		return fdt32_ld((const fdt32_t *)p->v);
	if (l->v && l->len == 4)
		return fdt32_ld((const fdt32_t *)l->v);
	return 0;
}

static void node_none(struct dt_node *n)
{
	n->node = -1;
	n->depth = 0;
}

static void node_set(struct dt_node *n, const struct scan_node *c, const int *stack)
{
	n->node = c->off;
	n->depth = c->level;
	memcpy(n->anc, stack, (size_t)c->level * sizeof(*stack));
}

/* The compatible strings dt_scan records, as bits of a node's mask. */
enum {
	C_PL011, C_NS16550A, C_NS16550, C_TPM, C_GIC_V3, C_GIC_V2, C_GPIO_OFF, C_GPIO_RESTART,
	C_TEST1, C_TEST0, C_PL061, C_CLINT0, C_SIFIVE_CLINT0, C_ACLINT_MSWI, C_CPU_INTC, C_COUNT
};
static const struct {
	const char *s;
	size_t len; /* with the NUL */
} compats[C_COUNT] = {
#define C(id, str) [id] = { str, sizeof(str) }
	C(C_PL011, "arm,pl011"),
	C(C_NS16550A, "ns16550a"),
	C(C_NS16550, "ns16550"),
	C(C_TPM, "tcg,tpm-tis-mmio"),
	C(C_GIC_V3, "arm,gic-v3"),
	C(C_GIC_V2, "arm,cortex-a15-gic"),
	C(C_GPIO_OFF, "gpio-poweroff"),
	C(C_GPIO_RESTART, "gpio-restart"),
	C(C_TEST1, "sifive,test1"),
	C(C_TEST0, "sifive,test0"),
	C(C_PL061, "arm,pl061"),
	C(C_CLINT0, "riscv,clint0"),
	C(C_SIFIVE_CLINT0, "sifive,clint0"),
	C(C_ACLINT_MSWI, "riscv,aclint-mswi"),
	C(C_CPU_INTC, "riscv,cpu-intc"),
#undef C
};

/* Which of compats[] the stringlist holds (fdt_stringlist_contains's
 * rule: whole NUL-terminated strings; a last one without its NUL is not
 * one), in one pass over it. */
static uint32_t compat_mask(const char *list, int len)
{
	uint32_t mask = 0;
	while (len > 0) {
		const char *end = memchr(list, '\0', (size_t)len);
		if (!end)
			break;
		size_t n = (size_t)(end - list) + 1;
		for (int i = 0; i < C_COUNT; i++)
			if (compats[i].len == n && !memcmp(compats[i].s, list, n))
				mask |= 1u << i;
		list += n;
		len -= (int)n;
	}
	return mask;
}

static void first_compat(struct dt_node *n, const struct scan_node *c, const int *stack,
			 uint32_t mask, int id)
{
	if (n->node < 0 && (mask & (1u << id)))
		node_set(n, c, stack);
}

static void add_uart(struct dt_uarts *us, const struct scan_node *c, const int *stack)
{
	if (us->n < DT_MAX_UARTS)
		node_set(&us->u[us->n++], c, stack);
}

static bool status_okay(const char *status, int slen)
{
	return !status || (slen == 5 && !memcmp(status, "okay", 5)) ||
	       (slen == 3 && !memcmp(status, "ok", 3));
}

/* Record c where it belongs, now that all its properties are read. */
static int scan_finish(struct dt_index *ix, const struct scan_node *c, const int *stack,
		       struct error *e)
{
	const struct scan_prop *status = &c->prop[P_STATUS], *type = &c->prop[P_TYPE];
	const struct scan_prop *compat = &c->prop[P_COMPAT];
	bool enabled = status_okay(status->v, status->len);
	if (enabled && type->v && type->len == 7 && !memcmp(type->v, "memory", 7)) {
		if (ix->n_memory == DT_MAX_MEMORY)
			return fail(e, "dtb", "more than %d /memory nodes", DT_MAX_MEMORY);
		ix->memory[ix->n_memory++] = c->off;
	}
	if (!compat->v)
		return 0;
	uint32_t mask = compat_mask(compat->v, compat->len);
	if (!mask)
		return 0;
	if (enabled) {
		if (mask & (1u << C_PL011))
			add_uart(&ix->pl011, c, stack);
		if (mask & (1u << C_NS16550A | 1u << C_NS16550))
			add_uart(&ix->ns16550, c, stack);
		first_compat(&ix->tpm, c, stack, mask, C_TPM);
		if (mask & (1u << C_CLINT0 | 1u << C_SIFIVE_CLINT0 | 1u << C_ACLINT_MSWI) &&
		    ix->n_mswi++ < DT_MAX_MSWI)
			node_set(&ix->mswi[ix->n_mswi - 1], c, stack);
	}
	if ((mask & (1u << C_CPU_INTC)) && ix->n_intc++ < DT_MAX_INTC)
		ix->intc[ix->n_intc - 1] = (struct dt_intc){
			.node = c->off,
			.parent = c->level ? stack[c->level - 1] : -1,
			.phandle = scan_phandle(c),
		};
	if ((mask & (1u << C_PL061)) && ix->n_pl061 < DT_MAX_PL061) {
		node_set(&ix->pl061[ix->n_pl061], c, stack);
		ix->pl061_phandle[ix->n_pl061++] = scan_phandle(c);
	}
	first_compat(&ix->gic_v3, c, stack, mask, C_GIC_V3);
	first_compat(&ix->gic_v2, c, stack, mask, C_GIC_V2);
	first_compat(&ix->gpio_poweroff, c, stack, mask, C_GPIO_OFF);
	first_compat(&ix->gpio_restart, c, stack, mask, C_GPIO_RESTART);
	first_compat(&ix->test1, c, stack, mask, C_TEST1);
	first_compat(&ix->test0, c, stack, mask, C_TEST0);
	return 0;
}

/* A child of the root named `s`, or `s`@unit (fdt_path_offset's rule for
 * a path without a unit address). name: the tag's name bytes, n of them,
 * NUL-terminated within (fdt_next_tag checked). */
static bool root_child_is(const char *name, int n, const char *s, int len)
{
	return n > len && !memcmp(name, s, (size_t)len) && (name[len] == '\0' || name[len] == '@');
}

static void scan_root_child(struct dt_index *ix, int off, const char *name, int n)
{
	static const struct {
		const char *name;
		int len;
		size_t field;
	} kids[] = {
#define K(str, f) { str, sizeof(str) - 1, offsetof(struct dt_index, f) }
		K("chosen", chosen),
		K("cpus", cpus),
		K("psci", psci),
		K("aliases", aliases),
		K("reserved-memory", reserved_memory),
#undef K
	};
	for (size_t i = 0; i < ARRAY_SIZE(kids); i++) {
		int *f = (int *)((char *)ix + kids[i].field);
		if (*f < 0 && name[0] == kids[i].name[0] &&
		    root_child_is(name, n, kids[i].name, kids[i].len))
			*f = off;
	}
}

int dt_scan(const void *fdt, struct dt_index *ix, struct error *e)
{
	/* Field by field: the arrays are read only up to their counts, and
	 * zeroing all of it would cost more than the walk's bookkeeping. */
	ix->chosen = ix->cpus = ix->psci = ix->aliases = ix->reserved_memory = -1;
	ix->n_memory = ix->pl011.n = ix->ns16550.n = ix->n_pl061 = ix->n_mswi = ix->n_intc = 0;
	struct dt_node *none[] = { &ix->tpm, &ix->gic_v3, &ix->gic_v2, &ix->gpio_poweroff,
				   &ix->gpio_restart, &ix->test1, &ix->test0 };
	for (size_t i = 0; i < ARRAY_SIZE(none); i++)
		node_none(none[i]);
	int stack[DT_MAX_DEPTH], depth = 0, off = 0, next;
	bool root_done = false, pending = false;
	struct scan_node cur = { 0 };
	struct name_cache names;
	for (int i = 0; i < NAME_SLOTS; i++)
		names.off[i] = -1;
	for (;;) {
		uint32_t tag = fdt_next_tag(fdt, off, &next);
		if (next < 0)
			return fail(e, "dtb", "structure at offset %d: %s", off, fdt_strerror(next));
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (pending && scan_finish(ix, &cur, stack, e))
				return -1;
			if (root_done || (depth == 0 && off != 0))
				return fail(e, "dtb", "structure at offset %d: a node outside the "
					    "root node", off);
			if (depth == DT_MAX_DEPTH)
				return fail(e, "dtb", "structure at offset %d: nodes nested deeper "
					    "than %d", off, DT_MAX_DEPTH);
			if (depth == 1) {
				int n = next - off - FDT_TAGSIZE;
				const char *name = fdt_offset_ptr(fdt, off + FDT_TAGSIZE, (unsigned)n);
				if (name)
					scan_root_child(ix, off, name, n);
			}
			cur = (struct scan_node){ .off = off, .level = depth };
			pending = true;
			stack[depth++] = off;
			break;
		case FDT_PROP: {
			if (!pending)
				return fail(e, "dtb", "structure at offset %d: a property %s", off,
					    depth ? "after a subnode" : "outside any node");
			/* fdt_next_tag has checked the whole property (header,
			 * value of its len) lies in the structure block: the
			 * header is read where it found it, as libfdt's
			 * fdt_get_property_by_offset would after walking the
			 * tag once more. */
			const struct fdt_property *p = fdt_offset_ptr(fdt, off, sizeof(*p));
			if (!p)
				return fail(e, "dtb", "property at offset %d: %s", off,
					    fdt_strerror(-FDT_ERR_TRUNCATED));
			int kind = prop_kind(fdt, &names, fdt32_ld(&p->nameoff));
			if (kind < 0)
				return fail(e, "dtb", "property at offset %d: name offset %u: %s", off,
					    fdt32_ld(&p->nameoff), fdt_strerror(-FDT_ERR_BADOFFSET));
			/* The first of each, as fdt_getprop finds it. */
			struct scan_prop *sp = &cur.prop[kind];
			if (kind != P_OTHER && !sp->v) {
				sp->v = p->data;
				sp->len = (int)fdt32_ld(&p->len);
			}
			break;
		}
		case FDT_END_NODE:
			if (pending && scan_finish(ix, &cur, stack, e))
				return -1;
			pending = false;
			if (depth == 0)
				return fail(e, "dtb", "structure at offset %d: an end of node "
					    "outside any node", off);
			root_done = --depth == 0;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (!root_done)
				return fail(e, "dtb", "structure at offset %d: the end, in a node", off);
			return 0;
		default:
			return fail(e, "dtb", "structure at offset %d: tag 0x%x", off, tag);
		}
		off = next;
	}
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

int dt_memory_ix(const void *fdt, const struct dt_index *ix, struct memmap *m,
		 struct error *e)
{
	int ac, sc;
	/* The spec's defaults when the root leaves them out. */
	if (cells(fdt, 0, "#address-cells", 2, e, &ac) || cells(fdt, 0, "#size-cells", 1, e, &sc))
		return -1;
	if (ac == 0)
		return fail(e, "dtb", "#address-cells is 0");
	size_t ram = m->n;
	/* dt_scan recorded only enabled nodes: a disabled one (QEMU virt's
	 * secure-only RAM under secure=on) is not the kernel's. */
	for (size_t i = 0; i < ix->n_memory; i++)
		if (add_reg(fdt, ix->memory[i], ac, sc, MEM_RAM, m, e))
			return -1;
	if (m->n == ram)
		return fail(e, "dtb", "no /memory node with a reg property");

	int rsv = ix->reserved_memory;
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

int dt_memory(const void *fdt, struct memmap *m, struct error *e)
{
	struct dt_index ix;
	return dt_scan(fdt, &ix, e) ? -1 : dt_memory_ix(fdt, &ix, m, e);
}

/* Whether node's name is `s`, or `s`@unit when s has no '@' (libfdt's
 * rule for a path component). */
static bool name_is(const void *fdt, int node, const char *s, int len)
{
	int nlen;
	const char *n = fdt_get_name(fdt, node, &nlen);
	return n && nlen >= len && !memcmp(n, s, (size_t)len) &&
	       (n[len] == '\0' || (n[len] == '@' && !memchr(s, '@', (size_t)len)));
}

/* Whether the absolute path [path, path+len) leads to u (each component
 * matched as fdt_path_offset matches it). */
static bool path_leads_to(const void *fdt, const char *path, int len, const struct dt_node *u)
{
	const char *p = path, *end = path + len;
	for (int level = 1; level <= u->depth; level++) {
		while (p < end && *p == '/')
			p++;
		const char *q = memchr(p, '/', (size_t)(end - p));
		if (!q)
			q = end;
		int node = level < u->depth ? u->anc[level] : u->node;
		if (q == p || !name_is(fdt, node, p, (int)(q - p)))
			return false;
		p = q;
	}
	while (p < end && *p == '/')
		p++;
	return p == end;
}

const struct dt_node *dt_stdout_uart(const void *fdt, const struct dt_index *ix,
				     const struct dt_uarts *us)
{
	if (!us->n)
		return NULL;
	int len;
	const char *path = ix->chosen >= 0 ? fdt_getprop(fdt, ix->chosen, "stdout-path", &len)
					   : NULL;
	/* A string: NUL-terminated within the property, else not trusted
	 * as a path, even where a ':' would end it. */
	if (!path || len <= 0 || path[len - 1] != '\0')
		return &us->u[0];
	/* "serial0:115200n8": the path or alias ends at ':' or its (first)
	 * NUL, whichever comes first. */
	const char *end = memchr(path, '\0', (size_t)len);
	const char *colon = memchr(path, ':', (size_t)(end - path));
	int plen = (int)((colon ? colon : end) - path);
	if (plen > 0 && path[0] != '/') {
		/* Only an alias whose value is an absolute path: libfdt
		 * resolves a relative one by recursion, which an alias naming
		 * itself never ends. */
		int alen;
		const char *alias = ix->aliases >= 0 ? fdt_getprop_namelen(fdt, ix->aliases, path,
									   plen, &alen)
						     : NULL;
		end = alias && alen > 0 ? memchr(alias, '\0', (size_t)alen) : NULL;
		if (!end || alias[0] != '/')
			return &us->u[0];
		path = alias;
		plen = (int)(end - alias);
	}
	if (plen > 0 && path[0] == '/')
		for (size_t i = 0; i < us->n; i++)
			if (path_leads_to(fdt, path, plen, &us->u[i]))
				return &us->u[i];
	return &us->u[0];
}

/* A PL011's registers: reg's first address with its parent's
 * #address-cells. */
static bool pl011_base(const void *fdt, const struct dt_node *u, uint64_t *base)
{
	int len;
	/* The root's parent's cells: the spec's default. */
	int ac = u->depth ? fdt_address_cells(fdt, u->anc[u->depth - 1]) : 2;
	const fdt32_t *reg = fdt_getprop(fdt, u->node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || len < ac * 4)
		return false;
	/* Addresses are taken as CPU addresses: no "ranges" translation, as
	 * on QEMU's virt machine where the UART sits at the root. */
	*base = dt_read_cells(reg, ac);
	return true;
}

int dt_console_pl011_ix(const void *fdt, const struct dt_index *ix, uint64_t *base)
{
	/* The one stdout-path names, else the first (enabled, as dt_scan
	 * records them) with a reg to read. */
	const struct dt_node *u = dt_stdout_uart(fdt, ix, &ix->pl011);
	if (u && pl011_base(fdt, u, base))
		return 0;
	for (size_t i = 0; i < ix->pl011.n; i++)
		if (pl011_base(fdt, &ix->pl011.u[i], base))
			return 0;
	return -1;
}

int dt_console_pl011(const void *fdt, uint64_t *base)
{
	struct dt_index ix;
	struct error e;
	return dt_scan(fdt, &ix, &e) ? -1 : dt_console_pl011_ix(fdt, &ix, base);
}

char dt_psci_conduit_ix(const void *fdt, const struct dt_index *ix)
{
	int len;
	const char *m = ix->psci >= 0 ? fdt_getprop(fdt, ix->psci, "method", &len) : NULL;
	if (!m || len < 4)
		return 0;
	if (!memcmp(m, "hvc", 4))
		return 'h';
	if (!memcmp(m, "smc", 4))
		return 's';
	return 0;
}

char dt_psci_conduit(const void *fdt)
{
	struct dt_index ix;
	struct error e;
	return dt_scan(fdt, &ix, &e) ? 0 : dt_psci_conduit_ix(fdt, &ix);
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
static int translate(const void *fdt, const char *path, const struct dt_node *dn, int ac,
		     int sc, uint64_t *addr, uint64_t *end, struct error *e)
{
	/* dn->anc: the root first, the node's bus last. */
	for (int level = dn->depth - 1; level > 0; level--) {
		int bus = dn->anc[level], up = dn->anc[level - 1], pac, psc, len;
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
		ac = pac;
		sc = psc;
	}
	return 0;
}

/* The node's path from its ancestors' names, into tpm->path. */
static int tpm_path(const void *fdt, const struct dt_node *n, struct dt_tpm *tpm,
		    struct error *e)
{
	size_t at = 0;
	for (int level = 1; level <= n->depth; level++) {
		int node = level < n->depth ? n->anc[level] : n->node, len;
		const char *name = fdt_get_name(fdt, node, &len);
		if (!name)
			return fail(e, "tpm", "the name of a node at offset %d: %s", node,
				    fdt_strerror(len));
		if ((size_t)len + 2 > sizeof(tpm->path) - at)
			return fail(e, "tpm", "the path of the %s node is longer than %zu bytes",
				    TPM_TIS_MMIO, sizeof(tpm->path) - 1);
		tpm->path[at++] = '/';
		memcpy(tpm->path + at, name, (size_t)len);
		at += (size_t)len;
	}
	tpm->path[at] = '\0';
	/* The path names the node in messages and tpm_node: a name with a
	 * '/' in it would lead elsewhere. */
	if (!path_leads_to(fdt, tpm->path, (int)at, n))
		return fail(e, "tpm", "%s: the path does not lead back to the node", tpm->path);
	return 0;
}

int dt_find_tpm_ix(const void *fdt, const struct dt_index *ix, struct dt_tpm *tpm,
		   struct error *e)
{
	const struct dt_node *n = &ix->tpm;
	int node = n->node;
	if (node < 0)
		return 1;
	if (n->depth == 0)
		return fail(e, "tpm", "/: the root node cannot be the TPM");
	if (tpm_path(fdt, n, tpm, e))
		return -1;
	tpm->node = node;
	int bus = n->anc[n->depth - 1], ac, sc, len;
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
	if (translate(fdt, tpm->path, n, ac, sc, &addr, &end, e))
		return -1;
	tpm->base = addr;
	tpm->size = size;
	return 0;
}

int dt_find_tpm(const void *fdt, struct dt_tpm *tpm, struct error *e)
{
	struct dt_index ix;
	struct error scan;
	if (dt_scan(fdt, &ix, &scan))
		return fail(e, "tpm", "looking for %s: %s", TPM_TIS_MMIO, scan.msg);
	return dt_find_tpm_ix(fdt, &ix, tpm, e);
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
	/* The offset dt_scan found stays valid in the opened copy (offsets
	 * count from the structure block, which fdt_open_into copies as it
	 * is) until something before it changes: see dt_patch's order.
	 * remove_memory moves nodes: then by path. */
	int chosen;
	if (c->ix && !c->uefi_systab)
		chosen = c->ix->chosen >= 0 ? c->ix->chosen : -FDT_ERR_NOTFOUND;
	else
		chosen = fdt_path_offset(fdt, "/chosen");
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
	int node = c->ix && !c->uefi_systab ? c->ix->tpm.node : fdt_path_offset(fdt, c->tpm_node);
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
		/* A property set on a node moves only the nodes after it, and
		 * a /chosen added as the root's child moves all: the TPM's
		 * node (by offset) first where it comes after /chosen or
		 * /chosen is new. */
		bool tpm_first = c->ix && c->tpm_node && !c->uefi_systab &&
				 (c->ix->chosen < 0 || c->ix->tpm.node > c->ix->chosen);
		if (!err && tpm_first) {
			what = c->tpm_node;
			err = patch_tpm_log(buf, c);
		}
		if (!err) {
			what = "/chosen";
			err = patch_chosen(buf, c, ac);
		}
		if (!err && c->tpm_node && !tpm_first) {
			what = c->tpm_node;
			err = patch_tpm_log(buf, c);
		}
		if (err != -FDT_ERR_NOSPACE || size == bufsize)
			break;
		size *= 2;
	}
	/* No fdt_check_full of the result: libfdt's writes keep a checked
	 * blob's structure (the fuzzer and the unit tests check that), and
	 * its walk would cost as much as everything else here. */
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
	struct dt_index ix;
	*n = 0;
	return dt_scan(fdt, &ix, e) ? -1 : dt_cpus_ix(fdt, &ix, mpidr, max, n, e);
}

int dt_cpus_ix(const void *fdt, const struct dt_index *ix, uint64_t *mpidr, size_t max,
	       size_t *n, struct error *e)
{
	int cpus = ix->cpus, node;
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

/* node: the existing /psci, or -1 to add it. */
static int add_psci_node(void *fdt, int node)
{
	if (node < 0)
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

static int set_enable_methods(void *fdt, int cpus, const uint64_t *psci_cpus, size_t n,
			      struct error *e)
{
	int node;
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
			return fail(e, "dtb", "/cpus/%s: enable-method \"psci\": %s",
				    node_name(fdt, node), fdt_strerror(err));
	}
	return 0;
}

/* /reserved-memory/bootshim-el3@<base> { reg = <base size>; no-map; };
 * rsv: the existing /reserved-memory, or -1 to add it. */
static int add_fw_reserved(void *fdt, int rsv, uint64_t base, uint64_t size, struct error *e)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0), err = 0;
	if (rsv < 0) {
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

int dt_add_psci_ix(void *fdt, struct dt_index *ix, uint64_t bufsize, const uint64_t *psci_cpus,
		   size_t n, uint64_t fw_base, uint64_t fw_size, struct error *e)
{
	if (bufsize > DT_MAX_SIZE)
		bufsize = DT_MAX_SIZE;
	if (ix->cpus < 0)
		return fail(e, "dtb", "no /cpus node");
	/* Only the used bytes move (see dt_patch); node offsets stay. */
	fdt_set_totalsize(fdt, (uint32_t)dt_used_size(fdt));
	int err = fdt_open_into(fdt, fdt, (int)bufsize);
	if (err)
		return fail(e, "dtb", "adding /psci: %s (buffer %llu bytes)", fdt_strerror(err),
			    (unsigned long long)bufsize);
	/* By the offsets dt_open found: a write moves only the nodes after
	 * the one written, and adding a child of the root moves all. So the
	 * nodes that exist are written last first, and the new ones added
	 * after. */
	enum { PSCI, CPUS, RSV };
	int at[] = { [PSCI] = ix->psci, [CPUS] = ix->cpus, [RSV] = ix->reserved_memory };
	bool done[ARRAY_SIZE(at)] = { false };
	for (size_t k = 0; k < ARRAY_SIZE(at); k++) {
		int pick = -1;
		for (int i = 0; i < (int)ARRAY_SIZE(at); i++)
			if (!done[i] && at[i] >= 0 && (pick < 0 || at[i] > at[pick]))
				pick = i;
		if (pick < 0)
			break;
		done[pick] = true;
		if (pick == PSCI && (err = add_psci_node(fdt, at[PSCI])))
			return fail(e, "dtb", "adding /psci: %s (buffer %llu bytes)",
				    fdt_strerror(err), (unsigned long long)bufsize);
		if (pick == CPUS && set_enable_methods(fdt, at[CPUS], psci_cpus, n, e))
			return -1;
		if (pick == RSV && add_fw_reserved(fdt, at[RSV], fw_base, fw_size, e))
			return -1;
	}
	if (at[PSCI] < 0 && (err = add_psci_node(fdt, -1)))
		return fail(e, "dtb", "adding /psci: %s (buffer %llu bytes)", fdt_strerror(err),
			    (unsigned long long)bufsize);
	if (at[RSV] < 0 && add_fw_reserved(fdt, -1, fw_base, fw_size, e))
		return -1;
	err = fdt_pack(fdt);
	if (err)
		return fail(e, "dtb", "after adding /psci: %s", fdt_strerror(err));
	/* The one walk again, of the result: it is what the kernel gets. */
	return dt_scan(fdt, ix, e);
}

int dt_add_psci(void *fdt, uint64_t bufsize, const uint64_t *psci_cpus, size_t n,
		uint64_t fw_base, uint64_t fw_size, struct error *e)
{
	struct dt_index ix;
	return dt_scan(fdt, &ix, e) ? -1
				    : dt_add_psci_ix(fdt, &ix, bufsize, psci_cpus, n, fw_base,
						     fw_size, e);
}

int dt_gpio_line_ix(const void *fdt, const struct dt_index *ix, const struct dt_node *dn,
		    uint64_t *pl061, uint32_t *pin, struct error *e)
{
	int node = dn->node, len;
	if (node < 0)
		return 1;
	/* gpios = <&controller pin flags>: QEMU's PL061 has #gpio-cells 2. */
	const fdt32_t *g = fdt_getprop(fdt, node, "gpios", &len);
	if (!g || len != 12)
		return fail(e, "dtb", "%s: gpios is %d bytes, not <phandle pin flags>",
			    node_name(fdt, node), g ? len : 0);
	/* The controller among the PL061s dt_open found (a phandle of 0 or
	 * ~0 names no node). */
	uint32_t ph = fdt32_ld(g);
	const struct dt_node *c = NULL;
	for (size_t i = 0; i < ix->n_pl061 && !c; i++)
		if (ph && ph != UINT32_MAX && ix->pl061_phandle[i] == ph)
			c = &ix->pl061[i];
	if (!c)
		return fail(e, "dtb", "%s: gpios phandle 0x%x is not an arm,pl061",
			    node_name(fdt, node), ph);
	int ctl = c->node;
	int ac = c->depth ? fdt_address_cells(fdt, c->anc[c->depth - 1]) : -1;
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

int dt_gpio_line(const void *fdt, const char *compat, uint64_t *pl061, uint32_t *pin,
		 struct error *e)
{
	struct dt_index ix;
	if (dt_scan(fdt, &ix, e))
		return -1;
	const struct dt_node *dn = !strcmp(compat, "gpio-poweroff") ? &ix.gpio_poweroff
				   : !strcmp(compat, "gpio-restart") ? &ix.gpio_restart
								     : NULL;
	/* dt_scan looks for these two only. */
	if (!dn)
		return 1;
	return dt_gpio_line_ix(fdt, &ix, dn, pl061, pin, e);
}
