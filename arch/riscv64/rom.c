/* shim.rom on riscv64: the boot hart's path in M-mode and the arch hooks
 * of this flavour. The shim finds the console, the test device, the harts
 * and RAM in the DTB QEMU built, checks the embedded OpenSBI, reserves the
 * firmware window, and lets the core place kernel, initrd and the patched
 * DTB. Its kernel entry is OpenSBI's: the shim copies fw_dynamic into the
 * window, describes the kernel in struct fw_dynamic_info, releases the
 * other harts to it, and enters it. Errors until then are the shim's, on
 * the UART, and stop QEMU through its test device with a failure code. */
#include <libfdt.h>

#include "arch.h"
#include "boot.h"
#include "console.h"
#include "fdt.h"
#include "rom.h"

/* QEMU virt (hw/riscv/virt.c), for the errors found before the DTB can
 * name its own devices: the UART and the test device. */
#define VIRT_UART0 0x10000000ull
#define VIRT_TEST 0x100000ull

/* QEMU's sifive_test (hw/misc/sifive_test.c): "FINISHER_FAIL = 0x3333",
 * with the exit code in the upper 16 bits ("exit(code)"). */
#define SIFIVE_TEST_FAIL 0x3333u
#define SIFIVE_TEST_CODE_SHIFT 16
#define SHIM_EXIT_FAILURE 1u

/* How long the boot hart waits for the others to leave the hold pen for
 * OpenSBI before it gives up: each has a few instructions to run, but
 * under TCG its thread may not be scheduled for a while. A hart still in
 * the pen would later run from memory the kernel owns: an error, not a
 * boot. */
#define PEN_WAIT_SECONDS 10ull

_Static_assert(__builtin_offsetof(struct rom_pen, go) == PEN_GO, "PEN_GO");
_Static_assert(__builtin_offsetof(struct rom_pen, entry) == PEN_ENTRY, "PEN_ENTRY");
_Static_assert(__builtin_offsetof(struct rom_pen, dtb) == PEN_DTB, "PEN_DTB");
_Static_assert(__builtin_offsetof(struct rom_pen, info) == PEN_INFO, "PEN_INFO");
_Static_assert(__builtin_offsetof(struct rom_pen, lottery) == PEN_LOTTERY, "PEN_LOTTERY");
_Static_assert(__builtin_offsetof(struct rom_pen, left) == PEN_LEFT, "PEN_LEFT");
_Static_assert(sizeof(struct rom_pen) == PEN_BYTES, "PEN_BYTES");

static volatile uint32_t *test_device;	/* NULL: none found */
static bool console_ready;		/* the DTB's UART is set up */
static uint64_t harts;
static struct rom_msip msips[ROM_MAX_HARTS];
static size_t n_msips;
static struct opensbi opensbi;
static struct fw_dynamic_info info;

void arch_console_putc(char c)
{
	rom_uart_putc(c);
}

void arch_stop_failure(void)
{
	con_printf("bootshim: stopping the machine\n");
	if (test_device)
		*test_device = SHIM_EXIT_FAILURE << SIFIVE_TEST_CODE_SHIFT | SIFIVE_TEST_FAIL;
	con_printf("bootshim: machine halted (no sifive,test device)\n");
	for (;;)
		__asm__ volatile("wfi");
}

/* Before the DTB names the UART and the test device: QEMU virt's. */
__attribute__((noreturn)) static void early_fatal(const struct error *e)
{
	struct rom_uart u = { .base = VIRT_UART0, .io_width = 1 };
	rom_uart_init(&u);
	test_device = (volatile uint32_t *)(uintptr_t)VIRT_TEST;
	fatal(e);
}

void rom_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
	struct error e;
	uint64_t code = mcause & ~MCAUSE_INTERRUPT;
	const char *name = mcause & MCAUSE_INTERRUPT ? NULL : riscv64_exception_name(code);
	fail(&e, "cpu", "%s %llu (%s) at 0x%llx, mtval 0x%llx",
	     mcause & MCAUSE_INTERRUPT ? "interrupt" : "exception", (unsigned long long)code,
	     name ? name : "reserved", (unsigned long long)mepc, (unsigned long long)mtval);
	if (!console_ready)
		early_fatal(&e);
	fatal(&e);
}

