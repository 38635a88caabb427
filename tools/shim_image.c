/* tools/shim_image.h: the payload index of a built shim, on the host.
 * Every offset and size in the file is checked against the file. */
#define _GNU_SOURCE /* memmem */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "payload_index.h"
#include "shim_image.h"

/* The file's address space: regions [addr, addr+len) stored at off. */
struct region {
	uint64_t addr, len, off;
};
#define MAX_REGIONS 256

struct map {
	const uint8_t *file;
	size_t len;
	struct region reg[MAX_REGIONS];
	size_t n;
	char *why;
	size_t why_len;
};

static int fail(struct map *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct map *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->why, m->why_len, fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

static int add(struct map *m, const char *what, uint64_t addr, uint64_t len, uint64_t off)
{
	if (m->n == MAX_REGIONS)
		return fail(m, "more than %d %s regions", MAX_REGIONS, what);
	if (off > m->len || len > m->len - off)
		return fail(m, "%s at file offset 0x%llx+0x%llx runs past the file's %zu bytes", what,
			    (unsigned long long)off, (unsigned long long)len, m->len);
	m->reg[m->n++] = (struct region){ addr, len, off };
	return 0;
}

static int map_elf(struct map *m)
{
	const uint8_t *f = m->file;
	if (m->len < sizeof(Elf64_Ehdr) || f[EI_CLASS] != ELFCLASS64 || f[EI_DATA] != ELFDATA2LSB)
		return fail(m, "not a 64-bit little-endian ELF file");
	uint64_t phoff = le(f + offsetof(Elf64_Ehdr, e_phoff), 8);
	uint64_t phentsize = le(f + offsetof(Elf64_Ehdr, e_phentsize), 2);
	uint64_t phnum = le(f + offsetof(Elf64_Ehdr, e_phnum), 2);
	if (phentsize != sizeof(Elf64_Phdr) || phoff > m->len ||
	    phnum * sizeof(Elf64_Phdr) > m->len - phoff)
		return fail(m, "ELF program headers (e_phoff 0x%llx, e_phnum %llu) outside the file",
			    (unsigned long long)phoff, (unsigned long long)phnum);
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + i * sizeof(Elf64_Phdr);
		uint64_t filesz = le(ph + offsetof(Elf64_Phdr, p_filesz), 8);
		if (le(ph, 4) == PT_LOAD && filesz &&
		    add(m, "ELF PT_LOAD segment", le(ph + offsetof(Elf64_Phdr, p_vaddr), 8), filesz,
			le(ph + offsetof(Elf64_Phdr, p_offset), 8)))
			return -1;
	}
	return 0;
}

/* PE/COFF (Microsoft's "PE Format"): e_lfanew at 0x3c, "PE\0\0", the
 * 20-byte COFF header, the optional header, then 40-byte section
 * headers (VirtualSize at 8, VirtualAddress 12, SizeOfRawData 16,
 * PointerToRawData 20). */
#define PE_LFANEW 0x3c
#define COFF_HEADER 20
#define PE_SECTION 40

static int map_pe(struct map *m)
{
	if (m->len < PE_LFANEW + 4)
		return fail(m, "MZ file of %zu bytes has no e_lfanew", m->len);
	uint64_t pe = le(m->file + PE_LFANEW, 4);
	if (pe > m->len || m->len - pe < 4 + COFF_HEADER || memcmp(m->file + pe, "PE\0\0", 4))
		return fail(m, "no PE signature at e_lfanew 0x%llx", (unsigned long long)pe);
	uint64_t n = le(m->file + pe + 6, 2), opt = le(m->file + pe + 20, 2);
	uint64_t sh = pe + 4 + COFF_HEADER + opt;
	if (sh > m->len || n * PE_SECTION > m->len - sh)
		return fail(m, "PE section table (%llu sections at 0x%llx) outside the file",
			    (unsigned long long)n, (unsigned long long)sh);
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *s = m->file + sh + i * PE_SECTION;
		uint64_t vsize = le(s + 8, 4), rva = le(s + 12, 4), raw = le(s + 16, 4);
		uint64_t len = vsize && vsize < raw ? vsize : raw;
		if (len && add(m, "PE section", rva, len, le(s + 20, 4)))
			return -1;
	}
	return 0;
}

static bool to_addr(const struct map *m, uint64_t off, uint64_t *addr)
{
	for (size_t i = 0; i < m->n; i++)
		if (off >= m->reg[i].off && off - m->reg[i].off < m->reg[i].len) {
			*addr = m->reg[i].addr + (off - m->reg[i].off);
			return true;
		}
	return false;
}

