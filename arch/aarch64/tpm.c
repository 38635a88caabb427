/* Measured boot for the aarch64 entries that own the machine (shim.img,
 * shim.rom): the TPM the DTB describes ("tcg,tpm-tis-mmio", as QEMU's
 * -device tpm-tis-device and boards with a memory-mapped TIS TPM have it),
 * driven through its TIS registers (shim/tpm_tis.c) by MMIO, becomes the
 * platform's measurer (shim/tpm_measure.c). */
#include "boot.h"
#include "console.h"
#include "fdt.h"
#include "fmt.h"
#include "tcg_log.h"
#include "tpm_measure.h"
#include "tpm_tis.h"
#include "cpu.h"

/* TCG PC Client Platform TPM Profile, 6.5.2: locality 0's registers fill
 * the first 4 KiB of the interface (the DID/VID register at 0xf00). */
#define TIS_LOCALITY0_SIZE 0x1000
#define TIS_DID_VID 0xf00	/* PTP Table 21: TPM_DID_VID_0 */
/* Polls of a TIS register before the driver gives up (it has no clock):
 * each is an MMIO read, about 0.1 us under QEMU's TCG, the fastest case,
 * and slower on a real bus, so 20 million polls wait 2 s (the PC Client
 * TIMEOUT_B) or more: more than the short commands the shim sends take,
 * and a TPM that stops answering costs a bounded wait and a warning. */
#define TIS_POLL_LIMIT 20000000ull

static uint8_t mmio_read8(uint64_t addr)
{
	return *(volatile uint8_t *)(uintptr_t)addr;
}

static uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static void mmio_write8(uint64_t addr, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)addr = v;
}

/* The TPM found and how it measures: live until the jump. */
static struct dt_tpm dt;
static struct tpm_tis tis;
static struct tcg_log event_log;
static struct tpm_measurer tm;
static char name[96];
static struct error tpm_err;

/* Find and start using the TPM: 0 with pf->measurer set; 1 with
 * pf->measure_off saying why not; -1 for a TPM that is there but cannot be
 * used (e says why). */
static int setup(struct platform *pf, const struct tpm_firmware *fw, struct error *e)
{
	int r = pf->dt ? dt_find_tpm_ix(pf->dtb, pf->dt, &dt, e) : dt_find_tpm(pf->dtb, &dt, e);
	if (r > 0) {
		pf->measure_off = "no TPM in the device tree";
		return 1;
	}
	if (r < 0)
		return -1;
	if (dt.size < TIS_LOCALITY0_SIZE)
		return fail(e, "tpm", "%s: reg size 0x%llx is less than the 0x%x bytes of TIS "
			    "locality 0", dt.path, (unsigned long long)dt.size, TIS_LOCALITY0_SIZE);
	for (size_t i = 0; i < pf->mem.n; i++)
		if (pf->mem.e[i].type == MEM_RAM &&
		    ranges_overlap(dt.base, dt.size, pf->mem.e[i].base, pf->mem.e[i].size))
			return fail(e, "tpm", "%s: reg 0x%llx+0x%llx overlaps RAM", dt.path,
				    (unsigned long long)dt.base, (unsigned long long)dt.size);
	if (fw && fw->map_device && fw->map_device(dt.base, TIS_LOCALITY0_SIZE, e))
		return -1;
	/* A reg that points at nothing aborts on the first access (QEMU raises
	 * a synchronous external abort for an unassigned address): one read
	 * with the abort caught, before the driver's own. */
	uint32_t did_vid;
	if (!probe_read32(dt.base + TIS_DID_VID, &did_vid))
		return fail(e, "tpm", "%s: reading 0x%llx aborts: nothing answers at the TPM's "
			    "address", dt.path, (unsigned long long)(dt.base + TIS_DID_VID));
	tis = (struct tpm_tis){
		.base = dt.base,
		.read8 = mmio_read8,
		.read32 = mmio_read32,
		.write8 = mmio_write8,
		.poll_limit = TIS_POLL_LIMIT,
	};
	bool found;
	if (tis_probe(&tis, &found, e))
		return -1;
	if (!found)
		return fail(e, "tpm", "%s: no TIS interface answers at 0x%llx", dt.path,
			    (unsigned long long)dt.base);

	struct tcg_log *l = NULL;
	if (fw) {
		if (tcg_log_init(&event_log, fw->log, (uintptr_t)fw->log, fw->log_size, e))
			return -1;
		l = &event_log;
		fmt_snprintf(name, sizeof(name), "TPM 2.0 TIS at 0x%llx",
			     (unsigned long long)dt.base);
	} else {
		/* After another firmware: the event log is that firmware's to
		 * keep, if it keeps one. */
		fmt_snprintf(name, sizeof(name), "TPM 2.0 TIS at 0x%llx (no event log: the "
			     "firmware before the shim owns it)", (unsigned long long)dt.base);
	}
	const char *why_not = NULL;
	r = tpm_measurer_init(&tm, &tis.t, l, fw != NULL, fw ? &fw->self : NULL, name,
			      &why_not, e);
	if (r > 0)
		pf->measure_off = why_not;
	if (r)
		return r;
	pf->measurer = &tm.m;
	if (fw) {
		pf->tpm_log = (struct range){ (uintptr_t)fw->log, fw->log_size, "TPM event log" };
		pf->tpm_node = dt.path;
		platform_keep(pf, pf->tpm_log.base, pf->tpm_log.size, pf->tpm_log.name);
		/* Written through the caches (shim.rom runs with the MMU on);
		 * the kernel reads it with its own mapping. */
		dcache_clean_at_exit(pf->tpm_log.base, pf->tpm_log.size);
	}
	return 0;
}

void aarch64_measure_init(struct platform *pf, const struct tpm_firmware *fw)
{
	/* A TPM that is there but cannot be used: a warning, and the boot
	 * goes on unmeasured (its PCRs then match no policy). */
	if (setup(pf, fw, &tpm_err) < 0) {
		con_printf("bootshim: warning: measured boot: %s\n", tpm_err.msg);
		pf->measure_off = "the TPM cannot be used: see the warning above";
	}
}
