/* The riscv64 arch boundary for S-mode entries under an SBI firmware
 * (shim.img): the SBI console, and stopping with a failure status. No
 * firmware to leave: the core's defaults apply. */
#include "arch.h"
#include "console.h"
#include "riscv64.h"
#include "rom.h"

struct sbiret {
	long error;
	long value;
};

/* SBI calling convention: a7 the extension, a6 the function, a0-a5 the
 * arguments; a0 the error and a1 the value back. */
static struct sbiret sbi_call(long ext, long fid, long arg0, long arg1)
{
	register long a0 __asm__("a0") = arg0;
	register long a1 __asm__("a1") = arg1;
	register long a6 __asm__("a6") = fid;
	register long a7 __asm__("a7") = ext;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
	return (struct sbiret){ a0, a1 };
}

/* "sbi_probe_extension ... Returns 0 if the given SBI extension ID (EID)
 * is not available, or 1 if it is available unless defined as any other
 * non-zero value by the implementation." */
static bool sbi_has(long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, ext, 0);
	return !r.error && r.value;
}

static bool dbcn;			/* the Debug Console extension (SBI 2.0) */
static bool uart_direct;		/* the console on the DTB's UART */
static volatile uint32_t *test_device;	/* QEMU's sifive,test; NULL: none */

void riscv64_sbi_init(uint64_t test_base)
{
	dbcn = sbi_has(SBI_EXT_DBCN);
	test_device = (volatile uint32_t *)(uintptr_t)test_base;
}

void riscv64_console_uart(const struct rom_uart *u)
{
	rom_uart_attach(u);
	uart_direct = true;
}

void arch_console_putc(char c)
{
	if (uart_direct) {
		rom_uart_putc(c);
		return;
	}
	/* DBCN where the SBI has it (OpenSBI 1.3 on); else the legacy
	 * console_putchar, which every SBI so far still provides (OpenSBI
	 * 1.1, Debian 12's and QEMU 7.2's). Before riscv64_sbi_init, the
	 * legacy call too: an error must be said even then. */
	if (dbcn)
		sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE, (uint8_t)c, 0);
	else
		sbi_call(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, (uint8_t)c, 0);
}

/* QEMU's hw/misc/sifive_test.c: "FINISHER_FAIL" 0x3333 with an exit code
 * in bits 31:16 makes QEMU exit with that status. */
#define SIFIVE_TEST_FAIL 0x3333
#define SIFIVE_TEST_CODE_SHIFT 16
#define STOP_STATUS 1

void arch_stop_failure(void)
{
	con_printf("bootshim: stopping the machine\n");
	/* QEMU's test device first: SBI SRST with reason "system failure"
	 * powers off as well, but OpenSBI 1.1's sifive_test driver writes
	 * FINISHER_PASS for every shutdown whatever the reason, and QEMU
	 * then exits with status 0 (checked with qemu-system-riscv64 7.2):
	 * a failure must not look like success. S-mode may write the device
	 * (OpenSBI's PMP guards only its own memory). */
	if (test_device)
		*test_device = SIFIVE_TEST_FAIL | STOP_STATUS << SIFIVE_TEST_CODE_SHIFT;
	/* Elsewhere: a system reset, shutdown, "system failure". */
	if (sbi_has(SBI_EXT_SRST))
		sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
			 SBI_SRST_REASON_SYSTEM_FAILURE);
	/* An SBI before 0.3: the legacy shutdown. */
	sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0);
	con_printf("bootshim: machine halted (no test device, SBI shutdown failed)\n");
	for (;;)
		__asm__ volatile("wfi");
}
