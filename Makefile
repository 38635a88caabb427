# bootshim — see README.md for what it is and how to use it.
#
#   make [ARCH=x86_64] [KERNEL=bzImage] [INITRD=initrd] [CMDLINE="..."] [O=build]
#   make run      boot the shim in QEMU, serial console on this terminal
#   make check    every test: unit, fuzz, QEMU boots (in parallel)
#   make bench    shim against QEMU's own direct kernel boot
#
# An architecture and a flavour are rows of two tables below ("arch rows",
# "flavour rows"); one template turns each flavour row into its rules.
# Adding an architecture or a flavour adds rows, not rules.

ARCH ?= x86_64
O ?= build
B := $(O)/$(ARCH)
# The host tools (bootshim, bootshim-pcr11) and Debian's downloads
# (kernels, foreign packages): in O unless named. The boot tests' builds,
# each in an O of its own, share the top build's (tests/boot/boot.mk).
HOST ?= $(O)/host
DOWNLOADS ?= $(O)

# ---------------------------------------------------------------- arch rows
# One row per architecture, a column being a variable NAME_<arch>:
#   DEBARCH      Debian's name for it (its packages, build/debian*/<debarch>)
#   DEBSUITE     the Debian suite its downloads come from: host (the host's
#                own package lists) or a suite name (a private list,
#                scripts/fetch-deb.sh and fetch-kernel.sh SUITE)
#   MULTIARCH    the GNU triplet Debian installs its libraries under
#   CROSS        the cross-compiler prefix (empty: the host's own)
#   CONSOLE      the kernel's serial console, for the default CMDLINE
#   FLAVOURS     its flavour rows; the first is make run's and pcr11.txt's
#   KERNEL_FORMAT  what the shim embeds: bzImage (KERNEL as given) or Image
#                (uncompressed, made by scripts/kernel-image.sh)
#   DEFAULT_KERNEL Debian's kernel embedded when KERNEL= is not given
#   DEBS         Debian packages it builds against that are downloaded for
#                DEBARCH (not installed: a foreign arch's libraries cannot
#                sit beside the host's) into build/debian*/<debarch>/;
#                libfdt-dev, gnu-efi and libssl-dev not named here are the
#                host's own (scripts/deps.sh installs them)
#   BENCH_DEBS   the same, for make bench only
#   SHA256_OBJS  OpenSSL's SHA-256 objects taken from its libcrypto.a
#   CORE_SRCS    its part of the core, in every flavour (arch/<arch>/sha256_cpu.c:
#                the CPU side of OpenSSL's SHA-256)
#   BARE_SRCS    its bare-metal code, in every flavour but UEFI
#   PURE_SRCS    its sources the host builds too (tools, unit tests, fuzzers)
#   NOFP         its flag keeping the compiler off FP/SIMD registers
#   FREESTANDING its own freestanding compiler flags (see "shim")
#   EFI_CFLAGS   its own flags for the UEFI build
#   EFI_BOOT_NAME the removable-media file name (\EFI\BOOT\...)
#   QEMU         the QEMU command make run and run-rom start the shim with
#   PKGS_build, PKGS_run, PKGS_check  its own Debian packages in each of
#                scripts/deps.sh's sets (its cross compiler, QEMU, firmware)
ARCHES := x86_64 aarch64 riscv64

DEBARCH_x86_64 := amd64
DEBSUITE_x86_64 := host
MULTIARCH_x86_64 := x86_64-linux-gnu
CROSS_x86_64 :=
CONSOLE_x86_64 := ttyS0
FLAVOURS_x86_64 := elf rom efi
KERNEL_FORMAT_x86_64 := bzImage
DEFAULT_KERNEL_x86_64 := $(DOWNLOADS)/debian/amd64/vmlinuz-cloud
DEBS_x86_64 :=
BENCH_DEBS_x86_64 :=
SHA256_OBJS_x86_64 := libcrypto-lib-sha256.o libcrypto-lib-sha256-x86_64.o
CORE_SRCS_x86_64 := shim/linux_x86_64.c shim/x86_64_boot.c shim/pvh.c arch/x86_64/sha256_cpu.c
# (arch/x86_64/tpm.c: the PC Client TPM, for both bare-metal entries)
BARE_SRCS_x86_64 := arch/x86_64/cpu.c arch/x86_64/bare.c arch/x86_64/long_mode.S \
	arch/x86_64/string.c arch/x86_64/exceptions.S arch/x86_64/exceptions.c \
	arch/x86_64/idmap.c arch/x86_64/entropy.c arch/x86_64/tpm.c
PURE_SRCS_x86_64 := shim/x86_64_boot.c shim/pvh.c arch/x86_64/fwlog.c arch/x86_64/mtrr.c \
	arch/x86_64/mptable.c
NOFP_x86_64 := -mgeneral-regs-only
# linked at fixed physical addresses
FREESTANDING_x86_64 := -fno-pic -fno-pie
# an exception or NMI handler must not clobber locals below %rsp
FREESTANDING_x86_64 += -mno-red-zone
# the Microsoft ABI for firmware calls without wrappers
EFI_CFLAGS_x86_64 := -DGNU_EFI_USE_MS_ABI -maccumulate-outgoing-args
EFI_BOOT_NAME_x86_64 := BOOTX64.EFI
QEMU_x86_64 := qemu-system-x86_64 -m 1G -nographic -no-reboot -device isa-debug-exit
PKGS_build_x86_64 :=
PKGS_run_x86_64 := qemu-system-x86
PKGS_check_x86_64 := ovmf

DEBARCH_aarch64 := arm64
DEBSUITE_aarch64 := host
MULTIARCH_aarch64 := aarch64-linux-gnu
CROSS_aarch64 := aarch64-linux-gnu-
CONSOLE_aarch64 := ttyAMA0
FLAVOURS_aarch64 := img rom efi
# Debian's vmlinuz (12 and 13) is an Image already, with its EFI stub (not
# an EFI zboot image); an Image.gz is decompressed.
KERNEL_FORMAT_aarch64 := Image
DEFAULT_KERNEL_aarch64 := $(DOWNLOADS)/debian/arm64/vmlinuz-cloud
DEBS_aarch64 := libfdt-dev gnu-efi libssl-dev
# the kernel's EFI stub (systemd-stub) bench.py boots through
BENCH_DEBS_aarch64 := systemd-boot-efi
# with the ARMv8 SHA-2 instructions
SHA256_OBJS_aarch64 := libcrypto-lib-sha256.o libcrypto-lib-sha256-armv8.o
CORE_SRCS_aarch64 := shim/linux_aarch64.c shim/linux_dt.c shim/aarch64_image.c shim/fdt.c arch/aarch64/sha256_cpu.c
BARE_SRCS_aarch64 := arch/aarch64/cpu.c arch/aarch64/bare.c arch/aarch64/vectors.S \
	arch/aarch64/el.S arch/aarch64/dcache.c arch/aarch64/tpm.c
