/* shim.rom entry path on QEMU's pc (i440fx), q35 and microvm machines: the
 * shim is the firmware, so it does what the kernel needs of one: the
 * memory map from fw_cfg with the legacy BIOS areas, MTRRs, the ACPI PM
 * registers switched on and (q35) the PCIe ECAM window, QEMU's ACPI
 * tables installed through its table-loader with the RSDP where a legacy
 * scan finds it, QEMU's SMBIOS, and an MP table where there is no ACPI.
 * With a TPM it is the root of trust for measurement: it starts the TPM,
 * measures itself into PCR 0 and keeps the event log the kernel finds
 * through the ACPI TPM2 table. PCI resources are left to the kernel,
 * which assigns the BARs a firmware left unassigned. */
#include "arch.h"
#include "boot.h"
#include "console.h"
#include "fw_cfg.h"
#include "tcg_log.h"
#include "tpm_tis.h"
#include "io.h"
#include "layout.h"
#include "mptable.h"
#include "mtrr.h"
#include "payload.h"
#include "x86_64.h"

/* The ROM's end (layout.h: _rom_shim_size counts back from it). */
#define ROM_END GiB(4)
/* microvm's devices below the local APIC: GED at 0xfea00000, virtio-mmio
 * at 0xfeb00000, the IOAPIC at 0xfec00000 (hw/i386/microvm.h). QEMU maps
 * the firmware after them at the same priority, so a ROM reaching below
 * ROM_MICROVM_MIN hides them (linker/x86_64-rom.ld). */
#define MICROVM_MMIO_BASE 0xfea00000u
#define ROM_MICROVM_MIN 0xfef00000u

/* ---- PCI configuration space, mechanism #1 */
/* The ROM's start: it begins with the payload's command line
 * (linker/x86_64-rom.ld, rule 5), wherever bootshim pack put it; the
 * stub's own link-time start knows nothing of the payload. */
static uint64_t rom_start(void)
{
	return payload_table[PAYLOAD_SLOT_CMDLINE][0];
}

static uint32_t pci_addr(unsigned dev, unsigned fn, unsigned reg)
{
	return 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc);
}
static uint32_t pci_read32(unsigned dev, unsigned fn, unsigned reg)
{
	outl(0xcf8, pci_addr(dev, fn, reg));
	return inl(0xcfc);
}
static void pci_write32(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
	outl(0xcf8, pci_addr(dev, fn, reg));
	outl(0xcfc, v);
}
static void pci_write8(unsigned dev, unsigned fn, unsigned reg, uint8_t v)
{
	outl(0xcf8, pci_addr(dev, fn, reg));
	outb((uint16_t)(0xcfc + (reg & 3)), v);
}
static uint8_t pci_read8(unsigned dev, unsigned fn, unsigned reg)
{
	outl(0xcf8, pci_addr(dev, fn, reg));
	return inb((uint16_t)(0xcfc + (reg & 3)));
}

/* ---- The machine and its chipset */
enum machine { MACHINE_PC, MACHINE_Q35, MACHINE_MICROVM };
static const char *const entry_name[] = {
	"firmware (-bios) on pc", "firmware (-bios) on q35", "firmware (-bios) on microvm",
};
static enum machine machine;

#define HOST_I440FX 0x12378086
#define HOST_Q35 0x29c08086
/* The ACPI PM I/O block at the address QEMU's FADT will name: QEMU builds
 * the tables from these registers when they are first read, so they are
 * set before the table-loader runs. */
#define PM_IO_BASE 0x600
/* The PAM register that maps 0xf0000-0xfffff (i440FX 0x59, Q35 MCH 0x90):
 * bits 5:4, 3 = reads and writes to DRAM (i440FX datasheet 3.2.18; QEMU
 * hw/pci-host/pam.c); 0 at reset: the BIOS ROM. */
#define I440FX_PAM0 0x59
#define Q35_PAM0 0x90
#define PAM0_HI_SHIFT 4
#define PAM0_HI_MASK (3u << PAM0_HI_SHIFT)
#define PAM_DRAM_RW 3u
/* Q35 MCH PCIEXBAR (config 0x60, 64 bits): the ECAM window's base, its
 * length field (bits 2:1, 0 = 256 buses, 256 MiB) and enable bit 0; at
 * 0xb0000000 as SeaBIOS (Q35_HOST_BRIDGE_PCIEXBAR_ADDR) and QEMU's ACPI
 * (MCFG) expect it. */
