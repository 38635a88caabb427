/* A small printf: %s %c %d %i %u %x %X %p %%, with l/ll/z length, width and
 * '0' padding. Output goes through a sink so the console and error buffers
 * share one formatter. */
#ifndef BOOTSHIM_FMT_H
#define BOOTSHIM_FMT_H

#include "lib.h"

typedef void (*fmt_sink)(void *ctx, char c);

void fmt_v(fmt_sink sink, void *ctx, const char *fmt, va_list ap);

/* snprintf semantics: always NUL-terminates (if size > 0), returns the
 * length it would have written. */
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
