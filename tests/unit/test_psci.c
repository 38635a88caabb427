/* The EL3 PSCI firmware's pure parts: the SMC dispatcher
 * (arch/aarch64/psci.c) and the DTB it describes itself in
 * (shim/fdt.c's dt_cpus, dt_add_psci, dt_gpio_line), on QEMU's own
 * secure=on DTB. */
#include "unit.h"
#include "fdt.h"
#include "aarch64/psci.h"

#include <errno.h>
#include <libfdt.h>

/* Four CPUs (0.0.0 on, 0.0.1-0.0.3 off) and 1 GiB of RAM at 1 GiB, the
 * firmware's own 256 KiB at 0x40200000: QEMU virt -smp 4 -m 1G. */
#define RAM_BASE 0x40000000ull
#define FW_BASE 0x40200000ull
#define FW_END 0x40240000ull
#define KERNEL_ENTRY 0x40410000ull

static struct psci_state four(void)
{
	struct psci_state s = { 0 };
	assert_int_equal(psci_add_cpu(&s, 0, true), 0);
	for (uint64_t m = 1; m < 4; m++)
		assert_int_equal(psci_add_cpu(&s, m, false), (int)m);
	assert_int_equal(psci_add_ram(&s, RAM_BASE, GiB(1)), 0);
	s.fw_base = FW_BASE;
	s.fw_end = FW_END;
	return s;
}

static struct psci_result call(struct psci_state *s, unsigned caller, uint64_t fid,
			       uint64_t a1, uint64_t a2, uint64_t a3)
{
	return psci_dispatch(s, caller, fid, a1, a2, a3);
}

static void test_psci_slot(void **state)
{
	(void)state;
	assert_int_equal(psci_slot(0), 0);
	assert_int_equal(psci_slot(3), 3);
	assert_int_equal(psci_slot(0x100), 16);		/* Aff1 1 (GICv2: CPU 8) */
	assert_int_equal(psci_slot(0x10f), 31);
	assert_int_equal(psci_slot(0x200), -1);		/* past PSCI_MAX_CPUS */
	assert_int_equal(psci_slot(0x10), -1);		/* Aff0 16 */
	assert_int_equal(psci_slot(0x10000), -1);	/* Aff2 */
	assert_int_equal(psci_slot(0x100000000ull), -1);	/* Aff3 */
	assert_int_equal(psci_slot(0x80000000ull), -1);	/* MPIDR bit 31: not affinity */
	struct psci_state s = four();
	assert_int_equal(psci_add_cpu(&s, 2, false), -1);	/* taken */
}

static void test_psci_version_migrate(void **state)
{
	(void)state;
	struct psci_state s = four();
	struct psci_result r = call(&s, 0, PSCI_VERSION, 0, 0, 0);
	assert_int_equal(r.ret, 0x10001);
	assert_int_equal(r.action, PSCI_ACT_RETURN);
	assert_int_equal(call(&s, 0, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0).ret, 2);
	/* The upper 32 bits of x0 are not part of the function ID. */
	assert_int_equal(call(&s, 0, 0xffffffff00000000ull | PSCI_VERSION, 0, 0, 0).ret,
			 0x10001);
}

static void test_psci_unknown(void **state)
{
	(void)state;
	struct psci_state s = four();
	static const uint64_t fids[] = {
		PSCI_CPU_SUSPEND, PSCI_CPU_SUSPEND | PSCI_FN_SMC64, PSCI_MIGRATE,
		PSCI_MIGRATE_INFO_UP_CPU, 0x8400000b /* PSCI_CPU_FREEZE */,
		0x8400000e /* SYSTEM_SUSPEND */, 0x84000012 /* SYSTEM_RESET2 */,
		0x80000000 /* SMCCC_VERSION */, 0x80008000 /* SMCCC_ARCH_WORKAROUND_1 */,
		0xc4000000 /* PSCI_VERSION as SMC64: not a function */, 0,
	};
	for (size_t i = 0; i < ARRAY_SIZE(fids); i++) {
		struct psci_result r = call(&s, 0, fids[i], 1, KERNEL_ENTRY, 0);
		if (r.ret != PSCI_RET_NOT_SUPPORTED || r.action != PSCI_ACT_RETURN)
			fail_msg("fid 0x%llx: ret %lld action %d", (unsigned long long)fids[i],
				 (long long)r.ret, r.action);
	}
	/* Nothing changed. */
	struct psci_state want = four();
	assert_memory_equal(&s, &want, sizeof(s));
}

