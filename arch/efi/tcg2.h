/* EFI_TCG2_PROTOCOL, which gnu-efi lacks: TCG EFI Protocol Specification,
 * Family "2.0", Level 00 Revision 00.13, section 6 (the event structures
 * are byte-packed: "#pragma pack(1)" in the specification). The
 * UEFI measurer (arch/efi/tcg2.c) measures through HashLogExtendEvent, so
 * that the firmware hashes into every active PCR bank and keeps the event
 * log the kernel finds. */
#ifndef BOOTSHIM_EFI_TCG2_H
#define BOOTSHIM_EFI_TCG2_H

#include <efi.h>

#include "boot.h"

#define EFI_TCG2_PROTOCOL_GUID \
	{ 0x607f766c, 0x7455, 0x42be, { 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } }

/* EFI_TCG2_EVENT_ALGORITHM_BITMAP (6.4.2). */
#define EFI_TCG2_BOOT_HASH_ALG_SHA1 0x00000001u
#define EFI_TCG2_BOOT_HASH_ALG_SHA256 0x00000002u
#define EFI_TCG2_BOOT_HASH_ALG_SHA384 0x00000004u
#define EFI_TCG2_BOOT_HASH_ALG_SHA512 0x00000008u
#define EFI_TCG2_BOOT_HASH_ALG_SM3_256 0x00000010u

typedef struct {
	UINT8 Major, Minor;
} __attribute__((packed)) EFI_TCG2_VERSION;

/* 6.4.1, the 1.1 structure ("Size: allocated size of the structure").
 * Not packed, unlike the event structures: EDK2, the kernel's stub and
 * systemd-boot all lay it out with natural alignment (36 bytes). */
typedef struct {
	UINT8 Size;
	EFI_TCG2_VERSION StructureVersion;
	EFI_TCG2_VERSION ProtocolVersion;
	UINT32 HashAlgorithmBitmap;
	UINT32 SupportedEventLogs;
	BOOLEAN TPMPresentFlag;
	UINT16 MaxCommandSize;
	UINT16 MaxResponseSize;
	UINT32 ManufacturerID;
	UINT32 NumberOfPcrBanks;
	UINT32 ActivePcrBanks;
} EFI_TCG2_BOOT_SERVICE_CAPABILITY;
_Static_assert(sizeof(EFI_TCG2_BOOT_SERVICE_CAPABILITY) == 36, "TCG2 capability 1.1 size");
_Static_assert(__builtin_offsetof(EFI_TCG2_BOOT_SERVICE_CAPABILITY, TPMPresentFlag) == 16,
	       "TCG2 capability: TPMPresentFlag");
_Static_assert(__builtin_offsetof(EFI_TCG2_BOOT_SERVICE_CAPABILITY, ActivePcrBanks) == 32,
	       "TCG2 capability: ActivePcrBanks");

/* 6.6.5: "EFI_TCG2_EVENT_HEADER_VERSION 1". */
#define EFI_TCG2_EVENT_HEADER_VERSION 1

typedef struct {
	UINT32 HeaderSize;
	UINT16 HeaderVersion;
	UINT32 PCRIndex;
	UINT32 EventType;
} __attribute__((packed)) EFI_TCG2_EVENT_HEADER;
_Static_assert(sizeof(EFI_TCG2_EVENT_HEADER) == 14, "TCG2 event header size");

typedef struct {
	UINT32 Size;		/* of the whole structure, event data included */
	EFI_TCG2_EVENT_HEADER Header;
	UINT8 Event[];
} __attribute__((packed)) EFI_TCG2_EVENT;
_Static_assert(sizeof(EFI_TCG2_EVENT) == 18, "TCG2 event size without data");

typedef UINT32 EFI_TCG2_EVENT_LOG_FORMAT;
struct _EFI_TCG2_PROTOCOL;

typedef EFI_STATUS(EFIAPI *EFI_TCG2_GET_CAPABILITY)(struct _EFI_TCG2_PROTOCOL *This,
						    EFI_TCG2_BOOT_SERVICE_CAPABILITY *Cap);
typedef EFI_STATUS(EFIAPI *EFI_TCG2_GET_EVENT_LOG)(struct _EFI_TCG2_PROTOCOL *This,
						   EFI_TCG2_EVENT_LOG_FORMAT Format,
						   EFI_PHYSICAL_ADDRESS *Location,
						   EFI_PHYSICAL_ADDRESS *LastEntry,
						   BOOLEAN *Truncated);
