/* EFI_TCG2_PROTOCOL, which gnu-efi lacks: TCG EFI Protocol Specification,
 * Family "2.0", Level 00 Revision 00.13, section 6 (the structures are
 * byte-packed: "#pragma pack(1)" in the specification's definitions). The
 * UEFI measurer (arch/efi/tcg2.c) measures through HashLogExtendEvent, so
 * that the firmware hashes into every active PCR bank and keeps the event
 * log the kernel finds. */
#ifndef BOOTSHIM_EFI_TCG2_H
#define BOOTSHIM_EFI_TCG2_H

#include <efi.h>

#include "../../shim/boot.h"

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

/* 6.4.1, the 1.1 structure ("Size: allocated size of the structure"). */
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
} __attribute__((packed)) EFI_TCG2_BOOT_SERVICE_CAPABILITY;
_Static_assert(sizeof(EFI_TCG2_BOOT_SERVICE_CAPABILITY) == 30, "TCG2 capability 1.1 size");

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

/* Find EFI_TCG2_PROTOCOL and a TPM behind it: pf->measurer, else
 * pf->measure_off says why not ("no EFI_TCG2_PROTOCOL", "no TPM"). */
void efi_tcg2_init(struct platform *pf);

#endif
