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
	arch_stop_failure();
}

/* Debian's libfdt.a is built with -fstack-protector: give it a guard and a
 * failure path that says what happened. */
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ull;

void __stack_chk_fail(void)
{
	struct error e;
	fail(&e, "internal", "stack smashing detected");
	fatal(&e);
}
