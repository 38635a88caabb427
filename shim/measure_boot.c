/* measure_boot (shim/measure.h): the core's one call into measured boot,
 * before anything is placed, so that what is measured is what the kernel
 * gets. Kept apart from measure.c, which the host tools link without a
 * console. */
#include "boot.h"
#include "console.h"
#include "measure.h"

static bool extend(struct measurer *m, const struct measure_event *ev)
{
	struct error err;
	if (!m->extend(m, ev, &err))
		return true;
	/* The boot goes on: PCRs that miss an event match no sealed policy,
	 * which is the safe failure. Later events are not tried (a TPM
	 * that failed once would make each wait for its timeout). */
	con_printf("bootshim: warning: measured boot: PCR %u \"%s\": %s; the remaining events "
		   "are not measured\n", ev->pcr, ev->desc, err.msg);
	return false;
}

void measure_boot(const struct platform *pf, const struct payload *pl)
{
	struct measurer *m = pf->measurer;
	if (!m) {
		/* The bare-metal entries that look for no TPM leave both unset. */
		con_printf("bootshim: measured boot: off (%s)\n",
			   pf->measure_off ? pf->measure_off : "no TPM driver for this entry");
		return;
	}
	con_printf("bootshim: measured boot: PCR %u via %s\n", PCR_PAYLOAD, m->name);
	uint64_t bytes = 0;
	struct measure_event ev[MEASURE_PAYLOAD_MAX + 1];
	size_t n = measure_payload_events(pl, ev);
	if (pf->cmdline)
		measure_cmdline_override_event(pf->cmdline, &ev[n++]);
	for (size_t i = 0; i < n; i++) {
		if (!extend(m, &ev[i]))
			return;
		for (size_t j = 0; j < ev[i].n_part; j++)
			bytes += ev[i].part[j].len;
	}
	/* The time it took is printed with the entry-to-jump time (boot.c):
	 * asking for the tick rate now would end the PIT's window early. */
	con_printf("bootshim: measured boot: %llu events, %llu bytes hashed\n",
		   (unsigned long long)n, (unsigned long long)bytes);
}
