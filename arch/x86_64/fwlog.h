/* The event log a previous firmware keeps (fwlog.c): found through ACPI,
 * walked to its end, so that shim.elf appends its events to it. */
#ifndef BOOTSHIM_X86_FWLOG_H
#define BOOTSHIM_X86_FWLOG_H

#include "error.h"
#include "memmap.h"
#include "phys.h"

/* The log area the ACPI TPM2 table names (LASA, LAML), through the RSDP
 * at rsdp_addr; every structure is read through pm and only where one
 * range of the memory map m holds it. *laml 0 when there is no TPM2
 * table or it has no log area. -1 (e): a damaged RSDP, RSDT/XSDT or TPM2
 * table. */
int fwlog_tpm2_area(const struct phys_mem *pm, const struct memmap *m, uint64_t rsdp_addr, uint64_t *lasa,
		    uint32_t *laml, struct error *e);

/* The offset where the next event goes in a crypto-agile log of `size`
 * bytes. *why_not is set (and 0 returned) when the log is sound but the
 * shim cannot add to it: its Spec ID event lists banks other than
 * SHA-256. -1 (e): the log is not one the shim understands. */
int fwlog_end(const uint8_t *log, size_t size, size_t *end, const char **why_not,
	      struct error *e);

#endif
