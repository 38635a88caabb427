/* shim.rom on riscv64: the first code of QEMU virt (-bios), in M-mode,
 * which hands the kernel to an embedded OpenSBI fw_dynamic. Constants for
 * the entry code (assembly and C) and the functions that cross its files.
 * CSR bits quote the RISC-V Privileged Architecture (20211203); the
 * fw_dynamic interface is OpenSBI's include/sbi/fw_dynamic.h (v1.1). */
#ifndef BOOTSHIM_RISCV64_ROM_H
#define BOOTSHIM_RISCV64_ROM_H

#include "riscv64.h"

/* mstatus: "MIE ... global interrupt-enable bit" for M-mode; FS, the FP
 * unit's state (bits 14:13: 0 Off, 1 Initial, 2 Clean, 3 Dirty). */
#define MSTATUS_MIE BIT(3)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS_INITIAL (1 << MSTATUS_FS_SHIFT)
#define MSTATUS_FS_MASK (3 << MSTATUS_FS_SHIFT)
/* mie: "MSIE ... the machine-level software interrupt enable bit". */
#define MIE_MSIE BIT(3)
/* An MSIP register's bit 0 "reflects the pending machine software
 * interrupt" of its hart; writing 1 raises it. */
#define MSIP_RAISE 1
/* mcause: "The Interrupt bit in the mcause register is set if the trap
 * was caused by an interrupt." */
#define MCAUSE_INTERRUPT BIT(63)

/* QEMU virt's most harts (hw/riscv/virt.h, VIRT_CPUS_MAX), the MSIP
 * table's size. */
#define ROM_MAX_HARTS 512

/* OpenSBI 1.1, include/sbi/sbi_hartmask.h: SBI_HARTMASK_MAX_BITS. Its
 * generic platform skips /cpus children with a larger hart id
 * (fw_platform_init: "if (SBI_HARTMASK_MAX_BITS <= hartid) continue;")
 * and hangs such a hart in sbi_init: it can never be the boot hart, so it
 * takes no part in the lottery (rom_entry.S). */
#define OPENSBI_MAX_HARTID 128

/* The trap handler's own stack (the boot hart's is STACK_SIZE). */
#define ROM_TRAP_STACK_SIZE 0x1000

/* struct rom_pen's layout, for the assembly (checked in rom.c). */
#define PEN_GO 0
#define PEN_ENTRY 8
#define PEN_DTB 16
#define PEN_INFO 24
#define PEN_LOTTERY 32
#define PEN_LEFT 36
#define PEN_BYTES 40

#ifndef __ASSEMBLER__
#include "lib.h"

struct error;

/* fw_dynamic.h: "Expected value of info magic ('OSBI' ascii string in
 * hex)", the version with boot_hart, and "Possible next mode values". */
#define FW_DYNAMIC_INFO_MAGIC_VALUE 0x4942534ful
#define FW_DYNAMIC_INFO_VERSION_2 2ul
#define FW_DYNAMIC_INFO_NEXT_MODE_S 1ul

/* fw_dynamic.h: "Representation dynamic info passed by previous booting
 * stage". Every field is an unsigned long (8 bytes on rv64). */
struct fw_dynamic_info {
	uint64_t magic;		/* "Info magic" */
	uint64_t version;	/* "Info version" */
	uint64_t next_addr;	/* "Next booting stage address" */
	uint64_t next_mode;	/* "Next booting stage mode" */
	uint64_t options;	/* "Options for OpenSBI library" */
	/* "Preferred boot HART id ... the previous booting stage can
	 * specify last HART that will jump to the FW_DYNAMIC firmware as the
	 * preferred boot HART." */
	uint64_t boot_hart;
};
_Static_assert(sizeof(struct fw_dynamic_info) == 6 * 8, "fw_dynamic_info is six longs");

/* The embedded OpenSBI, checked (rom_opensbi.c). */
struct opensbi {
	const uint8_t *image;	/* the loadable bytes in the embedded ELF */
	uint64_t file_bytes;	/* p_filesz: copied */
	uint64_t mem_bytes;	/* p_memsz: _fw_start to _fw_end, with its bss */
	uint64_t entry_offset;	/* e_entry from the start of the segment */
};

