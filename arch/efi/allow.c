/* The Secure Boot command line rule with CMDLINE_ALLOW. Under Secure Boot
 * the embedded command line is part of what was signed, so load options
 * (which anyone at the firmware's boot menu can set) never replace it.
 * With an allow-list built in, they may append to it, word by word, and
 * only words the list names: an exact entry ("quiet") or a "^prefix"
 * entry ("^systemd.log_level=" allows "systemd.log_level=debug"). One word
 * outside the list refuses the whole boot: the user asked for something
 * the signer did not allow, and silently dropping it would boot a system
 * other than the one asked for. Pure code, tested on the host. */
#include "lib.h"
#include "allow.h"

#define WORD_SHOWN_MAX 96 /* of a refused word, in the error message */

bool allow_word(const char *list, const char *w, size_t len)
{
	if (!len || memchr(w, '"', len))
		return false;
	for (const char *p = list; *p;) {
		while (*p == ' ')
			p++;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		size_t n = (size_t)(q - p);
		if (n > 1 && p[0] == '^') {
			if (len >= n - 1 && !memcmp(w, p + 1, n - 1))
				return true;
		} else if (n && n == len && !memcmp(w, p, n)) {
			return true;
		}
		p = q;
	}
	return false;
}

int allow_append(const char *list, const char *embedded, size_t embedded_len,
		 const char *options, char *out, size_t out_size, struct error *e)
{
	if (embedded_len >= out_size)
		return fail(e, "load options", "no room after the embedded command line");
	memcpy(out, embedded, embedded_len);
	size_t n = embedded_len;
	for (const char *p = options; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		size_t len = (size_t)(q - p);
		if (!allow_word(list, p, len)) {
			char shown[WORD_SHOWN_MAX];
			size_t k = len < sizeof(shown) - 1 ? len : sizeof(shown) - 1;
			memcpy(shown, p, k);
			shown[k] = 0;
			return fail(e, "load options", "word '%s' is not in CMDLINE_ALLOW", shown);
		}
		/* One space before each word; an empty embedded command line
		 * gets none before the first. */
		size_t sep = n ? 1 : 0;
		if (n + sep + len >= out_size)
			return fail(e, "load options", "the command line with them exceeds %zu bytes",
				    out_size - 1);
		if (sep)
			out[n++] = ' ';
		memcpy(out + n, p, len);
		n += len;
		p = q;
	}
	out[n] = 0;
	return 0;
}
