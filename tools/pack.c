/* bootshim pack: a payload-free stub (built once per arch and flavour,
 * installed in $(PREFIX)/lib/bootshim/<arch>/) and a kernel, initrd(s),
 * command line [and DTB] -> the bootable file make writes for that
 * payload, with no compiler: the payload is checked by the shim's own
 * parsers (tools/payload_check.c), laid out where the linker scripts put
 * it (pack_layout) and written into the stub by its format's writer
 * (tools/pack_elf.c, tools/pack_pe.c). tools/pack.h says how. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootshim.h"
#include "measure.h"
#include "pack.h"
#include "payload_index.h"

/* Where installed stubs are: the Makefile passes $(PREFIX)/lib/bootshim. */
#ifndef BOOTSHIM_STUBS_DIR
#define BOOTSHIM_STUBS_DIR "/usr/local/lib/bootshim"
#endif

#define PAGE 0x1000ull
#define PMD 0x200000ull
#define FOUR_GIB 0x100000000ull
/* QEMU virt's flash (linker/aarch64-rom.ld) */
#define VIRT_FLASH_BYTES 0x4000000ull
/* The index and the DTB: 8-byte aligned (arch/payload.S; booting.rst
 * asks it of a DTB). */
#define BLOB_ALIGN 8

static const char *const rom_sections_x86_arm[] = { ".text", ".text16", ".rodata", ".data",
						     ".reset", ".payload.*", NULL };
static const char *const rom_sections_riscv64[] = { ".text", ".rodata", ".data", ".payload.*",
						    NULL };

/* The flavour rows: the Makefile's flavour rows and linker scripts, as
 * the packer needs them. */
static const struct pack_flavour flavours[] = {
	/* linker/x86_64-pvh.ld */
	{ "x86_64", "elf", "elf.stub", PACK_ELF, PAGE, KERNEL_X86_64, 0, 0, FOUR_GIB,
	  "payload does not fit below 4 GiB", NULL },
	/* arch/efi/elf_<arch>.lds: the .payload section */
	{ "x86_64", "efi", "efi.stub", PACK_PE, PAGE, KERNEL_ALIGN, PAGE, 0, 0, NULL, NULL },
	/* linker/x86_64-rom.ld: the payload below the shim */
	{ "x86_64", "rom", "rom.stub", PACK_RAW, PAGE, LAYOUT_X86_64_ROM, 0, 0, 0, NULL,
	  rom_sections_x86_arm },
	/* linker/aarch64-img.ld; the Image header's image_size at 16 */
	{ "aarch64", "img", "img.stub", PACK_RAW, PAGE, KERNEL_IMAGE_2M, 0, 16, 0, NULL, NULL },
	/* linker/aarch64-rom.ld */
	{ "aarch64", "rom", "rom.stub", PACK_RAW, PAGE, KERNEL_ALIGN, PAGE, 0, VIRT_FLASH_BYTES,
	  "shim.rom exceeds the 64 MiB flash of QEMU virt", rom_sections_x86_arm },
	{ "aarch64", "efi", "efi.stub", PACK_PE, PAGE, KERNEL_ALIGN, PAGE, 0, 0, NULL, NULL },
	/* linker/riscv64-img.ld */
	{ "riscv64", "img", "img.stub", PACK_RAW, PAGE, KERNEL_IMAGE_2M, 0, 16, 0, NULL, NULL },
	/* linker/riscv64-rom.ld: boot.rst's PMD boundary for the kernel */
	{ "riscv64", "rom", "rom.stub", PACK_RAW, PAGE, KERNEL_ALIGN, PMD, 0, 0, NULL,
	  rom_sections_riscv64 },
	{ "riscv64", "efi", "efi.stub", PACK_PE, PAGE, KERNEL_ALIGN, PAGE, 0, 0, NULL, NULL },
};

const struct pack_flavour *pack_flavour_find(const char *arch, const char *flavour)
{
	for (size_t i = 0; i < ARRAY_SIZE(flavours); i++)
		if (!strcmp(flavours[i].arch, arch) && !strcmp(flavours[i].flavour, flavour))
			return &flavours[i];
	return NULL;
}

/* a rounded up to a power of two `align`, or false on overflow */
static bool round_up(uint64_t *a, uint64_t align)
{
	if (!align || (align & (align - 1)))
		return false;
	uint64_t r;
	if (__builtin_add_overflow(*a, align - 1, &r))
		return false;
	*a = r & ~(align - 1);
	return true;
}

static bool advance(uint64_t *a, uint64_t n)
{
	return !__builtin_add_overflow(*a, n, a);
}

/* linker/x86_64-rom.ld's windows: HIGH [PAYLOAD_HIGH, ROM_SHIM) right
 * below the shim, LOW ending at the IOAPIC/HPET/LAPIC hole, not below
 * 0xe0000000 (a pc's RAM); QEMU takes -bios in whole 64 KiB. */
#define X86_ROM_SHIM 0xfffc0000ull
#define X86_PAYLOAD_HIGH 0xfef00000ull
#define X86_MMIO_HOLE 0xfec00000ull
#define X86_ROM_LOWEST 0xe0000000ull
#define X86_ROM_GRANULE 0x10000ull

static uint64_t page_up(uint64_t n)
{
	return (n + PAGE - 1) & ~(PAGE - 1);
}

/* The script's rules 2-5, with its names; every size here is bounded by
 * the check against 4 GiB first. */
static int x86_64_rom_layout(struct pack_payload *p, char *why, size_t why_len)
{
	const struct payload *pl = &p->pl;
	uint64_t total = pl->cmdline.len + pl->kernel_head.len + pl->initrd.len + pl->kernel.len;
	if (pl->cmdline.len > FOUR_GIB || pl->kernel_head.len > FOUR_GIB ||
	    pl->initrd.len > FOUR_GIB || pl->kernel.len > FOUR_GIB || pl->dtb.len ||
	    total > X86_ROM_SHIM - X86_ROM_LOWEST) {
		snprintf(why, why_len, "the payload reaches below 0x%llx, into the RAM of a pc with "
			 "3.5 GiB or more (%llu bytes)", X86_ROM_LOWEST, (unsigned long long)total);
		return -1;
	}
	uint64_t cmd_sec = ((pl->cmdline.len + BLOB_ALIGN - 1) & ~(uint64_t)(BLOB_ALIGN - 1)) +
			   PAYLOAD_INDEX_BYTES;
	uint64_t head = page_up(((cmd_sec + pl->kernel_head.len + BLOB_ALIGN - 1) &
				 ~(uint64_t)(BLOB_ALIGN - 1)) + pl->dtb.len);
	uint64_t initrd = page_up(pl->initrd.len), kernel = page_up(pl->kernel.len);
	uint64_t high = X86_ROM_SHIM - X86_PAYLOAD_HIGH;
	bool all_high = head + initrd + kernel <= high;
	bool kernel_high = all_high || (kernel <= high && (kernel >= initrd || initrd > high));
	bool initrd_high = all_high || (!kernel_high && initrd <= high);
	uint64_t kernel_addr = (kernel_high ? X86_ROM_SHIM : X86_MMIO_HOLE) - kernel;
	uint64_t initrd_addr = (initrd_high == kernel_high ? kernel_addr :
				initrd_high ? X86_ROM_SHIM : X86_MMIO_HOLE) - initrd;
	uint64_t lowest = initrd_addr < kernel_addr ? initrd_addr : kernel_addr;
	if (lowest < X86_ROM_LOWEST + head) {
		snprintf(why, why_len, "the payload reaches below 0x%llx, into the RAM of a pc with "
			 "3.5 GiB or more", X86_ROM_LOWEST);
		return -1;
	}
	uint64_t head_addr = (lowest - head) & ~(X86_ROM_GRANULE - 1);
	p->start = head_addr;
	p->addr[PAYLOAD_SLOT_CMDLINE] = head_addr;
	p->index_addr = head_addr + cmd_sec - PAYLOAD_INDEX_BYTES;
	p->addr[PAYLOAD_SLOT_KERNEL_HEAD] = head_addr + cmd_sec;
	p->addr[PAYLOAD_SLOT_DTB] = (head_addr + cmd_sec + pl->kernel_head.len + BLOB_ALIGN - 1) &
				    ~(uint64_t)(BLOB_ALIGN - 1);
	p->addr[PAYLOAD_SLOT_INITRD] = initrd_addr;
	p->addr[PAYLOAD_SLOT_KERNEL] = kernel_addr;
	p->kernel_room_end = kernel_addr + pl->kernel.len;
	uint64_t ie = initrd_addr + pl->initrd.len, ke = kernel_addr + pl->kernel.len;
	p->end = ie > ke ? ie : ke;
	return 0;
}

