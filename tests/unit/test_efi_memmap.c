/* shim/efi_memmap.c: UEFI memory maps (GetMemoryMap's descriptors) as the
 * core's memory map. Maps are built here with the descriptor size real
 * firmware uses (48 bytes, 8 more than struct efi_mem_desc; the extra bytes
 * hold garbage), in buffers of exactly their size, so ASan sees any read
 * past a map. */
#include "unit.h"
#include "efi_memmap.h"

/* UEFI 2.10, 7.2 EFI_MEMORY_TYPE */
enum {
	EfiReservedMemoryType, EfiLoaderCode, EfiLoaderData, EfiBootServicesCode,
	EfiBootServicesData, EfiRuntimeServicesCode, EfiRuntimeServicesData,
	EfiConventionalMemory, EfiUnusableMemory, EfiACPIReclaimMemory, EfiACPIMemoryNVS,
	EfiMemoryMappedIO, EfiMemoryMappedIOPortSpace, EfiPalCode, EfiPersistentMemory,
	EfiUnacceptedMemoryType,
};

#define DESC 48

/* The output map (static: a failed assertion leaks nothing). */
static struct memmap M;
#define E820_PMEM 7

struct desc {
	uint32_t type;
	uint64_t phys, pages;
};

/* A map of n descriptors desc_size apart, plus `tail` bytes, in a buffer of
 * exactly that size (freed by the caller). */
static uint8_t *efi_map(const struct desc *d, size_t n, size_t desc_size, size_t tail,
			size_t *size)
{
	*size = n * desc_size + tail;
	uint8_t *m = malloc(*size ? *size : 1);
	assert_non_null(m);
	memset(m, 0xa5, *size); /* pad, virt_start, attribute, the extra bytes */
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = m + i * desc_size;
		st(p, 0, 4, d[i].type);
		st(p, 8, 8, d[i].phys);
		st(p, 24, 8, d[i].pages);
		st(p, 32, 8, 0xf); /* attribute: UC WC WT WB */
	}
	return m;
}

/* One descriptor of each type, in an order no sorting would give, a page
 * apart where neighbours would become the same e820 type (the conversion
 * merges those: test_efi_neighbours_merged). */
static const struct desc every_type[] = {
	{ EfiConventionalMemory, 0x0, 0x9f },
	{ EfiReservedMemoryType, 0x9f000, 0x1 },
	{ EfiLoaderCode, 0x100000, 0x1ff },
	{ EfiLoaderData, 0x300000, 0xff },
	{ EfiBootServicesCode, 0x400000, 0x7f },
	{ EfiBootServicesData, 0x480000, 0x7f },
	{ EfiRuntimeServicesCode, 0x500000, 0xf },
	{ EfiRuntimeServicesData, 0x510000, 0xf },
	{ EfiUnusableMemory, 0x520000, 0x1f },
	{ EfiACPIReclaimMemory, 0x540000, 0x7 },
	{ EfiACPIMemoryNVS, 0x548000, 0x7 },
	{ EfiMemoryMappedIO, 0xfec00000, 0x1 },
	{ EfiMemoryMappedIOPortSpace, 0xfed00000, 0x1 },
	{ EfiPalCode, 0x550000, 0x1 },
	{ EfiPersistentMemory, 0x100000000, 0x40000 },
	{ EfiUnacceptedMemoryType, 0x140000000, 0x100 },	/* not accepted by the shim */
	{ 0x6fffffff, 0x150000000, 0x1 },	/* reserved range of the spec */
	{ 0x70000000, 0x151000000, 0x1 },	/* OEM */
	{ 0x80000000, 0x152000000, 0x1 },	/* OS loader */
	{ 0xffffffff, 0x153000000, 0x1 },
	{ EfiConventionalMemory, 0x1000000, 0x3f000 },
};

/* The e820 type each row of every_type[] must become, stated per row:
 * { EFI_MAP_FREE_NOW, EFI_MAP_FOR_KERNEL }, as Linux's x86 EFI stub
 * (libstub/x86-stub.c, setup_e820()) maps them once boot services have
 * exited, loader and boot services memory being in use before. */
