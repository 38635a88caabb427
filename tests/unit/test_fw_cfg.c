/* shim/fw_cfg.c: the fw_cfg file directory and the ACPI table-loader.
 *
 * Real blobs: tests/unit/fw_cfg/<machine>/ holds what QEMU serves on
 * `-M pc -m 1G` and `-M q35 -m 1G -smp 4 -device vmgenid` (recorded by
 * tests/unit/fw_cfg/record.py; fw_cfg files are stored without their
 * trailing zero bytes, zero-filled here up to the size file_dir gives).
 * loader_run runs their scripts through fake loader_ops: every allocation
 * is its own heap buffer of exactly the file's size (so ASan sees any
 * access past a blob), at a fake physical address bump-allocated in a
 * window per zone (HIGH: the top MiB below 1 GiB; FSEG: the EBDA, as
 * arch/x86_64/rom.c has them). The result is then read as ACPI: RSDP,
 * RSDT/XSDT, FADT, DSDT, FACS, MADT.
 *
 * Hostile scripts and directories are hand-made, in exact-size buffers. */
#include "unit.h"
#include "fw_cfg.h"

#include <errno.h>

/* ---------------------------------------------------------------- memory */

/* Heap buffers a test allocates, freed by the teardown, so that a test
 * that fails half-way (cmocka longjmps out of it) leaks nothing. */
static void **owned;
static size_t n_owned, cap_owned;

static void *own(void *p)
{
	assert_non_null(p);
	if (n_owned == cap_owned) {
		cap_owned = cap_owned ? 2 * cap_owned : 64;
		owned = realloc(owned, cap_owned * sizeof(*owned));
		assert_non_null(owned);
	}
	owned[n_owned++] = p;
	return p;
}

static void *own_malloc(size_t n)
{
	return own(malloc(n ? n : 1));
}

/* A copy of n bytes in a buffer of exactly n bytes. */
static void *own_dup(const void *p, size_t n)
{
	void *q = own_malloc(n);
	memcpy(q, p, n);
	return q;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_owned; i++)
		free(owned[i]);
	free(owned);
	owned = NULL;
	n_owned = cap_owned = 0;
	return 0;
}

/* -------------------------------------------------------------- fixtures */

static const char *fixture_dir(void)
{
	const char *d = getenv("BOOTSHIM_TEST_FW_CFG_DIR");
	return d && *d ? d : "tests/unit/fw_cfg";
}

/* <fixture_dir>/<machine>/<name>, or NULL (with *len 0) if missing and
 * !required. */
static uint8_t *load_fixture(const char *machine, const char *name, size_t *len,
			     bool required)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s/%s", fixture_dir(), machine, name);
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (!required && errno == ENOENT)
			return NULL;
		fail_msg("%s: %s (run from the top directory or set BOOTSHIM_TEST_FW_CFG_DIR; "
			 "tests/unit/fw_cfg/record.py records the blobs)",
			 path, strerror(errno));
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	uint8_t *buf = own_malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* ---------------------------------------------------------- fake devices */

#define HIGH_BASE 0x3ff00000ull /* the top MiB below 1 GiB */
#define HIGH_END 0x40000000ull
#define FSEG_BASE 0x9fc00ull	/* the EBDA */
#define FSEG_END 0xa0000ull

struct fake_alloc {
	const char *name; /* the file read into it (set by the read) */
	uint8_t zone;
	uint64_t size, align, phys;
	uint8_t *host;
};

struct fake_write {
	const struct fw_file *f;
	uint32_t off, len;
	uint8_t v[8];
};

struct served {
	char name[FW_CFG_NAME_LEN + 1];
	const uint8_t *data; /* len bytes, zero-filled to the file's size */
	size_t len;
};

struct fake {
	const struct fw_dir *dir;
	struct served file[24];
	size_t n_files;
	bool strict; /* reading a file not served fails (else: zeros) */
	uint64_t next[3], end[3]; /* per zone */
	struct fake_alloc alloc[LOADER_MAX_FILES + 8];
	size_t n_alloc;
	struct fake_write write[8];
	size_t n_write;
	unsigned alloc_calls, read_calls, write_calls;
	unsigned fail_alloc, fail_read, fail_write; /* the call (1-based) that fails */
};

static int fake_alloc(void *ctx, uint8_t zone, uint64_t size, uint64_t align, uint64_t *phys,
		      uint8_t **host, struct error *e)
{
	struct fake *fk = ctx;
	fk->alloc_calls++;
	/* The loader's part of the contract: only valid zones and alignments. */
	assert_true(zone == LOADER_ZONE_HIGH || zone == LOADER_ZONE_FSEG);
	assert_true(is_pow2(align) && align <= 4096);
	if (fk->alloc_calls == fk->fail_alloc)
		return (fail)(e, "fake alloc", "refused call %u", fk->alloc_calls);
	uint64_t p;
	assert_true(align_up(fk->next[zone], align, &p));
	if (p > fk->end[zone] || size > fk->end[zone] - p)
		return (fail)(e, "fake alloc", "no room for %llu bytes in zone %u",
			      (unsigned long long)size, zone);
	assert_true(fk->n_alloc < ARRAY_SIZE(fk->alloc));
	struct fake_alloc *a = &fk->alloc[fk->n_alloc++];
	*a = (struct fake_alloc){ NULL, zone, size, align, p, own_malloc(size) };
	memset(a->host, 0xcc, size); /* the read must fill all of it */
	fk->next[zone] = p + size;
	*phys = p;
	*host = a->host;
	return 0;
}

static int fake_read(void *ctx, const struct fw_file *f, void *dst, struct error *e)
{
	struct fake *fk = ctx;
	fk->read_calls++;
	/* Into the buffer just allocated, of the file's size. */
	assert_true(fk->n_alloc > 0);
	struct fake_alloc *a = &fk->alloc[fk->n_alloc - 1];
	assert_ptr_equal(dst, a->host);
	assert_int_equal(a->size, f->size);
	assert_true(f >= fk->dir->f && f < fk->dir->f + fk->dir->n);
	a->name = f->name;
	if (fk->read_calls == fk->fail_read)
		return (fail)(e, "fake read", "'%s' refused", f->name);
	for (size_t i = 0; i < fk->n_files; i++)
		if (!strcmp(fk->file[i].name, f->name)) {
			assert_true(fk->file[i].len <= f->size);
			memcpy(dst, fk->file[i].data, fk->file[i].len);
			memset((uint8_t *)dst + fk->file[i].len, 0, f->size - fk->file[i].len);
			return 0;
		}
	if (fk->strict)
		fail_msg("the loader read '%s', which the test does not serve", f->name);
	memset(dst, 0, f->size);
	return 0;
}

static int fake_write(void *ctx, const struct fw_file *f, uint32_t offset, const void *src,
		      uint32_t len, struct error *e)
{
	struct fake *fk = ctx;
	fk->write_calls++;
	assert_true(f >= fk->dir->f && f < fk->dir->f + fk->dir->n);
	assert_true(len >= 1 && len <= 8);
	assert_true(offset <= f->size && len <= f->size - offset);
	if (fk->write_calls == fk->fail_write)
		return (fail)(e, "fake write", "'%s' refused", f->name);
	assert_true(fk->n_write < ARRAY_SIZE(fk->write));
	struct fake_write *w = &fk->write[fk->n_write++];
	w->f = f;
	w->off = offset;
	w->len = len;
	memset(w->v, 0, sizeof(w->v));
	memcpy(w->v, src, len);
	return 0;
}

static struct fake *fake_new(const struct fw_dir *dir)
{
	struct fake *fk = own_malloc(sizeof(*fk));
	memset(fk, 0, sizeof(*fk));
	fk->dir = dir;
	fk->next[LOADER_ZONE_HIGH] = HIGH_BASE;
	fk->end[LOADER_ZONE_HIGH] = HIGH_END;
	fk->next[LOADER_ZONE_FSEG] = FSEG_BASE;
	fk->end[LOADER_ZONE_FSEG] = FSEG_END;
	return fk;
}

static struct loader_ops ops_of(struct fake *fk)
{
	return (struct loader_ops){ fk, fake_read, fake_alloc, fake_write };
}

static const struct fake_alloc *alloc_of(const struct fake *fk, const char *name)
{
	for (size_t i = 0; i < fk->n_alloc; i++)
		if (fk->alloc[i].name && !strcmp(fk->alloc[i].name, name))
			return &fk->alloc[i];
	fail_msg("no allocation holds '%s'", name);
	return NULL;
}

