# QEMU boot tests: each case builds a shim through the real build interface
# with its own payload, boots it, and checks the guest's report
# (tests/boot/case.sh). Cases are independent targets, so make -j runs
# them in parallel.

TESTS := $(abspath $(O))/tests
DEB := $(abspath $(O))/debian/amd64
CLOUD := $(DEB)/vmlinuz-cloud
GENERIC := $(DEB)/vmlinuz-generic
GUEST_INIT := $(abspath $(O))/guest/x86_64/init
CASE := tests/boot/case.sh
CASE_DEPS := $(O)/debian/amd64/vmlinuz-cloud $(O)/debian/amd64/vmlinuz-generic \
	$(O)/guest/x86_64/init | $(O)/.deps-run $(O)/.deps-check

comma := ,

# A command line with quotes, '=' and spaces.
QUOTED := console=ttyS0 panic=-1 quiet bootshim.a="x y" b==c "c=d e" tail

# name: arguments to case.sh
BOOT_CASES :=
define boot_case
BOOT_CASES += boot-$(1)
boot-$(1): $$(CASE_DEPS)
	@$$(CASE) --name $(1) --out $$(TESTS)/$(1) --init $$(GUEST_INIT) $(2)
endef

# Both Debian kernels, 1 GiB, two CPUs, a command line with quotes.
$(eval $(call boot_case,pvh-cloud,--kernel $(CLOUD) --smp 2 --cmdline '$(QUOTED)'))
$(eval $(call boot_case,pvh-generic,--kernel $(GENERIC) --smp 2 --cmdline '$(QUOTED)'))
# Memory sizes: RAM below 4 GiB only, split around the PCI hole, and above 4 GiB.
$(eval $(call boot_case,pvh-128m,--kernel $(CLOUD) --mem 128M))
$(eval $(call boot_case,pvh-3584m,--kernel $(CLOUD) --mem 3584M --expect-high-mem))
$(eval $(call boot_case,pvh-8g,--kernel $(GENERIC) --mem 8G --smp 4 --expect-high-mem))
# A 64 MiB+ uncompressed initrd of random bytes, checked by SHA-256.
$(eval $(call boot_case,pvh-initrd-72m,--kernel $(CLOUD) --blob 75497472 --initrd raw))
# The command line at exactly the kernel's cmdline_size (2047 for x86).
$(eval $(call boot_case,pvh-cmdline-max,--kernel $(CLOUD) --cmdline-len 2047))
# Copying instead of booting in place: a kernel that demands 32 MiB
# alignment cannot run where it was linked (16 MiB).
$(eval $(call boot_case,pvh-copy,--kernel $(CLOUD) \
	--patch '.payload.kernel_head 0x230 4 0x2000000' \
	--expect-console 'kernel \(copied 0x[0-9a-f]+ bytes from 0x1000000\)'))

# Bad payloads refused by the build, naming the problem.
$(eval $(call boot_case,build-cmdline-too-long,--kernel $(CLOUD) --cmdline-len 2048 \
	--expect-build-error 'CMDLINE: 2048 bytes exceed .*cmdline_size of 2047'))
$(eval $(call boot_case,build-not-bzimage,--kernel $(GUEST_INIT) \
	--expect-build-error 'KERNEL=.*boot_flag is 0x[0-9a-f]+$(comma) not 0xaa55'))
$(eval $(call boot_case,build-no-initrd,--kernel $(CLOUD) --initrd-path /nonexistent/initrd \
	--expect-build-error 'INITRD: /nonexistent/initrd: no such file'))

# Bad payloads that slipped past the build: the shim must say so and stop
# the machine with a failure status (isa-debug-exit), not hang or jump.
$(eval $(call boot_case,pvh-bad-magic,--kernel $(CLOUD) \
	--patch '.payload.kernel_head 0x202 4 0x21524448' \
	--expect-error 'bootshim: error: kernel: header magic is 0x21524448'))
$(eval $(call boot_case,pvh-bad-setup-sects,--kernel $(CLOUD) \
	--patch '.payload.kernel_head 0x1f1 1 0x3f' \
	--expect-error 'bootshim: error: kernel: setup_sects 63'))
$(eval $(call boot_case,pvh-no-room,--kernel $(CLOUD) --mem 128M \
	--patch '.payload.kernel_head 0x260 4 0x7000000' \
	--expect-error 'bootshim: error: kernel: no room for 0x7000000 bytes'))

check-boot: $(BOOT_CASES)

.PHONY: check-boot $(BOOT_CASES)
