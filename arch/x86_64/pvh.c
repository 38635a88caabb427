/* PVH entry path: read what the VMM described in hvm_start_info and hand it
 * to the core. Another firmware ran first (SeaBIOS for QEMU's -kernel), so
 * it owns the TPM: the shim measures the payload only into a TPM that
 * firmware started, and appends its events to that firmware's event log
 * where it can. */
#include "boot.h"
#include "console.h"
#include "pvh.h"
#include "tcg_log.h"
#include "tpm_measure.h"
#include "tpm_tis.h"
#include "fwlog.h"
#include "layout.h"
#include "x86_64.h"

/* Everything below 4 GiB is identity mapped, so readable. */
static const struct phys_mem low4g = { .host = 0, .base = 0, .size = GiB(4) };

/* Whether any RAM range of the (unsanitised) map overlaps [base, base+size). */
static bool overlaps_ram(const struct memmap *m, uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < m->n && i < MEMMAP_MAX; i++)
		if (m->e[i].type == MEM_RAM && ranges_overlap(m->e[i].base, m->e[i].size, base, size))
			return true;
	return false;
}

/* The previous firmware's event log, to append the PCR 11 events to so
 * that it still replays; NULL, with a note saying why, when there is none
 * the shim can add to. */
static struct tcg_log *firmware_log(const struct platform *pf)
{
	static struct tcg_log log;
	struct error err;
	uint64_t lasa = 0, end_addr;
	uint32_t laml = 0;
	size_t end = 0;
	const char *why_not = NULL;

	if (!pf->rsdp) {
		why_not = "the VMM gave no ACPI RSDP";
	} else if (fwlog_tpm2_area(&low4g, &pf->mem, pf->rsdp, &lasa, &laml, &err)) {
		con_printf("bootshim: warning: measured boot: %s\n", err.msg);
		why_not = "the ACPI tables are damaged";
	} else if (!laml) {
		why_not = "the ACPI tables name no TPM event log";
	} else if (!range_end(lasa, laml, &end_addr) || end_addr > GiB(4) ||
		   overlaps_ram(&pf->mem, lasa, laml)) {
		/* The kernel would be free to place itself over a log in RAM. */
		con_printf("bootshim: note: TPM2 table: log area 0x%llx+0x%x\n",
			   (unsigned long long)lasa, laml);
		why_not = "the TPM2 table's log area is not reserved memory below 4 GiB";
	} else if (fwlog_end((const uint8_t *)(uintptr_t)lasa, laml, &end, &why_not, &err)) {
		con_printf("bootshim: warning: measured boot: %s\n", err.msg);
		why_not = "the firmware's event log is not one bootshim understands";
	}
	if (why_not) {
		con_printf("bootshim: note: measured boot: PCR 11 is extended without logging: %s\n",
			   why_not);
		return NULL;
	}
	log = (struct tcg_log){
		.base = (uint8_t *)(uintptr_t)lasa,
		.phys = lasa,
		.size = laml,
		.used = end,
	};
	con_printf("bootshim: measured boot: appending to the firmware's event log at 0x%llx "
		   "(%zu of %u bytes used)\n", (unsigned long long)lasa, end, laml);
	return &log;
}

void pvh_main(uint32_t start_info, uint64_t tsc)
{
	static struct platform pf;
	static struct pvh_info info;
	struct error err;

	/* First, so that nothing after it can fault silently. */
	x86_64_exceptions_init();
	x86_64_console_init();
	x86_64_tsc_ref_start();
	pf.entry_name = "PVH";
	pf.t_entry = tsc;
	if (pvh_parse(&low4g, start_info, &info, &err))
		fatal(&err);
	if (info.vmm_cmdline || info.nr_modules)
		con_printf("bootshim: note: ignoring the VMM's command line and %u module(s); "
			   "the embedded payload is booted\n", info.nr_modules);
	pf.mem = info.mem;
	pf.rsdp = info.rsdp;
	pf.map_end = x86_64_idmap_ram(&pf.mem);
	pf.seed_len = x86_64_entropy(pf.seed, sizeof(pf.seed));
	/* Only into a TPM the firmware started; then, its log found, the
	 * events go there as they are measured. */
	static struct tpm_tis tis;
	struct tpm_measurer *tm;
	if (x86_64_tpm_find(&tis, &pf) > 0 && (tm = x86_64_tpm_measurer(&tis, &pf, NULL, false, NULL)))
		tm->log = firmware_log(&pf);
	platform_keep(&pf, (uintptr_t)_shim_start, (uintptr_t)(_shim_end - _shim_start), "bootshim");
	bootshim_main(&pf);
}
