/* bootshim inspect FILE: what a shim carries, read from the file alone.
 *
 * The payload comes from the shim's payload index (tools/shim_image.c,
 * the same reader bootshim-pcr11 uses); the kernel's header is read by
 * the shim's own parsers (shim/x86_64_boot.c, aarch64_image.c,
 * riscv64_image.c), the DTB by libfdt (shim/fdt.c's dt_check), PCR 11 by
 * shim/measure.c. Everything else (the flavour, the stub's version, the
 * PE's .sbat, .allow and signature) is read here from the file's own
 * headers, each offset checked against the file.
 *
 * Exit status: 0 a shim, described; 1 a usage or I/O error; 2 FILE is not
 * a shim (no payload index that holds together). */
#define _GNU_SOURCE /* memmem */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aarch64_image.h"
#include "bootshim.h"
#include "fdt.h"
#include "measure.h"
#include "riscv64_image.h"
#include "sha256.h"
#include "shim_image.h"
#include "x86_64_boot.h"

#define EXIT_NOT_A_SHIM 2

static const char *path;

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The whole file, or NULL with errno. */
static uint8_t *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf = malloc(cap);
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += got;
		if (n == cap) {
			uint8_t *more = realloc(buf, cap *= 2);
			if (!more)
				free(buf);
			buf = more;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static void hex(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", d[i]);
}

/* Text from the file, printed safely: printable ASCII as is, the rest as
 * \xNN, at most max bytes. */
static void text(const uint8_t *s, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max; i++)
		if (s[i] >= ' ' && s[i] <= '~' && s[i] != '\\')
			putchar(s[i]);
		else
			printf("\\x%02x", s[i]);
	if (n > max)
		printf("...");
}

/* A NUL-terminated string starting at s, at most `avail` bytes readable:
 * its length, or -1 if no NUL is there. */
static long cstr_len(const uint8_t *s, size_t avail)
{
	const uint8_t *nul = memchr(s, 0, avail);
	return nul ? nul - s : -1;
}

/* ---------------------------------------------------------------- flavour */

/* PE/COFF (Microsoft's "PE Format"): e_lfanew at 0x3c, "PE\0\0", the
 * 20-byte COFF header (Machine at 0, NumberOfSections at 2,
 * SizeOfOptionalHeader at 16), the optional header, then 40-byte section
 * headers (Name 8 bytes, VirtualSize at 8, SizeOfRawData 16,
 * PointerToRawData 20). */
#define PE_LFANEW 0x3c
#define PE_SIGNATURE_BYTES 4
#define COFF_HEADER_BYTES 20
#define COFF_MACHINE 0
#define COFF_NSECTIONS 2
#define COFF_OPT_SIZE 16
#define PE_SECTION_BYTES 40
#define PE_SECTION_NAME_BYTES 8
#define PE_SECTION_VSIZE 8
#define PE_SECTION_RAW_SIZE 16
#define PE_SECTION_RAW_PTR 20
/* The PE32+ optional header: Magic 0x20b, NumberOfRvaAndSizes at 108, the
 * data directories (8 bytes each) from 112; "The Certificate Table
 * entry points to a table of attribute certificates ... the address is a
 * file pointer", directory 4. */
#define PE32PLUS_MAGIC 0x20b
#define PE32PLUS_NDIRS 108
#define PE32PLUS_DIRS 112
#define PE_DIR_SECURITY 4
#define PE_DIR_BYTES 8
/* WIN_CERTIFICATE: dwLength, wRevision, wCertificateType, then the
 * certificate; entries are "quadword aligned". */
#define WIN_CERT_HEADER_BYTES 8
#define WIN_CERT_ALIGN 8
#define WIN_CERT_TYPE_PKCS_SIGNED_DATA 0x0002
/* COFF Machine values. */
#define IMAGE_FILE_MACHINE_AMD64 0x8664
#define IMAGE_FILE_MACHINE_ARM64 0xaa64
#define IMAGE_FILE_MACHINE_RISCV64 0x5064

