#include "fmt.h"

static void put_uint(fmt_sink sink, void *ctx, uint64_t v, unsigned base,
		     bool upper, unsigned width, char pad, bool neg)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	/* The sign goes before zero padding ("-0042"), after spaces ("  -42"). */
	if (neg && pad == '0')
		sink(ctx, '-');
	else if (neg)
		tmp[n++] = '-';
	for (unsigned used = n + (neg && pad == '0'); width > used; width--)
		sink(ctx, pad);
	while (n)
		sink(ctx, tmp[--n]);
}

void fmt_v(fmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			sink(ctx, *fmt);
			continue;
		}
		fmt++;
		char pad = ' ';
		unsigned width = 0, lng = 0;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng += *fmt == 'z' ? 2 : 1;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			size_t len = strlen(s);
			for (; width > len; width--)
				sink(ctx, ' ');
			while (*s)
				sink(ctx, *s++);
			break;
		}
		case 'c':
			sink(ctx, (char)va_arg(ap, int));
			break;
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			put_uint(sink, ctx, mag, 10, false, width, pad, v < 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'p': {
			uint64_t v;
			if (*fmt == 'p')
				v = (uintptr_t)va_arg(ap, void *);
			else
				v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			unsigned base = *fmt == 'u' ? 10 : 16;
			if (*fmt == 'p')
				sink(ctx, '0'), sink(ctx, 'x');
			put_uint(sink, ctx, v, base, *fmt == 'X', width, pad, false);
			break;
		}
		case '%':
			sink(ctx, '%');
			break;
		case '\0':
			return;
		default: /* unknown conversion: show it rather than guess */
			sink(ctx, '%');
			sink(ctx, *fmt);
		}
	}
}

struct buf_ctx {
	char *buf;
	size_t size, len;
};

static void buf_sink(void *p, char c)
{
	struct buf_ctx *b = p;
	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { buf, size, 0 };
	fmt_v(buf_sink, &b, fmt, ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return b.len;
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
