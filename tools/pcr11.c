/* bootshim-pcr11: the PCR 11 value a boot of a built shim leaves in a
 * reset TPM, computed by the shim's own shim/measure.c from the payload
 * found in the file through its payload index (shim/payload_index.h).
 *
 *   bootshim-pcr11 FILE            one line: the lowercase hex value
 *   bootshim-pcr11 --events FILE   each event (PCR, type, digest, data),
 *                                  then the value
 *
 * FILE is any flavour: shim.elf, shim.rom.elf, shim.img.elf, shim.efi.so
 * (ELF: the index's address mapped through the PT_LOAD program headers),
 * shim.efi (PE: through the section table), shim.img or shim.rom (raw:
 * addresses are file offsets). The build writes $(O)/<arch>/pcr11.txt
 * with it and checks that every flavour gives the same value. */
#define _GNU_SOURCE /* memmem */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../shim/measure.h"
#include "../shim/payload_index.h"

static const char *path;

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "bootshim-pcr11: error: %s: ", path);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint8_t *file;
static size_t file_len;

static void read_all(void)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open: %s", strerror(errno));
	size_t cap = 1 << 20;
	file = malloc(cap);
	for (size_t got; file && (got = fread(file + file_len, 1, cap - file_len, f)) > 0;) {
		file_len += got;
		if (file_len == cap)
			file = realloc(file, cap *= 2);
	}
	if (!file || ferror(f))
		die("cannot read");
	fclose(f);
}

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The file's address space: regions [addr, addr+len) stored at off. */
struct region {
	uint64_t addr, len, off;
};
static struct region reg[256];
static size_t n_reg;
static const char *format;

static void add(uint64_t addr, uint64_t len, uint64_t off)
{
	if (n_reg == sizeof(reg) / sizeof(reg[0]))
		die("more than %zu %s regions", n_reg, format);
	if (off > file_len || len > file_len - off)
		die("%s region at file offset 0x%llx+0x%llx runs past the file's %zu bytes", format,
		    (unsigned long long)off, (unsigned long long)len, file_len);
	reg[n_reg++] = (struct region){ addr, len, off };
}

static void map_elf(void)
{
	format = "ELF";
	if (file_len < sizeof(Elf64_Ehdr) || file[EI_CLASS] != ELFCLASS64 || file[EI_DATA] != ELFDATA2LSB)
		die("not a 64-bit little-endian ELF file");
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > file_len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > file_len - eh->e_phoff)
		die("ELF program headers outside the file");
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, file + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD && ph.p_filesz)
			add(ph.p_vaddr, ph.p_filesz, ph.p_offset);
	}
}

/* PE/COFF (Microsoft PE format): e_lfanew at 0x3c, "PE\0\0", the COFF
 * header, the optional header, then 40-byte section headers. */
static void map_pe(void)
{
	format = "PE";
	uint64_t pe = le(file + 0x3c, 4);
	if (pe > file_len || file_len - pe < 24 || memcmp(file + pe, "PE\0\0", 4))
		die("no PE signature at e_lfanew 0x%llx", (unsigned long long)pe);
	uint64_t n = le(file + pe + 6, 2), opt = le(file + pe + 20, 2);
	uint64_t sh = pe + 24 + opt;
	if (sh > file_len || n * 40 > file_len - sh)
		die("PE section table (%llu sections) outside the file", (unsigned long long)n);
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *s = file + sh + i * 40;
		uint64_t vsize = le(s + 8, 4), rva = le(s + 12, 4), raw = le(s + 16, 4),
			 off = le(s + 20, 4);
		uint64_t len = vsize && vsize < raw ? vsize : raw;
		if (len)
			add(rva, len, off);
	}
}

/* A file offset's address, and an address range's file offset. */
static bool to_addr(uint64_t off, uint64_t *addr)
{
	for (size_t i = 0; i < n_reg; i++)
		if (off >= reg[i].off && off - reg[i].off < reg[i].len) {
			*addr = reg[i].addr + (off - reg[i].off);
			return true;
		}
	return false;
}

static bool to_off(uint64_t addr, uint64_t len, uint64_t *off)
{
	for (size_t i = 0; i < n_reg; i++)
		if (addr >= reg[i].addr && addr - reg[i].addr <= reg[i].len &&
		    len <= reg[i].len - (addr - reg[i].addr)) {
			*off = reg[i].off + (addr - reg[i].addr);
			return true;
		}
	return false;
}

static const char *const blob_name[PAYLOAD_INDEX_BLOBS] = { "kernel_head", "kernel", "initrd",
							    "cmdline", "dtb" };

/* The blobs of the index at file offset `at`; false if it is no index
 * (a chance match of the magic), with the reason in why. */
static bool read_index(uint64_t at, struct payload *pl, char *why, size_t why_len)
{
	struct payload_index ix;
	uint64_t base;
	struct blob b[PAYLOAD_INDEX_BLOBS];
	if (file_len - at < sizeof(ix) || !to_addr(at, &base)) {
		snprintf(why, why_len, "at file offset 0x%llx: not mapped", (unsigned long long)at);
		return false;
	}
	memcpy(&ix, file + at, sizeof(ix));
	if (ix.version != PAYLOAD_INDEX_VERSION ||
	    (ix.machine != PAYLOAD_MACHINE_X86_64 && ix.machine != PAYLOAD_MACHINE_AARCH64)) {
		snprintf(why, why_len, "at file offset 0x%llx: version %u, machine %u",
			 (unsigned long long)at, ix.version, ix.machine);
		return false;
	}
	for (int i = 0; i < PAYLOAD_INDEX_BLOBS; i++) {
		int64_t s = ix.rel[i][0], e = ix.rel[i][1];
		uint64_t off = 0;
		if (e < s || (e > s && !to_off(base + (uint64_t)s, (uint64_t)(e - s), &off))) {
			snprintf(why, why_len, "at file offset 0x%llx: %s [%lld, %lld) from the index "
				 "is not in the file", (unsigned long long)at, blob_name[i],
				 (long long)s, (long long)e);
			return false;
		}
		b[i] = (struct blob){ file + off, (uint64_t)(e - s) };
	}
	/* The command line ends with the NUL the build appended. */
	if (!b[3].len || b[3].start[b[3].len - 1]) {
		snprintf(why, why_len, "at file offset 0x%llx: the command line has no NUL",
			 (unsigned long long)at);
		return false;
	}
	*pl = (struct payload){ .kernel_head = b[0], .kernel = b[1], .initrd = b[2],
				.cmdline = { b[3].start, b[3].len - 1 }, .dtb = b[4] };
	return true;
}

static void hex(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", d[i]);
}

int main(int argc, char **argv)
{
	bool events = argc == 3 && !strcmp(argv[1], "--events");
	if (argc != 2 + events) {
		fprintf(stderr, "usage: %s [--events] SHIM\n"
			"  SHIM: shim.elf, shim.rom, shim.img, shim.efi or their .elf/.so\n",
			argv[0]);
		return 2;
	}
	path = argv[1 + events];
	read_all();
	if (file_len >= 4 && !memcmp(file, ELFMAG, SELFMAG))
		map_elf();
	else if (file_len >= 0x40 && file[0] == 'M' && file[1] == 'Z')
		map_pe();
	else
		format = "raw", add(0, file_len, 0);

	struct payload pl;
	char why[256] = "no payload index (\"" PAYLOAD_INDEX_MAGIC "\") in the file";
	bool found = false;
	for (const uint8_t *p = file; !found && (p = memmem(p, file_len - (size_t)(p - file),
							    PAYLOAD_INDEX_MAGIC,
							    PAYLOAD_INDEX_MAGIC_BYTES));
	     p++)
		found = read_index((uint64_t)(p - file), &pl, why, sizeof(why));
	if (!found)
		die("%s image: %s", format, why);

	uint8_t pcr[SHA256_BYTES];
	if (events) {
		struct measure_event ev[MEASURE_PAYLOAD_MAX];
		size_t n = measure_payload_events(&pl, ev);
		for (size_t i = 0; i < n; i++) {
			uint8_t d[SHA256_BYTES];
			uint64_t len = 0;
			measure_digest(&ev[i], d);
			for (size_t j = 0; j < ev[i].n_part; j++)
				len += ev[i].part[j].len;
			printf("PCR %u EV_IPL (0x%x) sha256:", ev[i].pcr, ev[i].type);
			hex(d, sizeof(d));
			printf(" \"%s\" (%llu bytes)\n", ev[i].desc, (unsigned long long)len);
		}
	}
	measure_predict_pcr11(&pl, pcr);
	if (events)
		printf("PCR 11 sha256:");
	hex(pcr, sizeof(pcr));
	putchar('\n');
	return 0;
}
