/* shim.efi on x86_64: the machine-level pieces of the UEFI entry (COM1
 * once boot services are gone, stopping, the jump), apart from the
 * firmware-facing code so that the host tests can stand in for them. */
#include "arch.h"
#include "boot.h"
#include "uefi.h"
#include "io.h"
#include "x86_64.h"

void efi_uart_putc(char c)
{
	uart_putc(c);
}

void efi_uart_init(void)
{
	x86_64_console_init();
}

/* COM1's scratch register (8250 family, 16450 and later): it keeps what
 * is written; an absent UART reads 0xff whatever was written. */
#define COM1_SCR (0x3f8 + 7)
#define SCR_PROBE 0x5a

bool efi_uart_early(void)
{
	static int present = -1;
	if (present < 0) {
		outb(COM1_SCR, SCR_PROBE);
		present = inb(COM1_SCR) == SCR_PROBE;
	}
	return present;
}

void efi_halt(void)
{
	outb(0x501, 1); /* isa-debug-exit, as the bare-metal entries do */
	outb(0xf4, 1);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* ---- the hand-off: our own GDT (boot.rst's __BOOT_CS 0x10 and __BOOT_DS
 * 0x18; the firmware's selectors differ), on the firmware's identity map. */
static const uint64_t gdt[] __attribute__((aligned(16))) = {
	0, 0x00cf9a000000ffff, 0x00af9a000000ffff, 0x00cf92000000ffff,
};

void arch_enter_kernel(const struct handoff *h)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} d = { sizeof(gdt) - 1, (uintptr_t)gdt };
	/* What the kernel's real-mode setup would do: mask the legacy PICs. */
	outb(0xa1, 0xff);
	outb(0x21, 0xfb);
	__asm__ volatile("cli\n\t"
			 "cld\n\t"
			 "lgdt %0\n\t"
			 "movl $0x18, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "pushq $0x10\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\tjmp *%1"
			 :
			 : "m"(d), "r"(h->entry), "S"(h->arg)
			 : "rax", "memory");
	__builtin_unreachable();
}
