/* The build-time check of a payload, shared by bootshim-payload
 * (tools/payload.c) and bootshim pack (tools/pack.c): the shim's own
 * parsers (shim/x86_64_boot.c, aarch64_image.c, riscv64_image.c, fdt.c)
 * run over the kernel, command line and DTB on the host, so a payload the
 * shim would refuse at boot is refused before it is embedded, with the
 * same message whichever tool embeds it. */
#ifndef BOOTSHIM_PAYLOAD_CHECK_H
#define BOOTSHIM_PAYLOAD_CHECK_H

#include "error.h"
#include "lib.h"

/* What embedding needs to know of a kernel, from its arch's parser. */
struct kernel_layout {
	uint32_t cmdline_max;	/* the kernel's command line limit, without the NUL */
	uint64_t head_bytes;	/* bytes embedded apart in front (x86_64's setup) */
	uint64_t align;		/* x86_64: load address alignment */
	uint64_t min_addr;	/* x86_64: lowest load address (pref_address) */
	uint64_t text_offset;	/* aarch64: from a 2 MiB boundary; else 0 */
	uint64_t reserve;	/* memory the kernel needs where it runs */
	char summary[512];	/* for the build's output */
};

/* One row an architecture: its name, its payload index machine, whether
 * it boots with a device tree (then a DTB may be given), its kernel's
 * parser. */
struct payload_arch {
	const char *name;
	uint32_t machine;
	bool dtb;
	int (*layout)(const uint8_t *kbuf, size_t klen, struct kernel_layout *out,
		      struct error *e);
};

/* The row named `name`, or NULL; payload_arch_names lists the names
 * ("x86_64, aarch64, riscv64") for an error message. */
const struct payload_arch *payload_arch_find(const char *name);
void payload_arch_names(char *buf, size_t len);

/* The payload as read: paths name the inputs in messages. The command
 * line is clen bytes, without a NUL; dtb is NULL when none is given. */
struct payload_input {
	const struct payload_arch *arch;
	const char *kernel_path, *dtb_path;
	const uint8_t *kernel;
	size_t klen;
	const uint8_t *cmdline;
	size_t clen;
	const uint8_t *dtb;
	size_t dlen;
};

/* 0 with the kernel's layout, or -1 with the message bootshim prints
 * after "bootshim: error: " ("KERNEL=...: ...", "CMDLINE: ...",
 * "DTB=...: ..."). The initrd is checked by whoever reads it (it must
 * exist and not be empty). */
int payload_check(const struct payload_input *in, struct kernel_layout *kl, char *why,
		  size_t why_len);

#endif
