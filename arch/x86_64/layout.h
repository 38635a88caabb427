/* Symbols the x86_64 linker scripts define, for the C that reads them
 * (addresses only: declared as byte arrays). */
#ifndef BOOTSHIM_X86_64_LAYOUT_H
#define BOOTSHIM_X86_64_LAYOUT_H

#include "lib.h"

/* shim.elf (linker/x86_64-pvh.ld): the loaded image. */
extern const uint8_t _shim_start[], _shim_end[];

/* shim.rom (linker/x86_64-rom.ld): the RAM the ROM's code and data use. */
extern const uint8_t __ram_start[], __ram_end[];
/* The shim as the ROM holds it, everything but the payload: the ROM's
 * last _rom_shim_size bytes (an absolute symbol: its address is the
 * size). The ROM ends at 4 GiB, beyond the reach of the default code
 * model's 32-bit signed addresses, so the start is computed from the end. */
extern const uint8_t _rom_shim_size[];

#endif
