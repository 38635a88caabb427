/* See psci.h: the PSCI dispatcher, a pure function of the state and the
 * call (Arm DEN0022 1.1 for the functions, DEN0028 for the convention). */
#include "psci.h"

int psci_slot(uint64_t mpidr)
{
	/* Nothing but affinity bits, and Aff2 = Aff3 = 0. */
	if (mpidr & ~MPIDR_AFF_MASK || mpidr & 0xff00ff0000ull)
		return -1;
	uint64_t aff0 = MPIDR_AFF0(mpidr), aff1 = MPIDR_AFF1(mpidr);
	if (aff0 >= PSCI_SLOT_AFF0_MAX)
		return -1;
	uint64_t slot = aff1 * PSCI_SLOT_AFF0_MAX + aff0;
	return slot < PSCI_MAX_CPUS ? (int)slot : -1;
}

int psci_add_cpu(struct psci_state *s, uint64_t mpidr, bool on)
{
	int slot = psci_slot(mpidr);
	if (slot < 0 || s->present[slot])
		return -1;
	s->present[slot] = 1;
	s->mpidr[slot] = mpidr;
	s->cpu_state[slot] = on ? PSCI_CPU_ON : PSCI_CPU_OFF;
	return slot;
}

int psci_add_ram(struct psci_state *s, uint64_t base, uint64_t size)
{
	uint64_t end;
	if (s->n_ram == PSCI_MAX_RAM || !range_end(base, size, &end))
		return -1;
	s->ram_base[s->n_ram] = base;
	s->ram_end[s->n_ram] = end;
	s->n_ram++;
	return 0;
}

/* DEN0022 5.1.4, CPU_ON: "entry_point_address: Address at which the core
 * must commence execution" in the caller's (non-secure) world; an address
 * the firmware cannot accept is INVALID_ADDRESS. Here: 4-byte aligned (an
 * A64 instruction), inside the DTB's RAM, outside the firmware's own. */
static bool entry_ok(const struct psci_state *s, uint64_t entry)
{
	if (entry & 3)
		return false;
	if (entry >= s->fw_base && entry < s->fw_end)
		return false;
	for (uint32_t i = 0; i < s->n_ram && i < PSCI_MAX_RAM; i++)
		if (entry >= s->ram_base[i] && entry < s->ram_end[i])
			return true;
	return false;
}

/* The slot of a present CPU, else -1 (INVALID_PARAMETERS for the caller). */
static int target_slot(const struct psci_state *s, uint64_t mpidr)
{
	int slot = psci_slot(mpidr);
	return slot >= 0 && s->present[slot] && s->mpidr[slot] == mpidr ? slot : -1;
}

static struct psci_result ret(int64_t v)
{
	return (struct psci_result){ .ret = v, .action = PSCI_ACT_RETURN };
}

static bool is_smc64(uint64_t fid)
{
	return fid & PSCI_FN_SMC64;
}

static struct psci_result cpu_on(struct psci_state *s, uint64_t fid, uint64_t target,
				 uint64_t entry, uint64_t context)
{
	if (!is_smc64(fid)) {
		target = (uint32_t)target;
		entry = (uint32_t)entry;
		context = (uint32_t)context;
	}
	int slot = target_slot(s, target);
	if (slot < 0)
		return ret(PSCI_RET_INVALID_PARAMETERS);
	if (!entry_ok(s, entry))
		return ret(PSCI_RET_INVALID_ADDRESS);
	if (s->cpu_state[slot] == PSCI_CPU_ON)
		return ret(PSCI_RET_ALREADY_ON);
	if (s->cpu_state[slot] == PSCI_CPU_ON_PENDING)
		return ret(PSCI_RET_ON_PENDING);
	s->entry[slot] = entry;
	s->context[slot] = context;
	s->cpu_state[slot] = PSCI_CPU_ON_PENDING;
	return (struct psci_result){ .ret = PSCI_RET_SUCCESS, .action = PSCI_ACT_WAKE,
				     .target = (unsigned)slot };
}