struct pe {
	bool ok;
	uint16_t machine;
	const uint8_t *sections;	/* the section table */
	uint64_t nsections;
	uint64_t security_off, security_len; /* the certificate table, 0 if none */
};

static struct pe pe_read(const uint8_t *f, size_t len)
{
	struct pe pe = { 0 };
	if (len < PE_LFANEW + 4)
		return pe;
	uint64_t at = le(f + PE_LFANEW, 4);
	if (at > len || len - at < PE_SIGNATURE_BYTES + COFF_HEADER_BYTES ||
	    memcmp(f + at, "PE\0\0", PE_SIGNATURE_BYTES))
		return pe;
	const uint8_t *coff = f + at + PE_SIGNATURE_BYTES;
	uint64_t opt_off = at + PE_SIGNATURE_BYTES + COFF_HEADER_BYTES;
	uint64_t opt_size = le(coff + COFF_OPT_SIZE, 2);
	pe.machine = le(coff + COFF_MACHINE, 2);
	pe.nsections = le(coff + COFF_NSECTIONS, 2);
	uint64_t sh = opt_off + opt_size;
	if (sh > len || pe.nsections * PE_SECTION_BYTES > len - sh)
		return pe;
	pe.sections = f + sh;
	const uint8_t *opt = f + opt_off;
	if (opt_size >= PE32PLUS_DIRS && le(opt, 2) == PE32PLUS_MAGIC &&
	    le(opt + PE32PLUS_NDIRS, 4) > PE_DIR_SECURITY &&
	    opt_size >= PE32PLUS_DIRS + (PE_DIR_SECURITY + 1) * PE_DIR_BYTES) {
		const uint8_t *d = opt + PE32PLUS_DIRS + PE_DIR_SECURITY * PE_DIR_BYTES;
		pe.security_off = le(d, 4);
		pe.security_len = le(d + 4, 4);
	}
	pe.ok = true;
	return pe;
}

/* A section's bytes in the file (its raw size, or its virtual size where
 * that is smaller: the rest is the file's alignment padding), or NULL. */
static const uint8_t *pe_section(const struct pe *pe, const uint8_t *f, size_t len,
				 const char *name, uint64_t *size)
{
	for (uint64_t i = 0; i < pe->nsections; i++) {
		const uint8_t *s = pe->sections + i * PE_SECTION_BYTES;
		if (strnlen((const char *)s, PE_SECTION_NAME_BYTES) != strlen(name) ||
		    memcmp(s, name, strlen(name)))
			continue;
		uint64_t vsize = le(s + PE_SECTION_VSIZE, 4), raw = le(s + PE_SECTION_RAW_SIZE, 4);
		uint64_t off = le(s + PE_SECTION_RAW_PTR, 4);
		uint64_t n = vsize && vsize < raw ? vsize : raw;
		if (off > len || n > len - off)
			return NULL;
		*size = n;
		return f + off;
	}
	return NULL;
}

static const char *machine_name(uint32_t machine)
{
	switch (machine) {
	case PAYLOAD_MACHINE_X86_64: return "x86_64";
	case PAYLOAD_MACHINE_AARCH64: return "aarch64";
	case PAYLOAD_MACHINE_RISCV64: return "riscv64";
	}
	return "unknown";
}

static uint32_t pe_machine_to_elf(uint16_t m)
{
	switch (m) {
	case IMAGE_FILE_MACHINE_AMD64: return PAYLOAD_MACHINE_X86_64;
	case IMAGE_FILE_MACHINE_ARM64: return PAYLOAD_MACHINE_AARCH64;
	case IMAGE_FILE_MACHINE_RISCV64: return PAYLOAD_MACHINE_RISCV64;
	}
	return 0;
}