int pack_layout(const struct pack_flavour *fl, const struct kernel_layout *kl, uint64_t r,
		struct pack_payload *p, char *why, size_t why_len)
{
	if (fl->kernel_rule == LAYOUT_X86_64_ROM)
		return x86_64_rom_layout(p, why, why_len);
	uint64_t a = r;
	bool ok = true;
	p->start = r;
	p->addr[PAYLOAD_SLOT_CMDLINE] = a;
	ok = ok && advance(&a, p->pl.cmdline.len) && round_up(&a, BLOB_ALIGN);
	p->index_addr = a;
	ok = ok && advance(&a, PAYLOAD_INDEX_BYTES);
	p->addr[PAYLOAD_SLOT_KERNEL_HEAD] = a;
	ok = ok && advance(&a, p->pl.kernel_head.len) && round_up(&a, BLOB_ALIGN);
	p->addr[PAYLOAD_SLOT_DTB] = a;
	ok = ok && advance(&a, p->pl.dtb.len) && round_up(&a, fl->initrd_align);
	p->addr[PAYLOAD_SLOT_INITRD] = a;
	ok = ok && advance(&a, p->pl.initrd.len);
	switch (fl->kernel_rule) {
	case KERNEL_ALIGN:
		ok = ok && round_up(&a, fl->kernel_align);
		break;
	case KERNEL_X86_64:
		/* linker/x86_64-pvh.ld: MAX(., PAYLOAD_KERNEL_MIN), then
		 * ALIGN(PAYLOAD_KERNEL_ALIGN) */
		if (a < kl->min_addr)
			a = kl->min_addr;
		ok = ok && round_up(&a, kl->align);
		break;
	case KERNEL_IMAGE_2M:
		ok = ok && round_up(&a, PMD) && advance(&a, kl->text_offset);
		break;
	case LAYOUT_X86_64_ROM:
		break;
	}
	p->addr[PAYLOAD_SLOT_KERNEL] = a;
	p->kernel_room_end = a;
	ok = ok && advance(&a, p->pl.kernel.len) && advance(&p->kernel_room_end, kl->reserve);
	p->end = a;
	if (!ok) {
		snprintf(why, why_len, "the payload does not fit in the address space after 0x%llx",
			 (unsigned long long)r);
		return -1;
	}
	if (fl->end_max && p->end > fl->end_max) {
		snprintf(why, why_len, "%s (the payload ends at 0x%llx, past 0x%llx)",
			 fl->end_max_why, (unsigned long long)p->end,
			 (unsigned long long)fl->end_max);
		return -1;
	}
	return 0;
}

void pack_region(const struct pack_payload *p, uint8_t *out)
{
	struct payload_index ix = { .version = PAYLOAD_INDEX_VERSION, .machine = p->machine };
	memcpy(ix.magic, PAYLOAD_INDEX_MAGIC, PAYLOAD_INDEX_MAGIC_BYTES);
	for (int i = 0; i < PAYLOAD_SLOT_COUNT; i++) {
		ix.rel[i][0] = (int64_t)(p->addr[i] - p->index_addr);
		ix.rel[i][1] = (int64_t)(p->addr[i] + p->pl.slot[i].len - p->index_addr);
		if (p->pl.slot[i].len)
			memcpy(out + (p->addr[i] - p->start), p->pl.slot[i].start, p->pl.slot[i].len);
	}
	memcpy(out + (p->index_addr - p->start), &ix, sizeof(ix));
}

/* scripts/cmdline-allow.sh's rules: words split on spaces; each printable
 * ASCII without '"' or '\'; '^' only first and not alone. */
int pack_cmdline_allow(const char *value, char *out, size_t out_len, char *why, size_t why_len)
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *s = value; *s;) {
		if (*s == ' ') {
			s++;
			continue;
		}
		size_t wl = strcspn(s, " ");
		char hex[49] = "";
		for (size_t i = 0; i < wl; i++) {
			unsigned char c = (unsigned char)s[i];
			if ((c < '!' || c > '~' || c == '"' || c == '\\') && strlen(hex) + 3 < sizeof(hex))
				snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), " %02x", c);
		}
		if (hex[0]) {
			snprintf(why, why_len, "CMDLINE_ALLOW='%s': word '%.*s' has bytes that are not "
				 "printable ASCII, or a quote or backslash (hex:%s)", value, (int)wl, s,
				 hex);
			return -1;
		}
		if (wl == 1 && s[0] == '^') {
			snprintf(why, why_len, "CMDLINE_ALLOW='%s': word '^' is an empty prefix (it "
				 "would allow every word)", value);
			return -1;
		}
		const char *caret = memchr(s + 1, '^', wl - 1);
		if (caret) {
			snprintf(why, why_len, "CMDLINE_ALLOW='%s': word '%.*s' has '^' after its start "
				 "(only a first '^' means a prefix)", value, (int)wl, s);
			return -1;
		}
		if (n + (n ? 1 : 0) + wl + 1 > out_len) {
			snprintf(why, why_len, "CMDLINE_ALLOW='%s': more than %zu bytes", value,
				 out_len - 1);
			return -1;
		}
		if (n)
			out[n++] = ' ';
		memcpy(out + n, s, wl);
		n += wl;
		out[n] = '\0';
		s += wl;
	}
	return 0;
}

/* ---------------------------------------------------------------- the command */

static const char usage[] =
	"usage: bootshim pack --arch ARCH --flavour FLAVOUR --kernel KERNEL --initrd INITRD\n"
	"         [--initrd INITRD2 ...] (--cmdline TEXT | --cmdline-file FILE) [--dtb DTB]\n"
	"         [--cmdline-allow WORDS] [--pcr] [--stubs DIR | --stub FILE] [--elf-out FILE]\n"
	"         -o OUTPUT\n"
	"  ARCH/FLAVOUR: x86_64 elf|rom|efi, aarch64 img|rom|efi, riscv64 img|rom|efi\n"
	"  stubs: DIR/ARCH/FLAVOUR.stub, DIR from --stubs, $BOOTSHIM_STUBS or " BOOTSHIM_STUBS_DIR
	"\n";

static int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bootshim: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

