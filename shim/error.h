/* One error convention for the whole core: the function that detects a
 * problem describes it once, as "<what>: <detail>", and returns -1; callers
 * only propagate. The top level prints it (console or stderr) and stops. */
#ifndef BOOTSHIM_ERROR_H
#define BOOTSHIM_ERROR_H

#include "lib.h"

struct error {
	char msg[256];
};

/* Record "<what>: <detail>" in e and return -1. */
int fail(struct error *e, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
