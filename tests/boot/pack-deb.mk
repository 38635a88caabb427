# The .deb on a fresh Debian 12 (issue 14), included from packaging.mk:
# scripts/chroot-test.sh installs it into a copy of a debootstrap root with
# no compiler ($(DEB_ROOT)/.installed), then each case packs a Debian
# kernel for one arch and flavour with the installed bootshim, inside that
# root (tests/boot/pack-chroot.py: chroot ROOT bootshim pack, then
# bootshim inspect), and boots the packed file on the host through
# tests/boot/boot.py, checking what the guest saw as every boot case does.

PACK_DEB := tests/boot/pack-chroot.py --chroot $(abspath $(DEB_ROOT))
RV_KERNEL := $(abspath $(DOWNLOADS))/debian13/riscv64/vmlinuz-generic
RV_GUEST_INIT := $(abspath $(O))/guest/riscv64/init
PACK_DEB_DEPS := $(CASE_DEPS) $(DEB_ROOT)/.installed $(DOWNLOADS)/debian13/riscv64/vmlinuz-generic \
	$(O)/guest/riscv64/init

# pack_deb_case: name, boot.py arguments (as boot_case's)
PACK_DEB_CASES :=
define pack_deb_case
PACK_DEB_CASES += boot-$(1)
boot-$(1): $$(PACK_DEB_DEPS)
	@$$(PACK_DEB) --name $(1) --out $$(TESTS)/$(1) --init $$(GUEST_INIT) $(2)
endef

PD_ARM := --arch aarch64 --init $(ARM_INIT) --kernel $(ARM_CLOUD)
PD_RV := --arch riscv64 --init $(RV_GUEST_INIT) --kernel $(RV_KERNEL)
# Every arch and flavour, Debian's kernels as Debian ships them (12's
# cloud kernels; riscv64: 13's, Debian 12 having none), the command line
# with quotes.
$(eval $(call pack_deb_case,deb-x86_64-elf,--kernel $(CLOUD) --smp 2 --cmdline '$(QUOTED)'))
$(eval $(call pack_deb_case,deb-x86_64-rom,--rom --kernel $(CLOUD) --machine q35))
$(eval $(call pack_deb_case,deb-x86_64-efi,--efi --kernel $(CLOUD) --mem 512M))
$(eval $(call pack_deb_case,deb-aarch64-img,$(PD_ARM) --smp 2 --cmdline '$(QUOTED_ARM)'))
$(eval $(call pack_deb_case,deb-aarch64-rom,$(PD_ARM) --rom --mem 512M))
$(eval $(call pack_deb_case,deb-aarch64-efi,$(PD_ARM) --efi --mem 512M))
$(eval $(call pack_deb_case,deb-riscv64-img,$(PD_RV) --mem 512M --cmdline '$(QUOTED)'))
$(eval $(call pack_deb_case,deb-riscv64-rom,$(PD_RV) --rom --mem 512M))
$(eval $(call pack_deb_case,deb-riscv64-efi,$(PD_RV) --uboot-efi --mem 512M))
# --dtb: the device tree packed in the root replaces QEMU's.
$(eval $(call pack_deb_case,deb-aarch64-img-dtb,$(PD_ARM) --embed-dtb \
	--expect-console 'Machine model: bootshim embedded DTB'))
# The PCR 11 value bootshim pack --pcr printed in the root is the one a
# reset TPM holds after the boot.
$(eval $(call pack_deb_case,deb-x86_64-elf-pcr11,--kernel $(CLOUD) --tpm \
	--expect-pcr 11=@pcr11 --expect-eventlog))

check-deb: $(PACK_DEB_CASES)

# bootshim inspect on the host: every stub make install installs is a
# shim with no kernel (exit 0); a Debian kernel, an empty file and the
# ELF and PE stubs cut inside their payload index are not shims (exit 2,
# saying so); a missing file is an I/O error (exit 1); the x86_64 efi stub
# is unsigned, and signed once sbsign (Debian's snakeoil key) has signed
# it. (The packed files are inspected by each case above, in the root.)
INSPECT_TEST := $(O)/inspect-test
SNAKEOIL_KEY := /usr/share/ovmf/PkKek-1-snakeoil.key
SNAKEOIL_CERT := /usr/share/ovmf/PkKek-1-snakeoil.pem
INSPECT_STUBS := $(foreach s,$(STUB_NAMES),$(call stub_in,$(DEB_BUILD),$(s)))
# expect_inspect STATUS,FILE,REGEX: bootshim inspect FILE exits STATUS
# and says REGEX (grep -E, stdout and stderr)
define expect_inspect
	@rc=0; $(HOST)/bootshim inspect $(2) >$(INSPECT_TEST)/out 2>&1 || rc=$$?; \
	[ $$rc = $(1) ] && grep -Eq '$(3)' $(INSPECT_TEST)/out || \
		{ cat $(INSPECT_TEST)/out; echo "FAIL inspect $(2): exit $$rc, expected $(1) and /$(3)/"; \
		  exit 1; }
endef
check-inspect: $(HOST)/bootshim $(DOWNLOADS)/debian/amd64/vmlinuz-cloud | check-install
	@rm -rf $(INSPECT_TEST) && mkdir -p $(INSPECT_TEST)
	@for f in $(INSPECT_STUBS); do \
		$(HOST)/bootshim inspect $$f >$(INSPECT_TEST)/out 2>&1 && \
		grep -q '^kernel: none' $(INSPECT_TEST)/out || \
		{ cat $(INSPECT_TEST)/out; echo "FAIL inspect $$f: not a stub (kernel: none)"; exit 1; }; \
	done
	$(call expect_inspect,2,$(DOWNLOADS)/debian/amd64/vmlinuz-cloud,: not a shim: no payload index)
	@: >$(INSPECT_TEST)/empty
	$(call expect_inspect,2,$(INSPECT_TEST)/empty,: not a shim: )
	@for s in elf efi; do f=$(call stub_in,$(DEB_BUILD),x86_64/$$s.stub); \
		at=$$($(HOST)/bootshim inspect $$f | sed -n 's/^payload index: .* at file offset //p'); \
		head -c $$((at + 16)) $$f >$(INSPECT_TEST)/cut-$$s; done
	$(call expect_inspect,2,$(INSPECT_TEST)/cut-elf,: not a shim: .*runs past the file)
	$(call expect_inspect,2,$(INSPECT_TEST)/cut-efi,: not a shim: )
	$(call expect_inspect,1,$(INSPECT_TEST)/missing,cannot open)
	@openssl rsa -in $(SNAKEOIL_KEY) -passin pass:snakeoil -out $(INSPECT_TEST)/key 2>/dev/null
	@sbsign --key $(INSPECT_TEST)/key --cert $(SNAKEOIL_CERT) \
		--output $(INSPECT_TEST)/signed.efi $(call stub_in,$(DEB_BUILD),x86_64/efi.stub) 2>/dev/null
	$(call expect_inspect,0,$(INSPECT_TEST)/signed.efi,^signed: yes .1 certificate$(comma) 1 Authenticode)
	$(call expect_inspect,0,$(call stub_in,$(DEB_BUILD),x86_64/efi.stub),^signed: no )
	@echo "PASS inspect ($(words $(INSPECT_STUBS)) stubs: exit 0; a kernel, an empty file," \
		"ELF and PE stubs cut short: exit 2; a missing file: exit 1; signed and not)"

check-deb: check-inspect

.PHONY: check-deb check-inspect $(PACK_DEB_CASES)

# make check runs them with the other boot cases.
check-boot: check-deb