/* The host bytes of [phys, phys+len), which must lie inside the blob
 * `name`. */
static uint8_t *in_blob(const struct fake *fk, const char *name, uint64_t phys, uint64_t len,
			const char *what)
{
	const struct fake_alloc *a = alloc_of(fk, name);
	if (phys < a->phys || len > a->size || phys - a->phys > a->size - len)
		fail_msg("%s [0x%llx, +%llu) is outside '%s' [0x%llx, +%llu)", what,
			 (unsigned long long)phys, (unsigned long long)len, name,
			 (unsigned long long)a->phys, (unsigned long long)a->size);
	return a->host + (phys - a->phys);
}

/* The loader's state agrees with what the fake handed out. */
static void check_state(const struct fake *fk, const struct loader_state *ls)
{
	assert_int_equal(ls->n, fk->n_alloc);
	for (size_t i = 0; i < ls->n; i++) {
		const struct loader_blob *b = &ls->blob[i];
		const struct fake_alloc *a = &fk->alloc[i];
		assert_non_null(a->name);
		assert_string_equal(b->file->name, a->name);
		assert_int_equal(b->phys, a->phys);
		assert_ptr_equal(b->host, a->host);
		assert_int_equal(b->file->size, a->size);
		assert_int_equal(loader_addr(ls, a->name), a->phys);
	}
	assert_int_equal(ls->pointers_written, fk->n_write);
}

/* ------------------------------------------------------ script building */

static struct {
	uint8_t b[LOADER_ENTRY_SIZE * 40];
	size_t len;
} S;

/* A 56-byte name field; a 56-character name leaves it unterminated. */
static void put_name(uint8_t *p, const char *name)
{
	size_t l = strlen(name);
	assert_true(l <= FW_CFG_NAME_LEN);
	memcpy(p, name, l);
}

static uint8_t *cmd(uint32_t id)
{
	assert_true(S.len + LOADER_ENTRY_SIZE <= sizeof(S.b));
	uint8_t *c = S.b + S.len;
	memset(c, 0, LOADER_ENTRY_SIZE);
	st(c, 0, 4, id);
	S.len += LOADER_ENTRY_SIZE;
	return c;
}

static void c_alloc(const char *file, uint32_t align, uint8_t zone)
{
	uint8_t *c = cmd(LOADER_ALLOCATE);
	put_name(c + 4, file);
	st(c, 60, 4, align);
	c[64] = zone;
}

static void c_ptr(const char *dst, const char *src, uint32_t off, uint8_t size)
{
	uint8_t *c = cmd(LOADER_ADD_POINTER);
	put_name(c + 4, dst);
	put_name(c + 60, src);
	st(c, 116, 4, off);
	c[120] = size;
}

static void c_csum(const char *file, uint32_t off, uint32_t start, uint32_t len)
{
	uint8_t *c = cmd(LOADER_ADD_CHECKSUM);
	put_name(c + 4, file);
	st(c, 60, 4, off);
	st(c, 64, 4, start);
	st(c, 68, 4, len);
}

static void c_wrptr(const char *dst, const char *src, uint32_t dst_off, uint32_t src_off,
		    uint8_t size)
{
	uint8_t *c = cmd(LOADER_WRITE_POINTER);
	put_name(c + 4, dst);
	put_name(c + 60, src);
	st(c, 116, 4, dst_off);
	st(c, 120, 4, src_off);
	c[124] = size;
}

/* A directory blob as FW_CFG_FILE_DIR serves it. */
struct dir_entry {
	const char *name;
	uint32_t size;
};

static uint8_t *dir_blob(const struct dir_entry *e, size_t n, size_t *len)
{
	*len = 4 + 64 * n;
	uint8_t *b = own_malloc(*len);
	memset(b, 0, *len);
	b[0] = (uint8_t)(n >> 24), b[1] = (uint8_t)(n >> 16), b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = b + 4 + 64 * i;
		p[0] = (uint8_t)(e[i].size >> 24), p[1] = (uint8_t)(e[i].size >> 16);
		p[2] = (uint8_t)(e[i].size >> 8), p[3] = (uint8_t)e[i].size;
		p[4] = (uint8_t)((0x20 + i) >> 8), p[5] = (uint8_t)(0x20 + i);
		put_name(p + 8, e[i].name);
	}
	return b;
}

static void set_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#define NAME55 "etc/a-name-of-fifty-five-characters-which-is-the-most-x"
#define NAME56 "etc/a-name-of-fifty-six-characters-which-has-no-room-for"

/* The hand-made directory the hostile scripts use. */
static const struct dir_entry syn_files[] = {
	{ "a", 64 }, { "b", 16 }, { "addr", 8 }, { "empty", 0 }, { NAME55, 32 },
	{ "f00", 4 }, { "f01", 4 }, { "f02", 4 }, { "f03", 4 }, { "f04", 4 }, { "f05", 4 },
	{ "f06", 4 }, { "f07", 4 }, { "f08", 4 }, { "f09", 4 }, { "f10", 4 }, { "f11", 4 },
	{ "f12", 4 }, { "f13", 4 }, { "f14", 4 }, { "f15", 4 }, { "f16", 4 },
};

static struct fw_dir *syn_dir(void)
{
	struct error e;
	size_t len;
	uint8_t *b = dir_blob(syn_files, ARRAY_SIZE(syn_files), &len);
	struct fw_dir *d = own_malloc(sizeof(*d));
	assert_ok(fw_dir_parse(b, len, d, &e), &e);
	assert_int_equal(d->n, ARRAY_SIZE(syn_files));
	return d;
}

/* Run S (copied to a buffer of exactly its length) on the fake fk. */
static int run_fk(const struct fw_dir *d, struct fake *fk, struct loader_state *ls,
		  struct error *e)
{
	struct loader_ops ops = ops_of(fk);
	uint8_t *script = own_dup(S.b, S.len);
	memset(e->msg, 0, sizeof(e->msg));
	int r = loader_run(script, S.len, d, &ops, ls, e);
	assert_true(r == 0 || r == -1);
	if (r == 0)
		check_state(fk, ls);
	else
		assert_true(ls->n <= LOADER_MAX_FILES);
	return r;
}

/* The same on a fresh fake. */
static int run_s(const struct fw_dir *d, struct fake **fkp, struct loader_state *ls,
		 struct error *e)
{
	struct fake *fk = fake_new(d);
	if (fkp)
		*fkp = fk;
	return run_fk(d, fk, ls, e);
}

/* S must be refused with "table-loader: ..." mentioning `what`, before any
 * write-back. */
#define assert_refused(d, what)                                                     \
	do {                                                                        \
		struct loader_state ls_;                                            \
		struct error e_;                                                    \
		struct fake *fk_;                                                   \
		if (run_s((d), &fk_, &ls_, &e_) != -1)                              \
			fail_msg("script accepted, expected a refusal (%s)", what); \
		if (strncmp(e_.msg, "table-loader: ", 14))                          \
			fail_msg("error \"%s\" does not start with \"table-loader: \"", \
				 e_.msg);                                           \
		assert_err_mentions(&e_, what);                                     \
		assert_int_equal(fk_->n_write, 0);                                  \
	} while (0)

#define assert_accepted(d)                                                          \
	do {                                                                        \
		struct loader_state ls_;                                            \
		struct error e_;                                                    \
		if (run_s((d), NULL, &ls_, &e_))                                    \
			fail_msg("script refused: %s", e_.msg);                     \
	} while (0)

#define RESET() (S.len = 0)

/* ------------------------------------------------------ directory tests */

static struct fw_dir *real_dir(const char *machine, const uint8_t **blob, size_t *len)
{
	struct error e;
	const uint8_t *b = load_fixture(machine, "file_dir", len, true);
	struct fw_dir *d = own_malloc(sizeof(*d));
	memset(d, 0xa5, sizeof(*d));
	assert_ok(fw_dir_parse(b, *len, d, &e), &e);
	if (blob)
		*blob = b;
	return d;
}

