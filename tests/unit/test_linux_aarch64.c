/* shim/linux_aarch64.c, the arm64 boot protocol over the core: what
 * linux_plan asks of placement and what linux_finish writes to /chosen,
 * on a synthetic Image and a DTB built here with libfdt. */
/* The unit binary links linux_x86_64.c's linux_plan and linux_finish too:
 * this file compiles the arm64 ones (with shim/linux_dt.c) under their own names (first: cmocka's
 * fail() macro would hide the core's). */
#define linux_plan aarch64_linux_plan
#define linux_finish aarch64_linux_finish
#define linux_refresh aarch64_linux_refresh
#include "linux_aarch64.c"
#include "linux_dt.c"

#include "unit.h"

#include <libfdt.h>

#define assert_fdt(call)                                                            \
	do {                                                                        \
		int r_ = (call);                                                    \
		if (r_ < 0)                                                         \
			fail_msg("%s: %s", #call, fdt_strerror(r_));                \
	} while (0)

/* QEMU virt: 1 GiB of RAM at 1 GiB; a 64 KiB no-map reservation 64 KiB
 * into it (firmware's, as a bootloader may leave). */
#define RAM_BASE GiB(1)
#define RAM_SIZE GiB(1)
#define NOMAP_BASE (RAM_BASE + KiB(64))
#define NOMAP_SIZE KiB(64)
#define DTB_BUF 8192

static void make_dtb(void *buf)
{
	assert_fdt(fdt_create_empty_tree(buf, DTB_BUF));
	assert_fdt(fdt_setprop_u32(buf, 0, "#address-cells", 2));
	assert_fdt(fdt_setprop_u32(buf, 0, "#size-cells", 2));
	int mem = fdt_add_subnode(buf, 0, "memory@40000000");
	assert_fdt(mem);
	assert_fdt(fdt_setprop_string(buf, mem, "device_type", "memory"));
	fdt64_t reg[2] = { cpu_to_fdt64(RAM_BASE), cpu_to_fdt64(RAM_SIZE) };
	assert_fdt(fdt_setprop(buf, mem, "reg", reg, sizeof(reg)));
	int rsv = fdt_add_subnode(buf, 0, "reserved-memory");
	assert_fdt(rsv);
	assert_fdt(fdt_setprop_u32(buf, rsv, "#address-cells", 2));
	assert_fdt(fdt_setprop_u32(buf, rsv, "#size-cells", 2));
	assert_fdt(fdt_setprop(buf, rsv, "ranges", NULL, 0));
	int fw = fdt_add_subnode(buf, rsv, "firmware@40010000");
	assert_fdt(fw);
	fdt64_t fwreg[2] = { cpu_to_fdt64(NOMAP_BASE), cpu_to_fdt64(NOMAP_SIZE) };
	assert_fdt(fdt_setprop(buf, fw, "reg", fwreg, sizeof(fwreg)));
	assert_fdt(fdt_setprop(buf, fw, "no-map", NULL, 0));
	assert_fdt(fdt_add_subnode(buf, 0, "chosen"));
	assert_fdt(fdt_pack(buf));
}

/* A 64 KiB Image: the header of booting.rst, text_offset 0, 4 MiB
 * image_size, "anywhere". */
static uint8_t image[KiB(64)];
static uint8_t initrd[KiB(32)];
static const char cmdline[] = "console=ttyAMA0";

struct fixture {
	struct platform pf;
	struct boot_plan bp;
	uint8_t dtb[DTB_BUF];
};

static void setup(struct fixture *f)
{
	struct error e;
	memset(f, 0, sizeof(*f));
	struct aarch64_image_header h = {
		.image_size = MiB(4),
		.flags = AARCH64_FLAG_ANYWHERE | (1u << AARCH64_FLAG_PAGE_SIZE_SHIFT),
		.magic = AARCH64_IMAGE_MAGIC,
	};
	memcpy(image, &h, sizeof(h));
	make_dtb(f->dtb);
	uint64_t size;
	assert_ok(dt_check(f->dtb, DTB_BUF, &size, &e), &e);
	f->pf.dtb = f->dtb;
	f->pf.dtb_size = size;
	assert_ok(dt_memory(f->dtb, &f->pf.mem, &e), &e);
	assert_ok(memmap_sanitise(&f->pf.mem, &e), &e);
	f->bp.pl.kernel = (struct blob){ image, sizeof(image) };
	f->bp.pl.initrd = (struct blob){ initrd, sizeof(initrd) };
	f->bp.pl.cmdline = (struct blob){ (const uint8_t *)cmdline, sizeof(cmdline) - 1 };
}

static int plan_and_place(struct fixture *f, struct error *e)
{
	if (linux_plan(&f->pf, &f->bp, e))
		return -1;
	struct place_req req = { &f->pf.mem, NULL, 0, f->bp.item, ITEM_COUNT };
	return place(&req, e);
}

/* booting.rst: the DTB "must not be placed within any 2M region which must
 * be mapped with any specific attributes": the no-map reservation's block
 * is such a region. */
static void test_aarch64_dtb_clear_of_nomap_block(void **state)
{
	(void)state;
	static struct fixture f;
	struct error e;
	setup(&f);
	assert_ok(plan_and_place(&f, &e), &e);
	const struct place_item *d = &f.bp.item[ITEM_BOOTINFO];
	uint64_t lo = align_down(d->dest, MiB(2));
	uint64_t hi;
	assert_true(align_up(d->dest + d->size, MiB(2), &hi));
	if (ranges_overlap(lo, hi - lo, NOMAP_BASE, NOMAP_SIZE))
		fail_msg("dtb at [0x%llx, 0x%llx): its 2 MiB blocks [0x%llx, 0x%llx) hold the "
			 "no-map range at 0x%llx",
			 (unsigned long long)d->dest, (unsigned long long)(d->dest + d->size),
			 (unsigned long long)lo, (unsigned long long)hi,
			 (unsigned long long)NOMAP_BASE);
	assert_true(memmap_is_ram(&f.pf.mem, lo, hi - lo));
	/* The smaller items still use the rest of that first block. */
	assert_true(f.bp.item[ITEM_INITRD].dest < RAM_BASE + MiB(2));
}

/* Distinct byte values 1..64 in the platform's seed, so that a byte of
 * kaslr-seed found in rng-seed can only be a shared one. */
static void test_aarch64_seeds_disjoint(void **state)
{
	(void)state;
	static struct fixture f;
	struct error e;
	setup(&f);
	for (size_t i = 0; i < sizeof(f.pf.seed); i++)
		f.pf.seed[i] = (uint8_t)(i + 1);
	f.pf.seed_len = sizeof(f.pf.seed);
	assert_ok(plan_and_place(&f, &e), &e);
	/* Patch into a host buffer of the size placement reserved. */
	struct place_item *d = &f.bp.item[ITEM_BOOTINFO];
	void *out = calloc(1, d->size);
	assert_non_null(out);
	d->dest = (uintptr_t)out;
	assert_ok(linux_finish(&f.pf, &f.bp, &e), &e);

	int chosen = fdt_path_offset(out, "/chosen"), rlen, klen;
	assert_fdt(chosen);
	const uint8_t *rng = fdt_getprop(out, chosen, "rng-seed", &rlen);
	const uint8_t *kaslr = fdt_getprop(out, chosen, "kaslr-seed", &klen);
	assert_non_null(rng);
	assert_non_null(kaslr);
	assert_int_equal(klen, 8);
	assert_true(rlen >= 8);
	for (int k = 0; k < klen; k++) {
		assert_int_not_equal(kaslr[k], 0); /* drawn from the seed */
		if (memchr(rng, kaslr[k], (size_t)rlen))
			fail_msg("kaslr-seed byte 0x%02x is also in rng-seed", kaslr[k]);
	}
	/* Nothing is thrown away either: together they are the whole seed. */
	assert_int_equal(rlen + klen, sizeof(f.pf.seed));
	free(out);
}

/* Too little entropy for two disjoint draws: neither property. */
static void test_aarch64_seed_too_short(void **state)
{
	(void)state;
	static struct fixture f;
	struct error e;
	setup(&f);
	f.pf.seed_len = 15;
	assert_ok(plan_and_place(&f, &e), &e);
	struct place_item *d = &f.bp.item[ITEM_BOOTINFO];
	void *out = calloc(1, d->size);
	assert_non_null(out);
	d->dest = (uintptr_t)out;
	assert_ok(linux_finish(&f.pf, &f.bp, &e), &e);
	int chosen = fdt_path_offset(out, "/chosen"), len;
	assert_fdt(chosen);
	assert_null(fdt_getprop(out, chosen, "rng-seed", &len));
	assert_null(fdt_getprop(out, chosen, "kaslr-seed", &len));
	free(out);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_aarch64_dtb_clear_of_nomap_block),
	cmocka_unit_test(test_aarch64_seeds_disjoint),
	cmocka_unit_test(test_aarch64_seed_too_short),
};

const struct unit_suite linux_arm64_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
