/* shim.rom as the EL3 runtime firmware under QEMU virt,secure=on: PSCI
 * 1.1 (Arm DEN0022) as Linux uses it, over the SMC calling convention
 * (Arm DEN0028). The dispatcher (psci.c) is a pure function of the state
 * and the call, tested on the host; psci_rt.c and psci_entry.S are the
 * machine side: the hold pen, the SMC vector, the power controls. */
#ifndef BOOTSHIM_AARCH64_PSCI_H
#define BOOTSHIM_AARCH64_PSCI_H

/* CPUs the firmware can hold and start. A CPU's slot comes from its
 * MPIDR alone (a secondary reaches the pen before anything is read from
 * the DTB): Aff1 * 16 + Aff0, with Aff0 < 16 and Aff2 = Aff3 = 0, which
 * covers QEMU virt's numbering (8 CPUs per Aff1 cluster with GICv2, 16
 * with GICv3) up to PSCI_MAX_CPUS. */
#define PSCI_MAX_CPUS 32
#define PSCI_SLOT_AFF0_MAX 16
/* Each CPU's EL3 stack, in the reserved RAM. */
#define PSCI_STACK_SIZE 4096

/* The state of a slot, as the hold pen reads it: 0 is OFF, so that
 * zeroed RAM (a cold start) holds every secondary in the pen. */
#define PSCI_CPU_OFF 0
#define PSCI_CPU_ON 1
#define PSCI_CPU_ON_PENDING 2

#ifndef __ASSEMBLER__
#include "error.h"
#include "lib.h"

struct dt_index;

/* DEN0022 5.1: function IDs (SMC32; the SMC64 form of a call that takes
 * an address has bit 30 set). */
#define PSCI_FN_SMC64 0x40000000u
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0x84000001u
#define PSCI_CPU_OFF_FN 0x84000002u
#define PSCI_CPU_ON_FN 0x84000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_MIGRATE 0x84000005u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_MIGRATE_INFO_UP_CPU 0x84000007u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define PSCI_CPU_ON_64 (PSCI_CPU_ON_FN | PSCI_FN_SMC64)
#define PSCI_AFFINITY_INFO_64 (PSCI_AFFINITY_INFO | PSCI_FN_SMC64)

/* DEN0022 5.2.2: return codes. */
#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_RET_INVALID_ADDRESS (-9)

/* PSCI_VERSION: major in bits 31:16, minor in 15:0. */
#define PSCI_VERSION_1_1 ((1u << 16) | 1u)
/* MIGRATE_INFO_TYPE: "Trusted OS is either not present or does not
 * require migration". */
#define PSCI_TOS_NOT_PRESENT 2
/* AFFINITY_INFO results. */
#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2
/* The affinity bits of an MPIDR (Aff3, Aff2, Aff1, Aff0): what a PSCI
 * target_cpu carries and what a /cpus node's reg holds. */
#define MPIDR_AFF_MASK 0xff00ffffffull
#define MPIDR_AFF0(m) ((m) & 0xff)
#define MPIDR_AFF1(m) (((m) >> 8) & 0xff)

#define PSCI_MAX_RAM 8

/* Everything the dispatcher decides on. cpu_state comes first: the hold
 * pen (psci_entry.S) reads cpu_state[slot] at the symbol's address. */
struct psci_state {
	uint64_t cpu_state[PSCI_MAX_CPUS];	/* PSCI_CPU_* */
	uint64_t entry[PSCI_MAX_CPUS];		/* CPU_ON's entry point... */
	uint64_t context[PSCI_MAX_CPUS];	/* ...and context id (x0) */
	uint64_t mpidr[PSCI_MAX_CPUS];		/* affinity bits, for present slots */
	uint8_t present[PSCI_MAX_CPUS];		/* a CPU of the DTB */
	/* Non-secure RAM a CPU_ON entry point may lie in ([base, end)), less
	 * the firmware's own reservation. */
	uint64_t ram_base[PSCI_MAX_RAM], ram_end[PSCI_MAX_RAM];
	uint32_t n_ram;
	uint64_t fw_base, fw_end;
};

/* What the caller of the dispatcher must do after returning ret in x0. */
enum psci_action {
	PSCI_ACT_RETURN,	/* return ret to the caller */
	PSCI_ACT_WAKE,		/* release `target` from the pen (SEV), then return */
	PSCI_ACT_CPU_OFF,	/* the calling CPU goes back to the pen, never returns */
	PSCI_ACT_SYSTEM_OFF,
	PSCI_ACT_SYSTEM_RESET,
};

struct psci_result {
	int64_t ret;
	enum psci_action action;
	unsigned target;	/* PSCI_ACT_WAKE: the slot */
};

/* The slot of an MPIDR's affinity bits, or -1 if it has none. */
int psci_slot(uint64_t mpidr);

/* Describe a CPU of the DTB (state OFF) or the boot CPU (ON): -1 if its
 * MPIDR has no slot or the slot is taken. */
int psci_add_cpu(struct psci_state *s, uint64_t mpidr, bool on);
/* Add [base, base+size) to the RAM an entry point may lie in; -1 if full. */
int psci_add_ram(struct psci_state *s, uint64_t base, uint64_t size);

/* One SMC: function fid with arguments a1..a3 from the CPU in slot
 * `caller`. SMC32 calls use the low 32 bits of their arguments only
 * (DEN0028: "the upper 32 bits are ignored"). */
struct psci_result psci_dispatch(struct psci_state *s, unsigned caller, uint64_t fid,
				 uint64_t a1, uint64_t a2, uint64_t a3);

/* ---- the machine side (psci_rt.c, psci_entry.S; shim.rom only) ---- */

/* The frame psci_entry.S saves on an SMC: x0-x30. */
struct smc_frame {
	uint64_t x[31];
	uint64_t pad;
};
_Static_assert(sizeof(struct smc_frame) == 256, "psci_entry.S's SMC_FRAME");

/* psci_rt.c: from rom.c, before the MMU is on: the CPUs, RAM and power
 * controls from the DTB (patched in place to describe the firmware:
 * dt_add_psci), the boot CPU's runtime stack and vectors. 0 or -1. */
int psci_init(void *fdt, struct dt_index *ix, uint64_t *dtb_size, uint64_t room,
	      struct error *e);
/* psci_entry.S -> psci_rt.c: an SMC from a lower EL; a released CPU. */
void psci_smc(struct smc_frame *f);
__attribute__((noreturn)) void psci_cpu_start(uint64_t slot);
/* psci_entry.S: back into the pen (CPU_OFF); into the kernel at
 * non-secure EL2 or EL1 with x0 = context, on a fresh EL3 stack. */
__attribute__((noreturn)) void psci_pen(uint64_t slot);
__attribute__((noreturn)) void psci_enter_ns(uint64_t entry, uint64_t context, uint64_t spsr);
/* psci_rt.c's, which psci_entry.S reads: the CPUs' states, and each
 * CPU's EL3 stack (in .bss, inside the no-map reservation). */
extern struct psci_state psci_state_rt;
extern uint8_t psci_stacks[PSCI_MAX_CPUS][PSCI_STACK_SIZE];
#endif

#endif
