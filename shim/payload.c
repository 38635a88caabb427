#include "payload.h"

extern const uint8_t _payload_kernel_head_start[], _payload_kernel_head_end[];
extern const uint8_t _payload_kernel_start[], _payload_kernel_end[];
extern const uint8_t _payload_initrd_start[], _payload_initrd_end[];
extern const uint8_t _payload_cmdline_start[], _payload_cmdline_end[];
extern const uint8_t _payload_dtb_start[], _payload_dtb_end[];

static struct blob blob(const uint8_t *start, const uint8_t *end)
{
	return (struct blob){ start, (uint64_t)(end - start) };
}

void payload_get(struct payload *p)
{
	p->kernel_head = blob(_payload_kernel_head_start, _payload_kernel_head_end);
	p->kernel = blob(_payload_kernel_start, _payload_kernel_end);
	p->initrd = blob(_payload_initrd_start, _payload_initrd_end);
	p->cmdline = blob(_payload_cmdline_start, _payload_cmdline_end);
	p->dtb = blob(_payload_dtb_start, _payload_dtb_end);
	/* The section ends with the NUL the build appended. */
	if (p->cmdline.len)
		p->cmdline.len--;
}