static void check_real_dir(const char *machine)
{
	size_t len;
	const uint8_t *b;
	struct fw_dir *d = real_dir(machine, &b, &len);
	uint32_t count = get_be32(b);
	assert_true(count > 0 && count <= FW_DIR_MAX);
	assert_int_equal(len, 4 + 64 * (size_t)count);
	assert_int_equal(d->n, count);
	for (size_t i = 0; i < d->n; i++) {
		const uint8_t *p = b + 4 + 64 * i;
		const struct fw_file *f = &d->f[i];
		assert_int_equal(f->size, get_be32(p));
		assert_int_equal(f->select, p[4] << 8 | p[5]);
		assert_int_equal(f->select, 0x20 + i); /* QEMU numbers them in order */
		assert_true(memchr(f->name, 0, sizeof(f->name)));
		assert_int_equal(memcmp(f->name, p + 8, strlen(f->name) + 1), 0);
		assert_ptr_equal(fw_dir_find(d, f->name), f);
	}
	const struct fw_file *tl = fw_dir_find(d, "etc/table-loader");
	const struct fw_file *rsdp = fw_dir_find(d, "etc/acpi/rsdp");
	const struct fw_file *tables = fw_dir_find(d, "etc/acpi/tables");
	const struct fw_file *e820 = fw_dir_find(d, "etc/e820");
	assert_non_null(tl);
	assert_non_null(rsdp);
	assert_non_null(tables);
	assert_non_null(e820);
	assert_int_equal(tl->size % LOADER_ENTRY_SIZE, 0);
	assert_true(rsdp->size == 20 || rsdp->size == 36); /* ACPI 1.0 or 2.0 */
	assert_true(tables->size >= 4096); /* QEMU 7.2 pads it to 128 KiB */
	assert_int_equal(e820->size % 20, 0);
	assert_null(fw_dir_find(d, "etc/acpi"));
	assert_null(fw_dir_find(d, "etc/acpi/tables/"));
	assert_null(fw_dir_find(d, "etc/acpi/table"));
	assert_null(fw_dir_find(d, ""));

	/* Bytes past count * 64 are not looked at. */
	uint8_t *longer = own_malloc(len + 100);
	memcpy(longer, b, len);
	memset(longer + len, 'x', 100);
	struct fw_dir *d2 = own_malloc(sizeof(*d2));
	struct error e;
	assert_ok(fw_dir_parse(longer, len + 100, d2, &e), &e);
	assert_int_equal(d2->n, d->n);
	for (size_t i = 0; i < d->n; i++) {
		assert_string_equal(d2->f[i].name, d->f[i].name);
		assert_int_equal(d2->f[i].size, d->f[i].size);
		assert_int_equal(d2->f[i].select, d->f[i].select);
	}
}

static void test_fw_dir_real_pc(void **state)
{
	(void)state;
	check_real_dir("pc");
}

static void test_fw_dir_real_q35(void **state)
{
	(void)state;
	check_real_dir("q35-vmgenid");
	struct fw_dir *d = real_dir("q35-vmgenid", NULL, &(size_t){ 0 });
	const struct fw_file *addr = fw_dir_find(d, "etc/vmgenid_addr");
	assert_non_null(addr);
	assert_int_equal(addr->size, 8);
	assert_non_null(fw_dir_find(d, "etc/vmgenid_guid"));
}

static void test_fw_dir_short(void **state)
{
	(void)state;
	struct error e;
	struct fw_dir *d = own_malloc(sizeof(*d));
	uint8_t zero4[4] = { 0 };
	for (size_t len = 0; len < 4; len++) {
		d->n = 77;
		uint8_t *b = own_dup(zero4, len);
		assert_fails_mentioning(fw_dir_parse(b, len, d, &e), &e, "fw_cfg: ");
		assert_err_mentions(&e, "no count");
		assert_int_equal(d->n, 0);
	}
	/* Four bytes: an empty directory is fine, one entry is not there. */
	uint8_t *b = own_dup(zero4, 4);
	assert_ok(fw_dir_parse(b, 4, d, &e), &e);
	assert_int_equal(d->n, 0);
	assert_null(fw_dir_find(d, "etc/table-loader"));
	b[3] = 1;
	assert_fails_mentioning(fw_dir_parse(b, 4, d, &e), &e, "fw_cfg: ");
	assert_int_equal(d->n, 0);
}

static void test_fw_dir_count_past_buffer(void **state)
{
	(void)state;
	struct error e;
	size_t len;
	const uint8_t *real;
	struct fw_dir *d = real_dir("pc", &real, &len);
	uint32_t count = (uint32_t)d->n;

	/* The count says one more entry than there is. */
	uint8_t *b = own_dup(real, len);
	set_be32(b, count + 1);
	assert_fails_mentioning(fw_dir_parse(b, len, d, &e), &e, "fw_cfg: ");
	assert_err_mentions(&e, "needs");
	/* The last entry cut short by one byte, or by 63. */
	b = own_dup(real, len - 1);
	assert_fails_mentioning(fw_dir_parse(b, len - 1, d, &e), &e, "needs");
	b = own_dup(real, len - 63);
	assert_fails_mentioning(fw_dir_parse(b, len - 63, d, &e), &e, "needs");
	/* Counts that would overflow a 32-bit size computation. */
	static const uint32_t huge[] = { 0x04000001, 0x80000000, 0xffffffff };
	for (size_t i = 0; i < ARRAY_SIZE(huge); i++) {
		b = own_dup(real, len);
		set_be32(b, huge[i]);
		assert_fails_mentioning(fw_dir_parse(b, len, d, &e), &e, "fw_cfg: ");
	}
}

static void test_fw_dir_count_max(void **state)
{
	(void)state;
	struct error e;
	static struct dir_entry many[FW_DIR_MAX + 1];
	static char names[FW_DIR_MAX + 1][16];
	for (size_t i = 0; i <= FW_DIR_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "file%zu", i);
		many[i] = (struct dir_entry){ names[i], (uint32_t)i };
	}
	struct fw_dir *d = own_malloc(sizeof(*d));
	size_t len;
	uint8_t *b = dir_blob(many, FW_DIR_MAX, &len);
	assert_ok(fw_dir_parse(b, len, d, &e), &e);
	assert_int_equal(d->n, FW_DIR_MAX);
	assert_ptr_equal(fw_dir_find(d, "file127"), &d->f[127]);
	assert_int_equal(d->f[127].size, 127);
	assert_int_equal(d->f[127].select, 0x20 + 127);

	b = dir_blob(many, FW_DIR_MAX + 1, &len);
	assert_fails_mentioning(fw_dir_parse(b, len, d, &e), &e, "fw_cfg: ");
	assert_err_mentions(&e, "exceeds");
	assert_int_equal(d->n, 0);
}

static void test_fw_dir_names(void **state)
{
	(void)state;
	struct error e;
	struct fw_dir *d = own_malloc(sizeof(*d));
	const struct dir_entry ok[] = { { "a", 1 }, { NAME55, 2 }, { "b", 3 } };
	size_t len;
	uint8_t *b = dir_blob(ok, 3, &len);
	assert_ok(fw_dir_parse(b, len, d, &e), &e);
	assert_int_equal(strlen(d->f[1].name), 55);
	assert_string_equal(d->f[1].name, NAME55);
	assert_ptr_equal(fw_dir_find(d, NAME55), &d->f[1]);
	/* The 56-byte name field with no NUL in it. */
	const struct dir_entry bad[] = { { "a", 1 }, { "b", 3 }, { NAME56, 2 }, { "c", 3 } };
	b = dir_blob(bad, 4, &len);
	assert_fails_mentioning(fw_dir_parse(b, len, d, &e), &e, "fw_cfg: ");
	assert_err_mentions(&e, "entry 2");
	assert_err_mentions(&e, "not terminated");
	assert_true(d->n <= 2);
	/* Only the name field counts: the NUL may not come from the next
	 * entry (which starts with a size of 0). */
	const struct dir_entry last[] = { { "a", 0 }, { NAME56, 0 } };
	b = dir_blob(last, 2, &len);
	assert_fails_mentioning(fw_dir_parse(b, len, d, &e), &e, "entry 1");
}

/* ------------------------------------------------- ACPI from real blobs */

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

#define TABLES "etc/acpi/tables"

/* A table inside etc/acpi/tables at phys: its header and its whole length
 * inside the blob, its checksum valid (unless FACS, which has none). */
