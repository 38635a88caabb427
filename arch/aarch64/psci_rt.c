/* shim.rom as the EL3 runtime firmware (psci.h): the state the kernel
 * never sees, the SMC handler around the pure dispatcher (psci.c), a
 * released CPU's EL3 set-up, and the power controls of QEMU virt's secure
 * world. Everything here runs with the MMU off (Device memory for data,
 * the Makefile's -mstrict-align) and without FP/SIMD
 * (-mgeneral-regs-only): the kernel's FP and SVE registers stay intact. */
#include "arch.h"
#include "console.h"
#include "fdt.h"
#include "fmt.h"
#include "aarch64.h"
#include "cpu.h"
#include "layout.h"
#include "psci.h"

#include <libfdt.h>

_Static_assert(PSCI_SLOT_AFF0_MAX == 16, "psci_entry.S computes the slot with lsl #4");
_Static_assert(__builtin_offsetof(struct psci_state, cpu_state) == 0,
	       "psci_entry.S reads cpu_state[slot] at psci_state_rt");

/* In .bss, inside the no-map reservation [__ram_start, __fw_end). */
struct psci_state psci_state_rt;
/* Outside the .bss rom_entry.S zeroes (a stack needs no zeroing): 128 KiB. */
uint8_t psci_stacks[PSCI_MAX_CPUS][PSCI_STACK_SIZE]
	__attribute__((aligned(16), section(".bss.stack")));

/* A GPIO line of the secure PL061 (dt_gpio_line). */
struct gpio_line {
	uint64_t pl061;
	uint32_t pin;
	bool present;
};
static struct gpio_line gpio_off, gpio_reset;

#define PL061_DIR 0x400
/* PL061 data: "bits [9:2] of the address mask the write": the line's
 * bit at offset (bit << 2) writes that line only. */
#define PL061_DATA(pin) (BIT(pin) << 2)
/* How long a requested power-off or reset may take before the fallback,
 * in generic timer seconds. */
#define POWER_WAIT_SECONDS 1

/* ---- Lamport's bakery lock: the MMU is off, so the state is Device
 * memory, where exclusive loads and stores are not architecturally
 * guaranteed to work; plain ordered loads and stores are. */
static volatile uint32_t choosing[PSCI_MAX_CPUS], number[PSCI_MAX_CPUS];

static void bakery_lock(unsigned me)
{
	choosing[me] = 1;
	__asm__ volatile("dmb sy" ::: "memory");
	uint32_t max = 0;
	for (unsigned i = 0; i < PSCI_MAX_CPUS; i++)
		if (number[i] > max)
			max = number[i];
	number[me] = max + 1;
	__asm__ volatile("dmb sy" ::: "memory");
	choosing[me] = 0;
	__asm__ volatile("dmb sy" ::: "memory");
	for (unsigned j = 0; j < PSCI_MAX_CPUS; j++) {
		while (choosing[j])
			;
		for (;;) {
			uint32_t n = number[j];
			if (!n || n > number[me] || (n == number[me] && j >= me))
				break;
		}
	}
	__asm__ volatile("dmb sy" ::: "memory");
}

static void bakery_unlock(unsigned me)
{
	__asm__ volatile("dmb sy" ::: "memory");
	number[me] = 0;
	__asm__ volatile("dsb sy" ::: "memory");
}

static uint64_t my_mpidr(void)
{
	uint64_t m;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(m));
	return m & MPIDR_AFF_MASK;
}

static void w32(uint64_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }
static uint32_t r32(uint64_t a) { return *(volatile uint32_t *)(uintptr_t)a; }

/* Drive a line of the secure PL061 high: QEMU's gpio-pwr device turns a
 * rising "shutdown" or "reset" input into the machine's power-off or
 * reset (as TF-A's QEMU port does it). Then wait for it, a bounded time. */
static void gpio_pulse(const struct gpio_line *g)
{
	w32(g->pl061 + PL061_DATA(g->pin), 0);
	w32(g->pl061 + PL061_DIR, r32(g->pl061 + PL061_DIR) | (uint32_t)BIT(g->pin));
	w32(g->pl061 + PL061_DATA(g->pin), (uint32_t)BIT(g->pin));
	uint64_t t0 = arch_ticks(), hz = arch_ticks_hz();
	while (arch_ticks() - t0 < POWER_WAIT_SECONDS * hz)
		__asm__ volatile("wfe");
}

static void system_off(void)
{
	if (gpio_off.present)
		gpio_pulse(&gpio_off);
	/* Fallback: QEMU with -semihosting ends with status 0. */
	static const uint64_t exit_block[2] = { ADP_STOPPED_APPLICATION_EXIT, 0 };
	semihost_call(SEMIHOST_SYS_EXIT, exit_block);
	con_printf("bootshim: error: psci: SYSTEM_OFF: the machine is still on (%s)\n",
		   gpio_off.present ? "secure GPIO power-off did nothing, no semihosting"
				    : "no gpio-poweroff in the dtb, no semihosting");
}

static void system_reset(void)
{
	/* A reset comes back through the reset vector with RAM as it is:
	 * every secondary must find itself OFF in the pen, not a stale
	 * CPU_ON of the run before. */
	for (unsigned i = 0; i < PSCI_MAX_CPUS; i++)
		psci_state_rt.cpu_state[i] = PSCI_CPU_OFF;
	__asm__ volatile("dsb sy" ::: "memory");
	if (gpio_reset.present)
		gpio_pulse(&gpio_reset);
	con_printf("bootshim: error: psci: SYSTEM_RESET: the machine did not reset (%s)\n",
		   gpio_reset.present ? "secure GPIO restart did nothing"
				      : "no gpio-restart in the dtb");
}

void psci_smc(struct smc_frame *f)
{
	int me = psci_slot(my_mpidr());
	if (me < 0) {
		/* Only CPUs with a slot ever leave the pen. */
		f->x[0] = (uint64_t)(int64_t)PSCI_RET_INTERNAL_FAILURE;
		return;
	}
	bakery_lock((unsigned)me);
	struct psci_result r = psci_dispatch(&psci_state_rt, (unsigned)me, f->x[0], f->x[1],
					     f->x[2], f->x[3]);
	bakery_unlock((unsigned)me);
	switch (r.action) {
	case PSCI_ACT_WAKE:
		/* cpu_state[target] is ON_PENDING in memory: wake the pen. */
		__asm__ volatile("dsb sy\n\tsev" ::: "memory");
		break;
	case PSCI_ACT_CPU_OFF:
		psci_pen((uint64_t)me);
	case PSCI_ACT_SYSTEM_OFF:
		system_off();
		break;
	case PSCI_ACT_SYSTEM_RESET:
		system_reset();
		break;
	case PSCI_ACT_RETURN:
		break;
	}
	f->x[0] = (uint64_t)r.ret;
}

/* The exception level the kernel runs at: EL2 where the CPU has it, as
 * for the boot CPU (el.S's jump_to_kernel). */
static uint64_t kernel_spsr(void)
{
	uint64_t pfr0;
	__asm__("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
	return ID_FIELD(pfr0, ID_AA64PFR0_EL2) ? SPSR_EL2H : SPSR_EL1H;
}

void psci_cpu_start(uint64_t slot)
{
	struct error e;
	/* The same EL3 set-up as the boot CPU: every register booting.rst
	 * names is per CPU, and so are the GIC's CPU interface and
	 * redistributor. */
	el3_cpu_setup();
	if (gic_cpu_init(my_mpidr(), &e)) {
		con_printf("bootshim: error: %s\n", e.msg);
		bakery_lock((unsigned)slot);
		psci_state_rt.cpu_state[slot] = PSCI_CPU_OFF;
		bakery_unlock((unsigned)slot);
		psci_pen(slot);
	}
	bakery_lock((unsigned)slot);
	uint64_t entry = psci_state_rt.entry[slot], context = psci_state_rt.context[slot];
	psci_state_rt.cpu_state[slot] = PSCI_CPU_ON;
	bakery_unlock((unsigned)slot);
	psci_enter_ns(entry, context, kernel_spsr());
}

static void find_gpio(const void *fdt, const struct dt_index *ix, const struct dt_node *n,
		      struct gpio_line *g)
{
	struct error e;
	int r = dt_gpio_line_ix(fdt, ix, n, &g->pl061, &g->pin, &e);
	if (r < 0)
		con_printf("bootshim: warning: %s\n", e.msg);
	g->present = r == 0;
}

int psci_init(void *fdt, struct dt_index *ix, uint64_t *dtb_size, uint64_t room,
	      struct error *e)
{
	struct psci_state *s = &psci_state_rt;
	uint64_t boot = my_mpidr();
	int boot_slot = psci_add_cpu(s, boot, true);
	if (boot_slot < 0)
		return fail(e, "psci", "the boot CPU's MPIDR 0x%llx has no slot",
			    (unsigned long long)boot);
	static uint64_t dt_mpidr[PSCI_MAX_CPUS * 2], ours[PSCI_MAX_CPUS];
	size_t n_dt, n = 0;
	if (dt_cpus_ix(fdt, ix, dt_mpidr, ARRAY_SIZE(dt_mpidr), &n_dt, e))
		return -1;
	ours[n++] = boot;
	for (size_t i = 0; i < n_dt && i < ARRAY_SIZE(dt_mpidr); i++) {
		if (dt_mpidr[i] == boot)
			continue;
		if (psci_add_cpu(s, dt_mpidr[i], false) < 0) {
			con_printf("bootshim: warning: psci: CPU 0x%llx: no slot for its MPIDR "
				   "(Aff0 < %d, Aff2 = Aff3 = 0, at most %d CPUs): the kernel "
				   "cannot start it\n", (unsigned long long)dt_mpidr[i],
				   PSCI_SLOT_AFF0_MAX, PSCI_MAX_CPUS);
			continue;
		}
		ours[n++] = dt_mpidr[i];
	}
	if (n_dt > ARRAY_SIZE(dt_mpidr))
		con_printf("bootshim: warning: psci: %zu CPUs in the dtb, the firmware "
			   "looked at %zu\n", n_dt, ARRAY_SIZE(dt_mpidr));

	static struct memmap ram;
	if (dt_memory_ix(fdt, ix, &ram, e))
		return -1;
	for (size_t i = 0; i < ram.n; i++)
		if (ram.e[i].type == MEM_RAM && psci_add_ram(s, ram.e[i].base, ram.e[i].size))
			return fail(e, "psci", "more than %d RAM ranges in the dtb", PSCI_MAX_RAM);
	s->fw_base = (uintptr_t)__ram_start;
	s->fw_end = (uintptr_t)__fw_end;
	find_gpio(fdt, ix, &ix->gpio_poweroff, &gpio_off);
	find_gpio(fdt, ix, &ix->gpio_restart, &gpio_reset);

	if (dt_add_psci_ix(fdt, ix, room, ours, n, s->fw_base, s->fw_end - s->fw_base, e))
		return -1;
	*dtb_size = fdt_totalsize(fdt);

	/* The boot CPU's runtime: its own EL3 stack for SMCs once the
	 * kernel runs (jump_to_kernel takes it from TPIDR_EL3), and the
	 * vectors with the SMC entry. */
	uint64_t top = (uintptr_t)psci_stacks[boot_slot] + PSCI_STACK_SIZE;
	__asm__ volatile("msr tpidr_el3, %0\n\tmsr vbar_el3, %1\n\tisb"
			 : : "r"(top), "r"((uintptr_t)vectors_el3_rt) : "memory");
	dcache_clean_at_exit(s->fw_base, s->fw_end - s->fw_base);

	char off[48] = "semihosting", rst[48] = "none";
	if (gpio_off.present)
		fmt_snprintf(off, sizeof(off), "GPIO 0x%llx pin %u",
			     (unsigned long long)gpio_off.pl061, gpio_off.pin);
	if (gpio_reset.present)
		fmt_snprintf(rst, sizeof(rst), "GPIO 0x%llx pin %u",
			     (unsigned long long)gpio_reset.pl061, gpio_reset.pin);
	con_printf("bootshim: EL3: PSCI 1.1 for %zu CPUs (smc), firmware at [0x%llx-0x%llx) "
		   "reserved no-map, power-off: %s, reset: %s\n", n,
		   (unsigned long long)s->fw_base, (unsigned long long)s->fw_end, off, rst);
	return 0;
}
