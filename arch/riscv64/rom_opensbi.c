/* The embedded OpenSBI fw_dynamic (Debian 12's opensbi package, generic
 * platform, v1.1), kept as its ELF so that the shim can check what it
 * copies and learn how much memory the firmware takes beyond its file:
 * the loadable segment's p_memsz runs from _fw_start to _fw_end, and
 * fw_base.S puts every hart's stack and scratch space after _fw_end:
 *
 *   "Setup scratch space for all the HARTs"
 *	lla	tp, _fw_end
 *	mul	a5, s7, s8	(s7 "HART Count", s8 "HART Stack Size")
 *
 * and reports [_fw_start, that end) as fw_size, which sbi_domain_init
 * makes the root domain's M-mode-only region (a PMP region of the next
 * power of two, naturally aligned). The firmware window (2 MiB, 2 MiB
 * aligned, linker/riscv64-rom.ld) therefore holds the whole region when
 * p_memsz plus the stacks fit in it.
 *
 * Debian builds it position-independent (FW_PIC, the default since
 * OpenSBI 1.0: a PT_DYNAMIC segment and R_RISCV_RELATIVE relocations that
 * fw_base.S applies for wherever it runs), so it runs from the window
 * rather than at its link address 0x80000000, where the shim is. */
#include "error.h"
#include "rom.h"

/* The ELF-64 structures (System V gABI), little-endian RISC-V. */
struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr is 64 bytes");

struct elf64_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr is 56 bytes");

#define ELF_MAGIC "\177ELF"
#define ELF_MAGIC_BYTES 4
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EM_RISCV 243
#define PT_LOAD 1
#define PT_DYNAMIC 2

/* OpenSBI 1.1, include/sbi/sbi_platform.h: "Default HART stack size", the
 * generic platform's hart_stack_size. */
#define OPENSBI_HART_STACK_SIZE KiB(8)

int opensbi_check(struct opensbi *fw, uint64_t window, uint64_t window_size, uint64_t harts,
		  struct error *e)
{
	const uint8_t *elf = opensbi_elf_start;
	uint64_t len = (uint64_t)(opensbi_elf_end - opensbi_elf_start);
	struct elf64_ehdr eh;
	if (len < sizeof(eh))
		return fail(e, "opensbi", "the embedded ELF is %llu bytes, shorter than its header",
			    (unsigned long long)len);
	memcpy(&eh, elf, sizeof(eh));
	if (memcmp(eh.ident, ELF_MAGIC, ELF_MAGIC_BYTES) || eh.ident[EI_CLASS] != ELFCLASS64 ||
	    eh.ident[EI_DATA] != ELFDATA2LSB || eh.machine != EM_RISCV)
		return fail(e, "opensbi", "not a little-endian ELF64 for RISC-V (machine %u)",
			    eh.machine);
	if (eh.phentsize != sizeof(struct elf64_phdr) || eh.phoff > len ||
	    eh.phnum > (len - eh.phoff) / sizeof(struct elf64_phdr))
		return fail(e, "opensbi", "program headers (%u of %u bytes at 0x%llx) outside the %llu-byte ELF",
			    eh.phnum, eh.phentsize, (unsigned long long)eh.phoff,
			    (unsigned long long)len);

	struct elf64_phdr load = { 0 };
	unsigned n_load = 0;
	bool dynamic = false;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct elf64_phdr ph;
		memcpy(&ph, elf + eh.phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type == PT_LOAD && n_load++ == 0)
			load = ph;
		dynamic |= ph.type == PT_DYNAMIC;
	}
	/* fw_base.S computes everything from _fw_start/_fw_end: one image. */
	if (n_load != 1)
		return fail(e, "opensbi", "%u loadable segments, not one", n_load);
	if (!dynamic)
		return fail(e, "opensbi", "not position-independent (no PT_DYNAMIC: built without FW_PIC), "
			    "so it would run only at its link address 0x%llx, where the shim is",
			    (unsigned long long)load.vaddr);
	if (load.offset > len || load.filesz > len - load.offset)
		return fail(e, "opensbi", "segment of %llu bytes at offset 0x%llx outside the %llu-byte ELF",
			    (unsigned long long)load.filesz, (unsigned long long)load.offset,
			    (unsigned long long)len);
	if (load.filesz > load.memsz)
		return fail(e, "opensbi", "p_filesz %llu exceeds p_memsz %llu",
			    (unsigned long long)load.filesz, (unsigned long long)load.memsz);
	if (eh.entry < load.vaddr || eh.entry - load.vaddr >= load.filesz)
		return fail(e, "opensbi", "entry 0x%llx outside its segment [0x%llx, +0x%llx)",
			    (unsigned long long)eh.entry, (unsigned long long)load.vaddr,
			    (unsigned long long)load.filesz);
	/* The segment's alignment must hold at the window, which is aligned
	 * to its own (power-of-two) size. */
	if (load.align > window_size || (load.align && !is_pow2(load.align)) ||
	    (window & (window_size - 1)))
		return fail(e, "opensbi", "segment alignment 0x%llx does not hold at 0x%llx",
			    (unsigned long long)load.align, (unsigned long long)window);
	uint64_t stacks = harts * OPENSBI_HART_STACK_SIZE;
	if (load.memsz > window_size || stacks > window_size - load.memsz)
		return fail(e, "opensbi", "%llu bytes and %llu harts' stacks (%llu bytes) exceed the "
			    "%llu-byte firmware window", (unsigned long long)load.memsz,
			    (unsigned long long)harts, (unsigned long long)stacks,
			    (unsigned long long)window_size);
	*fw = (struct opensbi){
		.image = elf + load.offset,
		.file_bytes = load.filesz,
		.mem_bytes = load.memsz,
		.entry_offset = eh.entry - load.vaddr,
	};
	return 0;
}

uint64_t opensbi_install(const struct opensbi *fw, uint64_t window)
{
	/* Only the file's bytes: fw_base.S zeroes its own .bss ("Zero-out
	 * BSS") on the boot hart before use, and the other harts touch only
	 * _boot_status (initialised data) until the boot hart is done. */
	memcpy((void *)(uintptr_t)window, fw->image, fw->file_bytes);
	return window + fw->entry_offset;
}
