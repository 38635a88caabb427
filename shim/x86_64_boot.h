/* The x86 Linux boot protocol (Documentation/arch/x86/boot.rst): the setup
 * header, the zero page, and the pure functions that read and fill them. */
#ifndef BOOTSHIM_X86_BOOT_H
#define BOOTSHIM_X86_BOOT_H

#include "memmap.h"

struct platform_efi;

#define X86_64_SETUP_HDR_OFFSET 0x1f1
#define X86_64_BOOT_FLAG 0xaa55
#define X86_64_HDR_MAGIC 0x53726448 /* "HdrS" */
#define X86_64_MIN_PROTOCOL 0x020c	 /* 2.12: xloadflags, 64-bit entry */

#define LOADED_HIGH (1u << 0)
#define XLF_KERNEL_64 (1u << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)

/* setup_data types (arch/x86/include/uapi/asm/setup_data.h). */
#define SETUP_E820_EXT 1
#define SETUP_RNG_SEED 9
#define E820_MAX_ENTRIES_ZEROPAGE 128

/* "The 64-bit entry point is at startup_64 ... the 32-bit entry plus 0x200." */
#define X86_64BIT_ENTRY_OFFSET 0x200

struct __attribute__((packed)) setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;
	uint16_t jump;
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;
	uint8_t loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start;
	uint32_t ramdisk_image;
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
};

struct __attribute__((packed)) boot_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct __attribute__((packed)) setup_data {
	uint64_t next;
	uint32_t type;
	uint32_t len;
	uint8_t data[];
};

struct __attribute__((packed)) efi_info {
	uint32_t efi_loader_signature;
	uint32_t efi_systab;
	uint32_t efi_memdesc_size;
	uint32_t efi_memdesc_version;
	uint32_t efi_memmap;
	uint32_t efi_memmap_size;
	uint32_t efi_systab_hi;
	uint32_t efi_memmap_hi;
};

/* include/uapi/linux/screen_info.h, for an EFI framebuffer. */
struct __attribute__((packed)) screen_info {
	uint8_t orig_x, orig_y;		/* 0x00 */
	uint16_t ext_mem_k;		/* 0x02 */
	uint16_t orig_video_page;	/* 0x04 */
	uint8_t orig_video_mode;	/* 0x06 */
	uint8_t orig_video_cols;	/* 0x07 */
	uint8_t flags;			/* 0x08 */
	uint8_t unused2;		/* 0x09 */
	uint16_t orig_video_ega_bx;	/* 0x0a */
	uint16_t unused3;		/* 0x0c */
	uint8_t orig_video_lines;	/* 0x0e */
	uint8_t orig_video_isVGA;	/* 0x0f */
	uint16_t orig_video_points;	/* 0x10 */
	uint16_t lfb_width;		/* 0x12 */
	uint16_t lfb_height;		/* 0x14 */
	uint16_t lfb_depth;		/* 0x16 */
	uint32_t lfb_base;		/* 0x18 */
	uint32_t lfb_size;		/* 0x1c */
	uint16_t cl_magic, cl_offset;	/* 0x20 */
	uint16_t lfb_linelength;	/* 0x24 */
	uint8_t red_size, red_pos;	/* 0x26 */
	uint8_t green_size, green_pos;	/* 0x28 */
	uint8_t blue_size, blue_pos;	/* 0x2a */
	uint8_t rsvd_size, rsvd_pos;	/* 0x2c */
	uint16_t vesapm_seg, vesapm_off; /* 0x2e */
	uint16_t pages;			/* 0x32 */
	uint16_t vesa_attributes;	/* 0x34 */
	uint32_t capabilities;		/* 0x36 */
	uint32_t ext_lfb_base;		/* 0x3a */
	uint8_t _reserved[2];		/* 0x3e */
};

#define VIDEO_TYPE_EFI 0x70
#define VIDEO_CAPABILITY_64BIT_BASE (1u << 1)
#define EFI64_LOADER_SIGNATURE 0x34364c45 /* "EL64" */

/* The zero page. Only the fields bootshim fills are named; the rest is
 * padding with the spec's offsets checked below. */
