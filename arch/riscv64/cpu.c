/* riscv64 pieces every entry shares (shim.rom's in M-mode too): the time
 * CSR, the seed CSR (Zkr), the trap report and the hand-off of
 * Documentation/arch/riscv/boot.rst. */
#include "arch.h"
#include "boot.h"
#include "console.h"
#include "riscv64.h"

static uint64_t boot_hart, ticks_hz;

void riscv64_cpu_init(uint64_t hart, uint64_t timebase_hz)
{
	boot_hart = hart;
	ticks_hz = timebase_hz;
}

uint64_t arch_ticks(void)
{
	uint64_t v;
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

/* The DTB's /cpus timebase-frequency; 0 (frequency unknown) without one. */
uint64_t arch_ticks_hz(void)
{
	return ticks_hz;
}

/* The exception codes of scause and mcause (Privileged Architecture,
 * tables 4.2 and 3.6), by name. */
static const char *const exception_names[] = {
	[0] = "instruction address misaligned",	[1] = "instruction access fault",
	[2] = "illegal instruction",		[3] = "breakpoint",
	[4] = "load address misaligned",	[5] = "load access fault",
	[6] = "store/AMO address misaligned",	[7] = "store/AMO access fault",
	[8] = "environment call from U-mode",	[9] = "environment call from S-mode",
	[11] = "environment call from M-mode",
	[12] = "instruction page fault",	[13] = "load page fault",
	[15] = "store/AMO page fault",
};

const char *riscv64_exception_name(uint64_t code)
{
	return code < ARRAY_SIZE(exception_names) ? exception_names[code] : NULL;
}

void riscv64_trap_fatal(uint64_t scause, uint64_t sepc, uint64_t stval)
{
	struct error e;
	uint64_t code = scause & SCAUSE_CODE_MASK;
	const char *name = riscv64_exception_name(code);
	const char *what = scause & SCAUSE_INTERRUPT ? "interrupt" : name ? name : "exception";
	fail(&e, "cpu", "exception 0x%02llx at 0x%llx (%s, scause 0x%llx, stval 0x%llx)",
	     (unsigned long long)code, (unsigned long long)sepc, what,
	     (unsigned long long)scause, (unsigned long long)stval);
	fatal(&e);
}

/* Polls of the seed CSR per 16 bits before giving up: "WAIT" and "BIST"
 * say to try again later, and an entropy source that never delivers must
 * not hang the boot. */
#define SEED_POLLS 100000

/* 16 bits of entropy, or -1: the CSR trapped, its source is DEAD, or it
 * stayed in BIST or WAIT for SEED_POLLS reads. */
static int seed16(uint16_t *out)
{
	for (int poll = 0; poll < SEED_POLLS; poll++) {
		int64_t v = riscv64_seed_csr();
		if (v == SEED_TRAPPED)
			return -1;
		unsigned opst = (unsigned)((uint64_t)v >> SEED_OPST_SHIFT) & SEED_OPST_MASK;
		if (opst == SEED_OPST_DEAD)
			return -1;
		if (opst == SEED_OPST_ES16) {
			*out = (uint16_t)(v & SEED_ENTROPY_MASK);
			return 0;
		}
	}
	return -1;
}

size_t riscv64_seed(uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i += SEED_ENTROPY_BYTES) {
		uint16_t bits;
		if (seed16(&bits))
			return 0;
		size_t n = len - i < SEED_ENTROPY_BYTES ? len - i : SEED_ENTROPY_BYTES;
		memcpy(out + i, &bits, n);
	}
	return len;
}

void arch_enter_kernel(const struct handoff *h)
{
	/* boot.rst: "a0 to contain the current hart ID", "a1 to contain the
	 * address of the devicetree in memory", satp 0, interrupts off
	 * (sstatus.SIE 0 since the entry). RISC-V asks no cache maintenance;
	 * the copied kernel is code, so fence.i in riscv64_jump_to_kernel. */
	riscv64_jump_to_kernel(h->entry, boot_hart, h->arg);
}
