/* bootshim pack's layout, allow-list and ELF writer (tools/pack*.c): the
 * linker scripts' rules reproduced, bad input refused by name, and a
 * synthetic ELF stub packed into a raw image and an ELF, each read back
 * through its payload index (tools/shim_image.c). The real stubs are
 * checked against the linked shims by tests/unit/pack-files.sh. */
#include "unit.h"

#include <elf.h>
#include <stdlib.h>

#include "pack.h"
#include "pack_stub.h"
#include "payload_index.h"
#include "shim_image.h"

static uint8_t kernel[0x300], initrd[0x50];

static struct pack_payload payload(uint32_t machine)
{
	struct pack_payload p = { .machine = machine };
	for (size_t i = 0; i < sizeof(kernel); i++)
		kernel[i] = (uint8_t)(i * 7);
	memset(initrd, 0xab, sizeof(initrd));
	p.pl.kernel = (struct blob){ kernel, sizeof(kernel) };
	p.pl.initrd = (struct blob){ initrd, sizeof(initrd) };
	p.pl.cmdline = (struct blob){ (const uint8_t *)"quiet", 6 };
	return p;
}

static void test_pack_layout_img(void **state)
{
	(void)state;
	const struct pack_flavour *fl = pack_flavour_find("aarch64", "img");
	assert_non_null(fl);
	struct kernel_layout kl = { .text_offset = 0x80000, .reserve = 0x10000 };
	struct pack_payload p = payload(PAYLOAD_MACHINE_AARCH64);
	char why[256];
	assert_int_equal(pack_layout(fl, &kl, 0x3000, &p, why, sizeof(why)), 0);
	/* cmdline, the index 8-aligned after it, head and DTB after that,
	 * the initrd on a page, the kernel at 2 MiB + text_offset */
	assert_int_equal(p.addr[PAYLOAD_SLOT_CMDLINE], 0x3000);
	assert_int_equal(p.index_addr, 0x3008);
	assert_int_equal(p.addr[PAYLOAD_SLOT_KERNEL_HEAD], 0x3008 + PAYLOAD_INDEX_BYTES);
	assert_int_equal(p.addr[PAYLOAD_SLOT_DTB], 0x3008 + PAYLOAD_INDEX_BYTES);
	assert_int_equal(p.addr[PAYLOAD_SLOT_INITRD], 0x4000);
	assert_int_equal(p.addr[PAYLOAD_SLOT_KERNEL], 0x280000);
	assert_int_equal(p.kernel_room_end, 0x290000);
	assert_int_equal(p.end, 0x280300);
	/* an address space that wraps */
	assert_int_equal(pack_layout(fl, &kl, UINT64_MAX - 0x1000, &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "does not fit in the address space"));
}

static void test_pack_layout_limits(void **state)
{
	(void)state;
	char why[256];
	struct kernel_layout kl = { 0 };
	/* aarch64 shim.rom: QEMU virt's 64 MiB flash */
	struct pack_payload p = payload(PAYLOAD_MACHINE_AARCH64);
	p.pl.initrd.len = 0x4000000;
	assert_int_equal(pack_layout(pack_flavour_find("aarch64", "rom"), &kl, 0x30000, &p, why,
				     sizeof(why)), -1);
	assert_non_null(strstr(why, "shim.rom exceeds the 64 MiB flash of QEMU virt"));
	/* x86_64 shim.elf: pref_address and alignment, below 4 GiB */
	kl = (struct kernel_layout){ .min_addr = 0x1000000, .align = 0x200000 };
	p = payload(PAYLOAD_MACHINE_X86_64);
	const struct pack_flavour *elf = pack_flavour_find("x86_64", "elf");
	assert_int_equal(pack_layout(elf, &kl, 0x172000, &p, why, sizeof(why)), 0);
	assert_int_equal(p.addr[PAYLOAD_SLOT_KERNEL], 0x1000000);
	p.pl.initrd.len = 0xffff0000;
	assert_int_equal(pack_layout(elf, &kl, 0x172000, &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "payload does not fit below 4 GiB"));
	assert_null(pack_flavour_find("x86_64", "img"));
}

/* linker/x86_64-rom.ld's rules: all in HIGH; the larger blob in HIGH, the
 * other below the MMIO hole; too large for a pc's 3.5 GiB. */
