/* Constants and cross-file functions of the riscv64 entry code (assembly
 * and C). CSR bits are from the RISC-V Privileged Architecture (20211203);
 * SBI numbers from the RISC-V SBI specification v2.0. */
#ifndef BOOTSHIM_RISCV64_H
#define BOOTSHIM_RISCV64_H

#ifdef __ASSEMBLER__
#define BIT(n) (1 << (n))
#else
#define BIT(n) (1ull << (n))
#endif

/* sstatus: SIE (supervisor interrupts enabled), SPIE, SPP, and FS (the
 * FP unit's state, 2 bits: 0 Off, 1 Initial, 2 Clean, 3 Dirty). */
#define SSTATUS_SIE BIT(1)
#define SSTATUS_SPIE BIT(5)
#define SSTATUS_SPP BIT(8)
#define SSTATUS_FS_SHIFT 13
#define SSTATUS_FS_INITIAL (1 << SSTATUS_FS_SHIFT)
#define SSTATUS_FS_MASK (3 << SSTATUS_FS_SHIFT)
/* scause: "The Interrupt bit in the scause register is set if the trap
 * was caused by an interrupt." */
#define SCAUSE_INTERRUPT BIT(63)
#define SCAUSE_CODE_MASK 0x3f
/* The seed CSR (Zkr, CSR number 0x015): "must be accessed with a
 * read-write instruction"; OPST in bits 31:30, 16 bits of entropy in
 * 15:0 when OPST is ES16. */
#define CSR_SEED 0x015
#define SEED_OPST_SHIFT 30
#define SEED_OPST_MASK 3
/* OPST 0 (BIST) and 1 (WAIT): not yet, read again. */
#define SEED_OPST_ES16 2
#define SEED_OPST_DEAD 3
#define SEED_ENTROPY_MASK 0xffff
#define SEED_ENTROPY_BYTES 2
/* What riscv64_seed_csr returns when reading seed trapped (M-mode did not
 * set mseccfg.SSEED, or there is no such CSR): not a CSR value, whose
 * upper 32 bits are 0. */
#define SEED_TRAPPED (-1)

/* ELF psABI: R_RISCV_RELATIVE, "B + A". */
#define R_RISCV_RELATIVE 3
#define ELF64_RELA_BYTES 24

#define STACK_SIZE 0x10000

/* SBI: extension ids (a7), function ids (a6). */
#define SBI_EXT_LEGACY_CONSOLE_PUTCHAR 0x01
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_EXT_DBCN 0x4442434e			/* "DBCN" */
#define SBI_DBCN_CONSOLE_WRITE_BYTE 2
#define SBI_EXT_SRST 0x53525354			/* "SRST" */
#define SBI_SRST_SYSTEM_RESET 0
#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_REASON_SYSTEM_FAILURE 1

/* Image header (boot-image-header.rst) of shim.img itself: little-endian,
 * version 0.2, the deprecated magic "RISCV\0\0\0" and magic2 "RSC\x05"
 * (the same values as shim/riscv64_image.h, which C reads). */
#define IMG_TEXT_OFFSET 0x200000
#define IMG_FLAGS 0
#define IMG_VERSION ((0 << 16) | 2)
#define IMG_MAGIC_LO 0x43534952		/* "RISC" */
#define IMG_MAGIC_HI 0x56		/* "V\0\0\0" */
#define IMG_MAGIC2 0x05435352		/* "RSC\x05" */

#ifndef __ASSEMBLER__
#include "lib.h"

struct platform;

/* smode.S, for the S-mode entries (shim.rom's own are in rom_entry.S and
 * rom.c, where the kernel is entered through OpenSBI) */
/* Enter the kernel per boot.rst: a0 = hart id, a1 = DTB, after fence.i;
 * satp is 0 and interrupts are off from the shim's own entry on. */
__attribute__((noreturn)) void riscv64_jump_to_kernel(uint64_t entry, uint64_t hartid,
						       uint64_t dtb);
/* One read-write access of the seed CSR, or SEED_TRAPPED where it traps. */
int64_t riscv64_seed_csr(void);

/* img.c: called by img_entry.S with the loader's a0, a1 and the entry time. */
__attribute__((noreturn)) void img_main(uint64_t hartid, uint64_t dtb, uint64_t ticks);

/* cpu.c */
/* The name of exception code `code` (scause or mcause with the Interrupt
 * bit clear); NULL for a reserved or custom code. */
const char *riscv64_exception_name(uint64_t code);
/* Called by img_entry.S's trap vector: any trap during the shim's run is
 * reported and stops the machine. */
__attribute__((noreturn)) void riscv64_trap_fatal(uint64_t scause, uint64_t sepc, uint64_t stval);
/* The hart the kernel is entered on, and the time CSR's frequency. */
void riscv64_cpu_init(uint64_t boot_hart, uint64_t timebase_hz);
/* Up to len bytes of entropy from the seed CSR (Zkr); 0 if none. */
size_t riscv64_seed(uint8_t *out, size_t len);

/* sbi.c: the SBI console, and where QEMU's test device is (0: none). */
void riscv64_sbi_init(uint64_t test_device);
/* The console from here on on the DTB's ns16550 (rom_uart.c), written
 * directly: each SBI console call is a trap into the firmware (OpenSBI
 * 1.1, Debian 12's and QEMU 7.2's, has no DBCN to write a line at once),
 * about 190 guest instructions a character. S-mode may write the UART
 * (OpenSBI's PMP guards only its own memory), as Linux's earlycon does. */
struct rom_uart;
void riscv64_console_uart(const struct rom_uart *u);

/* dt.c: what the riscv64 entries read from the DTB (pure functions over
 * a checked DTB; the unit tests run them on DTBs dumped from QEMU). */
/* /cpus timebase-frequency (the time CSR's rate); -1 if absent or bad. */
int riscv64_dt_timebase(const void *fdt, uint64_t *hz);
/* Whether the /cpus child with reg == hartid lists the ISA extension ext
 * (lower case, e.g. "zkr") in riscv,isa-extensions or riscv,isa. */
bool riscv64_dt_hart_has_ext(const void *fdt, uint64_t hartid, const char *ext);
/* QEMU's test device ("sifive,test0"/"sifive,test1", which
 * syscon-poweroff writes): its register address, when it sits at a CPU
 * address (no translating parent); -1 if there is none. */
int riscv64_dt_test_device(const void *fdt, uint64_t *base);
/* The same with what dt_open found (shim/fdt.h): no walk of the tree. */
struct dt_index;
int riscv64_dt_timebase_ix(const void *fdt, const struct dt_index *ix, uint64_t *hz);
bool riscv64_dt_hart_has_ext_ix(const void *fdt, const struct dt_index *ix, uint64_t hartid,
				const char *ext);
int riscv64_dt_test_device_ix(const void *fdt, const struct dt_index *ix, uint64_t *base);

/* OpenSSL's symbols that sha_riscv.o leaves undefined (sha256_cpu.c).
 * OpenSSL 3.5 include/crypto/riscv_arch.h sizes the capability words as
 * (entries of RISCV_capabilities + 3) / 4 32-bit words: 24 entries (ZBA
 * to ZVKSH), 6 words, the 24 bytes of riscvcap.o's own definition. */
#define OPENSSL_RISCV_CAPABILITIES 24
#define OPENSSL_RISCVCAP_WORDS ((OPENSSL_RISCV_CAPABILITIES + 3) / 4)
extern unsigned int OPENSSL_riscvcap_P[OPENSSL_RISCVCAP_WORDS];
size_t riscv_vlen(void);
#endif

#endif