/* Check the embedded fw_dynamic ELF (built with the shim: still checked
 * field by field) and that it fits the firmware window with the stacks and
 * scratch space it puts after itself for `harts` harts. */
int opensbi_check(struct opensbi *fw, uint64_t window, uint64_t window_size, uint64_t harts,
		  struct error *e);

/* The embedded ELF (rom_blob.S). */
extern const uint8_t opensbi_elf_start[], opensbi_elf_end[];

/* Copy OpenSBI into the window; returns its entry address. */
uint64_t opensbi_install(const struct opensbi *fw, uint64_t window);

/* An ns16550 as the DTB describes it (the 8250 binding). */
struct rom_uart {
	uint64_t base;
	uint32_t reg_shift;	/* "reg-shift": registers 1 << reg_shift bytes apart */
	uint32_t io_width;	/* "reg-io-width": 1 or 4 bytes per access */
	uint32_t clock_hz;	/* "clock-frequency"; 0: unknown, divisor left alone */
};

/* rom_uart.c: set the UART up (8N1, 115200 baud, FIFOs) and send it the
 * console from then on. */
void rom_uart_init(const struct rom_uart *u);
/* shim.img: send the console to a UART the firmware before it set up,
 * as it is (no register written until the first byte). */
void rom_uart_attach(const struct rom_uart *u);
/* One byte out, once a UART is set up or attached. */
void rom_uart_putc(char c);

/* rom_dt.c: the UART the DTB's stdout-path names, else the first enabled
 * "ns16550a"; -1 if none (e says why). */
int rom_dt_uart(const void *fdt, const struct dt_index *ix, struct rom_uart *u, struct error *e);
/* rom_dt.c: the harts the DTB lists (enabled /cpus children whose
 * device_type is "cpu"): how many, and how many OpenSBI 1.1's generic
 * platform counts (hart ids below its SBI_HARTMASK_MAX_BITS). */
int rom_dt_harts(const void *fdt, const struct dt_index *ix, uint64_t *harts,
		 uint64_t *opensbi_harts, struct error *e);

/* A hart's machine software interrupt: its MSIP register, which wakes it
 * from wfi in the hold pen. */
struct rom_msip {
	uint64_t hartid;
	uint64_t reg;
};
/* rom_dt.c: every hart's MSIP, from the enabled "riscv,clint0",
 * "sifive,clint0" and "riscv,aclint-mswi" nodes; at most max (more is an
 * error). */
int rom_dt_msips(const void *fdt, const struct dt_index *ix, struct rom_msip *m, size_t max,
		 size_t *n, struct error *e);

/* rom_entry.S: the hold pen, in .data (not .bss, which the boot hart
 * zeroes while the others may still be arriving). The first hart to add
 * to `lottery` boots; the others wait for `go`, then leave for `entry`
 * with a0 = their hart id, a1 = `dtb`, a2 = `info`, each adding 1 to
 * `left` just before its jump. */
struct rom_pen {
	uint64_t go;
	uint64_t entry;
	uint64_t dtb;
	uint64_t info;
	uint32_t lottery;
	uint32_t left;
};
extern struct rom_pen rom_pen;
/* Enter OpenSBI on the boot hart, as fw_dynamic expects: a0 = hart id,
 * a1 = DTB, a2 = info, after fence.i. */
__attribute__((noreturn)) void rom_enter_opensbi(uint64_t entry, uint64_t hartid, uint64_t dtb,
						 const struct fw_dynamic_info *info);

/* linker/riscv64-rom.ld: the shim's own bytes (code to stacks) and the
 * firmware window: OpenSBI's part, then the DTB slot. */
extern const uint8_t __shim_start[], __shim_end[];
extern const uint8_t __fw_window_start[], __fw_dtb_slot[], __fw_window_end[];

/* rom.c: the boot hart's C entry, from rom_entry.S. */
__attribute__((noreturn)) void rom_main(uint64_t hartid, uint64_t dtb, uint64_t ticks);
/* The trap handler's C part: report and stop. */
__attribute__((noreturn)) void rom_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval);
#endif

#endif