#define Q35_PCIEXBAR 0x60
#define Q35_PCIEXBAR_EN 0x1
#define Q35_ECAM_BASE 0xb0000000u
#define Q35_ECAM_SIZE MiB(256)

/* Which machine: QEMU's pc and q35 serve SMBIOS through fw_cfg, microvm
 * (no PCI chipset, nothing behind 0xcf8) never does; between the two PC
 * chipsets the host bridge decides. */
static int machine_identify(const struct fw_dir *d, struct error *e)
{
	if (!fw_dir_find(d, SMBIOS_TABLES_FILE)) {
		machine = MACHINE_MICROVM;
		return 0;
	}
	uint32_t host = pci_read32(0, 0, 0);
	if (host == HOST_I440FX)
		machine = MACHINE_PC;
	else if (host == HOST_Q35)
		machine = MACHINE_Q35;
	else
		return fail(e, "chipset", "host bridge 0x%08x is neither i440FX nor Q35", host);
	return 0;
}

/* Before QEMU's ACPI tables are read: the PM block, and on q35 the ECAM
 * window (QEMU emits MCFG only while PCIEXBAR is enabled), reserved in
 * the e820 map as SeaBIOS does, so that the kernel accepts it. microvm's
 * ACPI (a hardware-reduced GED) needs nothing set. */
static int chipset_init(struct memmap *m, struct error *e)
{
	switch (machine) {
	case MACHINE_PC: /* PIIX4 PM at 00:01.3 */
		pci_write32(1, 3, 0x40, PM_IO_BASE | 1); /* PMBA */
		pci_write8(1, 3, 0x80, 0x01);		  /* PMREGMISC: PMIOSE */
		break;
	case MACHINE_Q35: /* ICH9 LPC at 00:1f.0, MCH at 00:00.0 */
		pci_write32(0x1f, 0, 0x40, PM_IO_BASE | 1); /* PMBASE */
		pci_write8(0x1f, 0, 0x44, 0x80);	      /* ACPI_CNTL: ACPI_EN */
		/* Disabled while the base changes, then enabled. */
		pci_write32(0, 0, Q35_PCIEXBAR, 0);
		pci_write32(0, 0, Q35_PCIEXBAR + 4, 0);
		pci_write32(0, 0, Q35_PCIEXBAR, Q35_ECAM_BASE | Q35_PCIEXBAR_EN);
		if (memmap_mark(m, Q35_ECAM_BASE, Q35_ECAM_SIZE, MEM_RESERVED, e))
			return -1;
		con_printf("bootshim: PCIe ECAM at 0x%x (PCIEXBAR, 256 buses)\n", Q35_ECAM_BASE);
		break;
	case MACHINE_MICROVM: {
		uint64_t start = rom_start();
		if (start < ROM_MICROVM_MIN)
			return fail(e, "microvm", "the ROM starts at 0x%llx and hides microvm's "
				    "devices at 0x%x-0x%x (I/O APIC, virtio-mmio): a payload of at "
				    "most %u KiB keeps it above them", (unsigned long long)start,
				    MICROVM_MMIO_BASE, ROM_MICROVM_MIN - 1,
				    (unsigned)((ROM_END - ROM_MICROVM_MIN - (uintptr_t)_rom_shim_size) >> 10));
		break;
	}
	}
	return 0;
}

/* ---- The F-segment: where the kernel scans for the SMBIOS entry point
 * and the MP floating pointer. On pc and q35 it is the ROM until PAM maps
 * RAM there; on microvm QEMU loads the firmware into RAM and aliases its
 * last 128 KiB at 0xe0000, so it is writable as it is. The zone used is
 * one the ROM's start-up code (at its start, rom_entry.S) and reset vector
 * (its last 16 bytes) stay clear of; on microvm it is written after the
 * shim measured itself (the alias is part of the measured ROM). */
#define FSEG_ZONE_BASE 0xf8000
#define FSEG_ZONE_END 0xfc000
static uint64_t fseg_next;

static void fseg_open(void)
{
	unsigned reg = machine == MACHINE_PC ? I440FX_PAM0 : Q35_PAM0;
	if (machine != MACHINE_MICROVM) {
		uint8_t v = pci_read8(0, 0, reg);
		pci_write8(0, 0, reg, (uint8_t)((v & ~PAM0_HI_MASK) | PAM_DRAM_RW << PAM0_HI_SHIFT));
	}
	memset((void *)(uintptr_t)FSEG_ZONE_BASE, 0, FSEG_ZONE_END - FSEG_ZONE_BASE);
	fseg_next = FSEG_ZONE_BASE;
}

/* 16-byte aligned room in the zone, where the scans look. */
static uint8_t *fseg_alloc(size_t size, const char *what, struct error *e)
{
	uint64_t p;
	if (!align_up(fseg_next, 16, &p) || size > FSEG_ZONE_END - p)
		return fail(e, what, "%zu bytes do not fit the F-segment zone 0x%x-0x%x", size,
			    FSEG_ZONE_BASE, FSEG_ZONE_END), NULL;
	fseg_next = p + size;
	return (uint8_t *)(uintptr_t)p;
}

/* ---- MTRRs on the boot CPU (mtrr.h) */
#define CPUID_FEATURES 1
#define CPUID_EDX_MSR BIT(5)
#define CPUID_EDX_MTRR BIT(12)
#define CPUID_EXT_MAX 0x80000000
#define CPUID_ADDR_SIZES 0x80000008
#define MAXPHYADDR_DEFAULT 36 /* SDM vol. 3A 4.1.4, without leaf 0x80000008 */
#define CR0_NW BIT(29)
#define CR0_CD BIT(30)

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static unsigned phys_bits(void)
{
	uint32_t a, b, c, d;
	cpuid(CPUID_EXT_MAX, &a, &b, &c, &d);
	if (a < CPUID_ADDR_SIZES)
		return MAXPHYADDR_DEFAULT;
	cpuid(CPUID_ADDR_SIZES, &a, &b, &c, &d);
	return a & 0xff;
}

/* A warning, never a stop: the kernel runs (slowly under KVM) without. */
static void mtrr_setup(const struct memmap *m)
{
	static struct mtrr_plan plan;
	struct error err;
	uint32_t a, b, c, d;
	cpuid(CPUID_FEATURES, &a, &b, &c, &d);
	if (!(d & CPUID_EDX_MTRR) || !(d & CPUID_EDX_MSR)) {
		con_printf("bootshim: note: the CPU has no MTRRs (CPUID 1 EDX 0x%x)\n", d);
		return;
	}
	uint64_t cap = rdmsr(MSR_MTRR_CAP);
	unsigned vcnt = cap & MTRR_CAP_VCNT_MASK;
	if (!(cap & MTRR_CAP_FIX) || !vcnt) {
		con_printf("bootshim: warning: MTRRs: MTRRcap 0x%llx has no fixed or no variable "
			   "ranges: left alone\n", (unsigned long long)cap);
		return;
	}
	if (mtrr_plan(m, vcnt, phys_bits(), &plan, &err)) {
		con_printf("bootshim: warning: %s: MTRRs left alone\n", err.msg);
		return;
	}
	/* SDM vol. 3A 12.11.7.2: caches off and flushed, MTRRs disabled
	 * while they change, then flushed again and back on. */
	uint64_t cr0;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0\n\twbinvd" : : "r"((cr0 | CR0_CD) & ~CR0_NW) : "memory");
	wrmsr(MSR_MTRR_DEF_TYPE, 0);
	for (unsigned i = 0; i < MTRR_FIXED_MSRS; i++)
		wrmsr(mtrr_fixed_msr[i], plan.fixed[i]);
	for (unsigned i = 0; i < vcnt; i++) {
		wrmsr(MSR_MTRR_PHYS_MASK(i), i < plan.n_var ? plan.var[i].mask : 0);
		wrmsr(MSR_MTRR_PHYS_BASE(i), i < plan.n_var ? plan.var[i].base : 0);
	}
	wrmsr(MSR_MTRR_DEF_TYPE, plan.def_type);
	__asm__ volatile("wbinvd\n\tmov %0, %%cr0" : : "r"(cr0) : "memory");
	con_printf("bootshim: MTRRs: default %s, %u %s ranges of %u, fixed ranges for the "
		   "first MiB\n", (plan.def_type & 0xff) == MTRR_TYPE_WB ? "write-back" : "uncached",
		   plan.n_var, plan.var_type == MTRR_TYPE_WB ? "write-back" : "uncached", vcnt);
}

/* ---- fw_cfg files */
static struct fw_dir dir;

static int read_dir(struct error *e)
{
	static uint8_t buf[4 + 64 * FW_DIR_MAX] X86_64_NOINIT; /* fw_cfg fills it before use */
	uint32_t count;
	if (fw_cfg_read(FW_CFG_FILE_DIR, &count, 4, e))
		return -1;
	count = __builtin_bswap32(count);
	if (count > FW_DIR_MAX)
		return fail(e, "fw_cfg", "file directory count %u exceeds %u", count, FW_DIR_MAX);
	if (fw_cfg_read(FW_CFG_FILE_DIR, buf, 4 + 64 * count, e))
		return -1;
	return fw_dir_parse(buf, 4 + 64 * count, &dir, e);
}

/* QEMU's etc/e820: {u64 address, u64 length, u32 type} little-endian. */
static int read_e820(struct memmap *m, struct error *e)
{
	static uint8_t buf[20 * MEMMAP_INPUT_MAX] X86_64_NOINIT; /* fw_cfg fills it before use */
	const struct fw_file *f = fw_dir_find(&dir, "etc/e820");
	if (!f)
		return fail(e, "fw_cfg", "no etc/e820 file");
	if (f->size % 20 || f->size > sizeof(buf))
		return fail(e, "fw_cfg", "etc/e820 is %u bytes, not up to %u entries of 20",
			    f->size, MEMMAP_INPUT_MAX);
	if (fw_cfg_read(f->select, buf, f->size, e))
		return -1;
	for (uint32_t i = 0; i < f->size; i += 20) {
		uint64_t base, len;
		uint32_t type;
		memcpy(&base, buf + i, 8);
		memcpy(&len, buf + i + 8, 8);
		memcpy(&type, buf + i + 16, 4);
		if (memmap_add(m, base, len, type, e))
			return -1;
	}
	return 0;
}

/* ---- ACPI: QEMU's tables through its table-loader script */
#define EBDA_BASE 0x9fc00 /* the top KiB of the 640 KiB, as BIOSes have it */
#define EBDA_SIZE 0x400
#define ACPI_HIGH_SIZE MiB(1)

/* HIGH: the top MiB of RAM below 4 GiB, for QEMU's ACPI tables and its
 * SMBIOS table; FSEG (the table-loader's name for where legacy scans
 * look): the EBDA. */
struct rom_alloc {
	uint64_t high_base, high_next, high_end;
	uint64_t fseg_next, fseg_end;
};
static struct rom_alloc alloc;

static int loader_alloc(void *ctx, uint8_t zone, uint64_t size, uint64_t align, uint64_t *phys,
			uint8_t **host, struct error *e)
{
	struct rom_alloc *a = ctx;
	uint64_t *next = zone == LOADER_ZONE_FSEG ? &a->fseg_next : &a->high_next;
	uint64_t end = zone == LOADER_ZONE_FSEG ? a->fseg_end : a->high_end, p;
	if (!align_up(*next, align, &p) || p > end || size > end - p)
		return fail(e, "acpi", "no room for 0x%llx bytes in the %s zone",
			    (unsigned long long)size, zone == LOADER_ZONE_FSEG ? "FSEG" : "HIGH");
	*next = p + size;
	*phys = p;
	/* Not zeroed: both callers read a whole fw_cfg file into it. */
	*host = (uint8_t *)(uintptr_t)p;
	return 0;
}

static int high_zone_init(const struct memmap *m, struct error *e)
{
	uint64_t top = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct mem_range *r = &m->e[i];
		uint64_t end = r->base + r->size;
		if (r->type == MEM_RAM && end <= GiB(4) && end > top)
			top = end;
	}
	if (top < MiB(16))
		return fail(e, "acpi", "less than 16 MiB of RAM below 4 GiB");
	alloc = (struct rom_alloc){
		.high_base = align_down(top - ACPI_HIGH_SIZE, 4096),
		.high_end = top,
		.fseg_next = EBDA_BASE,
		.fseg_end = EBDA_BASE + EBDA_SIZE,
	};
	alloc.high_next = alloc.high_base;
	return 0;
}

static int loader_read(void *ctx, const struct fw_file *f, void *dst, struct error *e)
{
	(void)ctx;
	return fw_cfg_read(f->select, dst, f->size, e);
}

static int loader_write(void *ctx, const struct fw_file *f, uint32_t off, const void *src,
			uint32_t len, struct error *e)
{
	(void)ctx;
	return fw_cfg_write(f->select, off, src, len, e);
}

static struct loader_state loader;

static int acpi_install(struct platform *pf, struct error *e)
{
	static uint8_t script[LOADER_ENTRY_SIZE * 64] X86_64_NOINIT; /* fw_cfg fills it before use */
	struct loader_state *st = &loader;
	const struct fw_file *f = fw_dir_find(&dir, "etc/table-loader");
	if (!f) {
		con_printf("bootshim: note: no etc/table-loader: booting without ACPI\n");
		return 0;
	}
	if (f->size > sizeof(script))
		return fail(e, "acpi", "etc/table-loader is %u bytes, more than %zu", f->size,
			    sizeof(script));
	struct loader_ops ops = { &alloc, loader_read, loader_alloc, loader_write };
	if (fw_cfg_read(f->select, script, f->size, e) ||
	    loader_run(script, f->size, &dir, &ops, st, e))
		return -1;
	pf->rsdp = loader_addr(st, "etc/acpi/rsdp");
	con_printf("bootshim: ACPI: %zu fw_cfg files loaded, %u pointers written back, RSDP 0x%llx\n",
		   st->n, st->pointers_written, (unsigned long long)pf->rsdp);
	return 0;
}

/* ---- SMBIOS: QEMU's structure table in the HIGH zone, its entry point
 * (address and checksums filled in: fw_cfg.h) in the F-segment. */
static int smbios_install(struct error *e)
{
	static uint8_t anchor[SMBIOS_ENTRY_MAX];
	static struct smbios_entry ep;
	const struct fw_file *fa = fw_dir_find(&dir, SMBIOS_ANCHOR_FILE);
	const struct fw_file *ft = fw_dir_find(&dir, SMBIOS_TABLES_FILE);
	if (!fa || !ft) {
		con_printf("bootshim: note: no %s in fw_cfg: no SMBIOS\n",
			   fa ? SMBIOS_TABLES_FILE : SMBIOS_ANCHOR_FILE);
		return 0;
	}
	if (fa->size > sizeof(anchor))
		return fail(e, "smbios", "%s is %u bytes, more than an entry point's %zu",
			    SMBIOS_ANCHOR_FILE, fa->size, sizeof(anchor));
	uint64_t phys;
	uint8_t *tables;
	if (fw_cfg_read(fa->select, anchor, fa->size, e) ||
	    loader_alloc(&alloc, LOADER_ZONE_HIGH, ft->size, 16, &phys, &tables, e) ||
	    fw_cfg_read(ft->select, tables, ft->size, e) ||
	    smbios_entry_make(anchor, fa->size, tables, ft->size, phys, &ep, e))
		return -1;
	uint8_t *at = fseg_alloc(ep.len, "smbios", e);
	if (!at)
		return -1;
	memcpy(at, ep.bytes, ep.len);
	con_printf("bootshim: SMBIOS %u.%u: entry point at 0x%llx, %u structures at 0x%llx\n",
		   ep.major, ep.minor, (unsigned long long)(uintptr_t)at, ep.structures,
		   (unsigned long long)phys);
	return 0;
}

/* ---- No ACPI (acpi=off): an MP table (mptable.h) for the CPUs QEMU
 * started and its I/O APIC. */
#define FW_CFG_IRQ0_OVERRIDE 0x8002 /* FW_CFG_ARCH_LOCAL + 2: IRQ 0 on pin 2 */

static int mptable_install(struct error *e)
{
	uint16_t cpus;
	uint32_t irq0 = 0, sig, b, c, features;
	if (fw_cfg_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus), e) ||
	    fw_cfg_read(FW_CFG_IRQ0_OVERRIDE, &irq0, sizeof(irq0), e))
		return -1;
	cpuid(CPUID_FEATURES, &sig, &b, &c, &features);
	if (mptable_check_cpus(cpus, e))
		return -1;
	size_t need = mptable_size(cpus), written;
	uint8_t *at = fseg_alloc(need, "mptable", e);
	if (!at || mptable_build(at, need, (uint32_t)(uintptr_t)at, cpus, sig, features, irq0,
				 &written, e))
		return -1;
	con_printf("bootshim: no ACPI: MP table for %u CPUs at 0x%llx\n", cpus,
		   (unsigned long long)(uintptr_t)at);
	return 0;
}

/* ---- Measured boot */

/* QEMU's etc/tpm/config (docs/specs/tpm.rst; hw/i386/acpi-build.c fills
 * it), present when the machine has a TPM: its version and where its
 * Physical Presence Interface memory is. */
struct qemu_tpm_config {
	uint32_t ppi_address;	/* little-endian */
	uint8_t tpm_version;
	uint8_t ppi_version;
} __attribute__((packed));
_Static_assert(sizeof(struct qemu_tpm_config) == 6, "etc/tpm/config is 6 bytes");
#define QEMU_TPM_VERSION_2 2
#define QEMU_TPM_PPI_VERSION_NONE 0
/* The PPI memory QEMU maps beside the TIS (TPM_PPI_ADDR_BASE): first the
 * table of what the firmware does for each PPI operation, which QEMU's
 * ACPI _DSM reads. 0 there is "not implemented". */
#define QEMU_TPM_PPI_BASE 0xfed45000
#define QEMU_TPM_PPI_FUNCS 256

/* QEMU's log area: the ACPI TPM2 table's LASA points at this fw_cfg
 * file's copy (an ADD_POINTER in etc/table-loader) and its LAML is the
 * file's size, so the area the kernel reads is the one loaded here. */
#define TPM_LOG_FILE "etc/tpm/log"

/* The TPM QEMU says it has, in etc/tpm/config: 1 a TPM 2.0; 0 when that
 * file is absent (no TPM, or a QEMU that does not describe it); -1 when
 * the shim is not to measure (measure_off set). */
static int tpm_config(struct platform *pf)
{
	struct qemu_tpm_config cfg;
	struct error err;
	const struct fw_file *f = fw_dir_find(&dir, "etc/tpm/config");
	if (!f)
		return 0;
	if (f->size != sizeof(cfg)) {
		con_printf("bootshim: warning: measured boot: etc/tpm/config is %u bytes, not %zu\n",
			   f->size, sizeof(cfg));
		pf->measure_off = "QEMU's etc/tpm/config is not understood";
		return -1;
	}
	if (fw_cfg_read(f->select, &cfg, sizeof(cfg), &err)) {
		con_printf("bootshim: warning: measured boot: %s\n", err.msg);
		pf->measure_off = "QEMU's etc/tpm/config could not be read";
		return -1;
	}
	if (cfg.tpm_version != QEMU_TPM_VERSION_2) {
		con_printf("bootshim: note: etc/tpm/config: TPM version %u\n", cfg.tpm_version);
		pf->measure_off = "the TPM at 0xfed40000 is not a TPM 2.0";
		return -1;
	}
	/* bootshim carries out no PPI request (clear, change of PCR banks):
	 * it says so to the OS by marking every operation "not implemented",
	 * as a BIOS must initialise the table (QEMU does not clear it). */
	if (cfg.ppi_version != QEMU_TPM_PPI_VERSION_NONE) {
		if (cfg.ppi_address == QEMU_TPM_PPI_BASE) {
			x86_64_idmap_uncached(QEMU_TPM_PPI_BASE, QEMU_TPM_PPI_FUNCS);
			volatile uint8_t *func = (volatile uint8_t *)(uintptr_t)QEMU_TPM_PPI_BASE;
			for (size_t i = 0; i < QEMU_TPM_PPI_FUNCS; i++)
				func[i] = 0;
		} else {
			con_printf("bootshim: note: TPM PPI at 0x%x, not 0x%x: left alone\n",
				   cfg.ppi_address, QEMU_TPM_PPI_BASE);
		}
	}
	return 1;
}

/* After the ACPI tables (the log area is one of their files), before
 * anything is measured: find the TPM, start it, measure the shim into
 * PCR 0 and keep the log where the TPM2 table says. */
