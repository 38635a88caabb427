/* The tests' reference SHA-256 (sha256sum) and captured console. */
#include "unit.h"

#include <unistd.h>

#include "console.h"
#include "sha256_ref.h"

void sha256_ref_hex(const void *data, size_t len, char out[65])
{
	char path[] = "/tmp/bootshim-sha256-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%64s", out), 1);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	assert_int_equal(strlen(out), 64);
}

void sha256_ref(const void *data, size_t len, uint8_t out[32])
{
	char h[65];
	sha256_ref_hex(data, len, h);
	for (int i = 0; i < 32; i++)
		assert_int_equal(sscanf(h + 2 * i, "%2hhx", &out[i]), 1);
}

char con_capture[16384];

void con_capture_reset(void)
{
	con_capture[0] = '\0';
}

/* The core's console in the unit tests: appended to con_capture (and
 * never printed: a test that wants a line asserts on it). */
void con_printf(const char *fmt, ...)
{
	size_t n = strlen(con_capture);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(con_capture + n, sizeof(con_capture) - n, fmt, ap);
	va_end(ap);
}