/* The PVH entry: an ELF note of owner "Xen", type XEN_ELFNOTE_PHYS32_ENTRY
 * (xen/include/public/elfnote.h: 18), whose descriptor is the 32-bit entry
 * address. Returns true and the entry if the file has one. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define ELF_NOTE_ALIGN 4

static bool pvh_entry(const uint8_t *f, size_t len, uint32_t *entry)
{
	if (len < sizeof(Elf64_Ehdr) || f[EI_CLASS] != ELFCLASS64)
		return false;
	uint64_t phoff = le(f + offsetof(Elf64_Ehdr, e_phoff), 8);
	uint64_t phnum = le(f + offsetof(Elf64_Ehdr, e_phnum), 2);
	if (le(f + offsetof(Elf64_Ehdr, e_phentsize), 2) != sizeof(Elf64_Phdr) || phoff > len ||
	    phnum * sizeof(Elf64_Phdr) > len - phoff)
		return false;
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + i * sizeof(Elf64_Phdr);
		if (le(ph + offsetof(Elf64_Phdr, p_type), 4) != PT_NOTE)
			continue;
		uint64_t off = le(ph + offsetof(Elf64_Phdr, p_offset), 8);
		uint64_t n = le(ph + offsetof(Elf64_Phdr, p_filesz), 8);
		if (off > len || n > len - off)
			return false;
		for (uint64_t at = 0; n - at >= sizeof(Elf64_Nhdr);) {
			const uint8_t *nh = f + off + at;
			uint64_t namesz = le(nh, 4), descsz = le(nh + 4, 4), type = le(nh + 8, 4);
			uint64_t name_pad = (namesz + ELF_NOTE_ALIGN - 1) & ~(uint64_t)(ELF_NOTE_ALIGN - 1);
			uint64_t desc_pad = (descsz + ELF_NOTE_ALIGN - 1) & ~(uint64_t)(ELF_NOTE_ALIGN - 1);
			uint64_t body = n - at - sizeof(Elf64_Nhdr);
			if (name_pad > body || desc_pad > body - name_pad)
				break;
			const uint8_t *name = nh + sizeof(Elf64_Nhdr);
			if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 && !memcmp(name, "Xen", 4) &&
			    descsz >= 4) {
				*entry = le(name + name_pad, 4);
				return true;
			}
			at += sizeof(Elf64_Nhdr) + name_pad + desc_pad;
		}
	}
	return false;
}

/* The Image header's magic at 56, which a Linux Image shim.img starts
 * with (arm64: "ARM\x64"; RISC-V: magic2 "RSC\x05"). */
#define IMAGE_MAGIC_OFFSET 56

static bool raw_is_image(const uint8_t *f, size_t len, uint32_t machine)
{
	if (len < IMAGE_MAGIC_OFFSET + 4)
		return false;
	uint32_t magic = le(f + IMAGE_MAGIC_OFFSET, 4);
	return machine == PAYLOAD_MACHINE_AARCH64 ? magic == AARCH64_IMAGE_MAGIC
						   : magic == RISCV64_IMAGE_MAGIC2;
}

/* The ELF of a raw image (a stub, shim.img.elf): is the lowest-addressed
 * PT_LOAD a Linux Image header (shim.img), or not (shim.rom)? */
static bool elf_first_load_is_image(const uint8_t *f, size_t len, uint32_t machine)
{
	if (machine == PAYLOAD_MACHINE_X86_64)
		return false;
	uint64_t phoff = le(f + offsetof(Elf64_Ehdr, e_phoff), 8);
	uint64_t phnum = le(f + offsetof(Elf64_Ehdr, e_phnum), 2);
	if (le(f + offsetof(Elf64_Ehdr, e_phentsize), 2) != sizeof(Elf64_Phdr) || phoff > len ||
	    phnum * sizeof(Elf64_Phdr) > len - phoff)
		return false;
	uint64_t best = UINT64_MAX, off = 0, n = 0;
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + i * sizeof(Elf64_Phdr);
		uint64_t addr = le(ph + offsetof(Elf64_Phdr, p_vaddr), 8);
		if (le(ph + offsetof(Elf64_Phdr, p_type), 4) == PT_LOAD && addr < best) {
			best = addr;
			off = le(ph + offsetof(Elf64_Phdr, p_offset), 8);
			n = le(ph + offsetof(Elf64_Phdr, p_filesz), 8);
		}
	}
	return off <= len && n <= len - off && raw_is_image(f + off, n, machine);
}

