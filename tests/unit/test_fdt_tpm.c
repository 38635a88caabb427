/* shim/fdt.c and the TPM: dt_find_tpm (the "tcg,tpm-tis-mmio" node, its
 * reg translated to a CPU address through every parent's ranges, each
 * cell untrusted) and dt_patch's hand-over of the firmware's event log
 * (linux,sml-base as a big-endian u64 and linux,sml-size as a u32 on that
 * node, as drivers/char/tpm/eventlog/of.c reads them, and a /memreserve/
 * over the log, which keeps it in the kernel's linear map).
 *
 * The TPM node is added with libfdt to QEMU's own virt DTB, exactly as
 * QEMU 7.2's -device tpm-tis-device writes it (hw/arm/sysbus-fdt.c, read
 * back from -machine dumpdtb): under /platform-bus@c000000, #address-cells
 * and #size-cells 1, ranges <0 0 0xc000000 0x2000000>, the node
 * tpm_tis@0 with reg <0 0x5000>. Each hostile variant changes one thing.
 * Buffers are freed by the teardown. */
#include "unit.h"
#include "fdt.h"

#include <errno.h>
#include <libfdt.h>

#define BUS "/platform-bus@c000000"
#define TPM BUS "/tpm_tis@0"
#define QEMU_TPM_BASE 0xc000000ull
#define QEMU_TPM_SIZE 0x5000ull
/* Room for the nodes and properties the tests add. */
#define EDIT_ROOM 4096

static void *bufs[64];
static size_t nbufs;

static void *own(size_t n)
{
	assert_true(nbufs < ARRAY_SIZE(bufs));
	void *p = calloc(1, n ? n : 1);
	assert_non_null(p);
	return bufs[nbufs++] = p;
}

static int teardown(void **state)
{
	(void)state;
	while (nbufs)
		free(bufs[--nbufs]);
	return 0;
}