static const uint32_t every_type_want[][2] = {
	{ MEM_RAM, MEM_RAM },	/* EfiConventionalMemory */
	{ MEM_RESERVED, MEM_RESERVED },	/* EfiReservedMemoryType */
	{ MEM_RESERVED, MEM_RAM },	/* EfiLoaderCode */
	{ MEM_RESERVED, MEM_RAM },	/* EfiLoaderData */
	{ MEM_RESERVED, MEM_RAM },	/* EfiBootServicesCode */
	{ MEM_RESERVED, MEM_RAM },	/* EfiBootServicesData */
	{ MEM_RESERVED, MEM_RESERVED },	/* EfiRuntimeServicesCode */
	{ MEM_RESERVED, MEM_RESERVED },	/* EfiRuntimeServicesData */
	{ MEM_UNUSABLE, MEM_UNUSABLE },	/* EfiUnusableMemory */
	{ MEM_ACPI, MEM_ACPI },	/* EfiACPIReclaimMemory */
	{ MEM_NVS, MEM_NVS },	/* EfiACPIMemoryNVS */
	{ MEM_RESERVED, MEM_RESERVED },	/* EfiMemoryMappedIO */
	{ MEM_RESERVED, MEM_RESERVED },	/* EfiMemoryMappedIOPortSpace */
	{ MEM_RESERVED, MEM_RESERVED },	/* EfiPalCode */
	{ E820_PMEM, E820_PMEM },	/* EfiPersistentMemory */
	{ MEM_RESERVED, MEM_RESERVED },	/* EfiUnacceptedMemoryType */
	{ MEM_RESERVED, MEM_RESERVED },	/* 0x6fffffff */
	{ MEM_RESERVED, MEM_RESERVED },	/* 0x70000000 */
	{ MEM_RESERVED, MEM_RESERVED },	/* 0x80000000 */
	{ MEM_RESERVED, MEM_RESERVED },	/* 0xffffffff */
	{ MEM_RAM, MEM_RAM },	/* EfiConventionalMemory */
};
_Static_assert(ARRAY_SIZE(every_type_want) == ARRAY_SIZE(every_type), "one row each");

static void check_every_type(size_t desc_size, enum efi_map_use use)
{
	size_t n = ARRAY_SIZE(every_type), size;
	uint8_t *map = efi_map(every_type, n, desc_size, 0, &size);
	struct memmap *m = &M;
	struct error e;
	m->n = 99;
	int r = efi_memmap_convert(map, size, desc_size, use, m, &e);
	free(map);
	if (r) {
		fail_msg("efi_memmap_convert: %s", e.msg);
	}
	assert_int_equal(m->n, n);
	unsigned ram = 0;
	for (size_t i = 0; i < n; i++) {
		const struct mem_range *x = &m->e[i];
		if (x->base != every_type[i].phys || x->size != every_type[i].pages << 12 ||
		    x->type != every_type_want[i][use]) {
			fail_msg("descriptor %zu (EFI type 0x%x, use %d): got [0x%llx, +0x%llx) "
				 "type %u, expected [0x%llx, +0x%llx) type %u",
				 i, every_type[i].type, use, (unsigned long long)x->base,
				 (unsigned long long)x->size, x->type,
				 (unsigned long long)every_type[i].phys,
				 (unsigned long long)every_type[i].pages << 12,
				 every_type_want[i][use]);
		}
		ram += x->type == MEM_RAM;
	}
	assert_int_equal(ram, use == EFI_MAP_FOR_KERNEL ? 6 : 2);
}

/* Neighbours that become the same e820 type are one range already after
 * the conversion (a firmware's map is mostly such runs); a neighbour of
 * another type, or one a page apart, is not merged. */
