#include "pvh.h"

_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info v1 layout");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_paddr) == 40, "v1 field");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry layout");

int pvh_parse(const struct phys_mem *pm, uint64_t si, struct pvh_info *out,
	      struct error *e)
{
	memset(out, 0, sizeof(*out));
	/* Copy out, field by field through memcpy: the structures may sit at
	 * any alignment. Version 0 ends before memmap_paddr. */
	struct hvm_start_info s = { 0 };
	const size_t v0_len = __builtin_offsetof(struct hvm_start_info, memmap_paddr);
	const void *p = phys_ptr(pm, si, v0_len);
	if (!p)
		return fail(e, "pvh", "start_info at 0x%llx is outside memory",
			    (unsigned long long)si);
	memcpy(&s, p, v0_len);
	if (s.magic != HVM_START_MAGIC_VALUE)
		return fail(e, "pvh", "start_info magic is 0x%08x, not 0x%08x",
			    s.magic, HVM_START_MAGIC_VALUE);
	/* The memory map arrived with version 1; without it there is no
	 * reliable way to know the RAM. */
	if (s.version < 1)
		return fail(e, "pvh", "start_info version %u has no memory map", s.version);
	p = phys_ptr(pm, si, sizeof(s));
	if (!p)
		return fail(e, "pvh", "start_info at 0x%llx is outside memory",
			    (unsigned long long)si);
	memcpy(&s, p, sizeof(s));
	if (!s.memmap_entries)
		return fail(e, "pvh", "memmap_entries is 0");
	if (s.memmap_entries > MEMMAP_INPUT_MAX)
		return fail(e, "pvh", "memmap_entries %u exceeds %u", s.memmap_entries,
			    MEMMAP_INPUT_MAX);
	uint64_t bytes = (uint64_t)s.memmap_entries * sizeof(struct hvm_memmap_table_entry);
	const uint8_t *m = phys_ptr(pm, s.memmap_paddr, bytes);
	if (!m)
		return fail(e, "pvh", "memmap at 0x%llx (%u entries) is outside memory",
			    (unsigned long long)s.memmap_paddr, s.memmap_entries);
	for (uint32_t i = 0; i < s.memmap_entries; i++) {
		struct hvm_memmap_table_entry ent;
		memcpy(&ent, m + (size_t)i * sizeof(ent), sizeof(ent));
		if (memmap_add(&out->mem, ent.addr, ent.size, ent.type, e))
			return -1;
	}
	out->rsdp = s.rsdp_paddr;
	const char *cmd = s.cmdline_paddr ? phys_ptr(pm, s.cmdline_paddr, 1) : NULL;
	out->vmm_cmdline = cmd && *cmd;
	out->nr_modules = s.nr_modules;
	return 0;
}
