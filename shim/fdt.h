/* Device tree reading and /chosen patching, on Debian's libfdt. Pure
 * functions over buffers: the unit tests run them on DTBs dumped from QEMU. */
#ifndef BOOTSHIM_FDT_H
#define BOOTSHIM_FDT_H

#include <libfdt.h>

#include "memmap.h"

/* booting.rst: "The device tree blob (dtb) must be placed on an 8-byte
 * boundary and must not exceed 2 megabytes in size." */
#define DT_MAX_SIZE MiB(2)
#define DT_ALIGN 8

/* Validate the header and structure of a DTB found at `fdt`, readable for
 * `avail` bytes; on success *size is its totalsize. */
int dt_check(const void *fdt, uint64_t avail, uint64_t *size, struct error *e);

/* ---- one walk (issue 13: every libfdt lookup by path or compatible
 * walks the structure block from the root, reading node names a byte per
 * bounds-checked call: QEMU's arm64 DTB costs ~100k guest instructions a
 * walk). dt_open walks it once, with libfdt's fdt_next_tag (property
 * names by fdt_get_string, once per name), and records the offsets the
 * shim reads; everything after reads properties at those offsets. ---- */

/* Nodes nested deeper than this are refused (QEMU's DTBs nest 5 deep). */
#define DT_MAX_DEPTH 16
/* /memory nodes recorded (device_type "memory", enabled); more: an error. */
#define DT_MAX_MEMORY 32
/* Enabled UARTs of one kind recorded, the first in tree order, for
 * stdout-path to choose among (one it names beyond them: the first). */
#define DT_MAX_UARTS 4
/* PL061 GPIO controllers recorded, for gpios phandles to resolve to. */
#define DT_MAX_PL061 4
/* riscv64: enabled MSWI devices (riscv,clint0, sifive,clint0,
 * riscv,aclint-mswi; one per socket on QEMU's virt) and riscv,cpu-intc
 * nodes (one per hart) recorded; more are counted, not recorded. */
#define DT_MAX_MSWI 8
#define DT_MAX_INTC 512

/* A node and its ancestors, root first (anc[0] == 0), parent last:
 * node < 0 when there is none. */
struct dt_node {
	int node;
	int depth; /* anc[0..depth-1] */
	int anc[DT_MAX_DEPTH];
};

/* A riscv,cpu-intc: its node, its parent (the hart's /cpus child), its
 * phandle (0: none). */
struct dt_intc {
	int node, parent;
	uint32_t phandle;
};

struct dt_uarts {
	size_t n;
	struct dt_node u[DT_MAX_UARTS];
};

struct dt_index {
	/* Children of the root by name ("chosen" or "chosen@..."; the first
	 * such, as fdt_path_offset finds): -1 if absent. */
	int chosen, cpus, psci, aliases, reserved_memory;
	int memory[DT_MAX_MEMORY]; /* enabled device_type "memory" nodes */
	size_t n_memory;
	struct dt_uarts pl011;	 /* enabled "arm,pl011", in tree order */
	struct dt_uarts ns16550; /* enabled "ns16550a" or "ns16550" */
	struct dt_node tpm;	 /* first enabled "tcg,tpm-tis-mmio" */
	struct dt_node gic_v3;	 /* first "arm,gic-v3" */
	struct dt_node gic_v2;	 /* first "arm,cortex-a15-gic" */
	struct dt_node gpio_poweroff, gpio_restart; /* first "gpio-poweroff" / "gpio-restart" */
	struct dt_node test1, test0; /* first "sifive,test1", first "sifive,test0" */
	/* "arm,pl061" nodes, enabled or not (the secure one is "disabled"
	 * with secure-status "okay"), and their phandles (0: none), for
	 * gpios = <&pl061 ...> to resolve without a walk. */
	size_t n_pl061;
	struct dt_node pl061[DT_MAX_PL061];
	uint32_t pl061_phandle[DT_MAX_PL061];
	size_t n_mswi, n_intc; /* how many the tree has */
	struct dt_node mswi[DT_MAX_MSWI];
	struct dt_intc intc[DT_MAX_INTC];
};

