/* The shim's version, where it names itself: the PCR 0 event of the
 * firmware flavours ("bootshim <version>", shim/tpm_measure.c) and the
 * UEFI LoaderInfo variable. A constant, so that the same source builds
 * the same bytes (and so the same PCR 0) wherever it is built. */
#ifndef BOOTSHIM_VERSION_H
#define BOOTSHIM_VERSION_H

#define BOOTSHIM_VERSION "0.10"

#endif
