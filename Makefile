# bootshim — see README.md for what it is and how to use it.
#
#   make [ARCH=x86_64] [KERNEL=bzImage] [INITRD=initrd] [CMDLINE="..."] [O=build]
#   make run      boot the shim in QEMU, serial console on this terminal
#   make check    every test: unit, fuzz, QEMU boots (in parallel)
#   make bench    shim against QEMU's own direct kernel boot

ARCH ?= x86_64
O ?= build
B := $(O)/$(ARCH)
HOST := $(O)/host

ifeq ($(ARCH),x86_64)
DEBARCH := amd64
CONSOLE := ttyS0
QEMU := qemu-system-x86_64
SHIMS := $(B)/shim.elf
else
$(error ARCH=$(ARCH) is not supported; use ARCH=x86_64)
endif

# The default payload: Debian's cloud kernel, fetched with apt-get download,
# and the project's demo initrd (tests/guest).
DEFAULT_KERNEL := $(O)/debian/$(DEBARCH)/vmlinuz-cloud
DEFAULT_INITRD := $(O)/guest/$(ARCH)/demo-initrd.cpio.gz
KERNEL ?= $(DEFAULT_KERNEL)
INITRD ?= $(DEFAULT_INITRD)
# Simply expanded, so that $(value CMDLINE) below sees the text itself.
ifeq ($(origin CMDLINE),undefined)
CMDLINE := console=$(CONSOLE) panic=-1
endif

all: $(SHIMS)

# ---------------------------------------------------------------- deps
# Install missing Debian packages once per set (scripts/deps.sh).
$(O)/.deps-%:
	@scripts/deps.sh $*
	@mkdir -p $(O) && touch $@

# ---------------------------------------------------------------- payload
# CMDLINE goes through a file written by make itself: no shell quoting, and
# $(value) keeps '$' as typed. Rewritten only when it changes.
CMDLINE_TXT := $(B)/cmdline.txt
$(shell mkdir -p $(B))
ifneq ($(file <$(CMDLINE_TXT)),$(value CMDLINE))
$(file >$(CMDLINE_TXT),$(value CMDLINE))
endif

# A user's KERNEL or INITRD that does not exist: say so plainly rather
# than "No rule to make target".
ifneq ($(KERNEL),$(DEFAULT_KERNEL))
$(KERNEL):
	@echo "bootshim: error: KERNEL: $@: no such file" >&2; exit 1
endif
ifneq ($(INITRD),$(DEFAULT_INITRD))
$(INITRD):
	@echo "bootshim: error: INITRD: $@: no such file" >&2; exit 1
endif

$(O)/debian/$(DEBARCH)/vmlinuz-%: | $(O)/.deps-build
	@mkdir -p $(@D)
	scripts/fetch-kernel.sh $(DEBARCH) $* $@

HOSTCC := gcc
HOSTCFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11

CORE_HOST_SRCS := shim/x86_boot.c shim/error.c shim/fmt.c shim/memmap.c shim/place.c shim/pvh.c

$(HOST)/bootshim-payload: tools/payload.c $(CORE_HOST_SRCS) $(wildcard shim/*.h) | $(O)/.deps-build
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ tools/payload.c $(CORE_HOST_SRCS)

# Validates the payload with the shim's own parser and writes payload.h,
# payload.ld and cmdline.bin (only when their contents change).
$(B)/payload.stamp: $(KERNEL) $(INITRD) $(CMDLINE_TXT) $(HOST)/bootshim-payload
	$(HOST)/bootshim-payload $(ARCH) $(KERNEL) $(INITRD) $(CMDLINE_TXT) $(B)
	@touch $@

# ---------------------------------------------------------------- shim
CC := gcc
LD := ld
# Freestanding flags, each with its reason:
# no hosted libc; only the compiler's own headers
FREESTANDING := -ffreestanding
# no TLS stack canary: %fs is never set up
FREESTANDING += -fno-stack-protector
# linked at fixed physical addresses
FREESTANDING += -fno-pic -fno-pie
# no SSE/x87: CR4.OSFXSR is off at PVH entry, and no FPU state is handed over
FREESTANDING += -mgeneral-regs-only
# an exception or NMI handler added later must not clobber locals below %rsp
FREESTANDING += -mno-red-zone
# no .eh_frame: nothing unwinds
FREESTANDING += -fno-asynchronous-unwind-tables
# one definition per variable; the core does type-punning only through memcpy
FREESTANDING += -fno-common
# -fno-strict-aliasing: firmware structures are read through casts
FREESTANDING += -fno-strict-aliasing
CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror $(FREESTANDING)
LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack --no-dynamic-linker

CORE_SRCS := shim/boot.c shim/console.c shim/error.c shim/fmt.c shim/lib.c \
	shim/memmap.c shim/payload.c shim/place.c
CORE_SRCS_x86_64 := shim/linux_x86.c shim/x86_boot.c shim/pvh.c
ARCH_SRCS_x86_64 := arch/x86_64/cpu.c arch/x86_64/long_mode.S arch/x86_64/string.c
PVH_SRCS := arch/x86_64/pvh_entry.S arch/x86_64/pvh.c

objs = $(patsubst %,$(B)/obj/%.o,$(1))
SHIM_OBJS := $(call objs,$(CORE_SRCS) $(CORE_SRCS_$(ARCH)) $(ARCH_SRCS_$(ARCH)))

$(B)/obj/%.c.o: %.c | $(O)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj/%.S.o: %.S | $(O)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj/arch/payload.S.o: arch/payload.S $(B)/payload.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(B) -c -o $@ $<

$(B)/shim.elf: $(SHIM_OBJS) $(call objs,$(PVH_SRCS)) $(B)/obj/arch/payload.S.o linker/x86_64-pvh.ld
	$(LD) $(LDFLAGS) -L $(B) -T linker/x86_64-pvh.ld -o $@.tmp $(filter %.o,$^)
	@scripts/check-elf.sh pvh $@.tmp
	@mv $@.tmp $@
	@echo "bootshim: wrote $@"

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- guest
GUEST := $(O)/guest/$(ARCH)
$(GUEST)/init: tests/guest/init.c | $(O)/.deps-build
	@mkdir -p $(@D)
	$(CC) -static -Os -Wall -Wextra -o $@ $<

$(DEFAULT_INITRD): $(GUEST)/init tests/guest/mkinitrd.sh
	HELLO="Hello from the bootshim demo initrd: the kernel booted and ran /init." \
		tests/guest/mkinitrd.sh $@ $(GUEST)/init

# ---------------------------------------------------------------- run
QEMU_RUN := $(QEMU) -m 1G -nographic -no-reboot -device isa-debug-exit
run: $(B)/shim.elf | $(O)/.deps-run
	$(QEMU_RUN) -kernel $(B)/shim.elf

# ---------------------------------------------------------------- tests
# Unit tests and fuzzers (tests/tests.mk), QEMU boot tests (tests/boot/boot.mk).
include tests/tests.mk
include tests/boot/boot.mk

JOBS ?= $(shell nproc)
# -k: one failing test does not hide the others.
check: | $(O)/.deps-build $(O)/.deps-run $(O)/.deps-check
	@$(MAKE) --no-print-directory -k -j$(JOBS) check-unit check-fuzz check-boot
	@echo "bootshim: all tests passed"

# ---------------------------------------------------------------- bench
RUNS ?= 5
bench: $(B)/shim.elf | $(O)/.deps-run $(O)/.deps-check
	python3 tests/bench/bench.py --runs $(RUNS) --shim $(B)/shim.elf --kernel $(KERNEL) \
		--initrd $(INITRD) --cmdline-file $(CMDLINE_TXT) --out $(O)/bench

clean:
	rm -rf $(O)

.PHONY: all run check bench clean
.DELETE_ON_ERROR:
