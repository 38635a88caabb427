#include "payload.h"

/* arch/payload.S: start and end of each blob, in struct payload's order. */
extern const uint64_t payload_table[10];

static struct blob blob(const uint64_t *t)
{
	return (struct blob){ (const uint8_t *)(uintptr_t)t[0], t[1] - t[0] };
}

void payload_get(struct payload *p)
{
	p->kernel_head = blob(payload_table + 0);
	p->kernel = blob(payload_table + 2);
	p->initrd = blob(payload_table + 4);
	p->cmdline = blob(payload_table + 6);
	p->dtb = blob(payload_table + 8);
	/* The section ends with the NUL the build appended. */
	if (p->cmdline.len)
		p->cmdline.len--;
}