void rom_main(uint64_t hartid, uint64_t dtb, uint64_t ticks)
{
	static struct platform pf;
	static struct dt_index dt;
	struct error err;
	const void *fdt = (const void *)(uintptr_t)dtb;
	uint64_t dtb_size;
	if (!dtb || (dtb & (DT_ALIGN - 1))) {
		fail(&err, "dtb", "a1 = 0x%llx is not an 8-byte aligned DTB address",
		     (unsigned long long)dtb);
		early_fatal(&err);
	}
	if (dt_open(fdt, DT_MAX_SIZE, &dtb_size, &dt, &err))
		early_fatal(&err);
	struct rom_uart u;
	if (rom_dt_uart(fdt, &dt, &u, &err))
		early_fatal(&err);
	rom_uart_init(&u);
	console_ready = true;
	uint64_t test;
	if (riscv64_dt_test_device_ix(fdt, &dt, &test) == 0)
		test_device = (volatile uint32_t *)(uintptr_t)test;

	/* The time CSR's rate, which the kernel needs as much as the shim
	 * (riscv's timer_probe panics without it). */
	uint64_t hz, opensbi_harts;
	if (riscv64_dt_timebase_ix(fdt, &dt, &hz) || !hz) {
		fail(&err, "dtb", "/cpus has no timebase-frequency");
		fatal(&err);
	}
	if (hz > UINT64_MAX / PEN_WAIT_SECONDS) {
		fail(&err, "dtb", "/cpus timebase-frequency %llu Hz is out of range",
		     (unsigned long long)hz);
		fatal(&err);
	}
	riscv64_cpu_init(hartid, hz);
	uint64_t window = (uintptr_t)__fw_window_start;
	uint64_t window_size = (uintptr_t)(__fw_window_end - __fw_window_start);
	uint64_t fw_part = (uintptr_t)(__fw_dtb_slot - __fw_window_start);
	if (rom_dt_harts(fdt, &dt, &harts, &opensbi_harts, &err) ||
	    opensbi_check(&opensbi, window, fw_part, opensbi_harts, &err) ||
	    rom_dt_msips(fdt, &dt, msips, ROM_MAX_HARTS, &n_msips, &err))
		fatal(&err);
	/* The others sleep in the hold pen until their MSIP wakes them (as
	 * OpenSBI itself starts harts later, through the same device). */
	if (harts > 1 && !n_msips) {
		fail(&err, "dtb", "%llu harts, but no riscv,clint0 or riscv,aclint-mswi to wake them",
		     (unsigned long long)harts);
		fatal(&err);
	}

	pf.entry_name = "firmware (-bios) in M-mode";
	pf.t_entry = ticks;
	pf.dtb = fdt;
	pf.dtb_size = dtb_size;
	pf.dt = &dt;
	if (dt_memory_ix(fdt, &dt, &pf.mem, &err) ||
	    memmap_add(&pf.mem, window, window_size, MEM_RESERVED, &err))
		fatal(&err);
	platform_keep(&pf, (uintptr_t)__shim_start, (uintptr_t)(__shim_end - __shim_start),
		      "bootshim");
	platform_keep(&pf, dtb, dtb_size, "QEMU's dtb");
	/* rng-seed from the seed CSR where the boot hart says it has Zkr:
	 * in M-mode nothing gates it (mseccfg.SSEED and USEED concern the
	 * lower modes). Without it, QEMU's own /chosen rng-seed stays. */
	if (riscv64_dt_hart_has_ext_ix(fdt, &dt, hartid, "zkr")) {
		pf.seed_len = riscv64_seed(pf.seed, sizeof(pf.seed));
		if (pf.seed_len)
			con_printf("bootshim: %zu bytes of entropy from the seed CSR (Zkr)\n",
				   pf.seed_len);
		else
			con_printf("bootshim: warning: hart %llu has Zkr, but its seed CSR gave no "
				   "entropy\n", (unsigned long long)hartid);
	}
	con_printf("bootshim: %llu harts, boot hart %llu; OpenSBI fw_dynamic (%llu bytes, "
		   "%llu in memory) for the window at 0x%llx\n", (unsigned long long)harts,
		   (unsigned long long)hartid, (unsigned long long)opensbi.file_bytes,
		   (unsigned long long)opensbi.mem_bytes, (unsigned long long)window);
	bootshim_main(&pf);
}

