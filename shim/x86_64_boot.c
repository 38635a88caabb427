#include "x86_64_boot.h"
#include "platform_efi.h"

_Static_assert(sizeof(struct screen_info) == 0x40, "screen_info");
_Static_assert(__builtin_offsetof(struct screen_info, lfb_base) == 0x18, "lfb_base");
_Static_assert(__builtin_offsetof(struct screen_info, capabilities) == 0x36, "capabilities");
_Static_assert(__builtin_offsetof(struct screen_info, ext_lfb_base) == 0x3a, "ext_lfb_base");

#define CHECK_OFFSET(type, field, off) \
	_Static_assert(__builtin_offsetof(struct type, field) == (off), #field)

_Static_assert(sizeof(struct boot_params) == 4096, "zero page is one page");
CHECK_OFFSET(boot_params, acpi_rsdp_addr, 0x070);
CHECK_OFFSET(boot_params, ext_ramdisk_image, 0x0c0);
CHECK_OFFSET(boot_params, ext_ramdisk_size, 0x0c4);
CHECK_OFFSET(boot_params, ext_cmd_line_ptr, 0x0c8);
CHECK_OFFSET(boot_params, cc_blob_address, 0x13c);
CHECK_OFFSET(boot_params, efi_info, 0x1c0);
CHECK_OFFSET(boot_params, e820_entries, 0x1e8);
CHECK_OFFSET(boot_params, sentinel, 0x1ef);
CHECK_OFFSET(boot_params, hdr, 0x1f1);
CHECK_OFFSET(boot_params, e820_table, 0x2d0);
CHECK_OFFSET(boot_params, eddbuf, 0xd00);
/* Setup header offsets are quoted in boot.rst relative to the file start. */
#define CHECK_HDR(field, off) \
	_Static_assert(0x1f1 + __builtin_offsetof(struct setup_header, field) == (off), #field)
CHECK_HDR(boot_flag, 0x1fe);
CHECK_HDR(header, 0x202);
CHECK_HDR(version, 0x206);
CHECK_HDR(type_of_loader, 0x210);
CHECK_HDR(loadflags, 0x211);
CHECK_HDR(code32_start, 0x214);
CHECK_HDR(ramdisk_image, 0x218);
CHECK_HDR(cmd_line_ptr, 0x228);
CHECK_HDR(initrd_addr_max, 0x22c);
CHECK_HDR(kernel_alignment, 0x230);
CHECK_HDR(relocatable_kernel, 0x234);
CHECK_HDR(xloadflags, 0x236);
CHECK_HDR(cmdline_size, 0x238);
CHECK_HDR(setup_data, 0x250);
CHECK_HDR(pref_address, 0x258);
CHECK_HDR(init_size, 0x260);
CHECK_HDR(kernel_info_offset, 0x268);
_Static_assert(sizeof(struct boot_e820_entry) == 20, "e820 entry");

#define HDR_END(field) \
	(0x1f1 + __builtin_offsetof(struct setup_header, field) + \
	 sizeof(((struct setup_header *)0)->field))

uint64_t x86_64_setup_bytes(uint8_t setup_sects)
{
	/* "If this field is 0, the real value is 4." The boot sector comes
	 * first. */
	unsigned sects = setup_sects ? setup_sects : 4;
	return (uint64_t)(sects + 1) * 512;
}

int x86_64_parse_kernel(const uint8_t *buf, size_t buf_len, uint64_t file_len,
		     struct x86_64_kernel *k, struct error *e)
{
	memset(k, 0, sizeof(*k));
	if (buf_len > file_len)
		buf_len = file_len;
	/* "the end of setup header can be calculated as follows: 0x0202 + byte
	 * value at offset 0x0201" — so 0x202 bytes must be there to ask. */
	if (buf_len < 0x202)
		return fail(e, "kernel", "%zu bytes is too small for a bzImage header", buf_len);
	struct setup_header *h = &k->hdr;
	size_t avail = buf_len - X86_64_SETUP_HDR_OFFSET;
	memcpy(h, buf + X86_64_SETUP_HDR_OFFSET, avail < sizeof(*h) ? avail : sizeof(*h));

	if (h->boot_flag != X86_64_BOOT_FLAG)
		return fail(e, "kernel", "boot_flag is 0x%04x, not 0x%04x: not a bzImage",
			    h->boot_flag, X86_64_BOOT_FLAG);
	uint64_t hdr_end = 0x202 + (uint64_t)(h->jump >> 8);
	if (hdr_end > buf_len || hdr_end < HDR_END(header))
		return fail(e, "kernel", "setup header end 0x%llx is outside the %zu bytes of setup",
			    (unsigned long long)hdr_end, buf_len);
	if (h->header != X86_64_HDR_MAGIC)
		return fail(e, "kernel", "header magic is 0x%08x, not \"HdrS\": not a bzImage",
			    h->header);
	if (hdr_end < HDR_END(version) || h->version < X86_64_MIN_PROTOCOL)
		return fail(e, "kernel", "version 0x%04x: boot protocol %u.%02u is older than the "
			    "2.12 bootshim needs", h->version, h->version >> 8, h->version & 0xff);
	if (hdr_end < HDR_END(init_size))
		return fail(e, "kernel", "setup header ends at 0x%llx, before init_size",
			    (unsigned long long)hdr_end);
	k->hdr_len = hdr_end - X86_64_SETUP_HDR_OFFSET;
	if (k->hdr_len > sizeof(*h))
		k->hdr_len = sizeof(*h);
	/* Fields past the kernel's own header length are not its: clear them. */
	memset((uint8_t *)h + k->hdr_len, 0, sizeof(*h) - k->hdr_len);

	if (!(h->xloadflags & XLF_KERNEL_64))
		return fail(e, "kernel", "xloadflags 0x%04x lacks XLF_KERNEL_64: no 64-bit entry point",
			    h->xloadflags);
	if (!(h->loadflags & LOADED_HIGH))
		return fail(e, "kernel", "loadflags 0x%02x lacks LOADED_HIGH: a zImage, not a bzImage",
			    h->loadflags);

	k->setup_bytes = x86_64_setup_bytes(h->setup_sects);
	if (k->setup_bytes >= file_len)
		return fail(e, "kernel", "setup_sects %u leaves no protected-mode code in %llu bytes",
			    h->setup_sects, (unsigned long long)file_len);
	k->body_bytes = file_len - k->setup_bytes;
	/* "syssize: The size of the protected-mode code in units of 16-byte
	 * paragraphs" (boot.rst, protocol 2.04+): less code than that is a
	 * truncated kernel. */
	if ((uint64_t)h->syssize * 16 > k->body_bytes)
		return fail(e, "kernel", "syssize 0x%x (%llu bytes) exceeds the %llu bytes of "
			    "protected-mode code: truncated", h->syssize,
			    (unsigned long long)h->syssize * 16, (unsigned long long)k->body_bytes);

	if (!is_pow2(h->kernel_alignment) || h->kernel_alignment < 4096 ||
	    h->kernel_alignment > GiB(1))
		return fail(e, "kernel", "kernel_alignment 0x%x is not a power of two in [4 KiB, 1 GiB]",
			    h->kernel_alignment);
	k->align = h->kernel_alignment;
	k->relocatable = h->relocatable_kernel != 0;
	/* Never below 1 MiB, whatever pref_address says: the real-mode
	 * area and the BIOS live there. */
	k->min_addr = h->pref_address > MiB(1) ? h->pref_address : MiB(1);
	if (h->pref_address & (4096 - 1))
		return fail(e, "kernel", "pref_address 0x%llx is not page aligned",
			    (unsigned long long)h->pref_address);
	if (!h->init_size)
		return fail(e, "kernel", "init_size is 0");
	k->reserve = h->init_size > k->body_bytes ? h->init_size : k->body_bytes;
	if (!align_up(k->reserve, 4096, &k->reserve))
		return fail(e, "kernel", "init_size overflows");
	uint64_t end;
	if (!range_end(k->min_addr, k->reserve, &end) || end > GiB(4))
		return fail(e, "kernel", "pref_address 0x%llx + init_size 0x%llx is beyond 4 GiB",
			    (unsigned long long)k->min_addr, (unsigned long long)k->reserve);

	/* initrd_addr_max is "the highest address that may be occupied by
	 * the initial ramdisk/ramfs contents", i.e. inclusive. */
	k->initrd_max = (uint64_t)h->initrd_addr_max + 1;
	if (k->initrd_max < MiB(1))
		return fail(e, "kernel", "initrd_addr_max 0x%x is below 1 MiB", h->initrd_addr_max);
	k->initrd_above_4g = h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;
	k->cmdline_max = h->cmdline_size;
	if (!k->cmdline_max)
		return fail(e, "kernel", "cmdline_size is 0");
	return 0;
}

static uint64_t e820_ext_bytes(size_t n_e820)
{
	if (n_e820 <= E820_MAX_ENTRIES_ZEROPAGE)
		return 0;
	return sizeof(struct setup_data) +
	       (n_e820 - E820_MAX_ENTRIES_ZEROPAGE) * sizeof(struct boot_e820_entry);
}

static uint64_t rng_seed_bytes(size_t seed_len)
{
	return seed_len ? sizeof(struct setup_data) + seed_len : 0;
}

uint64_t x86_64_zero_page_bytes(size_t n_e820, size_t seed_len)
{
	return sizeof(struct boot_params) + e820_ext_bytes(n_e820) + rng_seed_bytes(seed_len);
}

/* A UEFI boot: the kernel takes the system table and the final memory map
 * from efi_info ("EL64": a 64-bit loader), and the GOP framebuffer from
 * screen_info. */
static void fill_efi(struct boot_params *bp, const struct platform_efi *efi)
{
	struct efi_info *ei = &bp->efi_info;
	ei->efi_loader_signature = EFI64_LOADER_SIGNATURE;
	ei->efi_systab = (uint32_t)efi->systab;
	ei->efi_systab_hi = (uint32_t)(efi->systab >> 32);
	ei->efi_memmap = (uint32_t)efi->mmap;
	ei->efi_memmap_hi = (uint32_t)(efi->mmap >> 32);
	ei->efi_memmap_size = (uint32_t)efi->mmap_size;
	ei->efi_memdesc_size = (uint32_t)efi->desc_size;
	ei->efi_memdesc_version = efi->desc_version;
	bp->secure_boot = efi->secure_boot;
	if (!efi->fb_base)
		return;
	struct screen_info *si = &bp->screen_info;
	si->orig_video_isVGA = VIDEO_TYPE_EFI;
	si->lfb_width = (uint16_t)efi->fb_width;
	si->lfb_height = (uint16_t)efi->fb_height;
	si->lfb_depth = 32;
	si->lfb_linelength = (uint16_t)(efi->fb_stride * 4);
	si->lfb_base = (uint32_t)efi->fb_base;
	si->ext_lfb_base = (uint32_t)(efi->fb_base >> 32);
	if (si->ext_lfb_base)
		si->capabilities |= VIDEO_CAPABILITY_64BIT_BASE;
	si->lfb_size = (uint32_t)efi->fb_size;
	si->red_size = si->green_size = si->blue_size = si->rsvd_size = 8;
	si->red_pos = efi->fb_bgr ? 16 : 0;
	si->green_pos = 8;
	si->blue_pos = efi->fb_bgr ? 0 : 16;
	si->rsvd_pos = 24;
}

/* Append a setup_data node at zp + *off (its address in the machine:
 * zp_addr + *off) to the chain whose last `next` field is at *link;
 * returns the node's data. */
static uint8_t *setup_data_add(uint8_t *zp, uint64_t zp_addr, uint64_t *off, uint8_t **link,
			       uint32_t type, uint32_t len, uint64_t bytes)
{
	struct setup_data sd = { 0, type, len };
	memcpy(zp + *off, &sd, sizeof(sd));
	uint64_t at = zp_addr + *off;
	memcpy(*link, &at, sizeof(at));
	*link = zp + *off + __builtin_offsetof(struct setup_data, next);
	uint8_t *data = zp + *off + sizeof(sd);
	*off += bytes;
	return data;
}

int x86_64_fill_zero_page(void *zp, uint64_t zp_bytes, const struct x86_64_kernel *k,
		       const struct memmap *e820, const struct x86_64_boot_info *bi,
		       struct error *e)
{
	if (zp_bytes < x86_64_zero_page_bytes(e820->n, bi->seed_len))
		return fail(e, "zero page", "0x%llx bytes is too small for %zu e820 entries "
			    "and a %zu-byte seed", (unsigned long long)zp_bytes, e820->n,
			    bi->seed_len);
	struct boot_params *bp = zp;
	memset(bp, 0, sizeof(*bp));
	memcpy(&bp->hdr, &k->hdr, k->hdr_len);

	struct setup_header *h = &bp->hdr;
	h->type_of_loader = 0xff; /* "undefined" boot loader */
	h->loadflags &= (uint8_t)~(1u << 5); /* QUIET_FLAG off: let the kernel talk */
	h->code32_start = (uint32_t)bi->kernel_addr;
	h->cmd_line_ptr = (uint32_t)bi->cmdline_addr;
	bp->ext_cmd_line_ptr = (uint32_t)(bi->cmdline_addr >> 32);
	h->ramdisk_image = (uint32_t)bi->initrd_addr;
	h->ramdisk_size = (uint32_t)bi->initrd_size;
	bp->ext_ramdisk_image = (uint32_t)(bi->initrd_addr >> 32);
	bp->ext_ramdisk_size = (uint32_t)(bi->initrd_size >> 32);
	h->vid_mode = 0xffff; /* "normal" */
	h->hardware_subarch = 0; /* a normal PC */
	h->setup_data = 0;
	bp->acpi_rsdp_addr = bi->rsdp;
	if (bi->efi && bi->efi->systab)
		fill_efi(bp, bi->efi);

	size_t n = e820->n;
	size_t in_page = n < E820_MAX_ENTRIES_ZEROPAGE ? n : E820_MAX_ENTRIES_ZEROPAGE;
	for (size_t i = 0; i < in_page; i++)
		bp->e820_table[i] = (struct boot_e820_entry){
			e820->e[i].base, e820->e[i].size, e820->e[i].type };
	bp->e820_entries = (uint8_t)in_page;

	/* The setup_data nodes follow the page, chained from hdr.setup_data:
	 * "a 64-bit physical pointer to NULL-terminated single linked list
	 * of struct setup_data" (boot.rst). */
	uint64_t off = sizeof(*bp);
	uint8_t *link = (uint8_t *)zp + __builtin_offsetof(struct boot_params, hdr) +
			__builtin_offsetof(struct setup_header, setup_data);
	if (n > E820_MAX_ENTRIES_ZEROPAGE) {
		/* "SETUP_E820_EXT: extended E820 memory map entries" past 128. */
		size_t extra = n - E820_MAX_ENTRIES_ZEROPAGE;
		uint8_t *x = setup_data_add(zp, bi->zero_page_addr, &off, &link, SETUP_E820_EXT,
					    (uint32_t)(extra * sizeof(struct boot_e820_entry)),
					    e820_ext_bytes(n));
		for (size_t i = 0; i < extra; i++) {
			const struct mem_range *r = &e820->e[in_page + i];
			struct boot_e820_entry be = { r->base, r->size, r->type };
			memcpy(x + i * sizeof(be), &be, sizeof(be));
		}
	}
	if (bi->seed_len) {
		/* SETUP_RNG_SEED: the kernel mixes it into its entropy pool
		 * at boot and then wipes it (arch/x86/kernel/setup.c). */
		uint8_t *x = setup_data_add(zp, bi->zero_page_addr, &off, &link, SETUP_RNG_SEED,
					    (uint32_t)bi->seed_len, rng_seed_bytes(bi->seed_len));
		memcpy(x, bi->seed, bi->seed_len);
	}
	return 0;
}
