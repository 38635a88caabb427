/* shim.efi on riscv64 (gnu-efi), the firmware-facing side: the DTB from
 * the firmware's configuration table (the core patches /chosen with the
 * command line, the initrd and the linux,uefi-* properties the kernel's
 * EFI stub would pass), the boot hart from RISCV_EFI_BOOT_PROTOCOL, and,
 * after ExitBootServices, runtime services mapped 1:1 and the SBI console.
 * The direct hand-off then enters the kernel as Documentation/arch/riscv/
 * boot.rst asks (arch/riscv64/cpu.c, smode.S); the stub hand-off is
 * arch/efi's, the same as on the other arches. */
#include <efi.h>
#include <efilib.h>

#include "boot.h"
#include "console.h"
#include "uefi.h"
#include "fdt.h"
#include "riscv64.h"

#include <libfdt.h>

/* RISCV_EFI_BOOT_PROTOCOL (RISC-V UEFI Protocol Specification 1.0):
 * "The boot hart ID ... This protocol is the preferred method for the
 * operating systems to discover the boot hart ID", over the /chosen
 * boot-hartid property that older firmware writes into the DTB. */
#define RISCV_EFI_BOOT_PROTOCOL_GUID \
	{ 0xccd15fec, 0x6f73, 0x4eec, { 0x83, 0x95, 0x3e, 0x69, 0xe4, 0xb9, 0x40, 0xbf } }
struct riscv_efi_boot_protocol {
	UINT64 revision;
	EFI_STATUS(EFIAPI *get_boot_hartid)(struct riscv_efi_boot_protocol *this,
					    UINTN *boot_hartid);
};
_Static_assert(sizeof(struct riscv_efi_boot_protocol) == 16, "RISCV_EFI_BOOT_PROTOCOL");

/* The payload copy (shim/place.c's memmove lands here when source and
 * destination do not overlap): where both are equally aligned to 8 bytes,
 * 64 bytes a round with eight ld/sd pairs, so a 27 MiB Image takes
 * 27 MiB / 64 rounds. Misaligned words may trap to the SBI's emulation
 * ("misaligned accesses ... may be ... trapped", RISC-V unprivileged ISA,
 * 2.6): a source and destination that differ modulo 8 are copied bytewise.
 * Overrides shim/lib.c's weak, one word a round, in shim.efi only. */
#define COPY_ROUND 64
#define COPY_WORD 8

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (!(((uintptr_t)d ^ (uintptr_t)s) & (COPY_WORD - 1))) {
		for (; n && ((uintptr_t)d & (COPY_WORD - 1)); n--)
			*d++ = *s++;
		size_t rounds = n / COPY_ROUND;
		n %= COPY_ROUND;
		if (rounds)
			__asm__ volatile("1:\n\t"
					 "ld t0, 0(%1)\n\t"
					 "ld t1, 8(%1)\n\t"
					 "ld t2, 16(%1)\n\t"
					 "ld t3, 24(%1)\n\t"
					 "ld t4, 32(%1)\n\t"
					 "ld t5, 40(%1)\n\t"
					 "ld t6, 48(%1)\n\t"
					 "ld a7, 56(%1)\n\t"
					 "sd t0, 0(%0)\n\t"
					 "sd t1, 8(%0)\n\t"
					 "sd t2, 16(%0)\n\t"
					 "sd t3, 24(%0)\n\t"
					 "sd t4, 32(%0)\n\t"
					 "sd t5, 40(%0)\n\t"
					 "sd t6, 48(%0)\n\t"
					 "sd a7, 56(%0)\n\t"
					 "addi %1, %1, 64\n\t"
					 "addi %0, %0, 64\n\t"
					 "addi %2, %2, -1\n\t"
					 "bnez %2, 1b"
					 : "+r"(d), "+r"(s), "+r"(rounds)
					 :
					 : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a7", "memory");
	}
	while (n--)
		*d++ = *s++;
	return dst;
}
_Static_assert(COPY_ROUND == 8 * COPY_WORD, "the loop moves eight words a round");

/* rng-seed: as many bytes as the kernel's pool takes in one go. */
#define SEED_BYTES 64
_Static_assert(SEED_BYTES <= sizeof(((struct platform *)0)->seed), "platform seed room");

/* ---- the console after ExitBootServices: the SBI's (OpenSBI's), which
 * outlives the firmware. SBI calling convention: a7 the extension, a6
 * the function, a0 the argument. The legacy console_putchar (extension
 * 0x01) is in every SBI so far, OpenSBI 1.1 (Debian 12's, QEMU 7.2's)
 * and later; DBCN (SBI 2.0) is its successor, taken where present. */
static bool dbcn;

static long sbi_call(long ext, long fid, long arg0)
{
	register long a0 __asm__("a0") = arg0;
	register long a1 __asm__("a1") = 0;
	register long a6 __asm__("a6") = fid;
	register long a7 __asm__("a7") = ext;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
	/* "sbi_probe_extension ... Returns 0 if the given SBI extension ID
	 * (EID) is not available": the value (a1), where a0 is no error. */
	return a0 ? 0 : a1;
}

/* U-Boot's ConOut writes to its own serial driver, with no graphics
 * console to render: the progress lines stay on ConOut. */
bool efi_uart_early(void)
{
	return false;
}

void efi_uart_init(void)
{
	dbcn = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_DBCN) != 0;
}

void efi_uart_putc(char c)
{
	if (dbcn)
		sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE, (uint8_t)c);
	else
		sbi_call(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, (uint8_t)c);
}

void efi_halt(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

/* ---- after ExitBootServices */
void efi_after_exit(void)
{
	/* The firmware's trap handlers are gone with its boot services, and
	 * UEFI may have left its timer interrupt enabled: every supervisor
	 * interrupt off, as the kernel wants them at its entry. */
	__asm__ volatile("csrw sie, zero\n\tcsrc sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
	/* riscv64's stub is the same generic code as arm64's: runtime
	 * services 1:1. */
	efi_runtime_identity();
}

/* ---- what the firmware knows */

/* A copy of the firmware's DTB: the source the core patches into the DTB
 * it places. riscv64 Linux has no ACPI-only boot here: no DTB, no boot. */
static uint8_t dtb[DT_MAX_SIZE] __attribute__((aligned(DT_ALIGN)));

static int find_dtb(struct platform *pf, struct error *e)
{
	EFI_GUID guid = EFI_DTB_TABLE_GUID;
	const void *table = efi_config_table(&guid);
	if (table) {
		uint64_t size;
		if (dt_check(table, DT_MAX_SIZE, &size, e))
			return -1;
		memcpy(dtb, table, size);
		pf->dtb = dtb;
		pf->dtb_size = size;
		return 0;
	}
	return fail(e, "dtb", "the firmware's configuration table has no DTB "
		    "(EFI_DTB_TABLE_GUID), which riscv64 Linux needs");
}

/* "/chosen/boot-hartid", which U-Boot and EDK2 also write, one or two
 * cells (the kernel's stub takes either); -1 if absent or malformed. */
static int dt_boot_hartid(const void *fdt, uint64_t *hart)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	if (chosen < 0)
		return -1;
	const fdt32_t *p = fdt_getprop(fdt, chosen, "boot-hartid", &len);
	if (!p || (len != sizeof(fdt32_t) && len != 2 * sizeof(fdt32_t)))
		return -1;
	*hart = len == sizeof(fdt32_t) ? fdt32_ld(p) : (uint64_t)fdt32_ld(p) << 32 | fdt32_ld(p + 1);
	return 0;
}

static int boot_hart(const struct platform *pf, uint64_t *hart, struct error *e)
{
	EFI_GUID guid = RISCV_EFI_BOOT_PROTOCOL_GUID;
	struct riscv_efi_boot_protocol *rbp;
	UINTN id;
	EFI_STATUS st = uefi_call_wrapper(BS->LocateProtocol, 3, &guid, NULL, (void **)&rbp);
	if (!EFI_ERROR(st) && rbp) {
		st = uefi_call_wrapper(rbp->get_boot_hartid, 2, rbp, &id);
		if (EFI_ERROR(st))
			return fail(e, "uefi", "RISCV_EFI_BOOT_PROTOCOL GetBootHartId: status 0x%llx",
				    (unsigned long long)st);
		*hart = id;
		con_printf("bootshim: boot hart %llu (RISCV_EFI_BOOT_PROTOCOL)\n",
			   (unsigned long long)*hart);
		return 0;
	}
	if (dt_boot_hartid(pf->dtb, hart))
		return fail(e, "uefi", "no RISCV_EFI_BOOT_PROTOCOL (status 0x%llx) and no "
			    "/chosen/boot-hartid in the firmware's DTB: the boot hart is unknown",
			    (unsigned long long)st);
	con_printf("bootshim: boot hart %llu (/chosen/boot-hartid: the firmware has no "
		   "RISCV_EFI_BOOT_PROTOCOL)\n", (unsigned long long)*hart);
	return 0;
}

int efi_arch_init(struct platform *pf, struct error *e)
{
	uint64_t hart = 0, hz = 0;
	if (find_dtb(pf, e) || boot_hart(pf, &hart, e))
		return -1;
	/* The time CSR's rate for the entry-to-jump report and the BLI
	 * times; without it, times are left out. */
	riscv64_dt_timebase(pf->dtb, &hz);
	riscv64_cpu_init(hart, hz);
	/* Entropy from EFI_RNG_PROTOCOL where the firmware has it, else the
	 * seed CSR where the boot hart says it has Zkr (elsewhere the CSR
	 * number may mean nothing, or trap). */
	pf->seed_len = efi_rng(pf->seed, SEED_BYTES);
	const char *from = "EFI_RNG_PROTOCOL";
	if (!pf->seed_len && riscv64_dt_hart_has_ext(pf->dtb, hart, "zkr")) {
		pf->seed_len = riscv64_seed(pf->seed, SEED_BYTES);
		from = "the seed CSR (Zkr)";
	}
	if (pf->seed_len)
		con_printf("bootshim: entropy: %llu bytes from %s\n",
			   (unsigned long long)pf->seed_len, from);
	else
		con_printf("bootshim: entropy: none (no EFI_RNG_PROTOCOL, no Zkr)\n");
	return 0;
}