/* OpenSBI edits the DTB in place (fdt_fixups on the boot hart) and lets
 * it grow: OpenSBI 1.1's fdt_cpu_fixup opens it to "fdt_totalsize(fdt) +
 * 32", fdt_reserved_memory_fixup to "+ 1024" ("Each PMP memory region
 * entry occupies 64 bytes. With 16 PMP memory regions we need 64 * 16 =
 * 1024 bytes"), and the AIA and domain fixups 32 more per node they
 * disable. The room after the DTB, within the slot: */
#define OPENSBI_FDT_GROWTH KiB(4)

/* cpu.c's arch_enter_kernel, for the firmware flavour: the kernel is
 * entered through OpenSBI, which starts it per boot.rst (a0 = hart id,
 * a1 = DTB, S-mode, satp 0) once it has set itself up. */
void riscv64_jump_to_kernel(uint64_t kernel, uint64_t hartid, uint64_t dtb)
{
	/* The patched DTB moves to the window's DTB slot, packed, so that
	 * OpenSBI's growth stays inside the reservation whatever the core
	 * placed after it. */
	void *slot = (void *)(uintptr_t)__fw_dtb_slot;
	uint64_t slot_size = (uintptr_t)(__fw_window_end - __fw_dtb_slot);
	struct error err;
	int rc = fdt_open_into((const void *)(uintptr_t)dtb, slot, (int)slot_size);
	if (!rc)
		rc = fdt_pack(slot);
	if (rc) {
		fail(&err, "dtb", "moving it to 0x%llx for OpenSBI: %s",
		     (unsigned long long)(uintptr_t)slot, fdt_strerror(rc));
		fatal(&err);
	}
	if (fdt_totalsize(slot) > slot_size - OPENSBI_FDT_GROWTH) {
		fail(&err, "dtb", "%u bytes leave less than the %llu bytes OpenSBI may add in the "
		     "%llu-byte slot", fdt_totalsize(slot), (unsigned long long)OPENSBI_FDT_GROWTH,
		     (unsigned long long)slot_size);
		fatal(&err);
	}
	dtb = (uintptr_t)slot;

	uint64_t entry = opensbi_install(&opensbi, (uintptr_t)__fw_window_start);
	info = (struct fw_dynamic_info){
		.magic = FW_DYNAMIC_INFO_MAGIC_VALUE,
		.version = FW_DYNAMIC_INFO_VERSION_2,
		.next_addr = kernel,
		.next_mode = FW_DYNAMIC_INFO_NEXT_MODE_S,
		/* None of fw_dynamic's options (SBI_SCRATCH_NO_BOOT_PRINTS
		 * would silence OpenSBI's banner). */
		.options = 0,
		.boot_hart = hartid,
	};
	/* The others first: fw_dynamic's fw_boot_hart sends every hart but
	 * boot_hart to wait for it ("Jump to relocation wait loop if we are
	 * not boot hart"), so their order does not matter; but the boot hart
	 * waits until they are out, since the pen, like the rest of the
	 * shim, is the kernel's memory once OpenSBI has run. */
	rom_pen.entry = entry;
	rom_pen.dtb = dtb;
	rom_pen.info = (uintptr_t)&info;
	__atomic_store_n(&rom_pen.go, 1, __ATOMIC_RELEASE);
	for (size_t i = 0; i < n_msips; i++)
		if (msips[i].hartid != hartid)
			*(volatile uint32_t *)(uintptr_t)msips[i].reg = MSIP_RAISE;
	uint64_t limit = PEN_WAIT_SECONDS * arch_ticks_hz(), t0 = arch_ticks(), left;
	while ((left = __atomic_load_n(&rom_pen.left, __ATOMIC_ACQUIRE)) < harts - 1 &&
	       arch_ticks() - t0 < limit)
		;
	if (left < harts - 1) {
		fail(&err, "harts", "%llu of %llu other harts left the hold pen for OpenSBI "
		     "within %llu s", (unsigned long long)left, (unsigned long long)(harts - 1),
		     PEN_WAIT_SECONDS);
		fatal(&err);
	}
	con_printf("bootshim: dtb moved to 0x%llx (%u bytes); entering OpenSBI at 0x%llx on hart "
		   "%llu, %llu others with it; the kernel at 0x%llx in S-mode next\n",
		   (unsigned long long)dtb, fdt_totalsize(slot), (unsigned long long)entry,
		   (unsigned long long)hartid, (unsigned long long)left,
		   (unsigned long long)kernel);
	rom_enter_opensbi(entry, hartid, dtb, &info);
}