/* What dt_check checks of the header, then one walk of the structure
 * block to its FDT_END filling *ix (every tag and property name read
 * through libfdt's bounds checks): the validation of the shim's bare
 * flavours, in place of fdt_check_full's walk. Refused, with the offset:
 * what libfdt cannot walk (a bad tag, a truncated block, a name outside
 * the strings block), nesting deeper than DT_MAX_DEPTH, unbalanced
 * nodes, a second root, a property after a subnode (libfdt's lookups
 * would not see it), more than DT_MAX_MEMORY memory nodes. */
int dt_open(const void *fdt, uint64_t avail, uint64_t *size, struct dt_index *ix,
	    struct error *e);

/* The walk alone, over a blob whose header dt_check or dt_open accepted. */
int dt_scan(const void *fdt, struct dt_index *ix, struct error *e);

/* The functions below that take no index scan the blob themselves (the
 * UEFI flavours, the tests); the bare flavours call the _ix forms with the
 * index dt_open filled. */
int dt_memory_ix(const void *fdt, const struct dt_index *ix, struct memmap *m,
		 struct error *e);
int dt_console_pl011_ix(const void *fdt, const struct dt_index *ix, uint64_t *base);
char dt_psci_conduit_ix(const void *fdt, const struct dt_index *ix);
/* The enabled UART that /chosen/stdout-path names (a path, or an alias
 * whose value is an absolute path; options after ':'), among us; else the
 * first of us; NULL if us is empty. */
const struct dt_node *dt_stdout_uart(const void *fdt, const struct dt_index *ix,
				     const struct dt_uarts *us);

/* A big-endian number of `cells` 32-bit cells (at most 2 fit). */
uint64_t dt_read_cells(const fdt32_t *p, int cells);

/* No "status", or "okay" (or the older "ok"). */
bool dt_node_enabled(const void *fdt, int node);

/* device_type "cpu" (a /cpus child that is a CPU, not cpu-map). */
bool dt_is_cpu(const void *fdt, int node);

/* RAM from /memory nodes; /reserved-memory children and /memreserve/
 * entries as reserved. Appends to m (unsanitised). */
int dt_memory(const void *fdt, struct memmap *m, struct error *e);

/* The PL011 named by /chosen/stdout-path, else the first enabled
 * "arm,pl011". */
int dt_console_pl011(const void *fdt, uint64_t *base);

/* PSCI conduit from /psci "method": 'h' (hvc), 's' (smc), or 0. */
char dt_psci_conduit(const void *fdt);

/* A TPM with the TIS interface, memory-mapped: the first enabled node
 * compatible with "tcg,tpm-tis-mmio" (QEMU's -device tpm-tis-device puts
 * one on its platform bus). */
#define DT_PATH_MAX 256
struct dt_tpm {
	uint64_t base, size;	/* its registers, as a CPU physical address */
	char path[DT_PATH_MAX];	/* the node's path, for messages */
	int node;		/* its offset */
};

/* 0: found (*tpm filled); 1: no such node; -1: a node whose reg cannot be
 * read or translated to a CPU address through its parents' ranges (e
 * names the node, the property and the value). */
int dt_find_tpm(const void *fdt, struct dt_tpm *tpm, struct error *e);
int dt_find_tpm_ix(const void *fdt, const struct dt_index *ix, struct dt_tpm *tpm,
		   struct error *e);

