/* See mptable.h. */
#include "mptable.h"

/* An ISA machine's sixteen IRQs, on an I/O APIC that routes IRQ 0 to pin 2
 * where QEMU overrides it: IRQ 2 (the cascade) then has no entry. */
static unsigned ioint_count(bool irq0_override)
{
	return irq0_override ? MP_ISA_IRQS - 1 : MP_ISA_IRQS;
}

static size_t config_size(unsigned cpus, bool irq0_override)
{
	return sizeof(struct mp_config) + cpus * sizeof(struct mp_cpu) + sizeof(struct mp_bus) +
	       sizeof(struct mp_ioapic) + (ioint_count(irq0_override) + 2) * sizeof(struct mp_irq);
}

int mptable_check_cpus(unsigned cpus, struct error *e)
{
	if (!cpus || cpus > MP_MAX_CPUS)
		return fail(e, "mptable", "%u CPUs: the MP table describes 1 to %u", cpus,
			    MP_MAX_CPUS);
	return 0;
}

size_t mptable_size(unsigned cpus)
{
	return sizeof(struct mp_floating) + config_size(cpus, false);
}

static uint8_t sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *b++);
	return s;
}

int mptable_build(uint8_t *buf, size_t size, uint32_t phys, unsigned cpus, uint32_t cpu_signature,
		  uint32_t cpu_features, bool irq0_override, size_t *written, struct error *e)
{
	if (mptable_check_cpus(cpus, e))
		return -1;
	size_t need = sizeof(struct mp_floating) + config_size(cpus, irq0_override);
	if (need > size)
		return fail(e, "mptable", "%zu bytes for %u CPUs, room for %zu", need, cpus, size);
	memset(buf, 0, need);

	struct mp_floating *f = (struct mp_floating *)buf;
	memcpy(f->signature, "_MP_", 4);
	f->physptr = phys + sizeof(*f);
	f->length = sizeof(*f) / 16;
	f->spec_rev = 4;

	uint8_t *p = buf + sizeof(*f);
	struct mp_config *c = (struct mp_config *)p;
	memcpy(c->signature, "PCMP", 4);
	c->spec_rev = 4;
	memcpy(c->oem, "BOOTSHIM", 8);
	memcpy(c->product, "QEMU        ", 12);
	c->lapic = MP_LAPIC_BASE;
	p += sizeof(*c);

	for (unsigned i = 0; i < cpus; i++, p += sizeof(struct mp_cpu)) {
		struct mp_cpu *cpu = (struct mp_cpu *)p;
		cpu->type = MP_ENTRY_CPU;
		cpu->apic_id = (uint8_t)i;
		cpu->apic_ver = MP_APIC_VERSION;
		cpu->flags = MP_CPU_ENABLED | (i == 0 ? MP_CPU_BSP : 0);
		cpu->signature = cpu_signature;
		cpu->features = cpu_features;
	}
	struct mp_bus *bus = (struct mp_bus *)p;
	bus->type = MP_ENTRY_BUS;
	memcpy(bus->bus_type, "ISA   ", 6);
	p += sizeof(*bus);

	uint8_t ioapic_id = (uint8_t)cpus;
	struct mp_ioapic *io = (struct mp_ioapic *)p;
	io->type = MP_ENTRY_IOAPIC;
	io->id = ioapic_id;
	io->ver = MP_APIC_VERSION;
	io->flags = MP_IOAPIC_USABLE;
	io->addr = MP_IOAPIC_BASE;
	p += sizeof(*io);

	/* Flags 0: "conforms to the specification of the bus" (ISA: edge,
	 * active high), MP spec table 4-10. */
	for (unsigned irq = 0; irq < MP_ISA_IRQS; irq++) {
		if (irq0_override && irq == 2)
			continue;
		struct mp_irq *r = (struct mp_irq *)p;
		r->type = MP_ENTRY_IOINT;
		r->irq_type = MP_IRQ_INT;
		r->src_irq = (uint8_t)irq;
		r->dst_apic = ioapic_id;
		r->dst_pin = (uint8_t)(irq0_override && irq == 0 ? 2 : irq);
		p += sizeof(*r);
	}
	/* The 8259's output on the boot CPU's LINT0 (virtual wire mode), NMI
	 * on every local APIC's LINT1. */
	static const uint8_t lint_type[2] = { MP_IRQ_EXTINT, MP_IRQ_NMI };
	for (unsigned pin = 0; pin < 2; pin++, p += sizeof(struct mp_irq)) {
		struct mp_irq *r = (struct mp_irq *)p;
		r->type = MP_ENTRY_LINT;
		r->irq_type = lint_type[pin];
		r->dst_apic = pin ? MP_ALL_LAPICS : 0;
		r->dst_pin = (uint8_t)pin;
	}
	c->length = (uint16_t)(p - (uint8_t *)c);
	c->entries = (uint16_t)(cpus + 2 + ioint_count(irq0_override) + 2);
	c->checksum = (uint8_t)-sum(c, c->length);
	f->checksum = (uint8_t)-sum(f, sizeof(*f));
	*written = need;
	return 0;
}
