# Interim standalone build of riscv64 shim.efi, beside arch/riscv64/riscv64.mk
# (whose payload, libfdt, OpenSSL objects and flags it takes), until
# issue 12's Part 1 (the Makefile's flavour table) lands and it becomes a
# row of it:
#
#   make -f arch/riscv64/efi.mk [EFI_HANDOFF=direct|stub] [O=build] [KERNEL=...] ...
#
# Debian 13's riscv64 gnu-efi (3.0.18) gives the headers, libefi and
# _relocate; Debian 12's binutils (2.40) cannot write a riscv64 PE, so the
# PE header is arch/efi/crt0-riscv64.S's and the image is copied out flat.

include arch/riscv64/riscv64.mk

efi: $(B)/shim.efi

GNUEFI := $(D13)/gnu-efi
$(GNUEFI)/.stamp:
	$(call deb-trixie,gnu-efi,$(GNUEFI))
	@touch $@

# gnu-efi: -fpic (the image relocates itself where the firmware put it),
# 2-byte wchar_t for CHAR16 strings.
EFI_CFLAGS := $(filter-out -fpie,$(CFLAGS)) -fpic -fshort-wchar -iquote arch/efi \
	-I$(GNUEFI)/usr/include/efi -I$(GNUEFI)/usr/include/efi/riscv64

# Files remembered (written only when the value changes) by recipes,
# whose expansion comes before any of their commands run: the directory
# first.
$(B)/.dir:
	mkdir -p $(B)
	@touch $@

EFI_HANDOFF ?= direct
ifeq ($(filter $(EFI_HANDOFF),direct stub),)
$(error EFI_HANDOFF=$(EFI_HANDOFF): use direct or stub)
endif
EFI_HANDOFF_TXT := $(B)/efi-handoff.txt
$(EFI_HANDOFF_TXT): FORCE | $(B)/.dir
	$(call remember,$@,EFI_HANDOFF)
# The hand-off's own file, with efi_main: arch/efi/direct.c or arch/efi/stub.c.
EFI_HANDOFF_SRCS_direct := arch/efi/direct.c
EFI_HANDOFF_SRCS_stub := arch/efi/stub.c
$(B)/shim.efi.so: $(EFI_HANDOFF_TXT)

CMDLINE_ALLOW ?=
$(B)/cmdline-allow.txt: FORCE | $(B)/.dir
	$(call remember,$@,CMDLINE_ALLOW)
$(B)/cmdline-allow.bin: $(B)/cmdline-allow.txt scripts/cmdline-allow.sh
	scripts/cmdline-allow.sh $< $@

BOOTSHIM_VERSION := $(shell sed -n 's/^\#define BOOTSHIM_VERSION "\(.*\)"$$/\1/p' shim/version.h)
SBAT_GENERATION ?= 1
SBAT_URL ?= https://bootshim.invalid/
define SBAT_CSV :=
sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md
bootshim,$(SBAT_GENERATION),bootshim,bootshim,$(BOOTSHIM_VERSION),$(SBAT_URL)
endef
$(B)/sbat.csv: FORCE | $(B)/.dir
	$(call remember,$@,SBAT_CSV)

EFI_SRCS := $(CORE_SRCS) $(CORE_SRCS_riscv64) shim/efi_memmap.c arch/efi/common.c \
	$(EFI_HANDOFF_SRCS_$(EFI_HANDOFF)) arch/efi/tcg2.c arch/efi/bli.c arch/efi/memattr.c arch/efi/allow.c \
	arch/efi/allow.S arch/efi/sbat.S arch/efi/crt0-riscv64.S arch/riscv64/cpu.c \
	arch/riscv64/dt.c arch/riscv64/efi.c arch/riscv64/smode.S
efiobjs = $(patsubst %,$(B)/obj-efi/%.o,$(1))
EFI_OBJS := $(call efiobjs,$(EFI_SRCS))
$(EFI_OBJS): $(LIBFDT)/.stamp $(GNUEFI)/.stamp
$(B)/obj-efi/arch/efi/allow.S.o: $(B)/cmdline-allow.bin
$(B)/obj-efi/arch/efi/allow.S.o: EFI_CFLAGS += -DCMDLINE_ALLOW_FILE='"$(B)/cmdline-allow.bin"'
$(B)/obj-efi/arch/efi/sbat.S.o: $(B)/sbat.csv
$(B)/obj-efi/arch/efi/sbat.S.o: EFI_CFLAGS += -DSBAT_FILE='"$(B)/sbat.csv"'

$(B)/obj-efi/%.c.o: %.c
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c -o $@ $<
$(B)/obj-efi/%.S.o: %.S
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c -o $@ $<
$(B)/obj-efi/arch/payload.S.o: arch/payload.S $(B)/payload.stamp
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -DPAYLOAD_IN_RODATA -iquote $(B) -c -o $@ $<

# -z text: no relocation may patch code (the code pages stay read+execute
# while _relocate runs). The relocations left are R_RISCV_RELATIVE, which
# _relocate applies, and R_RISCV_NONE: ld's riscv backend leaves the
# .rela.dyn slots it sized for GOT entries that -Bsymbolic then bound
# locally as no-ops, which _relocate skips.
$(B)/shim.efi.so: $(EFI_OBJS) $(B)/obj-efi/arch/payload.S.o $(SHA256_OBJS) arch/efi/elf_riscv64.lds
	$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -z text \
		-T arch/efi/elf_riscv64.lds --no-warn-rwx-segments -L $(GNUEFI)/usr/lib -o $@.tmp \
		$(filter %.o,$^) $(LIBFDT_A) -lefi -lgnuefi
	@bad=$$($(CROSS)readelf -rW $@.tmp | awk '/^[0-9a-f]+ /{print $$3}' | \
		grep -v '^R_RISCV_RELATIVE$$\|^R_RISCV_NONE$$' | sort -u); \
	[ -z "$$bad" ] || { echo "bootshim: error: $@: relocations a UEFI loader cannot apply: $$bad" >&2; exit 1; }
	@[ -z "$$($(CROSS)nm -u $@.tmp)" ] || { echo "bootshim: error: $@: undefined symbols:" \
		$$($(CROSS)nm -u $@.tmp) >&2; exit 1; }
	@mv $@.tmp $@

# The PE image is the linked image itself from RVA 0 (the headers) to the
# last PE section: exactly the sections crt0-riscv64.S's table names.
EFI_PE_SECTIONS_riscv64 := .head .text .reloc .sbat .allow .data .dynamic .rela
$(B)/shim.efi: $(B)/shim.efi.so scripts/check-pe.sh
	$(OBJCOPY) -O binary $(addprefix -j ,$(EFI_PE_SECTIONS_riscv64)) $< $@.tmp
	scripts/check-pe.sh $@.tmp
	@mv $@.tmp $@
	@echo "bootshim: wrote $@"

esp: $(B)/esp.img
$(B)/esp.img: $(B)/shim.efi scripts/mkesp.sh
	scripts/mkesp.sh $< BOOTRISCV64.EFI $@

-include $(shell find $(B)/obj-efi -name '*.d' 2>/dev/null)

.PHONY: efi esp
