/* shim/fdt.c on a UEFI boot: the linux,uefi-* properties dt_patch adds to
 * /chosen (uefi_props), the memory nodes and /memreserve/ entries it
 * removes, the fixed 1024 bytes of slack in dt_patched_size() with all of
 * that present, and dt_update_uefi_mmap's in-place rewrite.
 *
 * What is expected is what Linux's EFI stub does itself
 * (drivers/firmware/efi/libstub/fdt.c, update_fdt() and
 * update_fdt_memmap()): "linux,uefi-system-table" and
 * "linux,uefi-mmap-start" as 64-bit values, "linux,uefi-mmap-size",
 * "-desc-size", "-desc-ver" and "linux,uefi-secure-boot" as 32-bit ones;
 * every device_type "memory" node and every /memreserve/ entry deleted,
 * "The UEFI memory map is the only memory description"; /reserved-memory
 * kept.
 *
 * A /chosen that itself says device_type "memory" is deleted with the
 * memory nodes first and recreated, as the stub does; a root that says so
 * is refused.
 *
 * DTBs come from tests/unit/dtb/ (BOOTSHIM_TEST_DTB_DIR), each in a buffer
 * of exactly its size; every buffer is freed by the teardown. */
#include "unit.h"
#include "fdt.h"

#include <errno.h>
#include <libfdt.h>

/* Linux's stub: a u64 and a u32 property. */
#define U64 8
#define U32 4

static void *bufs[16];
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

