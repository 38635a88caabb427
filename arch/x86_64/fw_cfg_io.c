/* QEMU fw_cfg on x86: selector at port 0x510, data at 0x511, and the DMA
 * address register at 0x514 (big-endian, the low half at 0x518 starts the
 * transfer). DMA where the device offers it, byte reads otherwise. */
#include "console.h"
#include "fw_cfg.h"
#include "io.h"
#include "x86_64.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA 0x514
#define DMA_CTL_ERROR 0x01
#define DMA_CTL_READ 0x02
#define DMA_CTL_SKIP 0x04
#define DMA_CTL_SELECT 0x08
#define DMA_CTL_WRITE 0x10

static bool dma;

struct dma_access {
	uint32_t control, length; /* big-endian */
	uint64_t address;	  /* big-endian */
};

/* One DMA command; control holds the operation, plus DMA_CTL_SELECT to
 * select `select` first. */
static int dma_op(uint16_t select, uint32_t control, void *buf, uint32_t len, struct error *e)
{
	static volatile struct dma_access acc __attribute__((aligned(16)));
	acc.control = __builtin_bswap32((uint32_t)select << 16 | control);
	acc.length = __builtin_bswap32(len);
	acc.address = __builtin_bswap64((uintptr_t)buf);
	uint64_t a = (uintptr_t)&acc;
	__asm__ volatile("" ::: "memory");
	outl(FW_CFG_PORT_DMA, __builtin_bswap32((uint32_t)(a >> 32)));
	outl(FW_CFG_PORT_DMA + 4, __builtin_bswap32((uint32_t)a));
	uint32_t c;
	/* The spec allows the transfer to complete asynchronously. */
	for (uint32_t i = 0; (c = __builtin_bswap32(acc.control)) & ~DMA_CTL_ERROR; i++)
		if (i > 100000000)
			return fail(e, "fw_cfg", "DMA access to item 0x%x never completed", select);
	if (c & DMA_CTL_ERROR)
		return fail(e, "fw_cfg", "DMA access to item 0x%x failed", select);
	return 0;
}

int fw_cfg_read(uint16_t select, void *buf, uint32_t len, struct error *e)
{
	if (dma)
		return dma_op(select, DMA_CTL_SELECT | DMA_CTL_READ, buf, len, e);
	outw(FW_CFG_PORT_SEL, select);
	uint8_t *p = buf;
	for (uint32_t i = 0; i < len; i++)
		p[i] = inb(FW_CFG_PORT_DATA);
	return 0;
}

int fw_cfg_write(uint16_t select, uint32_t offset, const void *buf, uint32_t len,
		 struct error *e)
{
	if (!dma)
		return fail(e, "fw_cfg", "writing item 0x%x needs the DMA interface", select);
	/* Select and skip to the offset, then write without re-selecting. */
	if (dma_op(select, DMA_CTL_SELECT | DMA_CTL_SKIP, NULL, offset, e) ||
	    dma_op(select, DMA_CTL_WRITE, (void *)buf, len, e))
		return -1;
	return 0;
}

int fw_cfg_init(struct error *e)
{
	uint8_t sig[4];
	dma = false;
	fw_cfg_read(FW_CFG_SIGNATURE, sig, 4, e);
	if (memcmp(sig, "QEMU", 4))
		return fail(e, "fw_cfg", "no QEMU signature at port 0x%x: not a QEMU machine",
			    FW_CFG_PORT_SEL);
	uint32_t id;
	fw_cfg_read(FW_CFG_ID, &id, 4, e);
	dma = id & FW_CFG_ID_DMA;
	/* Which interface every later read takes: the boot log (and the
	 * tests) can tell a machine without fw_cfg DMA from one with it. */
	con_printf("bootshim: fw_cfg: %s\n", dma ? "DMA interface" : "port I/O (no DMA interface)");
	return 0;
}