#define assert_fdt(call)                                                            \
	do {                                                                        \
		int r_ = (call);                                                    \
		if (r_ < 0)                                                         \
			fail_msg("%s: %s", #call, fdt_strerror(r_));                \
	} while (0)

/* QEMU's virt DTB (tests/unit/dtb/), opened into EDIT_ROOM more bytes. */
static void *virt(void)
{
	const char *dir = getenv("BOOTSHIM_TEST_DTB_DIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/qemu-virt-512m.dtb", dir && *dir ? dir : "tests/unit/dtb");
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: %s (tests/unit/dtb/mkdtbs.sh writes the DTBs)", path,
			 strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	void *orig = own((size_t)n);
	assert_int_equal(fread(orig, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	void *buf = own((size_t)n + EDIT_ROOM);
	assert_fdt(fdt_open_into(orig, buf, (int)n + EDIT_ROOM));
	return buf;
}

static void set_cells(void *fdt, int node, const uint32_t *v, int n, const char *name)
{
	fdt32_t be[8];
	assert_true(n <= 8);
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	assert_fdt(fdt_setprop(fdt, node, name, be, n * 4));
}

/* QEMU 7.2's platform bus (its DTB has one, empty, without a TPM) with
 * the TPM node. */
static void *virt_tpm(void)
{
	void *fdt = virt();
	int bus = fdt_path_offset(fdt, BUS);
	if (bus == -FDT_ERR_NOTFOUND)
		bus = fdt_add_subnode(fdt, 0, "platform-bus@c000000");
	assert_fdt(bus);
	assert_fdt(fdt_setprop_u32(fdt, bus, "#address-cells", 1));
	assert_fdt(fdt_setprop_u32(fdt, bus, "#size-cells", 1));
	set_cells(fdt, bus, (const uint32_t[]){ 0, 0, 0xc000000, 0x2000000 }, 4, "ranges");
	assert_fdt(fdt_setprop(fdt, bus, "compatible", "qemu,platform\0simple-bus", 25));
	int tpm = fdt_add_subnode(fdt, bus, "tpm_tis@0");
	assert_fdt(tpm);
	set_cells(fdt, tpm, (const uint32_t[]){ 0, 0x5000 }, 2, "reg");
	assert_fdt(fdt_setprop_string(fdt, tpm, "compatible", "tcg,tpm-tis-mmio"));
	return fdt;
}

static int off(const void *fdt, const char *path)
{
	int n = fdt_path_offset(fdt, path);
	if (n < 0)
		fail_msg("%s: %s", path, fdt_strerror(n));
	return n;
}

static void assert_found(const void *fdt, uint64_t base, uint64_t size, const char *path)
{
	struct dt_tpm t;
	struct error e;
	assert_ok(dt_find_tpm(fdt, &t, &e), &e);
	if (t.base != base || t.size != size || strcmp(t.path, path))
		fail_msg("found %s at 0x%llx+0x%llx, expected %s at 0x%llx+0x%llx", t.path,
			 (unsigned long long)t.base, (unsigned long long)t.size, path,
			 (unsigned long long)base, (unsigned long long)size);
}

static void assert_refused(const void *fdt, const char *what)
{
	struct dt_tpm t;
	struct error e;
	assert_fails_mentioning(dt_find_tpm(fdt, &t, &e), &e, what);
	assert_true(!strncmp(e.msg, "tpm: ", 5));
}

static void test_tpm_qemu(void **state)
{
	(void)state;
	assert_found(virt_tpm(), QEMU_TPM_BASE, QEMU_TPM_SIZE, TPM);
}

static void test_tpm_absent(void **state)
{
	(void)state;
	struct dt_tpm t;
	struct error e;
	assert_int_equal(dt_find_tpm(virt(), &t, &e), 1);
	/* A disabled one is not there either. */
	void *fdt = virt_tpm();
	assert_fdt(fdt_setprop_string(fdt, off(fdt, TPM), "status", "disabled"));
	assert_int_equal(dt_find_tpm(fdt, &t, &e), 1);
}

/* A disabled TPM first, an enabled one after it: the enabled one. */
static void test_tpm_second_enabled(void **state)
{
	(void)state;
	void *fdt = virt_tpm();
	assert_fdt(fdt_setprop_string(fdt, off(fdt, TPM), "status", "disabled"));
	int tpm = fdt_add_subnode(fdt, off(fdt, BUS), "tpm_tis@10000");
	assert_fdt(tpm);
	set_cells(fdt, tpm, (const uint32_t[]){ 0x10000, 0x5000 }, 2, "reg");
	assert_fdt(fdt_setprop_string(fdt, tpm, "compatible", "tcg,tpm-tis-mmio"));
	assert_fdt(fdt_setprop_string(fdt, tpm, "status", "okay"));
	assert_found(fdt, QEMU_TPM_BASE + 0x10000, QEMU_TPM_SIZE, BUS "/tpm_tis@10000");
}

/* An empty ranges maps 1:1; two levels of buses, each translated; 64-bit
 * addresses from two cells. */
static void test_tpm_translation(void **state)
{
	(void)state;
	void *fdt = virt_tpm();
	assert_fdt(fdt_setprop(fdt, off(fdt, BUS), "ranges", NULL, 0));
	assert_found(fdt, 0, QEMU_TPM_SIZE, TPM);

	/* / (2 cells) > outer@0 (2+2, ranges 0x1_0000_0000 -> 0x80_0000_0000)
	 * > inner (1+1, ranges 0x1000 -> outer's 0x1_0000_2000) > tpm. */
	fdt = virt();
	int outer = fdt_add_subnode(fdt, 0, "outer");
	assert_fdt(outer);
	assert_fdt(fdt_setprop_u32(fdt, outer, "#address-cells", 2));
	assert_fdt(fdt_setprop_u32(fdt, outer, "#size-cells", 2));
	set_cells(fdt, outer, (const uint32_t[]){ 1, 0, 0x80, 0, 0, 0x10000000 }, 6, "ranges");
	int inner = fdt_add_subnode(fdt, outer, "inner");
	assert_fdt(inner);
	assert_fdt(fdt_setprop_u32(fdt, inner, "#address-cells", 1));
	assert_fdt(fdt_setprop_u32(fdt, inner, "#size-cells", 1));
	/* Two entries: the first does not cover the TPM. */
	set_cells(fdt, inner, (const uint32_t[]){ 0, 1, 0, 0x1000, 0x1000, 1, 0x2000, 0x100000 },
		  8, "ranges");
	int tpm = fdt_add_subnode(fdt, inner, "tpm@3000");
	assert_fdt(tpm);
	set_cells(fdt, tpm, (const uint32_t[]){ 0x3000, 0x5000 }, 2, "reg");
	assert_fdt(fdt_setprop_string(fdt, tpm, "compatible", "tcg,tpm-tis-mmio"));
	assert_found(fdt, 0x8000004000ull, QEMU_TPM_SIZE, "/outer/inner/tpm@3000");
}

/* Each hostile variant: refused, naming the node or property and value. */
static void test_tpm_hostile(void **state)
{
	(void)state;
	void *fdt = virt_tpm();
	assert_fdt(fdt_delprop(fdt, off(fdt, BUS), "ranges"));
	assert_refused(fdt, "platform-bus@c000000 has no ranges");

	fdt = virt_tpm();
	set_cells(fdt, off(fdt, BUS), (const uint32_t[]){ 0, 0, 0xc000000, 0x4000 }, 4, "ranges");
	assert_refused(fdt, "0x0..0x5000 lies in no ranges entry");

	fdt = virt_tpm();
	set_cells(fdt, off(fdt, BUS), (const uint32_t[]){ 0, 0, 0xc000000, 0x2000000, 5 }, 5,
		  "ranges");
	assert_refused(fdt, "ranges is 20 bytes, not a multiple of 16");

	/* The translation runs past 2^64. */
	fdt = virt_tpm();
	set_cells(fdt, off(fdt, BUS), (const uint32_t[]){ 0, 0xffffffff, 0xfffff000, 0x2000000 },
		  4, "ranges");
	assert_refused(fdt, "past 2^64");

	fdt = virt_tpm();
	set_cells(fdt, off(fdt, TPM), (const uint32_t[]){ 0 }, 1, "reg");
	assert_refused(fdt, "reg is 4 bytes");

	fdt = virt_tpm();
	assert_fdt(fdt_delprop(fdt, off(fdt, TPM), "reg"));
	assert_refused(fdt, "no reg property");

	fdt = virt_tpm();
	set_cells(fdt, off(fdt, TPM), (const uint32_t[]){ 0, 0 }, 2, "reg");
	assert_refused(fdt, "reg size is 0");

	fdt = virt_tpm();
	assert_fdt(fdt_setprop_u32(fdt, off(fdt, BUS), "#address-cells", 3));
	assert_refused(fdt, "#address-cells 3");

	fdt = virt_tpm();
	assert_fdt(fdt_setprop_u32(fdt, off(fdt, BUS), "#size-cells", 0));
	assert_refused(fdt, "#size-cells 0");

	fdt = virt_tpm();
	assert_fdt(fdt_setprop_u64(fdt, off(fdt, BUS), "#size-cells", 1));
	assert_refused(fdt, "#size-cells is 8 bytes");

	/* The root's own cells are read too, on the way up. */
	fdt = virt_tpm();
	assert_fdt(fdt_setprop_u32(fdt, 0, "#address-cells", 0));
	assert_refused(fdt, "#address-cells 0");

	/* reg wraps at 2^64 (at the root: two address and two size cells). */
	fdt = virt();
	int tpm = fdt_add_subnode(fdt, 0, "tpm");
	assert_fdt(tpm);
	set_cells(fdt, tpm, (const uint32_t[]){ 0xffffffff, 0xfffff000, 0, 0x5000 }, 4, "reg");
	assert_fdt(fdt_setprop_string(fdt, tpm, "compatible", "tcg,tpm-tis-mmio"));
	assert_refused(fdt, "runs past 2^64");

	/* A name with a '/' in it: its path leads nowhere, and dt_patch
	 * could not find the node again. */
	fdt = virt_tpm();
	assert_fdt(fdt_set_name(fdt, off(fdt, TPM), "tpm/x"));
	assert_refused(fdt, "the path does not lead back to the node");

	/* The root itself claims to be the TPM. */
	fdt = virt();
	assert_fdt(fdt_setprop_string(fdt, 0, "compatible", "tcg,tpm-tis-mmio"));
	assert_refused(fdt, "the root node cannot be the TPM");
}

/* dt_patch with an event log: the properties Linux reads and a
 * /memreserve/, in a buffer of exactly dt_patched_size() bytes. */
static void test_tpm_log_patch(void **state)
{
	(void)state;
	void *orig = virt_tpm();
	assert_fdt(fdt_pack(orig));
	struct dt_chosen c = {
		.bootargs = "console=ttyAMA0",
		.tpm_node = TPM,
		.tpm_log_base = 0x40210000,
		.tpm_log_size = 0x10000,
	};
	uint64_t bufsize = dt_patched_size(fdt_totalsize(orig), &c);
	void *out = own(bufsize);
	struct error e;
	assert_ok(dt_patch(orig, out, bufsize, &c, &e), &e);
	int tpm = off(out, TPM);
	int len;
	const fdt64_t *base = fdt_getprop(out, tpm, "linux,sml-base", &len);
	assert_non_null(base);
	assert_int_equal(len, 8);
	assert_int_equal(fdt64_ld(base), 0x40210000);
	const fdt32_t *size = fdt_getprop(out, tpm, "linux,sml-size", &len);
	assert_non_null(size);
	assert_int_equal(len, 4);
	assert_int_equal(fdt32_ld(size), 0x10000);
	int n = fdt_num_mem_rsv(out), hit = 0;
	for (int i = 0; i < n; i++) {
		uint64_t a, s;
		assert_fdt(fdt_get_mem_rsv(out, i, &a, &s));
		hit += a == 0x40210000 && s == 0x10000;
	}
	assert_int_equal(hit, 1);

	/* A node that is not in the tree: refused, naming it. */
	c.tpm_node = "/no-such-tpm";
	assert_fails_mentioning(dt_patch(orig, out, bufsize, &c, &e), &e, "/no-such-tpm");

	/* Without a log: no properties, no reservation. */
	c.tpm_node = NULL;
	assert_ok(dt_patch(orig, out, bufsize, &c, &e), &e);
	assert_null(fdt_getprop(out, off(out, TPM), "linux,sml-base", NULL));
	assert_int_equal(fdt_num_mem_rsv(out), fdt_num_mem_rsv(orig));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_teardown(test_tpm_qemu, teardown),
	cmocka_unit_test_teardown(test_tpm_absent, teardown),
	cmocka_unit_test_teardown(test_tpm_second_enabled, teardown),
	cmocka_unit_test_teardown(test_tpm_translation, teardown),
	cmocka_unit_test_teardown(test_tpm_hostile, teardown),
	cmocka_unit_test_teardown(test_tpm_log_patch, teardown),
};

const struct unit_suite fdt_tpm_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
