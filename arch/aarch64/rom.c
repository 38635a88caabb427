/* shim.rom entry path: QEMU virt's firmware. The DTB is the one QEMU puts
 * at the start of RAM for firmware boots (or, without it, one embedded
 * with DTB=); RAM is then mapped with caches on for the copies out of
 * flash. */
#include "boot.h"
#include "console.h"
#include "fdt.h"
#include "aarch64.h"
#include "cpu.h"
#include "el3.h"
#include "layout.h"
#include "psci.h"

/* QEMU virt: RAM at 1 GiB, where -bios boots find the DTB; the PL011 used
 * only to report that no DTB exists at all. */
#define VIRT_RAM_BASE 0x40000000ull
#define VIRT_PL011 0x09000000ull
#define VIRT_FLASH_SIZE MiB(64)


/* The TCG event log the shim keeps as the firmware: in its own RAM,
 * reserved in the DTB the kernel gets. 64 KiB holds hundreds of SHA-256
 * events; the shim writes at most six. Its own section, after the EL3
 * firmware's no-map reservation (linker/aarch64-rom.ld): the kernel reads
 * the log through its linear map. */
#define TPM_LOG_SIZE KiB(64)
static uint8_t tpm_log_area[TPM_LOG_SIZE] __attribute__((aligned(4096), section(".tpm_log")));

/* System registers by encoding, for those older assemblers do not name. */
#define SYSREG_READ(enc) ({ uint64_t v_; __asm__ volatile("mrs %0, " enc : "=r"(v_)); v_; })
#define SYSREG_WRITE(enc, v) __asm__ volatile("msr " enc ", %0" : : "r"((uint64_t)(v)))
#define ID_AA64ISAR2_EL1 "S3_0_C0_C6_2"
#define ID_AA64MMFR3_EL1 "S3_0_C0_C7_3"
#define ID_AA64SMFR0_EL1 "S3_0_C0_C4_5"
#define PMSIDR_EL1 "S3_0_C9_C9_7"
#define ZCR_EL3 "S3_6_C1_C2_0"
#define SMCR_EL3 "S3_6_C1_C2_6"
#define ICC_SRE_EL3 "S3_6_C12_C12_5"
#define ICC_SRE_EL2 "S3_4_C12_C9_5"
#define GCSCR_EL1 "S3_0_C2_C5_0"
#define GCSCRE0_EL1 "S3_0_C2_C5_2"
#define GCSCR_EL2 "S3_4_C2_C5_0"
#define AMCNTENSET0_EL0 "S3_3_C13_C2_5"
/* QEMU's generic timer frequency, if nothing set CNTFRQ_EL0. */
#define VIRT_CNTFRQ 62500000

static struct aa64_id read_id_regs(void)
{
	struct aa64_id id = {
		.pfr0 = SYSREG_READ("id_aa64pfr0_el1"),
		.pfr1 = SYSREG_READ("id_aa64pfr1_el1"),
		.isar1 = SYSREG_READ("id_aa64isar1_el1"),
		.isar2 = SYSREG_READ(ID_AA64ISAR2_EL1),
		.mmfr0 = SYSREG_READ("id_aa64mmfr0_el1"),
		.mmfr1 = SYSREG_READ("id_aa64mmfr1_el1"),
		.mmfr3 = SYSREG_READ(ID_AA64MMFR3_EL1),
		.dfr0 = SYSREG_READ("id_aa64dfr0_el1"),
		.smfr0 = SYSREG_READ(ID_AA64SMFR0_EL1),
	};
	if (ID_FIELD(id.dfr0, ID_AA64DFR0_PMSVER))
		id.pmsidr = SYSREG_READ(PMSIDR_EL1);
	return id;
}

/* What booting.rst asks of the firmware before a kernel runs below EL3
 * (el3.c has the values and the quotes), before anything else: from here
 * on, code may use FP/SIMD (Debian's libfdt.a), which CPTR_EL3 allows.
 * Returns the registers as read back. Every CPU PSCI starts runs it too
 * (psci_rt.c). */
struct el3_state el3_cpu_setup(void)
{
	struct aa64_id id = read_id_regs();
	struct el3_config c = el3_config(&id);
	/* "CNTFRQ must be programmed with the timer frequency" */
	if (!SYSREG_READ("cntfrq_el0"))
		SYSREG_WRITE("cntfrq_el0", VIRT_CNTFRQ);
	/* The SVE and SME controls first: ZCR_EL3 and SMCR_EL3 trap until
	 * CPTR_EL3 enables them. */
	SYSREG_WRITE("cptr_el3", c.cptr);
	__asm__ volatile("isb");
	if (c.cptr & CPTR_EL3_EZ)
		SYSREG_WRITE(ZCR_EL3, c.zcr);
	if (c.cptr & CPTR_EL3_ESM)
		SYSREG_WRITE(SMCR_EL3, c.smcr);
	SYSREG_WRITE("mdcr_el3", c.mdcr);
	if (c.gicv3_sysregs) {
		SYSREG_WRITE(ICC_SRE_EL3, ICC_SRE_ALL);
		__asm__ volatile("isb");
		if (c.el2)
			SYSREG_WRITE(ICC_SRE_EL2, ICC_SRE_ALL);
	}
	if (c.gcs) {
		SYSREG_WRITE(GCSCR_EL1, 0);
		SYSREG_WRITE(GCSCRE0_EL1, 0);
		if (c.el2)
			SYSREG_WRITE(GCSCR_EL2, 0);
	}
	if (c.amu)
		SYSREG_WRITE(AMCNTENSET0_EL0, AMCNTENSET0_ARCH);
	if (c.el2) {
		SYSREG_WRITE("hcr_el2", HCR_EL2_RW);
		SYSREG_WRITE("sctlr_el2", SCTLR_EL2_RES1);
		SYSREG_WRITE("cptr_el2", c.cptr_el2);
		/* "CNTVOFF must be programmed with a consistent value on all
		 * CPUs" */
		SYSREG_WRITE("cntvoff_el2", 0);
	}
	SYSREG_WRITE("sctlr_el1", SCTLR_EL1_RES1);
	SYSREG_WRITE("scr_el3", c.scr);
	__asm__ volatile("isb");

