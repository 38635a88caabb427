# Interim standalone build of the riscv64 shims, until issue 12's Part 1
# (the Makefile's flavour table) lands and riscv64 becomes rows of it:
#
#   make -f arch/riscv64/riscv64.mk [O=build] [KERNEL=Image] [INITRD=...] [CMDLINE="..."]
#   make -f arch/riscv64/riscv64.mk run
#
# Debian 13 (trixie) riscv64 packages are fetched with apt-get download
# through a private package list (suite trixie on the host's Debian
# mirror, checked against the installed debian-archive-keyring); the
# cross compiler, QEMU, OpenSBI and U-Boot are the host's Debian 12 ones.

O ?= build
ARCH := riscv64
DEBARCH := riscv64
B := $(O)/riscv64
HOST := $(B)/host
D13 := $(O)/debian13/riscv64
CROSS := riscv64-linux-gnu-
CONSOLE := ttyS0

all: $(B)/shim.img

# ---------------------------------------------------------------- packages
# Debian 13's kernel: an uncompressed Image with the RISC-V header (and an
# EFI stub), which fetch-kernel.sh extracts with its config and modules.
DEFAULT_KERNEL := $(D13)/vmlinuz-generic
$(D13)/vmlinuz-generic:
	@mkdir -p $(@D)
	scripts/fetch-kernel.sh riscv64 generic $@ trixie

# The same private package list fetch-kernel.sh writes and locks (its
# lists directory and lock file): one apt at a time on it.
D13_SOURCES := $(abspath $(D13))/apt-sources-trixie-riscv64.list
D13_LISTS := $(abspath $(D13))/apt-lists-trixie-riscv64
D13_APT := -oAPT::Architecture=riscv64 -oAPT::Architectures=riscv64 \
	-oDir::State::Lists=$(D13_LISTS) -oDir::Etc::SourceList=$(D13_SOURCES) \
	-oDir::Etc::SourceParts=/dev/null $(if $(filter 0,$(shell id -u)),-oAPT::Sandbox::User=root)