static void test_efi_neighbours_merged(void **state)
{
	(void)state;
	static const struct desc run[] = {
		{ EfiLoaderCode, 0x100000, 0x10 },
		{ EfiLoaderData, 0x110000, 0x10 },
		{ EfiBootServicesData, 0x120000, 0x10 },
		{ EfiConventionalMemory, 0x130000, 0x10 },
		{ EfiBootServicesCode, 0x141000, 0x10 },
		{ EfiACPIReclaimMemory, 0x151000, 0x1 },
	};
	size_t size;
	uint8_t *map = efi_map(run, ARRAY_SIZE(run), DESC, 0, &size);
	struct memmap *m = &M;
	struct error e;
	assert_int_equal(efi_memmap_convert(map, size, DESC, EFI_MAP_FOR_KERNEL, m, &e), 0);
	/* [0x100000, 0x140000) RAM, [0x141000, 0x151000) RAM, the ACPI page. */
	assert_int_equal(m->n, 3);
	assert_true(m->e[0].base == 0x100000 && m->e[0].size == 0x40000 &&
		    m->e[0].type == MEM_RAM);
	assert_true(m->e[1].base == 0x141000 && m->e[1].size == 0x10000 &&
		    m->e[1].type == MEM_RAM);
	assert_true(m->e[2].base == 0x151000 && m->e[2].type == MEM_ACPI);
	/* Before ExitBootServices the loader and boot services runs are
	 * reserved, the conventional range apart. */
	assert_int_equal(efi_memmap_convert(map, size, DESC, EFI_MAP_FREE_NOW, m, &e), 0);
	free(map);
	assert_int_equal(m->n, 4);
	assert_true(m->e[0].base == 0x100000 && m->e[0].size == 0x30000 &&
		    m->e[0].type == MEM_RESERVED);
	assert_true(m->e[1].base == 0x130000 && m->e[1].type == MEM_RAM);
}

static void test_efi_types_free_now(void **state)
{
	(void)state;
	check_every_type(DESC, EFI_MAP_FREE_NOW);
}

static void test_efi_types_for_kernel(void **state)
{
	(void)state;
	check_every_type(DESC, EFI_MAP_FOR_KERNEL);
}

/* The struct's own size, an odd size, and the largest accepted. */
static void test_efi_desc_sizes(void **state)
{
	(void)state;
	check_every_type(sizeof(struct efi_mem_desc), EFI_MAP_FREE_NOW);
	check_every_type(44, EFI_MAP_FOR_KERNEL);
	check_every_type(4096, EFI_MAP_FOR_KERNEL);
}

/* A descriptor size the shim cannot trust: refused before any read. */
static void test_efi_desc_size_hostile(void **state)
{
	(void)state;
	static const uint64_t bad[] = { 0, 1, 8, 24, sizeof(struct efi_mem_desc) - 1, 4097,
					8192, UINT32_MAX + 1ull, UINT64_MAX };
	uint8_t map[1] = { 0 };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct memmap *m = &M;
		struct error e;
		m->n = 5;
		memset(e.msg, 0, sizeof(e.msg));
		/* map_size claims a lot: only the check stands between the
		 * loop and a read past map[]. */
		int r = efi_memmap_convert(map, 1u << 20, bad[i], EFI_MAP_FOR_KERNEL, m, &e);
		size_t n = m->n;
		if (r != -1)
			fail_msg("descriptor size %llu accepted", (unsigned long long)bad[i]);
		assert_int_equal(n, 0);
		assert_true(!strncmp(e.msg, "uefi: ", 6));
		assert_err_mentions(&e, "descriptor size");
	}
}

