/* tests/unit/pack_stub.h: a synthetic ELF stub. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "pack_stub.h"
#include "payload.h"

enum { S_NULL, S_TEXT, S_DATA, S_RELA, S_CMD, S_SYMTAB, S_STRTAB, S_SHSTRTAB, S_COUNT };
_Static_assert(S_COUNT == PACK_STUB_SECTIONS, "PACK_STUB_SECTIONS");
#define SHOFF 0x3800

uint8_t *pack_synthetic_stub(uint16_t machine, uint32_t rel_type)
{
	uint8_t *f = calloc(1, PACK_STUB_BYTES);
	if (!f)
		abort();
	Elf64_Ehdr eh = { .e_type = ET_EXEC, .e_machine = machine, .e_version = EV_CURRENT,
			  .e_phoff = sizeof(Elf64_Ehdr), .e_shoff = SHOFF,
			  .e_ehsize = sizeof(Elf64_Ehdr), .e_phentsize = sizeof(Elf64_Phdr),
			  .e_phnum = 2, .e_shentsize = sizeof(Elf64_Shdr), .e_shnum = S_COUNT,
			  .e_shstrndx = S_SHSTRTAB };
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	memcpy(f, &eh, sizeof(eh));
	Elf64_Phdr ph[2] = {
		{ PT_LOAD, PF_R | PF_W | PF_X, 0x1000, 0, 0, 0x1200, 0x1200, 0x1000 },
		{ PT_LOAD, PF_R, 0x3000, 0x2000, 0x2000, 0x78, 0x78, 0x1000 },
	};
	memcpy(f + eh.e_phoff, ph, sizeof(ph));
	/* the stub's payload: cmdline "" at 0x2000, index at 0x2008 */
	struct payload_index ix = { .version = PAYLOAD_INDEX_VERSION };
	memcpy(ix.magic, PAYLOAD_INDEX_MAGIC, PAYLOAD_INDEX_MAGIC_BYTES);
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++)
		ix.rel[i][0] = ix.rel[i][1] = PAYLOAD_INDEX_BYTES;
	ix.rel[PAYLOAD_SLOT_CMDLINE][0] = -8, ix.rel[PAYLOAD_SLOT_CMDLINE][1] = -7;
	memcpy(f + 0x3008, &ix, sizeof(ix));
	/* payload_table at 0x1000 (file 0x2000), relocated by .rela.dyn */
	for (int k = 0; k < PAYLOAD_SLOT_COUNT * 2; k++) {
		uint64_t v = k == 2 * PAYLOAD_SLOT_CMDLINE ? 0x2000 :
			     k == 2 * PAYLOAD_SLOT_CMDLINE + 1 ? 0x2001 : 0x2078;
		memcpy(f + 0x2000 + 8 * k, &v, 8);
		Elf64_Rela r = { 0x1000 + 8 * (uint64_t)k, ELF64_R_INFO(0, rel_type), (int64_t)v };
		memcpy(f + 0x2100 + sizeof(r) * (size_t)k, &r, sizeof(r));
	}
	Elf64_Sym sym[2] = { { 0 }, { .st_name = 1, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT),
				      .st_shndx = S_DATA, .st_value = 0x1000 } };
	memcpy(f + 0x3100, sym, sizeof(sym));
	memcpy(f + 0x3200, "\0payload_table", 15);
	static const char names[] = "\0.text\0.data\0.rela.dyn\0.payload.cmdline\0.symtab\0"
				    ".strtab\0.shstrtab";
	memcpy(f + 0x3300, names, sizeof(names));
	Elf64_Shdr sh[S_COUNT] = {
		[S_TEXT] = { 1, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0x1000, 0x1000, 0, 0, 16, 0 },
		[S_DATA] = { 7, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0x1000, 0x2000, 0x100, 0, 0, 8, 0 },
		[S_RELA] = { 13, SHT_RELA, SHF_ALLOC, 0x1100, 0x2100, 0x100 / 24 * 24 - 0x10, 0, 0, 8,
			     sizeof(Elf64_Rela) },
		[S_CMD] = { 23, SHT_PROGBITS, SHF_ALLOC, 0x2000, 0x3000, 0x78, 0, 0, 8, 0 },
		[S_SYMTAB] = { 41, SHT_SYMTAB, 0, 0, 0x3100, sizeof(sym), S_STRTAB, 1, 8,
			       sizeof(Elf64_Sym) },
		[S_STRTAB] = { 49, SHT_STRTAB, 0, 0, 0x3200, 15, 0, 0, 1, 0 },
		[S_SHSTRTAB] = { 57, SHT_STRTAB, 0, 0, 0x3300, sizeof(names), 0, 0, 1, 0 },
	};
	sh[S_RELA].sh_size = PAYLOAD_SLOT_COUNT * 2 * sizeof(Elf64_Rela);
	memcpy(f + SHOFF, sh, sizeof(sh));
	/* an Image header's place at the start of .text */
	memcpy(f + 0x1000, "HEAD", 4);
	return f;
}

