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
	char path[DT_PATH_MAX];	/* the node, to find it again in the patched DTB */
};

/* 0: found (*tpm filled); 1: no such node; -1: a node whose reg cannot be
 * read or translated to a CPU address through its parents' ranges (e
 * names the node, the property and the value). */
int dt_find_tpm(const void *fdt, struct dt_tpm *tpm, struct error *e);

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

/* Describe the firmware to the kernel, in place in fdt (opened into
 * bufsize bytes, packed again after): /psci (compatible "arm,psci-1.0",
 * "arm,psci-0.2", method "smc"); enable-method "psci" on each CPU whose
 * MPIDR is in psci_cpus (a spin-table's cpu-release-addr removed); and
 * [fw_base, fw_base+fw_size) as a no-map /reserved-memory child. Running
 * it again on its own output changes nothing. */
int dt_add_psci(void *fdt, uint64_t bufsize, const uint64_t *psci_cpus, size_t n,
		uint64_t fw_base, uint64_t fw_size, struct error *e);

/* The GPIO line of the first node compatible with `compat` (QEMU virt,
 * secure=on: "gpio-poweroff" and "gpio-restart" on the secure PL061,
 * enabled for the secure world by secure-status): the PL061's registers
 * and the pin. 0: found; 1: no such node; -1: a node that does not lead
 * to an "arm,pl061" (e names what). */
int dt_gpio_line(const void *fdt, const char *compat, uint64_t *pl061, uint32_t *pin,
		 struct error *e);

#endif
