/* An Intel MultiProcessor Specification 1.4 table, for a machine QEMU
 * gives no ACPI tables (-M microvm,acpi=off, -M pc,acpi=off): the kernel
 * then finds the CPUs, the I/O APIC and the ISA interrupt routing here,
 * as qboot provides them. A pure builder (tested on the host); rom.c puts
 * the result in the F-segment, where the kernel's scan for the floating
 * pointer looks ("_MP_" on a 16-byte boundary in 0xf0000-0xfffff, MP spec
 * 4.0). */
#ifndef BOOTSHIM_X86_MPTABLE_H
#define BOOTSHIM_X86_MPTABLE_H

#include "error.h"

#define MP_LAPIC_BASE 0xfee00000
#define MP_IOAPIC_BASE 0xfec00000
#define MP_ISA_IRQS 16
/* APIC IDs are 8 bits in the MP table (x2APIC IDs need ACPI). */
#define MP_MAX_CPUS 255

struct mp_floating {		/* MP spec 4.1 */
	char signature[4];	/* "_MP_" */
	uint32_t physptr;	/* the configuration table */
	uint8_t length;		/* in 16-byte paragraphs: 1 */
	uint8_t spec_rev;	/* 4: version 1.4 */
	uint8_t checksum;
	uint8_t feature[5];	/* feature[0] 0: a configuration table follows */
} __attribute__((packed));
_Static_assert(sizeof(struct mp_floating) == 16, "MP floating pointer is 16 bytes");

struct mp_config {		/* MP spec 4.2 */
	char signature[4];	/* "PCMP" */
	uint16_t length;	/* header and base entries */
	uint8_t spec_rev;
	uint8_t checksum;
	char oem[8];
	char product[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t entries;
	uint32_t lapic;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mp_config) == 44, "MP configuration table header is 44 bytes");

struct mp_cpu {			/* MP spec 4.3.1, entry type 0 */
	uint8_t type, apic_id, apic_ver, flags;
	uint32_t signature, features;
	uint32_t reserved[2];
} __attribute__((packed));
_Static_assert(sizeof(struct mp_cpu) == 20, "MP processor entry is 20 bytes");

struct mp_bus {			/* 4.3.2, type 1 */
	uint8_t type, id;
	char bus_type[6];
} __attribute__((packed));
_Static_assert(sizeof(struct mp_bus) == 8, "MP bus entry is 8 bytes");

struct mp_ioapic {		/* 4.3.3, type 2 */
	uint8_t type, id, ver, flags;
	uint32_t addr;
} __attribute__((packed));
_Static_assert(sizeof(struct mp_ioapic) == 8, "MP I/O APIC entry is 8 bytes");

struct mp_irq {			/* 4.3.4 and 4.3.5, types 3 and 4 */
	uint8_t type, irq_type;
	uint16_t flags;
	uint8_t src_bus, src_irq, dst_apic, dst_pin;
} __attribute__((packed));
_Static_assert(sizeof(struct mp_irq) == 8, "MP interrupt entry is 8 bytes");

#define MP_ENTRY_CPU 0
#define MP_ENTRY_BUS 1
#define MP_ENTRY_IOAPIC 2
#define MP_ENTRY_IOINT 3
#define MP_ENTRY_LINT 4
#define MP_CPU_ENABLED 0x01
#define MP_CPU_BSP 0x02
#define MP_IOAPIC_USABLE 0x01
#define MP_IRQ_INT 0
#define MP_IRQ_NMI 1
#define MP_IRQ_EXTINT 3
#define MP_APIC_VERSION 0x14	/* QEMU's local and I/O APICs */
#define MP_ALL_LAPICS 0xff

/* 0 if the MP table can describe `cpus` CPUs (1..MP_MAX_CPUS), else an
 * error naming the count. */
int mptable_check_cpus(unsigned cpus, struct error *e);

/* The most bytes mptable_build writes for `cpus` CPUs. */
size_t mptable_size(unsigned cpus);

/* Build the floating pointer and, right after it, the configuration table
 * into buf (size bytes), which the kernel will find at physical address
 * `phys`: CPUs with APIC IDs 0..cpus-1 (QEMU's numbering for a flat
 * topology; the first is the boot CPU) with CPUID 1's signature and
 * features, one ISA bus, the I/O APIC (ID cpus), ISA IRQs 0-15 to its
 * pins 0-15 (IRQ 0 to pin 2 where QEMU says so: FW_CFG_IRQ0_OVERRIDE),
 * ExtINT on LINT0 and NMI on LINT1, as qboot builds it. Returns the bytes
 * written, or fails on a CPU count of 0 or past MP_MAX_CPUS, or a buffer
 * too small. */
int mptable_build(uint8_t *buf, size_t size, uint32_t phys, unsigned cpus, uint32_t cpu_signature,
		  uint32_t cpu_features, bool irq0_override, size_t *written, struct error *e);

#endif
