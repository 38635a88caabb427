/* tpm_measurer (shim/tpm_measure.h): measured boot for the flavours that
 * drive a TPM themselves (shim.rom, shim.elf, shim.img). */
#include "tpm_measure.h"
#include "console.h"
#include "version.h"

/* TPML_PCR_SELECTION holds at most HASH_COUNT banks; no TPM has more
 * than a handful. */
#define TPM_MEASURE_MAX_BANKS 8

static int tpm_extend(struct measurer *m, const struct measure_event *ev, struct error *e)
{
	struct tpm_measurer *tm = (struct tpm_measurer *)m;
	uint8_t d[SHA256_BYTES];
	measure_digest(ev, d);
	if (tpm2_pcr_extend_sha256(tm->t, ev->pcr, d, e))
		return -1;
	if (tm->log && tcg_log_append(tm->log, ev->pcr, ev->type, d, ev->desc, strlen(ev->desc), e))
		return -1;
	return 0;
}

/* The platform hierarchy belongs to the firmware, and the shim provides
 * no platform services once the OS runs (no Physical Presence Interface:
 * its ACPI table says every operation is unimplemented). Left enabled with
 * the empty platformAuth, it would let root in the OS TPM2_Clear the TPM,
 * reallocate PCR banks, or define and delete platform NV indices. So it is
 * disabled now, right after TPM2_Startup and whether or not the TPM is then
 * used for measuring; the next TPM2_Startup(CLEAR) (a reset) enables it
 * again for the next firmware. A failure is a warning and the boot and its
 * measurements go on: TPM_RC_HIERARCHY means it is disabled already (a
 * warm reset the TPM did not see, after a shim that disabled it), and any
 * other refusal (an earlier firmware set a platformAuth the shim does not
 * know) cannot be repaired by the shim; refusing to boot would protect
 * nothing, and the PCRs still record what runs (platformAuth resets no
 * PCR). */
static void disable_platform_hierarchy(struct tpm2_transport *t)
{
	struct error e;
	bool already;
	if (tpm2_disable_platform_hierarchy(t, &already, &e))
		con_printf("bootshim: warning: measured boot: %s: the platform hierarchy stays "
			   "enabled\n", e.msg);
	else
		con_printf("bootshim: measured boot: platform hierarchy disabled%s\n",
			   already ? " (already: TPM_RC_HIERARCHY)" : "");
}

int tpm_measurer_init(struct tpm_measurer *tm, struct tpm2_transport *t, struct tcg_log *log,
		      bool firmware, const struct blob *self, const char *name,
		      const char **why_not, struct error *e)
{
	*tm = (struct tpm_measurer){ .m = { .name = name, .extend = tpm_extend }, .t = t,
				     .log = log };
	if (firmware) {
		/* The shim is the first code: it starts the TPM, as a BIOS does
		 * (PC Client Platform Firmware Profile, 3.3.2). An answer of
		 * TPM_RC_INITIALIZE means it was started already: a warm
		 * reset the TPM did not see. Measuring then still extends
		 * what the PCRs hold. */
		bool already;
		if (tpm2_startup_clear(t, &already, e))
			return -1;
		if (already)
			con_printf("bootshim: warning: measured boot: the TPM was started already "
				   "(TPM_RC_INITIALIZE): PCRs hold earlier measurements\n");
		disable_platform_hierarchy(t);
	} else {
		/* After another firmware: only a TPM it started, whose PCRs
		 * then hold its measurements before ours. */
		bool started;
		if (tpm2_is_started(t, &started, e))
			return -1;
		if (!started) {
			*why_not = "the TPM was not started by the firmware";
			return 1;
		}
	}

	uint16_t alg[TPM_MEASURE_MAX_BANKS];
	size_t n;
	bool sha256 = false;
	if (tpm2_active_banks(t, alg, ARRAY_SIZE(alg), &n, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (alg[i] == TPM2_ALG_SHA256) {
			sha256 = true;
			continue;
		}
		con_printf("bootshim: warning: measured boot: PCR bank %s (0x%04x) is active but "
			   "only SHA-256 is extended\n", tpm2_alg_name(alg[i]), alg[i]);
	}
	if (!sha256) {
		*why_not = "the TPM has no active SHA-256 PCR bank";
		return 1;
	}

	if (firmware) {
		/* PCR 0, the first event: the shim's own code and read-only
		 * data (its S-CRTM), described by its name and version. */
		struct measure_event ev = {
			.pcr = PCR_SHIM_CODE, .type = EV_POST_CODE,
			.desc = "bootshim " BOOTSHIM_VERSION, .part = { *self }, .n_part = 1,
		};
		if (tpm_extend(&tm->m, &ev, e))
			return -1;
	}
	return 0;
}