# deb-trixie PACKAGE,OUTDIR: download PACKAGE and unpack it into OUTDIR.
define deb-trixie
	@mkdir -p $(D13_LISTS)/partial $(2)/.deb
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"$$(scripts/debian-mirror.sh) trixie main" >$(D13_SOURCES)
	flock $(D13_LISTS).lock sh -c '[ -n "$$(ls $(D13_LISTS) | grep -v partial)" ] || \
		apt-get $(D13_APT) update >/dev/null'
	cd $(2)/.deb && flock $(D13_LISTS).lock apt-get $(D13_APT) download $(1) >/dev/null
	dpkg-deb -x $(2)/.deb/*.deb $(2)
	rm -rf $(2)/.deb
endef
LIBFDT := $(D13)/libfdt
$(LIBFDT)/.stamp:
	$(call deb-trixie,libfdt-dev,$(LIBFDT))
	@touch $@
LIBSSL := $(D13)/libssl
$(LIBSSL)/.stamp:
	$(call deb-trixie,libssl-dev,$(LIBSSL))
	@touch $@

# ---------------------------------------------------------------- payload
# The default payload: Debian 13's riscv64 kernel and the demo initrd.
DEFAULT_INITRD := $(O)/guest/riscv64/demo-initrd.cpio.gz
KERNEL ?= $(DEFAULT_KERNEL)
INITRD ?= $(DEFAULT_INITRD)
ifeq ($(origin CMDLINE),undefined)
CMDLINE := console=$(CONSOLE) panic=-1
endif
# CMDLINE and the payload's file names through files rewritten only when
# they change (as the Makefile does), written by rules, not at parse time.
remember = $(if $(and $(wildcard $(1)),$(findstring x$(value $(2))x,x$(file <$(1))x),$\
	$(findstring x$(file <$(1))x,x$(value $(2))x)),,$(file >$(1),$(value $(2))))
PAYLOAD_FILES := $(abspath $(KERNEL) $(INITRD) $(DTB))
$(B)/cmdline.txt $(B)/payload-files.txt: FORCE
	@mkdir -p $(B)
	$(if $(filter %cmdline.txt,$@),$(call remember,$@,CMDLINE),$(call remember,$@,PAYLOAD_FILES))
FORCE:

# The build-time check (tools/payload.c) with the shim's own parsers.
HOSTCFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -Wmissing-prototypes \
	-Wmissing-declarations -iquote shim -iquote tools
PAYLOAD_TOOL_SRCS := tools/payload.c shim/x86_64_boot.c shim/aarch64_image.c \
	shim/riscv64_image.c shim/error.c shim/fmt.c shim/memmap.c shim/place.c shim/pvh.c shim/fdt.c
$(HOST)/bootshim-payload: $(PAYLOAD_TOOL_SRCS) $(wildcard shim/*.h)
	@mkdir -p $(@D)
	gcc $(HOSTCFLAGS) -o $@ $(PAYLOAD_TOOL_SRCS) -lfdt

$(B)/payload.stamp: $(KERNEL) $(INITRD) $(B)/cmdline.txt $(DTB) $(B)/payload-files.txt \
		$(HOST)/bootshim-payload
	$(HOST)/bootshim-payload riscv64 $(KERNEL) $(INITRD) $(B)/cmdline.txt $(B) $(DTB)
	@touch $@

# ---------------------------------------------------------------- guest
$(O)/guest/riscv64/init: tests/guest/init.c
	@mkdir -p $(@D)
	$(CROSS)gcc -static -Os -Wall -Wextra -o $@ $<
$(O)/guest/riscv64/demo-initrd.cpio.gz: $(O)/guest/riscv64/init tests/guest/mkinitrd.sh
	HELLO="Hello from the bootshim demo initrd: the kernel booted and ran /init." \
		tests/guest/mkinitrd.sh $@ $<

# ---------------------------------------------------------------- shim.img
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
# Freestanding flags, each with its reason:
# no hosted libc; only the compiler's own headers
FREESTANDING := -ffreestanding
# our own code needs no canary (libfdt.a and libcrypto's objects bring
# theirs; shim/console.c gives them a guard)
FREESTANDING += -fno-stack-protector
# no .eh_frame: nothing unwinds
FREESTANDING += -fno-asynchronous-unwind-tables
# one definition per variable
FREESTANDING += -fno-common
# firmware structures are read through casts
FREESTANDING += -fno-strict-aliasing
# loaded at any 2 MiB boundary, so position-independent, and addresses
# formed PC-relative within +-2 GiB of the code, wherever it runs
FREESTANDING += -fpie -mcmodel=medany
# Debian's rv64gc baseline and its lp64d ABI: libfdt.a and libcrypto's
# objects are built so, and ld refuses to mix float ABIs (img_entry.S
# turns the FP unit on); Zicsr and Zifencei named, as GCC 12 wants for
# csr* and fence.i
FREESTANDING += -march=rv64imafdc_zicsr_zifencei -mabi=lp64d
CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -Wmissing-prototypes -Wmissing-declarations \
	$(FREESTANDING) -iquote shim -iquote arch/riscv64 -I$(LIBFDT)/usr/include
LDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack --no-dynamic-linker

MEASURE_SRCS := shim/measure.c shim/sha256.c shim/tpm2.c shim/tpm_tis.c shim/tcg_log.c \
	shim/tpm_measure.c
CORE_SRCS := shim/boot.c shim/console.c shim/error.c shim/fmt.c shim/lib.c \
	shim/memmap.c shim/payload.c shim/place.c shim/measure_boot.c $(MEASURE_SRCS)
CORE_SRCS_riscv64 := shim/linux_riscv64.c shim/linux_dt.c shim/riscv64_image.c shim/fdt.c \
	arch/riscv64/sha256_cpu.c
ARCH_SRCS_riscv64 := arch/riscv64/dt.c
IMG_SRCS := arch/riscv64/img_entry.S arch/riscv64/img.c arch/riscv64/sbi.c arch/riscv64/cpu.c \
	arch/riscv64/smode.S

objs = $(patsubst %,$(B)/obj/%.o,$(1))
SHIM_OBJS := $(call objs,$(CORE_SRCS) $(CORE_SRCS_riscv64) $(ARCH_SRCS_riscv64))
$(SHIM_OBJS) $(call objs,$(IMG_SRCS)): $(LIBFDT)/.stamp
LIBFDT_A := $(LIBFDT)/usr/lib/riscv64-linux-gnu/libfdt.a

# SHA-256 from Debian 13's OpenSSL 3.5 (arch/riscv64/sha256_cpu.c says
# which objects and why sha512's come along).
LIBCRYPTO := $(LIBSSL)/usr/lib/riscv64-linux-gnu/libcrypto.a
SHA256_OBJ_NAMES := libcrypto-lib-sha256.o libcrypto-lib-sha_riscv.o \
	libcrypto-lib-sha256-riscv64-zvkb-zvknha_or_zvknhb.o libcrypto-lib-sha512.o \
	libcrypto-lib-sha512-riscv64-zvkb-zvknhb.o
SHA256_OBJS := $(addprefix $(B)/openssl/,$(SHA256_OBJ_NAMES))
$(SHA256_OBJS) &: $(LIBSSL)/.stamp
	@mkdir -p $(B)/openssl
	cd $(B)/openssl && ar x $(abspath $(LIBCRYPTO)) $(SHA256_OBJ_NAMES)
	@touch $(SHA256_OBJS)

$(B)/obj/%.c.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<
$(B)/obj/%.S.o: %.S
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<
$(B)/obj/arch/payload.S.o: arch/payload.S $(B)/payload.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -iquote $(B) -c -o $@ $<

# -z text: no relocation may patch code. scripts/check-elf.sh's img kind
# knows aarch64's relocation only: riscv's check, R_RISCV_RELATIVE alone
# and nothing undefined, is here until the Makefile table's checks take it.
$(B)/shim.img.elf: $(SHIM_OBJS) $(call objs,$(IMG_SRCS)) $(B)/obj/arch/payload.S.o \
		$(SHA256_OBJS) linker/riscv64-img.ld
	$(LD) $(LDFLAGS) -pie -z text --no-warn-rwx-segments -L $(B) -T linker/riscv64-img.ld \
		-o $@.tmp $(filter %.o,$^) $(LIBFDT_A)
	@bad=$$($(CROSS)readelf -rW $@.tmp | awk '/^[0-9a-f]+ /{print $$3}' | \
		grep -v '^R_RISCV_RELATIVE$$' | sort -u); \
	[ -z "$$bad" ] || { echo "bootshim: error: $@: relocations the shim cannot apply: $$bad" >&2; exit 1; }
	@[ -z "$$($(CROSS)nm -u $@.tmp)" ] || { echo "bootshim: error: $@: undefined symbols:" \
		$$($(CROSS)nm -u $@.tmp) >&2; exit 1; }
	@mv $@.tmp $@

$(B)/shim.img: $(B)/shim.img.elf
	$(OBJCOPY) -O binary $< $@
	@echo "bootshim: wrote $@"

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# ================================================================ shim.rom
# (helper R2's block) shim.rom: the first code of qemu-system-riscv64 -M
# virt -bios, in M-mode, with OpenSBI's fw_dynamic embedded to give the
# kernel its SBI (arch/riscv64/rom*.c, linker/riscv64-rom.ld). The same
# core and riscv64 objects as shim.img, its own entry; the OpenSBI ELF is
# data (arch/riscv64/rom_blob.S), checked again at boot.
OPENSBI ?= /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf
# cpu.c's time CSR, seed CSR loop and arch_enter_kernel work in M-mode as
# they are: the two mode-specific pieces they call, riscv64_seed_csr and
# riscv64_jump_to_kernel, are the ROM's own (rom_entry.S, rom.c), not
# smode.S's.
ROM_SRCS := arch/riscv64/rom_entry.S arch/riscv64/rom.c arch/riscv64/rom_dt.c \
	arch/riscv64/rom_uart.c arch/riscv64/rom_opensbi.c arch/riscv64/rom_blob.S \
	arch/riscv64/cpu.c
all: $(B)/shim.rom
$(call objs,$(ROM_SRCS)): $(LIBFDT)/.stamp
$(call objs,arch/riscv64/rom_blob.S): $(OPENSBI)
$(call objs,arch/riscv64/rom_blob.S): CFLAGS += -DOPENSBI_ELF_FILE='"$(OPENSBI)"'

# Linked where QEMU loads it (0x80000000), so no relocations: -fpie code
# linked static resolves its GOT at link time.
$(B)/shim.rom.elf: $(SHIM_OBJS) $(call objs,$(ROM_SRCS)) $(B)/obj/arch/payload.S.o \
		$(SHA256_OBJS) linker/riscv64-rom.ld
	$(LD) $(LDFLAGS) -static --no-warn-rwx-segments -L $(B) -T linker/riscv64-rom.ld \
		-o $@.tmp $(filter %.o,$^) $(LIBFDT_A)
	@[ -z "$$($(CROSS)readelf -rW $@.tmp | grep '^[0-9a-f]')" ] || { \
		echo "bootshim: error: $@: relocations left in a ROM linked in place" >&2; exit 1; }
	@[ -z "$$($(CROSS)nm -u $@.tmp)" ] || { echo "bootshim: error: $@: undefined symbols:" \
		$$($(CROSS)nm -u $@.tmp) >&2; exit 1; }
	@mv $@.tmp $@

# What QEMU loads into RAM: everything but .bss and the firmware window
# (objcopy fills the gap before the payload with zeros).
$(B)/shim.rom: $(B)/shim.rom.elf
	$(OBJCOPY) -O binary -j .text -j .rodata -j .data -j '.payload.*' $< $@
	@echo "bootshim: wrote $@"

run-rom: $(B)/shim.rom
	qemu-system-riscv64 -M virt -m 1G -nographic -bios $(B)/shim.rom
.PHONY: run-rom
# ================================================================ end of shim.rom

# ---------------------------------------------------------------- run
run: $(B)/shim.img
	qemu-system-riscv64 -M virt -m 1G -nographic -kernel $(B)/shim.img

.PHONY: all run FORCE
.DELETE_ON_ERROR:
