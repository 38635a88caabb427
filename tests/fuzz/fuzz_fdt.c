/* libFuzzer: shim/fdt.c on a device tree blob, in the order the shim uses
 * it (dt_check, dt_console_pl011, dt_psci_conduit, dt_memory, then
 * dt_patch into dt_patched_size() bytes).
 *
 * Input: byte 0 = flags, byte 1 = command line length n, then n bytes of
 * command line (a NUL becomes a space), then the DTB (the rest; copied to
 * a buffer of exactly its length, so ASan sees reads past it).
 *   flags bit 0   an rng-seed of 8 << (bits 4..5) bytes (8..64)
 *   flags bit 1   an initrd; bit 2: above 4 GiB
 *   flags bit 3   the command line repeated to arm64's 2047 bytes
 *   flags bit 6   a UEFI boot: the linux,uefi-* properties (values from
 *                 the flags), memory nodes and /memreserve/ removed
 *   flags bit 7   then dt_update_uefi_mmap with other values (on a tree
 *                 without the properties it must refuse)
 * When the tree has a TPM (dt_find_tpm) and the boot is not UEFI, dt_patch
 * also hands it an event log, as shim.rom does: linux,sml-base/-size on
 * the TPM's node and one more /memreserve/; everything else the shim reads
 * stays as it was.
 * dt_patch may refuse only for the reasons it documents: a root
 * #address-cells other than 1 or 2, an initrd end past 4 GiB with
 * #address-cells 1, or no space when dt_patched_size() was capped at
 * 2 MiB or libfdt had to repack a blob whose blocks are out of order.
 * Anything else, NOSPACE included (the fixed 1024 bytes of slack, the
 * UEFI properties present), is a failure.
 * tests/fuzz/mkcorpus.py writes the seed corpus from tests/unit/dtb/. */
#include "fuzz.h"
#include "fdt.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "fuzz_fdt: %s:%d: check failed: %s\n",      \
				__FILE__, __LINE__, #cond);                         \
			abort();                                                    \
		}                                                                   \
	} while (0)

#define CMDLINE_MAX 2047

/* A failure: a terminated "<what>: ..." message. */
static void check_msg(const struct error *e, bool memmap_ok)
{
	CHECK(memchr(e->msg, '\0', sizeof(e->msg)));
	if (strncmp(e->msg, "dtb: ", 5) && !(memmap_ok && !strncmp(e->msg, "memory map: ", 12))) {
		fprintf(stderr, "fuzz_fdt: message \"%s\"\n", e->msg);
		CHECK(!"message starts with \"dtb: \"");
	}
}

struct seen {
	int mem_rc;
	struct memmap mem;
	char mem_msg[256];
	int con_rc;
	uint64_t con;
	char psci;
	int tpm_rc;
	struct dt_tpm tpm;
};

/* Whether node's compatible lists compat: as fdt_node_check_compatible,
 * but a last string must end within the property (libfdt's
 * fdt_stringlist_contains compares one byte past the property's end, and
 * so takes an unterminated last string when the next tag's first byte is
 * 0; dt_scan does not). */
static bool compatible(const void *fdt, int node, const char *compat)
{
	int len;
	const char *p = fdt_getprop(fdt, node, "compatible", &len);
	size_t n = strlen(compat) + 1;
	while (p && len > 0) {
		const char *end = memchr(p, '\0', (size_t)len);
		if (!end)
			return false;
		if ((size_t)(end - p) + 1 == n && !memcmp(p, compat, n))
			return true;
		len -= (int)(end - p) + 1;
		p = end + 1;
	}
	return false;
}

/* The first node (after `after`) compatible with compat and enabled if
 * asked: what libfdt's lookups from the root find, which dt_scan
 * replaces. */
static int next_compat(const void *fdt, int after, const char *compat, bool enabled)
{
	for (int node = fdt_next_node(fdt, after, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL))
		if (compatible(fdt, node, compat) && (!enabled || dt_node_enabled(fdt, node)))
			return node;
	return -1;
}

/* dt_find_tpm: found, an enabled "tcg,tpm-tis-mmio" node at the path it
 * gives, with registers that do not wrap; none, no enabled such node;
 * refused, a "tpm: " message. */
static void find_tpm(const void *fdt, struct seen *s)
{
	struct error e;
	memset(e.msg, 0xff, sizeof(e.msg));
	memset(&s->tpm, 0, sizeof(s->tpm));
	s->tpm_rc = dt_find_tpm(fdt, &s->tpm, &e);
	if (s->tpm_rc < 0) {
		CHECK(s->tpm_rc == -1);
		CHECK(memchr(e.msg, '\0', sizeof(e.msg)) && !strncmp(e.msg, "tpm: ", 5));
		return;
	}
	int node = next_compat(fdt, -1, "tcg,tpm-tis-mmio", true);
	if (s->tpm_rc == 1) {
		CHECK(node == -1);
		return;
	}
	CHECK(s->tpm_rc == 0 && node >= 0);
	CHECK(memchr(s->tpm.path, '\0', sizeof(s->tpm.path)));
	CHECK(s->tpm.node == node);
	CHECK(s->tpm.size && s->tpm.base + s->tpm.size - 1 >= s->tpm.base);
}

/* A node dt_scan recorded: its ancestors are fdt_parent_offset's. */
static void check_node(const void *fdt, const struct dt_node *n)
{
	CHECK(n->depth >= 0 && n->depth < DT_MAX_DEPTH);
	int node = n->node;
	for (int level = n->depth; level-- > 0;) {
		node = fdt_parent_offset(fdt, node);
		CHECK(node == n->anc[level]);
	}
	CHECK(n->depth == 0 ? n->node == 0 : n->anc[0] == 0);
}

static void check_first(const void *fdt, const struct dt_node *n, const char *compat,
			bool enabled)
{
	CHECK(n->node == next_compat(fdt, -1, compat, enabled));
	if (n->node >= 0)
		check_node(fdt, n);
}

/* What dt_open recorded is what libfdt's lookups from the root find. */
static void check_index(const void *fdt, const struct dt_index *ix)
{
	static const struct {
		const char *path;
		size_t field;
	} kids[] = { { "/chosen", offsetof(struct dt_index, chosen) },
		     { "/cpus", offsetof(struct dt_index, cpus) },
		     { "/psci", offsetof(struct dt_index, psci) },
		     { "/aliases", offsetof(struct dt_index, aliases) },
		     { "/reserved-memory", offsetof(struct dt_index, reserved_memory) } };
	for (size_t i = 0; i < sizeof(kids) / sizeof(kids[0]); i++) {
		int want = fdt_path_offset(fdt, kids[i].path);
		CHECK(*(const int *)((const char *)ix + kids[i].field) == (want < 0 ? -1 : want));
	}
	size_t k = 0;
	for (int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7);
	     node >= 0; node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7))
		if (dt_node_enabled(fdt, node))
			CHECK(k < ix->n_memory && ix->memory[k++] == node);
	CHECK(k == ix->n_memory);
	int u = -1;
	for (size_t i = 0; i < ix->pl011.n; i++) {
		u = next_compat(fdt, u, "arm,pl011", true);
		CHECK(ix->pl011.u[i].node == u);
		check_node(fdt, &ix->pl011.u[i]);
	}
	if (ix->pl011.n < DT_MAX_UARTS)
		CHECK(next_compat(fdt, u, "arm,pl011", true) == -1);
	check_first(fdt, &ix->tpm, "tcg,tpm-tis-mmio", true);
	check_first(fdt, &ix->gic_v3, "arm,gic-v3", false);
	check_first(fdt, &ix->gic_v2, "arm,cortex-a15-gic", false);
	check_first(fdt, &ix->gpio_poweroff, "gpio-poweroff", false);
	check_first(fdt, &ix->gpio_restart, "gpio-restart", false);
	check_first(fdt, &ix->test1, "sifive,test1", false);
	check_first(fdt, &ix->test0, "sifive,test0", false);
}

/* What the shim reads from a checked DTB. */
static void read_dtb(const void *fdt, struct seen *s)
{
	struct error e;
	memset(e.msg, 0xff, sizeof(e.msg));
	s->con = 0;
	s->con_rc = dt_console_pl011(fdt, &s->con);
	CHECK(s->con_rc == 0 || s->con_rc == -1);
	s->psci = dt_psci_conduit(fdt);
	CHECK(s->psci == 0 || s->psci == 'h' || s->psci == 's');
	s->mem.n = 0;
	s->mem_rc = dt_memory(fdt, &s->mem, &e);
	memset(s->mem_msg, 0, sizeof(s->mem_msg));
	if (s->mem_rc) {
		CHECK(s->mem_rc == -1);
		check_msg(&e, true);
		memcpy(s->mem_msg, e.msg, sizeof(s->mem_msg));
	} else {
		CHECK(s->mem.n >= 1 && s->mem.n <= MEMMAP_INPUT_MAX);
		CHECK(s->mem.e[0].type == MEM_RAM);
	}
	find_tpm(fdt, s);
}

/* libfdt's fdt_open_into() repacks a blob whose blocks are out of order or
 * overlap, which may need more than its totalsize: dt_patched_size() does
 * not promise room for that. */
static bool repacked(const void *fdt)
{
	uint64_t rsv = ((uint64_t)fdt_num_mem_rsv(fdt) + 1) * 16;
	uint64_t rsvmap = fdt_off_mem_rsvmap(fdt), st = fdt_off_dt_struct(fdt);
	uint64_t str = fdt_off_dt_strings(fdt);
	return fdt_version(fdt) < 17 || rsvmap < 40 || st < rsvmap + rsv ||
	       str < st + fdt_size_dt_struct(fdt) ||
	       fdt_totalsize(fdt) < str + fdt_size_dt_strings(fdt);
}

static uint64_t prop_be(const void *fdt, int node, const char *name, int len)
{
	int got;
	const uint8_t *p = fdt_getprop(fdt, node, name, &got);
	CHECK(p && got == len);
	uint64_t v = 0;
	for (int i = 0; i < len; i++)
		v = v << 8 | p[i];
	return v;
}

static bool is_memory(const void *fdt, int node)
{
	int len;
	const char *t = node >= 0 ? fdt_getprop(fdt, node, "device_type", &len) : NULL;
	return t && len == 7 && !memcmp(t, "memory", 7);
}

/* The UEFI properties, as drivers/firmware/efi/libstub/fdt.c sets them:
 * 64-bit system table and map address, 32-bit sizes, version and secure
 * boot state; no memory node, no /memreserve/ entry left. */
static void check_uefi(const void *out, int chosen, const struct dt_chosen *c)
{
	CHECK(prop_be(out, chosen, "linux,uefi-system-table", 8) == c->uefi_systab);
	CHECK(prop_be(out, chosen, "linux,uefi-mmap-start", 8) == c->uefi_mmap);
	CHECK(prop_be(out, chosen, "linux,uefi-mmap-size", 4) == c->uefi_mmap_size);
	CHECK(prop_be(out, chosen, "linux,uefi-mmap-desc-size", 4) == c->uefi_desc_size);
	CHECK(prop_be(out, chosen, "linux,uefi-mmap-desc-ver", 4) == c->uefi_desc_ver);
	CHECK(prop_be(out, chosen, "linux,uefi-secure-boot", 4) == c->uefi_secure_boot);
	CHECK(fdt_node_offset_by_prop_value(out, -1, "device_type", "memory", 7) ==
	      -FDT_ERR_NOTFOUND);
	CHECK(fdt_num_mem_rsv(out) == 0);
}

static void put_be(uint8_t *p, uint64_t v, int len)
{
	for (int i = len; i--; v >>= 8)
		p[i] = (uint8_t)v;
}

/* dt_update_uefi_mmap: on a tree with the UEFI properties (the ones
 * dt_patch set, or an input's own of the same sizes), exactly the four
 * map values change, in place; on one with none of them, a refusal and
 * no change at all; with some, a refusal. */
static void check_update(uint8_t *out, const struct dt_chosen *c)
{
	static const struct {
		const char *name;
		int len;
	} mm[] = { { "linux,uefi-mmap-start", 8 }, { "linux,uefi-mmap-size", 4 },
		   { "linux,uefi-mmap-desc-size", 4 }, { "linux,uefi-mmap-desc-ver", 4 } };
	struct dt_chosen u = *c;
	u.uefi_mmap = ~c->uefi_mmap;
	u.uefi_mmap_size = c->uefi_mmap_size * 3 + 1;
	u.uefi_desc_size = 56;
	u.uefi_desc_ver = 2;
	const uint64_t val[] = { u.uefi_mmap, u.uefi_mmap_size, u.uefi_desc_size, u.uefi_desc_ver };
	uint64_t total = fdt_totalsize(out);
	uint8_t *want = malloc(total);
	CHECK(want);
	memcpy(want, out, total);
	int chosen = fdt_path_offset(out, "/chosen");
	size_t have = 0, n = sizeof(mm) / sizeof(mm[0]);
	for (size_t i = 0; i < n; i++) {
		int len;
		const uint8_t *p = fdt_getprop(out, chosen, mm[i].name, &len);
		if (p && len == mm[i].len) {
			put_be(want + (p - out), val[i], len);
			have++;
		}
	}
	if (c->uefi_systab)
		CHECK(have == n);
	struct error e;
	memset(e.msg, 0xff, sizeof(e.msg));
	int rc = dt_update_uefi_mmap(out, &u, &e);
	CHECK(fdt_totalsize(out) == total);
	if (have == n) {
		CHECK(rc == 0);
	} else {
		CHECK(rc == -1);
		check_msg(&e, false);
		CHECK(strstr(e.msg, "UEFI memory map"));
	}
	if (have == n || have == 0)
		CHECK(!memcmp(want, out, total));
	free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t flags = data[0];
	size_t n = data[1];
	if (size < 2 + n)
		return 0;
	static char cmdline[CMDLINE_MAX + 1];
	for (size_t i = 0; i < n; i++)
		cmdline[i] = data[2 + i] ? (char)data[2 + i] : ' ';
	if ((flags & 8) && n)
		for (size_t i = n; i < CMDLINE_MAX; i++)
			cmdline[i] = cmdline[i % n];
	cmdline[(flags & 8) && n ? CMDLINE_MAX : n] = '\0';

	static uint8_t seed[64];
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(i * 29 + flags);
	struct dt_chosen c = { .bootargs = cmdline };
	if (flags & 2) {
		c.initrd_start = flags & 4 ? 0x1c0000000ull : 0x48000000;
		c.initrd_end = c.initrd_start + 0x123457;
	}
	if (flags & 1) {
		c.seed = seed;
		c.seed_len = (size_t)8 << ((flags >> 4) & 3);
		c.kaslr_seed = 0x0123456789abcdefull ^ flags;
	}
	if (flags & 0x40) {
		c.uefi_systab = 0xbfe5f018ull + flags;
		c.uefi_mmap = 0x1bf6a3000ull ^ ((uint64_t)flags << 40);
		c.uefi_mmap_size = 0x1a40u + flags;
		c.uefi_desc_size = 48;
		c.uefi_desc_ver = 1;
		c.uefi_secure_boot = flags & 0x20 ? 1 : 0;
	}

	size_t len = size - 2 - n;
	uint8_t *dtb = malloc(len ? len : 1);
	CHECK(dtb);
	memcpy(dtb, data + 2 + n, len);

	struct error e;
	memset(e.msg, 0xff, sizeof(e.msg));
	uint64_t total = 0;
	if (dt_check(dtb, len, &total, &e)) {
		check_msg(&e, false);
		free(dtb);
		return 0;
	}
	CHECK(total == fdt_totalsize(dtb) && total <= len && total <= DT_MAX_SIZE);
	CHECK(fdt_check_full(dtb, total) == 0);
	/* The bare flavours' one walk: it may refuse more than
	 * fdt_check_full (nesting deeper than DT_MAX_DEPTH, a property after
	 * a subnode, ...), saying so; what it accepts, fdt_check_full did. */
	static struct dt_index ix;
	uint64_t ototal = 0;
	memset(e.msg, 0xff, sizeof(e.msg));
	if (dt_open(dtb, len, &ototal, &ix, &e)) {
		check_msg(&e, false);
		free(dtb);
		return 0;
	}
	CHECK(ototal == total);
	check_index(dtb, &ix);
	/* dt_patch by the index (the bare flavours) or by path (UEFI). */
	if (!(n & 1))
		c.ix = &ix;

	static struct seen before, after;
	read_dtb(dtb, &before);
	/* shim.rom's event log, when there is a TPM to hand it to. */
	bool tpm_log = !c.uefi_systab && before.tpm_rc == 0;
	if (tpm_log) {
		c.tpm_node = before.tpm.path;
		c.tpm_log_base = 0x40214000ull + ((uint64_t)flags << 12);
		c.tpm_log_size = 0x10000;
	}

	/* linux_plan reserves dt_patched_size(), at most 2 MiB. */
	uint64_t bufsize = dt_patched_size(total, &c);
	bool capped = bufsize > DT_MAX_SIZE;
	if (capped)
		bufsize = DT_MAX_SIZE;
	uint8_t *out = malloc(bufsize);
	CHECK(out);
	memset(e.msg, 0xff, sizeof(e.msg));
	if (dt_patch(dtb, out, bufsize, &c, &e)) {
		check_msg(&e, false);
		int ac = fdt_address_cells(dtb, 0);
		bool ok_reason;
		if (ac != 1 && ac != 2)
			ok_reason = strstr(e.msg, "root #address-cells") != NULL;
		else if (c.uefi_systab && is_memory(dtb, 0))
			ok_reason = strstr(e.msg, "root node has device_type") != NULL;
		else if (ac == 1 && c.initrd_end > UINT32_MAX)
			ok_reason = strstr(e.msg, "initrd end") != NULL;
		else
			ok_reason = strstr(e.msg, "FDT_ERR_NOSPACE") && (capped || repacked(dtb));
		if (!ok_reason)
			fprintf(stderr, "fuzz_fdt: dt_patch into dt_patched_size() = %llu bytes%s%s: %s\n",
				(unsigned long long)bufsize, capped ? " (capped)" : "",
				repacked(dtb) ? " (repacked)" : "", e.msg);
		CHECK(ok_reason);
		free(out);
		free(dtb);
		return 0;
	}

	/* A valid tree, no larger than the room given, with /chosen as asked. */
	uint64_t ptotal = fdt_totalsize(out);
	CHECK(ptotal <= bufsize);
	CHECK(fdt_check_full(out, ptotal) == 0);
	uint64_t t2;
	CHECK(dt_check(out, bufsize, &t2, &e) == 0 && t2 == ptotal);
	int chosen = fdt_path_offset(out, "/chosen");
	CHECK(chosen >= 0);
	int plen;
	const char *args = fdt_getprop(out, chosen, "bootargs", &plen);
	CHECK(args && plen == (int)strlen(cmdline) + 1 && !memcmp(args, cmdline, (size_t)plen));
	int ac = fdt_address_cells(dtb, 0);
	CHECK(ac == 1 || ac == 2);
	if (c.initrd_end > c.initrd_start) {
		CHECK(prop_be(out, chosen, "linux,initrd-start", 4 * ac) == c.initrd_start);
		CHECK(prop_be(out, chosen, "linux,initrd-end", 4 * ac) == c.initrd_end);
	}
	if (c.seed) {
		const void *s = fdt_getprop(out, chosen, "rng-seed", &plen);
		CHECK(s && plen == (int)c.seed_len && !memcmp(s, c.seed, c.seed_len));
		CHECK(prop_be(out, chosen, "kaslr-seed", 8) == c.kaslr_seed);
	}
	if (c.uefi_systab)
		check_uefi(out, chosen, &c);
	else
		CHECK(fdt_num_mem_rsv(out) == fdt_num_mem_rsv(dtb) + tpm_log);
	if (tpm_log) {
		int tpm = fdt_path_offset(out, c.tpm_node);
		CHECK(tpm >= 0);
		CHECK(prop_be(out, tpm, "linux,sml-base", 8) == c.tpm_log_base);
		CHECK(prop_be(out, tpm, "linux,sml-size", 4) == c.tpm_log_size);
		uint64_t a, sz;
		CHECK(fdt_get_mem_rsv(out, fdt_num_mem_rsv(out) - 1, &a, &sz) == 0);
		CHECK(a == c.tpm_log_base && sz == c.tpm_log_size);
	}

	/* Patching /chosen changes nothing else the shim reads (but a UEFI
	 * boot's memory, which the UEFI memory map then describes alone). */
	read_dtb(out, &after);
	if (c.uefi_systab) {
		/* What the shim reads from a UEFI boot's tree is what it reads
		 * from the input with the memory nodes (and whatever they
		 * contain) deleted, as Linux's stub deletes them. */
		/* Room for libfdt to repack blocks that overlap. */
		uint64_t rsize = 3 * total + 64;
		uint8_t *ref = malloc(rsize);
		CHECK(ref && fdt_open_into(dtb, ref, (int)rsize) == 0);
		int node;
		while ((node = fdt_node_offset_by_prop_value(ref, -1, "device_type", "memory", 7)) >=
		       0)
			CHECK(fdt_del_node(ref, node) == 0);
		read_dtb(ref, &before);
		free(ref);
		CHECK(after.mem_rc == -1);
	}
	CHECK(after.con_rc == before.con_rc && (before.con_rc || after.con == before.con));
	CHECK(after.psci == before.psci);
	CHECK(after.tpm_rc == before.tpm_rc);
	if (before.tpm_rc == 0)
		CHECK(after.tpm.base == before.tpm.base && after.tpm.size == before.tpm.size &&
		      !strcmp(after.tpm.path, before.tpm.path));
	if (!c.uefi_systab && !tpm_log) {
		CHECK(after.mem_rc == before.mem_rc);
		CHECK(!strcmp(after.mem_msg, before.mem_msg));
		CHECK(after.mem.n == before.mem.n);
		CHECK(!memcmp(after.mem.e, before.mem.e, before.mem.n * sizeof(before.mem.e[0])));
	} else if (tpm_log) {
		/* dt_memory reads /memreserve/ entries last: the log's comes
		 * after what it read before, or the same failure. */
		if (before.mem_rc) {
			CHECK(after.mem_rc == -1);
		} else if (before.mem.n < MEMMAP_INPUT_MAX) {
			CHECK(after.mem_rc == 0 && after.mem.n == before.mem.n + 1);
			CHECK(!memcmp(after.mem.e, before.mem.e,
				      before.mem.n * sizeof(before.mem.e[0])));
			const struct mem_range *r = &after.mem.e[before.mem.n];
			CHECK(r->base == c.tpm_log_base && r->size == c.tpm_log_size &&
			      r->type == MEM_RESERVED);
		}
	}
	if (flags & 0x80)
		check_update(out, &c);
	free(out);
	free(dtb);
	return 0;
}