/* Trailing bytes short of a whole descriptor are not read. */
static void test_efi_trailing_bytes(void **state)
{
	(void)state;
	static const size_t tails[] = { 1, 8, 39, 40, DESC - 1 };
	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		size_t size;
		uint8_t *map = efi_map(every_type, 3, DESC, tails[i], &size);
		struct memmap *m = &M;
		struct error e;
		int r = efi_memmap_convert(map, size, DESC, EFI_MAP_FOR_KERNEL, m, &e);
		size_t n = m->n;
		free(map);
		if (r)
			fail_msg("tail of %zu bytes: %s", tails[i], e.msg);
		assert_int_equal(n, 3);
	}
	/* Less than one descriptor, and nothing at all. */
	for (size_t size = 0; size < DESC; size += 47) {
		uint8_t *map = malloc(size ? size : 1);
		assert_non_null(map);
		memset(map, 0x07, size ? size : 1);
		struct memmap *m = &M;
		struct error e;
		m->n = 3;
		int r = efi_memmap_convert(map, size, DESC, EFI_MAP_FOR_KERNEL, m, &e);
		size_t n = m->n;
		free(map);
		assert_int_equal(r, 0);
		assert_int_equal(n, 0);
	}
	struct memmap *m = &M;
	struct error e;
	m->n = 3;
	int r = efi_memmap_convert(NULL, 0, DESC, EFI_MAP_FOR_KERNEL, m, &e);
	size_t n = m->n;
	assert_int_equal(r, 0);
	assert_int_equal(n, 0);
}

/* A descriptor at an odd address (a map inside a byte buffer). */
static void test_efi_unaligned(void **state)
{
	(void)state;
	size_t size;
	uint8_t *map = efi_map(every_type, ARRAY_SIZE(every_type), DESC, 0, &size);
	uint8_t *odd = malloc(size + 1);
	assert_non_null(odd);
	memcpy(odd + 1, map, size);
	free(map);
	struct memmap *m = &M;
	struct error e;
	int r = efi_memmap_convert(odd + 1, size, DESC, EFI_MAP_FOR_KERNEL, m, &e);
	size_t n = m->n;
	uint64_t last = m->e[n ? n - 1 : 0].base;
	free(odd);
	assert_int_equal(r, 0);
	assert_int_equal(n, ARRAY_SIZE(every_type));
	assert_int_equal(last, 0x1000000);
}

/* Page counts: the largest that shifts into 64 bits, the smallest that
 * does not; zero pages (dropped); a range that runs past 2^64 (clipped,
 * as memmap_add documents). */
static void test_efi_pages(void **state)
{
	(void)state;
	const uint64_t max = UINT64_MAX >> 12;
	static const uint64_t bad[] = { (UINT64_MAX >> 12) + 1, 1ull << 52, 1ull << 63,
					UINT64_MAX };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct desc d[] = { { EfiConventionalMemory, 0x1000, 1 },
					  { EfiConventionalMemory, 0x100000, bad[i] } };
		size_t size;
		uint8_t *map = efi_map(d, 2, DESC, 0, &size);
		struct memmap *m = &M;
		struct error e;
		memset(e.msg, 0, sizeof(e.msg));
		int r = efi_memmap_convert(map, size, DESC, EFI_MAP_FOR_KERNEL, m, &e);
		free(map);
		if (r != -1)
			fail_msg("%llu pages accepted", (unsigned long long)bad[i]);
		assert_true(!strncmp(e.msg, "uefi: ", 6));
		assert_err_mentions(&e, "pages");
		assert_err_mentions(&e, "0x100000");
	}
	const struct desc d[] = {
		{ EfiConventionalMemory, 0, max },		 /* [0, 2^64 - 4096) */
		{ EfiReservedMemoryType, 0x2000, 0 },		 /* empty */
		{ EfiACPIReclaimMemory, 0xfffffffffffff000, 1 }, /* the last page */
		{ EfiConventionalMemory, 0xffffffff00000000, max }, /* runs past 2^64 */
	};
	size_t size;
	uint8_t *map = efi_map(d, 4, DESC, 0, &size);
	struct memmap *m = &M;
	struct error e;
	int r = efi_memmap_convert(map, size, DESC, EFI_MAP_FOR_KERNEL, m, &e);
	free(map);
	struct memmap got = *m;
	if (r)
		fail_msg("%s", e.msg);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.e[0].base, 0);
	assert_int_equal(got.e[0].size, max << 12);
	assert_int_equal(got.e[1].base, 0xfffffffffffff000);
	assert_int_equal(got.e[1].type, MEM_ACPI);
	assert_int_equal(got.e[1].size, 0xfff); /* clipped at 2^64 - 1 */
	assert_int_equal(got.e[2].base, 0xffffffff00000000);
	assert_int_equal(got.e[2].base + got.e[2].size, UINT64_MAX);
}

