/* CMDLINE_ALLOW: the words UEFI load options may append to the embedded
 * command line under Secure Boot (arch/efi/allow.c). */
#ifndef BOOTSHIM_EFI_ALLOW_H
#define BOOTSHIM_EFI_ALLOW_H

#include "error.h"

/* The build's list (arch/efi/allow.S, section .allow): space-separated
 * entries, each an exact word or '^' and a prefix; NUL-terminated; empty
 * when CMDLINE_ALLOW was not given. */
extern const char cmdline_allow[];

/* Whether `list` allows the word w[0..len): an entry equal to it, or a
 * "^prefix" entry it starts with. A word with a double quote never
 * matches: a quote would let the word run on into what follows. */
bool allow_word(const char *list, const char *w, size_t len);

/* Under Secure Boot: the embedded command line, a space and the load
 * options' words, each of which `list` must allow, into out (words joined
 * by one space). A word it does not allow: "load options: word '<w>' is
 * not in CMDLINE_ALLOW". */
int allow_append(const char *list, const char *embedded, size_t embedded_len,
		 const char *options, char *out, size_t out_size, struct error *e);

#endif
