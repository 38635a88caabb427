/* The UEFI measurer: the payload's events (shim/measure.c) go to the
 * firmware's EFI_TCG2_PROTOCOL. HashLogExtendEvent hashes the data with
 * every active PCR bank's algorithm, extends the PCR and appends the event
 * to the firmware's log, the one the kernel exposes as
 * binary_bios_measurements. */
#include <efi.h>
#include <efilib.h>

#include "boot.h"
#include "console.h"
#include "measure.h"
#include "tcg2.h"
#include "uefi.h"

/* The longest description the scheme uses is "bootshim load options"
 * (shim/measure.c); room to spare. */
#define TCG2_EVENT_DATA_MAX 64

static EFI_TCG2_PROTOCOL *tcg2;
static struct linux_efi_tpm_eventlog *log_copy; /* the direct hand-off's copy */
static struct {
	EFI_TCG2_EVENT ev;
	UINT8 data[TCG2_EVENT_DATA_MAX];
} __attribute__((packed)) event;

/* One buffer for the firmware to hash: HashLogExtendEvent takes a single
 * one. x86 embeds the bzImage as its setup part and the rest; in shim.efi
 * they are laid out one after the other (arch/payload.S: neither section
 * is aligned), so the usual case is a span. Otherwise a pool copy, which
 * the caller frees (*copy), so that the firmware hashes the same bytes in
 * the same order as the prediction (measure_digest). */
static int event_data(const struct measure_event *ev, const uint8_t **data, uint64_t *len,
		      void **copy, struct error *e)
{
	*copy = NULL;
	if (ev->n_part == 0 || ev->n_part > ARRAY_SIZE(ev->part))
		return fail(e, "measured boot", "event '%s' has %zu parts", ev->desc, ev->n_part);
	*data = ev->part[0].start;
	*len = ev->part[0].len;
	if (ev->n_part == 1 || !ev->part[1].len)
		return 0;
	if (__builtin_add_overflow(*len, ev->part[1].len, len))
		return fail(e, "measured boot", "event '%s' overflows", ev->desc);
	if (ev->part[0].start + ev->part[0].len == ev->part[1].start)
		return 0;
	void *buf;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, *len, &buf);
	if (EFI_ERROR(st))
		return fail(e, "measured boot", "AllocatePool of %llu bytes for '%s': status 0x%llx",
			    (unsigned long long)*len, ev->desc, (unsigned long long)st);
	memcpy(buf, ev->part[0].start, ev->part[0].len);
	memcpy((uint8_t *)buf + ev->part[0].len, ev->part[1].start, ev->part[1].len);
	*copy = buf;
	*data = buf;
	return 0;
}

static int tcg2_extend(struct measurer *m, const struct measure_event *ev, struct error *e)
{
	(void)m;
	size_t dlen = strlen(ev->desc);
	if (dlen > TCG2_EVENT_DATA_MAX)
		return fail(e, "measured boot", "event description '%s' exceeds %d bytes", ev->desc,
			    TCG2_EVENT_DATA_MAX);
	const uint8_t *data = NULL;
	uint64_t len = 0;
	void *copy;
	if (event_data(ev, &data, &len, &copy, e))
		return -1;
	/* The event data in the log is the description, without a NUL (as
	 * systemd-stub logs its section names). */
	event.ev.Size = (UINT32)(sizeof(event.ev) + dlen);
	event.ev.Header.HeaderSize = sizeof(event.ev.Header);
	event.ev.Header.HeaderVersion = EFI_TCG2_EVENT_HEADER_VERSION;
	event.ev.Header.PCRIndex = ev->pcr;
	event.ev.Header.EventType = ev->type;
	memcpy(event.data, ev->desc, dlen);
	EFI_STATUS st = uefi_call_wrapper(tcg2->HashLogExtendEvent, 5, tcg2, 0,
					  (EFI_PHYSICAL_ADDRESS)(uintptr_t)data, len, &event.ev);
	if (copy)
		uefi_call_wrapper(BS->FreePool, 1, copy);
	if (EFI_ERROR(st))
		return fail(e, "measured boot", "HashLogExtendEvent(PCR %u, '%s'): status 0x%llx",
			    ev->pcr, ev->desc, (unsigned long long)st);
	return 0;
}

static struct measurer tcg2_measurer = { "EFI_TCG2_PROTOCOL", tcg2_extend };

