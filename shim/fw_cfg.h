/* QEMU's firmware configuration device (docs/specs/fw_cfg.rst): the file
 * directory, and the ACPI table-loader script QEMU serves through it
 * (etc/table-loader, hw/acpi/bios-linker-loader.c). Pure functions over
 * buffers; the device access is the caller's (struct loader_ops). */
#ifndef BOOTSHIM_FW_CFG_H
#define BOOTSHIM_FW_CFG_H

#include "error.h"

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_NB_CPUS 0x05	/* 16-bit little-endian: the CPUs at start */
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

/* The sum of n bytes modulo 256 (ACPI's and SMBIOS's checksums), eight
 * bytes a step: QEMU's tables are checksummed at every boot. */
uint8_t fw_cfg_sum8(const uint8_t *p, size_t n);

/* QEMU's SMBIOS (hw/smbios/smbios.c): the structure table in
 * etc/smbios/smbios-tables, and its entry point in
 * etc/smbios/smbios-anchor with the table's address left for the
 * firmware to fill in, as SeaBIOS's smbios_romfile_setup does. */
#define SMBIOS_ANCHOR_FILE "etc/smbios/smbios-anchor"
#define SMBIOS_TABLES_FILE "etc/smbios/smbios-tables"

/* SMBIOS 2.1 (32-bit) entry point, DSP0134 5.2.1. */
struct smbios21_entry {
	char anchor[4];			/* "_SM_" */
	uint8_t checksum;		/* over the whole entry point */
	uint8_t length;			/* 0x1f */
	uint8_t major, minor;
	uint16_t max_structure_size;
	uint8_t revision;
	uint8_t formatted[5];
	char intermediate_anchor[5];	/* "_DMI_" */
	uint8_t intermediate_checksum;	/* over bytes 0x10..0x1e */
	uint16_t table_length;
	uint32_t table_address;
	uint16_t structures;
	uint8_t bcd_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct smbios21_entry) == 0x1f, "SMBIOS 2.1 entry point is 31 bytes");

/* SMBIOS 3.0 (64-bit) entry point, DSP0134 5.2.2. */
struct smbios30_entry {
	char anchor[5];			/* "_SM3_" */
	uint8_t checksum;
	uint8_t length;			/* 0x18 */
	uint8_t major, minor, docrev;
	uint8_t revision;		/* 1 */
	uint8_t reserved;
	uint32_t table_max_size;
	uint64_t table_address;
} __attribute__((packed));
_Static_assert(sizeof(struct smbios30_entry) == 0x18, "SMBIOS 3.0 entry point is 24 bytes");

#define SMBIOS_ENTRY_MAX sizeof(struct smbios21_entry)

struct smbios_entry {
	uint8_t bytes[SMBIOS_ENTRY_MAX];	/* the finished entry point */
	size_t len;
	unsigned major, minor;
	unsigned structures;			/* found in the table */
};

/* The entry point for QEMU's anchor (anchor_len bytes) and structure
 * table (tables, table_len bytes), with the table at table_addr: the
 * anchor must be a whole 2.1 or 3.0 entry point whose length field is its
 * size and whose table length (2.1: structure count and largest size too)
 * is the table's; the table must be a walk of structures (4-byte header,
 * formatted area, strings ending in two NULs) within table_len, ending
 * with type 127 or at its end. The address is filled in and the
 * checksums made. Every mismatch fails naming the field and value. */
int smbios_entry_make(const uint8_t *anchor, size_t anchor_len, const uint8_t *tables,
		      uint32_t table_len, uint64_t table_addr, struct smbios_entry *out,
		      struct error *e);

#endif
