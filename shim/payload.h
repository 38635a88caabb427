/* The payload table: what the build embedded with .incbin (arch/payload.S),
 * each blob in its own section between start and end symbols; its slots
 * are named in shim/payload_index.h (PAYLOAD_SLOTS). */
#ifndef BOOTSHIM_PAYLOAD_H
#define BOOTSHIM_PAYLOAD_H

#include "lib.h"
#include "payload_index.h"

struct blob {
	const uint8_t *start;
	uint64_t len;
};

#define PAYLOAD_SLOT_ENUM(id, name) PAYLOAD_SLOT_##id,
enum payload_slot { PAYLOAD_SLOTS(PAYLOAD_SLOT_ENUM) PAYLOAD_SLOTS_END };
_Static_assert(PAYLOAD_SLOTS_END == PAYLOAD_SLOT_COUNT, "PAYLOAD_SLOT_COUNT counts PAYLOAD_SLOTS");

/* Each slot by name (pl->kernel) or by number (pl->slot[PAYLOAD_SLOT_KERNEL]). */
#define PAYLOAD_SLOT_MEMBER(id, name) struct blob name;
struct payload {
	union {
		struct blob slot[PAYLOAD_SLOT_COUNT];
		struct {
			PAYLOAD_SLOTS(PAYLOAD_SLOT_MEMBER)
		};
	};
};
_Static_assert(sizeof(struct payload) == PAYLOAD_SLOT_COUNT * sizeof(struct blob),
	       "struct payload's names and slot[] coincide");

/* arch/payload.S: the running shim's address of each slot's start and end. */
extern const uint64_t payload_table[PAYLOAD_SLOT_COUNT][2];

void payload_get(struct payload *p);

#endif