static struct psci_result affinity_info(const struct psci_state *s, uint64_t fid,
					uint64_t target, uint64_t level)
{
	if (!is_smc64(fid)) {
		target = (uint32_t)target;
		level = (uint32_t)level;
	}
	/* 5.1.5: from PSCI 1.0 "lowest_affinity_level" above 0 is optional;
	 * this firmware has no power levels above the core. */
	int slot = target_slot(s, target);
	if (slot < 0 || level != 0)
		return ret(PSCI_RET_INVALID_PARAMETERS);
	switch (s->cpu_state[slot]) {
	case PSCI_CPU_ON:
		return ret(PSCI_AFF_ON);
	case PSCI_CPU_ON_PENDING:
		return ret(PSCI_AFF_ON_PENDING);
	default:
		return ret(PSCI_AFF_OFF);
	}
}

static struct psci_result cpu_off(struct psci_state *s, unsigned caller)
{
	/* The last core on cannot go off: nothing could ever turn a core on
	 * again (5.1.3 lets the implementation return DENIED). */
	unsigned others = 0;
	for (unsigned i = 0; i < PSCI_MAX_CPUS; i++)
		if (i != caller && s->present[i] && s->cpu_state[i] != PSCI_CPU_OFF)
			others++;
	if (caller >= PSCI_MAX_CPUS || !others)
		return ret(PSCI_RET_DENIED);
	s->cpu_state[caller] = PSCI_CPU_OFF;
	return (struct psci_result){ .ret = PSCI_RET_SUCCESS, .action = PSCI_ACT_CPU_OFF };
}

/* The calls this firmware implements, for PSCI_FEATURES (5.1.14: 0, no
 * feature flags, for each; NOT_SUPPORTED for anything else). */
static const uint32_t implemented[] = {
	PSCI_VERSION,	    PSCI_CPU_OFF_FN,	    PSCI_CPU_ON_FN,	PSCI_CPU_ON_64,
	PSCI_AFFINITY_INFO, PSCI_AFFINITY_INFO_64, PSCI_MIGRATE_INFO_TYPE,
	PSCI_SYSTEM_OFF,    PSCI_SYSTEM_RESET,	    PSCI_FEATURES,
};

struct psci_result psci_dispatch(struct psci_state *s, unsigned caller, uint64_t fid,
				 uint64_t a1, uint64_t a2, uint64_t a3)
{
	/* DEN0028: the function ID is the low 32 bits of x0/w0. */
	fid = (uint32_t)fid;
	switch (fid) {
	case PSCI_VERSION:
		return ret(PSCI_VERSION_1_1);
	case PSCI_CPU_ON_FN:
	case PSCI_CPU_ON_64:
		return cpu_on(s, fid, a1, a2, a3);
	case PSCI_CPU_OFF_FN:
		return cpu_off(s, caller);
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_64:
		return affinity_info(s, fid, a1, a2);
	case PSCI_MIGRATE_INFO_TYPE:
		return ret(PSCI_TOS_NOT_PRESENT);
	case PSCI_SYSTEM_OFF:
		return (struct psci_result){ .ret = PSCI_RET_INTERNAL_FAILURE,
					     .action = PSCI_ACT_SYSTEM_OFF };
	case PSCI_SYSTEM_RESET:
		return (struct psci_result){ .ret = PSCI_RET_INTERNAL_FAILURE,
					     .action = PSCI_ACT_SYSTEM_RESET };
	case PSCI_FEATURES:
		for (size_t i = 0; i < ARRAY_SIZE(implemented); i++)
			if ((uint32_t)a1 == implemented[i])
				return ret(PSCI_RET_SUCCESS);
		return ret(PSCI_RET_NOT_SUPPORTED);
	default:
		return ret(PSCI_RET_NOT_SUPPORTED);
	}
}
