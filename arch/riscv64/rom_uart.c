/* The ns16550 console of shim.rom, which runs before any SBI exists. As
 * the first code it sets the line up itself (8N1 at 115200 where the DTB
 * gives the clock), FIFOs on, its interrupts off. Register offsets and bits
 * are the 16550's (TI PC16550D data sheet), scaled by reg-shift. */
#include "rom.h"

#define UART_THR 0	/* transmit holding (DLAB 0) */
#define UART_DLL 0	/* divisor latch low (DLAB 1) */
#define UART_IER 1	/* interrupt enable (DLAB 0) */
#define UART_DLM 1	/* divisor latch high (DLAB 1) */
#define UART_FCR 2	/* FIFO control */
#define UART_LCR 3	/* line control */
#define UART_MCR 4	/* modem control */
#define UART_LSR 5	/* line status */

#define FCR_FIFO_ENABLE BIT(0)
#define FCR_RX_CLEAR BIT(1)
#define FCR_TX_CLEAR BIT(2)
#define LCR_WLS_8 (BIT(0) | BIT(1))	/* 8 data bits, 1 stop bit, no parity */
#define LCR_DLAB BIT(7)
#define MCR_DTR BIT(0)
#define MCR_RTS BIT(1)
#define LSR_THRE BIT(5)			/* "Transmitter Holding Register Empty" */

#define UART_BAUD 115200
/* "the divisor ... (frequency input) ÷ (desired baud rate × 16)" */
#define UART_DIVISOR_SCALE 16
/* Bounded wait for THRE: a UART that never drains must not hang the boot
 * (at 115200 baud a byte takes 87 us; this is many times that under TCG). */
#define UART_POLL_LIMIT 100000

static struct rom_uart uart;	/* base 0 until rom_uart_init */

static void wr(unsigned reg, uint8_t v)
{
	uintptr_t a = (uintptr_t)(uart.base + ((uint64_t)reg << uart.reg_shift));
	if (uart.io_width == 4)
		*(volatile uint32_t *)a = v;
	else
		*(volatile uint8_t *)a = v;
}

static uint8_t rd(unsigned reg)
{
	uintptr_t a = (uintptr_t)(uart.base + ((uint64_t)reg << uart.reg_shift));
	return uart.io_width == 4 ? (uint8_t)*(volatile uint32_t *)a : *(volatile uint8_t *)a;
}

void rom_uart_init(const struct rom_uart *u)
{
	uart = *u;
	wr(UART_IER, 0);
	uint64_t div = uart.clock_hz / (UART_BAUD * UART_DIVISOR_SCALE);
	if (div && div <= UINT16_MAX) {
		wr(UART_LCR, LCR_DLAB);
		wr(UART_DLL, (uint8_t)div);
		wr(UART_DLM, (uint8_t)(div >> 8));
	}
	wr(UART_LCR, LCR_WLS_8);
	wr(UART_FCR, FCR_FIFO_ENABLE | FCR_RX_CLEAR | FCR_TX_CLEAR);
	wr(UART_MCR, MCR_DTR | MCR_RTS);
}

void rom_uart_attach(const struct rom_uart *u)
{
	uart = *u;
}

void rom_uart_putc(char c)
{
	if (!uart.base)
		return;
	for (int i = 0; i < UART_POLL_LIMIT && !(rd(UART_LSR) & LSR_THRE); i++)
		;
	wr(UART_THR, (uint8_t)c);
}
