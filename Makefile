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

# What differs between the architectures, as data.
DEBARCH_x86_64 := amd64
DEBARCH_aarch64 := arm64
CROSS_x86_64 :=
CROSS_aarch64 := aarch64-linux-gnu-
CONSOLE_x86_64 := ttyS0
CONSOLE_aarch64 := ttyAMA0
SHIMS_x86_64 := $(B)/shim.elf $(B)/shim.rom $(B)/shim.efi
SHIMS_aarch64 := $(B)/shim.img $(B)/shim.rom $(B)/shim.efi
ifeq ($(filter $(ARCH),x86_64 aarch64),)
$(error ARCH=$(ARCH) is not supported; use ARCH=x86_64 or ARCH=aarch64)
endif
DEBARCH := $(DEBARCH_$(ARCH))
CROSS := $(CROSS_$(ARCH))
CONSOLE := $(CONSOLE_$(ARCH))
SHIMS := $(SHIMS_$(ARCH))

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

all: $(SHIMS) $(B)/pcr11.txt $(B)/pcr11.checked

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
# Which files are embedded, remembered the same way: naming another file
# rebuilds even when it is older than the last build.
PAYLOAD_FILES_TXT := $(B)/payload-files.txt
PAYLOAD_FILES := $(abspath $(KERNEL) $(INITRD) $(DTB))
ifneq ($(file <$(PAYLOAD_FILES_TXT)),$(PAYLOAD_FILES))
$(file >$(PAYLOAD_FILES_TXT),$(PAYLOAD_FILES))
endif

# A user's KERNEL or INITRD that does not exist: say so plainly rather
# than "No rule to make target".
ifneq ($(KERNEL),$(DEFAULT_KERNEL))
$(KERNEL):
	@echo "bootshim: error: KERNEL: $@: no such file" >&2; exit 1
endif
ifneq ($(DTB),)
$(DTB):
	@echo "bootshim: error: DTB: $@: no such file" >&2; exit 1
endif
ifneq ($(INITRD),$(DEFAULT_INITRD))
$(INITRD):
	@echo "bootshim: error: INITRD: $@: no such file" >&2; exit 1
endif

$(O)/debian/amd64/vmlinuz-%: | $(O)/.deps-build
	@mkdir -p $(@D)
	scripts/fetch-kernel.sh amd64 $* $@
$(O)/debian/arm64/vmlinuz-%: | $(O)/.deps-build
	@mkdir -p $(@D)
	scripts/fetch-kernel.sh arm64 $* $@
# Debian 13's kernels (trixie), for the boot tests beside Debian 12's; the
# default payload stays Debian 12's.
$(O)/debian13/amd64/vmlinuz-%: | $(O)/.deps-build
	@mkdir -p $(@D)
	scripts/fetch-kernel.sh amd64 $* $@ trixie
$(O)/debian13/arm64/vmlinuz-%: | $(O)/.deps-build
	@mkdir -p $(@D)
	scripts/fetch-kernel.sh arm64 $* $@ trixie

# arm64: the shim embeds the uncompressed Image. Debian's vmlinuz (12 and
# 13) is one already, with its EFI stub (not an EFI zboot image); an
# Image.gz is decompressed.
ifeq ($(ARCH),aarch64)
KERNEL_PAYLOAD := $(B)/Image
$(B)/Image: $(KERNEL) $(PAYLOAD_FILES_TXT)
	scripts/kernel-image.sh $< $@
else
KERNEL_PAYLOAD := $(KERNEL)
endif

# SHA-256 from Debian's OpenSSL (shim/openssl_sha256.h): two objects taken
# with ar x from libssl-dev's libcrypto.a, the C part (SHA256_Init/Update/
# Final) and the arch's block function (for arm64 with the ARMv8 SHA-2
# instructions), linked into every flavour as they are. The host's
# libcrypto.a (x86_64) gives the same objects to tools and tests.
LIBSSL_ARM64 := $(O)/debian/arm64/libssl
$(LIBSSL_ARM64)/.stamp: | $(O)/.deps-build
	scripts/fetch-deb.sh arm64 libssl-dev $(LIBSSL_ARM64)
	@touch $@
