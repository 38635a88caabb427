/* The arch boundary: the few functions every entry path provides to the
 * portable core. Nothing else crosses it. */
#ifndef BOOTSHIM_ARCH_H
#define BOOTSHIM_ARCH_H

#include "lib.h"

struct boot_plan;
struct handoff;
struct place_item;
struct platform;
struct error;

void arch_console_putc(char c);

/* A free-running counter and its frequency, for the entry-to-jump time. */
uint64_t arch_ticks(void);
uint64_t arch_ticks_hz(void);

/* Stop the machine after a fatal error, with a failure status where the
 * machine has a way to report one. */
__attribute__((noreturn)) void arch_stop_failure(void);

/* Take ownership of the memory placement chose, where a firmware still
 * manages it (UEFI AllocatePages); elsewhere a no-op. */
int arch_claim(const struct place_item *item, size_t n, struct error *e);

/* Leave a firmware that is still running (UEFI ExitBootServices), with
 * the boot information refreshed for the final memory map; elsewhere a
 * no-op. After it succeeds, nothing may fail. */
int arch_exit_firmware(struct platform *pf, struct boot_plan *bp, struct error *e);

/* Jump to the kernel as its boot protocol requires. */
__attribute__((noreturn)) void arch_enter_kernel(const struct handoff *h);

#endif
