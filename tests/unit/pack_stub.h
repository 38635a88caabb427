/* A synthetic payload-free ELF stub for bootshim pack's tests
 * (tests/unit/test_pack.c, tests/fuzz/fuzz_pack.c): .text at 0 (an Image
 * header's place, "HEAD"), .data with payload_table at 0x1000 (file
 * 0x2000), .rela.dyn covering it with rel_type, .payload.cmdline at
 * 0x2000 (file 0x3000) with the stub's NUL and index; the empty payload
 * sections left out, as ld does. PACK_STUB_BYTES long, malloc'd. */
#ifndef BOOTSHIM_PACK_STUB_H
#define BOOTSHIM_PACK_STUB_H

#include <stdint.h>

#define PACK_STUB_BYTES 0x4000
#define PACK_STUB_SECTIONS 8

uint8_t *pack_synthetic_stub(uint16_t machine, uint32_t rel_type);

#endif