static const uint8_t *table_at(const struct fake *fk, uint64_t phys, const char *sig,
			       uint32_t *len)
{
	char what[64];
	snprintf(what, sizeof(what), "table %s at 0x%llx", sig ? sig : "?",
		 (unsigned long long)phys);
	const uint8_t *h = in_blob(fk, TABLES, phys, 8, what);
	if (sig && memcmp(h, sig, 4))
		fail_msg("%s: signature %.4s", what, (const char *)h);
	*len = (uint32_t)ld(h, 4, 4);
	assert_true(*len >= (memcmp(h, "FACS", 4) ? 36u : 64u));
	h = in_blob(fk, TABLES, phys, *len, what);
	if (memcmp(h, "FACS", 4) && sum8(h, *len))
		fail_msg("%s (%.4s, %u bytes): checksum off by 0x%02x", what, (const char *)h,
			 *len, sum8(h, *len));
	return h;
}

struct acpi_seen {
	unsigned tables, cpus;
	bool xsdt, fadt, dsdt, facs;
};

static void check_fadt(const struct fake *fk, const uint8_t *fadt, uint32_t len,
		       struct acpi_seen *seen)
{
	uint32_t n;
	uint64_t facs = ld(fadt, 36, 4), dsdt = ld(fadt, 40, 4);
	if (len >= 148) { /* ACPI 2.0+: the 64-bit fields */
		uint64_t xfacs = ld(fadt, 132, 8), xdsdt = ld(fadt, 140, 8);
		if (xdsdt) {
			assert_true(!dsdt || dsdt == xdsdt);
			dsdt = xdsdt;
		}
		if (xfacs) {
			assert_true(!facs || facs == xfacs);
			facs = xfacs;
		}
	}
	assert_true(dsdt != 0);
	const uint8_t *d = table_at(fk, dsdt, "DSDT", &n);
	assert_true(n > 36); /* some AML */
	(void)d;
	seen->dsdt = true;
	if (facs) {
		table_at(fk, facs, "FACS", &n);
		seen->facs = true;
	}
}

static void check_madt(const uint8_t *madt, uint32_t len, struct acpi_seen *seen)
{
	for (uint32_t off = 44; off + 2 <= len;) {
		uint8_t type = madt[off], elen = madt[off + 1];
		assert_true(elen >= 2 && off + elen <= len);
		if (type == 0 && (ld(madt, off + 4, 4) & 1)) /* enabled local APIC */
			seen->cpus++;
		if (type == 9 && (ld(madt, off + 8, 4) & 1)) /* enabled x2APIC */
			seen->cpus++;
		off += elen;
	}
}

/* Everything the kernel would follow from the RSDP. */
static struct acpi_seen check_acpi(const struct fake *fk, const struct loader_state *ls)
{
	struct acpi_seen seen = { 0 };
	const struct fake_alloc *ra = alloc_of(fk, "etc/acpi/rsdp");
	assert_int_equal(ra->zone, LOADER_ZONE_FSEG);
	assert_int_equal(ra->phys % 16, 0); /* where a legacy scan looks */
	assert_int_equal(loader_addr(ls, "etc/acpi/rsdp"), ra->phys);
	assert_int_equal(alloc_of(fk, TABLES)->zone, LOADER_ZONE_HIGH);
	const uint8_t *rsdp = in_blob(fk, "etc/acpi/rsdp", ra->phys, 20, "RSDP");
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	if (sum8(rsdp, 20))
		fail_msg("RSDP checksum off by 0x%02x", sum8(rsdp, 20));
	uint8_t rev = rsdp[15];
	uint64_t rsdt = ld(rsdp, 16, 4), xsdt = 0;
	if (rev >= 2) {
		uint32_t len = (uint32_t)ld(rsdp, 20, 4);
		assert_true(len >= 36);
		rsdp = in_blob(fk, "etc/acpi/rsdp", ra->phys, len, "RSDP");
		if (sum8(rsdp, len))
			fail_msg("RSDP extended checksum off by 0x%02x", sum8(rsdp, len));
		xsdt = ld(rsdp, 24, 8);
	}
	assert_true(rsdt || xsdt);
	for (int pass = 0; pass < 2; pass++) {
		uint64_t root = pass ? xsdt : rsdt;
		unsigned esz = pass ? 8 : 4;
		if (!root)
			continue;
		uint32_t len, nfadt = 0;
		const uint8_t *t = table_at(fk, root, pass ? "XSDT" : "RSDT", &len);
		assert_int_equal((len - 36) % esz, 0);
		assert_true(len > 36);
		if (pass)
			seen.xsdt = true;
		unsigned n = 0;
		for (uint32_t off = 36; off < len; off += esz, n++) {
			uint32_t tlen;
			const uint8_t *h = table_at(fk, ld(t, off, esz), NULL, &tlen);
			if (!memcmp(h, "FACP", 4)) {
				nfadt++;
				check_fadt(fk, h, tlen, &seen);
				seen.fadt = true;
			} else if (!memcmp(h, "APIC", 4) && !pass) {
				check_madt(h, tlen, &seen);
			}
		}
		assert_int_equal(nfadt, 1);
		if (seen.tables)
			assert_int_equal(n, seen.tables); /* RSDT and XSDT agree */
		seen.tables = n;
	}
	return seen;
}

/* A table-loader script as the test reads it, to check the result
 * against, independently of the code under test. */
static char *cmd_name(const uint8_t *c, size_t off)
{
	static char n[4][FW_CFG_NAME_LEN + 1];
	static int k;
	char *s = n[k++ % 4];
	memcpy(s, c + off, FW_CFG_NAME_LEN);
	s[FW_CFG_NAME_LEN] = 0;
	return s;
}

/* Every ADD_POINTER points into its source blob, and the blobs differ from
 * the files only where a pointer or a checksum was patched. */
static void check_patches(const struct fake *fk, const uint8_t *script, size_t len,
			  const struct served *files, size_t n_files)
{
	for (size_t i = 0; i < fk->n_alloc; i++) {
		const struct fake_alloc *a = &fk->alloc[i];
		const struct served *f = NULL;
		for (size_t j = 0; j < n_files; j++)
			if (!strcmp(files[j].name, a->name))
				f = &files[j];
		assert_non_null(f);
		for (uint64_t b = 0; b < a->size; b++) {
			uint8_t orig = b < f->len ? f->data[b] : 0;
			if (a->host[b] == orig)
				continue;
			bool patched = false;
			for (size_t o = 0; o < len && !patched; o += LOADER_ENTRY_SIZE) {
				const uint8_t *c = script + o;
				uint32_t id = (uint32_t)ld(c, 0, 4);
				if (id == LOADER_ADD_POINTER && !strcmp(cmd_name(c, 4), a->name))
					patched = b >= ld(c, 116, 4) && b < ld(c, 116, 4) + c[120];
				if (id == LOADER_ADD_CHECKSUM && !strcmp(cmd_name(c, 4), a->name))
					patched = b == ld(c, 60, 4);
			}
			if (!patched)
				fail_msg("'%s' byte %llu changed (0x%02x -> 0x%02x) by no command",
					 a->name, (unsigned long long)b, orig, a->host[b]);
		}
	}
	for (size_t o = 0; o < len; o += LOADER_ENTRY_SIZE) {
		const uint8_t *c = script + o;
		if (ld(c, 0, 4) != LOADER_ADD_POINTER)
			continue;
		const char *dst = cmd_name(c, 4), *src = cmd_name(c, 60);
		const struct fake_alloc *d = alloc_of(fk, dst);
		uint64_t off = ld(c, 116, 4), v = ld(d->host, off, c[120]);
		char what[160];
		snprintf(what, sizeof(what), "ADD_POINTER %s+%llu -> %s", dst,
			 (unsigned long long)off, src);
		in_blob(fk, src, v, 1, what);
	}
}

struct real_run {
	struct fw_dir *dir;
	struct fake *fk;
	struct loader_state ls;
	const uint8_t *script;
	size_t script_len;
	struct served *files;
	size_t n_files;
};

/* Serve every file of the recording that the directory has. */
static void serve_recorded(const char *machine, struct real_run *r)
{
	static const char *const names[] = {
		"etc/table-loader", "etc/acpi/rsdp", "etc/acpi/tables", "etc/vmgenid_guid",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		size_t len;
		const uint8_t *data = load_fixture(machine, names[i], &len, false);
		const struct fw_file *f = fw_dir_find(r->dir, names[i]);
		if (!data) {
			assert_null(f);
			continue;
		}
		assert_non_null(f);
		assert_true(len <= f->size);
		/* Zero-filled to its size, in a buffer of exactly that size. */
		uint8_t *full = own_malloc(f->size);
		memcpy(full, data, len);
		memset(full + len, 0, f->size - len);
		struct served *s = &r->fk->file[r->fk->n_files++];
		snprintf(s->name, sizeof(s->name), "%s", names[i]);
		s->data = full;
		s->len = f->size;
		if (!strcmp(names[i], "etc/table-loader")) {
			r->script = full;
			r->script_len = f->size;
		}
	}
	r->files = r->fk->file;
	r->n_files = r->fk->n_files;
	r->fk->strict = true;
	assert_non_null(r->script);
}

