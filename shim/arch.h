/* The arch boundary: the few functions every entry path provides to the
 * portable core. Nothing else crosses it. */
#ifndef BOOTSHIM_ARCH_H
#define BOOTSHIM_ARCH_H

#include "lib.h"

struct handoff;

void arch_console_putc(char c);

/* A free-running counter and its frequency, for the entry-to-jump time. */
uint64_t arch_ticks(void);
uint64_t arch_ticks_hz(void);

/* Stop the machine after a fatal error, with a failure status where the
 * machine has a way to report one. */
__attribute__((noreturn)) void arch_stop_failure(void);

/* Jump to the kernel as its boot protocol requires. */
__attribute__((noreturn)) void arch_enter_kernel(const struct handoff *h);

#endif
