#include "boot.h"
#include "arch.h"
#include "console.h"
#include "measure.h"

/* Entries that own the machine have no firmware to claim memory from or
 * to leave: these defaults serve them; the UEFI entries override them. */
__attribute__((weak)) int arch_claim(const struct place_item *item, size_t n, struct error *e)
{
	(void)item, (void)n, (void)e;
	return 0;
}

__attribute__((weak)) int arch_exit_firmware(struct platform *pf, struct boot_plan *bp,
					     struct error *e)
{
	(void)pf, (void)bp, (void)e;
	return 0;
}

void platform_keep(struct platform *pf, uint64_t base, uint64_t size, const char *name)
{
	/* The fixed-size table is filled by entry code, never from input. */
	if (pf->n_keep < PLATFORM_MAX_KEEP)
		pf->keep[pf->n_keep++] = (struct range){ base, size, name };
}

static int place_plan(const struct platform *pf, struct boot_plan *bp, struct error *e)
{
	/* Only where the entry can write: a copy beyond its identity map
	 * would fault. Every item's window ends there. */
	for (size_t i = 0; pf->map_end && i < ITEM_COUNT; i++)
		if (bp->item[i].max > pf->map_end)
			bp->item[i].max = pf->map_end;
	struct place_req req = {
		.mem = &pf->mem,
		.busy = pf->keep,
		.n_busy = pf->n_keep,
		.item = bp->item,
		.n_item = ITEM_COUNT,
	};
	return place(&req, e);
}

static void announce(const struct boot_plan *bp)
{
	for (size_t i = 0; i < ITEM_COUNT; i++) {
		const struct place_item *it = &bp->item[i];
		con_printf("bootshim: [0x%09llx..0x%09llx] => %s", (unsigned long long)it->dest,
			   (unsigned long long)(it->dest + it->size), it->name);
		if (it->in_place)
			con_printf(" (in place)\n");
		else if (it->src_len)
			con_printf(" (copied 0x%llx bytes from 0x%llx)\n",
				   (unsigned long long)it->src_len, (unsigned long long)it->src);
		else
			con_printf("\n");
	}
	con_printf("bootshim: entry 0x%llx, boot info 0x%llx\n",
		   (unsigned long long)bp->h.entry, (unsigned long long)bp->h.arg);
}

#define US_PER_SECOND 1000000ull

/* Ticks in microseconds, or 0 with *hz 0 when the rate is unknown. */
static uint64_t ticks_us(uint64_t ticks, uint64_t *hz)
{
	*hz = arch_ticks_hz();
	if (!*hz)
		return 0;
	/* A rate read from a DTB may be anything: above UINT64_MAX / 10^6,
	 * the remainder's product would wrap, and whole MHz are exact
	 * enough. */
	if (*hz > UINT64_MAX / US_PER_SECOND)
		return ticks / (*hz / US_PER_SECOND);
	return ticks / *hz * US_PER_SECOND + ticks % *hz * US_PER_SECOND / *hz;
}

void boot_report_time(const struct platform *pf, uint64_t copied)
{
	uint64_t hz, ticks = arch_ticks() - pf->t_entry, us = ticks_us(ticks, &hz);
	if (hz)
		con_printf("bootshim: entry-to-jump %llu us, %llu bytes copied\n",
			   (unsigned long long)us, (unsigned long long)copied);
	else
		con_printf("bootshim: entry-to-jump %llu ticks (frequency unknown), %llu bytes copied\n",
			   (unsigned long long)ticks, (unsigned long long)copied);
}

/* What measuring cost (hashing and the TPM), for users and the bench. */
static void report_measure_time(const struct platform *pf, uint64_t ticks)
{
	if (!pf->measurer)
		return;
	uint64_t hz, us = ticks_us(ticks, &hz);
	if (hz)
		con_printf("bootshim: measured boot: %llu us\n", (unsigned long long)us);
	else
		con_printf("bootshim: measured boot: %llu ticks\n", (unsigned long long)ticks);
}

void bootshim_main(struct platform *pf)
{
	static struct boot_plan bp;
	struct error err;

	/* A fresh plan, also when the host tests run the core again. */
	memset(&bp, 0, sizeof(bp));
	con_printf("bootshim: started by %s\n", pf->entry_name);
	payload_get(&bp.pl);
	/* Measured before anything is placed or used: the embedded payload
	 * into PCR 11, and a command line from outside (pf->cmdline, chosen
	 * by the entry) into PCR 12 before it replaces the embedded one. */
	uint64_t t_measure = arch_ticks();
	measure_boot(pf, &bp.pl);
	t_measure = arch_ticks() - t_measure;
	if (pf->cmdline)
		bp.pl.cmdline = (struct blob){ (const uint8_t *)pf->cmdline, strlen(pf->cmdline) };
	if (memmap_sanitise(&pf->mem, &err) ||
	    linux_plan(pf, &bp, &err) ||
	    place_plan(pf, &bp, &err) ||
	    arch_claim(bp.item, ITEM_COUNT, &err))
		fatal(&err);
	uint64_t copied = place_copy(bp.item, ITEM_COUNT);
	if (linux_finish(pf, &bp, &err))
		fatal(&err);
	announce(&bp);
	/* Before leaving a firmware: after ExitBootServices an arm64 UEFI
	 * boot may have no console left. */
	boot_report_time(pf, copied);
	report_measure_time(pf, t_measure);
	if (arch_exit_firmware(pf, &bp, &err))
		fatal(&err);
	for (size_t i = 0; i < ITEM_COUNT; i++)
		if (!bp.item[i].in_place)
			bp.h.written[bp.h.n_written++] =
				(struct range){ bp.item[i].dest, bp.item[i].size, bp.item[i].name };
	arch_enter_kernel(&bp.h);
}
