#include "fw_cfg.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Copy a fixed-size name field, which must hold a NUL. */
static bool name_field(char *dst, const uint8_t *src)
{
	const uint8_t *nul = memchr(src, 0, FW_CFG_NAME_LEN);
	if (!nul)
		return false;
	memcpy(dst, src, (size_t)(nul - src) + 1);
	return true;
}

int fw_dir_parse(const uint8_t *buf, size_t len, struct fw_dir *d, struct error *e)
{
	d->n = 0;
	if (len < 4)
		return fail(e, "fw_cfg", "file directory of %zu bytes has no count", len);
	uint32_t count = be32(buf);
	if (count > FW_DIR_MAX)
		return fail(e, "fw_cfg", "file directory count %u exceeds %u", count, FW_DIR_MAX);
	if ((len - 4) / 64 < count)
		return fail(e, "fw_cfg", "file directory count %u needs %u bytes, has %zu", count,
			    4 + count * 64, len);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *p = buf + 4 + 64 * (size_t)i;
		struct fw_file *f = &d->f[d->n];
		f->size = be32(p);
		f->select = (uint16_t)(p[4] << 8 | p[5]);
		if (!name_field(f->name, p + 8))
			return fail(e, "fw_cfg", "file directory entry %u: name not terminated", i);
		d->n++;
	}
	return 0;
}

const struct fw_file *fw_dir_find(const struct fw_dir *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->f[i].name, name))
			return &d->f[i];
	return NULL;
}

static struct loader_blob *blob_of(struct loader_state *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->blob[i].file->name, name))
			return &st->blob[i];
	return NULL;
}

uint64_t loader_addr(const struct loader_state *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->blob[i].file->name, name))
			return st->blob[i].phys;
	return 0;
}

/* [off, off+size) inside a blob of len bytes. */
static bool inside(uint64_t off, uint64_t size, uint64_t len)
{
	return off <= len && size <= len - off;
}

static int allocate(const uint8_t *c, const struct fw_dir *dir, const struct loader_ops *ops,
		    struct loader_state *st, struct error *e)
{
	char name[FW_CFG_NAME_LEN + 1];
	if (!name_field(name, c + 4))
		return fail(e, "table-loader", "ALLOCATE: file name not terminated");
	uint32_t align = le32(c + 60);
	uint8_t zone = c[64];
	const struct fw_file *f = fw_dir_find(dir, name);
	if (!f)
		return fail(e, "table-loader", "ALLOCATE: no fw_cfg file '%s'", name);
	if (blob_of(st, name))
		return fail(e, "table-loader", "ALLOCATE: '%s' allocated twice", name);
	if (st->n == LOADER_MAX_FILES)
		return fail(e, "table-loader", "more than %u files", LOADER_MAX_FILES);
	if (!is_pow2(align) || align > 4096)
		return fail(e, "table-loader", "ALLOCATE '%s': alignment %u", name, align);
	if (zone != LOADER_ZONE_HIGH && zone != LOADER_ZONE_FSEG)
		return fail(e, "table-loader", "ALLOCATE '%s': unknown zone %u", name, zone);
	struct loader_blob *b = &st->blob[st->n];
	b->file = f;
	if (ops->alloc(ops->ctx, zone, f->size, align, &b->phys, &b->host, e) ||
	    ops->read(ops->ctx, f, b->host, e))
		return -1;
	st->n++;
	return 0;
}

static uint64_t get_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = size; i--;)
		v = v << 8 | p[i];
	return v;
}

