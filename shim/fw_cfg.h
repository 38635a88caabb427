/* QEMU's firmware configuration device (docs/specs/fw_cfg.rst): the file
 * directory, and the ACPI table-loader script QEMU serves through it
 * (etc/table-loader, hw/acpi/bios-linker-loader.c). Pure functions over
 * buffers; the device access is the caller's (struct loader_ops). */
#ifndef BOOTSHIM_FW_CFG_H
#define BOOTSHIM_FW_CFG_H

#include "error.h"

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_ID_DMA (1u << 1)
#define FW_CFG_NAME_LEN 56
#define FW_DIR_MAX 128

struct fw_file {
	char name[FW_CFG_NAME_LEN + 1];	/* always NUL-terminated */
	uint32_t size;
	uint16_t select;
};

struct fw_dir {
	size_t n;
	struct fw_file f[FW_DIR_MAX];
};

/* The directory as read from FW_CFG_FILE_DIR: a big-endian count, then
 * 64-byte entries (big-endian size and select, a 56-byte name). */
int fw_dir_parse(const uint8_t *buf, size_t len, struct fw_dir *d, struct error *e);
const struct fw_file *fw_dir_find(const struct fw_dir *d, const char *name);

/* table-loader commands and zones */
#define LOADER_ALLOCATE 1
#define LOADER_ADD_POINTER 2
#define LOADER_ADD_CHECKSUM 3
#define LOADER_WRITE_POINTER 4
#define LOADER_ZONE_HIGH 1	/* anywhere in RAM below 4 GiB */
#define LOADER_ZONE_FSEG 2	/* the BIOS area below 1 MiB, where legacy scans look */
#define LOADER_ENTRY_SIZE 128
#define LOADER_MAX_FILES 16

struct loader_ops {
	void *ctx;
	/* Read the whole of f into dst (f->size bytes). */
	int (*read)(void *ctx, const struct fw_file *f, void *dst, struct error *e);
	/* Memory for size bytes at the alignment, in the zone. */
	int (*alloc)(void *ctx, uint8_t zone, uint64_t size, uint64_t align, uint64_t *phys,
		     uint8_t **host, struct error *e);
	/* Write len bytes into fw_cfg file f at offset. */
	int (*write)(void *ctx, const struct fw_file *f, uint32_t offset, const void *src,
		     uint32_t len, struct error *e);
};

struct loader_blob {
	const struct fw_file *file;
	uint64_t phys;
	uint8_t *host;
};

struct loader_state {
	size_t n;
	struct loader_blob blob[LOADER_MAX_FILES];
	unsigned pointers_written;	/* WRITE_POINTER commands carried out */
};

/* Run the script (len bytes of 128-byte commands). Every name must be a
 * directory file, every offset and size inside its blob. */
int loader_run(const uint8_t *script, size_t len, const struct fw_dir *dir,
	       const struct loader_ops *ops, struct loader_state *st, struct error *e);

/* The physical address a file was loaded at, or 0. */
uint64_t loader_addr(const struct loader_state *st, const char *name);

#endif