PURE_SRCS_aarch64 := shim/aarch64_image.c shim/fdt.c arch/aarch64/dcache.c arch/aarch64/el3.c \
	arch/aarch64/psci.c
NOFP_aarch64 := -mgeneral-regs-only
# loaded at any 2 MiB boundary, so position-independent
FREESTANDING_aarch64 := -fpie
# the MMU is off, all data accesses are Device memory, where an unaligned
# access faults
FREESTANDING_aarch64 += -mstrict-align
EFI_CFLAGS_aarch64 :=
EFI_BOOT_NAME_aarch64 := BOOTAA64.EFI
QEMU_aarch64 := qemu-system-aarch64 -M virt -cpu max -m 1G -nographic -no-reboot \
	-semihosting-config enable=on,target=native
PKGS_build_aarch64 := gcc-aarch64-linux-gnu libc6-dev-arm64-cross
PKGS_run_aarch64 := qemu-system-arm
# AAVMF for shim.efi, U-Boot for booti
PKGS_check_aarch64 := qemu-efi-aarch64 u-boot-qemu

# riscv64: Debian 13's kernel and libraries (trixie: Debian 12 has no
# riscv64 release), built with Debian 12's cross compiler.
DEBARCH_riscv64 := riscv64
DEBSUITE_riscv64 := trixie
MULTIARCH_riscv64 := riscv64-linux-gnu
CROSS_riscv64 := riscv64-linux-gnu-
CONSOLE_riscv64 := ttyS0
FLAVOURS_riscv64 := img rom efi
# Debian 13's package holds an uncompressed Image (with its EFI stub) as
# /boot/vmlinux-*; scripts/fetch-kernel.sh names it vmlinuz-generic.
KERNEL_FORMAT_riscv64 := Image
DEFAULT_KERNEL_riscv64 := $(DOWNLOADS)/debian13/riscv64/vmlinuz-generic
DEBS_riscv64 := libfdt-dev libssl-dev gnu-efi
BENCH_DEBS_riscv64 :=
# OpenSSL 3.5's C part and block function, its dispatcher (sha_riscv.o,
# which dispatches SHA-512 too, so sha512.o comes along) and the vector
# crypto block functions it names (arch/riscv64/sha256_cpu.c)
SHA256_OBJS_riscv64 := libcrypto-lib-sha256.o libcrypto-lib-sha_riscv.o \
	libcrypto-lib-sha256-riscv64-zvkb-zvknha_or_zvknhb.o libcrypto-lib-sha512.o \
	libcrypto-lib-sha512-riscv64-zvkb-zvknhb.o
CORE_SRCS_riscv64 := shim/linux_riscv64.c shim/linux_dt.c shim/riscv64_image.c shim/fdt.c \
	arch/riscv64/sha256_cpu.c
# (cpu.c: the time and seed CSRs, the trap report and the hand-off, for
# shim.img in S-mode and shim.rom in M-mode alike; each entry gives the
# mode's own riscv64_seed_csr and riscv64_jump_to_kernel)
BARE_SRCS_riscv64 := arch/riscv64/dt.c arch/riscv64/cpu.c
PURE_SRCS_riscv64 := shim/riscv64_image.c arch/riscv64/dt.c
# None: GCC has no -mgeneral-regs-only for RISC-V, and Debian's libfdt.a
# and libcrypto objects are built for rv64gc's lp64d ABI, which ld refuses
# to mix with soft-float code; the entry turns the FP unit on
# (sstatus.FS) and the hand-off turns it off again.
NOFP_riscv64 :=
# loaded at any 2 MiB boundary, so position-independent, with addresses
# formed PC-relative wherever it runs
FREESTANDING_riscv64 := -fpie -mcmodel=medany
# Debian's rv64gc baseline and its lp64d ABI (see NOFP); Zicsr and
# Zifencei named, as GCC 12 wants them for csr* and fence.i
FREESTANDING_riscv64 += -march=rv64imafdc_zicsr_zifencei -mabi=lp64d
EFI_CFLAGS_riscv64 :=
EFI_BOOT_NAME_riscv64 := BOOTRISCV64.EFI
# under QEMU's bundled OpenSBI (-bios default)
QEMU_riscv64 := qemu-system-riscv64 -M virt -m 1G -nographic -no-reboot
# (opensbi: the fw_dynamic shim.rom embeds)
PKGS_build_riscv64 := gcc-riscv64-linux-gnu libc6-dev-riscv64-cross opensbi
PKGS_run_riscv64 := qemu-system-misc
# U-Boot (qemu-riscv64_smode) for booti
PKGS_check_riscv64 := u-boot-qemu

empty :=
space := $(empty) $(empty)
ifeq ($(filter $(ARCH),$(ARCHES)),)
$(error ARCH=$(ARCH) is not supported; use $(subst $(space), or ,$(addprefix ARCH=,$(ARCHES))))
endif
DEBARCH := $(DEBARCH_$(ARCH))
CROSS := $(CROSS_$(ARCH))
CONSOLE := $(CONSOLE_$(ARCH))

# Where each suite's downloads go (build/debian13: Debian 13, trixie).
DEBIAN_SUITES := host trixie
DEBIAN_DIR_host := debian
DEBIAN_DIR_trixie := debian13
# debroot_of ARCH,PACKAGE: where a package's files are rooted for ARCH,
# empty for the host's own; debroot PACKAGE: the same for this ARCH;
# debstamp PACKAGE: what to depend on for a downloaded one.
debroot_of = $(if $(filter $(2),$(DEBS_$(1)) $(BENCH_DEBS_$(1))),$\
	$(DOWNLOADS)/$(DEBIAN_DIR_$(DEBSUITE_$(1)))/$(DEBARCH_$(1))/$(patsubst %-dev,%,$(2)))
debroot = $(call debroot_of,$(ARCH),$(1))
debstamp = $(if $(call debroot,$(1)),$(call debroot,$(1))/.stamp)

