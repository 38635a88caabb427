/* The identity map beyond the low 4 GiB that long_mode.S maps at entry:
 * every byte of RAM the memory map reports, so that placement may put the
 * initrd above 4 GiB (boot.rst: XLF_CAN_BE_LOADED_ABOVE_4G) and the copy
 * there does not fault. 1 GiB pages where the CPU has them (CPUID
 * 0x80000001 EDX.Page1GB), else 2 MiB pages; the page tables come from a
 * fixed pool, and whatever it cannot reach is left out of the map and, by
 * the end address returned, out of placement. */
#include "console.h"
#include "io.h"
#include "x86_64.h"

#define PT_ENTRIES 512
#define PT_ADDR_MASK 0x000ffffffffff000ull
#define PML4_SHIFT 39
#define PDPT_SHIFT 30
#define PD_SHIFT 21
#define IDMAP_LOW_END GiB(IDMAP_GIB)
/* Page-table pages for the map above 4 GiB: with 2 MiB pages each maps
 * 1 GiB (a PD), with 1 GiB pages each maps 512 GiB (a PDPT). 64 pages:
 * 256 KiB, RAM up to 68 GiB with 2 MiB pages; each zeroed when taken,
 * not all of them at entry. */
#define IDMAP_POOL_PAGES 64

#define CPUID_EXT_MAX 0x80000000
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_FEATURES_EDX_PAGE1GB (1u << 26)
#define CPUID_ADDR_SIZES 0x80000008
/* Intel SDM vol. 3, 4.1.4: without leaf 0x80000008, MAXPHYADDR is 36. */
#define MAXPHYADDR_DEFAULT 36

static uint64_t pool[IDMAP_POOL_PAGES][PT_ENTRIES] __attribute__((aligned(4096))) X86_64_NOINIT;
static size_t pool_used;

static bool cpu_has_1g_pages(void)
{
	uint32_t max, b, c, d;
	cpuid(CPUID_EXT_MAX, &max, &b, &c, &d);
	if (max < CPUID_EXT_FEATURES)
		return false;
	cpuid(CPUID_EXT_FEATURES, &max, &b, &c, &d);
	return d & CPUID_EXT_FEATURES_EDX_PAGE1GB;
}

static uint64_t phys_limit(void)
{
	uint32_t max, b, c, d, bits = MAXPHYADDR_DEFAULT;
	cpuid(CPUID_EXT_MAX, &max, &b, &c, &d);
	if (max >= CPUID_ADDR_SIZES) {
		cpuid(CPUID_ADDR_SIZES, &max, &b, &c, &d);
		if ((max & 0xff) >= 32 && (max & 0xff) < 64)
			bits = max & 0xff;
	}
	return 1ull << bits;
}

/* The table an entry points to, taken from the pool if it has none yet;
 * NULL when the pool is used up. */
static uint64_t *next_table(uint64_t *entry)
{
	if (*entry & PTE_P)
		return (uint64_t *)(uintptr_t)(*entry & PT_ADDR_MASK);
	if (pool_used == IDMAP_POOL_PAGES)
		return NULL;
	uint64_t *t = pool[pool_used++];
	memset(t, 0, sizeof(pool[0]));
	*entry = (uintptr_t)t | PTE_P | PTE_W;
	return t;
}

/* Map one page of `size` (1 GiB or 2 MiB) at `a`; false if out of tables. */
static bool map_page(uint64_t a, bool gib)
{
	uint64_t *pdpt = next_table(&idmap_pml4[(a >> PML4_SHIFT) % PT_ENTRIES]);
	if (!pdpt)
		return false;
	uint64_t *e = &pdpt[(a >> PDPT_SHIFT) % PT_ENTRIES];
	if (!gib) {
		uint64_t *pd = next_table(e);
		if (!pd)
			return false;
		e = &pd[(a >> PD_SHIFT) % PT_ENTRIES];
	}
	*e = a | PTE_P | PTE_W | PTE_PS;
	return true;
}

/* The end of the highest RAM range; the map is untrusted, so a range
 * past 2^64 counts as ending there. */
static uint64_t ram_top(const struct memmap *m)
{
	uint64_t top = 0;
	for (size_t i = 0; i < m->n && i < MEMMAP_MAX; i++) {
		uint64_t end;
		if (m->e[i].type != MEM_RAM)
			continue;
		if (!range_end(m->e[i].base, m->e[i].size, &end))
			end = UINT64_MAX;
		if (end > top)
			top = end;
	}
	return top;
}

uint64_t x86_64_idmap_ram(const struct memmap *m)
{
	bool gib = cpu_has_1g_pages();
	uint64_t page = gib ? GiB(1) : MiB(2), top = ram_top(m), limit = phys_limit(), a;
	if (!align_up(top, page, &top) || top > limit)
		top = limit;
	for (a = IDMAP_LOW_END; a < top; a += page)
		if (!map_page(a, gib))
			break;
	/* Reload CR3: no stale paging-structure caches for the new entries. */
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=r"(cr3) : : "memory");
	if (a > IDMAP_LOW_END)
		con_printf("bootshim: identity map up to 0x%llx (%s pages above 4 GiB%s)\n",
			   (unsigned long long)a, gib ? "1 GiB" : "2 MiB",
			   a < top ? ", page-table pool used up: nothing is placed above it" : "");
	return a;
}

void x86_64_idmap_uncached(uint64_t base, uint64_t size)
{
	uint64_t end, a;
	/* Only the low 4 GiB, which long_mode.S maps with 2 MiB pages, all
	 * present: its tables are walked, never allocated. */
	if (!range_end(base, size, &end) || end > IDMAP_LOW_END)
		end = IDMAP_LOW_END;
	uint64_t *pdpt = (uint64_t *)(uintptr_t)(idmap_pml4[0] & PT_ADDR_MASK);
	for (a = align_down(base, MiB(2)); a < end; a += MiB(2)) {
		uint64_t *pd = (uint64_t *)(uintptr_t)(pdpt[a >> PDPT_SHIFT] & PT_ADDR_MASK);
		pd[(a >> PD_SHIFT) % PT_ENTRIES] |= PTE_PCD | PTE_PWT;
		/* Intel SDM vol. 3, 4.10.4.1: INVLPG drops the page's TLB
		 * entry, which still carries the old memory type. */
		__asm__ volatile("invlpg (%0)" : : "r"((uintptr_t)a) : "memory");
	}
}
