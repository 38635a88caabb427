/* tools/shim_image.c: the payload index found in raw, ELF and PE files
 * whose file offsets differ from their addresses, and refused when it
 * does not hold together. (The build checks it on every real flavour:
 * $(B)/pcr11.checked.) */
#include "unit.h"

#include <elf.h>

#include "payload_index.h"
#include "shim_image.h"

static uint8_t img[0x3000];

/* An index at file offset `at` (address `at_addr`), the command line
 * after it and the kernel, initrd and DTB at addresses given. */
struct layout {
	uint64_t at, at_addr;
	uint64_t kernel_off, kernel_addr;
};

static void put_index(const struct layout *l)
{
	struct payload_index ix = { .version = PAYLOAD_INDEX_VERSION,
				    .machine = PAYLOAD_MACHINE_AARCH64 };
	memcpy(ix.magic, PAYLOAD_INDEX_MAGIC, PAYLOAD_INDEX_MAGIC_BYTES);
	int64_t base = (int64_t)l->at_addr;
	/* kernel_head empty; kernel 256 bytes; initrd 16 bytes after it;
	 * cmdline "quiet\0" right after the index; dtb empty. */
	int64_t k = (int64_t)l->kernel_addr - base;
	int64_t c = (int64_t)sizeof(ix);
	int64_t rel[PAYLOAD_SLOT_COUNT][2] = {
		[PAYLOAD_SLOT_KERNEL] = { k, k + 256 },
		[PAYLOAD_SLOT_INITRD] = { k + 256, k + 272 },
		[PAYLOAD_SLOT_CMDLINE] = { c, c + 6 },
	};
	memcpy(ix.rel, rel, sizeof(rel));
	memcpy(img + l->at, &ix, sizeof(ix));
	memcpy(img + l->at + sizeof(ix), "quiet", 6);
	for (int i = 0; i < 272; i++)
		img[l->kernel_off + i] = (uint8_t)i;
}

static void expect_payload(size_t len, const struct layout *l, const char *format)
{
	struct shim_image im;
	char why[256] = "";
	if (shim_image_read(img, len, &im, why, sizeof(why)))
		fail_msg("%s: %s", format, why);
	assert_string_equal(im.format, format);
	assert_int_equal(im.machine, PAYLOAD_MACHINE_AARCH64);
	assert_int_equal(im.index_offset, l->at);
	assert_ptr_equal(im.pl.kernel.start, img + l->kernel_off);
	assert_int_equal(im.pl.kernel.len, 256);
	assert_ptr_equal(im.pl.initrd.start, img + l->kernel_off + 256);
	assert_int_equal(im.pl.cmdline.len, 5);
	assert_memory_equal(im.pl.cmdline.start, "quiet", 5);
	assert_int_equal(im.pl.kernel_head.len, 0);
	assert_int_equal(im.pl.dtb.len, 0);
}

static void expect_refused(size_t len, const char *what)
{
	struct shim_image im;
	char why[256] = "";
	assert_int_equal(shim_image_read(img, len, &im, why, sizeof(why)), -1);
	if (!strstr(why, what))
		fail_msg("\"%s\" does not mention \"%s\"", why, what);
}

static void test_shim_image_raw(void **state)
{
	(void)state;
	memset(img, 0, sizeof(img));
	struct layout l = { 0x800, 0x800, 0x2000, 0x2000 };
	put_index(&l);
	expect_payload(sizeof(img), &l, "raw");
	/* A chance match of the magic before it (in some blob) is passed over. */
	memcpy(img + 0x100, PAYLOAD_INDEX_MAGIC, PAYLOAD_INDEX_MAGIC_BYTES);
	expect_payload(sizeof(img), &l, "raw");
	/* Damage: each named. */
	expect_refused(0x2000 + 100, "kernel [6144, 6400) from the index is not in the file");
	img[0x800 + 16] = 2;
	expect_refused(sizeof(img), "version 2, expected 1");
	img[0x800 + 16] = 1, img[0x800 + 20] = 3;
	expect_refused(sizeof(img), "machine 3 is none of");
	img[0x800 + 20] = PAYLOAD_MACHINE_AARCH64;
	img[0x800 + sizeof(struct payload_index) + 5] = 'x';
	expect_refused(sizeof(img), "command line does not end with a NUL");
	memset(img, 0, sizeof(img));
	expect_refused(sizeof(img), "no payload index (\"bootshim payload\")");
}