/* Has the ELF a section of this name (its section headers and their
 * string table, each checked against the file)? */
static bool elf_has_section(const uint8_t *f, size_t len, const char *name)
{
	uint64_t shoff = le(f + offsetof(Elf64_Ehdr, e_shoff), 8);
	uint64_t shnum = le(f + offsetof(Elf64_Ehdr, e_shnum), 2);
	uint64_t strndx = le(f + offsetof(Elf64_Ehdr, e_shstrndx), 2);
	if (le(f + offsetof(Elf64_Ehdr, e_shentsize), 2) != sizeof(Elf64_Shdr) || shoff > len ||
	    shnum * sizeof(Elf64_Shdr) > len - shoff || strndx >= shnum)
		return false;
	const uint8_t *strsh = f + shoff + strndx * sizeof(Elf64_Shdr);
	uint64_t stroff = le(strsh + offsetof(Elf64_Shdr, sh_offset), 8);
	uint64_t strsize = le(strsh + offsetof(Elf64_Shdr, sh_size), 8);
	if (stroff > len || strsize > len - stroff)
		return false;
	for (uint64_t i = 0; i < shnum; i++) {
		uint64_t at = le(f + shoff + i * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_name), 4);
		if (at < strsize && strnlen((const char *)f + stroff + at, strsize - at) ==
					    strlen(name) &&
		    !memcmp(f + stroff + at, name, strlen(name)))
			return true;
	}
	return false;
}

/* x86_64 shim.rom ends at 4 GiB (the reset vector 16 bytes below). */
#define X86_64_ROM_TOP GiB(4)

static void print_flavour(const uint8_t *f, size_t len, const struct shim_image *im,
			  const struct pe *pe)
{
	const char *arch = machine_name(im->machine);
	uint32_t entry;
	printf("arch: %s\n", arch);
	if (!strcmp(im->format, "PE")) {
		uint32_t pm = pe->ok ? pe_machine_to_elf(pe->machine) : 0;
		printf("flavour: efi (a UEFI application, PE/COFF Machine 0x%04x)\n", pe->machine);
		if (pm != im->machine)
			printf("warning: the PE's Machine 0x%04x is not %s, the payload index's\n",
			       pe->machine, arch);
	} else if (!strcmp(im->format, "ELF")) {
		if (pvh_entry(f, len, &entry))
			printf("flavour: elf (PVH: XEN_ELFNOTE_PHYS32_ENTRY 0x%x)\n", entry);
		else if (elf_first_load_is_image(f, len, im->machine))
			printf("flavour: img, as ELF (a stub, or the shim.img.elf beside a "
			       "packed shim.img: the raw image is made of it)\n");
		else if (elf_has_section(f, len, ".sbat"))
			printf("flavour: efi, as ELF (shim.efi.so: the PE is made of it)\n");
		else
			printf("flavour: rom, as ELF (a stub, or the shim.rom.elf beside a "
			       "packed shim.rom: the raw image is made of it)\n");
	} else if (im->machine == PAYLOAD_MACHINE_X86_64) {
		printf("flavour: rom (firmware, -bios: %zu bytes, mapped at 0x%llx-0x%llx)\n", len,
		       (unsigned long long)(X86_64_ROM_TOP - len),
		       (unsigned long long)(X86_64_ROM_TOP - 1));
	} else if (raw_is_image(f, len, im->machine)) {
		const struct aarch64_image_header *h = (const void *)f; /* same offsets on RISC-V */
		printf("flavour: img (a Linux Image: text_offset 0x%llx, image_size 0x%llx, "
		       "flags 0x%llx)\n", (unsigned long long)h->text_offset,
		       (unsigned long long)h->image_size, (unsigned long long)h->flags);
	} else {
		printf("flavour: rom (firmware, -bios: %zu bytes)\n", len);
	}
}

