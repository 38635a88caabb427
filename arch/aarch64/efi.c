/* shim.efi on aarch64 (gnu-efi), the direct hand-off: the DTB from the
 * firmware's configuration table, or a fresh one (AAVMF's default ACPI
 * configuration has none), gets /chosen with the command line, the initrd
 * and the linux,uefi-* properties the kernel's EFI stub would pass; after
 * ExitBootServices the caches are cleaned, the MMU turned off and the
 * kernel entered as booting.rst requires. */
#include <efi.h>
#include <efilib.h>

#include "boot.h"
#include "console.h"
#include "fdt.h"
#include "uefi.h"
#include "cpu.h"

#include <libfdt.h>

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1 << 5)

static volatile uint32_t *uart; /* from the firmware's DTB, if it has one */

void efi_uart_putc(char c)
{
	if (!uart)
		return;
	for (int i = 0; i < 100000 && (uart[PL011_FR / 4] & PL011_FR_TXFF); i++)
		;
	uart[PL011_DR / 4] = (uint8_t)c;
}

void efi_uart_init(void)
{
	/* AAVMF leaves the PL011 set up; nothing to do. */
}

bool efi_uart_early(void)
{
	return uart != NULL;
}

void efi_halt(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

void efi_after_exit(void)
{
	efi_runtime_identity();
}

/* The payload copy (shim/place.c's memmove lands here when source and
 * destination do not overlap): 64 bytes a round with four ldp/stp pairs,
 * so a 27 MiB Image takes 27 MiB / 64 rounds instead of one per byte.
 * UEFI runs AArch64 code "with the MMU enabled, ... unaligned access
 * should be enabled if supported" (UEFI 2.10, 2.3.6), which ARMv8 always
 * supports for Normal memory: the source may be unaligned; the
 * destination is brought to 16 bytes first. Overrides shim/lib.c's weak
 * one in shim.efi only: the bare flavours run parts with the MMU off,
 * where unaligned accesses fault. */
#define COPY_ROUND 64
#define COPY_DEST_ALIGN 16

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	for (; n && ((uintptr_t)d & (COPY_DEST_ALIGN - 1)); n--)
		*d++ = *s++;
	size_t rounds = n / COPY_ROUND;
	if (rounds)
		__asm__ volatile("1:\n\t"
				 "ldp x4, x5, [%1]\n\t"
				 "ldp x6, x7, [%1, #16]\n\t"
				 "ldp x8, x9, [%1, #32]\n\t"
				 "ldp x10, x11, [%1, #48]\n\t"
				 "add %1, %1, #64\n\t"
				 "stp x4, x5, [%0]\n\t"
				 "stp x6, x7, [%0, #16]\n\t"
				 "stp x8, x9, [%0, #32]\n\t"
				 "stp x10, x11, [%0, #48]\n\t"
				 "add %0, %0, #64\n\t"
				 "subs %2, %2, #1\n\t"
				 "b.ne 1b"
				 : "+r"(d), "+r"(s), "+r"(rounds)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "cc", "memory");
	for (n %= COPY_ROUND; n; n--)
		*d++ = *s++;
	return dst;
}
_Static_assert(COPY_ROUND == 4 * 16, "the loop moves four ldp/stp pairs a round");

/* A copy of the firmware's DTB, or a fresh empty tree: the source the core
 * patches into the DTB it places. */
static uint8_t dtb[DT_MAX_SIZE] __attribute__((aligned(8)));

static int find_dtb(struct platform *pf, struct error *e)
{
	EFI_GUID guid = EFI_DTB_TABLE_GUID;
	const void *table = efi_config_table(&guid);
	if (table) {
		uint64_t size;
		if (dt_check(table, DT_MAX_SIZE, &size, e))
			return -1;
		memcpy(dtb, table, size);
		uint64_t pl011;
		if (dt_console_pl011(dtb, &pl011) == 0)
			uart = (volatile uint32_t *)(uintptr_t)pl011;
		pf->dtb = dtb;
		pf->dtb_size = size;
		return 0;
	}
	int err = fdt_create_empty_tree(dtb, 4096);
	if (err)
		return fail(e, "dtb", "creating an empty tree: %s", fdt_strerror(err));
	pf->dtb = dtb;
	pf->dtb_size = fdt_totalsize(dtb);
	return 0;
}

int efi_arch_init(struct platform *pf, struct error *e)
{
	if (find_dtb(pf, e))
		return -1;
	/* Entropy from EFI_RNG_PROTOCOL where the firmware has it, else RNDR. */
	pf->seed_len = efi_rng(pf->seed, sizeof(pf->seed));
	const char *from = "EFI_RNG_PROTOCOL";
	if (!pf->seed_len) {
		pf->seed_len = rndr_seed(pf->seed, sizeof(pf->seed));
		from = "RNDR (the firmware has no EFI_RNG_PROTOCOL)";
	}
	if (pf->seed_len)
		con_printf("bootshim: entropy: %zu bytes from %s\n", pf->seed_len, from);
	else
		con_printf("bootshim: entropy: none (no EFI_RNG_PROTOCOL, no RNDR)\n");
	return 0;
}
