/* tools/payload_check.h: a payload checked by the shim's own parsers. */
#include <stdio.h>
#include <string.h>

#include "aarch64_image.h"
#include "fdt.h"
#include "payload_check.h"
#include "payload_index.h"
#include "riscv64_image.h"
#include "x86_64_boot.h"

/* arm64 COMMAND_LINE_SIZE is 2048 with the NUL. */
#define AARCH64_CMDLINE_MAX 2047

static int x86_64_layout(const uint8_t *kbuf, size_t klen, struct kernel_layout *out,
			 struct error *e)
{
	struct x86_64_kernel k;
	if (x86_64_parse_kernel(kbuf, klen, klen, &k, e))
		return -1;
	out->cmdline_max = k.cmdline_max;
	out->head_bytes = k.setup_bytes;
	out->align = k.align;
	out->min_addr = k.min_addr;
	out->reserve = k.reserve;
	snprintf(out->summary, sizeof(out->summary),
		 "boot protocol %u.%02u, %s, init_size 0x%x, alignment 0x%llx",
		 k.hdr.version >> 8, k.hdr.version & 0xff,
		 k.relocatable ? "relocatable" : "fixed address", k.hdr.init_size,
		 (unsigned long long)k.align);
	return 0;
}

static int aarch64_layout(const uint8_t *kbuf, size_t klen, struct kernel_layout *out,
			  struct error *e)
{
	struct aarch64_kernel k;
	if (aarch64_parse_kernel(kbuf, klen, &k, e))
		return -1;
	out->cmdline_max = AARCH64_CMDLINE_MAX;
	out->text_offset = k.text_offset;
	out->reserve = k.reserve;
	snprintf(out->summary, sizeof(out->summary),
		 "arm64 Image, text_offset 0x%llx, image_size 0x%llx%s",
		 (unsigned long long)k.text_offset, (unsigned long long)k.reserve,
		 k.assumed ? " (assumed)" : "");
	return 0;
}

static int riscv64_layout(const uint8_t *kbuf, size_t klen, struct kernel_layout *out,
			  struct error *e)
{
	struct riscv64_kernel k;
	if (riscv64_parse_kernel(kbuf, klen, &k, e))
		return -1;
	out->cmdline_max = RISCV64_CMDLINE_MAX;
	/* The Image is entered at its first byte, on a 2 MiB boundary;
	 * text_offset is from RAM's base, not from that boundary. */
	out->reserve = k.reserve;
	snprintf(out->summary, sizeof(out->summary),
		 "RISC-V Image, header %u.%u, text_offset 0x%llx, image_size 0x%llx",
		 k.version >> RISCV64_VERSION_MAJOR_SHIFT, k.version & RISCV64_VERSION_MINOR_MASK,
		 (unsigned long long)k.text_offset, (unsigned long long)k.reserve);
	return 0;
}

static const struct payload_arch arches[] = {
	{ "x86_64", PAYLOAD_MACHINE_X86_64, false, x86_64_layout },
	{ "aarch64", PAYLOAD_MACHINE_AARCH64, true, aarch64_layout },
	{ "riscv64", PAYLOAD_MACHINE_RISCV64, true, riscv64_layout },
};

const struct payload_arch *payload_arch_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (!strcmp(name, arches[i].name))
			return &arches[i];
	return NULL;
}

void payload_arch_names(char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "",
			 arches[i].name);
}

int payload_check(const struct payload_input *in, struct kernel_layout *kl, char *why,
		  size_t why_len)
{
	struct error err;
	*kl = (struct kernel_layout){ 0 };
	if (in->arch->layout(in->kernel, in->klen, kl, &err)) {
		snprintf(why, why_len, "KERNEL=%s: %s", in->kernel_path, err.msg);
		return -1;
	}
	const uint8_t *nul = memchr(in->cmdline, '\0', in->clen);
	if (nul) {
		snprintf(why, why_len, "CMDLINE: contains a NUL byte at offset %zu",
			 (size_t)(nul - in->cmdline));
		return -1;
	}
	if (in->clen > kl->cmdline_max) {
		snprintf(why, why_len,
			 "CMDLINE: %zu bytes exceed the kernel's cmdline_size of %u bytes (KERNEL=%s)",
			 in->clen, kl->cmdline_max, in->kernel_path);
		return -1;
	}
	if (in->dtb) {
		if (!in->arch->dtb) {
			snprintf(why, why_len, "DTB: %s boots without a device tree", in->arch->name);
			return -1;
		}
		uint64_t dsize;
		struct memmap mm = { 0 };
		if (dt_check(in->dtb, in->dlen, &dsize, &err) || dt_memory(in->dtb, &mm, &err)) {
			snprintf(why, why_len, "DTB=%s: %s", in->dtb_path, err.msg);
			return -1;
		}
	}
	return 0;
}
