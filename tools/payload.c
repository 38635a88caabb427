/* bootshim-payload: the build-time check of what is about to be embedded.
 * It runs the shim's own parser (shim/x86_64_boot.c) over the kernel on the
 * host, so a payload the shim would refuse at boot is refused here first,
 * and it writes the layout the assembler and linker need:
 *   OUTDIR/payload_files.h paths and split offsets for arch/payload.S
 *   OUTDIR/payload.ld   kernel alignment and reservation for the linker
 *   OUTDIR/cmdline.bin  the command line plus its NUL
 * Usage: bootshim-payload ARCH KERNEL INITRD CMDLINE_TXT OUTDIR [DTB]
 * (for aarch64, KERNEL is the uncompressed Image: the Makefile gunzips.) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aarch64_image.h"
#include "fdt.h"
#include "x86_64_boot.h"

static const char *kernel_path, *initrd_path, *cmdline_path;

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bootshim: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint8_t *read_file(const char *what, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: cannot open %s: %s", what, path, strerror(errno));
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf = malloc(cap);
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf || ferror(f))
		die("%s: cannot read %s", what, path);
	fclose(f);
	*len = n;
	return buf;
}

/* Write `data` to path unless it already holds exactly that, so that make
 * does not rebuild what has not changed. */
static void write_if_changed(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "rb");
	if (f) {
		uint8_t *old = malloc(len + 1);
		size_t got = old ? fread(old, 1, len + 1, f) : 0;
		fclose(f);
		bool same = old && got == len && !memcmp(old, data, len);
		free(old);
		if (same)
			return;
	}
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die("cannot write %s: %s", path, strerror(errno));
}

/* A C string literal for the assembler's .incbin. */
static void c_string(char *out, size_t size, const char *s)
{
	size_t n = 0;
	out[n++] = '"';
	for (; *s && n + 5 < size; s++) {
		if (*s == '"' || *s == '\\')
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n++] = '"';
	out[n] = '\0';
}

static char *absolute(const char *path)
{
	char *p = realpath(path, NULL);
	if (!p)
		die("cannot resolve %s: %s", path, strerror(errno));
	return p;
}

