#include "error.h"
#include "fmt.h"

int fail(struct error *e, const char *what, const char *fmt, ...)
{
	size_t n = fmt_snprintf(e->msg, sizeof(e->msg), "%s: ", what);
	if (n < sizeof(e->msg)) {
		va_list ap;
		va_start(ap, fmt);
		fmt_vsnprintf(e->msg + n, sizeof(e->msg) - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}