/* The whole file, or NULL with the message printed ("WHAT: PATH: why"). */
static uint8_t *slurp(const char *what, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		error("%s: %s: %s", what, path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf = malloc(cap);
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += got;
		if (n == cap) {
			uint8_t *b = realloc(buf, cap *= 2);
			if (!b)
				free(buf);
			buf = b;
		}
	}
	bool bad = !buf || ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		error("%s: %s: cannot read", what, path);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Write the file atomically: a temporary file beside it, renamed over it. */
static int write_atomic(const char *path, const uint8_t *data, size_t len, mode_t mode)
{
	size_t pl = strlen(path);
	char *tmp = malloc(pl + 16);
	if (!tmp)
		return error("%s: out of memory", path);
	snprintf(tmp, pl + 16, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int r = error("%s: cannot create %s: %s", path, tmp, strerror(errno));
		free(tmp);
		return r;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done != len || fchmod(fd, mode) || fsync(fd) || close(fd) || rename(tmp, path)) {
		int r = error("%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return r;
	}
	free(tmp);
	return 0;
}

enum { OPT_CMDLINE_FILE = 256, OPT_CMDLINE_ALLOW, OPT_PCR, OPT_STUBS, OPT_STUB, OPT_ELF_OUT };

#define MAX_INITRDS 64

int bootshim_pack(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "flavour", required_argument, NULL, 'f' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "dtb", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "cmdline-file", required_argument, NULL, OPT_CMDLINE_FILE },
		{ "cmdline-allow", required_argument, NULL, OPT_CMDLINE_ALLOW },
		{ "pcr", no_argument, NULL, OPT_PCR },
		{ "stubs", required_argument, NULL, OPT_STUBS },
		{ "stub", required_argument, NULL, OPT_STUB },
		{ "elf-out", required_argument, NULL, OPT_ELF_OUT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *arch = NULL, *flavour = NULL, *kernel = NULL, *cmdline = NULL, *dtb = NULL;
	const char *output = NULL, *cmdline_file = NULL, *allow = NULL, *stubs = NULL;
	const char *stub_path = NULL, *elf_out = NULL, *initrds[MAX_INITRDS];
	size_t n_initrd = 0;
	bool pcr = false;
	optind = 1;
	for (int c; (c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1;) {
		switch (c) {
		case 'a': arch = optarg; break;
		case 'f': flavour = optarg; break;
		case 'k': kernel = optarg; break;
		case 'i':
			if (n_initrd == MAX_INITRDS)
				return error("INITRD: more than %d --initrd", MAX_INITRDS);
			initrds[n_initrd++] = optarg;
			break;
		case 'c': cmdline = optarg; break;
		case 'd': dtb = optarg; break;
		case 'o': output = optarg; break;
		case OPT_CMDLINE_FILE: cmdline_file = optarg; break;
		case OPT_CMDLINE_ALLOW: allow = optarg; break;
		case OPT_PCR: pcr = true; break;
		case OPT_STUBS: stubs = optarg; break;
		case OPT_STUB: stub_path = optarg; break;
		case OPT_ELF_OUT: elf_out = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || !arch || !flavour || !kernel || !n_initrd || !output ||
	    !cmdline == !cmdline_file) {
		fputs(usage, stderr);
		return 2;
	}
	const struct payload_arch *pa = payload_arch_find(arch);
	if (!pa) {
		char names[256];
		payload_arch_names(names, sizeof(names));
		return error("ARCH: unsupported architecture '%s' (supported: %s)", arch, names);
	}
	const struct pack_flavour *fl = pack_flavour_find(arch, flavour);
	if (!fl)
		return error("--flavour %s: %s has no such flavour (%s)", flavour, arch,
			     !strcmp(arch, "x86_64") ? "elf, rom or efi" : "img, rom or efi");
	if (allow && fl->format != PACK_PE)
		return error("--cmdline-allow: only shim.efi carries an allow-list (--flavour efi)");
	if (elf_out && fl->format != PACK_RAW)
		return error("--elf-out: %s %s is not made from an ELF image", arch, flavour);

	/* The initrds, each a non-empty regular file, concatenated in order. */
	size_t ilen = 0;
	uint8_t *ibuf = NULL;
	for (size_t i = 0; i < n_initrd; i++) {
		struct stat st;
		if (stat(initrds[i], &st))
			return error("INITRD: %s: %s", initrds[i], strerror(errno));
		if (!S_ISREG(st.st_mode))
			return error("INITRD: %s is not a regular file", initrds[i]);
		if (!st.st_size)
			return error("INITRD: %s is empty", initrds[i]);
		size_t n;
		uint8_t *b = slurp("INITRD", initrds[i], &n);
		if (!b)
			return 1;
		uint8_t *all = realloc(ibuf, ilen + n);
		if (!all)
			return error("INITRD: out of memory");
		memcpy(all + ilen, b, n);
		free(b);
		ibuf = all, ilen += n;
	}

	size_t klen, clen, dlen = 0;
	uint8_t *kbuf = slurp("KERNEL", kernel, &klen), *dbuf = NULL, *cbuf;
	if (!kbuf)
		return 1;
	if (cmdline_file) {
		/* make writes the value with one final newline: not ours */
		if (!(cbuf = slurp("CMDLINE", cmdline_file, &clen)))
			return 1;
		if (clen && cbuf[clen - 1] == '\n')
			clen--;
	} else {
		clen = strlen(cmdline);
		cbuf = (uint8_t *)strdup(cmdline);
	}
	uint8_t *cz = realloc(cbuf, clen + 1);
	if (!cz)
		return error("CMDLINE: out of memory");
	cz[clen] = '\0';
	if (dtb && !(dbuf = slurp("DTB", dtb, &dlen)))
		return 1;

	struct payload_input in = { pa, kernel, dtb, kbuf, klen, cz, clen, dbuf, dlen };
	struct kernel_layout kl;
	char why[1024];
	if (payload_check(&in, &kl, why, sizeof(why)))
		return error("%s", why);
	if (kl.head_bytes > klen)
		return error("KERNEL=%s: setup part of %llu bytes in a file of %zu", kernel,
			     (unsigned long long)kl.head_bytes, klen);

	struct pack_payload p = { .machine = pa->machine };
	p.pl.kernel_head = (struct blob){ kbuf, kl.head_bytes };
	p.pl.kernel = (struct blob){ kbuf + kl.head_bytes, klen - kl.head_bytes };
	p.pl.initrd = (struct blob){ ibuf, ilen };
	p.pl.cmdline = (struct blob){ cz, clen + 1 };
	p.pl.dtb = (struct blob){ dbuf, dlen };

	char path[4096];
	if (!stub_path) {
		if (!stubs)
			stubs = getenv("BOOTSHIM_STUBS");
		if (!stubs || !*stubs)
			stubs = BOOTSHIM_STUBS_DIR;
		snprintf(path, sizeof(path), "%s/%s/%s", stubs, arch, fl->stub);
		stub_path = path;
	}
	size_t slen;
	uint8_t *stub = slurp("stub", stub_path, &slen);
	if (!stub)
		return 1;

	struct pack_output out = { 0 };
	int r;
	if (fl->format == PACK_PE) {
		char words[PAGE];
		if (allow && pack_cmdline_allow(allow, words, sizeof(words), why, sizeof(why)))
			return error("%s", why);
		r = pack_pe(fl, stub, slen, &kl, &p, allow ? words : "", &out, why, sizeof(why));
	} else {
		r = pack_elf(fl, stub, slen, &kl, &p, elf_out != NULL, &out, why, sizeof(why));
	}
	if (r)
		return error("%s", why);
	mode_t mode = fl->format == PACK_PE ? 0644 : 0755;
	if (elf_out && write_atomic(elf_out, out.elf, out.elf_len, 0755))
		return 1;
	if (write_atomic(output, out.bytes, out.len, mode))
		return 1;

	/* What was packed on stderr; stdout is --pcr's value alone. */
	fprintf(stderr, "bootshim: kernel %s: %s, cmdline %zu/%u bytes; initrd %s%s: %zu bytes\n",
		kernel, kl.summary, clen, kl.cmdline_max, initrds[0],
		n_initrd > 1 ? " and others" : "", ilen);
	fprintf(stderr, "bootshim: wrote %s (%s %s, stub %s)\n", output, arch, flavour, stub_path);
	if (pcr) {
		struct payload pl = p.pl;
		uint8_t v[SHA256_BYTES];
		pl.cmdline.len--;
		measure_predict_pcr11(&pl, v);
		for (size_t i = 0; i < sizeof(v); i++)
			printf("%02x", v[i]);
		putchar('\n');
	}
	free(out.bytes);
	free(out.elf);
	free(stub);
	free(kbuf);
	free(ibuf);
	free(cz);
	free(dbuf);
	return 0;
}