int main(int argc, char **argv)
{
	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: %s ARCH KERNEL INITRD CMDLINE_TXT OUTDIR [DTB]\n", argv[0]);
		return 2;
	}
	const char *arch = argv[1], *outdir = argv[5], *dtb_path = argc == 7 ? argv[6] : NULL;
	kernel_path = argv[2], initrd_path = argv[3], cmdline_path = argv[4];
	bool x86 = !strcmp(arch, "x86_64");
	if (!x86 && strcmp(arch, "aarch64"))
		die("ARCH: unsupported architecture '%s' (supported: x86_64, aarch64)", arch);

	/* The initrd: must exist, be a regular file and not be empty. */
	struct stat st;
	if (stat(initrd_path, &st))
		die("INITRD: %s: %s", initrd_path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("INITRD: %s is not a regular file", initrd_path);
	if (!st.st_size)
		die("INITRD: %s is empty", initrd_path);

	size_t klen, clen;
	uint8_t *kbuf = read_file("KERNEL", kernel_path, &klen);
	struct x86_64_kernel k;
	struct aarch64_kernel ak;
	struct error err;
	uint32_t cmdline_max;
	if (x86) {
		if (x86_64_parse_kernel(kbuf, klen, klen, &k, &err))
			die("KERNEL=%s: %s", kernel_path, err.msg);
		cmdline_max = k.cmdline_max;
	} else {
		if (aarch64_parse_kernel(kbuf, klen, &ak, &err))
			die("KERNEL=%s: %s", kernel_path, err.msg);
		cmdline_max = 2047; /* arm64 COMMAND_LINE_SIZE 2048, with the NUL */
	}

	/* make's $(file >...) ends the text with one newline: not ours. */
	uint8_t *cmd = read_file("CMDLINE", cmdline_path, &clen);
	if (clen && cmd[clen - 1] == '\n')
		clen--;
	if (memchr(cmd, '\0', clen))
		die("CMDLINE: contains a NUL byte at offset %zu",
		    (size_t)((uint8_t *)memchr(cmd, '\0', clen) - cmd));
	if (clen > cmdline_max)
		die("CMDLINE: %zu bytes exceed the kernel's cmdline_size of %u bytes (KERNEL=%s)",
		    clen, cmdline_max, kernel_path);
	cmd[clen] = '\0';

	char dq[4096 + 8] = "";
	if (dtb_path) {
		if (x86)
			die("DTB: x86_64 boots without a device tree");
		size_t dlen;
		uint64_t dsize;
		uint8_t *dtb = read_file("DTB", dtb_path, &dlen);
		if (dt_check(dtb, dlen, &dsize, &err))
			die("DTB=%s: %s", dtb_path, err.msg);
		struct memmap mm = { 0 };
		if (dt_memory(dtb, &mm, &err))
			die("DTB=%s: %s", dtb_path, err.msg);
		c_string(dq, sizeof(dq), absolute(dtb_path));
	}

	char path[4096], text[16384], kq[4096 + 8], iq[4096 + 8], cq[4096 + 8];
	snprintf(path, sizeof(path), "%s/cmdline.bin", outdir);
	write_if_changed(path, cmd, clen + 1);
	c_string(cq, sizeof(cq), absolute(path));
	c_string(kq, sizeof(kq), absolute(kernel_path));
	c_string(iq, sizeof(iq), absolute(initrd_path));

	int n = snprintf(text, sizeof(text),
			 "/* Generated by bootshim-payload from KERNEL=%s */\n"
			 "#define PAYLOAD_KERNEL_FILE %s\n"
			 "#define PAYLOAD_KERNEL_HEAD_BYTES %llu\n"
			 "#define PAYLOAD_INITRD_FILE %s\n"
			 "#define PAYLOAD_CMDLINE_FILE %s\n"
			 "%s%s\n",
			 kernel_path, kq, (unsigned long long)(x86 ? k.setup_bytes : 0), iq, cq,
			 dtb_path ? "#define PAYLOAD_DTB_FILE " : "", dq);
	snprintf(path, sizeof(path), "%s/payload_files.h", outdir);
	write_if_changed(path, text, (size_t)n);

	/* Everything embedded, with a page of alignment slack each: how much
	 * ROM the payload takes (x86 shim.rom grows downwards from it). */
	unsigned long long payload_bytes = klen + (unsigned long long)st.st_size + clen + 1 +
					   5 * 4096;
	if (x86)
		n = snprintf(text, sizeof(text),
			     "/* Generated by bootshim-payload: where the kernel may sit in place. */\n"
			     "PAYLOAD_KERNEL_ALIGN = 0x%llx;\n"
			     "PAYLOAD_KERNEL_MIN = 0x%llx;\n"
			     "PAYLOAD_KERNEL_RESERVE = 0x%llx;\n"
			     "PAYLOAD_BYTES = 0x%llx;\n",
			     (unsigned long long)k.align, (unsigned long long)k.min_addr,
			     (unsigned long long)k.reserve, payload_bytes);
	else
		n = snprintf(text, sizeof(text),
			     "/* Generated by bootshim-payload: where the kernel may sit in place. */\n"
			     "PAYLOAD_KERNEL_TEXT_OFFSET = 0x%llx;\n"
			     "PAYLOAD_KERNEL_RESERVE = 0x%llx;\n",
			     (unsigned long long)ak.text_offset, (unsigned long long)ak.reserve);
	snprintf(path, sizeof(path), "%s/payload.ld", outdir);
	write_if_changed(path, text, (size_t)n);

	if (x86)
		printf("bootshim: kernel %s: boot protocol %u.%02u, %s, init_size 0x%x, "
		       "alignment 0x%llx, cmdline %zu/%u bytes; initrd %s: %lld bytes\n",
		       kernel_path, k.hdr.version >> 8, k.hdr.version & 0xff,
		       k.relocatable ? "relocatable" : "fixed address", k.hdr.init_size,
		       (unsigned long long)k.align, clen, cmdline_max, initrd_path,
		       (long long)st.st_size);
	else
		printf("bootshim: kernel %s: arm64 Image, text_offset 0x%llx, image_size 0x%llx%s, "
		       "cmdline %zu/%u bytes; initrd %s: %lld bytes\n",
		       kernel_path, (unsigned long long)ak.text_offset,
		       (unsigned long long)ak.reserve, ak.assumed ? " (assumed)" : "", clen,
		       cmdline_max, initrd_path, (long long)st.st_size);
	return 0;
}
