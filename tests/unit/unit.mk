# Host unit tests: one cmocka binary from tests/unit/*.c and the portable
# core, under ASan and UBSan. Included from tests/tests.mk.
#
#   make check-unit                      build and run $(HOST)/unit-tests
#   BOOTSHIM_SEED=0x1234 make check-unit  another seed for the property test
#   BOOTSHIM_ITERS=200000 make check-unit more property-test cases
#   BOOTSHIM_TEST_KERNEL=path             the real bzImage to parse (else
#                                         $(O)/debian/amd64/vmlinuz-cloud;
#                                         the test is skipped if missing)
#   BOOTSHIM_TEST_KERNEL_ARM64=path       the real arm64 Image to parse (else
#                                         $(O)/debian/arm64/vmlinuz-cloud)
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
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=all -iquote shim -iquote tests/unit
# shim/fw_cfg.c and shim/efi_memmap.c are not in CORE_HOST_SRCS (only the
# x86 ROM and UEFI entries use them).
UNIT_SRCS := $(wildcard tests/unit/*.c) shim/fdt.c shim/fw_cfg.c shim/efi_memmap.c
# The arm64 boot protocol over the core (tests/unit/test_linux_arm64.c).
UNIT_SRCS += shim/linux_arm64.c
BOOTSHIM_TEST_KERNEL ?= $(O)/debian/amd64/vmlinuz-cloud
BOOTSHIM_TEST_KERNEL_ARM64 ?= $(O)/debian/arm64/vmlinuz-cloud

# $(O)/.deps-check: the Makefile's rule installs libcmocka-dev if missing;
# $(O)/.deps-build, libfdt-dev.
$(HOST)/unit-tests: $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(CORE_HOST_SRCS) $(wildcard shim/*.h) tests/unit/unit.mk | $(O)/.deps-check $(O)/.deps-build
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) $(CORE_HOST_SRCS) -lcmocka -lfdt

check-unit: $(HOST)/unit-tests
	BOOTSHIM_TEST_KERNEL=$(BOOTSHIM_TEST_KERNEL) \
		BOOTSHIM_TEST_KERNEL_ARM64=$(BOOTSHIM_TEST_KERNEL_ARM64) $(HOST)/unit-tests

.PHONY: check-unit
