/* Constants shared by the x86_64 entry code (assembly and C). */
#ifndef BOOTSHIM_X86_64_H
#define BOOTSHIM_X86_64_H

#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* GDT selectors. boot.rst requires __BOOT_CS = 0x10 and __BOOT_DS = 0x18
 * for the 64-bit entry; the shim runs on the same GDT so it never has to
 * switch before the jump. */
#define BOOT_CS32 0x08 /* 32-bit code, for the ROM's way from real mode */
#define BOOT_CS 0x10
#define BOOT_DS 0x18

#define CR0_PE (1 << 0)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)

#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80

/* Identity map: the low 4 GiB with 2 MiB pages (no 1 GiB pages: QEMU's
 * default CPU model lacks pdpe1gb). */
#define IDMAP_GIB 4

#define STACK_SIZE 0x10000

#endif