/* Two PT_LOAD segments whose file offsets are not their addresses. */
static void test_shim_image_elf(void **state)
{
	(void)state;
	memset(img, 0, sizeof(img));
	struct layout l = { 0x1000, 0x40000000, 0x2000, 0x40200000 };
	put_index(&l);
	Elf64_Ehdr eh = { .e_phoff = 64, .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 2 };
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64, eh.e_ident[EI_DATA] = ELFDATA2LSB;
	Elf64_Phdr ph[2] = {
		{ .p_type = PT_LOAD, .p_offset = 0x1000, .p_vaddr = 0x40000000, .p_filesz = 0x1000 },
		{ .p_type = PT_LOAD, .p_offset = 0x2000, .p_vaddr = 0x40200000, .p_filesz = 0x1000 },
	};
	memcpy(img, &eh, sizeof(eh));
	memcpy(img + 64, ph, sizeof(ph));
	expect_payload(sizeof(img), &l, "ELF");
	/* The kernel's segment shorter than the kernel. */
	ph[1].p_filesz = 0x80;
	memcpy(img + 64, ph, sizeof(ph));
	expect_refused(sizeof(img), "kernel [2097152, 2097408) from the index is not in the file");
	/* A segment past the end of the file; program headers outside it. */
	ph[1].p_filesz = 0x2000;
	memcpy(img + 64, ph, sizeof(ph));
	expect_refused(sizeof(img), "ELF PT_LOAD segment at file offset 0x2000+0x2000 runs past");
	((Elf64_Ehdr *)img)->e_phnum = 0xffff;
	expect_refused(sizeof(img), "ELF program headers (e_phoff 0x40, e_phnum 65535) outside");
}

/* A PE whose sections' RVAs are not their file offsets. */
static void test_shim_image_pe(void **state)
{
	(void)state;
	memset(img, 0, sizeof(img));
	struct layout l = { 0x1000, 0x5000, 0x2000, 0x9000 };
	put_index(&l);
	img[0] = 'M', img[1] = 'Z';
	img[0x3c] = 0x80;
	memcpy(img + 0x80, "PE\0\0", 4);
	img[0x80 + 6] = 2;    /* NumberOfSections */
	img[0x80 + 20] = 0xf0; /* SizeOfOptionalHeader */
	uint8_t *sh = img + 0x80 + 24 + 0xf0;
	/* VirtualSize, VirtualAddress, SizeOfRawData, PointerToRawData */
	uint32_t s[2][4] = { { 0x1000, 0x5000, 0x1000, 0x1000 }, { 0x800, 0x9000, 0x1000, 0x2000 } };
	for (int i = 0; i < 2; i++)
		memcpy(sh + 40 * i + 8, s[i], sizeof(s[i]));
	expect_payload(sizeof(img), &l, "PE");
	/* VirtualSize below the kernel's end: the rest is not in the file. */
	s[1][0] = 0x100;
	memcpy(sh + 40 + 8, s[1], sizeof(s[1]));
	expect_refused(sizeof(img), "initrd [16640, 16656) from the index is not in the file");
	/* A section past the end of the file; a table outside it. */
	uint32_t past[4] = { 0x1000, 0xa000, 0x1000, 0x2800 };
	memcpy(sh + 80 + 8, past, sizeof(past));
	img[0x80 + 6] = 3;
	expect_refused(sizeof(img), "PE section at file offset 0x2800+0x1000 runs past the file's "
				    "12288 bytes");
	img[0x80 + 6] = 0xff, img[0x80 + 7] = 0xff;
	expect_refused(sizeof(img), "PE section table (65535 sections at 0x188) outside the file");
	memcpy(img + 0x80, "XX", 2);
	expect_refused(sizeof(img), "no PE signature at e_lfanew 0x80");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_shim_image_raw),
	cmocka_unit_test(test_shim_image_elf),
	cmocka_unit_test(test_shim_image_pe),
};
const struct unit_suite shim_image_suite = { tests, ARRAY_SIZE(tests) };
