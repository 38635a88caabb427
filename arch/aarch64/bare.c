/* The aarch64 arch boundary for the entries that own the machine
 * (shim.img, shim.rom): the PL011 the DTB names, and stopping through
 * semihosting or PSCI. No firmware to leave: the core's defaults apply. */
#include "arch.h"
#include "boot.h"
#include "console.h"
#include "aarch64.h"
#include "cpu.h"
#include "dcache.h"

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1 << 5)

#define PSCI_SYSTEM_OFF 0x84000008

static volatile uint32_t *uart;	/* NULL until the DTB named one */
static char psci;		/* 'h', 's' or 0 */


void aarch64_console_init(uint64_t pl011_base, char psci_conduit)
{
	uart = (volatile uint32_t *)(uintptr_t)pl011_base;
	psci = psci_conduit;
}

#define SEMIHOST_SYS_WRITEC 0x03

void arch_console_putc(char c)
{
	if (!uart) {
		/* No PL011 named yet (a missing or hostile DTB): an error must
		 * still be said, so through semihosting where it is enabled. */
		semihost_call(SEMIHOST_SYS_WRITEC, &c);
		return;
	}
	/* Bounded wait: a UART that never drains must not hang the boot. */
	for (int i = 0; i < 100000 && (uart[PL011_FR / 4] & PL011_FR_TXFF); i++)
		;
	uart[PL011_DR / 4] = (uint8_t)c;
}

/* SCTLR_ELx.C at the current EL: data accesses may be cached. */
static bool dcache_on(void)
{
	uint64_t el, sctlr;
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	if ((el >> 2) == 3)
		__asm__ volatile("mrs %0, sctlr_el3" : "=r"(sctlr));
	else if ((el >> 2) == 2)
		__asm__ volatile("mrs %0, sctlr_el2" : "=r"(sctlr));
	else
		__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	return sctlr & SCTLR_C;
}

/* Carry out dc_plan_own for each range, then DSB. */
static void dc_own_ranges(const struct range *r, size_t n)
{
	uint64_t line = dcache_line();
	for (size_t i = 0; i < n; i++) {
		struct dc_plan p = dc_plan_own(r[i].base, r[i].size, line);
		for (size_t k = 0; k < p.n_edge; k++)
			__asm__ volatile("dc civac, %0" : : "r"(p.edge[k]) : "memory");
		for (uint64_t a = p.inval_lo; a < p.inval_hi; a += line)
			__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	}
	__asm__ volatile("dsb sy" : : : "memory");
}

/* booting.rst guarantees only that "the address range corresponding to
 * the loaded kernel image must be cleaned to the PoC": a loader (kexec, a
 * bootloader) may leave dirty lines over the memory the shim is about to
 * write past the caches (MMU off, shim.img). Written back later, they
 * would overwrite the fresh copies or the new DTB. So the destinations are
 * invalidated before anything is written to them; arch_enter_kernel cleans
 * them once written. (This replaces the core's no-op default.) */
int arch_claim(const struct place_item *item, size_t n, struct error *e)
{
	struct range r[ITEM_COUNT];
	if (n > ITEM_COUNT)
		return fail(e, "placement", "%zu items, more than %u", n, ITEM_COUNT);
	/* With the D-cache on (shim.rom maps RAM write-back first), the shim
	 * writes through the cache: an older dirty line is overwritten in the
	 * cache, never written back over the new bytes. Only past the caches
	 * (MMU off) must the lines go first. */
	if (dcache_on())
		return 0;
	dc_own_ranges(r, dc_written_ranges(item, n, r));
	return 0;
}

void arch_stop_failure(void)
{
	con_printf("bootshim: stopping the machine\n");
	/* Under QEMU with -semihosting: exit with status 1. */
	static const uint64_t exit_block[2] = { ADP_STOPPED_APPLICATION_EXIT, 1 };
	semihost_call(SEMIHOST_SYS_EXIT, exit_block);
	/* Otherwise power off through PSCI, as the DTB says to call it. */
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
	if (psci == 'h')
		__asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
	else if (psci == 's')
		__asm__ volatile("smc #0" : "+r"(x0) : : "memory");
	con_printf("bootshim: machine halted (no semihosting, no PSCI SYSTEM_OFF)\n");
	for (;;)
		__asm__ volatile("wfi");
}