static void test_pack_layout_x86_rom(void **state)
{
	(void)state;
	const struct pack_flavour *fl = pack_flavour_find("x86_64", "rom");
	struct kernel_layout kl = { 0 };
	char why[256];
	struct pack_payload p = payload(PAYLOAD_MACHINE_X86_64);
	assert_int_equal(pack_layout(fl, &kl, 0, &p, why, sizeof(why)), 0);
	assert_int_equal(p.addr[PAYLOAD_SLOT_KERNEL], 0xfffbf000);
	assert_int_equal(p.addr[PAYLOAD_SLOT_INITRD], 0xfffbe000);
	assert_int_equal(p.addr[PAYLOAD_SLOT_CMDLINE], 0xfffb0000);
	p.pl.initrd.len = 14 << 20;
	p.pl.kernel.len = 10 << 20;
	assert_int_equal(pack_layout(fl, &kl, 0, &p, why, sizeof(why)), 0);
	/* the initrd (larger, fits HIGH) right below the shim, the kernel
	 * below 0xfec00000 */
	assert_int_equal(p.addr[PAYLOAD_SLOT_INITRD], 0xfffc0000 - (14 << 20));
	assert_int_equal(p.addr[PAYLOAD_SLOT_KERNEL], 0xfec00000 - (10 << 20));
	assert_int_equal(p.addr[PAYLOAD_SLOT_CMDLINE], (0xfec00000 - (10 << 20) - 0x1000) & ~0xffffull);
	assert_int_equal(p.end, 0xfffc0000);
	p.pl.initrd.len = 500 << 20;
	assert_int_equal(pack_layout(fl, &kl, 0, &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "below 0xe0000000"));
}

static void test_pack_cmdline_allow(void **state)
{
	(void)state;
	char out[64], why[256];
	assert_int_equal(pack_cmdline_allow("  quiet ^systemd.  loglevel=3 ", out, sizeof(out), why,
					    sizeof(why)), 0);
	assert_string_equal(out, "quiet ^systemd. loglevel=3");
	assert_int_equal(pack_cmdline_allow("quiet ^", out, sizeof(out), why, sizeof(why)), -1);
	assert_string_equal(why, "CMDLINE_ALLOW='quiet ^': word '^' is an empty prefix (it would "
				 "allow every word)");
	assert_int_equal(pack_cmdline_allow("a^b", out, sizeof(out), why, sizeof(why)), -1);
	assert_non_null(strstr(why, "word 'a^b' has '^' after its start"));
	assert_int_equal(pack_cmdline_allow("a\"b", out, sizeof(out), why, sizeof(why)), -1);
	assert_non_null(strstr(why, "word 'a\"b' has bytes that are not printable ASCII, or a "
				    "quote or backslash (hex: 22)"));
	assert_int_equal(pack_cmdline_allow("tab\there", out, sizeof(out), why, sizeof(why)), -1);
	char big[100];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(pack_cmdline_allow(big, out, sizeof(out), why, sizeof(why)), -1);
	assert_non_null(strstr(why, "more than 63 bytes"));
}

static void expect_read_back(const uint8_t *file, size_t len, const char *format)
{
	struct shim_image im;
	char why[256] = "";
	if (shim_image_read(file, len, &im, why, sizeof(why)))
		fail_msg("%s: %s", format, why);
	assert_string_equal(im.format, format);
	assert_int_equal(im.pl.kernel.len, sizeof(kernel));
	assert_memory_equal(im.pl.kernel.start, kernel, sizeof(kernel));
	assert_int_equal(im.pl.initrd.len, sizeof(initrd));
	assert_memory_equal(im.pl.initrd.start, initrd, sizeof(initrd));
	assert_int_equal(im.pl.cmdline.len, 5);
	assert_memory_equal(im.pl.cmdline.start, "quiet", 5);
}

