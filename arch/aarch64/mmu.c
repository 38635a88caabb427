/* An identity map with caches on, for the firmware flavour's copies out of
 * flash: RAM (from the DTB) as normal write-back memory, flash as normal
 * memory, everything else below 1 GiB as device memory. 4 KiB granule,
 * 39-bit VA: level 1 of 1 GiB blocks, with the first GiB split in 2 MiB
 * blocks (QEMU virt: flash at 0, devices up to 1 GiB, RAM above). */
#include "memmap.h"
#include "aarch64.h"
#include "cpu.h"

#define DESC_BLOCK 0x1
#define DESC_TABLE 0x3
#define DESC_AF (1ull << 10)
#define DESC_SH_INNER (3ull << 8)
#define DESC_NS (1ull << 5) /* at EL3: a non-secure physical address */
#define ATTR_DEVICE 0 /* MAIR index 0: Device-nGnRnE */
#define ATTR_NORMAL 1 /* MAIR index 1: Normal, inner/outer write-back */
#define MAIR_VALUE ((0x00ull << 0) | (0xffull << 8))
/* TCR: T0SZ 25 (39-bit), IRGN0/ORGN0 write-back, SH0 inner, TG0 4 KiB;
 * the PA size field is added from ID_AA64MMFR0_EL1.PARange. */
#define TCR_T0SZ 25
#define TCR_BASE (TCR_T0SZ | (1 << 8) | (1 << 10) | (3 << 12))
#define TCR_EL1_IPS_SHIFT 32
#define TCR_EL2_PS_SHIFT 16
#define TCR_EL2_RES1 ((1u << 31) | (1u << 23))

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));
/* Level 2 tables for devices outside the first GiB (mmu_map_device): a
 * device range of a few pages touches at most two GiB slots. */
#define SPARE_L2 2
static uint64_t spare_l2[SPARE_L2][512] __attribute__((aligned(4096)));
static size_t n_spare_used;
static uint64_t map_ns;		/* DESC_NS at EL3 (mmu_enable) */
static uint64_t map_flash_size;
#define L1_SHIFT 30
#define L2_SHIFT 21
#define TCR_T0SZ_BITS (64 - TCR_T0SZ)
#define VA_LIMIT (1ull << TCR_T0SZ_BITS)

static uint64_t block(uint64_t pa, int attr, uint64_t ns)
{
	uint64_t d = pa | DESC_AF | DESC_BLOCK | ((uint64_t)attr << 2) | ns;
	return attr == ATTR_NORMAL ? d | DESC_SH_INNER : d;
}

/* RAM ranges of m map as whole 1 GiB blocks: a partial last GiB is normal
 * memory too, where QEMU virt places nothing else. */
void mmu_enable(const struct memmap *m, uint64_t flash_size, unsigned el)
{
	/* At EL3 everything but the (secure-only) flash is reached through
	 * the non-secure address space, as the kernel will see it. */
	uint64_t ns = el == 3 ? DESC_NS : 0;
	map_ns = ns;
	map_flash_size = flash_size;
	for (int i = 0; i < 512; i++) {
		uint64_t pa = (uint64_t)i << 21;
		l2[i] = pa < flash_size ? block(pa, ATTR_NORMAL, 0) : block(pa, ATTR_DEVICE, ns);
	}
	l1[0] = (uintptr_t)l2 | DESC_TABLE;
	for (size_t i = 0; i < m->n; i++) {
		if (m->e[i].type != MEM_RAM)
			continue;
		uint64_t end = m->e[i].base + m->e[i].size;
		for (uint64_t g = m->e[i].base >> 30; g < 512 && (g << 30) < end; g++)
			if (g)
				l1[g] = block(g << 30, ATTR_NORMAL, ns);
	}
	uint64_t mmfr0;
	__asm__("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	uint64_t pa = mmfr0 & 0xf;
	if (pa > 5)
		pa = 5; /* 48 bits is all a 4 KiB, 3-level map needs */
	__asm__ volatile("dsb sy" ::: "memory");
	if (el == 3) {
		/* TCR_EL3 has TCR_EL2's (non-VHE) layout. */
		uint64_t tcr = TCR_BASE | TCR_EL2_RES1 | (pa << TCR_EL2_PS_SHIFT);
		__asm__ volatile("msr mair_el3, %0\n\tmsr tcr_el3, %1\n\tmsr ttbr0_el3, %2\n\t"
				 "isb\n\ttlbi alle3\n\tdsb sy\n\tisb\n\t"
				 "mrs x9, sctlr_el3\n\torr x9, x9, %3\n\tmsr sctlr_el3, x9\n\tisb"
				 :
				 : "r"(MAIR_VALUE), "r"(tcr), "r"((uintptr_t)l1),
				   "r"((uint64_t)(SCTLR_M | SCTLR_C | SCTLR_I))
				 : "x9", "memory");
	} else if (el == 2) {
		uint64_t tcr = TCR_BASE | TCR_EL2_RES1 | (pa << TCR_EL2_PS_SHIFT);
		__asm__ volatile("msr mair_el2, %0\n\tmsr tcr_el2, %1\n\tmsr ttbr0_el2, %2\n\t"
				 "isb\n\ttlbi alle2\n\tdsb sy\n\tisb\n\t"
				 "mrs x9, sctlr_el2\n\torr x9, x9, %3\n\tmsr sctlr_el2, x9\n\tisb"
				 :
				 : "r"(MAIR_VALUE), "r"(tcr), "r"((uintptr_t)l1),
				   "r"((uint64_t)(SCTLR_M | SCTLR_C | SCTLR_I))
				 : "x9", "memory");
	} else {
		uint64_t tcr = TCR_BASE | (pa << TCR_EL1_IPS_SHIFT) | (1ull << 23) /* EPD1 */;
		__asm__ volatile("msr mair_el1, %0\n\tmsr tcr_el1, %1\n\tmsr ttbr0_el1, %2\n\t"
				 "isb\n\ttlbi vmalle1\n\tdsb sy\n\tisb\n\t"
				 "mrs x9, sctlr_el1\n\torr x9, x9, %3\n\tmsr sctlr_el1, x9\n\tisb"
				 :
				 : "r"(MAIR_VALUE), "r"(tcr), "r"((uintptr_t)l1),
				   "r"((uint64_t)(SCTLR_M | SCTLR_C | SCTLR_I))
				 : "x9", "memory");
	}
}

int mmu_map_device(uint64_t base, uint64_t size, struct error *e)
{
	uint64_t end;
	if (!size || !range_end(base, size, &end) || end > VA_LIMIT)
		return fail(e, "mmu", "device 0x%llx+0x%llx is outside the %d-bit map",
			    (unsigned long long)base, (unsigned long long)size, TCR_T0SZ_BITS);
	/* The first GiB: device blocks already, except for the flash. */
	if (base < map_flash_size)
		return fail(e, "mmu", "device 0x%llx+0x%llx overlaps the flash (0..0x%llx)",
			    (unsigned long long)base, (unsigned long long)size,
			    (unsigned long long)map_flash_size);
	for (uint64_t g = base >> L1_SHIFT; g <= (end - 1) >> L1_SHIFT; g++) {
		if (g == 0)
			continue;
		uint64_t kind = l1[g] & DESC_TABLE;	/* the descriptor's type bits */
		if (kind == DESC_TABLE)
			continue;	/* installed for an earlier device */
		if (kind == DESC_BLOCK) {
			/* mmu_enable made it a block of normal memory. */
			return fail(e, "mmu", "device 0x%llx+0x%llx lies in the GiB at 0x%llx, "
				    "which holds RAM", (unsigned long long)base,
				    (unsigned long long)size, (unsigned long long)(g << L1_SHIFT));
		}
		if (n_spare_used == SPARE_L2)
			return fail(e, "mmu", "device 0x%llx+0x%llx: no level 2 table left",
				    (unsigned long long)base, (unsigned long long)size);
		uint64_t *t = spare_l2[n_spare_used++];
		for (int i = 0; i < 512; i++)
			t[i] = block((g << L1_SHIFT) + ((uint64_t)i << L2_SHIFT), ATTR_DEVICE,
				     map_ns);
		/* An invalid entry becoming valid needs no TLB invalidation
		 * (invalid entries are never cached): the table's stores
		 * visible to the walker, then the entry. */
		__asm__ volatile("dsb ishst" ::: "memory");
		l1[g] = (uintptr_t)t | DESC_TABLE;
		__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
	}
	return 0;
}
