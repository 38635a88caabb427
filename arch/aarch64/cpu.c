/* The aarch64 side of the arch boundary (shim/arch.h): PL011 console,
 * generic timer, stopping, and the hand-off of booting.rst. */
#include "../../shim/arch.h"
#include "../../shim/boot.h"
#include "../../shim/console.h"
#include "aarch64.h"

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1 << 5)

static volatile uint32_t *uart;	/* NULL until the DTB named one */
static char psci;		/* 'h', 's' or 0 */

bool semihost_call(uint64_t op, const void *param);
__attribute__((noreturn)) void jump_to_kernel(uint64_t entry, uint64_t dtb);

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

/* shim.img and shim.rom own the machine: no firmware to claim memory from
 * or to leave. */
int arch_claim(const struct place_item *item, size_t n, struct error *e)
{
	(void)item, (void)n, (void)e;
	return 0;
}

int arch_exit_firmware(struct platform *pf, struct boot_plan *bp, struct error *e)
{
	(void)pf, (void)bp, (void)e;
	return 0;
}

uint64_t arch_ticks(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

uint64_t arch_ticks_hz(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

#define PSCI_SYSTEM_OFF 0x84000008
#define SEMIHOST_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

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

__attribute__((noreturn)) void exception_fatal(uint64_t esr, uint64_t elr, uint64_t far);
void exception_fatal(uint64_t esr, uint64_t elr, uint64_t far)
{
	struct error e;
	fail(&e, "exception", "ESR 0x%llx at 0x%llx, FAR 0x%llx", (unsigned long long)esr,
	     (unsigned long long)elr, (unsigned long long)far);
	fatal(&e);
}

/* Clean and invalidate [base, base+size) to the point of coherency. */
static void dcache_clean_inval(uint64_t base, uint64_t size)
{
	uint64_t ctr;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	uint64_t line = 4ull << ((ctr >> 16) & 0xf); /* DminLine, in words */
	for (uint64_t a = align_down(base, line); a < base + size; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
}

void arch_enter_kernel(const struct handoff *h)
{
	/* booting.rst: everything written cleaned to the point of coherency,
	 * then (jump_to_kernel) MMU and D-cache off, I-cache invalidated,
	 * DAIF masked, x0 = DTB, x1-x3 = 0. */
	for (size_t i = 0; i < h->n_written; i++)
		dcache_clean_inval(h->written[i].base, h->written[i].size);
	__asm__ volatile("dsb sy" : : : "memory");

	jump_to_kernel(h->entry, h->arg);
	__builtin_unreachable();
}

/* FEAT_RNG: RNDR, where ID_AA64ISAR0_EL1.RNDR says the CPU has it. */
size_t rndr_seed(uint8_t *out, size_t len)
{
	uint64_t isar0;
	__asm__("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	if (((isar0 >> 60) & 0xf) == 0)
		return 0;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v, ok;
		/* RNDR sets NZCV to 0b0100 (Z) when it has no entropy. */
		__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne" : "=r"(v), "=r"(ok));
		if (!ok)
			return 0;
		memcpy(out + i, &v, 8);
	}
	return len;
}