	struct el3_state st = {
		.scr = SYSREG_READ("scr_el3"),
		.cptr = SYSREG_READ("cptr_el3"),
		.mdcr = SYSREG_READ("mdcr_el3"),
		.sme = c.cptr & CPTR_EL3_ESM,
	};
	if (st.sme)
		st.smcr = SYSREG_READ(SMCR_EL3);
	return st;
}

static const char *entry_names[] = {
	[1] = "firmware (-bios) at EL1",
	[2] = "firmware (-bios) at EL2",
	[3] = "firmware (-bios) at EL3",
};

void rom_main(uint64_t ticks, uint64_t el)
{
	static struct platform pf;
	static struct dt_index dt;
	struct error err;
	struct payload pl;
	struct el3_state el3 = { 0 };
	if (el == 3)
		el3 = el3_cpu_setup();
	payload_get(&pl);

	const void *fdt = (const void *)(uintptr_t)VIRT_RAM_BASE;
	uint64_t dtb_size;
	const char *dtb_name = "QEMU's dtb";
	if (dt_open(fdt, DT_MAX_SIZE, &dtb_size, &dt, &err)) {
		if (!pl.dtb.len) {
			aarch64_console_init(VIRT_PL011, 0);
			fail(&err, "dtb", "no device tree at 0x%llx and none embedded (build with DTB=)",
			     (unsigned long long)VIRT_RAM_BASE);
			fatal(&err);
		}
		fdt = pl.dtb.start;
		dtb_name = "embedded dtb";
		if (dt_open(fdt, pl.dtb.len, &dtb_size, &dt, &err)) {
			aarch64_console_init(VIRT_PL011, 0);
			fatal(&err);
		}
	}
	uint64_t pl011;
	aarch64_console_init(dt_console_pl011_ix(fdt, &dt, &pl011) == 0 ? pl011 : VIRT_PL011,
			     dt_psci_conduit_ix(fdt, &dt));

	pf.entry_name = entry_names[el];
	pf.t_entry = ticks;
	if (el == 3) {
		char line[256];
		el3_describe(&el3, line, sizeof(line));
		con_printf("bootshim: EL3: %s\n", line);
	}
	/* At EL3 the shim is the secure firmware: hand the interrupt
	 * controller to the non-secure world the kernel will run in. */
	if (el == 3 && gic_nonsecure_init(fdt, &dt, &err))
		fatal(&err);
	if (el == 3) {
		/* The shim stays as the EL3 firmware: PSCI for the kernel,
		 * described in the DTB, patched in place at the base of RAM
		 * (2 MiB below the shim's own RAM: booting.rst's DTB limit). */
		void *rw = (void *)(uintptr_t)VIRT_RAM_BASE;
		if (fdt != rw)
			memmove(rw, fdt, dtb_size);
		fdt = rw;
		if (psci_init(rw, &dt, &dtb_size, DT_MAX_SIZE, &err))
			fatal(&err);
	}
	pf.dtb = fdt;
	pf.dtb_size = dtb_size;
	pf.dt = &dt;
	if (dt_memory_ix(fdt, &dt, &pf.mem, &err))
		fatal(&err);
	/* Caches on for the copies out of flash; jump_to_kernel turns the
	 * MMU off again after everything written is cleaned. */
	mmu_enable(&pf.mem, VIRT_FLASH_SIZE, (unsigned)el);
	/* The shim is the first code: it starts the TPM and measures itself
	 * (PCR 0) before anything is placed, with the MMU on for the
	 * hashing. */
	const struct tpm_firmware fw = {
		.self = { __shim_flash_start, (uintptr_t)(__shim_flash_end - __shim_flash_start) },
		.log = tpm_log_area,
		.log_size = TPM_LOG_SIZE,
		.map_device = mmu_map_device,
	};
	aarch64_measure_init(&pf, &fw);
	pf.seed_len = rndr_seed(pf.seed, sizeof(pf.seed));
	platform_keep(&pf, (uintptr_t)__ram_start, (uintptr_t)(__ram_end - __ram_start),
		      "bootshim data");
	platform_keep(&pf, (uintptr_t)fdt, dtb_size, dtb_name);
	bootshim_main(&pf);
}
