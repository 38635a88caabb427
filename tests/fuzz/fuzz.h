/* The entry points libFuzzer calls (https://llvm.org/docs/LibFuzzer.html),
 * which every tests/fuzz/fuzz_*.c defines. */
#ifndef BOOTSHIM_FUZZ_H
#define BOOTSHIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* One input: 0 when it was run (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional, once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
