/* libFuzzer: bootshim pack over hostile kernels and DTBs. The input: one
 * byte choosing the flavour, a little-endian u32 splitting the rest into
 * the kernel and the DTB (none if it is empty). The payload goes through
 * the shim's own checks (tools/payload_check.c) as the packer's; what
 * they accept is laid out and written into a synthetic ELF stub
 * (tests/unit/pack_stub.c) by the ELF writer, and the result, raw image
 * or ELF, must give back through its payload index exactly the kernel,
 * initrd, command line and DTB given. A refusal is one NUL-terminated
 * message. Seeds (tests/fuzz/corpus/pack): the x86_64_header,
 * aarch64_image and riscv64_image seeds as kernels, some with an fdt seed
 * as the DTB, behind the flavour byte and the split. */
#include <elf.h>
#include <stdlib.h>

#include "fuzz.h"
#include "memmap_check.h"
#include "pack.h"
#include "pack_stub.h"
#include "payload_index.h"
#include "shim_image.h"

static const struct {
	const char *arch, *flavour;
	uint16_t em;
	uint32_t rel;
} rows[] = {
	{ "x86_64", "elf", EM_X86_64, R_X86_64_RELATIVE },
	{ "aarch64", "img", EM_AARCH64, R_AARCH64_RELATIVE },
	{ "aarch64", "rom", EM_AARCH64, R_AARCH64_RELATIVE },
	{ "riscv64", "img", EM_RISCV, R_RISCV_RELATIVE },
	{ "riscv64", "rom", EM_RISCV, R_RISCV_RELATIVE },
};

static bool same(const struct blob *b, const uint8_t *p, size_t n)
{
	return b->len == n && (!n || !memcmp(b->start, p, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5)
		return 0;
	size_t row = data[0] % ARRAY_SIZE(rows);
	uint32_t split;
	memcpy(&split, data + 1, sizeof(split));
	data += 5, size -= 5;
	size_t klen = split <= size ? split : size;
	const uint8_t *dtb = klen < size ? data + klen : NULL;
	static const uint8_t initrd[] = "initrd", cmdline[] = "console=ttyS0 quiet";

	struct payload_input in = { payload_arch_find(rows[row].arch), "KERNEL", "DTB", data,
				    klen, cmdline, sizeof(cmdline) - 1, dtb, size - klen };
	struct kernel_layout kl;
	char why[1024];
	memset(why, 0xff, sizeof(why));
	if (payload_check(&in, &kl, why, sizeof(why))) {
		MM_CHECK(memchr(why, '\0', sizeof(why)));
		return 0;
	}
	MM_CHECK(kl.head_bytes <= klen);
	const struct pack_flavour *fl = pack_flavour_find(rows[row].arch, rows[row].flavour);
	struct pack_payload p = { .machine = in.arch->machine };
	p.pl.kernel_head = (struct blob){ data, kl.head_bytes };
	p.pl.kernel = (struct blob){ data + kl.head_bytes, klen - kl.head_bytes };
	p.pl.initrd = (struct blob){ initrd, sizeof(initrd) };
	p.pl.cmdline = (struct blob){ cmdline, sizeof(cmdline) };
	p.pl.dtb = (struct blob){ dtb, dtb ? size - klen : 0 };

	uint8_t *stub = pack_synthetic_stub(rows[row].em, rows[row].rel);
	struct pack_output out = { 0 };
	memset(why, 0xff, sizeof(why));
	if (pack_elf(fl, stub, PACK_STUB_BYTES, &kl, &p, true, &out, why, sizeof(why))) {
		MM_CHECK(memchr(why, '\0', sizeof(why)));
		free(stub);
		return 0;
	}
	const struct {
		const uint8_t *f;
		size_t len;
	} files[] = { { out.bytes, out.len }, { out.elf, out.elf_len } };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (!files[i].f)
			continue;
		struct shim_image im;
		MM_CHECK(!shim_image_read(files[i].f, files[i].len, &im, why, sizeof(why)));
		MM_CHECK(im.machine == in.arch->machine);
		MM_CHECK(same(&im.pl.kernel_head, data, kl.head_bytes));
		MM_CHECK(same(&im.pl.kernel, data + kl.head_bytes, klen - kl.head_bytes));
		MM_CHECK(same(&im.pl.initrd, initrd, sizeof(initrd)));
		MM_CHECK(same(&im.pl.cmdline, cmdline, sizeof(cmdline) - 1));
		MM_CHECK(same(&im.pl.dtb, dtb, dtb ? size - klen : 0));
	}
	free(out.bytes);
	free(out.elf);
	free(stub);
	return 0;
}