static struct real_run *run_real(const char *machine)
{
	struct real_run *r = own_malloc(sizeof(*r));
	memset(r, 0, sizeof(*r));
	size_t len;
	r->dir = real_dir(machine, NULL, &len);
	r->fk = fake_new(r->dir);
	serve_recorded(machine, r);
	struct loader_ops ops = ops_of(r->fk);
	struct error e;
	memset(&r->ls, 0xa5, sizeof(r->ls));
	assert_ok(loader_run(r->script, r->script_len, r->dir, &ops, &r->ls, &e), &e);
	check_state(r->fk, &r->ls);
	check_patches(r->fk, r->script, r->script_len, r->files, r->n_files);
	return r;
}

static void test_loader_real_pc(void **state)
{
	(void)state;
	struct real_run *r = run_real("pc");
	assert_int_equal(r->ls.n, 2);
	struct acpi_seen seen = check_acpi(r->fk, &r->ls);
	assert_true(seen.fadt && seen.dsdt && seen.facs);
	assert_true(seen.tables >= 3);
	assert_int_equal(seen.cpus, 1);
	assert_int_equal(r->fk->n_write, 0);
	assert_int_equal(r->ls.pointers_written, 0);
	assert_int_equal(loader_addr(&r->ls, "etc/vmgenid_guid"), 0);
	assert_int_equal(loader_addr(&r->ls, "etc/table-loader"), 0);
}

static void test_loader_real_q35_vmgenid(void **state)
{
	(void)state;
	struct real_run *r = run_real("q35-vmgenid");
	assert_int_equal(r->ls.n, 3);
	struct acpi_seen seen = check_acpi(r->fk, &r->ls);
	assert_true(seen.fadt && seen.dsdt && seen.facs);
	assert_true(seen.tables >= 3);
	assert_int_equal(seen.cpus, 4); /* -smp 4 */

	/* vmgenid: the GUID blob, 4 KiB aligned in HIGH, holds the GUID
	 * record.py gave QEMU at offset 40 ... */
	const struct fake_alloc *g = alloc_of(r->fk, "etc/vmgenid_guid");
	assert_int_equal(g->zone, LOADER_ZONE_HIGH);
	assert_int_equal(g->phys % 4096, 0);
	static const uint8_t guid[16] = { 0xaf, 0x6e, 0x4e, 0x32, 0xd1, 0xd1, 0xf6, 0x4b,
					  0xbf, 0x41, 0xb9, 0xbb, 0x6c, 0x91, 0xfb, 0x87 };
	assert_memory_equal(g->host + 40, guid, 16);
	/* ... and its address + 40 went back to QEMU, once, 8 bytes, into
	 * etc/vmgenid_addr at 0. */
	assert_int_equal(r->fk->n_write, 1);
	assert_int_equal(r->ls.pointers_written, 1);
	const struct fake_write *w = &r->fk->write[0];
	assert_string_equal(w->f->name, "etc/vmgenid_addr");
	assert_ptr_equal(w->f, fw_dir_find(r->dir, "etc/vmgenid_addr"));
	assert_int_equal(w->off, 0);
	assert_int_equal(w->len, 8);
	assert_int_equal(ld(w->v, 0, 8), g->phys + 40);
	assert_int_equal(ld(w->v, 0, 8), loader_addr(&r->ls, "etc/vmgenid_guid") + 40);
}

/* An ACPI 2.0 RSDP (revision 2, 36 bytes) with an XSDT and 64-bit FADT
 * fields, as QEMU's arm virt machine builds them; QEMU 7.2's x86 machines
 * use revision 0, so the extended checksum needs a hand-made set. */
static void test_loader_xsdt(void **state)
{
	(void)state;
	enum { FACS = 0, DSDT = 64, FADT = 128, XSDT = FADT + 244, RSDT = XSDT + 44 };
	static const struct dir_entry files[] = { { "etc/acpi/rsdp", 36 },
						  { "etc/acpi/tables", 1024 } };
	size_t dlen;
	struct error e;
	uint8_t *db = dir_blob(files, 2, &dlen);
	struct fw_dir *d = own_malloc(sizeof(*d));
	assert_ok(fw_dir_parse(db, dlen, d, &e), &e);

	uint8_t *rsdp = own_malloc(36), *t = own_malloc(1024);
	memset(rsdp, 0, 36);
	memset(t, 0, 1024);
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "BOCHS ", 6);
	rsdp[15] = 2;
	st(rsdp, 16, 4, RSDT); /* offsets in tables: ADD_POINTER adds the base */
	st(rsdp, 20, 4, 36);
	st(rsdp, 24, 8, XSDT);
	memcpy(t + FACS, "FACS", 4), st(t, FACS + 4, 4, 64);
	memcpy(t + DSDT, "DSDT", 4), st(t, DSDT + 4, 4, 40), st(t, DSDT + 36, 4, 0x5b);
	memcpy(t + FADT, "FACP", 4), st(t, FADT + 4, 4, 244), t[FADT + 8] = 3;
	st(t, FADT + 40, 4, DSDT), st(t, FADT + 132, 8, FACS), st(t, FADT + 140, 8, DSDT);
	memcpy(t + XSDT, "XSDT", 4), st(t, XSDT + 4, 4, 44), st(t, XSDT + 36, 8, FADT);
	memcpy(t + RSDT, "RSDT", 4), st(t, RSDT + 4, 4, 40), st(t, RSDT + 36, 4, FADT);

	RESET();
	c_alloc("etc/acpi/rsdp", 16, LOADER_ZONE_FSEG);
	c_alloc(TABLES, 64, LOADER_ZONE_HIGH);
	c_csum(TABLES, DSDT + 9, DSDT, 40);
	c_ptr(TABLES, TABLES, FADT + 40, 4);
	c_ptr(TABLES, TABLES, FADT + 132, 8);
	c_ptr(TABLES, TABLES, FADT + 140, 8);
	c_csum(TABLES, FADT + 9, FADT, 244);
	c_ptr(TABLES, TABLES, XSDT + 36, 8);
	c_csum(TABLES, XSDT + 9, XSDT, 44);
	c_ptr(TABLES, TABLES, RSDT + 36, 4);
	c_csum(TABLES, RSDT + 9, RSDT, 40);
	c_ptr("etc/acpi/rsdp", TABLES, 16, 4);
	c_ptr("etc/acpi/rsdp", TABLES, 24, 8);
	c_csum("etc/acpi/rsdp", 8, 0, 20);
	c_csum("etc/acpi/rsdp", 32, 0, 36);

	struct fake *fk = fake_new(d);
	fk->file[0] = (struct served){ "etc/acpi/rsdp", rsdp, 36 };
	fk->file[1] = (struct served){ TABLES, t, 1024 };
	fk->n_files = 2;
	fk->strict = true;
	struct loader_ops ops = ops_of(fk);
	struct loader_state ls;
	uint8_t *script = own_dup(S.b, S.len);
	assert_ok(loader_run(script, S.len, d, &ops, &ls, &e), &e);
	check_state(fk, &ls);
	check_patches(fk, script, S.len, fk->file, 2);
	struct acpi_seen seen = check_acpi(fk, &ls);
	assert_true(seen.xsdt && seen.fadt && seen.dsdt && seen.facs);
	assert_int_equal(seen.tables, 1);
	const uint8_t *r = alloc_of(fk, "etc/acpi/rsdp")->host;
	assert_int_equal(ld(r, 24, 8), alloc_of(fk, TABLES)->phys + XSDT);
}

/* loader_run starts from an empty state each time. */
static void test_loader_rerun(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();
	struct error e;
	struct loader_state ls;
	RESET();
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_alloc("addr", 8, LOADER_ZONE_HIGH);
	c_wrptr("addr", "a", 0, 0, 8);
	assert_ok(run_s(d, NULL, &ls, &e), &e);
	assert_int_equal(ls.n, 2);
	assert_int_equal(ls.pointers_written, 1);
	assert_ok(run_s(d, NULL, &ls, &e), &e); /* not "allocated twice" */
	assert_int_equal(ls.n, 2);
	assert_int_equal(ls.pointers_written, 1);
	RESET();
	assert_ok(run_s(d, NULL, &ls, &e), &e); /* an empty script */
	assert_int_equal(ls.n, 0);
	assert_int_equal(ls.pointers_written, 0);
	assert_int_equal(loader_addr(&ls, "a"), 0);
}

