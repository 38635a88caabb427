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

UNIT_CC ?= gcc
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=all -Ishim -Itests/unit
UNIT_SRCS := $(wildcard tests/unit/*.c)
BOOTSHIM_TEST_KERNEL ?= $(O)/debian/amd64/vmlinuz-cloud
BOOTSHIM_TEST_KERNEL_ARM64 ?= $(O)/debian/arm64/vmlinuz-cloud

# $(O)/.deps-check: the Makefile's rule installs libcmocka-dev if missing.
$(HOST)/unit-tests: $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(CORE_HOST_SRCS) $(wildcard shim/*.h) tests/unit/unit.mk | $(O)/.deps-check
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) $(CORE_HOST_SRCS) -lcmocka

check-unit: $(HOST)/unit-tests
	BOOTSHIM_TEST_KERNEL=$(BOOTSHIM_TEST_KERNEL) \
		BOOTSHIM_TEST_KERNEL_ARM64=$(BOOTSHIM_TEST_KERNEL_ARM64) $(HOST)/unit-tests

.PHONY: check-unit