/* The stub's version: "bootshim <major>.<minor>" with its NUL, as
 * shim/version.h's BOOTSHIM_VERSION reaches the PCR 0 event and UEFI's
 * LoaderInfo, found outside the payload (an initrd may carry any text). */
#define VERSION_PREFIX "bootshim "

static bool in_payload(const struct payload *pl, const uint8_t *p)
{
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++)
		if (p >= pl->slot[i].start && (uint64_t)(p - pl->slot[i].start) < pl->slot[i].len)
			return true;
	return false;
}

static bool version_at(const uint8_t *p, size_t avail)
{
	size_t i = strlen(VERSION_PREFIX), digits = 0, dots = 0;
	for (; i < avail && (p[i] == '.' || (p[i] >= '0' && p[i] <= '9')); i++) {
		if (p[i] == '.')
			dots++;
		else
			digits++;
	}
	return i < avail && !p[i] && digits && dots == 1 && p[strlen(VERSION_PREFIX)] != '.';
}

static void print_version(const uint8_t *f, size_t len, const struct payload *pl)
{
	size_t plen = strlen(VERSION_PREFIX);
	for (const uint8_t *p = f; (p = memmem(p, len - (size_t)(p - f), VERSION_PREFIX, plen));
	     p++) {
		if (!in_payload(pl, p) && version_at(p, len - (size_t)(p - f))) {
			printf("stub version: %s\n", (const char *)p);
			return;
		}
	}
	printf("stub version: unknown (no \"%s<version>\" string outside the payload)\n",
	       VERSION_PREFIX);
}

/* ---------------------------------------------------------------- kernel */

/* xloadflags bits (Documentation/arch/x86/boot.rst, "Field name:
 * xloadflags"), for the names printed beside the value. */
static const char *const xlf_names[] = {
	"XLF_KERNEL_64", "XLF_CAN_BE_LOADED_ABOVE_4G", "XLF_EFI_HANDOVER_32",
	"XLF_EFI_HANDOVER_64", "XLF_EFI_KEXEC", "XLF_5LEVEL", "XLF_5LEVEL_ENABLED",
	"XLF_MEM_ENCRYPTION",
};
/* "kernel_version: If set to a nonzero value, contains a pointer to a
 * NUL-terminated human-readable kernel version number string, less
 * 0x200." */
#define X86_64_KERNEL_VERSION_BIAS 0x200
#define VERSION_MAX 200

static void x86_64_kernel(const struct payload *pl)
{
	struct x86_64_kernel k;
	struct error e;
	const struct blob *head = &pl->kernel_head;
	printf("kernel: %llu bytes (bzImage: %llu bytes of setup, %llu of protected-mode code)\n",
	       (unsigned long long)(head->len + pl->kernel.len), (unsigned long long)head->len,
	       (unsigned long long)pl->kernel.len);
	if (x86_64_parse_kernel(head->start, head->len, head->len + pl->kernel.len, &k, &e)) {
		printf("  check: refused by the shim's parser: %s\n", e.msg);
		return;
	}
	const struct setup_header *h = &k.hdr;
	uint64_t ver = h->kernel_version ? (uint64_t)h->kernel_version + X86_64_KERNEL_VERSION_BIAS
					 : 0;
	long n = ver && ver < head->len ? cstr_len(head->start + ver, head->len - ver) : -1;
	printf("  version: ");
	if (n >= 0)
		text(head->start + ver, (size_t)n, VERSION_MAX);
	else
		printf("unknown (kernel_version 0x%x)", h->kernel_version);
	printf("\n  boot protocol: %u.%02u\n", h->version >> 8, h->version & 0xff);
	printf("  setup_sects: %u\n", h->setup_sects);
	printf("  code32_start: 0x%x\n", h->code32_start);
	printf("  pref_address: 0x%llx\n", (unsigned long long)h->pref_address);
	printf("  init_size: 0x%x\n", h->init_size);
	printf("  kernel_alignment: 0x%x (%s)\n", h->kernel_alignment,
	       k.relocatable ? "relocatable" : "not relocatable");
	printf("  xloadflags: 0x%04x (", h->xloadflags);
	const char *sep = "";
	for (size_t b = 0; b < ARRAY_SIZE(xlf_names); b++)
		if (h->xloadflags & (1u << b)) {
			printf("%s%s", sep, xlf_names[b]);
			sep = " ";
		}
	printf(")\n  cmdline_size: %u\n", h->cmdline_size);
	printf("  initrd_addr_max: 0x%x\n", h->initrd_addr_max);
	printf("  check: accepted by the shim's parser\n");
}

