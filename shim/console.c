#include "console.h"
#include "arch.h"
#include "fmt.h"

static void con_sink(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fmt_v(con_sink, NULL, fmt, ap);
	va_end(ap);
}

void fatal(const struct error *e)
{
	con_printf("bootshim: error: %s\n", e->msg);
	con_printf("bootshim: stopping the machine\n");
	arch_stop_failure();
}
