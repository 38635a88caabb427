/* An IDT for the architecture's exceptions, for the entries that own the
 * machine (PVH, shim.rom). Without one, any fault (a bug, an unmapped
 * address, a bad stack) escalates to a triple fault: the machine resets,
 * and QEMU with -no-reboot exits 0 having said nothing. With it, the fault
 * is named and the machine stopped with a failure status. Every vector
 * runs on its own stack (IST1 of a TSS), so a fault on a broken stack is
 * still reported. */
#include "console.h"
#include "x86_64.h"

#define IDT_INTERRUPT_GATE 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define TSS_AVAILABLE 0x89	/* present, DPL 0, available 64-bit TSS */
#define EXC_IST 1		/* TSS.IST1: the exception stack */
#define EXC_STACK_SIZE 0x4000
#define X86_64_EXC_PF 14

/* Intel SDM vol. 3, 7.7 (task-state segment in 64-bit mode). */
struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

/* Intel SDM vol. 3, 6.14.1 (64-bit mode IDT gate descriptor). */
struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};

static struct idt_gate idt[X86_64_EXC_VECTORS] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t exc_stack[EXC_STACK_SIZE] __attribute__((aligned(16))) X86_64_NOINIT;

static const char *const exc_name[X86_64_EXC_VECTORS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
	[28] = "#HV hypervisor injection", "#VC VMM communication", "#SX security",
};

static void tss_install(void)
{
	uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;
	tss.ist[EXC_IST - 1] = (uintptr_t)(exc_stack + sizeof(exc_stack));
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */
	/* Intel SDM vol. 3, 8.2.3 (TSS descriptor in 64-bit mode). */
	x86_64_gdt[BOOT_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 |
				(uint64_t)TSS_AVAILABLE << 40 | ((limit >> 16) & 0xf) << 48 |
				((base >> 24) & 0xff) << 56;
	x86_64_gdt[BOOT_TSS / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(BOOT_TSS) : "memory");
}

void x86_64_exceptions_init(void)
{
	tss_install();
	for (unsigned v = 0; v < X86_64_EXC_VECTORS; v++) {
		uint64_t a = (uintptr_t)(x86_64_exc_stubs + v * X86_64_EXC_STUB_SIZE);
		idt[v] = (struct idt_gate){
			.offset_lo = a & 0xffff,
			.selector = BOOT_CS,
			.ist = EXC_IST,
			.type = IDT_INTERRUPT_GATE,
			.offset_mid = (a >> 16) & 0xffff,
			.offset_hi = a >> 32,
		};
	}
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} d = { sizeof(idt) - 1, (uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(d) : "memory");
}

void x86_64_exception(const struct x86_64_exc_frame *f)
{
	static bool reporting;
	/* A fault while reporting one: stop without a word more. */
	if (reporting)
		x86_64_debug_exit();
	reporting = true;

	struct error e;
	const char *name = f->vector < X86_64_EXC_VECTORS && exc_name[f->vector]
				   ? exc_name[f->vector] : "reserved";
	if (f->vector == X86_64_EXC_PF) {
		uint64_t cr2;
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
		fail(&e, "cpu", "exception %llu at 0x%llx (%s, error code 0x%llx, cr2 0x%llx)",
		     (unsigned long long)f->vector, (unsigned long long)f->rip, name,
		     (unsigned long long)f->error, (unsigned long long)cr2);
	} else {
		fail(&e, "cpu", "exception %llu at 0x%llx (%s, error code 0x%llx, rsp 0x%llx)",
		     (unsigned long long)f->vector, (unsigned long long)f->rip, name,
		     (unsigned long long)f->error, (unsigned long long)f->rsp);
	}
	fatal(&e);
}
