/* tools/bootshim.h: the subcommands of the host command bootshim
 * (tools/bootshim.c dispatches on argv[1]). Each takes the arguments
 * after its name (argv[0] is the subcommand) and returns the process's
 * exit status. */
#ifndef BOOTSHIM_TOOL_H
#define BOOTSHIM_TOOL_H

/* bootshim pack: a payload-free stub + kernel, initrd(s), command line
 * [, DTB] -> a bootable file (tools/pack.c). */
int bootshim_pack(int argc, char **argv);

/* bootshim inspect: what a shim file carries; exit status 2 for a file
 * that is not a shim (tools/inspect.c). */
int bootshim_inspect(int argc, char **argv);

#endif
