#ifndef BOOTSHIM_CONSOLE_H
#define BOOTSHIM_CONSOLE_H

#include "error.h"

void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "bootshim: error: <msg>" and stop the machine. */
__attribute__((noreturn)) void fatal(const struct error *e);

#endif
