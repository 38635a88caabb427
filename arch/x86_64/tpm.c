/* The TPM where the PC Client platform puts it: the TIS (FIFO) interface
 * at 0xFED40000 (TCG PC Client Platform TPM Profile, 6.3.2: locality 0's
 * registers at FED4_0xxxh, localities 1-4 in the next four 4 KiB pages).
 * Shared by shim.rom, which is the firmware that starts it, and shim.elf,
 * which runs after a firmware and finds it started or not. */
#include "boot.h"
#include "console.h"
#include "tpm_measure.h"
#include "tpm_tis.h"
#include "x86_64.h"

/* A TIS register read is one trip into the VMM, or a bus cycle on a real
 * machine. Under QEMU's TCG it costs about 0.1 us (measured: 100000 reads
 * of TPM_STS in 9.7 ms on this project's 2.6 GHz machine), under KVM
 * (an exit to QEMU) or over LPC a few us. 20 million polls are then 2 s
 * at the fastest, the PC Client TIMEOUT_B and more than the few commands
 * the shim sends take, and under two minutes at the slowest: a TPM that
 * stops answering costs a bounded wait and a warning, never a hang. */
#define TIS_POLL_LIMIT 20000000u

static uint8_t mmio_read8(uint64_t addr)
{
	return *(volatile const uint8_t *)(uintptr_t)addr;
}

static uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile const uint32_t *)(uintptr_t)addr;
}

static void mmio_write8(uint64_t addr, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)addr = v;
}

int x86_64_tpm_find(struct tpm_tis *tis, struct platform *pf)
{
	struct error err;
	bool found = false;

	/* Registers, not memory: every access must reach the device, in
	 * order. The 2 MiB page also holds the IOAPIC and the HPET. */
	x86_64_idmap_uncached(TIS_BASE_X86_64, X86_64_TPM_SIZE);
	*tis = (struct tpm_tis){
		.base = TIS_BASE_X86_64,
		.read8 = mmio_read8,
		.read32 = mmio_read32,
		.write8 = mmio_write8,
		.poll_limit = TIS_POLL_LIMIT,
	};
	if (tis_probe(tis, &found, &err)) {
		con_printf("bootshim: warning: measured boot: %s\n", err.msg);
		pf->measure_off = "the TPM at 0xfed40000 failed";
		return -1;
	}
	if (!found) {
		pf->measure_off = "no TPM at 0xfed40000";
		return 0;
	}
	return 1;
}

struct tpm_measurer *x86_64_tpm_measurer(struct tpm_tis *tis, struct platform *pf,
				      struct tcg_log *log, bool firmware, const struct blob *self)
{
	static struct tpm_measurer tm;
	struct error err;
	const char *why_not = NULL;

	int r = tpm_measurer_init(&tm, &tis->t, log, firmware, self, "TPM 2.0 TIS at 0xfed40000",
				  &why_not, &err);
	if (r < 0) {
		con_printf("bootshim: warning: measured boot: %s\n", err.msg);
		pf->measure_off = "the TPM at 0xfed40000 failed";
	} else if (r > 0) {
		pf->measure_off = why_not;
	} else {
		pf->measurer = &tm.m;
		return &tm;
	}
	return NULL;
}