static const struct {
	UINT32 bit;
	const char *name;
} banks[] = {
	{ EFI_TCG2_BOOT_HASH_ALG_SHA1, "sha1" },
	{ EFI_TCG2_BOOT_HASH_ALG_SHA384, "sha384" },
	{ EFI_TCG2_BOOT_HASH_ALG_SHA512, "sha512" },
	{ EFI_TCG2_BOOT_HASH_ALG_SM3_256, "sm3_256" },
};

void efi_tcg2_init(struct platform *pf)
{
	EFI_GUID guid = EFI_TCG2_PROTOCOL_GUID;
	tcg2 = NULL;
	log_copy = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &guid, NULL, (void **)&tcg2)) ||
	    !tcg2) {
		pf->measure_off = "no EFI_TCG2_PROTOCOL";
		return;
	}
	EFI_TCG2_BOOT_SERVICE_CAPABILITY cap;
	memset(&cap, 0, sizeof(cap));
	cap.Size = sizeof(cap);
	EFI_STATUS st = uefi_call_wrapper(tcg2->GetCapability, 2, tcg2, &cap);
	if (EFI_ERROR(st)) {
		con_printf("bootshim: warning: measured boot: EFI_TCG2_PROTOCOL GetCapability: "
			   "status 0x%llx\n", (unsigned long long)st);
		pf->measure_off = "EFI_TCG2_PROTOCOL GetCapability failed";
		return;
	}
	/* "TPMPresentFlag: False = TPM not present" (6.4.1). */
	if (!cap.TPMPresentFlag) {
		pf->measure_off = "no TPM";
		return;
	}
	pf->measurer = &tcg2_measurer;
	/* The firmware extends every active bank; pcr11.txt predicts the
	 * SHA-256 one. A firmware with the 1.0 structure (smaller Size) has
	 * no ActivePcrBanks to tell. */
	if (cap.Size < sizeof(cap))
		return;
	if (!(cap.ActivePcrBanks & EFI_TCG2_BOOT_HASH_ALG_SHA256))
		con_printf("bootshim: warning: measured boot: the TPM's SHA-256 PCR bank is not "
			   "active (banks 0x%x): pcr11.txt predicts that bank only\n",
			   cap.ActivePcrBanks);
	for (size_t i = 0; i < ARRAY_SIZE(banks); i++)
		if (cap.ActivePcrBanks & banks[i].bit)
			con_printf("bootshim: measured boot: the firmware also extends the %s bank\n",
				   banks[i].name);
}

/* ---- the event log for the direct hand-off */

/* TCG_PCR_EVENT2: PCRIndex, EventType, then TPML_DIGEST_VALUES (a count,
 * then per digest a TPM_ALG_ID and the digest), EventSize, Event. The
 * digest sizes are the algorithms' own (TPM 2.0 Library Part 2, 6.3). */
#define EVENT2_HEAD 8		/* PCRIndex, EventType */
#define TCG2_MAX_DIGESTS 5	/* one per algorithm the capability names */
#define TCG2_MAX_EVENT_DATA (16u << 20)

static uint32_t digest_size(uint16_t alg)
{
	switch (alg) {
	case 0x0004: return 20;	/* TPM_ALG_SHA1 */
	case 0x000b: return 32;	/* TPM_ALG_SHA256 */
	case 0x000c: return 48;	/* TPM_ALG_SHA384 */
	case 0x000d: return 64;	/* TPM_ALG_SHA512 */
	case 0x0012: return 32;	/* TPM_ALG_SM3_256 */
	default: return 0;
	}
}

static bool take(const uint8_t *p, uint64_t avail, uint64_t *at, uint64_t n, uint32_t *v)
{
	if (*at > avail || avail - *at < n)
		return false;
	uint32_t x = 0;
	for (uint64_t i = 0; i < n && i < 4; i++)
		x |= (uint32_t)p[*at + i] << (8 * i);
	if (v)
		*v = x;
	*at += n;
	return true;
}

