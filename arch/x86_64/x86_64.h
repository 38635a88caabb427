/* Constants shared by the x86_64 entry code (assembly and C). */
#ifndef BOOTSHIM_X86_64_H
#define BOOTSHIM_X86_64_H

#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* GDT selectors. boot.rst requires __BOOT_CS = 0x10 and __BOOT_DS = 0x18
 * for the 64-bit entry; the shim runs on the same GDT so it never has to
 * switch before the jump. */
#define BOOT_CS32 0x08 /* 32-bit code, for the ROM's way from real mode */
#define BOOT_CS 0x10
#define BOOT_DS 0x18
#define BOOT_TSS 0x20 /* 16-byte 64-bit TSS descriptor, for the exception stack */

#define CR0_PE (1 << 0)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)

#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PWT 0x8
#define PTE_PCD 0x10
#define PTE_PS 0x80

/* Identity map at entry: the low 4 GiB with 2 MiB pages (no 1 GiB pages:
 * QEMU's default CPU model lacks pdpe1gb). RAM above it is mapped once the
 * memory map is known (idmap.c). */
#define IDMAP_GIB 4

#define STACK_SIZE 0x10000

/* Memory no one reads before writing it (stacks, page-table pools zeroed
 * page by page as they are taken): kept out of .bss, which the entry
 * zeroes (long_mode.S), by the linker scripts' .noinit. */
#define X86_64_NOINIT __attribute__((section(".noinit")))

/* The PC Client TPM's TIS registers at TIS_BASE_X86_64 (shim/tpm_tis.h):
 * five localities of 4 KiB (TCG PC Client Platform TPM Profile, 6.3.2). */
#define X86_64_TPM_SIZE 0x5000

/* The architecture's exception vectors 0-31, each with its own stub. */
#define X86_64_EXC_VECTORS 32
#define X86_64_EXC_STUB_SIZE 16

#ifndef __ASSEMBLER__
#include "memmap.h"
#include "payload.h"

struct platform;
struct tcg_log;
struct tpm_measurer;
struct tpm_tis;

/* GDT (long_mode.S), with room for the TSS descriptor at BOOT_TSS. */
extern uint64_t x86_64_gdt[];
/* Top-level page table of the identity map (long_mode.S). */
extern uint64_t idmap_pml4[];
/* The exception stubs (exceptions.S), X86_64_EXC_STUB_SIZE bytes apart. */
extern const uint8_t x86_64_exc_stubs[];

/* What the exception stubs push below the CPU's frame: vector and error
 * code (0 for vectors without one). */
struct x86_64_exc_frame {
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* The entries' C halves, called from pvh_entry.S and rom_entry.S with the
 * TSC at the first instruction. */
__attribute__((noreturn)) void pvh_main(uint32_t start_info, uint64_t tsc);
__attribute__((noreturn)) void rom_main(uint64_t tsc);

/* COM1 (cpu.c). */
void x86_64_console_init(void);
void uart_putc(char c);

/* Stop QEMU through isa-debug-exit with a failure status, else halt
 * (bare.c); usable where nothing else may be trusted any more. */
__attribute__((noreturn)) void x86_64_debug_exit(void);

/* An IDT for vectors 0-31 whose handler reports the fault and stops the
 * machine (exceptions.c); installed first by every bare-metal entry. */
void x86_64_exceptions_init(void);
/* The handler, called from assembly only (exceptions.S's stubs). */
__attribute__((noreturn)) void x86_64_exception(const struct x86_64_exc_frame *f);

/* Extend the identity map over the RAM of `m` (raw or sanitised) above
 * 4 GiB, as far as the page-table pool reaches (idmap.c). Returns the end
 * of the identity map: the core places nothing at or above it. */
uint64_t x86_64_idmap_ram(const struct memmap *m);

/* Make the identity map's pages over [base, base+size) below 4 GiB
 * uncached (PCD|PWT: PAT entry 3, UC at reset), for MMIO registers that
 * must not be read from or written through a cache (idmap.c). */
void x86_64_idmap_uncached(uint64_t base, uint64_t size);

/* Start the PIT reference window for arch_ticks_hz() (cpu.c): the TSC's
 * frequency is then measured over the shim's own run, with no waiting. */
void x86_64_tsc_ref_start(void);

/* Fill seed[0..size) from RDSEED, else RDRAND, where CPUID reports them
 * (entropy.c). Returns the bytes filled: 0 without either. */
size_t x86_64_entropy(uint8_t *seed, size_t size);

/* Measured boot with the TPM at TIS_BASE_X86_64 (tpm.c). x86_64_tpm_find maps
 * its registers uncached and probes them: 1 a TIS TPM 2.0 answers; 0
 * nothing answers, -1 something answers but is no TPM 2.0 TIS (a
 * warning says what), both with pf->measure_off saying why not.
 * x86_64_tpm_measurer then makes the measurer (tpm_measurer_init: firmware =
 * the shim starts the TPM and measures `self` into PCR 0, with the event
 * log `log` or none), points pf->measurer at it and returns it, or sets
 * pf->measure_off and returns NULL; a TPM that fails is a console
 * warning, never a stop. */
int x86_64_tpm_find(struct tpm_tis *tis, struct platform *pf);
struct tpm_measurer *x86_64_tpm_measurer(struct tpm_tis *tis, struct platform *pf,
				      struct tcg_log *log, bool firmware, const struct blob *self);

/* QEMU's fw_cfg through its DMA interface, else port I/O (fw_cfg_io.c,
 * shim.rom only): init says which on the console. */
int fw_cfg_init(struct error *e);
int fw_cfg_read(uint16_t select, void *buf, uint32_t len, struct error *e);
int fw_cfg_write(uint16_t select, uint32_t offset, const void *buf, uint32_t len,
		 struct error *e);
#endif

#endif
