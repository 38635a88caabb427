/* PVH entry path: read what the VMM described in hvm_start_info and hand it
 * to the core. Another firmware ran first (SeaBIOS for QEMU's -kernel), so
 * it owns the TPM: the shim measures the payload only into a TPM that
 * firmware started, and keeps no event log of its own. */
#include "../../shim/boot.h"
#include "../../shim/console.h"
#include "../../shim/pvh.h"
#include "../../shim/tpm_tis.h"
#include "x86_64.h"

extern const uint8_t _shim_start[], _shim_end[];

void pvh_main(uint32_t start_info, uint64_t tsc)
{
	static struct platform pf;
	static struct pvh_info info;
	struct error err;

	/* First, so that nothing after it can fault silently. */
	x86_exceptions_init();
	x86_console_init();
	x86_tsc_ref_start();
	pf.entry_name = "PVH";
	pf.t_entry = tsc;
	/* Everything below 4 GiB is identity mapped, so readable. */
	const struct phys_mem low4g = { .host = 0, .base = 0, .size = GiB(4) };
	if (pvh_parse(&low4g, start_info, &info, &err))
		fatal(&err);
	if (info.vmm_cmdline || info.nr_modules)
		con_printf("bootshim: note: ignoring the VMM's command line and %u module(s); "
			   "the embedded payload is booted\n", info.nr_modules);
	pf.mem = info.mem;
	pf.rsdp = info.rsdp;
	pf.map_end = x86_idmap_ram(&pf.mem);
	pf.seed_len = x86_entropy(pf.seed, sizeof(pf.seed));
	static struct tpm_tis tis;
	if (x86_tpm_find(&tis, &pf))
		x86_tpm_measurer(&tis, &pf, NULL, false, NULL);
	platform_keep(&pf, (uintptr_t)_shim_start, (uintptr_t)(_shim_end - _shim_start), "bootshim");
	bootshim_main(&pf);
}