uint64_t tcg2_event2_size(const uint8_t *p, uint64_t avail)
{
	uint64_t at = 0;
	uint32_t count, alg, size;
	if (!take(p, avail, &at, EVENT2_HEAD, NULL) || !take(p, avail, &at, 4, &count) ||
	    count == 0 || count > TCG2_MAX_DIGESTS)
		return 0;
	for (uint32_t i = 0; i < count; i++) {
		if (!take(p, avail, &at, 2, &alg) || !digest_size((uint16_t)alg) ||
		    !take(p, avail, &at, digest_size((uint16_t)alg), NULL))
			return 0;
	}
	if (!take(p, avail, &at, 4, &size) || size > TCG2_MAX_EVENT_DATA ||
	    !take(p, avail, &at, size, NULL))
		return 0;
	return at;
}

/* The log lies in firmware memory of a size the protocol does not state:
 * an event is read within this much of its start. */
#define TCG2_EVENT_READ_MAX (TCG2_MAX_EVENT_DATA + 4096)

static EFI_GUID log_guid = LINUX_EFI_TPM_EVENT_LOG_GUID;


void efi_tcg2_install_log(void)
{
	if (!tcg2)
		return;
	EFI_PHYSICAL_ADDRESS first = 0, last = 0;
	BOOLEAN truncated = FALSE;
	EFI_STATUS st = uefi_call_wrapper(tcg2->GetEventLog, 5, tcg2,
					  EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, &first, &last,
					  &truncated);
	if (EFI_ERROR(st) || !first || !last || last < first) {
		con_printf("bootshim: warning: measured boot: no crypto-agile event log for the "
			   "kernel (GetEventLog: status 0x%llx)\n", (unsigned long long)st);
		return;
	}
	if (truncated)
		con_printf("bootshim: warning: measured boot: the firmware's event log is "
			   "truncated: it will not replay to the PCRs\n");
	uint64_t last_size = tcg2_event2_size((const uint8_t *)(uintptr_t)last,
					       TCG2_EVENT_READ_MAX);
	uint64_t size = last - first + last_size;
	if (!last_size || size > UINT32_MAX) {
		con_printf("bootshim: warning: measured boot: the event log's last entry at 0x%llx "
			   "is not a TCG_PCR_EVENT2\n", (unsigned long long)last);
		return;
	}
	/* Events the firmware logged both in the log and in the final events
	 * table, because GetEventLog was called before: the kernel skips
	 * that many bytes of the final table (as its stub counts them). */
	EFI_GUID final_guid = EFI_TCG2_FINAL_EVENTS_TABLE_GUID;
	const EFI_TCG2_FINAL_EVENTS_TABLE *final = efi_config_table(&final_guid);
	uint64_t preboot = 0;
	for (UINT64 i = 0; final && i < final->NumberOfEvents; i++) {
		uint64_t n = tcg2_event2_size(final->Event + preboot, TCG2_EVENT_READ_MAX);
		if (!n || preboot + n > UINT32_MAX) {
			con_printf("bootshim: warning: measured boot: final events table entry %llu "
				   "is not a TCG_PCR_EVENT2\n", (unsigned long long)i);
			return;
		}
		preboot += n;
	}
	void *buf;
	st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, sizeof(*log_copy) + size, &buf);
	if (EFI_ERROR(st)) {
		con_printf("bootshim: warning: measured boot: AllocatePool of %llu bytes for the "
			   "event log: status 0x%llx\n", (unsigned long long)size,
			   (unsigned long long)st);
		return;
	}
	struct linux_efi_tpm_eventlog *l = buf;
	l->size = (UINT32)size;
	l->final_events_preboot_size = (UINT32)preboot;
	l->version = EFI_TCG2_EVENT_LOG_FORMAT_TCG_2;
	memcpy(l->log, (const void *)(uintptr_t)first, size);
	st = uefi_call_wrapper(BS->InstallConfigurationTable, 2, &log_guid, l);
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(BS->FreePool, 1, l);
		con_printf("bootshim: warning: measured boot: InstallConfigurationTable of the "
			   "event log: status 0x%llx\n", (unsigned long long)st);
		return;
	}
	log_copy = l;
	con_printf("bootshim: measured boot: event log of %llu bytes for the kernel\n",
		   (unsigned long long)size);
}

void efi_tcg2_release(void)
{
	if (!log_copy)
		return;
	/* "If Table is NULL, then the specified GUID is removed" (7.3). */
	uefi_call_wrapper(BS->InstallConfigurationTable, 2, &log_guid, NULL);
	uefi_call_wrapper(BS->FreePool, 1, log_copy);
	log_copy = NULL;
}