/* --------------------------------------------------------- hostile: form */

static void test_loader_length(void **state)
{
	(void)state;
	struct real_run r = { 0 };
	size_t len;
	r.dir = real_dir("pc", NULL, &len);
	r.fk = fake_new(r.dir);
	serve_recorded("pc", &r);
	static const size_t cut[] = { 1, 64, 127 };
	for (size_t i = 0; i < ARRAY_SIZE(cut); i++) {
		for (int longer = 0; longer < 2; longer++) {
			size_t n = longer ? r.script_len - LOADER_ENTRY_SIZE + cut[i]
					  : r.script_len - cut[i];
			uint8_t *s = own_dup(r.script, n);
			struct fake *fk = fake_new(r.dir);
			struct loader_ops ops = ops_of(fk);
			struct loader_state ls;
			struct error e;
			assert_fails_mentioning(loader_run(s, n, r.dir, &ops, &ls, &e), &e,
						"table-loader: ");
			assert_true(!strncmp(e.msg, "table-loader: ", 14));
			assert_err_mentions(&e, "whole number of commands");
			assert_int_equal(fk->alloc_calls, 0); /* refused up front */
			assert_int_equal(ls.n, 0);
		}
	}
}

static void test_loader_allocate_hostile(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();

	RESET(); /* a file that is not in the directory */
	c_alloc("etc/acpi/tables", 64, LOADER_ZONE_HIGH);
	assert_refused(d, "no fw_cfg file 'etc/acpi/tables'");
	RESET(); /* a prefix of a directory name is not that file */
	c_alloc("ad", 8, LOADER_ZONE_HIGH);
	assert_refused(d, "no fw_cfg file");

	RESET(); /* twice, also in another zone */
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_alloc("b", 8, LOADER_ZONE_HIGH);
	c_alloc("a", 16, LOADER_ZONE_FSEG);
	assert_refused(d, "'a' allocated twice");

	static const uint32_t bad_align[] = { 0, 3, 6, 12, 4097, 8192, 0x80000000, 0xffffffff };
	for (size_t i = 0; i < ARRAY_SIZE(bad_align); i++) {
		RESET();
		c_alloc("a", bad_align[i], LOADER_ZONE_HIGH);
		assert_refused(d, "alignment");
	}
	for (uint32_t align = 1; align <= 4096; align <<= 1) {
		RESET();
		c_alloc("a", align, LOADER_ZONE_HIGH);
		/* (the 1 KiB FSEG window at 0x9fc00 has nothing 2 KiB-aligned) */
		uint8_t zone = align <= 1024 ? LOADER_ZONE_FSEG : LOADER_ZONE_HIGH;
		c_alloc("b", align, zone);
		struct fake *fk;
		struct loader_state ls;
		struct error e;
		assert_ok(run_s(d, &fk, &ls, &e), &e);
		for (int i = 0; i < 2; i++) {
			assert_int_equal(fk->alloc[i].align, align);
			assert_int_equal(fk->alloc[i].phys % align, 0);
		}
		assert_int_equal(fk->alloc[0].zone, LOADER_ZONE_HIGH);
		assert_int_equal(fk->alloc[1].zone, zone);
	}

	static const uint8_t bad_zone[] = { 0, 3, 4, 0x81, 0xff };
	for (size_t i = 0; i < ARRAY_SIZE(bad_zone); i++) {
		RESET();
		c_alloc("a", 8, bad_zone[i]);
		assert_refused(d, "unknown zone");
	}

	RESET(); /* a 55-character name is fine; a 56-character one has no NUL */
	c_alloc(NAME55, 8, LOADER_ZONE_HIGH);
	assert_accepted(d);
	RESET();
	c_alloc(NAME56, 8, LOADER_ZONE_HIGH);
	assert_refused(d, "ALLOCATE: file name not terminated");

	RESET(); /* an empty file: allocated, nothing to point into */
	c_alloc("empty", 8, LOADER_ZONE_HIGH);
	assert_accepted(d);
	c_ptr("empty", "empty", 0, 1);
	assert_refused(d, "outside 'empty'");
}

static void test_loader_max_files(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();
	char name[16];
	RESET();
	for (unsigned i = 0; i < LOADER_MAX_FILES; i++) {
		snprintf(name, sizeof(name), "f%02u", i);
		c_alloc(name, 4, LOADER_ZONE_HIGH);
	}
	struct fake *fk;
	struct loader_state ls;
	struct error e;
	assert_ok(run_s(d, &fk, &ls, &e), &e);
	assert_int_equal(ls.n, LOADER_MAX_FILES);
	assert_int_equal(loader_addr(&ls, "f15"), fk->alloc[15].phys);
	c_alloc("f16", 4, LOADER_ZONE_HIGH);
	assert_refused(d, "more than 16 files");
	/* The seventeenth is refused before it is allocated. */
	assert_int_equal(run_s(d, &fk, &ls, &e), -1);
	assert_int_equal(fk->alloc_calls, LOADER_MAX_FILES);
	assert_int_equal(ls.n, LOADER_MAX_FILES);
}

static void test_loader_not_allocated(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();
	RESET(); /* ADD_POINTER: the destination, then the source */
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_ptr("b", "a", 0, 4);
	assert_refused(d, "ADD_POINTER: 'b' was not allocated");
	RESET();
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_ptr("a", "b", 0, 4);
	assert_refused(d, "ADD_POINTER: 'b' was not allocated");
	RESET(); /* a file not even in the directory */
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_ptr("a", "nosuch", 0, 4);
	assert_refused(d, "'nosuch' was not allocated");
	RESET(); /* allocated only later */
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_ptr("a", "b", 0, 4);
	c_alloc("b", 8, LOADER_ZONE_HIGH);
	assert_refused(d, "'b' was not allocated");

	RESET();
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_csum("b", 0, 0, 4);
	assert_refused(d, "ADD_CHECKSUM: 'b' was not allocated");

	RESET(); /* WRITE_POINTER: the source must be allocated ... */
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_wrptr("addr", "b", 0, 0, 8);
	assert_refused(d, "WRITE_POINTER: 'b' was not allocated");
	RESET(); /* ... the destination need not be, but must exist */
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_wrptr("nosuch", "a", 0, 0, 8);
	assert_refused(d, "WRITE_POINTER: no fw_cfg file 'nosuch'");
}

static void test_loader_unterminated(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();
	/* Every name field of every command, 56 bytes without a NUL. The
	 * last case ends the script with one: everything from the source
	 * name to the end of the buffer is non-zero, so a loader that looks
	 * for the NUL past the field reads past the script (ASan). */
	for (int which = 0; which < 7; which++) {
		RESET();
		c_alloc("a", 8, LOADER_ZONE_HIGH);
		switch (which) {
		case 0: c_ptr(NAME56, "a", 0, 4); break;
		case 1: c_ptr("a", NAME56, 0, 4); break;
		case 2: c_csum(NAME56, 0, 0, 4); break;
		case 3: c_wrptr(NAME56, "a", 0, 0, 8); break;
		case 4: c_wrptr("addr", NAME56, 0, 0, 8); break;
		case 5: c_alloc(NAME56, 8, LOADER_ZONE_HIGH); break;
		case 6: /* the last command of the script: nothing after it */
			c_ptr("a", "a", 0, 4);
			memset(S.b + S.len - LOADER_ENTRY_SIZE + 60, 'z', 68);
			break;
		}
		assert_refused(d, "not terminated");
	}
}

/* ----------------------------------------------- hostile: offsets, sizes */

