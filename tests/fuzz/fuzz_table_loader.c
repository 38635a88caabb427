/* libFuzzer: shim/fw_cfg.c, the fw_cfg file directory and QEMU's ACPI
 * table-loader script, as arch/x86_64/rom.c runs them.
 *
 * Input, all lengths little-endian and clamped to what is left:
 *   u16 D, then D bytes: the FW_CFG_FILE_DIR blob (big-endian count, 64-byte
 *     entries: size, select, name), given to fw_dir_parse;
 *   u16 L, then L bytes: the etc/table-loader script, given to loader_run;
 *   the rest: the contents of every file (byte j of any file is byte j of
 *     the rest, zero past its end).
 * Each of the three is copied to a buffer of exactly its length, and every
 * allocation is a heap buffer of exactly the file's size, so ASan reports
 * any access outside them. The allocator has rom.c's zones: HIGH is 1 MiB
 * (at fake address 0x3ff00000), FSEG the 1 KiB EBDA (0x9fc00).
 *
 * Checked: the callbacks' side of the contract (valid zone and alignment,
 * the read goes to the buffer just allocated, writes inside the fw_cfg
 * file); after a success, each blob is the allocation made for its file,
 * inside its zone and aligned, loader_addr finds it, pointers_written
 * counts the writes, and each write holds the low bytes of a blob's
 * address plus an offset of at most its size; a replay of the script by a
 * reference interpreter here gives the same blobs and the same writes;
 * after a failure, a message "table-loader: ..." (or the fake allocator's
 * "fake: ...").
 *
 * It also requires what tests/unit/test_fw_cfg.c's
 * test_loader_bug_* tests do: a WRITE_POINTER value points inside its blob
 * and fits its size (BOOTSHIM_FUZZ_STRICT=0 turns that off).
 *
 * tests/fuzz/mkcorpus.py writes the seed corpus from QEMU's recorded blobs
 * (tests/unit/fw_cfg/). */
#include "fuzz.h"
#include "fw_cfg.h"

#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "fuzz_table_loader: %s:%d: check failed: %s\n", \
				__FILE__, __LINE__, #cond);                         \
			abort();                                                    \
		}                                                                   \
	} while (0)

/* The harness's own checks: not instrumented for coverage, which would only
 * distract the fuzzer and trace a comparison per byte of every blob. */
#define NOCOV __attribute__((no_sanitize("coverage")))

#define HIGH_BASE 0x3ff00000ull
#define HIGH_END 0x40000000ull
#define FSEG_BASE 0x9fc00ull
#define FSEG_END 0xa0000ull
#define MAX_ALLOC (LOADER_MAX_FILES + 1)
#define MAX_WRITE 512

struct alloc {
	uint8_t zone;
	uint64_t size, align, phys;
	uint8_t *host;
	const struct fw_file *file;
};

struct fake {
	const struct fw_dir *dir;
	const uint8_t *pool;
	size_t pool_len;
	uint64_t next[3];
	struct alloc a[MAX_ALLOC];
	size_t n;
	struct {
		const struct fw_file *f;
		uint32_t off, len;
		uint64_t v;
	} w[MAX_WRITE];
	size_t nw;
};

static bool strict;

/* The blobs' host memory: one static arena, each blob exactly its size
 * between poisoned red zones (ASan's manual poisoning), so that a read or
 * write past a blob is still caught. A malloc of up to 1 MiB per blob per
 * run cost fresh pages (page faults, ASan's quarantine) and was most of
 * this target's time. */
#define REDZONE 64
static uint8_t arena[(HIGH_END - HIGH_BASE) + (FSEG_END - FSEG_BASE) + (MAX_ALLOC + 1) * REDZONE]
	__attribute__((aligned(REDZONE)));
static size_t arena_used;

/* The reference replay's copies of the blobs (unpoisoned: harness only). */
static uint8_t ref_arena[sizeof(arena)] __attribute__((aligned(8)));

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *s = getenv("BOOTSHIM_FUZZ_STRICT");
	strict = !s || *s != '0';
	ASAN_POISON_MEMORY_REGION(arena, sizeof(arena));
	return 0;
}

static bool in_dir(const struct fw_dir *d, const struct fw_file *f)
{
	return f >= d->f && f < d->f + d->n;
}

