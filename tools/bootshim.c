/* bootshim: the host command (tools/bootshim.h): bootshim pack puts a
 * payload into a prebuilt stub, bootshim inspect says what a shim
 * carries. */
#include <stdio.h>
#include <string.h>

#include "bootshim.h"
#include "version.h"

static const char usage[] =
	"usage: bootshim pack --arch ARCH --flavour FLAVOUR --kernel K --initrd I ... -o FILE\n"
	"       bootshim inspect FILE\n"
	"       bootshim --version | --help\n"
	"bootshim pack --help and man bootshim say more.\n";

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
		{ "pack", bootshim_pack },
		{ "inspect", bootshim_inspect },
	};
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("bootshim %s\n", BOOTSHIM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "bootshim: error: unknown command '%s'\n%s", argv[1], usage);
	return 2;
}