/* An Image kernel's version: "Linux version ..." (init/version.c's
 * linux_banner), which an uncompressed Image carries as text. */
#define LINUX_BANNER "Linux version "

static void image_version(const struct blob *kernel)
{
	const uint8_t *p = memmem(kernel->start, kernel->len, LINUX_BANNER, strlen(LINUX_BANNER));
	printf("  version: ");
	if (!p) {
		printf("unknown (no \"%s\" in the Image)\n", LINUX_BANNER);
		return;
	}
	p += strlen(LINUX_BANNER);
	size_t avail = kernel->len - (size_t)(p - kernel->start), n = 0;
	while (n < avail && p[n] && p[n] != '\n')
		n++;
	text(p, n, VERSION_MAX);
	putchar('\n');
}

/* arm64 booting.rst, "flags field": bit 0 endianness, bits 1-2 the kernel
 * page size, bit 3 physical placement. */
#define AARCH64_FLAG_PAGE_SIZE_MASK 3u

static void aarch64_kernel(const struct payload *pl)
{
	static const char *const page[] = { "unspecified", "4K", "16K", "64K" };
	struct aarch64_kernel k;
	struct error e;
	printf("kernel: %llu bytes (arm64 Image)\n", (unsigned long long)pl->kernel.len);
	image_version(&pl->kernel);
	if (aarch64_parse_kernel(pl->kernel.start, pl->kernel.len, &k, &e)) {
		printf("  check: refused by the shim's parser: %s\n", e.msg);
		return;
	}
	struct aarch64_image_header h;
	memcpy(&h, pl->kernel.start, sizeof(h));
	printf("  text_offset: 0x%llx\n", (unsigned long long)h.text_offset);
	printf("  image_size: 0x%llx%s\n", (unsigned long long)h.image_size,
	       k.assumed ? " (0: a pre-3.17 kernel, 16 MiB assumed)" : "");
	printf("  flags: 0x%llx (%s-endian, %s pages, %s)\n", (unsigned long long)h.flags,
	       h.flags & AARCH64_FLAG_BE ? "big" : "little",
	       page[(h.flags >> AARCH64_FLAG_PAGE_SIZE_SHIFT) & AARCH64_FLAG_PAGE_SIZE_MASK],
	       k.anywhere ? "2 MiB aligned base anywhere" : "as close to the base of DRAM");
	printf("  check: accepted by the shim's parser\n");
}

static void riscv64_kernel(const struct payload *pl)
{
	struct riscv64_kernel k;
	struct error e;
	printf("kernel: %llu bytes (RISC-V Image)\n", (unsigned long long)pl->kernel.len);
	image_version(&pl->kernel);
	if (riscv64_parse_kernel(pl->kernel.start, pl->kernel.len, &k, &e)) {
		printf("  check: refused by the shim's parser: %s\n", e.msg);
		return;
	}
	struct riscv64_image_header h;
	memcpy(&h, pl->kernel.start, sizeof(h));
	printf("  header version: %u.%u\n", h.version >> RISCV64_VERSION_MAJOR_SHIFT,
	       h.version & RISCV64_VERSION_MINOR_MASK);
	printf("  text_offset: 0x%llx\n", (unsigned long long)h.text_offset);
	printf("  image_size: 0x%llx\n", (unsigned long long)h.image_size);
	printf("  flags: 0x%llx (%s-endian)\n", (unsigned long long)h.flags,
	       h.flags & RISCV64_FLAG_BE ? "big" : "little");
	printf("  check: accepted by the shim's parser\n");
}

/* ---------------------------------------------------------------- the rest */

