/* Symbols the aarch64 linker scripts and assembly define, for the C that
 * reads them (addresses only: declared as byte arrays). */
#ifndef BOOTSHIM_AARCH64_LAYOUT_H
#define BOOTSHIM_AARCH64_LAYOUT_H

#include "lib.h"

/* shim.img (linker/aarch64-img.ld): the image's first byte (the Image
 * header) and its end. */
extern const uint8_t _head[], _shim_end[];

/* shim.rom (linker/aarch64-rom.ld): the RAM the firmware keeps for itself
 * [__ram_start, __ram_end), of which [__ram_start, __fw_end) stays
 * reserved at run time (PSCI); the shim's bytes in flash. */
extern const uint8_t __ram_start[], __ram_end[], __fw_end[];
extern const uint8_t __shim_flash_start[], __shim_flash_end[];

/* psci_entry.S: EL3's vector table at run time. */
extern const uint8_t vectors_el3_rt[];

#endif
