/* bootshim pack's ELF writer (tools/pack.h): an ELF stub (the shim linked
 * with an empty payload) grown by the payload, written as ELF (shim.elf:
 * the payload in three PT_LOADs, as linker/x86_64-pvh.ld's PHDRS) or as
 * the raw image objcopy -O binary makes of it (shim.img, shim.rom: every
 * loaded section at its load address less the lowest). The stub's bytes
 * stay where they are; its payload sections move to the end of the file
 * with their new addresses and sizes, and the program and section header
 * tables are written after them. Every offset and size in the stub is
 * checked before it is used. */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"

#define PAGE 0x1000ull
#define RAW_MAX 0x80000000ull

struct elf {
	uint8_t *f;		/* the output being built, a copy of the stub first */
	size_t len, cap;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	size_t phnum;
	Elf64_Shdr *sh;
	size_t shnum;
	const char *shstr;	/* in the stub */
	size_t shstr_len;
	char *why;
	size_t why_len;
};

static int stub_fail(struct elf *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int stub_fail(struct elf *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(e->why, e->why_len, "stub: ");
	vsnprintf(e->why + n, e->why_len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool in_file(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

static const char *sec_name(const struct elf *e, const Elf64_Shdr *s)
{
	if (s->sh_name >= e->shstr_len || !memchr(e->shstr + s->sh_name, '\0',
						  e->shstr_len - s->sh_name))
		return "";
	return e->shstr + s->sh_name;
}

static const uint16_t machines[][2] = {
	{ PAYLOAD_MACHINE_X86_64, EM_X86_64 },
	{ PAYLOAD_MACHINE_AARCH64, EM_AARCH64 },
	{ PAYLOAD_MACHINE_RISCV64, EM_RISCV },
};

static int parse(struct elf *e, const uint8_t *stub, size_t len, uint32_t machine)
{
	if (len < sizeof(Elf64_Ehdr) || memcmp(stub, ELFMAG, SELFMAG) ||
	    stub[EI_CLASS] != ELFCLASS64 || stub[EI_DATA] != ELFDATA2LSB)
		return stub_fail(e, "not a 64-bit little-endian ELF file");
	memcpy(&e->eh, stub, sizeof(e->eh));
	uint16_t em = 0;
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		if (machines[i][0] == machine)
			em = machines[i][1];
	if (e->eh.e_machine != em)
		return stub_fail(e, "e_machine %u, not the arch's %u", e->eh.e_machine, em);
	if (e->eh.e_phentsize != sizeof(Elf64_Phdr) || e->eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(len, e->eh.e_phoff, (uint64_t)e->eh.e_phnum * sizeof(Elf64_Phdr)) ||
	    !in_file(len, e->eh.e_shoff, (uint64_t)e->eh.e_shnum * sizeof(Elf64_Shdr)) ||
	    e->eh.e_shstrndx >= e->eh.e_shnum)
		return stub_fail(e, "program or section headers outside the file (e_phoff 0x%llx, "
			    "e_phnum %u, e_shoff 0x%llx, e_shnum %u, e_shstrndx %u)",
			    (unsigned long long)e->eh.e_phoff, e->eh.e_phnum,
			    (unsigned long long)e->eh.e_shoff, e->eh.e_shnum, e->eh.e_shstrndx);
	e->phnum = e->eh.e_phnum;
	e->shnum = e->eh.e_shnum;
	/* room for the payload's three PT_LOADs */
	e->ph = calloc(e->phnum + 3, sizeof(Elf64_Phdr));
	/* room for the payload sections ld left out of the stub, being empty */
	e->sh = calloc(e->shnum + PAYLOAD_SLOT_COUNT, sizeof(Elf64_Shdr));
	if (!e->ph || !e->sh)
		return stub_fail(e, "out of memory");
	memcpy(e->ph, stub + e->eh.e_phoff, e->phnum * sizeof(Elf64_Phdr));
	memcpy(e->sh, stub + e->eh.e_shoff, e->shnum * sizeof(Elf64_Shdr));
	for (size_t i = 0; i < e->shnum; i++)
		if (e->sh[i].sh_type != SHT_NOBITS && !in_file(len, e->sh[i].sh_offset, e->sh[i].sh_size))
			return stub_fail(e, "section %zu at 0x%llx+0x%llx outside the file", i,
				    (unsigned long long)e->sh[i].sh_offset,
				    (unsigned long long)e->sh[i].sh_size);
	const Elf64_Shdr *ss = &e->sh[e->eh.e_shstrndx];
	e->shstr = (const char *)stub + ss->sh_offset;
	e->shstr_len = ss->sh_size;
	return 0;
}

static Elf64_Shdr *find_section(struct elf *e, const char *name)
{
	for (size_t i = 0; i < e->shnum; i++)
		if (!strcmp(sec_name(e, &e->sh[i]), name))
			return &e->sh[i];
	return NULL;
}

static bool loaded(const Elf64_Shdr *s)
{
	return (s->sh_flags & SHF_ALLOC) && s->sh_type != SHT_NOBITS;
}

/* The file bytes of [addr, addr+n) in the output, or NULL. */
static uint8_t *at_addr(struct elf *e, uint64_t addr, uint64_t n)
{
	for (size_t i = 0; i < e->shnum; i++) {
		const Elf64_Shdr *s = &e->sh[i];
		if (loaded(s) && addr >= s->sh_addr && addr - s->sh_addr <= s->sh_size &&
		    n <= s->sh_size - (addr - s->sh_addr))
			return e->f + s->sh_offset + (addr - s->sh_addr);
	}
	return NULL;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static int grow(struct elf *e, size_t to)
{
	if (to <= e->cap) {
		if (to > e->len)
			memset(e->f + e->len, 0, to - e->len), e->len = to;
		return 0;
	}
	size_t cap = to + to / 4;
	uint8_t *f = realloc(e->f, cap);
	if (!f)
		return stub_fail(e, "out of memory for %zu bytes", to);
	memset(f + e->len, 0, to - e->len);
	e->f = f, e->cap = cap, e->len = to;
	return 0;
}

/* The symbol's value from .symtab, or false. */
static bool symbol(struct elf *e, const char *name, Elf64_Sym **out)
{
	for (size_t i = 0; i < e->shnum; i++) {
		const Elf64_Shdr *s = &e->sh[i];
		if (s->sh_type != SHT_SYMTAB || s->sh_link >= e->shnum ||
		    s->sh_entsize != sizeof(Elf64_Sym))
			continue;
		const Elf64_Shdr *str = &e->sh[s->sh_link];
		const char *strtab = (const char *)e->f + str->sh_offset;
		for (uint64_t j = 0; j < s->sh_size / sizeof(Elf64_Sym); j++) {
			Elf64_Sym *sym = (Elf64_Sym *)(e->f + s->sh_offset) + j;
			if (sym->st_name < str->sh_size &&
			    memchr(strtab + sym->st_name, '\0', str->sh_size - sym->st_name) &&
			    !strcmp(strtab + sym->st_name, name)) {
				*out = sym;
				return true;
			}
		}
	}
	return false;
}

/* Whether a RELA entry relocates the 8 bytes at addr. */
static bool covered_by_rela(const struct elf *e, uint64_t addr)
{
	for (size_t i = 0; i < e->shnum; i++) {
		const Elf64_Shdr *s = &e->sh[i];
		if (s->sh_type != SHT_RELA || s->sh_entsize != sizeof(Elf64_Rela))
			continue;
		for (uint64_t j = 0; j < s->sh_size / sizeof(Elf64_Rela); j++) {
			Elf64_Rela rel;
			memcpy(&rel, e->f + s->sh_offset + j * sizeof(rel), sizeof(rel));
			if (rel.r_offset == addr)
				return true;
		}
	}
	return false;
}

#define SLOT_NAME(id, name) #name,
static const char *const slot_names[PAYLOAD_SLOT_COUNT] = { PAYLOAD_SLOTS(SLOT_NAME) };

/* The raw image: every loaded section (of fl->sections) at its load
 * address, from the lowest. */
static bool wanted(const struct pack_flavour *fl, const char *name)
{
	if (!fl->sections)
		return true;
	for (const char *const *s = fl->sections; *s; s++) {
		size_t n = strlen(*s);
		if ((*s)[n - 1] == '*' ? !strncmp(name, *s, n - 1) : !strcmp(name, *s))
			return true;
	}
	return false;
}

static uint64_t lma(const struct elf *e, const Elf64_Shdr *s)
{
	for (size_t i = 0; i < e->phnum; i++) {
		const Elf64_Phdr *p = &e->ph[i];
		if (p->p_type == PT_LOAD && s->sh_addr >= p->p_vaddr &&
		    s->sh_addr - p->p_vaddr < p->p_memsz &&
		    s->sh_offset - s->sh_addr == p->p_offset - p->p_vaddr)
			return p->p_paddr + (s->sh_addr - p->p_vaddr);
	}
	return s->sh_addr;
}

static int raw_image(struct elf *e, const struct pack_flavour *fl, struct pack_output *out,
		     uint64_t *base_out)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < e->shnum; i++) {
		const Elf64_Shdr *s = &e->sh[i];
		if (!loaded(s) || !s->sh_size || !wanted(fl, sec_name(e, s)))
			continue;
		uint64_t a = lma(e, s);
		if (a < lo)
			lo = a;
		if (a + s->sh_size > hi)
			hi = a + s->sh_size;
	}
	if (lo >= hi)
		return stub_fail(e, "no loaded sections");
	/* (x86_64 shim.rom's 512 MiB at most; a loader takes no larger) */
	if (hi - lo > RAW_MAX)
		return stub_fail(e, "a raw image of 0x%llx bytes from 0x%llx, more than 0x%llx",
				 (unsigned long long)(hi - lo), (unsigned long long)lo, RAW_MAX);
	out->len = hi - lo;
	out->bytes = calloc(1, out->len);
	if (!out->bytes)
		return stub_fail(e, "out of memory for %zu bytes", out->len);
	for (size_t i = 0; i < e->shnum; i++) {
		const Elf64_Shdr *s = &e->sh[i];
		if (loaded(s) && s->sh_size && wanted(fl, sec_name(e, s)))
			memcpy(out->bytes + (lma(e, s) - lo), e->f + s->sh_offset, s->sh_size);
	}
	*base_out = lo;
	return 0;
}

int pack_elf(const struct pack_flavour *fl, const uint8_t *stub, size_t stub_len,
	     const struct kernel_layout *kl, struct pack_payload *p, bool want_elf,
	     struct pack_output *out, char *why, size_t why_len)
{
	struct elf e = { .why = why, .why_len = why_len };
	int r = -1;
	uint8_t *region = NULL;
	char *shstr = NULL;
	if (parse(&e, stub, stub_len, p->machine))
		goto done;

	/* The payload's sections, and R: where the command line's begins.
	 * ld leaves the empty ones out of the stub: they are added, their
	 * names after the old ones in a new .shstrtab. */
	Elf64_Shdr *ps[PAYLOAD_SLOT_COUNT];
	uint64_t stub_end = 0;
	Elf64_Shdr *cmd = find_section(&e, ".payload.cmdline");
	if (!cmd) {
		stub_fail(&e, "no .payload.cmdline section (no payload index)");
		goto done;
	}
	char added[PAYLOAD_SLOT_COUNT * 32];
	size_t added_len = 0;
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++) {
		char name[32];
		snprintf(name, sizeof(name), ".payload.%s", slot_names[i]);
		if (!(ps[i] = find_section(&e, name)) && i != PAYLOAD_SLOT_CMDLINE) {
			ps[i] = &e.sh[e.shnum++];
			*ps[i] = (Elf64_Shdr){ .sh_name = (uint32_t)(e.shstr_len + added_len),
					       .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC,
					       .sh_addr = cmd->sh_addr, .sh_offset = cmd->sh_offset,
					       .sh_addralign = 1 };
			memcpy(added + added_len, name, strlen(name) + 1);
			added_len += strlen(name) + 1;
		}
		if (!ps[i]) {
			stub_fail(&e, "no %s section", name);
			goto done;
		}
	}
	/* The names: the stub's and the added ones. */
	if (added_len) {
		if (!(shstr = malloc(e.shstr_len + added_len))) {
			stub_fail(&e, "out of memory");
			goto done;
		}
		memcpy(shstr, e.shstr, e.shstr_len);
		memcpy(shstr + e.shstr_len, added, added_len);
		e.shstr = shstr;
		e.shstr_len += added_len;
	}
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++) {
		const char *name = sec_name(&e, ps[i]);
		if (ps[i]->sh_type != SHT_PROGBITS || !(ps[i]->sh_flags & SHF_ALLOC)) {
			stub_fail(&e, "%s is not a loaded section", name);
			goto done;
		}
		if (i != PAYLOAD_SLOT_CMDLINE && ps[i]->sh_size) {
			stub_fail(&e, "%s holds 0x%llx bytes: a stub's payload is empty", name,
			     (unsigned long long)ps[i]->sh_size);
			goto done;
		}
		if (ps[i]->sh_addr + ps[i]->sh_size > stub_end)
			stub_end = ps[i]->sh_addr + ps[i]->sh_size;
	}
	uint64_t rbase = ps[PAYLOAD_SLOT_CMDLINE]->sh_addr;
	if (pack_layout(fl, kl, rbase, p, why, why_len))
		goto done;
	/* Nothing of the shim may follow R in the image the loader or the
	 * flash holds: the payload grows there. */
	for (size_t i = 0; i < e.shnum; i++) {
		const Elf64_Shdr *s = &e.sh[i];
		bool payload = !strncmp(sec_name(&e, s), ".payload.", 9);
		if (!payload && loaded(s) && s->sh_size && lma(&e, s) + s->sh_size > rbase &&
		    lma(&e, s) < stub_end) {
			stub_fail(&e, "section %s at 0x%llx lies in the payload's place after 0x%llx",
			     sec_name(&e, s), (unsigned long long)lma(&e, s),
			     (unsigned long long)rbase);
			goto done;
		}
	}

	/* The output: the stub's bytes, its payload sections' zeroed. */
	if (grow(&e, stub_len))
		goto done;
	memcpy(e.f, stub, stub_len);
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++)
		memset(e.f + ps[i]->sh_offset, 0, ps[i]->sh_size);

	/* payload_table: each slot's [start, end), and the RELATIVE
	 * relocations that cover it (shim.img relocates itself). */
	Elf64_Sym *table;
	if (!symbol(&e, "payload_table", &table)) {
		stub_fail(&e, "no payload_table symbol");
		goto done;
	}
	uint64_t taddr = table->st_value, tlen = PAYLOAD_SLOT_COUNT * 2 * sizeof(uint64_t);
	uint8_t *tbytes = at_addr(&e, taddr, tlen);
	if (!tbytes) {
		stub_fail(&e, "payload_table at 0x%llx is not in a loaded section",
		     (unsigned long long)taddr);
		goto done;
	}
	uint64_t tval[PAYLOAD_SLOT_COUNT * 2];
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++) {
		tval[2 * i] = p->addr[i];
		tval[2 * i + 1] = p->addr[i] + p->pl.slot[i].len;
	}
	/* In place: the new value where the stub had its own, 0 where ld
	 * left 0 for the relocation's addend alone (riscv64). */
	uint64_t was[PAYLOAD_SLOT_COUNT * 2];
	memcpy(was, tbytes, tlen);
	for (int k = 0; k < PAYLOAD_SLOT_COUNT * 2; k++)
		if (was[k] || !covered_by_rela(&e, taddr + 8 * (uint64_t)k))
			memcpy(tbytes + 8 * k, &tval[k], 8);
	for (size_t i = 0; i < e.shnum; i++) {
		const Elf64_Shdr *s = &e.sh[i];
		if (s->sh_type != SHT_RELA)
			continue;
		if (s->sh_entsize != sizeof(Elf64_Rela)) {
			stub_fail(&e, "%s: entries of %llu bytes", sec_name(&e, s),
			     (unsigned long long)s->sh_entsize);
			goto done;
		}
		for (uint64_t j = 0; j < s->sh_size / sizeof(Elf64_Rela); j++) {
			Elf64_Rela rel;
			memcpy(&rel, e.f + s->sh_offset + j * sizeof(rel), sizeof(rel));
			if (rel.r_offset < taddr || rel.r_offset - taddr >= tlen)
				continue;
			if ((rel.r_offset - taddr) % sizeof(uint64_t)) {
				stub_fail(&e, "a relocation at 0x%llx inside a payload_table slot",
				     (unsigned long long)rel.r_offset);
				goto done;
			}
			rel.r_addend = (int64_t)tval[(rel.r_offset - taddr) / sizeof(uint64_t)];
			memcpy(e.f + s->sh_offset + j * sizeof(rel), &rel, sizeof(rel));
		}
	}
	/* The payload's symbols say where it now is (for a debugger). */
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++) {
		char name[64];
		Elf64_Sym *sym;
		snprintf(name, sizeof(name), "_payload_%s_start", slot_names[i]);
		if (symbol(&e, name, &sym))
			sym->st_value = p->addr[i];
		snprintf(name, sizeof(name), "_payload_%s_end", slot_names[i]);
		if (symbol(&e, name, &sym))
			sym->st_value = p->addr[i] + p->pl.slot[i].len;
	}

	/* The payload: three PT_LOADs in the order of linker/x86_64-pvh.ld's
	 * PHDRS (head: command line, index, kernel head, DTB; the kernel;
	 * the initrd), each at a file offset congruent to its address. */
	uint64_t rlen = p->end - p->start;
	if (rlen > SIZE_MAX / 2 || !(region = calloc(1, rlen))) {
		stub_fail(&e, "out of memory for a payload of 0x%llx bytes", (unsigned long long)rlen);
		goto done;
	}
	pack_region(p, region);
	uint64_t head_end = p->addr[PAYLOAD_SLOT_DTB] + p->pl.dtb.len;
	const struct {
		uint64_t start, end;
	} seg[3] = {
		{ p->start, head_end },
		{ p->addr[PAYLOAD_SLOT_KERNEL], p->addr[PAYLOAD_SLOT_KERNEL] + p->pl.kernel.len },
		{ p->addr[PAYLOAD_SLOT_INITRD], p->addr[PAYLOAD_SLOT_INITRD] + p->pl.initrd.len },
	};
	uint64_t seg_off[3];
	for (int i = 0; i < 3; i++) {
		uint64_t off = e.len;
		off = (off + PAGE - 1) / PAGE * PAGE + seg[i].start % PAGE;
		if (grow(&e, off + (seg[i].end - seg[i].start)))
			goto done;
		memcpy(e.f + off, region + (seg[i].start - p->start), seg[i].end - seg[i].start);
		seg_off[i] = off;
	}
	/* Each payload section into its segment. */
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++) {
		int g = i == PAYLOAD_SLOT_KERNEL ? 1 : i == PAYLOAD_SLOT_INITRD ? 2 : 0;
		uint64_t a = i == PAYLOAD_SLOT_CMDLINE ? p->start : p->addr[i];
		uint64_t n = i == PAYLOAD_SLOT_CMDLINE ? p->index_addr + PAYLOAD_INDEX_BYTES - p->start :
							 p->pl.slot[i].len;
		ps[i]->sh_addr = a;
		ps[i]->sh_offset = seg_off[g] + (a - seg[g].start);
		ps[i]->sh_size = n;
	}
	/* The stub's PT_LOADs of its empty payload give way to the three. */
	size_t n = 0;
	for (size_t i = 0; i < e.phnum; i++) {
		const Elf64_Phdr *ph = &e.ph[i];
		/* (linker/x86_64-pvh.ld's PHDRS give the empty ones, at 0) */
		bool payload = ph->p_type == PT_LOAD &&
			       ((ph->p_vaddr >= rbase && ph->p_vaddr <= stub_end &&
				 ph->p_vaddr + ph->p_memsz <= stub_end) || !ph->p_memsz);
		if (!payload)
			e.ph[n++] = *ph;
	}
	for (int i = 0; i < 3; i++)
		e.ph[n++] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R,
					  .p_offset = seg_off[i], .p_vaddr = seg[i].start,
					  .p_paddr = seg[i].start,
					  .p_filesz = seg[i].end - seg[i].start,
					  .p_memsz = seg[i].end - seg[i].start, .p_align = PAGE };
	/* The header tables after everything, or the program headers where
	 * they were when they still fit. */
	uint64_t phoff = e.eh.e_phoff;
	if (n > e.phnum) {
		phoff = (e.len + 7) / 8 * 8;
		if (grow(&e, phoff + n * sizeof(Elf64_Phdr)))
			goto done;
	}
	e.phnum = n;
	memcpy(e.f + phoff, e.ph, n * sizeof(Elf64_Phdr));
	if (added_len) {
		Elf64_Shdr *ss = &e.sh[e.eh.e_shstrndx];
		uint64_t off = e.len;
		if (grow(&e, off + e.shstr_len))
			goto done;
		memcpy(e.f + off, e.shstr, e.shstr_len);
		ss->sh_offset = off;
		ss->sh_size = e.shstr_len;
	}
	uint64_t shoff = (e.len + 7) / 8 * 8;
	if (grow(&e, shoff + e.shnum * sizeof(Elf64_Shdr)))
		goto done;
	memcpy(e.f + shoff, e.sh, e.shnum * sizeof(Elf64_Shdr));
	e.eh.e_phoff = phoff;
	e.eh.e_phnum = (uint16_t)n;
	e.eh.e_shoff = shoff;
	e.eh.e_shnum = (uint16_t)e.shnum;
	memcpy(e.f, &e.eh, sizeof(e.eh));

	if (fl->format == PACK_ELF) {
		out->bytes = e.f, out->len = e.len;
		e.f = NULL;
		r = 0;
		goto done;
	}
	uint64_t base = 0;
	if (raw_image(&e, fl, out, &base))
		goto done;
	if (fl->image_size_at) {
		/* The Image header's image_size: from the image's first byte
		 * through the kernel's room (img_entry.S, _kernel_room_end). */
		if (out->len < fl->image_size_at + sizeof(uint64_t)) {
			stub_fail(&e, "raw image of %zu bytes has no Image header", out->len);
			goto done;
		}
		put64(out->bytes + fl->image_size_at, p->kernel_room_end - base);
		uint8_t *h = at_addr(&e, base + fl->image_size_at, sizeof(uint64_t));
		if (h)
			put64(h, p->kernel_room_end - base);
	}
	if (want_elf) {
		out->elf = e.f, out->elf_len = e.len;
		e.f = NULL;
	}
	r = 0;
done:
	free(shstr);
	free(region);
	free(e.f);
	free(e.ph);
	free(e.sh);
	return r;
}
