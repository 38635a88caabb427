/* bootshim pack's parts (tools/pack.c): the payload laid out for a
 * flavour, and the file writers that put it into a payload-free stub
 * (tools/pack_elf.c: ELF stubs, written as ELF or as a raw image;
 * tools/pack_pe.c: PE/COFF stubs).
 *
 * A stub is the shim linked with an empty payload (arch/payload.S): its
 * payload sections hold only the command line's NUL and the payload
 * index, and they come last in its address space (a ROM's flash or an
 * image's memory), so that the packer places the payload there without
 * moving a byte of the shim. The shim reaches the payload only through
 * payload_table (64-bit addresses in .data), which the packer writes,
 * with the relocations that cover it where the image relocates itself. */
#ifndef BOOTSHIM_PACK_H
#define BOOTSHIM_PACK_H

#include "payload.h"
#include "payload_check.h"

/* How the payload's slots follow one another from the region's start R
 * (the stub's .payload.cmdline), as the linker scripts placed them when
 * the payload was linked in: the command line with its NUL, the index
 * (8-byte aligned), the kernel head, the DTB (8-byte aligned), the initrd
 * at initrd_align, then the kernel by kernel_rule. */
enum kernel_rule {
	KERNEL_ALIGN,		/* at kernel_align */
	KERNEL_X86_64,		/* at or above the bzImage's pref_address, at its alignment */
	KERNEL_IMAGE_2M,	/* a 2 MiB boundary plus the kernel's text_offset */
	/* x86_64 shim.rom: the whole payload by linker/x86_64-rom.ld's rules
	 * (below the shim, which ends at 4 GiB), R unused */
	LAYOUT_X86_64_ROM,
};

/* One row a flavour: its stub, its output format and its layout. */
enum pack_format {
	PACK_ELF,	/* the stub is ELF; the output ELF with the payload's PT_LOADs */
	PACK_RAW,	/* the stub is ELF; the output its raw image (objcopy -O binary) */
	PACK_PE,	/* the stub is PE/COFF; the payload grows its last section */
};

struct pack_flavour {
	const char *arch, *flavour;
	const char *stub;		/* the stub's file name in STUBS/<arch>/ */
	enum pack_format format;
	uint64_t initrd_align;
	enum kernel_rule kernel_rule;
	uint64_t kernel_align;		/* KERNEL_ALIGN's */
	/* Image header image_size (shim.img): the 64-bit field at this file
	 * offset is set to the kernel's room's end from the image's start;
	 * 0: none. */
	uint64_t image_size_at;
	/* the highest address the payload may end at (the linker scripts'
	 * ASSERTs), its message; 0: no limit */
	uint64_t end_max;
	const char *end_max_why;
	/* PACK_RAW: the sections the image holds (objcopy -j), NULL-ended;
	 * NULL: every loaded section */
	const char *const *sections;
};

const struct pack_flavour *pack_flavour_find(const char *arch, const char *flavour);

/* The payload's blobs (the command line with its NUL) and where the
 * layout put each, as addresses in the stub's address space. */
struct pack_payload {
	struct payload pl;		/* the bytes; pl.cmdline.len counts the NUL */
	uint64_t addr[PAYLOAD_SLOT_COUNT];
	uint64_t index_addr;
	uint64_t start, end;		/* the region: from R to the last byte */
	uint64_t kernel_room_end;	/* the kernel's address plus what it reserves */
	uint32_t machine;
};

/* Lay out the payload from R; -1 with why if an address overflows. */
int pack_layout(const struct pack_flavour *fl, const struct kernel_layout *kl, uint64_t r,
		struct pack_payload *p, char *why, size_t why_len);

/* The region's bytes at `out` (p->end - p->start of them, zero-filled by
 * the caller): every slot at its address, the index after the command
 * line. */
void pack_region(const struct pack_payload *p, uint8_t *out);

/* The output: malloc'd bytes. elf: PACK_RAW's packed ELF as well (for
 * make's shim.img.elf, which the boot tests patch), if asked. */
struct pack_output {
	uint8_t *bytes;
	size_t len;
	uint8_t *elf;
	size_t elf_len;
};

/* Each writer: the stub's bytes, the checked payload (its layout done by
 * the writer, from the stub's R) -> out; -1 with why ("stub ...: ..." for
 * a stub that is not what the packer expects). */
int pack_elf(const struct pack_flavour *fl, const uint8_t *stub, size_t stub_len,
	     const struct kernel_layout *kl, struct pack_payload *p, bool want_elf,
	     struct pack_output *out, char *why, size_t why_len);
/* allow: the checked CMDLINE_ALLOW words for .allow ("" for none). */
int pack_pe(const struct pack_flavour *fl, const uint8_t *stub, size_t stub_len,
	    const struct kernel_layout *kl, struct pack_payload *p, const char *allow,
	    struct pack_output *out, char *why, size_t why_len);

/* The .allow section's words (scripts/cmdline-allow.sh's rules, its
 * messages): the checked words joined by one space into out (at most
 * out_len bytes with the NUL); -1 with why. */
int pack_cmdline_allow(const char *value, char *out, size_t out_len, char *why, size_t why_len);

#endif