struct dt_chosen {
	const char *bootargs;
	uint64_t initrd_start, initrd_end; /* end exclusive; start == end: none */
	const uint8_t *seed;		/* rng-seed bytes, NULL if no entropy */
	size_t seed_len;
	uint64_t kaslr_seed;		/* used if seed != NULL */
	/* UEFI boot (uefi_systab != 0): the linux,uefi-* properties the
	 * kernel's EFI stub would pass; memory nodes and /memreserve/ go, as
	 * the UEFI memory map is then the only memory description. */
	uint64_t uefi_systab, uefi_mmap;
	uint32_t uefi_mmap_size, uefi_desc_size, uefi_desc_ver, uefi_secure_boot;
	/* The TPM event log the shim wrote as the firmware (tpm_node != NULL):
	 * the node at that path gets linux,sml-base (u64) and linux,sml-size
	 * (u32), and a /memreserve/ covers the log, so that the kernel keeps it
	 * in its linear map, where drivers/char/tpm/eventlog/of.c reads it
	 * through __va() (Linux 6.1 and 6.12 alike): a no-map reservation
	 * would break that. */
	const char *tpm_node;
	uint64_t tpm_log_base;
	uint32_t tpm_log_size;
	/* What dt_open found in the original (/chosen, the TPM's node, by
	 * offset); NULL: found by path instead (each a walk of the tree). */
	const struct dt_index *ix;
};

/* Open `orig` into buf (growing the working size up to bufsize if libfdt
 * runs out of space), set /chosen, and check the result. */
int dt_patch(const void *orig, void *buf, uint64_t bufsize, const struct dt_chosen *c,
	     struct error *e);

/* Rewrite the UEFI memory map properties of a patched DTB in place (no
 * change of size: safe between GetMemoryMap and ExitBootServices). */
int dt_update_uefi_mmap(void *fdt, const struct dt_chosen *c, struct error *e);

/* The bytes of a checked blob its header, reservation map, structure and
 * strings blocks reach (at most totalsize): the rest is free space. */
uint64_t dt_used_size(const void *fdt);

/* Bytes dt_patch may need for `orig` (of which orig_size are used:
 * dt_used_size) and this /chosen content. */
uint64_t dt_patched_size(uint64_t orig_size, const struct dt_chosen *c);

/* ---- shim.rom as the EL3 firmware (arch/aarch64/psci_rt.c) ---- */

/* The MPIDRs (reg) of the /cpus children whose device_type is "cpu", at
 * most max of them: *n is how many the DTB has (more than max: the rest
 * are not listed). -1 on a reg that cannot be read. */
int dt_cpus(const void *fdt, uint64_t *mpidr, size_t max, size_t *n, struct error *e);
int dt_cpus_ix(const void *fdt, const struct dt_index *ix, uint64_t *mpidr, size_t max,
	       size_t *n, struct error *e);

/* Describe the firmware to the kernel, in place in fdt (opened into
 * bufsize bytes, packed again after): /psci (compatible "arm,psci-1.0",
 * "arm,psci-0.2", method "smc"); enable-method "psci" on each CPU whose
 * MPIDR is in psci_cpus (a spin-table's cpu-release-addr removed); and
 * [fw_base, fw_base+fw_size) as a no-map /reserved-memory child. Running
 * it again on its own output changes nothing. */
int dt_add_psci(void *fdt, uint64_t bufsize, const uint64_t *psci_cpus, size_t n,
		uint64_t fw_base, uint64_t fw_size, struct error *e);
/* The same with what dt_open found in fdt; *ix is filled again for the
 * result (one more walk, after all the writes). */
int dt_add_psci_ix(void *fdt, struct dt_index *ix, uint64_t bufsize, const uint64_t *psci_cpus,
		   size_t n, uint64_t fw_base, uint64_t fw_size, struct error *e);

/* The GPIO line of the first node compatible with `compat`, one of
 * "gpio-poweroff" and "gpio-restart" (another: 1) (QEMU virt,
 * secure=on: "gpio-poweroff" and "gpio-restart" on the secure PL061,
 * enabled for the secure world by secure-status): the PL061's registers
 * and the pin. 0: found; 1: no such node; -1: a node that does not lead
 * to an "arm,pl061" (e names what). */
int dt_gpio_line(const void *fdt, const char *compat, uint64_t *pl061, uint32_t *pin,
		 struct error *e);
/* The same for the node dt_open found (ix->gpio_poweroff, ix->gpio_restart). */
int dt_gpio_line_ix(const void *fdt, const struct dt_index *ix, const struct dt_node *n,
		    uint64_t *pl061, uint32_t *pin, struct error *e);

#endif
