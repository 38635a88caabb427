/* shim/boot.c's place_plan: the core never places an item at or above the
 * platform's map_end, the end of what the entry could identity-map (the
 * x86 bare-metal entries map RAM above 4 GiB only as far as their page-table
 * pool reaches). A copy there would fault. */
/* boot.c compiled here under its own names (first: cmocka's fail() macro
 * would hide the core's), with the little it calls faked below. */
#define platform_keep bp_platform_keep
#define boot_report_time bp_boot_report_time
#define bootshim_main bp_bootshim_main
#define arch_claim bp_arch_claim
#define arch_exit_firmware bp_arch_exit_firmware
#define arch_enter_kernel bp_arch_enter_kernel
#define arch_ticks bp_arch_ticks
#define arch_ticks_hz bp_arch_ticks_hz
#define con_printf bp_con_printf
#define fatal bp_fatal
#define linux_plan bp_linux_plan
#define linux_finish bp_linux_finish
#define payload_get bp_payload_get
#define measure_boot bp_measure_boot
#include "boot.c"

#include "unit.h"

/* Never reached: the tests call place_plan only. */
void con_printf(const char *fmt, ...) { (void)fmt; }
void fatal(const struct error *e) { fail_msg("fatal: %s", e->msg); abort(); }
int linux_plan(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	(void)pf, (void)bp, (void)e;
	return -1;
}
int linux_finish(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	(void)pf, (void)bp, (void)e;
	return -1;
}
void payload_get(struct payload *pl) { (void)pl; }
void measure_boot(const struct platform *pf, const struct payload *pl) { (void)pf, (void)pl; }
uint64_t arch_ticks(void) { return 0; }
uint64_t arch_ticks_hz(void) { return 0; }
void arch_enter_kernel(const struct handoff *h) { (void)h; abort(); }

/* 127 MiB below 4 GiB, 1 GiB above it: as QEMU's -M q35,max-ram-below-4g=128M
 * -m 1G gives. */
static const struct mem_range ram[] = {
	{ MiB(1), MiB(127), MEM_RAM },
	{ GiB(4), GiB(1), MEM_RAM },
};

static struct platform pf;
static struct boot_plan bp;

/* Every item as the x86 protocol may allow them: anywhere, from the top;
 * the initrd too big for the RAM below 4 GiB. */
static void plan(uint64_t map_end)
{
	memset(&pf, 0, sizeof(pf));
	memset(&bp, 0, sizeof(bp));
	map_build(&pf.mem, ram, ARRAY_SIZE(ram));
	pf.map_end = map_end;
	static const struct {
		const char *name;
		uint64_t size, align;
	} it[ITEM_COUNT] = {
		[ITEM_KERNEL] = { "kernel", MiB(40), MiB(2) },
		[ITEM_INITRD] = { "initrd", MiB(200), KiB(4) },
		[ITEM_CMDLINE] = { "cmdline", KiB(4), KiB(4) },
		[ITEM_BOOTINFO] = { "zero page", KiB(4), KiB(4) },
	};
	for (size_t i = 0; i < ITEM_COUNT; i++)
		bp.item[i] = (struct place_item){
			.name = it[i].name, .size = it[i].size, .align = it[i].align,
			.min = 0, .max = UINT64_MAX, .high = true,
		};
}

static void test_map_end_clips_every_item(void **state)
{
	(void)state;
	const uint64_t map_end = GiB(4) + MiB(512);
	struct error err;
	plan(map_end);
	assert_ok(place_plan(&pf, &bp, &err), &err);
	for (size_t i = 0; i < ITEM_COUNT; i++)
		if (bp.item[i].dest + bp.item[i].size > map_end)
			fail_msg("%s at [0x%llx, +0x%llx) reaches past map_end 0x%llx",
				 bp.item[i].name, (unsigned long long)bp.item[i].dest,
				 (unsigned long long)bp.item[i].size, (unsigned long long)map_end);
	/* The initrd still went above 4 GiB: only the unmapped part is out. */
	assert_true(bp.item[ITEM_INITRD].dest >= GiB(4));
}

static void test_map_end_no_room(void **state)
{
	(void)state;
	struct error err;
	plan(GiB(4)); /* nothing mapped above 4 GiB */
	assert_fails_mentioning(place_plan(&pf, &bp, &err), &err, "initrd");
	assert_err_mentions(&err, "0x100000000)");
}

static void test_map_end_zero_is_no_limit(void **state)
{
	(void)state;
	struct error err;
	plan(0); /* UEFI: the firmware maps everything */
	assert_ok(place_plan(&pf, &bp, &err), &err);
	assert_int_equal(bp.item[ITEM_KERNEL].dest + bp.item[ITEM_KERNEL].size, GiB(5));
}

#define T(f) cmocka_unit_test(f)
static const struct CMUnitTest tests[] = {
	T(test_map_end_clips_every_item),
	T(test_map_end_no_room),
	T(test_map_end_zero_is_no_limit),
};
const struct unit_suite boot_place_suite = { tests, ARRAY_SIZE(tests) };