static void test_pack_elf_raw(void **state)
{
	(void)state;
	uint8_t *stub = pack_synthetic_stub(EM_AARCH64, R_AARCH64_RELATIVE);
	const struct pack_flavour *fl = pack_flavour_find("aarch64", "img");
	struct kernel_layout kl = { .reserve = 0x10000 };
	struct pack_payload p = payload(PAYLOAD_MACHINE_AARCH64);
	struct pack_output out = { 0 };
	char why[256] = "";
	if (pack_elf(fl, stub, PACK_STUB_BYTES, &kl, &p, true, &out, why, sizeof(why)))
		fail_msg("%s", why);
	/* through the kernel at 2 MiB; image_size through its room */
	assert_int_equal(out.len, 0x200000 + sizeof(kernel));
	assert_memory_equal(out.bytes, "HEAD", 4);
	uint64_t v;
	memcpy(&v, out.bytes + 16, 8);
	assert_int_equal(v, 0x210000);
	/* payload_table and its addends */
	memcpy(&v, out.bytes + 0x1000 + 16 * PAYLOAD_SLOT_KERNEL, 8);
	assert_int_equal(v, 0x200000);
	Elf64_Rela r;
	memcpy(&r, out.bytes + 0x1100 + sizeof(r) * (2 * PAYLOAD_SLOT_INITRD + 1), sizeof(r));
	assert_int_equal(r.r_offset, 0x1000 + 8 * (2 * PAYLOAD_SLOT_INITRD + 1));
	assert_int_equal(r.r_addend, 0x3000 + sizeof(initrd));
	expect_read_back(out.bytes, out.len, "raw");
	expect_read_back(out.elf, out.elf_len, "ELF");
	free(out.bytes);
	free(out.elf);

	/* refused: the wrong machine, a payload section that is not empty */
	memset(&out, 0, sizeof(out));
	p = payload(PAYLOAD_MACHINE_X86_64);
	assert_int_equal(pack_elf(fl, stub, PACK_STUB_BYTES, &kl, &p, false, &out, why, sizeof(why)), -1);
	assert_string_equal(why, "stub: e_machine 183, not the arch's 62");
	free(stub);
}

static void test_pack_elf_elf(void **state)
{
	(void)state;
	uint8_t *stub = pack_synthetic_stub(EM_X86_64, R_X86_64_RELATIVE);
	const struct pack_flavour *fl = pack_flavour_find("x86_64", "elf");
	struct kernel_layout kl = { .min_addr = 0x1000000, .align = 0x200000 };
	struct pack_payload p = payload(PAYLOAD_MACHINE_X86_64);
	struct pack_output out = { 0 };
	char why[256] = "";
	if (pack_elf(fl, stub, PACK_STUB_BYTES, &kl, &p, false, &out, why, sizeof(why)))
		fail_msg("%s", why);
	Elf64_Ehdr eh;
	memcpy(&eh, out.bytes, sizeof(eh));
	/* the stub's payload PT_LOAD gives way to head, kernel, initrd */
	assert_int_equal(eh.e_phnum, 4);
	Elf64_Phdr ph[4];
	memcpy(ph, out.bytes + eh.e_phoff, sizeof(ph));
	assert_int_equal(ph[1].p_vaddr, 0x2000);
	assert_int_equal(ph[2].p_vaddr, 0x1000000);
	assert_int_equal(ph[2].p_filesz, sizeof(kernel));
	assert_int_equal(ph[3].p_vaddr, 0x3000);
	for (int i = 1; i < 4; i++)
		assert_int_equal(ph[i].p_offset % 0x1000, ph[i].p_vaddr % 0x1000);
	/* the five payload sections, named */
	assert_int_equal(eh.e_shnum, PACK_STUB_SECTIONS + 4);
	expect_read_back(out.bytes, out.len, "ELF");
	free(out.bytes);

	/* a stub whose payload_table symbol is gone */
	memset(&out, 0, sizeof(out));
	stub[0x3201] = 'X';
	p = payload(PAYLOAD_MACHINE_X86_64);
	assert_int_equal(pack_elf(fl, stub, PACK_STUB_BYTES, &kl, &p, false, &out, why, sizeof(why)), -1);
	assert_string_equal(why, "stub: no payload_table symbol");
	/* section headers past the end */
	stub[0x3201] = 'p';
	Elf64_Ehdr *h = (Elf64_Ehdr *)stub;
	h->e_shoff = PACK_STUB_BYTES - 8;
	assert_int_equal(pack_elf(fl, stub, PACK_STUB_BYTES, &kl, &p, false, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "program or section headers outside the file"));
	free(stub);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_pack_layout_img),
	cmocka_unit_test(test_pack_layout_limits),
	cmocka_unit_test(test_pack_layout_x86_rom),
	cmocka_unit_test(test_pack_cmdline_allow),
	cmocka_unit_test(test_pack_elf_raw),
	cmocka_unit_test(test_pack_elf_elf),
};
const struct unit_suite pack_suite = { tests, ARRAY_SIZE(tests) };