static void *load(const char *name, size_t *size)
{
	const char *dir = getenv("BOOTSHIM_TEST_DTB_DIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "tests/unit/dtb", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: %s (tests/unit/dtb/mkdtbs.sh writes the DTBs)", path,
			 strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	void *buf = own((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static uint64_t prop_be(const void *fdt, int node, const char *name, int len)
{
	int got;
	const uint8_t *p = fdt_getprop(fdt, node, name, &got);
	if (!p)
		fail_msg("property %s is missing", name);
	if (got != len)
		fail_msg("property %s is %d bytes, expected %d", name, got, len);
	uint64_t v = 0;
	for (int i = 0; i < len; i++)
		v = v << 8 | p[i];
	return v;
}

static const uint8_t seed[64] = { 0x5e, 0xed };

/* A UEFI boot's /chosen: the values are the ones a 48-byte-descriptor
 * map of 0x1a40 bytes at 0x1bf6a3000 would give. */
static struct dt_chosen uefi(const char *bootargs)
{
	return (struct dt_chosen){
		.bootargs = bootargs,
		.initrd_start = 0x48000000,
		.initrd_end = 0x48123457,
		.seed = seed,
		.seed_len = sizeof(seed),
		.kaslr_seed = 0x0123456789abcdefull,
		.uefi_systab = 0xbfe5f018,
		.uefi_mmap = 0x1bf6a3000ull,
		.uefi_mmap_size = 0x1a40,
		.uefi_desc_size = 48,
		.uefi_desc_ver = 1,
		.uefi_secure_boot = 1,
	};
}

/* dt_patch `name` into exactly dt_patched_size() bytes. */
static uint8_t *patch(const char *name, const struct dt_chosen *c, uint64_t *bufsize)
{
	size_t size;
	void *orig = load(name, &size);
	*bufsize = dt_patched_size(size, c);
	uint8_t *out = own(*bufsize);
	struct error e;
	assert_ok(dt_patch(orig, out, *bufsize, c, &e), &e);
	assert_true(fdt_totalsize(out) <= *bufsize);
	uint64_t total;
	assert_ok(dt_check(out, *bufsize, &total, &e), &e);
	return out;
}

static void assert_uefi_props(const void *fdt, const struct dt_chosen *c)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	assert_true(chosen >= 0);
	assert_int_equal(prop_be(fdt, chosen, "linux,uefi-system-table", U64), c->uefi_systab);
	assert_int_equal(prop_be(fdt, chosen, "linux,uefi-mmap-start", U64), c->uefi_mmap);
	assert_int_equal(prop_be(fdt, chosen, "linux,uefi-mmap-size", U32), c->uefi_mmap_size);
	assert_int_equal(prop_be(fdt, chosen, "linux,uefi-mmap-desc-size", U32),
			 c->uefi_desc_size);
	assert_int_equal(prop_be(fdt, chosen, "linux,uefi-mmap-desc-ver", U32),
			 c->uefi_desc_ver);
	assert_int_equal(prop_be(fdt, chosen, "linux,uefi-secure-boot", U32),
			 c->uefi_secure_boot);
	/* and the rest of /chosen as on any boot */
	int len;
	const char *args = fdt_getprop(fdt, chosen, "bootargs", &len);
	assert_non_null(args);
	assert_int_equal(len, strlen(c->bootargs) + 1);
	assert_string_equal(args, c->bootargs);
	assert_int_equal(prop_be(fdt, chosen, "kaslr-seed", U64), c->kaslr_seed);
}

static void assert_no_memory(const void *fdt)
{
	assert_int_equal(fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7),
			 -FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_num_mem_rsv(fdt), 0);
}

/* QEMU's virt DTB: the six properties, and its /memory node gone. */
static void test_fdt_uefi_props_qemu(void **state)
{
	(void)state;
	struct dt_chosen c = uefi("console=ttyAMA0 root=/dev/vda2");
	size_t size;
	const void *orig = load("qemu-virt-512m.dtb", &size);
	assert_true(fdt_node_offset_by_prop_value(orig, -1, "device_type", "memory", 7) >= 0);
	uint64_t bufsize;
	uint8_t *out = patch("qemu-virt-512m.dtb", &c, &bufsize);
	assert_uefi_props(out, &c);
	assert_no_memory(out);
	/* The shim itself then finds no memory in it: the UEFI map is all. */
	static struct memmap m;
	struct error e;
	m.n = 0;
	assert_fails_mentioning(dt_memory(out, &m, &e), &e, "no /memory");
	/* A second value of secure boot, and a system table above 4 GiB. */
	c.uefi_secure_boot = 0;
	c.uefi_systab = 0x13ffff018ull;
	out = patch("qemu-virt-512m.dtb", &c, &bufsize);
	assert_uefi_props(out, &c);
}

/* Two memory nodes, two /memreserve/ entries and a /chosen with stale
 * contents: all memory descriptions go, /reserved-memory stays (the stub
 * keeps it: it is not memory the UEFI map describes differently). */
static void test_fdt_uefi_removes_memory(void **state)
{
	(void)state;
	struct dt_chosen c = uefi("quiet");
	size_t size;
	const void *orig = load("reserved.dtb", &size);
	assert_int_equal(fdt_num_mem_rsv(orig), 2);
	uint64_t bufsize;
	uint8_t *out = patch("reserved.dtb", &c, &bufsize);
	assert_uefi_props(out, &c);
	assert_no_memory(out);
	int rsv = fdt_path_offset(out, "/reserved-memory");
	assert_true(rsv >= 0);
	assert_true(fdt_first_subnode(out, rsv) >= 0);
	/* Without a UEFI system table, nothing of that happens. */
	c.uefi_systab = 0;
	out = patch("reserved.dtb", &c, &bufsize);
	int chosen = fdt_path_offset(out, "/chosen");
	assert_null(fdt_getprop(out, chosen, "linux,uefi-system-table", NULL));
	assert_null(fdt_getprop(out, chosen, "linux,uefi-mmap-start", NULL));
	assert_int_equal(fdt_num_mem_rsv(out), 2);
	assert_true(fdt_node_offset_by_prop_value(out, -1, "device_type", "memory", 7) >= 0);
}

/* reserved.dtb with device_type "memory" on /chosen (or on the root), in
 * a buffer with room for the new property. */
static void *with_memory_type(const char *path, size_t *size)
{
	const void *orig = load("reserved.dtb", size);
	*size += 64;
	void *t = own(*size);
	assert_int_equal(fdt_open_into(orig, t, (int)*size), 0);
	int node = fdt_path_offset(t, path);
	assert_true(node >= 0);
	assert_int_equal(fdt_setprop_string(t, node, "device_type", "memory"), 0);
	return t;
}

static void test_fdt_uefi_chosen_said_memory(void **state)
{
	(void)state;
	struct dt_chosen c = uefi("console=ttyAMA0 chosen=memory");
	size_t size;
	void *t = with_memory_type("/chosen", &size);
	uint64_t bufsize = dt_patched_size(size, &c);
	uint8_t *out = own(bufsize);
	struct error e;
	assert_ok(dt_patch(t, out, bufsize, &c, &e), &e);
	assert_uefi_props(out, &c);
	assert_no_memory(out);

	t = with_memory_type("/", &size);
	bufsize = dt_patched_size(size, &c);
	out = own(bufsize);
	assert_fails_mentioning(dt_patch(t, out, bufsize, &c, &e), &e,
				"root node has device_type");
}

/* dt_patched_size() adds a fixed 1024 bytes for property headers, names
 * and padding: enough with every property a boot can add, the UEFI ones
 * included, on every test DTB (with and without a /chosen, with 32-bit
 * cells), with arm64's longest command line and a 64-byte seed. Each DTB
 * is packed first (no free space of its own to borrow), and patched into
 * exactly dt_patched_size() bytes. */
static void test_fdt_uefi_slack(void **state)
{
	(void)state;
	static const char *const dtbs[] = { "qemu-virt-512m.dtb", "qemu-virt-6g-smp2.dtb",
					    "reserved.dtb", "cells32.dtb", "nomemory.dtb",
					    "fullpath.dtb", "alias-stdout.dtb" };
	char *args = own(2048);
	memset(args, 'x', 2047);
	for (size_t i = 0; i < ARRAY_SIZE(dtbs); i++) {
		struct dt_chosen c = uefi(args);
		size_t size;
		uint8_t *orig = load(dtbs[i], &size);
		assert_int_equal(fdt_pack(orig), 0);
		uint64_t packed = fdt_totalsize(orig);
		uint64_t bufsize = dt_patched_size(packed, &c);
		uint8_t *out = own(bufsize);
		struct error e;
		assert_ok(dt_patch(orig, out, bufsize, &c, &e), &e);
		assert_uefi_props(out, &c);
		assert_int_equal(fdt_pack(out), 0);
		uint64_t used = fdt_totalsize(out) - packed - (strlen(args) + 1) - c.seed_len;
		print_message("%s: a UEFI patch needs %lld of the 1024 bytes of slack\n", dtbs[i],
			      (long long)used);
	}
}

/* dt_update_uefi_mmap between GetMemoryMap and ExitBootServices: the four
 * memory map values change in place, nothing else, not the size. */
static void test_fdt_uefi_update(void **state)
{
	(void)state;
	struct dt_chosen c = uefi("console=ttyAMA0");
	uint64_t bufsize;
	uint8_t *out = patch("qemu-virt-2g-smp4.dtb", &c, &bufsize);
	uint64_t total = fdt_totalsize(out);
	uint8_t *before = own(total);
	memcpy(before, out, total);

	struct dt_chosen u = c;
	u.uefi_mmap = 0xfedcba9876543000ull;
	u.uefi_mmap_size = 0x3000;
	u.uefi_desc_size = 56;
	u.uefi_desc_ver = 2;
	u.uefi_systab = 0x1234; /* not part of the update */
	u.uefi_secure_boot = 0;
	struct error e;
	assert_ok(dt_update_uefi_mmap(out, &u, &e), &e);
	assert_int_equal(fdt_totalsize(out), total);
	int chosen = fdt_path_offset(out, "/chosen");
	assert_int_equal(prop_be(out, chosen, "linux,uefi-mmap-start", U64), u.uefi_mmap);
	assert_int_equal(prop_be(out, chosen, "linux,uefi-mmap-size", U32), u.uefi_mmap_size);
	assert_int_equal(prop_be(out, chosen, "linux,uefi-mmap-desc-size", U32),
			 u.uefi_desc_size);
	assert_int_equal(prop_be(out, chosen, "linux,uefi-mmap-desc-ver", U32), u.uefi_desc_ver);
	assert_int_equal(prop_be(out, chosen, "linux,uefi-system-table", U64), c.uefi_systab);
	assert_int_equal(prop_be(out, chosen, "linux,uefi-secure-boot", U32),
			 c.uefi_secure_boot);
	/* Byte for byte: only the 8 + 4 + 4 + 4 value bytes differ. */
	size_t changed = 0;
	for (uint64_t i = 0; i < total; i++)
		changed += before[i] != out[i];
	assert_true(changed > 0 && changed <= U64 + 3 * U32);
	static const char *const names[] = { "linux,uefi-mmap-start", "linux,uefi-mmap-size",
					     "linux,uefi-mmap-desc-size",
					     "linux,uefi-mmap-desc-ver" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		int len;
		const uint8_t *p = fdt_getprop(out, chosen, names[i], &len);
		memcpy(before + (p - out), p, (size_t)len);
	}
	assert_memory_equal(before, out, total);
	uint64_t t2;
	assert_ok(dt_check(out, total, &t2, &e), &e);
}

/* A tree dt_patch did not give the UEFI properties: a refusal naming what
 * failed, and the tree untouched. */
static void test_fdt_uefi_update_without_props(void **state)
{
	(void)state;
	struct dt_chosen c = uefi("console=ttyAMA0");
	c.uefi_systab = 0;
	uint64_t bufsize;
	uint8_t *out = patch("qemu-virt-512m.dtb", &c, &bufsize);
	uint64_t total = fdt_totalsize(out);
	uint8_t *before = own(total);
	memcpy(before, out, total);
	struct error e;
	c.uefi_mmap = 0x1000;
	assert_fails_mentioning(dt_update_uefi_mmap(out, &c, &e), &e, "UEFI memory map");
	assert_true(!strncmp(e.msg, "dtb: ", 5));
	assert_memory_equal(before, out, total);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_teardown(test_fdt_uefi_props_qemu, teardown),
	cmocka_unit_test_teardown(test_fdt_uefi_removes_memory, teardown),
	cmocka_unit_test_teardown(test_fdt_uefi_chosen_said_memory, teardown),
	cmocka_unit_test_teardown(test_fdt_uefi_slack, teardown),
	cmocka_unit_test_teardown(test_fdt_uefi_update, teardown),
	cmocka_unit_test_teardown(test_fdt_uefi_update_without_props, teardown),
};

const struct unit_suite fdt_uefi_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