/* MEMMAP_INPUT_MAX descriptors fit; one more is refused. */
static void test_efi_too_many(void **state)
{
	(void)state;
	static struct desc d[MEMMAP_INPUT_MAX + 1];
	for (size_t i = 0; i <= MEMMAP_INPUT_MAX; i++)
		d[i] = (struct desc){ i % 2 ? EfiBootServicesData : EfiConventionalMemory,
				      i << 20, 16 };
	for (size_t n = MEMMAP_INPUT_MAX; n <= MEMMAP_INPUT_MAX + 1; n++) {
		size_t size;
		uint8_t *map = efi_map(d, n, DESC, 0, &size);
		struct memmap *m = &M;
		struct error e;
		memset(e.msg, 0, sizeof(e.msg));
		int r = efi_memmap_convert(map, size, DESC, EFI_MAP_FREE_NOW, m, &e);
		size_t got = m->n;
		uint32_t t = m->e[1].type;
		free(map);
		if (n == MEMMAP_INPUT_MAX) {
			if (r)
				fail_msg("%zu descriptors: %s", n, e.msg);
			assert_int_equal(got, n);
			assert_int_equal(t, MEM_RESERVED);
		} else {
			assert_int_equal(r, -1);
			assert_err_mentions(&e, "more than 248");
		}
	}
	/* Empty descriptors do not count. */
	static struct desc z[MEMMAP_INPUT_MAX + 10];
	for (size_t i = 0; i < ARRAY_SIZE(z); i++)
		z[i] = (struct desc){ EfiConventionalMemory, i << 20, i < 10 ? 0 : 1 };
	size_t size;
	uint8_t *map = efi_map(z, ARRAY_SIZE(z), DESC, 0, &size);
	struct memmap *m = &M;
	struct error e;
	int r = efi_memmap_convert(map, size, DESC, EFI_MAP_FREE_NOW, m, &e);
	size_t got = m->n;
	free(map);
	assert_int_equal(r, 0);
	assert_int_equal(got, MEMMAP_INPUT_MAX);
}

/* A converted map is the core's: it sanitises like any other. */
static void test_efi_sanitise(void **state)
{
	(void)state;
	size_t size;
	uint8_t *map = efi_map(every_type, ARRAY_SIZE(every_type), DESC, 0, &size);
	struct memmap *m = &M;
	struct error e;
	int r = efi_memmap_convert(map, size, DESC, EFI_MAP_FOR_KERNEL, m, &e);
	if (!r)
		r = memmap_sanitise(m, &e);
	free(map);
	bool ram_1m = !r && memmap_is_ram(m, 0x100000, 0x1ff000);
	bool ram_rt = !r && memmap_is_ram(m, 0x500000, 0x1000);
	uint64_t bytes = r ? 0 : memmap_ram_bytes(m);
	if (r)
		fail_msg("%s", e.msg);
	assert_true(ram_1m);
	assert_false(ram_rt);
	assert_int_equal(bytes, (0x9full + 0x1ff + 0xff + 0x7f + 0x7f + 0x3f000) << 12);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_efi_neighbours_merged),
	cmocka_unit_test(test_efi_types_free_now),
	cmocka_unit_test(test_efi_types_for_kernel),
	cmocka_unit_test(test_efi_desc_sizes),
	cmocka_unit_test(test_efi_desc_size_hostile),
	cmocka_unit_test(test_efi_trailing_bytes),
	cmocka_unit_test(test_efi_unaligned),
	cmocka_unit_test(test_efi_pages),
	cmocka_unit_test(test_efi_too_many),
	cmocka_unit_test(test_efi_sanitise),
};

const struct unit_suite efi_memmap_suite = { tests, sizeof(tests) / sizeof(tests[0]) };