static void test_loader_pointer_bounds(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir(); /* "a": 64 bytes */
	static const struct {
		uint32_t off;
		uint8_t size;
	} bad[] = {
		{ 57, 8 }, { 61, 4 }, { 63, 2 }, { 64, 1 }, { 64, 8 }, { 65, 1 },
		{ 0xffffffff, 1 }, { 0xffffffff, 8 }, { 0xfffffffc, 4 }, { 0xfffffff8, 8 },
		{ 0x80000000, 8 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		RESET();
		c_alloc("a", 8, LOADER_ZONE_HIGH);
		c_alloc("b", 8, LOADER_ZONE_FSEG);
		c_ptr("a", "a", bad[i].off, bad[i].size);
		assert_refused(d, "outside 'a' (64 bytes)");
	}
	/* The last bytes of the blob are fine. "a" at fake address 0x40, so
	 * that its address fits 1 and 2 bytes too. */
	static const struct {
		uint32_t off;
		uint8_t size;
	} good[] = { { 56, 8 }, { 60, 4 }, { 62, 2 }, { 63, 1 }, { 0, 8 }, { 0, 1 } };
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		RESET();
		c_alloc("a", 8, LOADER_ZONE_HIGH);
		c_ptr("a", "a", good[i].off, good[i].size);
		struct fake *fk = fake_new(d);
		fk->next[LOADER_ZONE_HIGH] = 0x40;
		struct loader_state ls;
		struct error e;
		assert_ok(run_fk(d, fk, &ls, &e), &e);
		assert_int_equal(fk->alloc[0].phys, 0x40);
		assert_int_equal(ld(fk->alloc[0].host, good[i].off, good[i].size), 0x40);
	}
}

static void test_loader_pointer_size(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();
	static const uint8_t bad[] = { 0, 3, 5, 6, 7, 9, 16, 0x80, 0xff };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		RESET();
		c_alloc("a", 8, LOADER_ZONE_HIGH);
		c_ptr("a", "a", 0, bad[i]);
		assert_refused(d, "ADD_POINTER: size");
		RESET();
		c_alloc("a", 8, LOADER_ZONE_HIGH);
		c_wrptr("addr", "a", 0, 0, bad[i]);
		assert_refused(d, "WRITE_POINTER: size");
	}
}

/* ADD_POINTER adds the source's address to what the blob holds there; a
 * sum that does not fit the pointer's size is refused. */
static void test_loader_pointer_value(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();
	/* "a" (64 bytes) goes to HIGH_BASE, "b" to FSEG_BASE. */
	static const struct {
		uint32_t off;
		uint8_t size;
		const char *src;
		uint64_t orig;
		bool fits;
	} c[] = {
		{ 0, 4, "a", 0x10, true },
		{ 8, 4, "a", 0xffffffff - HIGH_BASE, true },	   /* = 0xffffffff */
		{ 16, 4, "a", 0x100000000 - HIGH_BASE, false },	   /* = 2^32 */
		{ 24, 8, "a", 0x123456789a, true },
		{ 40, 8, "b", 0x8000000000000000, true },	   /* the source's address */
		{ 48, 4, "b", 0x10, true },
		{ 52, 2, "b", 0, false },			   /* 0x9fc00 */
		{ 56, 1, "b", 0, false },
	};
	for (size_t k = 0; k < ARRAY_SIZE(c); k++) {
		uint8_t *a = own_malloc(64);
		memset(a, 0x11, 64);
		st(a, c[k].off, c[k].size, c[k].orig);
		RESET();
		c_alloc("a", 8, LOADER_ZONE_HIGH);
		c_alloc("b", 8, LOADER_ZONE_FSEG);
		c_ptr("a", c[k].src, c[k].off, c[k].size);
		struct fake *fk = fake_new(d);
		fk->file[0] = (struct served){ "a", a, 64 };
		fk->n_files = 1;
		struct loader_state ls;
		struct error e;
		int r = run_fk(d, fk, &ls, &e);
		if (!c[k].fits) {
			assert_int_equal(r, -1);
			assert_true(!strncmp(e.msg, "table-loader: ", 14));
			assert_err_mentions(&e, "does not fit");
			continue;
		}
		assert_ok(r, &e);
		uint64_t base = !strcmp(c[k].src, "a") ? HIGH_BASE : FSEG_BASE;
		assert_int_equal(fk->alloc[c[k].src[0] - 'a'].phys, base);
		assert_int_equal(ld(fk->alloc[0].host, c[k].off, c[k].size), c[k].orig + base);
		/* and nothing else */
		for (uint32_t j = 0; j < 64; j++)
			if (j < c[k].off || j >= c[k].off + c[k].size)
				assert_int_equal(fk->alloc[0].host[j], 0x11);
	}
}

static void test_loader_checksum_bounds(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir(); /* "a": 64 bytes */
	static const uint32_t bad[][3] = { /* offset, start, length */
		{ 64, 0, 64 }, { 0xffffffff, 0, 4 }, { 0, 0, 65 }, { 0, 60, 5 },
		{ 0, 64, 1 }, { 0, 65, 0 }, { 0, 0xffffffff, 2 }, { 0, 1, 0xffffffff },
		{ 0, 0xffffffff, 0xffffffff }, { 0, 0x80000000, 0x80000000 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		RESET();
		c_alloc("a", 8, LOADER_ZONE_HIGH);
		c_csum("a", bad[i][0], bad[i][1], bad[i][2]);
		assert_refused(d, "ADD_CHECKSUM: range outside 'a' (64 bytes)");
	}
	/* Whole blob, the last byte, an empty range at the end. */
	static const uint32_t good[][3] = { { 9, 0, 64 }, { 63, 0, 64 }, { 63, 63, 1 },
					     { 0, 64, 0 } };
	uint8_t a[64];
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		RESET();
		c_alloc("a", 8, LOADER_ZONE_HIGH);
		c_csum("a", good[i][0], good[i][1], good[i][2]);
		struct fake *fk = fake_new(d);
		fk->file[0] = (struct served){ "a", a, 64 };
		fk->n_files = 1;
		struct loader_ops ops = ops_of(fk);
		struct loader_state ls;
		struct error e;
		uint8_t *s = own_dup(S.b, S.len);
		assert_ok(loader_run(s, S.len, d, &ops, &ls, &e), &e);
		const uint8_t *h = fk->alloc[0].host;
		assert_int_equal(sum8(h + good[i][1], good[i][2]), 0);
		for (size_t j = 0; j < 64; j++)
			if (j != good[i][0])
				assert_int_equal(h[j], a[j]);
	}
}

/* fw_cfg_sum8 against the byte loop: every length to 2 KiB (several
 * folds of its lanes) at each alignment, on random bytes and on 0xff
 * bytes, the largest a lane takes. */
static void test_sum8(void **state)
{
	(void)state;
	static uint8_t buf[2048 + 8];
	for (int fill = 0; fill < 2; fill++) {
		uint32_t x = 12345;
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = fill ? 0xff : (uint8_t)((x = x * 1103515245 + 12345) >> 16);
		for (size_t align = 0; align < 8; align++)
			for (size_t n = 0; n <= 2048; n++)
				if (fw_cfg_sum8(buf + align, n) != sum8(buf + align, n))
					fail_msg("fill %d, offset %zu, %zu bytes: 0x%02x, not 0x%02x",
						 fill, align, n, fw_cfg_sum8(buf + align, n),
						 sum8(buf + align, n));
	}
}

static void test_loader_write_pointer_bounds(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir(); /* "addr": 8 bytes; "a": 64 */
	static const struct {
		uint32_t dst_off, src_off;
		uint8_t size;
	} bad[] = {
		{ 1, 0, 8 }, { 8, 0, 1 }, { 5, 0, 4 }, { 0xffffffff, 0, 1 }, { 0xfffffff8, 0, 8 },
		{ 0, 65, 8 }, { 0, 0xffffffff, 8 }, { 0, 0x80000000, 8 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		RESET();
		c_alloc("a", 8, LOADER_ZONE_HIGH);
		c_wrptr("addr", "a", bad[i].dst_off, bad[i].src_off, bad[i].size);
		assert_refused(d, "WRITE_POINTER: offsets");
	}
	/* The destination's last bytes, the source's last byte. */
	static const struct {
		uint32_t dst_off, src_off;
		uint8_t size;
	} good[] = { { 0, 0, 8 }, { 4, 63, 4 }, { 0, 17, 8 } };
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		RESET();
		c_alloc("a", 8, LOADER_ZONE_HIGH);
		c_wrptr("addr", "a", good[i].dst_off, good[i].src_off, good[i].size);
		struct fake *fk;
		struct loader_state ls;
		struct error e;
		assert_ok(run_s(d, &fk, &ls, &e), &e);
		assert_int_equal(fk->n_write, 1);
		assert_int_equal(ls.pointers_written, 1);
		assert_string_equal(fk->write[0].f->name, "addr");
		assert_int_equal(fk->write[0].off, good[i].dst_off);
		assert_int_equal(fk->write[0].len, good[i].size);
		assert_int_equal(ld(fk->write[0].v, 0, 8), fk->alloc[0].phys + good[i].src_off);
	}
	/* Into an allocated blob's file: fw_cfg gets it, the blob does not. */
	RESET();
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_alloc("b", 8, LOADER_ZONE_HIGH);
	c_wrptr("b", "a", 8, 0, 8);
	struct fake *fk;
	struct loader_state ls;
	struct error e;
	assert_ok(run_s(d, &fk, &ls, &e), &e);
	assert_ptr_equal(fk->write[0].f, fw_dir_find(d, "b"));
	for (int j = 0; j < 16; j++)
		assert_int_equal(fk->alloc[1].host[j], 0);
}