LIBCRYPTO_x86_64 := /usr/lib/x86_64-linux-gnu/libcrypto.a
LIBCRYPTO_aarch64 := $(LIBSSL_ARM64)/usr/lib/aarch64-linux-gnu/libcrypto.a
LIBCRYPTO_STAMP_aarch64 := $(LIBSSL_ARM64)/.stamp
SHA256_OBJ_NAMES_x86_64 := libcrypto-lib-sha256.o libcrypto-lib-sha256-x86_64.o
SHA256_OBJ_NAMES_aarch64 := libcrypto-lib-sha256.o libcrypto-lib-sha256-armv8.o
SHA256_OBJS := $(addprefix $(B)/openssl/,$(SHA256_OBJ_NAMES_$(ARCH)))
HOST_SHA256_OBJS := $(addprefix $(HOST)/openssl/,$(SHA256_OBJ_NAMES_x86_64))
# (the grouped target &: needs make 4.3, Debian 12 has 4.3)
$(SHA256_OBJS) &: $(LIBCRYPTO_STAMP_$(ARCH)) | $(O)/.deps-build
	@mkdir -p $(B)/openssl
	cd $(B)/openssl && ar x $(abspath $(LIBCRYPTO_$(ARCH))) $(SHA256_OBJ_NAMES_$(ARCH))
	@touch $(SHA256_OBJS)
$(HOST_SHA256_OBJS) &: | $(O)/.deps-build
	@mkdir -p $(HOST)/openssl
	cd $(HOST)/openssl && ar x $(LIBCRYPTO_x86_64) $(SHA256_OBJ_NAMES_x86_64)
	@touch $(HOST_SHA256_OBJS)

HOSTCC := gcc
HOSTCFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -Wmissing-prototypes \
	-Wmissing-declarations -iquote shim -iquote tools

CORE_HOST_SRCS := shim/x86_64_boot.c shim/aarch64_image.c shim/error.c shim/fmt.c shim/memmap.c \
	shim/place.c shim/pvh.c

$(HOST)/bootshim-payload: tools/payload.c $(CORE_HOST_SRCS) shim/fdt.c $(wildcard shim/*.h) | $(O)/.deps-build
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ tools/payload.c $(CORE_HOST_SRCS) shim/fdt.c -lfdt

# The PCR 11 prediction (tools/pcr11.c) with the shim's own measure.c and
# OpenSSL objects: from any built shim, through its payload index.
PCR11_SRCS := tools/pcr11.c tools/shim_image.c shim/measure.c shim/sha256.c shim/sha256_host.c
$(HOST)/bootshim-pcr11: $(PCR11_SRCS) $(HOST_SHA256_OBJS) $(wildcard shim/*.h tools/*.h) | $(O)/.deps-build
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(PCR11_SRCS) $(HOST_SHA256_OBJS)

# Validates the payload with the shim's own parser and writes payload_files.h,
# payload.ld and cmdline.bin (only when their contents change).
$(B)/payload.stamp: $(KERNEL_PAYLOAD) $(INITRD) $(CMDLINE_TXT) $(DTB) $(PAYLOAD_FILES_TXT) \
		$(HOST)/bootshim-payload
	$(HOST)/bootshim-payload $(ARCH) $(KERNEL_PAYLOAD) $(INITRD) $(CMDLINE_TXT) $(B) $(DTB)
	@touch $@

# ---------------------------------------------------------------- shim
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
# Freestanding flags, each with its reason:
# no hosted libc; only the compiler's own headers
FREESTANDING := -ffreestanding
# our own code needs no canary (libfdt.a brings its own; shim/console.c
# gives it a guard)
FREESTANDING += -fno-stack-protector
# no FP/SIMD in the shim's code: x86 has CR4.OSFXSR off at PVH entry, and
# nothing must leave FP state behind for the kernel
FREESTANDING += -mgeneral-regs-only
# no .eh_frame: nothing unwinds
FREESTANDING += -fno-asynchronous-unwind-tables
# one definition per variable
FREESTANDING += -fno-common
# firmware structures are read through casts
FREESTANDING += -fno-strict-aliasing
# x86_64: linked at fixed physical addresses
FREESTANDING_x86_64 := -fno-pic -fno-pie
# x86_64: an exception or NMI handler must not clobber locals below %rsp
FREESTANDING_x86_64 += -mno-red-zone
# aarch64: loaded at any 2 MiB boundary, so position-independent
FREESTANDING_aarch64 := -fpie
# aarch64: the MMU is off, all data accesses are Device memory, where an
# unaligned access faults
FREESTANDING_aarch64 += -mstrict-align
# Every cross-file function has its prototype in a header; quoted
# includes by name from the core, the arch and the UEFI directories.
DECL_WARNINGS := -Wmissing-prototypes -Wmissing-declarations
CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror $(DECL_WARNINGS) $(FREESTANDING) \
	$(FREESTANDING_$(ARCH)) -iquote shim -iquote arch/$(ARCH) -iquote arch/efi
LDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack --no-dynamic-linker

# Measured boot (shim/measure.h) is core: every flavour, UEFI too.
MEASURE_SRCS := shim/measure.c shim/sha256.c shim/tpm2.c shim/tpm_tis.c shim/tcg_log.c \
	shim/tpm_measure.c
CORE_SRCS := shim/boot.c shim/console.c shim/error.c shim/fmt.c shim/lib.c \
	shim/memmap.c shim/payload.c shim/place.c shim/measure_boot.c $(MEASURE_SRCS)
# (arch/<arch>/sha256_cpu.c: the CPU side of OpenSSL's SHA-256, which
# every flavour, UEFI included, links.)
CORE_SRCS_x86_64 := shim/linux_x86_64.c shim/x86_64_boot.c shim/pvh.c arch/x86_64/sha256_cpu.c
CORE_SRCS_aarch64 := shim/linux_aarch64.c shim/linux_dt.c shim/aarch64_image.c shim/fdt.c \
	arch/aarch64/sha256_cpu.c
ARCH_SRCS_x86_64 := arch/x86_64/cpu.c arch/x86_64/bare.c arch/x86_64/long_mode.S \
	arch/x86_64/string.c arch/x86_64/exceptions.S arch/x86_64/exceptions.c \
	arch/x86_64/idmap.c arch/x86_64/entropy.c
ARCH_SRCS_aarch64 := arch/aarch64/cpu.c arch/aarch64/bare.c arch/aarch64/vectors.S \
	arch/aarch64/el.S arch/aarch64/dcache.c arch/aarch64/tpm.c
PVH_SRCS := arch/x86_64/pvh_entry.S arch/x86_64/pvh.c
ROM_SRCS_x86_64 := arch/x86_64/rom_entry.S arch/x86_64/rom.c arch/x86_64/fw_cfg_io.c \
	shim/fw_cfg.c arch/x86_64/mtrr.c arch/x86_64/mptable.c
# The PC Client TPM, for both bare-metal x86 entries (arch/x86_64/tpm.c).
ARCH_SRCS_x86_64 += arch/x86_64/tpm.c
# PVH: the previous firmware's event log, to append to.
PVH_SRCS += arch/x86_64/fwlog.c
IMG_SRCS := arch/aarch64/img_entry.S arch/aarch64/img.c
ROM_SRCS_aarch64 := arch/aarch64/rom_entry.S arch/aarch64/rom.c arch/aarch64/mmu.c arch/aarch64/gic.c \
	arch/aarch64/el3.c arch/aarch64/psci.c arch/aarch64/psci_rt.c arch/aarch64/psci_entry.S

objs = $(patsubst %,$(B)/obj/%.o,$(1))
SHIM_OBJS := $(call objs,$(CORE_SRCS) $(CORE_SRCS_$(ARCH)) $(ARCH_SRCS_$(ARCH)))

# Debian's libfdt for arm64, downloaded (not installed) for the cross link.
LIBFDT_ARM64 := $(O)/debian/arm64/libfdt
$(LIBFDT_ARM64)/.stamp: | $(O)/.deps-build
	scripts/fetch-deb.sh arm64 libfdt-dev $(LIBFDT_ARM64)
	@touch $@
ifeq ($(ARCH),aarch64)
LIBFDT_A := $(LIBFDT_ARM64)/usr/lib/aarch64-linux-gnu/libfdt.a
CFLAGS += -I$(LIBFDT_ARM64)/usr/include
$(SHIM_OBJS): $(LIBFDT_ARM64)/.stamp
endif

# Every image links them (the link rules take all their .o prerequisites).
$(B)/shim.elf $(B)/shim.rom.elf $(B)/shim.img.elf $(B)/shim.efi.so: $(SHA256_OBJS)

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
	$(LD) $(LDFLAGS) -static -L $(B) -T linker/x86_64-pvh.ld -o $@.tmp $(filter %.o,$^)
	@scripts/check-elf.sh pvh $@.tmp
	@mv $@.tmp $@
	@echo "bootshim: wrote $@"

ifeq ($(ARCH),x86_64)
$(B)/shim.rom.elf: $(SHIM_OBJS) $(call objs,$(ROM_SRCS_x86_64)) $(B)/obj/arch/payload.S.o \
		linker/x86_64-rom.ld
	$(LD) $(LDFLAGS) -static -L $(B) -T linker/x86_64-rom.ld -o $@.tmp $(filter %.o,$^)
	@scripts/check-elf.sh rom $@.tmp
	@mv $@.tmp $@
endif

$(B)/shim.img.elf: $(SHIM_OBJS) $(call objs,$(IMG_SRCS)) $(B)/obj/arch/payload.S.o linker/aarch64-img.ld
	$(LD) $(LDFLAGS) -pie -z text --no-warn-rwx-segments -L $(B) -T linker/aarch64-img.ld -o $@.tmp \
		$(filter %.o,$^) $(LIBFDT_A)
	@scripts/check-elf.sh img $@.tmp
	@mv $@.tmp $@

$(B)/shim.img: $(B)/shim.img.elf
	$(OBJCOPY) -O binary $< $@
	@echo "bootshim: wrote $@"

# The same objects as shim.img (position-independent code runs anywhere),
# linked to execute in place from flash.
ifeq ($(ARCH),aarch64)
$(B)/shim.rom.elf: $(SHIM_OBJS) $(call objs,$(ROM_SRCS_aarch64)) $(B)/obj/arch/payload.S.o \
		linker/aarch64-rom.ld
	$(LD) $(LDFLAGS) -static --no-warn-rwx-segments -L $(B) -T linker/aarch64-rom.ld \
		-o $@.tmp $(filter %.o,$^) $(LIBFDT_A)
	@scripts/check-elf.sh rom $@.tmp
	@mv $@.tmp $@
endif

# Only what the flash or ROM holds: not .bss, which lives in RAM.
$(B)/shim.rom: $(B)/shim.rom.elf
	$(OBJCOPY) -O binary -j .text -j .text16 -j .rodata -j .data -j .reset -j '.payload.*' \
		$< $@
	@echo "bootshim: wrote $@"

# ---------------------------------------------------------------- PCR 11
# pcr11.txt: PCR 11 after a boot of this payload from a reset TPM, read
# out of the built image itself (the first flavour: every flavour embeds
# the same payload.S), so that prediction and image cannot disagree.
# pcr11.checked: every flavour's file gives that same value.
$(B)/pcr11.txt: $(firstword $(SHIMS)) $(HOST)/bootshim-pcr11
	$(HOST)/bootshim-pcr11 $< >$@.tmp
	@mv $@.tmp $@
	@echo "bootshim: wrote $@: $$(cat $@)"
$(B)/pcr11.checked: $(B)/pcr11.txt $(SHIMS) $(HOST)/bootshim-pcr11
	@for f in $(SHIMS); do \
		v=$$($(HOST)/bootshim-pcr11 $$f) || exit 1; \
		[ "$$v" = "$$(cat $<)" ] || { echo "bootshim: error: $$f: PCR 11 $$v, but $< says" \
			"$$(cat $<)" >&2; exit 1; }; \
	done
	@touch $@

# ---------------------------------------------------------------- UEFI
# shim.efi: the same core, built position-independent for gnu-efi, linked
# as a shared object with the project's own linker script
# (arch/efi/elf_<arch>.lds: 4 KiB sections, W^X, .sbat, .allow) and
# converted to PE/COFF by objcopy; then NX_COMPAT is set and the result
# checked (scripts/pe-nx.sh, scripts/check-pe.sh), and signed if asked.
# Debian's gnu-efi: the host's for x86_64, downloaded for arm64.
GNUEFI_ARM64 := $(O)/debian/arm64/gnu-efi
$(GNUEFI_ARM64)/.stamp: | $(O)/.deps-build
	scripts/fetch-deb.sh arm64 gnu-efi $(GNUEFI_ARM64)
	@touch $@
ifeq ($(ARCH),x86_64)
GNUEFI := /usr
GNUEFI_STAMP :=
# the Microsoft ABI for firmware calls without wrappers
EFI_ARCH_CFLAGS := -DGNU_EFI_USE_MS_ABI -maccumulate-outgoing-args
EFI_ARCH_SRCS := arch/x86_64/cpu.c arch/x86_64/efi.c arch/x86_64/efi_cpu.c \
	arch/x86_64/entropy.c
# (libefi brings its own memcpy and memset, so no arch/x86_64/string.c)
EFI_CRT0 := $(GNUEFI)/lib/crt0-efi-x86_64.o
else
GNUEFI := $(GNUEFI_ARM64)/usr
GNUEFI_STAMP := $(GNUEFI_ARM64)/.stamp $(LIBFDT_ARM64)/.stamp
EFI_ARCH_CFLAGS := -I$(LIBFDT_ARM64)/usr/include
# gnu-efi's arm64 crt0 carries a hand-made PE header with no room for
# .sbat: our own entry, and objcopy writes the PE as on x86_64.
EFI_ARCH_SRCS := arch/aarch64/cpu.c arch/aarch64/el.S arch/aarch64/vectors.S arch/aarch64/efi.c \
	arch/efi/crt0-aarch64.S
EFI_CRT0 :=
EFI_LIBS := $(LIBFDT_A)
endif
# gnu-efi: -fpic (the firmware relocates the image), 2-byte wchar_t for
# CHAR16 strings
EFI_CFLAGS := $(filter-out -fno-pic -fno-pie -fpie,$(CFLAGS)) -fpic -fshort-wchar \
	-I$(GNUEFI)/include/efi -I$(GNUEFI)/include/efi/$(ARCH) $(EFI_ARCH_CFLAGS)
# EFI_HANDOFF=direct (the default) or stub; remembered like CMDLINE, so a
# change rebuilds what depends on it.
EFI_HANDOFF ?= direct
ifeq ($(filter $(EFI_HANDOFF),direct stub),)
$(error EFI_HANDOFF=$(EFI_HANDOFF): use direct or stub)
endif
ifneq ($(file <$(B)/efi-handoff.txt),$(EFI_HANDOFF))
$(file >$(B)/efi-handoff.txt,$(EFI_HANDOFF))
endif
# The hand-off's own file, with efi_main: arch/efi/direct.c or arch/efi/stub.c.
EFI_HANDOFF_SRCS_direct := arch/efi/direct.c
EFI_HANDOFF_SRCS_stub := arch/efi/stub.c
$(B)/shim.efi.so: $(B)/efi-handoff.txt

# remember FILE,VARIABLE: write the variable's value to FILE only when it
# differs (or FILE is missing), so that FILE's time says when the value
# last changed. Equal: each contains the other.
remember = $(if $(and $(wildcard $(1)),$(findstring x$(value $(2))x,x$(file <$(1))x),$\
	$(findstring x$(file <$(1))x,x$(value $(2))x)),,$(file >$(1),$(value $(2))))

# CMDLINE_ALLOW: the words UEFI load options may append to the embedded
# command line under Secure Boot (README, "Load options"), exact words and
# ^prefixes. Checked (scripts/cmdline-allow.sh) and embedded in .allow.
CMDLINE_ALLOW ?=
$(call remember,$(B)/cmdline-allow.txt,CMDLINE_ALLOW)
$(B)/cmdline-allow.bin: $(B)/cmdline-allow.txt scripts/cmdline-allow.sh
	scripts/cmdline-allow.sh $< $@
$(B)/obj-efi/arch/efi/allow.S.o: $(B)/cmdline-allow.bin
$(B)/obj-efi/arch/efi/allow.S.o: EFI_CFLAGS += -DCMDLINE_ALLOW_FILE='"$(B)/cmdline-allow.bin"'

# .sbat (rhboot shim's SBAT.md): the format line and bootshim's component
# line. SBAT_GENERATION goes up by one when a security fix must revoke the
# older binaries; SBAT_URL names where to learn about this build (a
# distributor sets theirs; the default names none).
BOOTSHIM_VERSION := $(shell sed -n 's/^\#define BOOTSHIM_VERSION "\(.*\)"$$/\1/p' shim/version.h)
SBAT_GENERATION ?= 1
SBAT_URL ?= https://bootshim.invalid/
ifeq ($(shell echo '$(SBAT_GENERATION)' | grep -Ex '[1-9][0-9]*'),)
$(error SBAT_GENERATION=$(SBAT_GENERATION): a positive decimal number)
endif
efi_comma := ,
ifneq ($(findstring $(efi_comma),$(SBAT_URL))$(findstring ",$(SBAT_URL)),)
$(error SBAT_URL=$(SBAT_URL): a CSV field, no comma or quote)
endif
define SBAT_CSV :=
sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md
bootshim,$(SBAT_GENERATION),bootshim,bootshim,$(BOOTSHIM_VERSION),$(SBAT_URL)
endef
$(call remember,$(B)/sbat.csv,SBAT_CSV)
$(B)/obj-efi/arch/efi/sbat.S.o: $(B)/sbat.csv
$(B)/obj-efi/arch/efi/sbat.S.o: EFI_CFLAGS += -DSBAT_FILE='"$(B)/sbat.csv"'

EFI_SRCS := $(CORE_SRCS) $(CORE_SRCS_$(ARCH)) shim/efi_memmap.c arch/efi/common.c \
	$(EFI_HANDOFF_SRCS_$(EFI_HANDOFF)) arch/efi/tcg2.c arch/efi/bli.c arch/efi/memattr.c \
	arch/efi/allow.c arch/efi/allow.S arch/efi/sbat.S $(EFI_ARCH_SRCS)
efiobjs = $(patsubst %,$(B)/obj-efi/%.o,$(1))

$(B)/obj-efi/%.c.o: %.c | $(O)/.deps-build $(GNUEFI_STAMP)
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj-efi/%.S.o: %.S | $(O)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj-efi/arch/payload.S.o: arch/payload.S $(B)/payload.stamp
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -DPAYLOAD_IN_RODATA -I$(B) -c -o $@ $<

# -z text: no relocation may patch code (the image's code pages stay
# read+execute while gnu-efi's _relocate runs).
EFI_LDS := arch/efi/elf_$(ARCH).lds
$(B)/shim.efi.so: $(call efiobjs,$(EFI_SRCS)) $(B)/obj-efi/arch/payload.S.o $(EFI_LDS)
	$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -z text -T $(EFI_LDS) \
		--no-warn-rwx-segments -L $(GNUEFI)/lib -o $@.tmp $(EFI_CRT0) $(filter %.o,$^) \
		$(EFI_LIBS) -lefi -lgnuefi
	@scripts/check-elf.sh efi $@.tmp
	@mv $@.tmp $@

# Signing: make SB_KEY=key.pem SB_CERT=cert.pem signs shim.efi with sbsign
# and checks it with sbverify against that certificate (the build fails if
# it does not verify); without them shim.efi stays unsigned. Remembered,
# so that adding or dropping them rebuilds shim.efi.
ifneq ($(if $(SB_KEY),1)$(if $(SB_CERT),1),$(if $(SB_KEY)$(SB_CERT),11))
$(error sign with both SB_KEY= and SB_CERT=, or neither)
endif
ifneq ($(SB_KEY),)
$(SB_KEY) $(SB_CERT):
	@echo "bootshim: error: SB_KEY/SB_CERT: $@: no such file" >&2; exit 1
endif
EFI_SIGN := $(abspath $(SB_KEY)) $(abspath $(SB_CERT))
$(call remember,$(B)/efi-sign.txt,EFI_SIGN)
EFI_PE_SECTIONS := .text .reloc .sbat .allow .data .dynamic .rela .dynsym
$(B)/shim.efi: $(B)/shim.efi.so $(B)/efi-sign.txt $(SB_KEY) $(SB_CERT) scripts/pe-nx.sh \
		scripts/check-pe.sh
	$(OBJCOPY) $(addprefix -j ,$(EFI_PE_SECTIONS)) --target efi-app-$(ARCH) --subsystem=10 \
		$< $@.tmp
	scripts/pe-nx.sh $@.tmp
	scripts/check-pe.sh $@.tmp
ifneq ($(SB_KEY),)
	sbsign --key $(SB_KEY) --cert $(SB_CERT) --output $@.signed $@.tmp
	sbverify --cert $(SB_CERT) $@.signed
	@mv $@.signed $@.tmp
endif
	@mv $@.tmp $@
	@echo "bootshim: wrote $@$(if $(SB_KEY), (signed with $(SB_CERT)))"

# A FAT image with the shim at the removable-media path, for a VM's disk
# or a USB stick.
EFI_BOOT_NAME_x86_64 := BOOTX64.EFI
EFI_BOOT_NAME_aarch64 := BOOTAA64.EFI
esp: $(B)/esp.img
$(B)/esp.img: $(B)/shim.efi scripts/mkesp.sh | $(O)/.deps-check
	scripts/mkesp.sh $< $(EFI_BOOT_NAME_$(ARCH)) $@

-include $(shell find $(B)/obj $(B)/obj-efi -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- guest
$(O)/guest/%/init: tests/guest/init.c | $(O)/.deps-build
	@mkdir -p $(@D)
	$(CROSS_$*)gcc -static -Os -Wall -Wextra -o $@ $<

.PRECIOUS: $(O)/guest/%/init
$(O)/guest/%/demo-initrd.cpio.gz: $(O)/guest/%/init tests/guest/mkinitrd.sh
	HELLO="Hello from the bootshim demo initrd: the kernel booted and ran /init." \
		tests/guest/mkinitrd.sh $@ $<

# ---------------------------------------------------------------- run
RUN_x86_64 := qemu-system-x86_64 -m 1G -nographic -no-reboot -device isa-debug-exit \
	-kernel $(B)/shim.elf
RUN_aarch64 := qemu-system-aarch64 -M virt -cpu max -m 1G -nographic -no-reboot \
	-semihosting-config enable=on,target=native -kernel $(B)/shim.img
RUN_ROM_x86_64 := qemu-system-x86_64 -m 1G -nographic -no-reboot -device isa-debug-exit \
	-bios $(B)/shim.rom
RUN_ROM_aarch64 := qemu-system-aarch64 -M virt -cpu max -m 1G -nographic -no-reboot \
	-semihosting-config enable=on,target=native -bios $(B)/shim.rom
run: $(SHIMS) | $(O)/.deps-run
	$(RUN_$(ARCH))

# The firmware flavour.
run-rom: $(SHIMS) | $(O)/.deps-run
	$(RUN_ROM_$(ARCH))

# ---------------------------------------------------------------- tests
# Unit tests and fuzzers (tests/tests.mk), QEMU boot tests (tests/boot/boot.mk).
include tests/tests.mk
include tests/boot/boot.mk

JOBS ?= $(shell nproc)
# -k: one failing test does not hide the others.
check: | $(O)/.deps-build $(O)/.deps-run $(O)/.deps-check
	@$(MAKE) --no-print-directory -k -j$(JOBS) check-unit check-fuzz check-boot check-bench
	@echo "bootshim: all tests passed"

# make bench itself, one boot per path on each architecture: it drives
# boot.py too, and must keep working when the harness changes. Its times
# are printed, never judged.
CHECK_BENCH := check-bench-x86_64 check-bench-aarch64
check-bench: $(CHECK_BENCH)
$(CHECK_BENCH): check-bench-%: | $(O)/.deps-build $(O)/.deps-run $(O)/.deps-check
	@$(MAKE) --no-print-directory ARCH=$* bench RUNS=1 >$(O)/bench-$*.log 2>&1 && \
		echo "PASS bench-$* (one boot per path: $(O)/bench-$*.log)" || \
		{ tail -n 30 $(O)/bench-$*.log; echo "FAIL bench-$*"; exit 1; }

# ---------------------------------------------------------------- bench
RUNS ?= 5
# The shim and its alternatives boot the same kernel, initrd and command line.
SDBOOT_ARM64 := $(O)/debian/arm64/systemd-boot-efi
$(SDBOOT_ARM64)/.stamp: | $(O)/.deps-build
	scripts/fetch-deb.sh arm64 systemd-boot-efi $(SDBOOT_ARM64)
	@touch $@
bench: $(SHIMS) $(if $(filter aarch64,$(ARCH)),$(SDBOOT_ARM64)/.stamp) | $(O)/.deps-run \
		$(O)/.deps-check
	python3 tests/bench/bench.py --arch $(ARCH) --runs $(RUNS) --shim $(firstword $(SHIMS)) \
		--kernel $(KERNEL_PAYLOAD) --initrd $(INITRD) --cmdline-file $(CMDLINE_TXT) \
		--arm64-stub $(SDBOOT_ARM64)/usr/lib/systemd/boot/efi/linuxaa64.efi.stub \
		--out $(O)/bench/$(ARCH)

clean:
	rm -rf $(O)

.PHONY: all run run-rom check check-bench $(CHECK_BENCH) bench clean esp
.DELETE_ON_ERROR:
