/* x86_64 pieces every entry shares: the COM1 UART and TSC time. The
 * console, stopping and the hand-off differ between running as the
 * machine's code (bare.c) and as a UEFI application (efi.c). */
#include "arch.h"
#include "boot.h"
#include "console.h"
#include "io.h"
#include "x86_64.h"

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void x86_64_console_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);	/* DLAB: divisor follows */
	outb(COM1 + 0, 1);		/* 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0x07);	/* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
}

void uart_putc(char c)
{
	/* Bounded: a missing UART reads 0xff (THRE set), a wedged one must
	 * not hang the boot. */
	for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); i++)
		;
	outb(COM1 + UART_THR, (uint8_t)c);
}

uint64_t arch_ticks(void)
{
	return rdtsc();
}

/* ---- The TSC's frequency, for the entry-to-jump report. Timing must never
 * cost more than it measures: CPUID when it states the frequency; else the
 * PIT, read over the shim's own run (x86_64_tsc_ref_start at entry), from
 * one step of its count to another, so that it waits at most a step
 * (838 ns) at each end; else, only where that window was not started or
 * has run out, a 1 ms measurement; else none, and the report gives ticks. */
#define CPUID_VENDOR 0x0
#define CPUID_FEATURES 0x1
#define CPUID_FEATURES_ECX_HYPERVISOR (1u << 31)
#define CPUID_TSC_CRYSTAL 0x15
#define CPUID_FREQ 0x16
#define CPUID_HV_BASE 0x40000000
#define CPUID_HV_TIMING 0x40000010 /* EAX: TSC kHz (VMware's, KVM's, ...) */
#define CPUID_HV_LIMIT 0x40010000

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_CMD_CH2_MODE0 0xb0 /* channel 2, lo/hi byte, mode 0, binary */
#define PIT_CMD_CH2_LATCH 0x80 /* channel 2, counter latch */
#define PIT_PORT_B 0x61	       /* NMI status and control: the ch2 gate */
#define PIT_PORT_B_GATE2 0x01
#define PIT_PORT_B_SPEAKER 0x02
#define PIT_PORT_B_OUT2 0x20
#define PIT_WINDOW 0xffff		/* counts: 54.9 ms */
/* Both ends on a step of the count: n counts are exact to a poll's
 * length, a few hundred nanoseconds at worst. 32 counts (27 us) are less
 * than any shim's run (about 60 us of virtual time under -icount,
 * milliseconds otherwise), so the end waits for a step only. */
#define PIT_MIN_COUNTS 32
#define PIT_SHORT (PIT_HZ / 1000)	/* 1 ms */
#define PIT_SAMPLE_TRIES 3
/* Bounds the polls (about 20 ms under TCG): a PIT that passed
 * pit_start() has counted PIT_SHORT long before. */
#define PIT_POLL_MAX 20000

static struct {
	bool started;	    /* the window from x86_64_tsc_ref_start() runs */
	bool saved;
	uint8_t port_b;	    /* as found, restored once measured */
	uint64_t tsc0;	    /* the first step of the count after the start */
	uint16_t count0;
	const char *absent; /* why the PIT cannot be used */
} pit;

static uint64_t cpuid_hz(const char **src)
{
	uint32_t max, a, b, c, d;
	cpuid(CPUID_FEATURES, &a, &b, &c, &d);
	/* The hypervisor leaves exist only where CPUID.1:ECX.hypervisor is
	 * set; elsewhere leaf 0x40000000 returns another leaf's data. */
	if (c & CPUID_FEATURES_ECX_HYPERVISOR) {
		cpuid(CPUID_HV_BASE, &max, &b, &c, &d);
		if (max >= CPUID_HV_TIMING && max < CPUID_HV_LIMIT) {
			cpuid(CPUID_HV_TIMING, &a, &b, &c, &d);
			if (a) {
				*src = "CPUID 0x40000010";
				return (uint64_t)a * 1000;
			}
		}
	}
	cpuid(CPUID_VENDOR, &max, &b, &c, &d);
	/* Intel SDM vol. 2A, CPUID leaf 0x15: TSC = crystal * EBX / EAX,
	 * where ECX (the crystal's Hz) is enumerated. */
	if (max >= CPUID_TSC_CRYSTAL) {
		cpuid(CPUID_TSC_CRYSTAL, &a, &b, &c, &d);
		if (a && b && c) {
			*src = "CPUID 0x15";
			return (uint64_t)c * b / a;
		}
	}
	/* Leaf 0x16 EAX[15:0]: the base frequency in MHz, at which the
	 * invariant TSC of the CPUs that have the leaf runs. */
	if (max >= CPUID_FREQ) {
		cpuid(CPUID_FREQ, &a, &b, &c, &d);
		if (a & 0xffff) {
			*src = "CPUID 0x16";
			return (uint64_t)(a & 0xffff) * 1000000;
		}
	}
	return 0;
}

/* The TSC and channel 2's count at one instant: the latch command between
 * two TSC reads, the tightest pair of a few (a vCPU can be preempted
 * between any two instructions, and the PIT runs on meanwhile). */
static void pit_sample(uint64_t *tsc, uint16_t *count)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < PIT_SAMPLE_TRIES; i++) {
		uint64_t t0 = rdtsc();
		outb(PIT_CMD, PIT_CMD_CH2_LATCH);
		uint64_t t1 = rdtsc();
		uint8_t lo = inb(PIT_CH2);
		uint8_t hi = inb(PIT_CH2);
		if (t1 - t0 < best) {
			best = t1 - t0;
			*tsc = t0 + best / 2;
			*count = (uint16_t)(hi << 8 | lo);
		}
	}
}

/* The count's next step from `from`: the TSC and the count just after it
 * changed; false if it stands still for PIT_POLL_MAX polls. */
static bool pit_step(uint16_t from, uint64_t *tsc, uint16_t *count)
{
	for (uint32_t i = 0; i < PIT_POLL_MAX; i++) {
		pit_sample(tsc, count);
		if (*count != from)
			return true;
	}
	pit.absent = "the PIT's channel 2 does not count";
	return false;
}

/* Channel 2 counting down from PIT_WINDOW in mode 0, its gate on and the
 * speaker off, with the TSC at its first step. False where there is no
 * such PIT: port 0x61 does not hold the gate (QEMU's microvm has a PIT but
 * no port 0x61: it reads 0xff), OUT2 is not low, as mode 0 makes it once
 * programmed, or the count stands still. */
static bool pit_start(void)
{
	uint8_t b = inb(PIT_PORT_B);
	if (!pit.saved)
		pit.port_b = b, pit.saved = true;
	outb(PIT_PORT_B, (b & ~PIT_PORT_B_SPEAKER) | PIT_PORT_B_GATE2);
	outb(PIT_CMD, PIT_CMD_CH2_MODE0);
	outb(PIT_CH2, PIT_WINDOW & 0xff);
	outb(PIT_CH2, PIT_WINDOW >> 8);
	b = inb(PIT_PORT_B) & (PIT_PORT_B_GATE2 | PIT_PORT_B_SPEAKER | PIT_PORT_B_OUT2);
	if (b != PIT_PORT_B_GATE2) {
		outb(PIT_PORT_B, pit.port_b);
		pit.absent = "no PIT channel 2 gate at port 0x61";
		return false;
	}
	uint64_t t;
	uint16_t c;
	pit_sample(&t, &c);
	if (!pit_step(c, &pit.tsc0, &pit.count0)) {
		outb(PIT_PORT_B, pit.port_b);
		return false;
	}
	return true;
}

void x86_64_tsc_ref_start(void)
{
	pit.started = pit_start();
}

/* Counts from the first step to a step at least `min` counts on, with
 * the TSC at that step; 0 if OUT2 rose (the count ran out) or the counter
 * stands still. */
static uint32_t pit_counts(uint32_t min, uint64_t *tsc1)
{
	for (uint32_t i = 0; i < PIT_POLL_MAX; i++) {
		uint16_t left, now;
		pit_sample(tsc1, &left);
		if (inb(PIT_PORT_B) & PIT_PORT_B_OUT2)
			return 0;
		if (left > pit.count0 || (uint32_t)pit.count0 - left < min)
			continue;
		/* Then on to the next step, as at the start. */
		if (!pit_step(left, tsc1, &now) || (inb(PIT_PORT_B) & PIT_PORT_B_OUT2))
			return 0;
		return (uint32_t)pit.count0 - now;
	}
	pit.absent = "the PIT's channel 2 does not count";
	return 0;
}

static uint64_t pit_hz(const char **src)
{
	uint64_t tsc1 = 0;
	uint32_t n = pit.started ? pit_counts(PIT_MIN_COUNTS, &tsc1) : 0;
	*src = "the PIT over the shim's run";
	/* Not started (shim.efi), or the window has run out: then 1 ms more
	 * is under 2% of what is measured. */
	if (!n && !pit.absent && pit_start()) {
		n = pit_counts(PIT_SHORT, &tsc1);
		*src = "the PIT over 1 ms";
	}
	if (pit.saved)
		outb(PIT_PORT_B, pit.port_b);
	return n ? (tsc1 - pit.tsc0) * PIT_HZ / n : 0;
}

uint64_t arch_ticks_hz(void)
{
	static uint64_t hz;
	static bool done;
	if (done)
		return hz;
	done = true;
	const char *src = NULL;
	hz = cpuid_hz(&src);
	if (!hz)
		hz = pit_hz(&src);
	if (hz)
		con_printf("bootshim: TSC frequency %llu kHz, from %s\n",
			   (unsigned long long)(hz / 1000), src);
	else
		con_printf("bootshim: TSC frequency unknown: no CPUID leaf states it, %s\n",
			   pit.absent ? pit.absent : "the PIT is unusable");
	return hz;
}