static void put_le(uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static int two_files(const uint8_t *c, struct loader_state *st, const char *cmd,
		     struct loader_blob **dst, struct loader_blob **src, struct error *e)
{
	char dname[FW_CFG_NAME_LEN + 1], sname[FW_CFG_NAME_LEN + 1];
	if (!name_field(dname, c + 4) || !name_field(sname, c + 60))
		return fail(e, "table-loader", "%s: file name not terminated", cmd);
	*src = blob_of(st, sname);
	if (!*src)
		return fail(e, "table-loader", "%s: '%s' was not allocated", cmd, sname);
	if (dst) {
		*dst = blob_of(st, dname);
		if (!*dst)
			return fail(e, "table-loader", "%s: '%s' was not allocated", cmd, dname);
	}
	return 0;
}

static int add_pointer(const uint8_t *c, struct loader_state *st, struct error *e)
{
	struct loader_blob *dst, *src;
	if (two_files(c, st, "ADD_POINTER", &dst, &src, e))
		return -1;
	uint32_t off = le32(c + 116);
	uint8_t size = c[120];
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return fail(e, "table-loader", "ADD_POINTER: size %u", size);
	if (!inside(off, size, dst->file->size))
		return fail(e, "table-loader", "ADD_POINTER: offset %u+%u outside '%s' (%u bytes)",
			    off, size, dst->file->name, dst->file->size);
	uint64_t v = get_le(dst->host + off, size) + src->phys;
	if (size < 8 && v >> (size * 8))
		return fail(e, "table-loader", "ADD_POINTER: 0x%llx does not fit %u bytes",
			    (unsigned long long)v, size);
	put_le(dst->host + off, size, v);
	return 0;
}

/* Eight bytes a step: a word's even and odd bytes are added into its four
 * 16-bit lanes, at most 2 * 0xff a word, so the lanes are folded every
 * 128 words, before one could pass 0xffff and carry into the next. */
#define SUM8_LANES 0x00ff00ff00ff00ffull
#define SUM8_FOLD_WORDS 128

uint8_t fw_cfg_sum8(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	while (n >= 8) {
		size_t words = n / 8 < SUM8_FOLD_WORDS ? n / 8 : SUM8_FOLD_WORDS;
		uint64_t acc = 0;
		for (size_t i = 0; i < words; i++, p += 8) {
			uint64_t w;
			__builtin_memcpy(&w, p, sizeof(w));
			acc += (w & SUM8_LANES) + (w >> 8 & SUM8_LANES);
		}
		n -= words * 8;
		s += (uint32_t)(acc & 0xffff) + (uint32_t)(acc >> 16 & 0xffff) +
		     (uint32_t)(acc >> 32 & 0xffff) + (uint32_t)(acc >> 48);
	}
	while (n--)
		s += *p++;
	return (uint8_t)s;
}

static int add_checksum(const uint8_t *c, struct loader_state *st, struct error *e)
{
	char name[FW_CFG_NAME_LEN + 1];
	if (!name_field(name, c + 4))
		return fail(e, "table-loader", "ADD_CHECKSUM: file name not terminated");
	struct loader_blob *b = blob_of(st, name);
	if (!b)
		return fail(e, "table-loader", "ADD_CHECKSUM: '%s' was not allocated", name);
	uint32_t off = le32(c + 60), start = le32(c + 64), length = le32(c + 68);
	if (!inside(off, 1, b->file->size) || !inside(start, length, b->file->size))
		return fail(e, "table-loader", "ADD_CHECKSUM: range outside '%s' (%u bytes): "
			    "checksum at %u over %u+%u", name, b->file->size, off, start, length);
	b->host[off] = 0;
	b->host[off] = (uint8_t)-fw_cfg_sum8(b->host + start, length);
	return 0;
}

static int write_pointer(const uint8_t *c, const struct fw_dir *dir,
			 const struct loader_ops *ops, struct loader_state *st, struct error *e)
{
	struct loader_blob *src;
	if (two_files(c, st, "WRITE_POINTER", NULL, &src, e))
		return -1;
	char dname[FW_CFG_NAME_LEN + 1];
	name_field(dname, c + 4);
	const struct fw_file *dst = fw_dir_find(dir, dname);
	if (!dst)
		return fail(e, "table-loader", "WRITE_POINTER: no fw_cfg file '%s'", dname);
	uint32_t dst_off = le32(c + 116), src_off = le32(c + 120);
	uint8_t size = c[124];
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return fail(e, "table-loader", "WRITE_POINTER: size %u", size);
	/* The pointer names a byte inside the source blob (QEMU asserts
	 * src_offset < its length when it builds the script). */
	if (!inside(dst_off, size, dst->size) || src_off >= src->file->size)
		return fail(e, "table-loader", "WRITE_POINTER: offsets %u/%u outside '%s'/'%s'",
			    dst_off, src_off, dname, src->file->name);
	uint64_t addr = src->phys + src_off;
	if (size < 8 && addr >> (size * 8))
		return fail(e, "table-loader", "WRITE_POINTER: 0x%llx does not fit %u bytes",
			    (unsigned long long)addr, size);
	uint8_t v[8];
	put_le(v, size, addr);
	if (ops->write(ops->ctx, dst, dst_off, v, size, e))
		return -1;
	st->pointers_written++;
	return 0;
}

int loader_run(const uint8_t *script, size_t len, const struct fw_dir *dir,
	       const struct loader_ops *ops, struct loader_state *st, struct error *e)
{
	st->n = 0;
	st->pointers_written = 0;
	if (len % LOADER_ENTRY_SIZE)
		return fail(e, "table-loader", "%zu bytes is not a whole number of commands", len);
	for (size_t i = 0; i < len; i += LOADER_ENTRY_SIZE) {
		const uint8_t *c = script + i;
		int r;
		switch (le32(c)) {
		case LOADER_ALLOCATE:
			r = allocate(c, dir, ops, st, e);
			break;
		case LOADER_ADD_POINTER:
			r = add_pointer(c, st, e);
			break;
		case LOADER_ADD_CHECKSUM:
			r = add_checksum(c, st, e);
			break;
		case LOADER_WRITE_POINTER:
			r = write_pointer(c, dir, ops, st, e);
			break;
		default:
			/* "Commands with unknown ids ... are ignored" by firmware
			 * (bios-linker-loader.c), so that QEMU can add new ones. */
			r = 0;
		}
		if (r)
			return -1;
	}
	return 0;
}

/* ---- SMBIOS */

#define SMBIOS_HEADER_LEN 4		/* type, length, handle */
#define SMBIOS_TYPE_END 127
#define SMBIOS21_INTERMEDIATE 0x10	/* where "_DMI_" starts */

/* Walk the structure table: each structure is its formatted area
 * (length from its header, at least the header) and a string set that
 * ends in two NULs. Counts them and the largest. */
static int smbios_walk(const uint8_t *t, uint32_t len, unsigned *count, uint32_t *largest,
		       struct error *e)
{
	uint32_t off = 0;
	*count = 0;
	*largest = 0;
	while (off < len) {
		if (len - off < SMBIOS_HEADER_LEN)
			return fail(e, "smbios", "structure %u at offset %u: header runs past the "
				    "table's %u bytes", *count, off, len);
		uint8_t type = t[off], flen = t[off + 1];
		if (flen < SMBIOS_HEADER_LEN || flen > len - off)
			return fail(e, "smbios", "structure %u (type %u) at offset %u: length %u "
				    "outside the table's %u bytes", *count, type, off, flen, len);
		uint32_t s = off + flen;
		/* The string set: a double NUL ends it (an empty set is just
		 * that). */
		while (s + 1 < len && (t[s] || t[s + 1]))
			s++;
		if (s + 1 >= len)
			return fail(e, "smbios", "structure %u (type %u) at offset %u: strings "
				    "not terminated within the table", *count, type, off);
		s += 2;
		if (s - off > *largest)
			*largest = s - off;
		(*count)++;
		off = s;
		if (type == SMBIOS_TYPE_END)
			break;
	}
	return 0;
}

int smbios_entry_make(const uint8_t *anchor, size_t anchor_len, const uint8_t *tables,
		      uint32_t table_len, uint64_t table_addr, struct smbios_entry *out,
		      struct error *e)
{
	unsigned count;
	uint32_t largest;
	memset(out, 0, sizeof(*out));
	if (!table_len)
		return fail(e, "smbios", "%s is empty", SMBIOS_TABLES_FILE);
	if (smbios_walk(tables, table_len, &count, &largest, e))
		return -1;
	out->structures = count;
	if (anchor_len == sizeof(struct smbios21_entry) && !memcmp(anchor, "_SM_", 4)) {
		struct smbios21_entry ep;
		memcpy(&ep, anchor, sizeof(ep));
		if (ep.length != sizeof(ep))
			return fail(e, "smbios", "2.1 entry point length 0x%x, not 0x%zx", ep.length,
				    sizeof(ep));
		if (memcmp(ep.intermediate_anchor, "_DMI_", 5))
			return fail(e, "smbios", "2.1 entry point without its _DMI_ anchor");
		if (ep.table_length != table_len)
			return fail(e, "smbios", "2.1 entry point table length %u, but %s is %u "
				    "bytes", ep.table_length, SMBIOS_TABLES_FILE, table_len);
		if (ep.structures != count)
			return fail(e, "smbios", "2.1 entry point says %u structures, the table "
				    "holds %u", ep.structures, count);
		if (ep.max_structure_size < largest)
			return fail(e, "smbios", "2.1 entry point's largest structure %u bytes, "
				    "the table has one of %u", ep.max_structure_size, largest);
		if (table_addr > UINT32_MAX || table_addr + table_len > (uint64_t)UINT32_MAX + 1)
			return fail(e, "smbios", "2.1 table at 0x%llx is beyond 4 GiB",
				    (unsigned long long)table_addr);
		ep.table_address = (uint32_t)table_addr;
		ep.intermediate_checksum = 0;
		ep.checksum = 0;
		memcpy(out->bytes, &ep, sizeof(ep));
		out->bytes[offsetof(struct smbios21_entry, intermediate_checksum)] =
			(uint8_t)-fw_cfg_sum8(out->bytes + SMBIOS21_INTERMEDIATE,
					   sizeof(ep) - SMBIOS21_INTERMEDIATE);
		out->bytes[offsetof(struct smbios21_entry, checksum)] =
			(uint8_t)-fw_cfg_sum8(out->bytes, sizeof(ep));
		out->len = sizeof(ep);
		out->major = ep.major;
		out->minor = ep.minor;
		return 0;
	}
	if (anchor_len == sizeof(struct smbios30_entry) && !memcmp(anchor, "_SM3_", 5)) {
		struct smbios30_entry ep;
		memcpy(&ep, anchor, sizeof(ep));
		if (ep.length != sizeof(ep))
			return fail(e, "smbios", "3.0 entry point length 0x%x, not 0x%zx", ep.length,
				    sizeof(ep));
		if (ep.table_max_size != table_len)
			return fail(e, "smbios", "3.0 entry point table maximum size %u, but %s "
				    "is %u bytes", ep.table_max_size, SMBIOS_TABLES_FILE, table_len);
		ep.table_address = table_addr;
		ep.checksum = 0;
		memcpy(out->bytes, &ep, sizeof(ep));
		out->bytes[offsetof(struct smbios30_entry, checksum)] =
			(uint8_t)-fw_cfg_sum8(out->bytes, sizeof(ep));
		out->len = sizeof(ep);
		out->major = ep.major;
		out->minor = ep.minor;
		return 0;
	}
	return fail(e, "smbios", "%s (%zu bytes) is neither a 2.1 (_SM_, 31 bytes) nor a 3.0 "
		    "(_SM3_, 24 bytes) entry point", SMBIOS_ANCHOR_FILE, anchor_len);
}
