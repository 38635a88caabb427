/* The host unit tests: every suite in one cmocka group, one summary. */
#include "unit.h"

void map_build(struct memmap *m, const struct mem_range *r, size_t n)
{
	struct error err;
	m->n = 0;
	for (size_t i = 0; i < n; i++)
		assert_ok(memmap_add(m, r[i].base, r[i].size, r[i].type, &err), &err);
	assert_ok(memmap_sanitise(m, &err), &err);
}

int eprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return n;
}

int main(void)
{
	const struct unit_suite *suites[] = {
		&fdt_tpm_suite,
		&x86_64_suite,   &zero_page_suite,  &aarch64_suite, &memmap_suite,
		&place_suite, &place_prop_suite, &pvh_suite,   &fmt_suite,
		&fdt_suite,   &fw_cfg_suite,     &efi_memmap_suite, &boot_place_suite,
		&linux_arm64_suite, &aarch64_cpu_suite, &fdt_uefi_suite,
		&sha256_suite, &measure_suite, &tpm2_suite, &tpm_tis_suite,
		&tcg_log_suite, &tpm_measure_suite, &shim_image_suite, &psci_suite,
		&firmware_x86_suite, &riscv64_suite, &pack_suite, &lib_suite,
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		n += suites[i]->n;
	struct CMUnitTest *all = calloc(n, sizeof(*all));
	if (!all)
		return 1;
	n = 0;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		for (size_t j = 0; j < suites[i]->n; j++)
			all[n++] = suites[i]->tests[j];
	int failed = _cmocka_run_group_tests("bootshim", all, n, NULL, NULL);
	free(all);
	return failed ? 1 : 0;
}