/* S, whose last command is a WRITE_POINTER, must be refused; if it is
 * not, say what was written back. */
static void expect_write_pointer_refused(const struct fw_dir *d, const char *what)
{
	struct fake *fk;
	struct loader_state ls;
	struct error e;
	if (run_s(d, &fk, &ls, &e) == 0) {
		assert_int_equal(fk->n_write, 1);
		const struct fake_write *w = &fk->write[0];
		fail_msg("accepted: write('%s', offset %u, %u bytes: 0x%llx) for '%s' at 0x%llx "
			 "(%llu bytes); expected a refusal mentioning \"%s\"",
			 w->f->name, w->off, w->len, (unsigned long long)ld(w->v, 0, w->len),
			 fk->alloc[0].name, (unsigned long long)fk->alloc[0].phys,
			 (unsigned long long)fk->alloc[0].size, what);
	}
	if (strncmp(e.msg, "table-loader: ", 14))
		fail_msg("error \"%s\" does not start with \"table-loader: \"", e.msg);
	assert_err_mentions(&e, what);
	assert_int_equal(fk->n_write, 0);
}

/* Bug: write_pointer() accepts src_offset == the source blob's size, a
 * pointer one past its end; QEMU's bios_linker_loader_write_pointer()
 * asserts src_offset < the blob's length, and SeaBIOS refuses
 * src_offset >= size. QEMU then writes at that address (vmgenid: the
 * 16-byte GUID), i.e. past the blob.
 *   script: ALLOCATE "a" (64 bytes), WRITE_POINTER "addr"+0 <- "a"+64, size 8
 *   expected: -1, "table-loader: WRITE_POINTER: offsets 0/64 outside ..."
 *   got: 0, and write("addr", 0, phys(a) + 64) */
static void test_loader_bug_write_pointer_src_end(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();
	RESET();
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_wrptr("addr", "a", 0, 64, 8);
	expect_write_pointer_refused(d, "WRITE_POINTER: offsets");
}

/* Bug: write_pointer() truncates the address to the pointer's size without
 * a word, where add_pointer() refuses a value that "does not fit": QEMU is
 * told a wrong guest address, and writes there (vmgenid: its GUID).
 *   script: ALLOCATE "a" in FSEG (phys 0x9fc00 here), WRITE_POINTER
 *           "addr"+0 <- "a"+0, size 2
 *   expected: -1, "table-loader: WRITE_POINTER: 0x9fc00 does not fit 2 bytes"
 *   got: 0, and write("addr", 0, 2 bytes: 00 fc), i.e. address 0xfc00 */
static void test_loader_bug_write_pointer_truncates(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();
	RESET();
	c_alloc("a", 8, LOADER_ZONE_FSEG);
	c_wrptr("addr", "a", 0, 0, 2);
	expect_write_pointer_refused(d, "does not fit");
}

/* "Commands with unknown ids are ignored" (bios-linker-loader.c), also
 * when they look like a known command otherwise. */
static void test_loader_unknown_commands(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();
	static const uint32_t ids[] = { 0, 5, 0x100, 0x101, 0x01000001, 0x80000002, 0xffffffff };
	RESET();
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		/* Garbage that would be refused as any known command. */
		uint8_t *c = cmd(ids[i]);
		memset(c + 4, 'x', LOADER_ENTRY_SIZE - 4);
		c = cmd(ids[i]); /* and an ALLOCATE's body */
		put_name(c + 4, "b");
		st(c, 60, 4, 8);
		c[64] = LOADER_ZONE_HIGH;
	}
	c_alloc("b", 8, LOADER_ZONE_HIGH); /* so "b" was not allocated before */
	struct fake *fk;
	struct loader_state ls;
	struct error e;
	assert_ok(run_s(d, &fk, &ls, &e), &e);
	assert_int_equal(ls.n, 2);
	assert_int_equal(fk->alloc_calls, 2);
	assert_int_equal(fk->n_write, 0);
}

/* ------------------------------------------------- failing callbacks */

static void test_loader_callbacks_fail(void **state)
{
	(void)state;
	struct fw_dir *d = syn_dir();
	RESET();
	c_alloc("a", 8, LOADER_ZONE_HIGH);
	c_alloc("b", 8, LOADER_ZONE_FSEG);
	c_alloc("addr", 8, LOADER_ZONE_HIGH);
	c_wrptr("addr", "a", 0, 0, 8);
	c_wrptr("b", "a", 8, 0, 8);
	c_ptr("a", "b", 0, 8);
	for (int which = 0; which < 3; which++) {
		for (unsigned call = 1; call <= (which == 2 ? 2u : 3u); call++) {
			struct fake *fk = fake_new(d);
			if (which == 0)
				fk->fail_alloc = call;
			else if (which == 1)
				fk->fail_read = call;
			else
				fk->fail_write = call;
			struct loader_ops ops = ops_of(fk);
			struct loader_state ls;
			struct error e;
			uint8_t *s = own_dup(S.b, S.len);
			memset(e.msg, 0, sizeof(e.msg));
			assert_int_equal(loader_run(s, S.len, d, &ops, &ls, &e), -1);
			/* The callback's own message, unchanged. */
			static const char *const msg[] = { "fake alloc: refused call",
							   "fake read: ", "fake write: " };
			if (strncmp(e.msg, msg[which], strlen(msg[which])))
				fail_msg("callback %d call %u: message \"%s\"", which, call, e.msg);
			/* Nothing after the failure ran. */
			if (which < 2) {
				assert_int_equal(ls.n, call - 1);
				assert_int_equal(fk->alloc_calls, call);
				assert_int_equal(fk->read_calls, call - (which == 0));
				assert_int_equal(fk->write_calls, 0);
				assert_int_equal(ls.pointers_written, 0);
			} else {
				assert_int_equal(ls.n, 3);
				assert_int_equal(fk->write_calls, call);
				assert_int_equal(ls.pointers_written, call - 1);
				/* ADD_POINTER, after the writes, did not run */
				assert_int_equal(ld(fk->alloc[0].host, 0, 8), 0);
			}
		}
	}
	/* An allocator out of room: its message too. */
	static const struct dir_entry big[] = { { "huge", 0x200000 } };
	size_t len;
	uint8_t *db = dir_blob(big, 1, &len);
	struct fw_dir *hd = own_malloc(sizeof(*hd));
	struct error e;
	assert_ok(fw_dir_parse(db, len, hd, &e), &e);
	RESET();
	c_alloc("huge", 8, LOADER_ZONE_HIGH);
	struct loader_state ls;
	assert_int_equal(run_s(hd, NULL, &ls, &e), -1);
	assert_err_mentions(&e, "fake alloc: no room");
	assert_int_equal(ls.n, 0);
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

static const struct CMUnitTest tests[] = {
	T(test_fw_dir_real_pc),
	T(test_fw_dir_real_q35),
	T(test_fw_dir_short),
	T(test_fw_dir_count_past_buffer),
	T(test_fw_dir_count_max),
	T(test_fw_dir_names),
	T(test_loader_real_pc),
	T(test_loader_real_q35_vmgenid),
	T(test_loader_xsdt),
	T(test_loader_rerun),
	T(test_loader_length),
	T(test_loader_allocate_hostile),
	T(test_loader_max_files),
	T(test_loader_not_allocated),
	T(test_loader_unterminated),
	T(test_loader_pointer_bounds),
	T(test_loader_pointer_size),
	T(test_loader_pointer_value),
	T(test_loader_checksum_bounds),
	T(test_sum8),
	T(test_loader_write_pointer_bounds),
	T(test_loader_bug_write_pointer_src_end),
	T(test_loader_bug_write_pointer_truncates),
	T(test_loader_unknown_commands),
	T(test_loader_callbacks_fail),
};

const struct unit_suite fw_cfg_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