static void test_psci_features(void **state)
{
	(void)state;
	struct psci_state s = four();
	static const uint32_t supported[] = {
		PSCI_VERSION,	    PSCI_CPU_OFF_FN,	  PSCI_CPU_ON_FN,	 PSCI_CPU_ON_64,
		PSCI_AFFINITY_INFO, PSCI_AFFINITY_INFO_64, PSCI_MIGRATE_INFO_TYPE,
		PSCI_SYSTEM_OFF,    PSCI_SYSTEM_RESET,	  PSCI_FEATURES,
	};
	for (size_t i = 0; i < ARRAY_SIZE(supported); i++)
		if (call(&s, 0, PSCI_FEATURES, supported[i], 0, 0).ret != PSCI_RET_SUCCESS)
			fail_msg("PSCI_FEATURES(0x%x) is not SUCCESS", supported[i]);
	static const uint32_t not[] = { PSCI_CPU_SUSPEND, PSCI_MIGRATE, 0x8400000e,
					0x80000000, 0x84000012, PSCI_VERSION | PSCI_FN_SMC64 };
	for (size_t i = 0; i < ARRAY_SIZE(not); i++)
		if (call(&s, 0, PSCI_FEATURES, not[i], 0, 0).ret != PSCI_RET_NOT_SUPPORTED)
			fail_msg("PSCI_FEATURES(0x%x) is not NOT_SUPPORTED", not[i]);
}

static void test_psci_cpu_on(void **state)
{
	(void)state;
	struct psci_state s = four();
	struct psci_result r = call(&s, 0, PSCI_CPU_ON_64, 2, KERNEL_ENTRY, 0x1234567890ull);
	assert_int_equal(r.ret, PSCI_RET_SUCCESS);
	assert_int_equal(r.action, PSCI_ACT_WAKE);
	assert_int_equal(r.target, 2);
	assert_int_equal(s.cpu_state[2], PSCI_CPU_ON_PENDING);
	assert_int_equal(s.entry[2], KERNEL_ENTRY);
	assert_int_equal(s.context[2], 0x1234567890ull);
	/* Asked again while it starts: ON_PENDING; once on: ALREADY_ON. */
	r = call(&s, 0, PSCI_CPU_ON_64, 2, KERNEL_ENTRY, 0);
	assert_int_equal(r.ret, PSCI_RET_ON_PENDING);
	assert_int_equal(r.action, PSCI_ACT_RETURN);
	s.cpu_state[2] = PSCI_CPU_ON;
	assert_int_equal(call(&s, 0, PSCI_CPU_ON_64, 2, KERNEL_ENTRY, 0).ret, PSCI_RET_ALREADY_ON);
	assert_int_equal(call(&s, 0, PSCI_CPU_ON_64, 0, KERNEL_ENTRY, 0).ret, PSCI_RET_ALREADY_ON);
	assert_int_equal(s.context[2], 0x1234567890ull);	/* untouched by the refusals */
	/* SMC32: the upper halves of the arguments are ignored. */
	r = call(&s, 0, PSCI_CPU_ON_FN, 0xdead000000000003ull, 0xffffffff00000000ull | KERNEL_ENTRY,
		 0xffffffff00000007ull);
	assert_int_equal(r.ret, PSCI_RET_SUCCESS);
	assert_int_equal(s.entry[3], KERNEL_ENTRY);
	assert_int_equal(s.context[3], 7);
}

