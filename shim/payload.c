#include "payload.h"

void payload_get(struct payload *p)
{
	for (size_t i = 0; i < PAYLOAD_SLOT_COUNT; i++)
		p->slot[i] = (struct blob){ (const uint8_t *)(uintptr_t)payload_table[i][0],
					    payload_table[i][1] - payload_table[i][0] };
	/* The section ends with the NUL the build appended. */
	if (p->cmdline.len)
		p->cmdline.len--;
}
