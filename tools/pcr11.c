/* bootshim-pcr11: the PCR 11 value a boot of a built shim leaves in a
 * reset TPM, computed by the shim's own shim/measure.c from the payload
 * found in the file through its payload index (shim/payload_index.h).
 *
 *   bootshim-pcr11 FILE            one line: the lowercase hex value
 *   bootshim-pcr11 --events FILE   each event (PCR, type, digest, data),
 *                                  then the value
 *
 * FILE is any flavour: shim.elf, shim.rom, shim.img, shim.efi or their
 * .elf/.so intermediates (tools/shim_image.c finds the payload). The
 * build writes $(O)/<arch>/pcr11.txt with it and checks that every
 * flavour gives the same value. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"
#include "shim_image.h"

static const char *path;

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "bootshim-pcr11: error: %s: ", path);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint8_t *file;
static size_t file_len;

static void read_all(void)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open: %s", strerror(errno));
	size_t cap = 1 << 20;
	file = malloc(cap);
	for (size_t got; file && (got = fread(file + file_len, 1, cap - file_len, f)) > 0;) {
		file_len += got;
		if (file_len == cap)
			file = realloc(file, cap *= 2);
	}
	if (!file || ferror(f))
		die("cannot read");
	fclose(f);
}

static void hex(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", d[i]);
}

int main(int argc, char **argv)
{
	bool events = argc == 3 && !strcmp(argv[1], "--events");
	if (argc != 2 + events) {
		fprintf(stderr, "usage: %s [--events] SHIM\n"
			"  SHIM: shim.elf, shim.rom, shim.img, shim.efi or their .elf/.so\n",
			argv[0]);
		return 2;
	}
	path = argv[1 + events];
	read_all();
	struct shim_image im;
	char why[256];
	if (shim_image_read(file, file_len, &im, why, sizeof(why)))
		die("%s", why);
	struct payload pl = im.pl;

	uint8_t pcr[SHA256_BYTES];
	if (events) {
		struct measure_event ev[MEASURE_PAYLOAD_MAX];
		size_t n = measure_payload_events(&pl, ev);
		for (size_t i = 0; i < n; i++) {
			uint8_t d[SHA256_BYTES];
			uint64_t len = 0;
			measure_digest(&ev[i], d);
			for (size_t j = 0; j < ev[i].n_part; j++)
				len += ev[i].part[j].len;
			printf("PCR %u EV_IPL (0x%x) sha256:", ev[i].pcr, ev[i].type);
			hex(d, sizeof(d));
			printf(" \"%s\" (%llu bytes)\n", ev[i].desc, (unsigned long long)len);
		}
	}
	measure_predict_pcr11(&pl, pcr);
	if (events)
		printf("PCR 11 sha256:");
	hex(pcr, sizeof(pcr));
	putchar('\n');
	return 0;
}