static void print_initrd(const struct blob *b)
{
	uint8_t d[SHA256_BYTES];
	if (!b->len) {
		printf("initrd: none\n");
		return;
	}
	sha256(b->start, b->len, d);
	printf("initrd: %llu bytes, sha256 ", (unsigned long long)b->len);
	hex(d, sizeof(d));
	putchar('\n');
}

/* The command line as embedded, quoted: its own quotes and backslashes
 * escaped, so that the printed form is unambiguous. */
static void print_cmdline(const struct blob *b)
{
	printf("cmdline: \"");
	for (uint64_t i = 0; i < b->len; i++) {
		uint8_t c = b->start[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c >= ' ' && c <= '~')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	printf("\" (%llu bytes)\n", (unsigned long long)b->len);
}

/* A string property of the root node, printed as a list ("a", "b"). */
static void dt_strings(const void *fdt, const char *name)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt, 0, name, &len);
	printf("  %s: ", name);
	if (!p || len <= 0) {
		printf("none\n");
		return;
	}
	const char *sep = "";
	for (int at = 0; at < len;) {
		long n = cstr_len(p + at, (size_t)(len - at));
		if (n < 0)
			n = len - at;
		printf("%s\"", sep);
		text(p + at, (size_t)n, VERSION_MAX);
		putchar('"');
		sep = ", ";
		at += (int)n + 1;
	}
	putchar('\n');
}

static void print_dtb(const struct blob *b)
{
	uint64_t size;
	struct error e;
	if (!b->len) {
		printf("dtb: none (the loader's or the firmware's is used)\n");
		return;
	}
	printf("dtb: %llu bytes\n", (unsigned long long)b->len);
	if (dt_check(b->start, b->len, &size, &e)) {
		printf("  check: refused by the shim's parser: %s\n", e.msg);
		return;
	}
	dt_strings(b->start, "model");
	dt_strings(b->start, "compatible");
}

static void print_pe_parts(const uint8_t *f, size_t len, const struct pe *pe)
{
	uint64_t n;
	const uint8_t *sbat = pe_section(pe, f, len, ".sbat", &n);
	if (!sbat) {
		printf("sbat: none (no .sbat section)\n");
	} else {
		printf("sbat:\n");
		/* CSV lines, up to the first NUL (the section's padding). */
		const uint8_t *end = memchr(sbat, 0, n);
		n = end ? (uint64_t)(end - sbat) : n;
		for (uint64_t at = 0; at < n;) {
			const uint8_t *nl = memchr(sbat + at, '\n', n - at);
			uint64_t line = nl ? (uint64_t)(nl - (sbat + at)) : n - at;
			printf("  ");
			text(sbat + at, line, n);
			putchar('\n');
			at += line + 1;
		}
	}
	const uint8_t *allow = pe_section(pe, f, len, ".allow", &n);
	if (allow) {
		long w = cstr_len(allow, n);
		printf("cmdline allow: ");
		if (w <= 0) {
			printf("none (UEFI load options are ignored under Secure Boot)\n");
		} else {
			putchar('"');
			text(allow, (size_t)w, n);
			printf("\"\n");
		}
	}
}