static int fake_alloc(void *ctx, uint8_t zone, uint64_t size, uint64_t align, uint64_t *phys,
		      uint8_t **host, struct error *e)
{
	struct fake *fk = ctx;
	CHECK(zone == LOADER_ZONE_HIGH || zone == LOADER_ZONE_FSEG);
	CHECK(is_pow2(align) && align <= 4096);
	CHECK(fk->n < MAX_ALLOC);
	uint64_t end = zone == LOADER_ZONE_HIGH ? HIGH_END : FSEG_END, p;
	if (!align_up(fk->next[zone], align, &p) || p > end || size > end - p)
		return fail(e, "fake", "no room for %llu bytes", (unsigned long long)size);
	struct alloc *a = &fk->a[fk->n++];
	size_t at = (arena_used + REDZONE + 7) & ~(size_t)7;
	CHECK(at + size + REDZONE <= sizeof(arena));
	arena_used = at + size;
	ASAN_UNPOISON_MEMORY_REGION(arena + at, size);
	*a = (struct alloc){ zone, size, align, p, arena + at, NULL };
	fk->next[zone] = p + size;
	*phys = p;
	*host = a->host;
	return 0;
}

static int fake_read(void *ctx, const struct fw_file *f, void *dst, struct error *e)
{
	(void)e;
	struct fake *fk = ctx;
	CHECK(fk->n > 0);
	struct alloc *a = &fk->a[fk->n - 1];
	CHECK(in_dir(fk->dir, f));
	CHECK(dst == a->host && f->size == a->size && !a->file);
	a->file = f;
	size_t k = f->size < fk->pool_len ? f->size : fk->pool_len;
	memcpy(dst, fk->pool, k);
	memset((uint8_t *)dst + k, 0, f->size - k);
	return 0;
}

static int fake_write(void *ctx, const struct fw_file *f, uint32_t offset, const void *src,
		      uint32_t len, struct error *e)
{
	(void)e;
	struct fake *fk = ctx;
	CHECK(in_dir(fk->dir, f));
	CHECK(len == 1 || len == 2 || len == 4 || len == 8);
	CHECK(offset <= f->size && len <= f->size - offset);
	CHECK(fk->nw < MAX_WRITE);
	uint64_t v = 0;
	for (uint32_t i = 0; i < len; i++)
		v |= (uint64_t)((const uint8_t *)src)[i] << (8 * i);
	fk->w[fk->nw].f = f;
	fk->w[fk->nw].off = offset;
	fk->w[fk->nw].len = len;
	fk->w[fk->nw].v = v;
	fk->nw++;
	return 0;
}

/* A WRITE_POINTER value: the low len bytes of some blob's address plus
 * an offset of at most its size; strict: exactly the address of a byte
 * inside the blob, and nothing cut off. */
NOCOV static void check_pointer(const struct fake *fk, uint64_t v, uint32_t len)
{
	uint64_t mask = len == 8 ? UINT64_MAX : (1ull << (8 * len)) - 1;
	for (size_t i = 0; i < fk->n; i++) {
		const struct alloc *a = &fk->a[i];
		if (strict ? v >= a->phys && v - a->phys < a->size
			   : ((v - a->phys) & mask) <= a->size)
			return;
	}
	fprintf(stderr, "fuzz_table_loader: WRITE_POINTER value 0x%llx (%u bytes) points "
		"into no blob%s\n", (unsigned long long)v, len, strict ? " (strict)" : "");
	CHECK(!"WRITE_POINTER value");
}

/* ---- a reference: after a success, every command ran; replay them on
 * fresh copies of the files, at the same addresses, and compare. */

