/* The UEFI measurer: the payload's events (shim/measure.c) go to the
 * firmware's EFI_TCG2_PROTOCOL. HashLogExtendEvent hashes the data with
 * every active PCR bank's algorithm, extends the PCR and appends the event
 * to the firmware's log, the one the kernel exposes as
 * binary_bios_measurements. */
#include <efi.h>
#include <efilib.h>

#include "../../shim/boot.h"
#include "../../shim/console.h"
#include "../../shim/measure.h"
#include "tcg2.h"

/* The longest description the scheme uses is "bootshim load options"
 * (shim/measure.c); room to spare. */
#define TCG2_EVENT_DATA_MAX 64

static EFI_TCG2_PROTOCOL *tcg2;
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
