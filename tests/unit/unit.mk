# Host unit tests: one cmocka binary from tests/unit/*.c and the portable
# core, under ASan and UBSan. Included from tests/tests.mk.
#
#   make check-unit                      build and run $(HOST)/unit-tests
#   BOOTSHIM_SEED=0x1234 make check-unit  another seed for the property test
#   BOOTSHIM_ITERS=200000 make check-unit more property-test cases
#   BOOTSHIM_TEST_KERNEL=path             the real bzImage to parse (else
#                                         $(DOWNLOADS)/debian/amd64/vmlinuz-cloud,
#                                         fetched first; missing: a failure)
#   BOOTSHIM_TEST_KERNEL_ARM64=path       the real arm64 Image or Image.gz to
#                                         parse (else $(DOWNLOADS)/debian/arm64/
#                                         vmlinuz-cloud, fetched first)
#   BOOTSHIM_TEST_KERNEL_RISCV64=path     the real RISC-V Image to parse (else
#                                         $(DOWNLOADS)/debian13/riscv64/vmlinuz-generic,
#                                         fetched first)
#   BOOTSHIM_TEST_DTB_DIR=dir             the test DTBs (else tests/unit/dtb,
#                                         written by tests/unit/dtb/mkdtbs.sh)
#   BOOTSHIM_TEST_FW_CFG_DIR=dir          QEMU's recorded fw_cfg blobs (else
#                                         tests/unit/fw_cfg, written by
#                                         tests/unit/fw_cfg/record.py)
#
# shim/fdt.c is tested on the host's libfdt (libfdt-dev, the same Debian
# dtc release the shim links for arm64). -iquote, not -I: libfdt.h's
# <fdt.h> is libfdt's own header, not shim/fdt.h.

UNIT_CC ?= gcc
EFI_UNIT_TESTS := tests/unit/test_efi_fault.c tests/unit/test_efi_zero_page.c \
	tests/unit/test_efi_measure.c
UNIT_CFLAGS := -std=gnu11 -g -O1 $(WARNINGS) \
	-fsanitize=address,undefined -fno-sanitize-recover=all $(HOST_IQUOTE) -iquote tests/unit
# The pure core (the Makefile's HOST_PURE_SRCS, with OpenSSL's SHA-256
# objects from the host's libcrypto.a and libfdt), and beside it the
# measured boot's console side and the host tools' reader of built shims.
# (The UEFI fault-injection tests, $(EFI_UNIT_TESTS), build their own
# binary: see the end of this file.)
UNIT_SRCS := $(filter-out $(EFI_UNIT_TESTS),$(wildcard tests/unit/*.c)) $(HOST_PURE_SRCS) \
	shim/tpm_measure.c shim/measure_boot.c tools/shim_image.c tools/pack.c tools/pack_elf.c \
	tools/pack_pe.c tools/payload_check.c
# (test_linux_aarch64.c includes shim/linux_aarch64.c itself, renamed beside
# linux_x86_64.c's linux_plan; test_x86_64.c includes arch/x86_64/string.c,
# test_lib.c shim/lib.c.)
$(HOST)/unit-tests: shim/linux_aarch64.c $(wildcard arch/aarch64/*.h) arch/x86_64/string.c shim/lib.c
BOOTSHIM_TEST_KERNEL ?= $(DOWNLOADS)/debian/amd64/vmlinuz-cloud
BOOTSHIM_TEST_KERNEL_ARM64 ?= $(DOWNLOADS)/debian/arm64/vmlinuz-cloud
BOOTSHIM_TEST_KERNEL_RISCV64 ?= $(DOWNLOADS)/debian13/riscv64/vmlinuz-generic

# $(O)/.deps-check: the Makefile's rule installs libcmocka-dev (and zlib1g-dev,
# for test_aarch64.c's Image.gz) if missing;
# $(O)/.deps-build, libfdt-dev.
$(HOST)/unit-tests: $(UNIT_SRCS) $(HOST_DEPS) $(wildcard tests/unit/*.h) tests/unit/unit.mk | \
		$(O)/.deps-check $(O)/.deps-build
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) $(HOST_PURE_OBJS) $(HOST_PURE_LIBS) -lcmocka -lz

# UEFI fault injection (tests/unit/test_efi_fault.c): the firmware-facing
# UEFI code against a fake system table, compiled for the host against the
# host's gnu-efi headers (gnu-efi, x86_64 only) with the x86 core under it.
EFI_UNIT_CFLAGS := $(UNIT_CFLAGS) -fshort-wchar -DGNU_EFI_USE_MS_ABI \
	-I/usr/include/efi -I/usr/include/efi/x86_64
EFI_UNIT_CODE := arch/efi/common.c arch/efi/stub.c arch/efi/tcg2.c arch/efi/bli.c \
	arch/efi/memattr.c arch/efi/allow.c arch/x86_64/efi.c shim/boot.c \
	shim/console.c shim/linux_x86_64.c shim/measure_boot.c shim/tpm_measure.c $(HOST_PURE_SRCS)
$(HOST)/efi-unit-tests: $(EFI_UNIT_TESTS) $(EFI_UNIT_CODE) $(HOST_DEPS) tests/unit/efi_fake.h \
		$(wildcard arch/efi/*.h) tests/unit/unit.mk | $(O)/.deps-check $(O)/.deps-build
	@mkdir -p $(@D)
	$(UNIT_CC) $(EFI_UNIT_CFLAGS) -o $@ $(EFI_UNIT_TESTS) $(EFI_UNIT_CODE) $(HOST_PURE_OBJS) \
		$(HOST_PURE_LIBS) -lcmocka

# The real kernels test_x86_64.c, test_aarch64.c and test_riscv64.c parse: fetched before the
# run (under make -j check they would otherwise race the download), and a
# missing one fails the run rather than skip its test.
check-unit: $(HOST)/unit-tests $(HOST)/efi-unit-tests $(BOOTSHIM_TEST_KERNEL) \
	$(BOOTSHIM_TEST_KERNEL_ARM64) $(BOOTSHIM_TEST_KERNEL_RISCV64)
	BOOTSHIM_TEST_KERNEL=$(BOOTSHIM_TEST_KERNEL) \
		BOOTSHIM_TEST_KERNEL_ARM64=$(BOOTSHIM_TEST_KERNEL_ARM64) \
		BOOTSHIM_TEST_KERNEL_RISCV64=$(BOOTSHIM_TEST_KERNEL_RISCV64) $(HOST)/unit-tests
	$(HOST)/efi-unit-tests

.PHONY: check-unit