static void test_psci_cpu_on_bad_mpidr(void **state)
{
	(void)state;
	struct psci_state s = four();
	static const uint64_t bad[] = { 4, 0x100, 0x10000, 0x100000000ull, 0x80000001ull,
					0x10, ~0ull };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct psci_result r = call(&s, 0, PSCI_CPU_ON_64, bad[i], KERNEL_ENTRY, 0);
		if (r.ret != PSCI_RET_INVALID_PARAMETERS || r.action != PSCI_ACT_RETURN)
			fail_msg("CPU_ON(0x%llx): %lld", (unsigned long long)bad[i],
				 (long long)r.ret);
	}
	/* A bad MPIDR wins over a bad address. */
	assert_int_equal(call(&s, 0, PSCI_CPU_ON_64, 9, 0, 0).ret, PSCI_RET_INVALID_PARAMETERS);
	struct psci_state want = four();
	assert_memory_equal(&s, &want, sizeof(s));
}

static void test_psci_cpu_on_bad_entry(void **state)
{
	(void)state;
	struct psci_state s = four();
	static const uint64_t bad[] = {
		0,			/* flash, not RAM */
		RAM_BASE - 4,		/* just below RAM */
		RAM_BASE + GiB(1),	/* just past it */
		FW_BASE,		/* the firmware's own */
		FW_END - 4,
		KERNEL_ENTRY + 2,	/* not an instruction boundary */
		0x0e000000,		/* secure RAM */
		0xffffffffffffff00ull,
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct psci_result r = call(&s, 0, PSCI_CPU_ON_64, 1, bad[i], 0);
		if (r.ret != PSCI_RET_INVALID_ADDRESS || r.action != PSCI_ACT_RETURN)
			fail_msg("CPU_ON(1, 0x%llx): %lld", (unsigned long long)bad[i],
				 (long long)r.ret);
	}
	/* The edges that are fine. */
	assert_int_equal(call(&s, 0, PSCI_CPU_ON_64, 1, RAM_BASE, 0).ret, PSCI_RET_SUCCESS);
	assert_int_equal(call(&s, 0, PSCI_CPU_ON_64, 2, FW_END, 0).ret, PSCI_RET_SUCCESS);
	assert_int_equal(call(&s, 0, PSCI_CPU_ON_64, 3, RAM_BASE + GiB(1) - 4, 0).ret,
			 PSCI_RET_SUCCESS);
	/* SMC32: an address above 4 GiB cannot be named; its low half is
	 * what counts (here: flash). */
	s = four();
	assert_int_equal(call(&s, 0, PSCI_CPU_ON_FN, 1, 0x100000000ull, 0).ret,
			 PSCI_RET_INVALID_ADDRESS);
}

