/* aarch64 pieces every entry shares: the generic timer, RNDR, the fault
 * report and the hand-off of booting.rst. The console, stopping and the
 * firmware hooks differ between owning the machine (bare.c) and running
 * under UEFI (efi.c). */
#include "../../shim/arch.h"
#include "../../shim/boot.h"
#include "../../shim/console.h"
#include "aarch64.h"

__attribute__((noreturn)) void jump_to_kernel(uint64_t entry, uint64_t dtb);

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