/* Signed: the certificate table's WIN_CERTIFICATE entries. */
static void print_signed(size_t len, const uint8_t *f, const struct pe *pe)
{
	if (!pe->ok) {
		printf("signed: no (not a PE: only shim.efi is signed)\n");
		return;
	}
	if (!pe->security_len) {
		printf("signed: no (no certificate table)\n");
		return;
	}
	if (pe->security_off > len || pe->security_len > len - pe->security_off) {
		printf("signed: damaged (certificate table 0x%llx+0x%llx runs past the file's "
		       "%zu bytes)\n", (unsigned long long)pe->security_off,
		       (unsigned long long)pe->security_len, len);
		return;
	}
	const uint8_t *t = f + pe->security_off;
	unsigned count = 0, pkcs7 = 0;
	for (uint64_t at = 0; pe->security_len - at >= WIN_CERT_HEADER_BYTES;) {
		uint64_t n = le(t + at, 4);
		if (n < WIN_CERT_HEADER_BYTES || n > pe->security_len - at) {
			printf("signed: damaged (WIN_CERTIFICATE %u: dwLength %llu at table offset "
			       "%llu)\n", count, (unsigned long long)n, (unsigned long long)at);
			return;
		}
		count++;
		pkcs7 += le(t + at + 6, 2) == WIN_CERT_TYPE_PKCS_SIGNED_DATA;
		at += (n + WIN_CERT_ALIGN - 1) & ~(uint64_t)(WIN_CERT_ALIGN - 1);
	}
	printf("signed: %s (%u certificate%s, %u Authenticode, in %llu bytes; "
	       "sbverify --cert CERT checks one)\n", pkcs7 ? "yes" : "no Authenticode", count,
	       count == 1 ? "" : "s", pkcs7, (unsigned long long)pe->security_len);
}

static int usage(FILE *out, int status)
{
	fprintf(out, "usage: bootshim inspect FILE\n"
		"  what a shim (shim.elf, shim.rom, shim.img, shim.efi) carries: arch, flavour,\n"
		"  stub version, kernel and its boot-protocol fields, initrd, command line, DTB,\n"
		"  SBAT, predicted PCR 11, signature\n"
		"exit status: 0 a shim, 1 usage or I/O error, 2 FILE is not a shim\n");
	return status;
}

int bootshim_inspect(int argc, char **argv)
{
	int i = 1;
	if (i < argc && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")))
		return usage(stdout, 0);
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	else if (i < argc && argv[i][0] == '-' && argv[i][1])
		return fprintf(stderr, "bootshim inspect: unknown option %s\n", argv[i]),
		       usage(stderr, 1);
	if (argc - i != 1)
		return usage(stderr, 1);
	path = argv[i];

	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "bootshim inspect: error: %s: cannot open: %s\n", path,
			strerror(errno));
		return 1;
	}
	size_t len = 0;
	uint8_t *f = read_all(fp, &len);
	int err = errno;
	fclose(fp);
	if (!f) {
		fprintf(stderr, "bootshim inspect: error: %s: cannot read: %s\n", path,
			strerror(err));
		return 1;
	}
	struct shim_image im;
	char why[256];
	if (shim_image_read(f, len, &im, why, sizeof(why))) {
		fprintf(stderr, "bootshim inspect: %s: not a shim: %s\n", path, why);
		free(f);
		return EXIT_NOT_A_SHIM;
	}
	const struct payload *pl = &im.pl;
	struct pe pe = { 0 };
	if (!strcmp(im.format, "PE"))
		pe = pe_read(f, len);

	printf("file: %s (%zu bytes, %s)\n", path, len, im.format);
	print_flavour(f, len, &im, &pe);
	print_version(f, len, pl);
	printf("payload index: version %u at file offset 0x%llx\n", PAYLOAD_INDEX_VERSION,
	       (unsigned long long)im.index_offset);
	if (!pl->kernel.len) {
		printf("kernel: none (a payload-free stub: bootshim pack puts one in)\n");
	} else if (im.machine == PAYLOAD_MACHINE_X86_64) {
		x86_64_kernel(pl);
	} else if (im.machine == PAYLOAD_MACHINE_AARCH64) {
		aarch64_kernel(pl);
	} else {
		riscv64_kernel(pl);
	}
	print_initrd(&pl->initrd);
	print_cmdline(&pl->cmdline);
	print_dtb(&pl->dtb);
	if (pe.ok)
		print_pe_parts(f, len, &pe);
	else
		printf("sbat: none (only shim.efi carries .sbat)\n");
	uint8_t pcr[SHA256_BYTES];
	measure_predict_pcr11(pl, pcr);
	printf("pcr11: sha256 ");
	hex(pcr, sizeof(pcr));
	printf(" (after this boot from a reset TPM)\n");
	print_signed(len, f, &pe);
	free(f);
	return fflush(stdout) ? 1 : 0;
}