typedef EFI_STATUS(EFIAPI *EFI_TCG2_HASH_LOG_EXTEND_EVENT)(struct _EFI_TCG2_PROTOCOL *This,
							   UINT64 Flags,
							   EFI_PHYSICAL_ADDRESS DataToHash,
							   UINT64 DataToHashLen,
							   EFI_TCG2_EVENT *EfiTcgEvent);
typedef EFI_STATUS(EFIAPI *EFI_TCG2_SUBMIT_COMMAND)(struct _EFI_TCG2_PROTOCOL *This,
						    UINT32 InputSize, UINT8 *Input,
						    UINT32 OutputSize, UINT8 *Output);
typedef EFI_STATUS(EFIAPI *EFI_TCG2_GET_ACTIVE_PCR_BANKS)(struct _EFI_TCG2_PROTOCOL *This,
							  UINT32 *ActivePcrBanks);
typedef EFI_STATUS(EFIAPI *EFI_TCG2_SET_ACTIVE_PCR_BANKS)(struct _EFI_TCG2_PROTOCOL *This,
							  UINT32 ActivePcrBanks);
typedef EFI_STATUS(EFIAPI *EFI_TCG2_GET_RESULT_OF_SET_ACTIVE_PCR_BANKS)(
	struct _EFI_TCG2_PROTOCOL *This, UINT32 *OperationPresent, UINT32 *Response);

/* 6.1, in the specification's order. */
typedef struct _EFI_TCG2_PROTOCOL {
	EFI_TCG2_GET_CAPABILITY GetCapability;
	EFI_TCG2_GET_EVENT_LOG GetEventLog;
	EFI_TCG2_HASH_LOG_EXTEND_EVENT HashLogExtendEvent;
	EFI_TCG2_SUBMIT_COMMAND SubmitCommand;
	EFI_TCG2_GET_ACTIVE_PCR_BANKS GetActivePcrBanks;
	EFI_TCG2_SET_ACTIVE_PCR_BANKS SetActivePcrBanks;
	EFI_TCG2_GET_RESULT_OF_SET_ACTIVE_PCR_BANKS GetResultOfSetActivePcrBanks;
} EFI_TCG2_PROTOCOL;

/* 6.6.3: EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, the crypto-agile log. */
#define EFI_TCG2_EVENT_LOG_FORMAT_TCG_2 0x00000002u

/* The events logged after the first GetEventLog call (7.1.1). */
#define EFI_TCG2_FINAL_EVENTS_TABLE_GUID \
	{ 0x1e2ed096, 0x30e2, 0x4254, { 0xbd, 0x89, 0x86, 0x3b, 0xbe, 0xf8, 0x23, 0x25 } }
typedef struct {
	UINT64 Version;
	UINT64 NumberOfEvents;
	UINT8 Event[];
} EFI_TCG2_FINAL_EVENTS_TABLE;

/* The kernel's own table for the log (include/linux/efi.h,
 * LINUX_EFI_TPM_EVENT_LOG_GUID, struct linux_efi_tpm_eventlog), which its
 * EFI stub installs: the direct hand-off installs it instead. */
#define LINUX_EFI_TPM_EVENT_LOG_GUID \
	{ 0xb7799cb0, 0xeca2, 0x4943, { 0x96, 0x67, 0x1f, 0xae, 0x07, 0xb7, 0x47, 0xfa } }
struct linux_efi_tpm_eventlog {
	UINT32 size;
	UINT32 final_events_preboot_size;
	UINT8 version;
	UINT8 log[];
} __attribute__((packed));
_Static_assert(sizeof(struct linux_efi_tpm_eventlog) == 9, "linux_efi_tpm_eventlog size");

/* The size of the crypto-agile event (TCG_PCR_EVENT2, PC Client Platform
 * Firmware Profile 10.2.2) at p, of at most avail bytes; 0 if it is not
 * one: an unknown digest algorithm, more digests than banks exist, or a
 * size past avail. */
uint64_t tcg2_event2_size(const uint8_t *p, uint64_t avail);

/* Find EFI_TCG2_PROTOCOL and a TPM behind it: pf->measurer, else
 * pf->measure_off says why not ("no EFI_TCG2_PROTOCOL", "no TPM"). */
void efi_tcg2_init(struct platform *pf);
/* The direct hand-off, after measuring: hand the firmware's event log to
 * the kernel as its EFI stub would (a copy in LINUX_EFI_TPM_EVENT_LOG), so
 * that it shows it as binary_bios_measurements. A warning if it cannot. */
void efi_tcg2_install_log(void);
/* Error returns: remove that table and free its copy. */
void efi_tcg2_release(void);

#endif
