/* Symbols the riscv64 linker scripts define, for the C that reads them
 * (addresses only: declared as byte arrays). */
#ifndef BOOTSHIM_RISCV64_LAYOUT_H
#define BOOTSHIM_RISCV64_LAYOUT_H

#include "lib.h"

/* shim.img (linker/riscv64-img.ld): the image's first byte (the Image
 * header) and its end. */
extern const uint8_t _head[], _shim_end[];

#endif
