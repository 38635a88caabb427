/* The arch boundary: the few functions every entry path provides to the
 * portable core. Nothing else crosses it.
 *
 * Who implements each hook, per flavour (x/ is arch/x86_64/, a/ is
 * arch/aarch64/, r/ is arch/riscv64/, efi/ is arch/efi/; boot.c is
 * shim/boot.c's weak default, a no-op):
 *
 *                     x86_64                                aarch64
 *                     shim.elf   shim.rom   shim.efi        shim.img   shim.rom   shim.efi
 * arch_console_putc   x/bare.c   x/bare.c   efi/common.c    a/bare.c   a/bare.c   efi/common.c
 * arch_ticks, _hz     x/cpu.c    x/cpu.c    x/cpu.c         a/cpu.c    a/cpu.c    a/cpu.c
 * arch_stop_failure   x/bare.c   x/bare.c   efi/common.c    a/bare.c   a/bare.c   efi/common.c
 * arch_claim          boot.c     boot.c     efi/common.c    a/bare.c   a/bare.c   efi/common.c
 * arch_exit_firmware  boot.c     boot.c     efi/common.c    boot.c     boot.c     efi/common.c
 * arch_enter_kernel   x/bare.c   x/bare.c   x/efi_cpu.c     a/cpu.c    a/cpu.c    a/cpu.c
 * the C entry         x/pvh.c    x/rom.c    efi/direct.c    a/img.c    a/rom.c    efi/direct.c
 *                     pvh_main   rom_main   or efi/stub.c   img_main   rom_main   or efi/stub.c
 *                                           efi_main                              efi_main
 *
 *                     riscv64
 *                     shim.img   shim.rom   shim.efi
 * arch_console_putc   r/sbi.c    r/rom.c    efi/common.c
 * arch_ticks, _hz     r/cpu.c    r/cpu.c    r/cpu.c
 * arch_stop_failure   r/sbi.c    r/rom.c    efi/common.c
 * arch_claim          boot.c     boot.c     efi/common.c
 * arch_exit_firmware  boot.c     boot.c     efi/common.c
 * arch_enter_kernel   r/cpu.c    r/cpu.c    r/cpu.c
 * the C entry         r/img.c    r/rom.c    efi/direct.c
 *                     img_main   rom_main   or efi/stub.c
 *                                           efi_main
 *
 * The boot protocol (shim/boot.h), the same for every flavour of an arch:
 * linux_plan and linux_finish in shim/linux_<arch>.c; linux_refresh, which
 * only the UEFI flavours call, in shim/linux_x86_64.c and, for the DTB
 * arches, shim/linux_dt.c. What arch/efi/common.c asks of the arch
 * (arch/efi/uefi.h): efi_arch_init and efi_after_exit in
 * arch/<arch>/efi.c; efi_uart_init, efi_uart_putc and efi_halt in
 * x/efi_cpu.c, a/efi.c and r/efi.c.
 *
 * To check a flavour's row: for each hook, addr2line -e <the linked ELF>
 * at its address from nm (build/<arch>/shim.elf, shim.rom.elf,
 * shim.img.elf, shim.efi.so). */
#ifndef BOOTSHIM_ARCH_H
#define BOOTSHIM_ARCH_H

#include "lib.h"

struct boot_plan;
struct handoff;
struct place_item;
struct platform;
struct error;

void arch_console_putc(char c);

/* A free-running counter and its frequency, for the entry-to-jump time. */
uint64_t arch_ticks(void);
uint64_t arch_ticks_hz(void);

/* Stop the machine after a fatal error, with a failure status where the
 * machine has a way to report one. */
__attribute__((noreturn)) void arch_stop_failure(void);

/* Take ownership of the memory placement chose, where a firmware still
 * manages it (UEFI AllocatePages); elsewhere a no-op. */
int arch_claim(const struct place_item *item, size_t n, struct error *e);

/* Leave a firmware that is still running (UEFI ExitBootServices), with
 * the boot information refreshed for the final memory map; elsewhere a
 * no-op. After it succeeds, nothing may fail. */
int arch_exit_firmware(struct platform *pf, struct boot_plan *bp, struct error *e);

/* Jump to the kernel as its boot protocol requires. */
__attribute__((noreturn)) void arch_enter_kernel(const struct handoff *h);

#endif
