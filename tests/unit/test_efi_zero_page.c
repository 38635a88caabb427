/* The x86 zero page of a UEFI boot, as shim/linux_x86_64.c sizes it at
 * placement (linux_plan) and fills it from the final memory map
 * (linux_finish, called by arch_exit_firmware just before
 * ExitBootServices). In the UEFI test binary because shim/linux_x86_64.c and
 * shim/linux_aarch64.c cannot share one. Fields are read back as raw
 * little-endian bytes at boot.rst's offsets. */
#include "efi_fake.h"

static uint64_t ld(const void *p, size_t off, size_t len)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++)
		v |= (uint64_t)((const uint8_t *)p)[off + i] << (8 * i);
	return v;
}

static uint8_t *zp_alloc(uint64_t len)
{
	uint8_t *p = malloc(len);
	assert_non_null(p);
	memset(p, 0xa5, len);
	return p;
}

#define assert_ok(call, err)                                                        \
	do {                                                                        \
		strcpy((err)->msg, "(no message)");                                 \
		int rc_ = (call);                                                   \
		if (rc_ != 0)                                                       \
			fail_msg("%s returned %d: %s", #call, rc_, (err)->msg);     \
	} while (0)

/* The map at placement: 4 ranges. */
static void small_map(struct memmap *m)
{
	struct error e;
	m->n = 0;
	assert_ok(memmap_add(m, 0, 0x9fc00, MEM_RAM, &e), &e);
	assert_ok(memmap_add(m, 0xf0000, 0x10000, MEM_RESERVED, &e), &e);
	assert_ok(memmap_add(m, MiB(1), GiB(1) - MiB(1), MEM_RAM, &e), &e);
	assert_ok(memmap_add(m, GiB(4), GiB(2), MEM_RAM, &e), &e);
	assert_ok(memmap_sanitise(m, &e), &e);
	assert_int_equal(m->n, 4);
}

/* linux_plan and linux_finish as a UEFI boot runs them: the zero page is
 * sized at placement, from the map of that moment, then filled from the
 * final map that arch_exit_firmware reads just before ExitBootServices,
 * which can have more entries (claims split free ranges, events allocate). */
static struct platform zp_pf;
static struct boot_plan zp_bp;
static uint8_t zp_setup[FAKE_KERNEL_SETUP];
static const uint8_t zp_initrd[4096];
static const char zp_cmdline[] = "console=ttyS0";

static void plan_x86(struct platform *pf, struct boot_plan *bp)
{
	struct error e;
	memset(bp, 0, sizeof(*bp));
	fake_setup_header(zp_setup);
	bp->pl.kernel_head = (struct blob){ zp_setup, sizeof(zp_setup) };
	/* The body is never read by linux_plan/linux_finish, only its length. */
	bp->pl.kernel = (struct blob){ zp_setup, FAKE_KERNEL_BODY };
	bp->pl.initrd = (struct blob){ zp_initrd, sizeof(zp_initrd) };
	bp->pl.cmdline = (struct blob){ (const uint8_t *)zp_cmdline, sizeof(zp_cmdline) - 1 };
	assert_ok(linux_plan(pf, bp, &e), &e);
}

static void test_zero_page_uefi_final_map_grows(void **state)
{
	(void)state;
	struct platform *pf = &zp_pf;
	struct boot_plan *bp = &zp_bp;
	struct error e;
	memset(pf, 0, sizeof(*pf));
	pf->efi.systab = 0x7e000000;
	pf->efi.mmap = 0x7d000000;
	pf->efi.mmap_size = 300 * 48;
	pf->efi.desc_size = 48;
	pf->efi.desc_version = 1;
	pf->seed_len = 48;
	memset(pf->seed, 0x5a, pf->seed_len);
	small_map(&pf->mem); /* the map at placement: 4 ranges */
	plan_x86(pf, bp);
	uint64_t zp_len = bp->item[ITEM_BOOTINFO].size;
	uint8_t *zp = zp_alloc(zp_len);
	bp->item[ITEM_KERNEL].dest = 0x1000000;
	bp->item[ITEM_INITRD].dest = 0x3f000000;
	bp->item[ITEM_CMDLINE].dest = 0x20000;
	bp->item[ITEM_BOOTINFO].dest = (uintptr_t)zp;

	/* The final map: 200 ranges, RAM cut by runtime services data. */
	struct memmap *m = &pf->mem;
	m->n = 0;
	for (unsigned i = 0; i < 100; i++) {
		assert_ok(memmap_add(m, MiB(1) + MiB(8) * i, MiB(7), MEM_RAM, &e), &e);
		assert_ok(memmap_add(m, MiB(8) + MiB(8) * i, MiB(1), MEM_RESERVED, &e), &e);
	}
	assert_ok(memmap_sanitise(m, &e), &e);
	assert_int_equal(m->n, 200);
	assert_ok(linux_finish(pf, bp, &e), &e);

	/* All 200 ranges reached the kernel, with the command line's and
	 * the zero page's reservations (both outside them, below and above):
	 * 128 in the page, the other 74 in SETUP_E820_EXT, then the seed. */
	assert_int_equal(ld(zp, 0x1e8, 1), 128);
	assert_int_equal(ld(zp, 0x2d0, 8), 0x20000);
	uint64_t ext = ld(zp, 0x250, 8) - (uintptr_t)zp;
	assert_int_equal(ext, 4096);
	assert_int_equal(ld(zp, ext + 8, 4), SETUP_E820_EXT);
	assert_int_equal(ld(zp, ext + 12, 4), (1 + 200 + 1 - 128) * 20);
	assert_int_equal(ld(zp, ext + 16 + 72 * 20, 8), MiB(8) + MiB(8) * 99);
	assert_int_equal(ld(zp, ext + 16 + 73 * 20, 8), (uintptr_t)zp & ~0xfffull);
	uint64_t rng = ld(zp, ext, 8) - (uintptr_t)zp;
	assert_int_equal(ld(zp, rng + 8, 4), SETUP_RNG_SEED);
	assert_int_equal(ld(zp, rng + 12, 4), 48);
	assert_int_equal(zp[rng + 16], 0x5a);
	assert_true(rng + 16 + 48 <= zp_len);
	/* efi_info ("EL64") for the kernel's EFI boot. */
	assert_int_equal(ld(zp, 0x1c0, 4), EFI64_LOADER_SIGNATURE);
	assert_int_equal(ld(zp, 0x1c4, 4), 0x7e000000);		/* efi_systab */
	assert_int_equal(ld(zp, 0x1d0, 4), 0x7d000000);		/* efi_memmap */
	assert_int_equal(ld(zp, 0x1d4, 4), 300 * 48);		/* efi_memmap_size */
	free(zp);

	/* Without a firmware that can still change the map, the zero page
	 * stays one page for a small map. */
	memset(pf, 0, sizeof(*pf));
	small_map(&pf->mem);
	plan_x86(pf, bp);
	assert_int_equal(bp->item[ITEM_BOOTINFO].size, 4096);
}

const struct CMUnitTest efi_zero_page_tests[] = {
	cmocka_unit_test(test_zero_page_uefi_final_map_grows),
};
const size_t efi_zero_page_count = ARRAY_SIZE(efi_zero_page_tests);
