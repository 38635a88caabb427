/* OpenSSL's SHA-256 on arm64 (shim/sha256.c): FP/SIMD access and the
 * capability word its block function dispatches on.
 *
 * Both the SHA-2 path (SHA256H/SHA256H2/SHA256SU0/SHA256SU1 on V
 * registers) and the NEON path are FP/SIMD instructions, and Debian's
 * C part of libcrypto (SHA256_Init's 128-bit stores) uses SIMD too: each
 * traps unless the current EL's FP/SIMD trap is off. The bare entries
 * already untrap it (el.S's cpu_setup, rom.c's CPTR_EL3); UEFI leaves it
 * on. This does it again, for the current EL only (the registers of a
 * higher EL are not ours to touch, and would UNDEF), so that hashing
 * never depends on the order of an entry's set-up:
 *   EL1: CPACR_EL1.FPEN = 0b11 (no trap at EL1/EL0);
 *   EL2: CPTR_EL2.TFP = 0 (HCR_EL2.E2H 0) or CPTR_EL2.FPEN = 0b11 (E2H
 *        1: CPTR_EL2 then has CPACR_EL1's layout), and CPACR_EL1.FPEN;
 *   EL3: CPTR_EL3.TFP = 0.
 * The kernel sets its own FP/SIMD state up (booting.rst asks the firmware
 * to leave CPTR_EL3.TFP and CPTR_EL2.TFP clear, as here). */
#include "openssl_sha256.h"
#include "sha256.h"
#include "aarch64.h"

#define CURRENTEL_SHIFT 2
#define CURRENTEL_MASK 3
#define HCR_EL2_E2H BIT(34)

#define MRS(reg) ({ uint64_t v_; __asm__ volatile("mrs %0, " reg : "=r"(v_)); v_; })
#define MSR(reg, v) __asm__ volatile("msr " reg ", %0\n\tisb" : : "r"((uint64_t)(v)))

/* OpenSSL's symbol (include/crypto/arm_arch.h): 0 until set up here. */
unsigned int OPENSSL_armcap_P;

void sha256_cpu_setup(void)
{
	unsigned el = (unsigned)(MRS("CurrentEL") >> CURRENTEL_SHIFT) & CURRENTEL_MASK;
	if (el == 3) {
		MSR("cptr_el3", MRS("cptr_el3") & ~(uint64_t)CPTR_EL3_TFP);
	} else {
		if (el == 2) {
			uint64_t cptr = MRS("cptr_el2");
			if (MRS("hcr_el2") & HCR_EL2_E2H)
				cptr |= CPACR_EL1_FPEN;
			else
				cptr &= ~(uint64_t)CPTR_EL2_TFP;
			MSR("cptr_el2", cptr);
		}
		MSR("cpacr_el1", MRS("cpacr_el1") | CPACR_EL1_FPEN);
	}

	OPENSSL_armcap_P = openssl_armcap(MRS("id_aa64isar0_el1"), MRS("id_aa64pfr0_el1"));
}

const char *sha256_cpu_name(void)
{
	return OPENSSL_armcap_P & ARMCAP_SHA256 ? "ARMv8 SHA-2 instructions"
	       : OPENSSL_armcap_P & ARMCAP_NEON ? "NEON" : "integer code";
}
