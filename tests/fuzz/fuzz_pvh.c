/* libFuzzer: pvh_parse over the input as physical memory.
 *
 * The input is the content of physical memory from FUZZ_BASE up; it is the
 * phys_mem window, so every pointer start_info holds is checked against it
 * (libFuzzer's buffer is exactly the input's size: ASan catches any read
 * past the window). Bytes 0..1 give start_info's offset in the window,
 * little-endian; 0xffff puts it just below the window. On success the map
 * is sanitised and checked. */
#include "fuzz.h"
#include "pvh.h"
#include "memmap_check.h"

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_BASE 0x1000ull

static uint64_t ld64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned off = data[0] | (unsigned)data[1] << 8;
	uint64_t si = off == 0xffff ? FUZZ_BASE - 8 : FUZZ_BASE + off;
	struct phys_mem pm = { (uintptr_t)data, FUZZ_BASE, size };
	static struct pvh_info pi;
	struct error e;
	memset(e.msg, 0xff, sizeof(e.msg));
	if (pvh_parse(&pm, si, &pi, &e)) {
		MM_CHECK(memchr(e.msg, '\0', sizeof(e.msg)));
		MM_CHECK(!strncmp(e.msg, "pvh: ", 5));
		return 0;
	}
	/* It parsed: start_info and the map lie inside the window. */
	MM_CHECK(si >= FUZZ_BASE && si - FUZZ_BASE + 56 <= size);
	const uint8_t *s = data + (si - FUZZ_BASE);
	uint32_t entries = (uint32_t)ld64(s + 48);
	uint64_t map = ld64(s + 40);
	MM_CHECK(entries >= 1 && entries <= MEMMAP_INPUT_MAX);
	MM_CHECK(map >= FUZZ_BASE && map - FUZZ_BASE + 24ull * entries <= size);
	MM_CHECK(pi.mem.n <= entries);
	MM_CHECK(pi.rsdp == ld64(s + 32));
	uint32_t nr_modules;
	memcpy(&nr_modules, s + 12, 4);
	MM_CHECK(pi.nr_modules == nr_modules);
	uint64_t cmd = ld64(s + 24);
	MM_CHECK(pi.vmm_cmdline ==
		 (cmd >= FUZZ_BASE && cmd - FUZZ_BASE < size && data[cmd - FUZZ_BASE] != 0));
	/* Each non-empty entry is in the table as given (clipped at 2^64). */
	size_t j = 0;
	for (uint32_t i = 0; i < entries; i++) {
		struct hvm_memmap_table_entry ent;
		memcpy(&ent, data + (map - FUZZ_BASE) + 24 * i, sizeof(ent));
		uint64_t clipped = ent.size > UINT64_MAX - ent.addr ? UINT64_MAX - ent.addr
								  : ent.size;
		/* Empty, or clipped to nothing (addr = 2^64 - 1): dropped, not
		 * kept with size 0 (test_memmap_clipped_to_zero_dropped). */
		if (!clipped)
			continue;
		MM_CHECK(j < pi.mem.n);
		MM_CHECK(pi.mem.e[j].base == ent.addr && pi.mem.e[j].type == ent.type);
		MM_CHECK(pi.mem.e[j].size == clipped);
		j++;
	}
	MM_CHECK(j == pi.mem.n); /* nothing else in the map */
	/* The sanitised map is the model's, from the table's own bytes. */
	static struct mem_range table[MEMMAP_INPUT_MAX];
	for (uint32_t i = 0; i < entries; i++) {
		struct hvm_memmap_table_entry ent;
		memcpy(&ent, data + (map - FUZZ_BASE) + 24 * i, sizeof(ent));
		table[i] = (struct mem_range){ ent.addr, ent.size, ent.type };
	}
	int rc = memmap_sanitise(&pi.mem, &e);
	mm_check_ranges(table, entries, rc, &pi.mem);
	return 0;
}