# The default payload: Debian's cloud kernel, fetched with apt-get download,
# and the project's demo initrd (tests/guest).
DEFAULT_KERNEL := $(DEFAULT_KERNEL_$(ARCH))
DEFAULT_INITRD := $(O)/guest/$(ARCH)/demo-initrd.cpio.gz
KERNEL ?= $(DEFAULT_KERNEL)
INITRD ?= $(DEFAULT_INITRD)
# Simply expanded, so that $(value CMDLINE) below sees the text itself.
ifeq ($(origin CMDLINE),undefined)
CMDLINE := console=$(CONSOLE) panic=-1
endif

# The shims, one per flavour row: the template below adds each to SHIMS,
# and all takes them after it.
SHIMS :=
all: $(B)/pcr11.txt $(B)/pcr11.checked

# ---------------------------------------------------------------- deps
# Install missing Debian packages once per set (scripts/deps.sh), with
# every arch's own.
$(O)/.deps-%:
	@scripts/deps.sh $* $(sort $(foreach a,$(ARCHES),$(PKGS_$*_$(a))))
	@mkdir -p $(O) && touch $@

# Debian packages downloaded for each arch (DEBS, BENCH_DEBS);
# DEB_STAMPS: every arch's DEBS, which the boot tests fetch once for all
# their builds.
define deb_rule
$(call debroot_of,$(1),$(2))/.stamp: | $(O)/.deps-build
	scripts/fetch-deb.sh $(DEBARCH_$(1)) $(2) $(call debroot_of,$(1),$(2)) $\
		$(filter-out host,$(DEBSUITE_$(1)))
	@touch $$@
endef
$(foreach a,$(ARCHES),$(foreach p,$(DEBS_$(a)) $(BENCH_DEBS_$(a)),$\
	$(eval $(call deb_rule,$(a),$(p)))))
DEB_STAMPS := $(foreach a,$(ARCHES),$(foreach p,$(DEBS_$(a)),$(call debroot_of,$(a),$(p))/.stamp))

# Debian's kernels, each arch's from each suite (build/debian13: Debian
# 13's, for the boot tests beside Debian 12's).
define kernel_rule
$(DOWNLOADS)/$(DEBIAN_DIR_$(2))/$(1)/vmlinuz-%: | $(O)/.deps-build
	@mkdir -p $$(@D)
	scripts/fetch-kernel.sh $(1) $$* $$@ $(filter-out host,$(2))
endef
$(foreach a,$(ARCHES),$(foreach s,$(DEBIAN_SUITES),$\
	$(eval $(call kernel_rule,$(DEBARCH_$(a)),$(s)))))

# ---------------------------------------------------------------- payload
# remember FILE,VARIABLE: a rule that keeps FILE holding the variable's
# text as typed ($(value): '$' and quotes stay), rewritten only when it
# differs, so that FILE's time says when the value last changed and what
# depends on FILE rebuilds then. It runs on every make (FORCE) but only as
# a recipe: nothing is written while make parses, nor under make -n. The
# value reaches the shell through the environment: no shell quoting.
define remember
$(1): export BOOTSHIM_REMEMBER = $$(value $(2))
$(1): FORCE | $(dir $(1))
	@printf '%s\n' "$$$$BOOTSHIM_REMEMBER" >$$@.tmp
	@if cmp -s $$@.tmp $$@; then rm $$@.tmp; else mv $$@.tmp $$@; fi
endef
FORCE:
$(B)/:
	@mkdir -p $@

# CMDLINE goes to bootshim pack through a remembered file: no shell
# quoting, and $(value) keeps '$' as typed.
CMDLINE_TXT := $(B)/cmdline.txt
$(eval $(call remember,$(CMDLINE_TXT),CMDLINE))
# Which files are embedded, remembered the same way: naming another file
# rebuilds even when it is older than the last build.
PAYLOAD_FILES_TXT := $(B)/payload-files.txt
PAYLOAD_FILES := $(abspath $(KERNEL) $(INITRD) $(DTB))
$(eval $(call remember,$(PAYLOAD_FILES_TXT),PAYLOAD_FILES))

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

ifeq ($(KERNEL_FORMAT_$(ARCH)),Image)
KERNEL_PAYLOAD := $(B)/Image
$(B)/Image: $(KERNEL) $(PAYLOAD_FILES_TXT)
	scripts/kernel-image.sh $< $@
else
KERNEL_PAYLOAD := $(KERNEL)
endif

# SHA-256 from Debian's OpenSSL (shim/openssl_sha256.h): two objects taken
# with ar x from libssl-dev's libcrypto.a, the C part (SHA256_Init/Update/
# Final) and the arch's block function, linked into every flavour as they
# are. The host's libcrypto.a gives the same objects to tools and tests.
LIBCRYPTO := $(call debroot,libssl-dev)/usr/lib/$(MULTIARCH_$(ARCH))/libcrypto.a
SHA256_OBJS := $(addprefix $(B)/openssl/,$(SHA256_OBJS_$(ARCH)))
# (the grouped target &: needs make 4.3, Debian 12 has 4.3)
$(SHA256_OBJS) &: $(call debstamp,libssl-dev) | $(O)/.deps-build
	@mkdir -p $(B)/openssl
	cd $(B)/openssl && ar x $(abspath $(LIBCRYPTO)) $(SHA256_OBJS_$(ARCH))
	@touch $(SHA256_OBJS)

# ---------------------------------------------------------------- host
# Every compile's warnings: the shim's, the UEFI build's, the host tools',
# the unit tests' and the fuzzers'.
WARNINGS := -Wall -Wextra -Werror -Wmissing-prototypes -Wmissing-declarations
# Quoted includes by name: the core, the arch directories (the host builds
# every arch's pure code, so it names them arch/<arch>/x.h), UEFI, tools.
HOST_IQUOTE := -iquote shim -iquote arch -iquote arch/efi -iquote tools

# This machine (an x86_64 Debian) builds the tools and tests.
HOST_ARCH := x86_64
HOST_SHA256_OBJS := $(addprefix $(HOST)/openssl/,$(SHA256_OBJS_$(HOST_ARCH)))
$(HOST_SHA256_OBJS) &: | $(O)/.deps-build
	@mkdir -p $(HOST)/openssl
	cd $(HOST)/openssl && ar x /usr/lib/$(MULTIARCH_$(HOST_ARCH))/libcrypto.a \
		$(SHA256_OBJS_$(HOST_ARCH))
	@touch $(HOST_SHA256_OBJS)

