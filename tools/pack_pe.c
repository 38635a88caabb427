/* bootshim pack's PE/COFF writer (tools/pack.h): a shim.efi stub, its
 * last section .payload holding only the command line's NUL and the
 * payload index (arch/efi/elf_<arch>.lds), grown by the payload; the PE
 * headers follow (VirtualSize, SizeOfRawData, SizeOfInitializedData,
 * SizeOfImage; CheckSum 0, which UEFI loaders do not check and
 * Authenticode leaves out). The image relocates itself with its .rela
 * (gnu-efi's _relocate), whose RELATIVE entries for payload_table get the
 * new addresses as addends. Microsoft's "PE Format": e_lfanew at 0x3c,
 * "PE\0\0", the 20-byte COFF header, the PE32+ optional header, 40-byte
 * section headers. Signing (sbsign) comes after packing. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "payload_index.h"

#define PE_LFANEW 0x3c
#define COFF_HEADER 20
#define COFF_NSECTIONS 2	/* NumberOfSections, from the COFF header */
#define COFF_SYMTAB 8		/* PointerToSymbolTable */
#define COFF_NSYMS 12		/* NumberOfSymbols */
#define COFF_OPTSIZE 16		/* SizeOfOptionalHeader */
#define OPT_MAGIC_PE32PLUS 0x20b
#define OPT_SIZE_OF_INIT_DATA 8
#define OPT_SECTION_ALIGNMENT 32
#define OPT_FILE_ALIGNMENT 36
#define OPT_SIZE_OF_IMAGE 56
#define OPT_CHECKSUM 64
#define OPT_NUM_DIRS 108
#define OPT_DIRS 112
#define DIR_SECURITY 4		/* the certificate table: a signed image */
#define SEC_BYTES 40
#define SEC_VSIZE 8
#define SEC_RVA 12
#define SEC_RAWSIZE 16
#define SEC_RAWPTR 20
#define ELF64_RELA_BYTES 24

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static int stub_fail(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int stub_fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(why, why_len, "stub: ");
	vsnprintf(why + n, why_len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

struct section {
	uint8_t *hdr;		/* in the output */
	uint32_t vsize, rva, raw, ptr;
};

static struct section section_at(uint8_t *h)
{
	return (struct section){ h, le32(h + SEC_VSIZE), le32(h + SEC_RVA), le32(h + SEC_RAWSIZE),
				 le32(h + SEC_RAWPTR) };
}

int pack_pe(const struct pack_flavour *fl, const uint8_t *stub, size_t stub_len,
	    const struct kernel_layout *kl, struct pack_payload *p, const char *allow,
	    struct pack_output *out, char *why, size_t why_len)
{
	if (stub_len < PE_LFANEW + 4 || stub[0] != 'M' || stub[1] != 'Z')
		return stub_fail(why, why_len, "not a PE/COFF file (no MZ header)");
	uint64_t pe = le32(stub + PE_LFANEW);
	if (pe > stub_len || stub_len - pe < 4 + COFF_HEADER || memcmp(stub + pe, "PE\0\0", 4))
		return stub_fail(why, why_len, "no PE signature at e_lfanew 0x%llx", (unsigned long long)pe);
	uint64_t coff = pe + 4, opt = coff + COFF_HEADER;
	uint64_t nsec = (uint64_t)stub[coff + COFF_NSECTIONS] | (uint64_t)stub[coff + COFF_NSECTIONS + 1] << 8;
	uint64_t optsize = (uint64_t)stub[coff + COFF_OPTSIZE] | (uint64_t)stub[coff + COFF_OPTSIZE + 1] << 8;
	uint64_t sh = opt + optsize;
	if (optsize < OPT_DIRS + (DIR_SECURITY + 1) * 8 || sh > stub_len ||
	    nsec * SEC_BYTES > stub_len - sh || !nsec)
		return stub_fail(why, why_len, "PE headers (%llu sections, optional header of %llu bytes) "
			    "outside the file", (unsigned long long)nsec, (unsigned long long)optsize);
	if ((stub[opt] | stub[opt + 1] << 8) != OPT_MAGIC_PE32PLUS)
		return stub_fail(why, why_len, "not PE32+");
	if (le32(stub + opt + OPT_NUM_DIRS) > DIR_SECURITY &&
	    le32(stub + opt + OPT_DIRS + DIR_SECURITY * 8 + 4))
		return stub_fail(why, why_len, "signed (a certificate table): pack the unsigned stub, "
			    "then sign");
	/* objcopy's COFF symbol table (with its string table) after the
	 * sections: no loader reads it, the packed file leaves it out. */
	uint64_t symtab = le32(stub + coff + COFF_SYMTAB);
	uint32_t salign = le32(stub + opt + OPT_SECTION_ALIGNMENT);
	uint32_t falign = le32(stub + opt + OPT_FILE_ALIGNMENT);
	if (!salign || (salign & (salign - 1)) || !falign || (falign & (falign - 1)))
		return stub_fail(why, why_len, "SectionAlignment 0x%x or FileAlignment 0x%x not a power of "
			    "two", salign, falign);

	/* The sections: .payload last in memory and in the file. */
	uint8_t *hdrs = (uint8_t *)stub + sh; /* read only until copied */
	struct section pay = { 0 }, rela = { 0 }, allw = { 0 };
	uint64_t last_rva = 0, last_end = 0;
	for (uint64_t i = 0; i < nsec; i++) {
		struct section s = section_at(hdrs + i * SEC_BYTES);
		if (s.raw && (s.ptr > stub_len || s.raw > stub_len - s.ptr))
			return stub_fail(why, why_len, "section %llu's data at 0x%x+0x%x outside the file",
				    (unsigned long long)i, s.ptr, s.raw);
		char name[9] = "";
		memcpy(name, s.hdr, 8);
		if (!strcmp(name, ".payload"))
			pay = s;
		else if (!strcmp(name, ".rela"))
			rela = s;
		else if (!strcmp(name, ".allow"))
			allw = s;
		if (s.rva >= last_rva)
			last_rva = s.rva;
		if (s.raw && (uint64_t)s.ptr + s.raw > last_end)
			last_end = (uint64_t)s.ptr + s.raw;
	}
	if (!pay.hdr)
		return stub_fail(why, why_len, "no .payload section (a shim.efi linked with its payload "
			    "is no stub)");
	if (pay.rva != last_rva || (uint64_t)pay.ptr + pay.raw != last_end ||
	    (symtab ? symtab < last_end : last_end != stub_len))
		return stub_fail(why, why_len, ".payload (RVA 0x%x, file 0x%x+0x%x) is not the last "
			    "section in memory and in the file of %zu bytes", pay.rva, pay.ptr,
			    pay.raw, stub_len);

	/* The stub's own index, for where its table points now. */
	const uint8_t *ix = pay.raw >= PAYLOAD_INDEX_BYTES ?
		memmem(stub + pay.ptr, pay.raw, PAYLOAD_INDEX_MAGIC, PAYLOAD_INDEX_MAGIC_BYTES) : NULL;
	struct payload_index sx;
	if (!ix || (uint64_t)(ix - stub) + sizeof(sx) > (uint64_t)pay.ptr + pay.raw)
		return stub_fail(why, why_len, "no payload index in .payload");
	memcpy(&sx, ix, sizeof(sx));
	uint64_t ix_rva = pay.rva + (uint64_t)(ix - (stub + pay.ptr));
	if (sx.machine != p->machine)
		return stub_fail(why, why_len, "payload index machine %u, not the arch's %u", sx.machine,
			    p->machine);
	/* payload_table: found by the .rela entries that cover it, each slot
	 * with the stub's slot address as its addend (the image is linked
	 * at 0: addresses are RVAs). */
	uint64_t old[PAYLOAD_SLOT_COUNT * 2];
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++)
		old[2 * i] = ix_rva + (uint64_t)sx.rel[i][0], old[2 * i + 1] = ix_rva + (uint64_t)sx.rel[i][1];
	if (!rela.hdr)
		return stub_fail(why, why_len, "no .rela section");
	uint32_t nrela = (rela.vsize < rela.raw ? rela.vsize : rela.raw) / ELF64_RELA_BYTES;
	const uint8_t *rel0 = stub + rela.ptr;
	uint64_t taddr = 0;
	int found = 0;
	for (uint32_t j = 0; j < nrela; j++) {
		uint64_t t, add;
		memcpy(&t, rel0 + j * ELF64_RELA_BYTES, 8);
		memcpy(&add, rel0 + j * ELF64_RELA_BYTES + 16, 8);
		if (add != old[0])
			continue;
		int k = 1;
		for (; k < PAYLOAD_SLOT_COUNT * 2; k++) {
			bool hit = false;
			for (uint32_t m = 0; m < nrela && !hit; m++) {
				uint64_t o2, a2;
				memcpy(&o2, rel0 + m * ELF64_RELA_BYTES, 8);
				memcpy(&a2, rel0 + m * ELF64_RELA_BYTES + 16, 8);
				hit = o2 == t + 8 * (uint64_t)k && a2 == old[k];
			}
			if (!hit)
				break;
		}
		if (k == PAYLOAD_SLOT_COUNT * 2)
			taddr = t, found++;
	}
	if (found != 1)
		return stub_fail(why, why_len, "payload_table (relocated to the stub's payload "
				 "addresses) found %d times in .rela", found);
	uint64_t toff = UINT64_MAX;
	for (uint64_t i = 0; i < nsec; i++) {
		struct section s = section_at(hdrs + i * SEC_BYTES);
		if (taddr >= s.rva && taddr - s.rva + sizeof(old) <= s.raw &&
		    taddr - s.rva + sizeof(old) <= s.vsize)
			toff = s.ptr + (taddr - s.rva);
	}
	if (toff == UINT64_MAX)
		return stub_fail(why, why_len, "payload_table at RVA 0x%llx is not in the file",
				 (unsigned long long)taddr);

	if (pack_layout(fl, kl, pay.rva, p, why, why_len))
		return -1;
	uint64_t rlen = p->end - p->start;
	uint64_t raw = (rlen + falign - 1) / falign * falign;
	uint64_t size_of_image = (pay.rva + rlen + salign - 1) / salign * salign;
	if (size_of_image > UINT32_MAX || raw > UINT32_MAX)
		return stub_fail(why, why_len, "a payload of 0x%llx bytes exceeds a PE image's 4 GiB",
			    (unsigned long long)rlen);
	out->len = pay.ptr + raw;
	if (!(out->bytes = calloc(1, out->len)))
		return stub_fail(why, why_len, "out of memory for %zu bytes", out->len);
	uint8_t *o = out->bytes;
	memcpy(o, stub, pay.ptr);
	pack_region(p, o + pay.ptr);

	/* payload_table and its relocations (gnu-efi's _relocate: x86_64
	 * adds the load address to the value in place, aarch64 and riscv64
	 * store it plus the addend). */
	uint64_t tval[PAYLOAD_SLOT_COUNT * 2];
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++)
		tval[2 * i] = p->addr[i], tval[2 * i + 1] = p->addr[i] + p->pl.slot[i].len;
	/* In place: the new value where the stub had its own (x86_64, aarch64
	 * ld writes it), 0 where it had 0 (riscv64's: the addend alone). */
	for (int k = 0; k < PAYLOAD_SLOT_COUNT * 2; k++) {
		uint64_t was;
		memcpy(&was, stub + toff + 8 * k, 8);
		if (was)
			memcpy(o + toff + 8 * k, &tval[k], 8);
	}
	int covered = 0;
	if (rela.hdr) {
		uint32_t n = rela.vsize < rela.raw ? rela.vsize : rela.raw;
		for (uint32_t j = 0; j + ELF64_RELA_BYTES <= n; j += ELF64_RELA_BYTES) {
			uint8_t *r = o + rela.ptr + j;
			uint64_t off;
			memcpy(&off, r, sizeof(off));
			if (off >= taddr && off - taddr < sizeof(tval) && !((off - taddr) % 8)) {
				memcpy(r + 16, &tval[(off - taddr) / 8], 8);
				covered++;
			}
		}
	}
	if (covered != PAYLOAD_SLOT_COUNT * 2) {
		free(out->bytes);
		return stub_fail(why, why_len, ".rela covers %d of payload_table's %d slots", covered,
			    PAYLOAD_SLOT_COUNT * 2);
	}

	/* .allow: the words, NUL-terminated, in the stub's room. */
	size_t alen = strlen(allow);
	if (!allw.hdr || !allw.raw || alen + 1 > (allw.vsize < allw.raw ? allw.vsize : allw.raw)) {
		free(out->bytes);
		if (!allw.hdr)
			return stub_fail(why, why_len, "no .allow section");
		snprintf(why, why_len, "CMDLINE_ALLOW='%s': %zu bytes exceed the .allow section's "
			 "%u", allow, alen + 1, allw.vsize);
		return -1;
	}
	memset(o + allw.ptr, 0, allw.vsize < allw.raw ? allw.vsize : allw.raw);
	memcpy(o + allw.ptr, allow, alen);

	/* The headers: .payload's sizes, the image's. */
	uint8_t *ph = o + (pay.hdr - stub);
	put32(ph + SEC_VSIZE, (uint32_t)rlen);
	put32(ph + SEC_RAWSIZE, (uint32_t)raw);
	uint32_t init = le32(o + opt + OPT_SIZE_OF_INIT_DATA);
	put32(o + opt + OPT_SIZE_OF_INIT_DATA, init - pay.raw + (uint32_t)raw);
	put32(o + opt + OPT_SIZE_OF_IMAGE, (uint32_t)size_of_image);
	put32(o + opt + OPT_CHECKSUM, 0);
	put32(o + coff + COFF_SYMTAB, 0);
	put32(o + coff + COFF_NSYMS, 0);
	return 0;
}
