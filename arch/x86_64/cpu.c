/* x86_64 pieces every entry shares: the COM1 UART and TSC time. The
 * console, stopping and the hand-off differ between running as the
 * machine's code (bare.c) and as a UEFI application (efi.c). */
#include "../../shim/arch.h"
#include "../../shim/boot.h"
#include "../../shim/console.h"
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

void x86_console_init(void)
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

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61

/* TSC frequency: the hypervisor's timing leaf where it has one, else a
 * 2 ms measurement against PIT channel 2. 0 if neither is available. */
uint64_t arch_ticks_hz(void)
{
	static uint64_t hz;
	if (hz)
		return hz;
	uint32_t a, b, c, d;
	cpuid(0x40000000, &a, &b, &c, &d);
	if (a >= 0x40000010 && a < 0x40010000) {
		cpuid(0x40000010, &a, &b, &c, &d);
		if (a)
			return hz = (uint64_t)a * 1000;
	}
	const uint16_t latch = PIT_HZ / 500;
	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(PIT_CMD, 0xb0);				 /* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, latch & 0xff);
	outb(PIT_CH2, latch >> 8);
	uint64_t t0 = rdtsc();
	/* Bounded, as on machines without a PIT the bit never rises. */
	for (uint32_t i = 0; i < 50000000; i++)
		if (inb(PIT_GATE) & 0x20)
			return hz = (rdtsc() - t0) * PIT_HZ / latch;
	return 0;
}