static bool to_off(const struct map *m, uint64_t addr, uint64_t len, uint64_t *off)
{
	for (size_t i = 0; i < m->n; i++)
		if (addr >= m->reg[i].addr && addr - m->reg[i].addr <= m->reg[i].len &&
		    len <= m->reg[i].len - (addr - m->reg[i].addr)) {
			*off = m->reg[i].off + (addr - m->reg[i].addr);
			return true;
		}
	return false;
}

#define SLOT_NAME(id, name) #name,
static const char *const slot_name[PAYLOAD_SLOT_COUNT] = { PAYLOAD_SLOTS(SLOT_NAME) };

/* The machines a shim is built for. */
static const struct {
	uint32_t machine;
	const char *name;
} machines[] = {
	{ PAYLOAD_MACHINE_X86_64, "x86_64" },
	{ PAYLOAD_MACHINE_AARCH64, "aarch64" },
	{ PAYLOAD_MACHINE_RISCV64, "riscv64" },
};

static bool known_machine(uint32_t machine)
{
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		if (machines[i].machine == machine)
			return true;
	return false;
}

/* The index at file offset `at`; -1 if it is none (a chance match of the
 * magic in some blob), with the reason. */
static int read_index(struct map *m, uint64_t at, struct shim_image *im)
{
	struct payload_index ix;
	uint64_t base;
	struct payload pl;
	if (m->len - at < sizeof(ix) || !to_addr(m, at, &base))
		return fail(m, "index at file offset 0x%llx: not in a loaded part of the file",
			    (unsigned long long)at);
	memcpy(&ix, m->file + at, sizeof(ix));
	if (ix.version != PAYLOAD_INDEX_VERSION)
		return fail(m, "index at file offset 0x%llx: version %u, expected %u",
			    (unsigned long long)at, ix.version, PAYLOAD_INDEX_VERSION);
	if (!known_machine(ix.machine))
		return fail(m, "index at file offset 0x%llx: machine %u is none of x86_64 (%u), "
			    "aarch64 (%u), riscv64 (%u)", (unsigned long long)at, ix.machine,
			    PAYLOAD_MACHINE_X86_64, PAYLOAD_MACHINE_AARCH64, PAYLOAD_MACHINE_RISCV64);
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++) {
		int64_t s = ix.rel[i][0], e = ix.rel[i][1];
		uint64_t off = 0;
		if (e < s || (e > s && !to_off(m, base + (uint64_t)s, (uint64_t)e - (uint64_t)s, &off)))
			return fail(m, "index at file offset 0x%llx: %s [%lld, %lld) from the index is "
				    "not in the file", (unsigned long long)at, slot_name[i],
				    (long long)s, (long long)e);
		pl.slot[i] = (struct blob){ m->file + off, (uint64_t)e - (uint64_t)s };
	}
	/* The command line ends with the NUL the build appended. */
	if (!pl.cmdline.len || pl.cmdline.start[pl.cmdline.len - 1])
		return fail(m, "index at file offset 0x%llx: the command line does not end with a NUL",
			    (unsigned long long)at);
	im->machine = ix.machine;
	im->index_offset = at;
	pl.cmdline.len--;
	im->pl = pl;
	return 0;
}

int shim_image_read(const uint8_t *file, size_t len, struct shim_image *im, char *why,
		    size_t why_len)
{
	struct map m = { .file = file, .len = len, .why = why, .why_len = why_len };
	*im = (struct shim_image){ 0 };
	int r;
	if (len >= SELFMAG && !memcmp(file, ELFMAG, SELFMAG))
		im->format = "ELF", r = map_elf(&m);
	else if (len >= 2 && file[0] == 'M' && file[1] == 'Z')
		im->format = "PE", r = map_pe(&m);
	else
		im->format = "raw", r = add(&m, "raw image", 0, len, 0);
	if (r)
		return -1;
	fail(&m, "no payload index (\"%s\") in the file", PAYLOAD_INDEX_MAGIC);
	/* The first index that holds together: the magic may also occur by
	 * chance inside a blob (an initrd that carries a shim). */
	for (const uint8_t *p = file;
	     (p = memmem(p, len - (size_t)(p - file), PAYLOAD_INDEX_MAGIC, PAYLOAD_INDEX_MAGIC_BYTES));
	     p++)
		if (!read_index(&m, (uint64_t)(p - file), im))
			return 0;
	return -1;
}
