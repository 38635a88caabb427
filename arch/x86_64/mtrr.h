/* The MTRR set shim.rom programs on the boot CPU, as a BIOS does for
 * virtual machines (SeaBIOS's mtrr_setup is the model): computed from the
 * memory map by a pure function (tested on the host), written by the ROM
 * entry (rom.c). The kernel copies the boot CPU's MTRRs to the others.
 * Intel SDM vol. 3A, 12.11 "Memory Type Range Registers". */
#ifndef BOOTSHIM_X86_MTRR_H
#define BOOTSHIM_X86_MTRR_H

#include "memmap.h"

#define BIT(n) (1ull << (n))

#define MSR_MTRR_CAP 0xfe
#define MTRR_CAP_VCNT_MASK 0xff
#define MTRR_CAP_FIX BIT(8)
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MTRR_DEF_TYPE_FE BIT(10)	/* fixed-range MTRRs enabled */
#define MTRR_DEF_TYPE_E BIT(11)		/* MTRRs enabled */
#define MSR_MTRR_PHYS_BASE(n) (0x200 + 2 * (n))
#define MSR_MTRR_PHYS_MASK(n) (0x201 + 2 * (n))
#define MTRR_PHYS_MASK_VALID BIT(11)

/* Memory types (SDM table 12-8). */
#define MTRR_TYPE_UC 0
#define MTRR_TYPE_WP 5
#define MTRR_TYPE_WB 6

/* The eleven fixed-range MSRs: eight 64 KiB ranges from 0, sixteen 16 KiB
 * ranges from 0x80000, sixty-four 4 KiB ranges from 0xc0000; one type
 * byte per range, the lowest address in the lowest byte. */
#define MTRR_FIXED_MSRS 11
extern const uint32_t mtrr_fixed_msr[MTRR_FIXED_MSRS];

/* Variable ranges the plan may use: MTRRcap.VCNT is 8 bits, QEMU's CPUs
 * have 8. */
#define MTRR_VAR_MAX 32
#define MTRR_GRANULE KiB(4)

struct mtrr_var {
	uint64_t base;	/* IA32_MTRR_PHYSBASEn: address | type */
	uint64_t mask;	/* IA32_MTRR_PHYSMASKn: mask | valid */
	uint64_t addr, size;
};

struct mtrr_plan {
	uint64_t def_type;	/* IA32_MTRR_DEF_TYPE, enables included */
	uint64_t fixed[MTRR_FIXED_MSRS];
	unsigned n_var;
	struct mtrr_var var[MTRR_VAR_MAX];
	uint8_t var_type;	/* the type of every variable range */
};

/* The MTRRs for the RAM of the sanitised map `m` as the platform gives
 * it (before the shim reserves parts of it), for a CPU with `vcnt`
 * variable ranges and `phys_bits` of physical address:
 * - fixed ranges: RAM below 0xa0000 write-back, the VGA window
 *   0xa0000-0xbffff uncached, the ROM area 0xc0000-0xfffff
 *   write-protected (as SeaBIOS has them);
 * - default type UC, and write-back variable ranges that cover exactly the
 *   RAM (the first MiB counted as RAM) in aligned power-of-two blocks;
 * - where those need more than vcnt ranges: default type WB, with UC
 *   ranges over the holes below 4 GiB above the first MiB (the PCI hole
 *   and firmware area), SeaBIOS's way.
 * Fails, naming the count, when neither fits, or when RAM lies beyond the
 * physical address width. */
int mtrr_plan(const struct memmap *m, unsigned vcnt, unsigned phys_bits, struct mtrr_plan *p,
	      struct error *e);

#endif
