/* libFuzzer: the parsers shim.elf runs over what the previous firmware
 * left (arch/x86_64/fwlog.c), every byte untrusted.
 *
 * The input is both at once:
 *   - an event log: fwlog_end must either refuse it or name an end inside
 *     it (never past the buffer);
 *   - physical memory at PHYS_BASE, with an RSDP at its start, RAM as far
 *     as the input goes: fwlog_tpm2_area must only follow pointers inside
 *     it (ASan catches a read outside the copy). */
#include "fuzz.h"
#include <stdlib.h>

#include "x86_64/fwlog.h"

#define PHYS_BASE 0x1000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1);
	struct error e;
	size_t end;
	const char *why_not = NULL;

	memcpy(buf, data, size);
	if (fwlog_end(buf, size, &end, &why_not, &e) == 0 && !why_not && end > size)
		abort();

	struct phys_mem pm = { (uintptr_t)buf, PHYS_BASE, size };
	struct memmap m = { .n = 1, .e = { { PHYS_BASE, size, MEM_RESERVED } } };
	uint64_t lasa;
	uint32_t laml;
	fwlog_tpm2_area(&pm, &m, PHYS_BASE, &lasa, &laml, &e);
	free(buf);
	return 0;
}
