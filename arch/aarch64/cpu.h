/* Functions the aarch64 entry files share (C and assembly). */
#ifndef BOOTSHIM_AARCH64_CPU_H
#define BOOTSHIM_AARCH64_CPU_H

#include "memmap.h"
#include "payload.h"
#include "el3.h"

struct dt_index;

struct platform;

/* bare.c: the PL011 to print on (0: none yet) and the PSCI conduit from
 * the DTB ('h', 's' or 0), for stopping the machine. */
void aarch64_console_init(uint64_t pl011_base, char psci_conduit);

/* vectors.S: a semihosting call; false if semihosting is not enabled. */
bool semihost_call(uint64_t op, const void *param);
/* vectors.S: a 32-bit load from a device address; false if it aborts
 * (nothing answers there), with the abort caught. */
bool probe_read32(uint64_t addr, uint32_t *out);

/* cpu.c: entropy from RNDR where the CPU has it; the bytes written. */
size_t rndr_seed(uint8_t *out, size_t len);

/* cpu.c, from vectors.S: report an unexpected exception and stop. */
__attribute__((noreturn)) void exception_fatal(uint64_t esr, uint64_t elr, uint64_t far,
					       uint64_t entry);

/* el.S: MMU and D-cache off, then the kernel with x0 = dtb (from EL3: by
 * ERET to non-secure EL2 or EL1). */
__attribute__((noreturn)) void jump_to_kernel(uint64_t entry, uint64_t dtb);

/* el.S: memmove, leaving [dst, dst+n) cleaned to the point of coherency
 * (arch_copy in cpu.c, for place_copy). */
void copy_clean(void *dst, const void *src, size_t n);

/* mmu.c (shim.rom): RAM and flash mapped with caches on. */
void mmu_enable(const struct memmap *m, uint64_t flash_size, unsigned el);
/* mmu.c, after mmu_enable: [base, base+size) mapped as Device-nGnRnE (a
 * device outside the first GiB gets its own level 2 table); refused if it
 * overlaps the flash or a GiB that holds RAM, or lies past the map. */
int mmu_map_device(uint64_t base, uint64_t size, struct error *e);

/* cpu.c: a range the shim writes through the caches outside the core's
 * placed items (shim.rom's TPM event log), cleaned to the point of
 * coherency with them before the jump. */
void dcache_clean_at_exit(uint64_t base, uint64_t size);

/* tpm.c: measured boot for shim.img and shim.rom. Finds the TPM the DTB
 * describes and makes it pf->measurer, else says why not in
 * pf->measure_off. shim.rom passes a tpm_firmware (it is the first code:
 * TPM2_Startup, its own code into PCR 0, an event log of its own, whose
 * area goes to pf->tpm_log); shim.img passes NULL and measures only into a
 * TPM some earlier firmware started. map_device: how the entry makes the
 * TPM's registers reachable (shim.rom: mmu_map_device), NULL if they are
 * (the MMU is off). */
struct tpm_firmware {
	struct blob self;	/* the shim's code and read-only data */
	uint8_t *log;		/* the event log area, identity-mapped */
	size_t log_size;
	int (*map_device)(uint64_t base, uint64_t size, struct error *e);
};
void aarch64_measure_init(struct platform *pf, const struct tpm_firmware *fw);

/* gic.c (shim.rom at EL3): every interrupt to non-secure group 1, for
 * the distributor and the boot CPU; then for each CPU PSCI starts, its
 * own banked registers or redistributor (found by its MPIDR). */
int gic_nonsecure_init(const void *fdt, const struct dt_index *ix, struct error *e);
int gic_cpu_init(uint64_t mpidr, struct error *e);

/* rom.c: the EL3 set-up booting.rst asks for (el3.c's values), on the
 * calling CPU: the boot CPU first, each CPU PSCI starts again. */
struct el3_state el3_cpu_setup(void);

/* img.c, rom.c: the C entries, from img_entry.S and rom_entry.S. */
__attribute__((noreturn)) void img_main(uint64_t dtb, uint64_t ticks, uint64_t el);
__attribute__((noreturn)) void rom_main(uint64_t ticks, uint64_t el);

#endif