# The pure core: the sources that need no machine, firmware or console
# (only libc's string functions, libfdt and OpenSSL's SHA-256 objects),
# so that the host tools, the unit tests (tests/unit/unit.mk) and the
# fuzzers (tests/fuzz/fuzz.mk) build the very code the shim runs; each
# arch adds its own (PURE_SRCS, a column of its row).
PURE_SRCS := shim/error.c shim/fmt.c shim/memmap.c shim/place.c shim/efi_memmap.c shim/fw_cfg.c \
	shim/measure.c shim/sha256.c shim/tpm2.c shim/tpm_tis.c shim/tcg_log.c \
	$(foreach a,$(ARCHES),$(PURE_SRCS_$(a)))
# On the host: shim/sha256_host.c is the CPU side of shim/sha256.c, with
# OpenSSL's objects from the host's libcrypto.a, and the host's libfdt
# (libfdt-dev, the same dtc release the shim links).
HOST_PURE_SRCS := $(PURE_SRCS) shim/sha256_host.c
HOST_PURE_OBJS := $(HOST_SHA256_OBJS)
HOST_PURE_LIBS := -lfdt

HOSTCC := gcc
HOSTCFLAGS := -O2 -g $(WARNINGS) -std=gnu11 $(HOST_IQUOTE)
HOST_DEPS := $(HOST_PURE_SRCS) $(HOST_PURE_OBJS) $(wildcard shim/*.h arch/*/*.h tools/*.h)

# The PCR 11 prediction (tools/pcr11.c) with the shim's own measure.c and
# OpenSSL objects: from any built shim, through its payload index.
$(HOST)/bootshim-pcr11: tools/pcr11.c tools/shim_image.c $(HOST_DEPS) | $(O)/.deps-build
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ tools/pcr11.c tools/shim_image.c $(HOST_PURE_SRCS) \
		$(HOST_PURE_OBJS) $(HOST_PURE_LIBS)

# bootshim: the host command (tools/bootshim.c): bootshim pack puts a
# payload into a payload-free stub (tools/pack*.c, checked by the shim's
# own parsers, tools/payload_check.c), bootshim inspect says what a shim
# carries (tools/inspect.c). Its default stub directory is the installed
# one, $(PREFIX)/lib/bootshim.
PREFIX ?= /usr/local
BOOTSHIM_SRCS := tools/bootshim.c tools/pack.c tools/pack_elf.c tools/pack_pe.c \
	tools/payload_check.c tools/inspect.c tools/shim_image.c
$(HOST)/bootshim: $(BOOTSHIM_SRCS) $(HOST_DEPS) | $(O)/.deps-build
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -DBOOTSHIM_STUBS_DIR='"$(PREFIX)/lib/bootshim"' -o $@ \
		$(BOOTSHIM_SRCS) $(HOST_PURE_SRCS) $(HOST_PURE_OBJS) $(HOST_PURE_LIBS)

# The bench's instruction counter, a QEMU TCG plugin (tests/bench/count.py
# runs it): a shared object QEMU dlopen()s, exporting only its entry points.
$(HOST)/insn_count.so: tests/bench/insn_count.c | $(O)/.deps-build
	@mkdir -p $(@D)
	$(HOSTCC) -O2 -g $(WARNINGS) -std=gnu11 -shared -fPIC -fvisibility=hidden -o $@ $<

# The stubs link with an empty payload: the linker scripts' payload.ld is
# linker/payload-stub.ld's neutral values.
$(B)/payload.ld: linker/payload-stub.ld | $(B)/
	cp $< $@

# ---------------------------------------------------------------- shim
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
# Freestanding flags, each with its reason (the arch's own are in its row):
# no hosted libc; only the compiler's own headers
FREESTANDING := -ffreestanding
# our own code needs no canary (libfdt.a brings its own; shim/console.c
# gives it a guard)
FREESTANDING += -fno-stack-protector
# no FP/SIMD in the shim's code: x86 has CR4.OSFXSR off at PVH entry, and
# nothing must leave FP state behind for the kernel (the flag that says so
# is the arch's own: NOFP, a column of its row)
FREESTANDING += $(NOFP_$(ARCH))
# no .eh_frame: nothing unwinds
FREESTANDING += -fno-asynchronous-unwind-tables
# one definition per variable
FREESTANDING += -fno-common
# firmware structures are read through casts
FREESTANDING += -fno-strict-aliasing

# libfdt (the DTB arches' shim/fdt.c): Debian's, downloaded for the cross
# build where DEBS names it (its headers then come from there too).
LIBFDT_A := $(call debroot,libfdt-dev)/usr/lib/$(MULTIARCH_$(ARCH))/libfdt.a
LIBFDT_CFLAGS := $(if $(call debroot,libfdt-dev),-I$(call debroot,libfdt-dev)/usr/include)
# gnu-efi: Debian's, the host's or downloaded.
GNUEFI := $(call debroot,gnu-efi)/usr

# Measured boot (shim/measure.h) is core: every flavour, UEFI too.
MEASURE_SRCS := shim/measure.c shim/sha256.c shim/tpm2.c shim/tpm_tis.c shim/tcg_log.c \
	shim/tpm_measure.c
CORE_SRCS := shim/boot.c shim/console.c shim/error.c shim/fmt.c shim/lib.c \
	shim/memmap.c shim/payload.c shim/place.c shim/measure_boot.c $(MEASURE_SRCS)

# Two ways a shim runs, each with its own objects (ENV, a column of the
# flavour rows): bare, owning the machine (PVH, Image, firmware), and efi,
# a UEFI application. Columns: OBJDIR, CFLAGS, SRCS (before the row's
# own), LDFLAGS, LIBS (after the row's own), STAMPS (downloads its
# compiles need).
ENVS := bare efi

IQUOTE := -iquote shim -iquote arch/$(ARCH) -iquote arch/efi
OBJDIR_bare := obj
CFLAGS_bare := -O2 -g -std=gnu11 $(WARNINGS) $(FREESTANDING) $(FREESTANDING_$(ARCH)) \
	$(LIBFDT_CFLAGS) $(IQUOTE)
SRCS_bare := $(CORE_SRCS) $(CORE_SRCS_$(ARCH)) $(BARE_SRCS_$(ARCH))
LDFLAGS_bare := -nostdlib -z max-page-size=4096 -z noexecstack --no-dynamic-linker -L $(B)
LIBS_bare :=
STAMPS_bare := $(call debstamp,libfdt-dev)

# EFI_HANDOFF=direct (the default) or stub: each hand-off's source (each
# defines efi_main); remembered like CMDLINE, so a change relinks.
EFI_HANDOFF ?= direct
EFI_HANDOFFS := direct stub
EFI_HANDOFF_SRCS_direct := arch/efi/direct.c
EFI_HANDOFF_SRCS_stub := arch/efi/stub.c
ifeq ($(filter $(EFI_HANDOFF),$(EFI_HANDOFFS)),)
$(error EFI_HANDOFF=$(EFI_HANDOFF): use $(subst $(space), or ,$(EFI_HANDOFFS)))
endif
$(eval $(call remember,$(B)/efi-handoff.txt,EFI_HANDOFF))

# efi: the same core, built position-independent for gnu-efi, linked as a
# shared object with the project's own linker script (arch/efi/elf_<arch>.lds:
# 4 KiB sections, W^X, .sbat, .allow) and converted to PE/COFF (POST pe).
OBJDIR_efi := obj-efi
# gnu-efi: -fpic (the firmware relocates the image), 2-byte wchar_t for
# CHAR16 strings
CFLAGS_efi := $(filter-out -fno-pic -fno-pie -fpie,$(CFLAGS_bare)) -fpic -fshort-wchar \
	-I$(GNUEFI)/include/efi -I$(GNUEFI)/include/efi/$(ARCH) $(EFI_CFLAGS_$(ARCH))
SRCS_efi := $(CORE_SRCS) $(CORE_SRCS_$(ARCH)) shim/efi_memmap.c arch/efi/common.c \
	$(EFI_HANDOFF_SRCS_$(EFI_HANDOFF)) arch/efi/tcg2.c arch/efi/bli.c arch/efi/memattr.c \
	arch/efi/allow.c arch/efi/allow.S arch/efi/sbat.S
# -z text: no relocation may patch code (the image's code pages stay
# read+execute while gnu-efi's _relocate runs).
LDFLAGS_efi := -nostdlib -znocombreloc -shared -Bsymbolic -z text -L $(GNUEFI)/lib
LIBS_efi := -lefi -lgnuefi
STAMPS_efi := $(call debstamp,gnu-efi) $(call debstamp,libfdt-dev)

# objs ENV,SOURCES: their objects
objs = $(patsubst %,$(B)/$(OBJDIR_$(1))/%.o,$(2))

define env_rules
$(B)/$(OBJDIR_$(1))/%.c.o: %.c | $(O)/.deps-build $(STAMPS_$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_$(1)) -MMD -MP -c -o $$@ $$<
$(B)/$(OBJDIR_$(1))/%.S.o: %.S | $(O)/.deps-build $(STAMPS_$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_$(1)) -MMD -MP -c -o $$@ $$<
-include $$(shell find $(B)/$(OBJDIR_$(1)) -name '*.d' 2>/dev/null)
endef
$(foreach e,$(ENVS),$(eval $(call env_rules,$(e))))

# What the UEFI build embeds: CMDLINE_ALLOW and .sbat.

# CMDLINE_ALLOW: the words UEFI load options may append to the embedded
# command line under Secure Boot (README, "Load options"), exact words and
# ^prefixes. Checked and written into .allow by bootshim pack
# (--cmdline-allow): the stub's .allow is a page of zeros, room for the
# words and their NUL (arch/efi/allow.S, which adds the page's last NUL).
CMDLINE_ALLOW ?=
$(eval $(call remember,$(B)/cmdline-allow.txt,CMDLINE_ALLOW))
ALLOW_ROOM := 4095
$(B)/allow-room.bin: | $(B)/
	head -c $(ALLOW_ROOM) /dev/zero >$@
$(B)/obj-efi/arch/efi/allow.S.o: $(B)/allow-room.bin
$(B)/obj-efi/arch/efi/allow.S.o: CFLAGS_efi += -DCMDLINE_ALLOW_FILE='"$(B)/allow-room.bin"'

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
$(eval $(call remember,$(B)/sbat.csv,SBAT_CSV))
$(B)/obj-efi/arch/efi/sbat.S.o: $(B)/sbat.csv
$(B)/obj-efi/arch/efi/sbat.S.o: CFLAGS_efi += -DSBAT_FILE='"$(B)/sbat.csv"'

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
$(eval $(call remember,$(B)/efi-sign.txt,EFI_SIGN))

# ---------------------------------------------------------------- flavour rows
# One row per arch and flavour, a column being a variable NAME_<arch>_<flavour>:
#   OUT      the shim's file name in $(B)
#   ENV      whose objects it links: bare or efi (above)
#   SRCS     its entry sources, linked after the ENV's
#   CRT0     an object linked first (gnu-efi's start-up code)
#   LDS      its linker script
#   LDFLAGS  its link flags, after the ENV's
#   LIBS     linked after its objects, before the ENV's
#   CHECK    scripts/check-elf.sh's kind, run on the linked ELF
#   POST     the post-link step (below): empty (the ELF is the shim), binary
#            (objcopy -O binary) or pe (PE/COFF, checked, signed if asked)
#   SECTIONS the sections POST keeps (binary: all when empty)
#   RUN      how QEMU takes it (make run, run-rom), empty: not run so

# x86_64 elf: PVH, started by a VMM from its ELF note (PVH: the previous
# firmware's event log, arch/x86_64/fwlog.c, to append to).
OUT_x86_64_elf := shim.elf
ENV_x86_64_elf := bare
SRCS_x86_64_elf := arch/x86_64/pvh_entry.S arch/x86_64/pvh.c arch/x86_64/fwlog.c
CRT0_x86_64_elf :=
LDS_x86_64_elf := linker/x86_64-pvh.ld
LDFLAGS_x86_64_elf := -static
LIBS_x86_64_elf :=
CHECK_x86_64_elf := pvh
POST_x86_64_elf :=
SECTIONS_x86_64_elf :=
RUN_x86_64_elf := -kernel
# x86_64 rom: the machine's firmware (-bios); only what the flash holds,
# not .bss, which lives in RAM.
OUT_x86_64_rom := shim.rom
ENV_x86_64_rom := bare
SRCS_x86_64_rom := arch/x86_64/rom_entry.S arch/x86_64/rom.c arch/x86_64/fw_cfg_io.c \
	shim/fw_cfg.c arch/x86_64/mtrr.c arch/x86_64/mptable.c
CRT0_x86_64_rom :=
LDS_x86_64_rom := linker/x86_64-rom.ld
LDFLAGS_x86_64_rom := -static
LIBS_x86_64_rom :=
CHECK_x86_64_rom := rom
POST_x86_64_rom := binary
SECTIONS_x86_64_rom := .text .text16 .rodata .data .reset '.payload.*'
RUN_x86_64_rom := -bios
# x86_64 efi: the payload copy with rep movs, as in the bare flavours
# (arch/x86_64/string.c; libefi's byte-wise memcpy stays out because the
# shim does not call its InitializeLib, arch/efi/common.c).
OUT_x86_64_efi := shim.efi
ENV_x86_64_efi := efi
SRCS_x86_64_efi := arch/x86_64/cpu.c arch/x86_64/efi.c arch/x86_64/efi_cpu.c arch/x86_64/entropy.c \
	arch/x86_64/string.c
CRT0_x86_64_efi := $(GNUEFI)/lib/crt0-efi-x86_64.o
LDS_x86_64_efi := arch/efi/elf_x86_64.lds
LDFLAGS_x86_64_efi := --no-warn-rwx-segments
LIBS_x86_64_efi :=
CHECK_x86_64_efi := efi
POST_x86_64_efi := pe
SECTIONS_x86_64_efi := .text .reloc .sbat .allow .data .dynamic .rela .dynsym .payload
RUN_x86_64_efi :=

# aarch64 img: a Linux Image, booted as a kernel (-kernel, booti).
OUT_aarch64_img := shim.img
ENV_aarch64_img := bare
SRCS_aarch64_img := arch/aarch64/img_entry.S arch/aarch64/img.c
CRT0_aarch64_img :=
LDS_aarch64_img := linker/aarch64-img.ld
LDFLAGS_aarch64_img := -pie -z text --no-warn-rwx-segments
LIBS_aarch64_img := $(LIBFDT_A)
CHECK_aarch64_img := img
POST_aarch64_img := binary
SECTIONS_aarch64_img :=
RUN_aarch64_img := -kernel
# aarch64 rom: the same objects as shim.img (position-independent code runs
# anywhere), linked to execute in place from flash (-bios), at EL3 the PSCI
# firmware.
OUT_aarch64_rom := shim.rom
ENV_aarch64_rom := bare
SRCS_aarch64_rom := arch/aarch64/rom_entry.S arch/aarch64/rom.c arch/aarch64/mmu.c \
	arch/aarch64/gic.c arch/aarch64/el3.c arch/aarch64/psci.c arch/aarch64/psci_rt.c \
	arch/aarch64/psci_entry.S
CRT0_aarch64_rom :=
LDS_aarch64_rom := linker/aarch64-rom.ld
LDFLAGS_aarch64_rom := -static --no-warn-rwx-segments
LIBS_aarch64_rom := $(LIBFDT_A)
CHECK_aarch64_rom := rom
POST_aarch64_rom := binary
SECTIONS_aarch64_rom := .text .text16 .rodata .data .reset '.payload.*'
RUN_aarch64_rom := -bios
# aarch64 efi: gnu-efi's arm64 crt0 carries a hand-made PE header with no
# room for .sbat: our own entry (arch/efi/crt0-aarch64.S), and objcopy
# writes the PE as on x86_64.
OUT_aarch64_efi := shim.efi
ENV_aarch64_efi := efi
SRCS_aarch64_efi := arch/aarch64/cpu.c arch/aarch64/el.S arch/aarch64/vectors.S \
	arch/aarch64/efi.c arch/efi/crt0-aarch64.S
CRT0_aarch64_efi :=
LDS_aarch64_efi := arch/efi/elf_aarch64.lds
LDFLAGS_aarch64_efi := --no-warn-rwx-segments
LIBS_aarch64_efi := $(LIBFDT_A)
CHECK_aarch64_efi := efi
POST_aarch64_efi := pe
SECTIONS_aarch64_efi := .text .reloc .sbat .allow .data .dynamic .rela .dynsym .payload
RUN_aarch64_efi :=

# riscv64 img: a Linux Image, booted as a kernel in S-mode (QEMU -kernel
# under its OpenSBI, U-Boot booti).
OUT_riscv64_img := shim.img
ENV_riscv64_img := bare
SRCS_riscv64_img := arch/riscv64/img_entry.S arch/riscv64/img.c arch/riscv64/sbi.c \
	arch/riscv64/smode.S arch/riscv64/rom_dt.c arch/riscv64/rom_uart.c
CRT0_riscv64_img :=
LDS_riscv64_img := linker/riscv64-img.ld
LDFLAGS_riscv64_img := -pie -z text --no-warn-rwx-segments
LIBS_riscv64_img := $(LIBFDT_A)
CHECK_riscv64_img := img
POST_riscv64_img := binary
SECTIONS_riscv64_img :=
RUN_riscv64_img := -kernel
# riscv64 efi: Debian 13's gnu-efi (3.0.18) for libefi and _relocate;
# Debian 12's binutils has no riscv64 PE target, so the PE header is our
# own (arch/efi/crt0-riscv64.S, with the sections the other arches have)
# and the image is copied out flat (POST flatpe).
OUT_riscv64_efi := shim.efi
ENV_riscv64_efi := efi
SRCS_riscv64_efi := arch/riscv64/cpu.c arch/riscv64/dt.c arch/riscv64/efi.c \
	arch/riscv64/smode.S arch/efi/crt0-riscv64.S
CRT0_riscv64_efi :=
LDS_riscv64_efi := arch/efi/elf_riscv64.lds
LDFLAGS_riscv64_efi := --no-warn-rwx-segments
LIBS_riscv64_efi := $(LIBFDT_A)
CHECK_riscv64_efi := efi
POST_riscv64_efi := flatpe
SECTIONS_riscv64_efi := .head .text .reloc .sbat .allow .data .dynamic .rela .payload
RUN_riscv64_efi :=

# riscv64 rom: the first code of -M virt (-bios), in M-mode, linked where
# QEMU loads it (0x80000000), with OpenSBI's fw_dynamic embedded to give
# the kernel its SBI (arch/riscv64/rom*.c, linker/riscv64-rom.ld). The
# OpenSBI ELF (OPENSBI=, Debian 12's opensbi package by default) is data
# in arch/riscv64/rom_blob.S, checked again at boot; a change of OPENSBI=
# rebuilds it, as CMDLINE does the payload.
OPENSBI ?= /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf
OUT_riscv64_rom := shim.rom
ENV_riscv64_rom := bare
SRCS_riscv64_rom := arch/riscv64/rom_entry.S arch/riscv64/rom.c arch/riscv64/rom_dt.c \
	arch/riscv64/rom_uart.c arch/riscv64/rom_opensbi.c arch/riscv64/rom_blob.S
CRT0_riscv64_rom :=
LDS_riscv64_rom := linker/riscv64-rom.ld
LDFLAGS_riscv64_rom := -static --no-warn-rwx-segments
LIBS_riscv64_rom := $(LIBFDT_A)
CHECK_riscv64_rom := rom
POST_riscv64_rom := binary
SECTIONS_riscv64_rom := .text .rodata .data '.payload.*'
RUN_riscv64_rom := -bios
ifeq ($(ARCH),riscv64)
$(eval $(call remember,$(B)/opensbi.txt,OPENSBI))
$(call objs,bare,arch/riscv64/rom_blob.S): $(OPENSBI) $(B)/opensbi.txt
$(call objs,bare,arch/riscv64/rom_blob.S): CFLAGS_bare += -DOPENSBI_ELF_FILE='"$(OPENSBI)"'
endif

# ---------------------------------------------------------------- the template
# Every flavour is built in two steps: its stub, linked once with an empty
# payload (arch/payload.S, linker/payload-stub.ld), into
# $(STUBS)/<arch>/<flavour>.stub (what make install installs); then the
# payload packed into it by bootshim pack (tools/pack.c), so that make and
# a user's bootshim pack write the same file. A stub is the linked ELF
# (bootshim pack writes the raw image of a POST binary row, and its ELF as
# $(OUT).elf beside it) or, for POST pe and flatpe, the unsigned PE.
STUBS := $(B)/stubs
stub = $(STUBS)/$(ARCH)/$(1).stub
LINKED_ := .stub
LINKED_binary := .stub
LINKED_pe := .so
LINKED_flatpe := .so
# pe_stub FLAVOUR,CONVERSION: the PE written to $@.tmp by CONVERSION from
# the linked shared object, checked (scripts/check-pe.sh).
define pe_stub
$(call stub,$(1)): $(STUBS)/$(ARCH)/$(1).so scripts/pe-nx.sh scripts/check-pe.sh
	$(2)
	scripts/check-pe.sh $$@.tmp
	@mv $$@.tmp $$@
endef
# pe: PE/COFF by objcopy, then NX_COMPAT set (scripts/pe-nx.sh: objcopy
# cannot).
post_pe = $(call pe_stub,$(2),$$(OBJCOPY) $(addprefix -j ,$(SECTIONS_$(1)_$(2))) \
	--target efi-app-$(1) --subsystem=10 $$< $$@.tmp && scripts/pe-nx.sh $$@.tmp)
# flatpe: where binutils has no PE target for the arch (riscv64 in Debian
# 12's 2.40), the linked image is the PE itself, its headers written by
# hand (arch/efi/crt0-<arch>.S, NX_COMPAT included) and every section at
# its RVA (arch/efi/elf_<arch>.lds): objcopy -O binary of the PE's
# sections.
post_flatpe = $(call pe_stub,$(2),$$(OBJCOPY) -O binary \
	$(addprefix -j ,$(SECTIONS_$(1)_$(2))) $$< $$@.tmp)
post_binary :=

# What bootshim pack takes from make: the payload (CMDLINE through its
# remembered file, which keeps its bytes), CMDLINE_ALLOW for shim.efi.
PACK := $(HOST)/bootshim pack --arch $(ARCH) --kernel $(KERNEL_PAYLOAD) --initrd $(INITRD) \
	--cmdline-file $(CMDLINE_TXT) $(if $(DTB),--dtb $(DTB))
PACK_DEPS := $(HOST)/bootshim $(KERNEL_PAYLOAD) $(INITRD) $(CMDLINE_TXT) $(DTB) \
	$(PAYLOAD_FILES_TXT)
# pack_efi: signed after packing if asked (SB_KEY, SB_CERT), checked with
# sbverify.
define pack_efi
$(B)/$(OUT_$(1)_$(2)): $(call stub,$(2)) $(PACK_DEPS) $(B)/cmdline-allow.txt $(B)/efi-sign.txt \
		$(SB_KEY) $(SB_CERT) scripts/check-pe.sh
	$(PACK) --flavour $(2) --stub $$< --cmdline-allow "$$$$(cat $(B)/cmdline-allow.txt)" \
		-o $$@.tmp
	scripts/check-pe.sh $$@.tmp
ifneq ($(SB_KEY),)
	sbsign --key $(SB_KEY) --cert $(SB_CERT) --output $$@.signed $$@.tmp
	sbverify --cert $(SB_CERT) $$@.signed
	@mv $$@.signed $$@.tmp
endif
	@mv $$@.tmp $$@
	@echo "bootshim: wrote $$@$(if $(SB_KEY), (signed with $(SB_CERT)))"
endef
# pack_elf: the ELF itself (shim.elf) or its raw image with the ELF beside
# it (shim.img and shim.img.elf, which the boot tests' --patch edits).
define pack_elf
$(B)/$(OUT_$(1)_$(2)): $(call stub,$(2)) $(PACK_DEPS)
	$(PACK) --flavour $(2) --stub $$< $(if $(POST_$(1)_$(2)),--elf-out $$@.elf) -o $$@
endef

# flavour ARCH,FLAVOUR: a flavour row's rules: the stub's link, the check
# of the linked ELF, its conversion, the pack.
define flavour
SHIMS += $(B)/$(OUT_$(1)_$(2))
STUB_FILES += $(call stub,$(2))
$(STUBS)/$(1)/$(2)$(LINKED_$(POST_$(1)_$(2))): $(CRT0_$(1)_$(2)) \
		$(call objs,$(ENV_$(1)_$(2)),$(SRCS_$(ENV_$(1)_$(2))) $(SRCS_$(1)_$(2)) arch/payload.S) \
		$(SHA256_OBJS) $(LDS_$(1)_$(2)) $(B)/payload.ld
	@mkdir -p $$(@D)
	$$(LD) $(LDFLAGS_$(ENV_$(1)_$(2))) $(LDFLAGS_$(1)_$(2)) -T $(LDS_$(1)_$(2)) -o $$@.tmp \
		$$(filter %.o,$$^) $(LIBS_$(1)_$(2)) $(LIBS_$(ENV_$(1)_$(2)))
	@scripts/check-elf.sh $(CHECK_$(1)_$(2)) $$@.tmp
	@mv $$@.tmp $$@
$(call post_$(POST_$(1)_$(2)),$(1),$(2))
$(if $(filter pe flatpe,$(POST_$(1)_$(2))),$(call pack_efi,$(1),$(2)),$(call pack_elf,$(1),$(2)))
endef
STUB_FILES :=
$(foreach f,$(FLAVOURS_$(ARCH)),$(eval $(call flavour,$(ARCH),$(f))))
# (the hand-off chooses among the efi objects)
$(STUBS)/$(ARCH)/efi.so: $(B)/efi-handoff.txt
# make stubs: this arch's stubs alone.
stubs: $(STUB_FILES)
# make check-pack: this arch's packed files against their stubs, the
# binutils and sbsigntool (tests/unit/pack-files.sh); PACK_OLD=DIR: and
# against the shims make linked before the packer, kept in DIR.
check-pack: $(SHIMS) $(HOST)/bootshim $(HOST)/bootshim-pcr11 | $(O)/.deps-check
	tests/unit/pack-files.sh $(ARCH) $(B) $(HOST) $(PACK_OLD)

all: $(SHIMS)

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

# ---------------------------------------------------------------- ESP
# A FAT image with the shim at the removable-media path, for a VM's disk
# or a USB stick.
esp: $(B)/esp.img
$(B)/esp.img: $(B)/shim.efi scripts/mkesp.sh | $(O)/.deps-check
	scripts/mkesp.sh $< $(EFI_BOOT_NAME_$(ARCH)) $@

# ---------------------------------------------------------------- guest
$(O)/guest/%/init: tests/guest/init.c | $(O)/.deps-build
	@mkdir -p $(@D)
	$(CROSS_$*)gcc -static -Os -Wall -Wextra -o $@ $<

.PRECIOUS: $(O)/guest/%/init
$(O)/guest/%/demo-initrd.cpio.gz: $(O)/guest/%/init tests/guest/mkinitrd.sh
	HELLO="Hello from the bootshim demo initrd: the kernel booted and ran /init." \
		tests/guest/mkinitrd.sh $@ $<

# ---------------------------------------------------------------- run
# make run: the arch's first flavour; make run-rom: the firmware flavour.
RUN_FLAVOUR := $(firstword $(FLAVOURS_$(ARCH)))
run: $(SHIMS) | $(O)/.deps-run
	$(QEMU_$(ARCH)) $(RUN_$(ARCH)_$(RUN_FLAVOUR)) $(B)/$(OUT_$(ARCH)_$(RUN_FLAVOUR))

run-rom: $(SHIMS) | $(O)/.deps-run
	$(QEMU_$(ARCH)) $(RUN_$(ARCH)_rom) $(B)/$(OUT_$(ARCH)_rom)

# ---------------------------------------------------------------- tests
# Unit tests and fuzzers (tests/tests.mk), QEMU boot tests (tests/boot/boot.mk).
include tests/tests.mk
include tests/boot/boot.mk
# make install, uninstall, deb, and their tests (check-deb is part of check-boot).
include packaging.mk

JOBS ?= $(shell nproc)
# -k: one failing test does not hide the others.
check: | $(O)/.deps-build $(O)/.deps-run $(O)/.deps-check
	@$(MAKE) --no-print-directory -k -j$(JOBS) check-unit check-fuzz check-boot check-bench \
		$(CHECK_PACK)
	@echo "bootshim: all tests passed"

# bootshim pack's files of every arch (check-pack, above), each arch's
# build in its own make, after check-bench-<arch>'s, which builds the same
# files.
CHECK_PACK := $(addprefix check-pack-,$(ARCHES))
$(CHECK_PACK): check-pack-%: | check-bench-% $(O)/.deps-build $(O)/.deps-check
	@$(MAKE) --no-print-directory ARCH=$* check-pack

# make bench itself, one boot per path and payload on each architecture,
# and the instruction counts but those under UEFI firmware (minutes each):
# it drives runner.py and count.py too, and must keep working when the
# harness changes. Its figures are printed, never judged. (The line runs
# under make -n too, being a $(MAKE) line: hence its own mkdir.)
CHECK_BENCH := $(addprefix check-bench-,$(ARCHES))
check-bench: $(CHECK_BENCH)
$(CHECK_BENCH): check-bench-%: | $(O)/.deps-build $(O)/.deps-run $(O)/.deps-check
	@mkdir -p $(O) && $(MAKE) --no-print-directory ARCH=$* bench RUNS=1 BENCH_FLAGS=--check \
		>$(O)/bench-$*.log 2>&1 && \
		echo "PASS bench-$* (one boot per path: $(O)/bench-$*.log)" || \
		{ tail -n 30 $(O)/bench-$*.log; echo "FAIL bench-$*"; exit 1; }

# ---------------------------------------------------------------- bench
# Boots per path and payload, alternating (medians of RUNS: issue 13 asks
# for at least 7). The bench builds the shims it boots itself, with its
# command lines and initrds (tests/bench/bench.py), in its own O sharing
# this build's host tools and downloads; the default build comes first so
# that everything those builds need is there.
RUNS ?= 7
# bench.py's options: --check (check-bench's: no counts under UEFI
# firmware, which take minutes), --paths REGEX, --counts-only
BENCH_FLAGS ?=
SDBOOT_ARM64 := $(call debroot_of,aarch64,systemd-boot-efi)
bench: $(SHIMS) $(CMDLINE_TXT) $(HOST)/insn_count.so $(HOST)/bootshim \
		$(foreach p,$(BENCH_DEBS_$(ARCH)),$(call debstamp,$(p))) | \
		$(O)/.deps-run $(O)/.deps-check
	python3 tests/bench/bench.py --arch $(ARCH) --runs $(RUNS) $(BENCH_FLAGS) \
		--kernel $(KERNEL_PAYLOAD) --initrd $(INITRD) --cmdline-file $(CMDLINE_TXT) \
		--plugin $(HOST)/insn_count.so --bootshim $(HOST)/bootshim \
		--make-arg HOST=$(abspath $(HOST)) --make-arg DOWNLOADS=$(abspath $(DOWNLOADS)) \
		--arm64-stub $(SDBOOT_ARM64)/usr/lib/systemd/boot/efi/linuxaa64.efi.stub \
		--out $(O)/bench/$(ARCH)

clean:
	rm -rf $(O)

.PHONY: all stubs check-pack $(CHECK_PACK) run run-rom check check-bench $(CHECK_BENCH) bench clean esp FORCE
.DELETE_ON_ERROR:
