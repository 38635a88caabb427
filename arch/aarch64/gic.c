/* At EL3 the shim is the secure firmware, and a GIC with security
 * extensions starts with every interrupt in the secure Group 0, invisible
 * to a non-secure kernel. Put them all in non-secure Group 1, as firmware
 * does (boot-wrapper-aarch64's gic.c, gic-v3.c), for the shared
 * distributor and the boot CPU, then for each CPU PSCI starts. */
#include "error.h"
#include "fdt.h"
#include "aarch64.h"
#include "cpu.h"
#include "psci.h"

#include <libfdt.h>

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IGROUPR 0x080
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICR_WAKER 0x014
#define GICR_SGI_BASE 0x10000
#define GICR_IGROUPR0 (GICR_SGI_BASE + 0x080)

static void w32(uint64_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }
static uint32_t r32(uint64_t a) { return *(volatile uint32_t *)(uintptr_t)a; }

/* The n-th address of a node's reg, for #address-cells 2, #size-cells 2
 * (QEMU virt's interrupt controller). */
static int reg_addr(const void *fdt, int node, int n, uint64_t *out)
{
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (n + 1) * 16)
		return -1;
	*out = ((uint64_t)fdt32_ld(reg + n * 4) << 32) | fdt32_ld(reg + n * 4 + 1);
	return 0;
}

/* The n-th size of the same reg. */
static int reg_size(const void *fdt, int node, int n, uint64_t *out)
{
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (n + 1) * 16)
		return -1;
	*out = ((uint64_t)fdt32_ld(reg + n * 4 + 2) << 32) | fdt32_ld(reg + n * 4 + 3);
	return 0;
}

/* What gic_cpu_init needs, kept from gic_nonsecure_init (in the
 * firmware's reserved RAM: CPUs are started long after the boot). */
static struct {
	bool v3;
	uint64_t gicd, gicc;		/* v2: distributor, CPU interface */
	uint64_t gicr, gicr_size;	/* v3: the first redistributor region */
} gic;

/* GICv3 redistributor: GICR_TYPER's Affinity_Value (Aff3.Aff2.Aff1.Aff0
 * in bits 63:32), Last (bit 4: the last frame of the region) and VLPIS
 * (bit 1: two more 64 KiB frames per redistributor). */
#define GICR_TYPER 0x008
#define GICR_TYPER_LAST BIT(4)
#define GICR_TYPER_VLPIS BIT(1)
#define GICR_FRAMES_SIZE 0x20000
#define GICR_FRAMES_SIZE_VLPI 0x40000
#define GICR_WAKER_PROCESSOR_SLEEP BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP BIT(2)
#define GICR_WAKE_POLLS 100000
/* GICC_CTLR: EnableGrp0 and EnableGrp1; GICC_PMR: every priority passes. */
#define GICC_CTLR_ENABLE_GRP01 0x3
#define GICC_PMR_ALL 0xff

/* An MPIDR's affinity as GICR_TYPER packs it. */
static uint32_t gicr_affinity(uint64_t mpidr)
{
	return (uint32_t)(((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff));
}

static int gicr_find(uint64_t mpidr, uint64_t *out, struct error *e)
{
	uint32_t want = gicr_affinity(mpidr);
	for (uint64_t off = 0; off + GICR_FRAMES_SIZE <= gic.gicr_size;) {
		uint64_t rd = gic.gicr + off;
		uint32_t lo = r32(rd + GICR_TYPER), hi = r32(rd + GICR_TYPER + 4);
		if (hi == want) {
			*out = rd;
			return 0;
		}
		if (lo & GICR_TYPER_LAST)
			break;
		off += (lo & GICR_TYPER_VLPIS) ? GICR_FRAMES_SIZE_VLPI : GICR_FRAMES_SIZE;
	}
	return fail(e, "gic", "no redistributor for MPIDR 0x%llx in 0x%llx+0x%llx",
		    (unsigned long long)mpidr, (unsigned long long)gic.gicr,
		    (unsigned long long)gic.gicr_size);
}

int gic_cpu_init(uint64_t mpidr, struct error *e)
{
	if (!gic.v3) {
		/* Banked: GICD_IGROUPR0 (SGIs, PPIs) and the CPU interface
		 * are this CPU's. */
		w32(gic.gicd + GICD_IGROUPR, ~0u);
		w32(gic.gicc + GICC_CTLR, GICC_CTLR_ENABLE_GRP01);
		w32(gic.gicc + GICC_PMR, GICC_PMR_ALL);
		return 0;
	}
	/* This CPU's redistributor: wake it, then its SGIs and PPIs go to
	 * group 1 too. */
	uint64_t rd = 0;
	if (gicr_find(mpidr, &rd, e))
		return -1;
	w32(rd + GICR_WAKER, r32(rd + GICR_WAKER) & ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP);
	int i = 0;
	while (i < GICR_WAKE_POLLS && (r32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP))
		i++;
	if (i == GICR_WAKE_POLLS)
		return fail(e, "gic", "redistributor 0x%llx: ChildrenAsleep stays set",
			    (unsigned long long)rd);
	w32(rd + GICR_IGROUPR0, ~0u);
	return 0;
}

int gic_nonsecure_init(const void *fdt, const struct dt_index *ix, struct error *e)
{
	gic.v3 = ix->gic_v3.node >= 0;
	const struct dt_node *n = gic.v3 ? &ix->gic_v3 : &ix->gic_v2;
	int node = n->node;
	if (node < 0)
		return fail(e, "gic", "no arm,gic-v3 or arm,cortex-a15-gic node in the dtb");
	if (!n->depth || fdt_address_cells(fdt, n->anc[n->depth - 1]) != 2 ||
	    reg_addr(fdt, node, 0, &gic.gicd) || reg_addr(fdt, node, 1, &gic.gicc) ||
	    reg_size(fdt, node, 1, &gic.gicr_size))
		return fail(e, "gic", "cannot read the interrupt controller's reg");
	gic.gicr = gic.gicc;

	uint32_t lines = 32 * ((r32(gic.gicd + GICD_TYPER) & 0x1f) + 1);
	for (uint32_t i = gic.v3 ? 1 : 0; i < lines / 32; i++)
		w32(gic.gicd + GICD_IGROUPR + 4 * i, ~0u);
	uint64_t mpidr;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return gic_cpu_init(mpidr & MPIDR_AFF_MASK, e);
}
