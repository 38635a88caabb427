/* The x86_64 arch boundary for the entries that own the machine (PVH,
 * shim.rom): console on COM1, and stopping through isa-debug-exit. No
 * firmware to leave: the core's defaults apply. */
#include "arch.h"
#include "boot.h"
#include "console.h"
#include "io.h"
#include "x86_64.h"

void arch_console_putc(char c)
{
	uart_putc(c);
}

/* QEMU's isa-debug-exit makes QEMU exit with status (v << 1) | 1: at its
 * default port 0x501 and at 0xf4, where it is often placed. */
static void isa_debug_exit(void)
{
	outb(0x501, 1);
	outb(0xf4, 1);
}

static __attribute__((noreturn)) void halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void x86_64_debug_exit(void)
{
	isa_debug_exit();
	halt();
}

void arch_stop_failure(void)
{
	con_printf("bootshim: stopping the machine\n");
	isa_debug_exit();
	con_printf("bootshim: machine halted (no isa-debug-exit device to report failure)\n");
	halt();
}

void arch_enter_kernel(const struct handoff *h)
{
	/* What the kernel's real-mode setup would have done before entering
	 * protected mode (arch/x86/boot/pm.c): mask the legacy PICs. */
	outb(0xa1, 0xff);
	outb(0x21, 0xfb);

	/* boot.rst, 64-bit boot protocol: "interrupt must be disabled",
	 * %rsi holds the base address of struct boot_params, CS = __BOOT_CS
	 * and DS/ES/SS = __BOOT_DS (the GDT we run on). */
	__asm__ volatile("cli\n\t"
			 "cld\n\t"
			 "jmp *%0"
			 :
			 : "r"(h->entry), "S"(h->arg)
			 : "memory");
	__builtin_unreachable();
}
