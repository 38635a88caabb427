/* aarch64 pieces every entry shares: the generic timer, RNDR, the fault
 * report and the hand-off of booting.rst. The console, stopping and the
 * firmware hooks differ between owning the machine (bare.c) and running
 * under UEFI (efi.c). */
#include "arch.h"
#include "boot.h"
#include "console.h"
#include "aarch64.h"
#include "cpu.h"
#include "dcache.h"

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

/* ESR_ELx.EC, the exception class, and the classes worth a name. */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3f
static const char *const ec_names[ESR_EC_MASK + 1] = {
	[0x00] = "unknown reason",	 [0x01] = "WFI/WFE",
	[0x07] = "FP/SIMD trapped",	 [0x0e] = "illegal execution state",
	[0x15] = "SVC",			 [0x16] = "HVC",
	[0x17] = "SMC",			 [0x18] = "system register trapped",
	[0x19] = "SVE trapped",		 [0x1d] = "SME trapped",
	[0x20] = "instruction abort, lower EL", [0x21] = "instruction abort",
	[0x22] = "PC alignment",	 [0x24] = "data abort, lower EL",
	[0x25] = "data abort",		 [0x26] = "SP alignment",
	[0x2f] = "SError",		 [0x3c] = "BRK",
};
/* The vector table's four groups of four entries: (entry & 3) is the
 * kind, (entry >> 2) where the exception came from. */
#define VECTOR_KIND_SYNC 0
static const char *const vector_kinds[4] = { "synchronous", "IRQ", "FIQ", "SError" };
static const char *const vector_origins[4] = { "current EL, SP_EL0", "current EL",
					       "lower EL, AArch64", "lower EL, AArch32" };

/* Called by the exception vectors (vectors.S): any exception the shim did
 * not expect, during its own run or after it (an EL3 trap from the kernel
 * below a shim.rom), is reported in the x86 entries' form, "cpu: exception
 * <n> at <address>", then the machine is stopped. */
void exception_fatal(uint64_t esr, uint64_t elr, uint64_t far, uint64_t entry)
{
	struct error e;
	unsigned ec = (unsigned)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
	const char *what = (entry & 3) != VECTOR_KIND_SYNC ? vector_kinds[entry & 3]
			 : ec_names[ec] ? ec_names[ec] : "synchronous";
	fail(&e, "cpu", "exception 0x%02x at 0x%llx (%s, %s, ESR 0x%llx, FAR 0x%llx)", ec,
	     (unsigned long long)elr, what, vector_origins[(entry >> 2) & 3],
	     (unsigned long long)esr, (unsigned long long)far);
	fatal(&e);
}

uint64_t dcache_line(void)
{
	uint64_t ctr;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return 4ull << ((ctr >> CTR_EL0_DMINLINE_SHIFT) & CTR_EL0_DMINLINE_MASK);
}

/* Clean and invalidate [base, base+size) to the point of coherency. */
static void dcache_clean_inval(uint64_t base, uint64_t size)
{
	uint64_t line = dcache_line();
	for (uint64_t a = align_down(base, line); a < base + size; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
}

/* dcache_clean_at_exit's ranges (shim.rom registers one: its TPM event log). */
#define EXIT_CLEAN_MAX 2
static struct range exit_clean[EXIT_CLEAN_MAX];
static size_t n_exit_clean;

void dcache_clean_at_exit(uint64_t base, uint64_t size)
{
	/* Filled by entry code with its own buffers, never from input. */
	if (n_exit_clean < EXIT_CLEAN_MAX)
		exit_clean[n_exit_clean++] = (struct range){ base, size, NULL };
}

/* The destinations place_copy filled through arch_copy: already cleaned to
 * the point of coherency, and not written again before the jump (the
 * generated items, the DTB, are not copies). */
static uint64_t copied_dest[ITEM_COUNT];
static size_t n_copied;

void arch_copy(void *dst, const void *src, size_t n)
{
	copy_clean(dst, src, n);
	if (n_copied < ITEM_COUNT)
		copied_dest[n_copied++] = (uintptr_t)dst;
}

static bool cleaned_by_copy(uint64_t base)
{
	for (size_t i = 0; i < n_copied; i++)
		if (copied_dest[i] == base)
			return true;
	return false;
}

void arch_enter_kernel(const struct handoff *h)
{
	/* booting.rst: everything written cleaned to the point of coherency
	 * (the copies were, as they went: arch_copy), then (jump_to_kernel)
	 * MMU and D-cache off, I-cache invalidated, DAIF masked, x0 = DTB,
	 * x1-x3 = 0. */
	for (size_t i = 0; i < h->n_written; i++)
		if (!cleaned_by_copy(h->written[i].base))
			dcache_clean_inval(h->written[i].base, h->written[i].size);
	for (size_t i = 0; i < n_exit_clean; i++)
		dcache_clean_inval(exit_clean[i].base, exit_clean[i].size);
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