static void measure_init(struct platform *pf)
{
	static struct tpm_tis tis;
	static struct tcg_log log;
	struct tcg_log *lp = NULL;
	struct error err;

	int config = tpm_config(pf);
	if (config < 0)
		return;
	int found = x86_64_tpm_find(&tis, pf);
	/* QEMU's other TPM 2.0 interface at that address, -device tpm-crb,
	 * has no TIS registers: nothing answers there as a TIS. */
	if (found == 0 && config > 0)
		pf->measure_off = "QEMU's TPM 2.0 has no TIS interface at 0xfed40000: "
				  "-device tpm-crb is not supported";
	if (found <= 0)
		return;
	const struct fw_file *f = fw_dir_find(&dir, TPM_LOG_FILE);
	uint64_t phys = loader_addr(&loader, TPM_LOG_FILE);
	if (!f || !phys) {
		con_printf("bootshim: note: measured boot: no %s in QEMU's ACPI tables: "
			   "measuring without an event log\n", TPM_LOG_FILE);
	} else if (tcg_log_init(&log, (void *)(uintptr_t)phys, phys, f->size, &err)) {
		con_printf("bootshim: warning: measured boot: %s: measuring without an event log\n",
			   err.msg);
	} else {
		lp = &log;
		con_printf("bootshim: measured boot: event log at 0x%llx, %u bytes (ACPI TPM2 LASA/LAML)\n",
			   (unsigned long long)phys, f->size);
	}
	const struct blob self = {
		(const uint8_t *)(uintptr_t)(ROM_END - (uintptr_t)_rom_shim_size),
		(uintptr_t)_rom_shim_size,
	};
	x86_64_tpm_measurer(&tis, pf, lp, true, &self);
}

/* The BIOS data area's view of low memory: base memory size and the
 * EBDA segment, which the kernel reads to find (and reserve) the EBDA. */
static void poke16(uintptr_t addr, uint16_t v)
{
	/* Through asm: GCC takes a constant address in the first page for
	 * a null pointer. */
	__asm__ volatile("movw %1, (%0)" : : "r"(addr), "r"(v) : "memory");
}

static void bda_init(void)
{
	poke16(0x40e, EBDA_BASE >> 4);	/* EBDA segment */
	poke16(0x413, EBDA_BASE >> 10); /* base memory, KiB */
}

void rom_main(uint64_t tsc)
{
	static struct platform pf;
	struct error err;

	/* First, so that nothing after it can fault silently. */
	x86_64_exceptions_init();
	x86_64_console_init();
	x86_64_tsc_ref_start();
	pf.t_entry = tsc;
	if (fw_cfg_init(&err) || read_dir(&err) || machine_identify(&dir, &err) ||
	    read_e820(&pf.mem, &err))
		fatal(&err);
	pf.map_end = x86_64_idmap_ram(&pf.mem);
	pf.seed_len = x86_64_entropy(pf.seed, sizeof(pf.seed));
	pf.entry_name = entry_name[machine];
	if (memmap_sanitise(&pf.mem, &err))
		fatal(&err);
	/* From the RAM as QEMU describes it, before the shim reserves
	 * parts of it. */
	mtrr_setup(&pf.mem);
	/* Low memory as a BIOS leaves it: the EBDA, the VGA window and the
	 * option ROM / BIOS area are not the kernel's RAM. The ROM itself is
	 * reserved too, as SeaBIOS reserves its own, so that the kernel
	 * places no PCI BAR under it (a large payload's ROM reaches into
	 * pc's and q35's PCI window below 0xfec00000). */
	memset((void *)(uintptr_t)EBDA_BASE, 0, EBDA_SIZE);
	if (memmap_mark(&pf.mem, EBDA_BASE, MiB(1) - EBDA_BASE, MEM_RESERVED, &err) ||
	    memmap_mark(&pf.mem, rom_start(), ROM_END - rom_start(), MEM_RESERVED, &err) ||
	    chipset_init(&pf.mem, &err) || high_zone_init(&pf.mem, &err) ||
	    acpi_install(&pf, &err))
		fatal(&err);
	bda_init();
	measure_init(&pf);
	/* After the measurement: on microvm the F-segment is the ROM. */
	fseg_open();
	if (smbios_install(&err) || (!pf.rsdp && mptable_install(&err)))
		fatal(&err);
	/* Reserved, as BIOSes report their ACPI and SMBIOS areas. */
	if (memmap_mark(&pf.mem, alloc.high_base, alloc.high_end - alloc.high_base, MEM_RESERVED,
			&err))
		fatal(&err);
	platform_keep(&pf, (uintptr_t)__ram_start, (uintptr_t)(__ram_end - __ram_start),
		      "bootshim data");
	/* The TSC's frequency now, from the PIT window opened at entry: the
	 * payload's copy out of the ROM comes next, and under TCG it can
	 * outlast the window's 54.9 ms, which would cost a 1 ms measurement
	 * after it (cpu.c). */
	arch_ticks_hz();
	bootshim_main(&pf);
}