struct __attribute__((packed)) boot_params {
	struct screen_info screen_info;		/* 0x000 */
	uint8_t apm_bios_info[0x14];		/* 0x040 */
	uint8_t _pad2[4];			/* 0x054 */
	uint64_t tboot_addr;			/* 0x058 */
	uint8_t ist_info[0x10];			/* 0x060 */
	uint64_t acpi_rsdp_addr;		/* 0x070 */
	uint8_t _pad3[8];			/* 0x078 */
	uint8_t hd0_info[16];			/* 0x080 */
	uint8_t hd1_info[16];			/* 0x090 */
	uint8_t sys_desc_table[0x10];		/* 0x0a0 */
	uint8_t olpc_ofw_header[0x10];		/* 0x0b0 */
	uint32_t ext_ramdisk_image;		/* 0x0c0 */
	uint32_t ext_ramdisk_size;		/* 0x0c4 */
	uint32_t ext_cmd_line_ptr;		/* 0x0c8 */
	uint8_t _pad4[112];			/* 0x0cc */
	uint32_t cc_blob_address;		/* 0x13c */
	uint8_t edid_info[0x80];		/* 0x140 */
	struct efi_info efi_info;		/* 0x1c0 */
	uint32_t alt_mem_k;			/* 0x1e0 */
	uint32_t scratch;			/* 0x1e4 */
	uint8_t e820_entries;			/* 0x1e8 */
	uint8_t eddbuf_entries;			/* 0x1e9 */
	uint8_t edd_mbr_sig_buf_entries;	/* 0x1ea */
	uint8_t kbd_status;			/* 0x1eb */
	uint8_t secure_boot;			/* 0x1ec */
	uint8_t _pad5[2];			/* 0x1ed */
	uint8_t sentinel;			/* 0x1ef */
	uint8_t _pad6[1];			/* 0x1f0 */
	struct setup_header hdr;		/* 0x1f1 */
	uint8_t _pad7[0x290 - 0x1f1 - sizeof(struct setup_header)];
	uint32_t edd_mbr_sig_buffer[16];	/* 0x290 */
	struct boot_e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE]; /* 0x2d0 */
	uint8_t _pad8[48];			/* 0xcd0 */
	uint8_t eddbuf[6 * 82];			/* 0xd00 */
	uint8_t _pad9[276];			/* 0xeec */
};

/* What bootshim needs to know of a kernel, validated. */
struct x86_64_kernel {
	struct setup_header hdr;	/* as in the file, up to the kernel's own length */
	size_t hdr_len;			/* bytes of hdr the kernel defines */
	uint64_t setup_bytes;		/* real-mode part: (setup_sects + 1) * 512 */
	uint64_t body_bytes;		/* protected-mode part that follows it */
	uint64_t reserve;		/* memory at the load address: max(body, init_size) */
	uint64_t align;			/* load address alignment */
	uint64_t min_addr;		/* lowest load address (pref_address) */
	bool relocatable;
	uint64_t initrd_max;		/* initrd must end at or below this (exclusive end) */
	bool initrd_above_4g;		/* XLF_CAN_BE_LOADED_ABOVE_4G */
	uint32_t cmdline_max;		/* command line bytes without the NUL */
};

/* Bytes of real-mode setup (boot sector included) that setup_sects means. */
uint64_t x86_64_setup_bytes(uint8_t setup_sects);

/* Parse and validate a bzImage's setup header. `buf` holds at least the
 * setup part (buf_len bytes of it are readable); file_len is the size of the
 * whole bzImage. Every field is checked before it is used. */
int x86_64_parse_kernel(const uint8_t *buf, size_t buf_len, uint64_t file_len,
		     struct x86_64_kernel *k, struct error *e);

/* Bytes the zero page allocation needs for an e820 table of n entries and
 * a seed of seed_len bytes: the page itself, then a SETUP_E820_EXT
 * setup_data for entries past 128 and a SETUP_RNG_SEED one for the seed. */
uint64_t x86_64_zero_page_bytes(size_t n_e820, size_t seed_len);

struct x86_64_boot_info {
	uint64_t kernel_addr;		/* where the protected-mode part is */
	uint64_t cmdline_addr;
	uint64_t initrd_addr, initrd_size;
	uint64_t rsdp;			/* 0: none known */
	uint64_t zero_page_addr;	/* physical address of `zp` */
	const struct platform_efi *efi;	/* UEFI boot: efi_info etc.; NULL: none */
	const uint8_t *seed;		/* entropy for SETUP_RNG_SEED */
	size_t seed_len;		/* 0: none */
};

/* Fill the zero page at zp (zp_bytes long, from x86_64_zero_page_bytes) for
 * the kernel k, with the final memory map, and chain the setup_data nodes
 * that follow it in the same allocation. */
int x86_64_fill_zero_page(void *zp, uint64_t zp_bytes, const struct x86_64_kernel *k,
		       const struct memmap *e820, const struct x86_64_boot_info *bi,
		       struct error *e);

#endif