static void test_psci_affinity_info(void **state)
{
	(void)state;
	struct psci_state s = four();
	assert_int_equal(call(&s, 1, PSCI_AFFINITY_INFO_64, 0, 0, 0).ret, PSCI_AFF_ON);
	assert_int_equal(call(&s, 0, PSCI_AFFINITY_INFO_64, 1, 0, 0).ret, PSCI_AFF_OFF);
	assert_int_equal(call(&s, 0, PSCI_CPU_ON_64, 1, KERNEL_ENTRY, 0).ret, PSCI_RET_SUCCESS);
	assert_int_equal(call(&s, 0, PSCI_AFFINITY_INFO, 1, 0, 0).ret, PSCI_AFF_ON_PENDING);
	s.cpu_state[1] = PSCI_CPU_ON;
	assert_int_equal(call(&s, 0, PSCI_AFFINITY_INFO, 0xffffffff00000001ull, 0, 0).ret,
			 PSCI_AFF_ON);
	/* No levels above the core; no such CPU. */
	assert_int_equal(call(&s, 0, PSCI_AFFINITY_INFO_64, 1, 1, 0).ret,
			 PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(call(&s, 0, PSCI_AFFINITY_INFO_64, 7, 0, 0).ret,
			 PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(call(&s, 0, PSCI_AFFINITY_INFO_64, 0x100000000ull, 0, 0).ret,
			 PSCI_RET_INVALID_PARAMETERS);
}

static void test_psci_cpu_off(void **state)
{
	(void)state;
	struct psci_state s = four();
	/* The only CPU on cannot go off. */
	struct psci_result r = call(&s, 0, PSCI_CPU_OFF_FN, 0, 0, 0);
	assert_int_equal(r.ret, PSCI_RET_DENIED);
	assert_int_equal(r.action, PSCI_ACT_RETURN);
	assert_int_equal(s.cpu_state[0], PSCI_CPU_ON);
	/* With a second one starting, it can; then the second cannot. */
	assert_int_equal(call(&s, 0, PSCI_CPU_ON_64, 3, KERNEL_ENTRY, 0).ret, PSCI_RET_SUCCESS);
	s.cpu_state[3] = PSCI_CPU_ON;
	r = call(&s, 3, PSCI_CPU_OFF_FN, 0, 0, 0);
	assert_int_equal(r.ret, PSCI_RET_SUCCESS);
	assert_int_equal(r.action, PSCI_ACT_CPU_OFF);
	assert_int_equal(s.cpu_state[3], PSCI_CPU_OFF);
	assert_int_equal(call(&s, 0, PSCI_AFFINITY_INFO_64, 3, 0, 0).ret, PSCI_AFF_OFF);
	assert_int_equal(call(&s, 0, PSCI_CPU_OFF_FN, 0, 0, 0).ret, PSCI_RET_DENIED);
	/* And on again (the hotplug cycle). */
	assert_int_equal(call(&s, 0, PSCI_CPU_ON_64, 3, KERNEL_ENTRY, 0).ret, PSCI_RET_SUCCESS);
}

static void test_psci_system(void **state)
{
	(void)state;
	struct psci_state s = four();
	assert_int_equal(call(&s, 0, PSCI_SYSTEM_OFF, 0, 0, 0).action, PSCI_ACT_SYSTEM_OFF);
	assert_int_equal(call(&s, 0, PSCI_SYSTEM_RESET, 0, 0, 0).action, PSCI_ACT_SYSTEM_RESET);
	/* If the machine is still there afterwards, the caller learns it. */
	assert_int_equal(call(&s, 0, PSCI_SYSTEM_OFF, 0, 0, 0).ret, PSCI_RET_INTERNAL_FAILURE);
}

/* ---------------------------------------------------------------- DTB */

static void *load(const char *name, size_t *size)
{
	const char *d = getenv("BOOTSHIM_TEST_DTB_DIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", d && *d ? d : "tests/unit/dtb", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	void *buf = calloc(1, (size_t)DT_MAX_SIZE);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static void test_dt_add_psci(void **state)
{
	(void)state;
	size_t size;
	void *fdt = load("qemu-virt-secure-1g.dtb", &size);
	struct error e;
	uint64_t mpidr[8];
	size_t n;
	assert_int_equal(dt_cpus(fdt, mpidr, ARRAY_SIZE(mpidr), &n, &e), 0);
	assert_true(n >= 1);
	for (size_t i = 0; i < n && i < ARRAY_SIZE(mpidr); i++)
		assert_int_equal(psci_slot(mpidr[i]), (int)mpidr[i]);
	/* QEMU's DTB for firmware has no PSCI at all. */
	assert_true(fdt_path_offset(fdt, "/psci") < 0);

	/* All but the last CPU get PSCI. */
	size_t ours = n > 1 ? n - 1 : n;
	assert_int_equal(dt_add_psci(fdt, DT_MAX_SIZE, mpidr, ours, FW_BASE, FW_END - FW_BASE, &e),
			 0);
	assert_int_equal(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
	assert_true(fdt_totalsize(fdt) < size + 1024); /* packed again */
	int psci = fdt_path_offset(fdt, "/psci"), len;
	assert_true(psci >= 0);
	assert_int_equal(fdt_node_check_compatible(fdt, psci, "arm,psci-1.0"), 0);
	assert_int_equal(fdt_node_check_compatible(fdt, psci, "arm,psci-0.2"), 0);
	assert_string_equal(fdt_getprop(fdt, psci, "method", NULL), "smc");
	int cpus = fdt_path_offset(fdt, "/cpus"), node, seen = 0;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *t = fdt_getprop(fdt, node, "device_type", NULL);
		if (!t || strcmp(t, "cpu"))
			continue;
		const char *m = fdt_getprop(fdt, node, "enable-method", &len);
		if ((size_t)seen < ours)
			assert_string_equal(m, "psci");
		else
			assert_null(m);
		seen++;
	}
	assert_int_equal((size_t)seen, n);
	int rsv = fdt_path_offset(fdt, "/reserved-memory/bootshim-el3@40200000");
	assert_true(rsv >= 0);
	assert_non_null(fdt_getprop(fdt, rsv, "no-map", &len));
	assert_int_equal(len, 0);
	const fdt32_t *reg = fdt_getprop(fdt, rsv, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt32_ld(reg + 1), FW_BASE);
	assert_int_equal(fdt32_ld(reg + 3), FW_END - FW_BASE);
	/* The memory map now has the firmware reserved. */
	struct memmap m = { 0 };
	assert_int_equal(dt_memory(fdt, &m, &e), 0);
	bool found = false;
	for (size_t i = 0; i < m.n; i++)
		found |= m.e[i].type == MEM_RESERVED && m.e[i].base == FW_BASE &&
			 m.e[i].size == FW_END - FW_BASE;
	assert_true(found);

	/* Again on its own output: the same bytes. */
	uint32_t total = fdt_totalsize(fdt);
	void *copy = malloc(total);
	assert_non_null(copy);
	memcpy(copy, fdt, total);
	assert_int_equal(dt_add_psci(fdt, DT_MAX_SIZE, mpidr, ours, FW_BASE, FW_END - FW_BASE, &e),
			 0);
	assert_int_equal(fdt_totalsize(fdt), total);
	assert_memory_equal(fdt, copy, total);
	free(copy);

	/* Too small a buffer: an error that says so. */
	void *small = load("qemu-virt-secure-1g.dtb", &size);
	assert_int_equal(dt_add_psci(small, size, mpidr, n, FW_BASE, FW_END - FW_BASE, &e), -1);
	assert_err_mentions(&e, "psci");
	free(small);
	free(fdt);
}

/* Four CPUs, QEMU's /psci for its own emulation (hvc) and, on cpu@3, a
 * spin-table: the firmware takes CPUs 0-2 only. */
static void test_dt_add_psci_smp4(void **state)
{
	(void)state;
	size_t size;
	void *fdt = load("qemu-virt-2g-smp4.dtb", &size);
	struct error e;
	assert_int_equal(fdt_open_into(fdt, fdt, DT_MAX_SIZE), 0);
	int cpu3 = fdt_path_offset(fdt, "/cpus/cpu@3");
	assert_true(cpu3 >= 0);
	assert_int_equal(fdt_setprop_string(fdt, cpu3, "enable-method", "spin-table"), 0);
	assert_int_equal(fdt_setprop_u64(fdt, fdt_path_offset(fdt, "/cpus/cpu@3"),
					 "cpu-release-addr", 0x40001000), 0);
	assert_int_equal(fdt_setprop_u64(fdt, fdt_path_offset(fdt, "/cpus/cpu@1"),
					 "cpu-release-addr", 0x40001000), 0);
	uint64_t mpidr[4];
	size_t n;
	assert_int_equal(dt_cpus(fdt, mpidr, ARRAY_SIZE(mpidr), &n, &e), 0);
	assert_int_equal(n, 4);
	/* Fewer slots than CPUs: n says how many there are. */
	uint64_t two[2];
	assert_int_equal(dt_cpus(fdt, two, ARRAY_SIZE(two), &n, &e), 0);
	assert_int_equal(n, 4);
	assert_int_equal(dt_add_psci(fdt, DT_MAX_SIZE, mpidr, 3, FW_BASE, FW_END - FW_BASE, &e), 0);
	assert_string_equal(fdt_getprop(fdt, fdt_path_offset(fdt, "/psci"), "method", NULL), "smc");
	for (int i = 0; i < 4; i++) {
		char path[32];
		snprintf(path, sizeof(path), "/cpus/cpu@%d", i);
		int c = fdt_path_offset(fdt, path);
		assert_true(c >= 0);
		const char *m = fdt_getprop(fdt, c, "enable-method", NULL);
		assert_string_equal(m, i < 3 ? "psci" : "spin-table");
		assert_true((fdt_getprop(fdt, c, "cpu-release-addr", NULL) != NULL) == (i == 3));
	}
	free(fdt);
}

static void test_dt_gpio_line(void **state)
{
	(void)state;
	size_t size;
	void *fdt = load("qemu-virt-secure-1g.dtb", &size);
	struct error e;
	uint64_t base = 0;
	uint32_t pin = 99;
	/* QEMU 7.2, hw/arm/virt.c: the secure PL061 at 0x090b0000, power-off
	 * on line 0, restart on line 1. */
	assert_int_equal(dt_gpio_line(fdt, "gpio-poweroff", &base, &pin, &e), 0);
	assert_int_equal(base, 0x090b0000);
	assert_int_equal(pin, 0);
	assert_int_equal(dt_gpio_line(fdt, "gpio-restart", &base, &pin, &e), 0);
	assert_int_equal(base, 0x090b0000);
	assert_int_equal(pin, 1);
	assert_int_equal(dt_gpio_line(fdt, "no-such-gpio-thing", &base, &pin, &e), 1);
	/* A line that leads nowhere, or past a PL061's 8. */
	assert_int_equal(fdt_open_into(fdt, fdt, DT_MAX_SIZE), 0);
	int node = fdt_node_offset_by_compatible(fdt, -1, "gpio-poweroff");
	fdt32_t g[3] = { cpu_to_fdt32(0x7777), 0, 0 };
	assert_int_equal(fdt_setprop(fdt, node, "gpios", g, sizeof(g)), 0);
	assert_int_equal(dt_gpio_line(fdt, "gpio-poweroff", &base, &pin, &e), -1);
	assert_err_mentions(&e, "0x7777");
	const fdt32_t *r = fdt_getprop(fdt, fdt_node_offset_by_compatible(fdt, -1, "gpio-restart"),
				       "gpios", NULL);
	g[0] = r[0];
	g[1] = cpu_to_fdt32(8);
	assert_int_equal(fdt_setprop(fdt, node, "gpios", g, sizeof(g)), 0);
	assert_int_equal(dt_gpio_line(fdt, "gpio-poweroff", &base, &pin, &e), -1);
	assert_err_mentions(&e, "pin 8");
	free(fdt);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_psci_slot),
	cmocka_unit_test(test_psci_version_migrate),
	cmocka_unit_test(test_psci_unknown),
	cmocka_unit_test(test_psci_features),
	cmocka_unit_test(test_psci_cpu_on),
	cmocka_unit_test(test_psci_cpu_on_bad_mpidr),
	cmocka_unit_test(test_psci_cpu_on_bad_entry),
	cmocka_unit_test(test_psci_affinity_info),
	cmocka_unit_test(test_psci_cpu_off),
	cmocka_unit_test(test_psci_system),
	cmocka_unit_test(test_dt_add_psci),
	cmocka_unit_test(test_dt_add_psci_smp4),
	cmocka_unit_test(test_dt_gpio_line),
};

const struct unit_suite psci_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
