/* Functions the aarch64 entry files share (C and assembly). */
#ifndef BOOTSHIM_AARCH64_CPU_H
#define BOOTSHIM_AARCH64_CPU_H

#include "../../shim/memmap.h"

/* bare.c: the PL011 to print on (0: none yet) and the PSCI conduit from
 * the DTB ('h', 's' or 0), for stopping the machine. */
void aarch64_console_init(uint64_t pl011_base, char psci_conduit);

/* vectors.S: a semihosting call; false if semihosting is not enabled. */
bool semihost_call(uint64_t op, const void *param);

/* cpu.c: entropy from RNDR where the CPU has it; the bytes written. */
size_t rndr_seed(uint8_t *out, size_t len);

/* cpu.c, from vectors.S: report an unexpected exception and stop. */
__attribute__((noreturn)) void exception_fatal(uint64_t esr, uint64_t elr, uint64_t far,
					       uint64_t entry);

/* el.S: MMU and D-cache off, then the kernel with x0 = dtb (from EL3: by
 * ERET to non-secure EL2 or EL1). */
__attribute__((noreturn)) void jump_to_kernel(uint64_t entry, uint64_t dtb);

/* mmu.c (shim.rom): RAM and flash mapped with caches on. */
void mmu_enable(const struct memmap *m, uint64_t flash_size, unsigned el);

/* gic.c (shim.rom at EL3): every interrupt to non-secure group 1. */
int gic_nonsecure_init(const void *fdt, struct error *e);

/* img.c, rom.c: the C entries, from img_entry.S and rom_entry.S. */
__attribute__((noreturn)) void img_main(uint64_t dtb, uint64_t ticks, uint64_t el);
__attribute__((noreturn)) void rom_main(uint64_t ticks, uint64_t el);

#endif
