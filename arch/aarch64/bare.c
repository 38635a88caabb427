/* The aarch64 arch boundary for the entries that own the machine
 * (shim.img, shim.rom): the PL011 the DTB names, and stopping through
 * semihosting or PSCI. No firmware to leave: the core's defaults apply. */
#include "../../shim/arch.h"
#include "../../shim/boot.h"
#include "../../shim/console.h"

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1 << 5)

bool semihost_call(uint64_t op, const void *param);

#define PSCI_SYSTEM_OFF 0x84000008
#define SEMIHOST_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static volatile uint32_t *uart;	/* NULL until the DTB named one */
static char psci;		/* 'h', 's' or 0 */


void aarch64_console_init(uint64_t pl011_base, char psci_conduit)
{
	uart = (volatile uint32_t *)(uintptr_t)pl011_base;
	psci = psci_conduit;
}

void arch_console_putc(char c)
{
	if (!uart)
		return;
	/* Bounded wait: a UART that never drains must not hang the boot. */
	for (int i = 0; i < 100000 && (uart[PL011_FR / 4] & PL011_FR_TXFF); i++)
		;
	uart[PL011_DR / 4] = (uint8_t)c;
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

