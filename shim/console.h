#ifndef BOOTSHIM_CONSOLE_H
#define BOOTSHIM_CONSOLE_H

#include "error.h"

void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "bootshim: error: <msg>" and stop the machine. */
__attribute__((noreturn)) void fatal(const struct error *e);

/* What code built with -fstack-protector calls (Debian's libfdt.a): the
 * canary and the failure path, which says what happened and stops. */
extern uintptr_t __stack_chk_guard;
__attribute__((noreturn)) void __stack_chk_fail(void);

#endif