NOCOV static uint64_t ref_get(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

NOCOV static uint32_t ref_le32(const uint8_t *p)
{
	return (uint32_t)ref_get(p, 4);
}

NOCOV static size_t ref_blob(const struct fake *fk, const uint8_t *name_field)
{
	char name[FW_CFG_NAME_LEN + 1];
	memcpy(name, name_field, FW_CFG_NAME_LEN);
	name[FW_CFG_NAME_LEN] = 0;
	for (size_t i = 0; i < fk->n; i++)
		if (!strcmp(fk->a[i].file->name, name))
			return i;
	CHECK(!"a successful script names a blob that was not allocated");
	return 0;
}

NOCOV static void check_replay(const struct fake *fk, const struct fw_dir *d, const uint8_t *script,
			 size_t len)
{
	uint8_t *ref[MAX_ALLOC];
	for (size_t i = 0; i < fk->n; i++) {
		uint64_t size = fk->a[i].size;
		size_t k = size < fk->pool_len ? size : fk->pool_len;
		ref[i] = ref_arena + (fk->a[i].host - arena);
		memcpy(ref[i], fk->pool, k);
		memset(ref[i] + k, 0, size - k);
	}
	size_t nalloc = 0, nw = 0;
	for (size_t o = 0; o < len; o += LOADER_ENTRY_SIZE) {
		const uint8_t *c = script + o;
		switch (ref_le32(c)) {
		case LOADER_ALLOCATE:
			CHECK(ref_blob(fk, c + 4) == nalloc++);
			break;
		case LOADER_ADD_POINTER: {
			size_t dst = ref_blob(fk, c + 4), src = ref_blob(fk, c + 60);
			uint32_t off = ref_le32(c + 116);
			uint8_t size = c[120];
			uint64_t v = ref_get(ref[dst] + off, size) + fk->a[src].phys;
			for (unsigned i = 0; i < size; i++)
				ref[dst][off + i] = (uint8_t)(v >> (8 * i));
			break;
		}
		case LOADER_ADD_CHECKSUM: {
			/* bios-linker-loader.c: the checksum "simply sums -X for
			 * each byte X in the range", the checksum byte itself
			 * counting as 0: it is minus the sum of the others. */
			size_t b = ref_blob(fk, c + 4);
			uint32_t off = ref_le32(c + 60), start = ref_le32(c + 64);
			uint32_t length = ref_le32(c + 68);
			unsigned others = 0;
			for (uint64_t i = start; i < (uint64_t)start + length; i++)
				others += i == off ? 0 : ref[b][i];
			ref[b][off] = (uint8_t)(256 - others % 256);
			break;
		}
		case LOADER_WRITE_POINTER: {
			char name[FW_CFG_NAME_LEN + 1];
			memcpy(name, c + 4, FW_CFG_NAME_LEN);
			name[FW_CFG_NAME_LEN] = 0;
			size_t src = ref_blob(fk, c + 60);
			uint8_t size = c[124];
			uint64_t mask = size == 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
			CHECK(nw < fk->nw);
			CHECK(fk->w[nw].f == fw_dir_find(d, name));
			CHECK(fk->w[nw].off == ref_le32(c + 116));
			CHECK(fk->w[nw].len == size);
			CHECK(fk->w[nw].v == ((fk->a[src].phys + ref_le32(c + 120)) & mask));
			nw++;
			break;
		}
		}
	}
	CHECK(nalloc == fk->n && nw == fk->nw);
	for (size_t i = 0; i < fk->n; i++)
		CHECK(!memcmp(ref[i], fk->a[i].host, fk->a[i].size));
}

/* Bytes [lo, hi) of blob b written by a command of the script. */
NOCOV static bool writes(const struct fake *fk, const uint8_t *c, size_t b, uint64_t lo, uint64_t hi)
{
	switch (ref_le32(c)) {
	case LOADER_ADD_POINTER: {
		uint64_t off = ref_le32(c + 116);
		return ref_blob(fk, c + 4) == b && off < hi && lo < off + c[120];
	}
	case LOADER_ADD_CHECKSUM: {
		uint64_t off = ref_le32(c + 60);
		return ref_blob(fk, c + 4) == b && off < hi && lo <= off;
	}
	}
	return false;
}

/* After a success, straight on the loader's output: each checksum that no
 * later command touched makes its range sum to 0 (mod 256), or, when the
 * checksum byte lies outside the range, is minus the range's sum. */
NOCOV static void check_checksums(const struct fake *fk, const uint8_t *script, size_t len)
{
	for (size_t o = 0; o < len; o += LOADER_ENTRY_SIZE) {
		const uint8_t *c = script + o;
		if (ref_le32(c) != LOADER_ADD_CHECKSUM)
			continue;
		size_t b = ref_blob(fk, c + 4);
		uint64_t off = ref_le32(c + 60), start = ref_le32(c + 64);
		uint64_t end = start + ref_le32(c + 68);
		bool touched = false;
		for (size_t l = o + LOADER_ENTRY_SIZE; l < len && !touched; l += LOADER_ENTRY_SIZE)
			touched = writes(fk, script + l, b, start, end) ||
				  writes(fk, script + l, b, off, off + 1);
		if (touched)
			continue;
		const uint8_t *h = fk->a[b].host;
		uint8_t sum = 0;
		for (uint64_t i = start; i < end; i++)
			sum = (uint8_t)(sum + h[i]);
		if (off < start || off >= end)
			sum = (uint8_t)(sum + h[off]);
		if (sum)
			fprintf(stderr, "fuzz_table_loader: checksum at %llu over [%llu, %llu): "
				"the sum is 0x%02x\n", (unsigned long long)off,
				(unsigned long long)start, (unsigned long long)end, sum);
		CHECK(sum == 0);
	}
}

NOCOV static void check_success(const struct fake *fk, const struct fw_dir *d,
			  const struct loader_state *st)
{
	CHECK(st->n == fk->n && st->n <= LOADER_MAX_FILES);
	for (size_t i = 0; i < st->n; i++) {
		const struct loader_blob *b = &st->blob[i];
		const struct alloc *a = &fk->a[i];
		CHECK(in_dir(d, b->file) && b->file == a->file);
		CHECK(b->host == a->host && b->phys == a->phys);
		CHECK(a->size == b->file->size);
		uint64_t base = a->zone == LOADER_ZONE_HIGH ? HIGH_BASE : FSEG_BASE;
		uint64_t end = a->zone == LOADER_ZONE_HIGH ? HIGH_END : FSEG_END;
		CHECK(b->phys >= base && b->phys <= end && a->size <= end - b->phys);
		CHECK(b->phys % a->align == 0);
		CHECK(loader_addr(st, b->file->name) == b->phys);
		for (size_t j = 0; j < i; j++) /* each file once */
			CHECK(strcmp(st->blob[j].file->name, b->file->name));
	}
	CHECK(st->pointers_written == fk->nw);
	for (size_t i = 0; i < fk->nw; i++)
		check_pointer(fk, fk->w[i].v, fk->w[i].len);
}

static size_t take(const uint8_t **data, size_t *size, const uint8_t **out)
{
	size_t n = 0;
	if (*size >= 2) {
		n = (size_t)(*data)[0] | (size_t)(*data)[1] << 8;
		*data += 2, *size -= 2;
	} else {
		*data += *size, *size = 0;
	}
	if (n > *size)
		n = *size;
	*out = *data;
	*data += n, *size -= n;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *dp, *sp;
	size_t dlen = take(&data, &size, &dp);
	size_t slen = take(&data, &size, &sp);

	static struct fw_dir dir;
	static struct fake fk;
	static struct loader_state st;
	struct error e;
	memset(e.msg, 0xff, sizeof(e.msg));

	uint8_t *dbuf = malloc(dlen ? dlen : 1);
	CHECK(dbuf);
	memcpy(dbuf, dp, dlen);
	int r = fw_dir_parse(dbuf, dlen, &dir, &e);
	free(dbuf);
	if (r) {
		CHECK(r == -1 && memchr(e.msg, 0, sizeof(e.msg)));
		CHECK(!strncmp(e.msg, "fw_cfg: ", 8));
		return 0;
	}
	CHECK(dir.n <= FW_DIR_MAX && dlen >= 4 + 64 * dir.n);
	for (size_t i = 0; i < dir.n; i++) {
		CHECK(memchr(dir.f[i].name, 0, sizeof(dir.f[i].name)));
		const struct fw_file *f = fw_dir_find(&dir, dir.f[i].name);
		CHECK(f && f <= &dir.f[i] && !strcmp(f->name, dir.f[i].name));
	}

	uint8_t *script = malloc(slen ? slen : 1);
	CHECK(script);
	memcpy(script, sp, slen);
	/* Only what a run reads before writing it (the tables are large). */
	fk.n = fk.nw = 0;
	fk.dir = &dir;
	fk.pool = data;
	fk.pool_len = size;
	fk.next[LOADER_ZONE_HIGH] = HIGH_BASE;
	fk.next[LOADER_ZONE_FSEG] = FSEG_BASE;
	struct loader_ops ops = { &fk, fake_read, fake_alloc, fake_write };
	memset(&st, 0xa5, sizeof(st));
	r = loader_run(script, slen, &dir, &ops, &st, &e);
	if (r == 0) {
		check_success(&fk, &dir, &st);
		check_replay(&fk, &dir, script, slen);
		check_checksums(&fk, script, slen);
	} else {
		CHECK(r == -1 && memchr(e.msg, 0, sizeof(e.msg)));
		if (strncmp(e.msg, "table-loader: ", 14) && strncmp(e.msg, "fake: ", 6)) {
			fprintf(stderr, "fuzz_table_loader: message \"%s\"\n", e.msg);
			CHECK(!"message starts with \"table-loader: \"");
		}
		CHECK(st.n <= LOADER_MAX_FILES && st.n <= fk.n);
	}
	ASAN_POISON_MEMORY_REGION(arena, arena_used);
	arena_used = 0;
	free(script);
	return 0;
}
