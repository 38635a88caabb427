# Measured boot cases (efi): see tests/boot/boot.mk for the row format.
# shim.efi under OVMF/AAVMF with swtpm (--tpm): PCR 11 as the build
# predicted (pcr11.txt), the firmware's event log replaying in the guest,
# the Boot Loader Interface variables the guest reads through efivarfs;
# Secure Boot with Debian's snakeoil keys: signed boots, a byte changed
# after signing is refused by the firmware, load options outside
# CMDLINE_ALLOW are refused by the shim, allowed ones appended and measured
# into PCR 12; and the PE checks (.sbat, NX_COMPAT, 4 KiB sections, W^X).

# The Boot Loader Interface variables a shim.efi boot leaves (StubPcrKernelImage
# only when it measured).
BLI_VARS := --expect-efivar 'LoaderInfo=bootshim [0-9][0-9.]*' \
	--expect-efivar 'LoaderTimeInitUSec=[1-9][0-9]*' \
	--expect-efivar 'LoaderTimeExecUSec=[1-9][0-9]*'
MEASURED := --tpm --expect-pcr 11=@pcr11 --expect-eventlog $(BLI_VARS) \
	--expect-efivar StubPcrKernelImage=11 \
	--expect-console 'bootshim: measured boot: PCR 11 via EFI_TCG2_PROTOCOL'

# x86_64, both hand-offs: the direct one hands the firmware's log to the
# kernel itself (LINUX_EFI_TPM_EVENT_LOG), the stub one leaves it to the
# kernel's EFI stub.
$(eval $(call boot_case,efi-x86-tpm,--efi --kernel $(CLOUD) --mem 512M $(MEASURED) \
	--expect-console 'bootshim: measured boot: event log of [0-9]+ bytes for the kernel'))
$(eval $(call boot_case,efi-x86-stub-tpm,--stub --kernel $(CLOUD) --mem 1G $(MEASURED)))
# A changed command line: another prediction, the same agreement.
$(eval $(call boot_case,efi-x86-tpm-cmdline,--efi --kernel $(CLOUD) --mem 512M $(MEASURED) \
	--cmdline 'console=ttyS0 panic=-1 bootshim.measured=other'))
# No TPM: OVMF installs no EFI_TCG2_PROTOCOL; the boot goes on unmeasured,
# says so, and leaves no StubPcrKernelImage.
$(eval $(call boot_case,efi-x86-no-tpm,--efi --kernel $(CLOUD) --mem 512M $(BLI_VARS) \
	--expect-efivar StubPcrKernelImage=none \
	--expect-console 'bootshim: measured boot: off \(no EFI_TCG2_PROTOCOL\)'))
# Debian 12's AAVMF has TCG2 and drives QEMU's tpm-tis-device.
$(eval $(call boot_case,efi-arm-tpm,$(ARM) --efi --kernel $(ARM_CLOUD) --mem 512M $(MEASURED)))
$(eval $(call boot_case,efi-arm-stub-tpm,$(ARM) --stub --kernel $(ARM_CLOUD) --mem 512M $(MEASURED)))

# ---- Secure Boot (boot.py --secure-boot: signed with the snakeoil key,
# OVMF's snakeoil variables).
$(eval $(call boot_case,efi-x86-sb-tpm,--efi --secure-boot --kernel $(CLOUD) $(MEASURED) \
	--expect-console 'secureboot: Secure boot enabled'))
# One byte of the kernel changed after signing: the firmware must refuse
# the image before any of it runs.
$(eval $(call boot_case,efi-x86-sb-tampered,--efi --secure-boot --kernel $(CLOUD) \
	--patch-signed '0x4000 1 0x5a' \
	--expect-refused 'BdsDxe: failed to load Boot[0-9A-F]+ .*: (Access Denied|Security Violation)'))

# Load options under Secure Boot, through a signed test loader
# (tests/boot/efi-loader.c; OVMF refuses the unsigned UEFI shell).
EFI_LOADER := $(TESTS)/efi-loader/loader.efi
$(TESTS)/efi-loader/loader.efi: tests/boot/efi-loader.c | $(O)/.deps-build
	@mkdir -p $(@D)
	gcc -O2 -ffreestanding -fno-stack-protector -fpic -fshort-wchar -mno-red-zone \
		-DGNU_EFI_USE_MS_ABI -maccumulate-outgoing-args -I/usr/include/efi \
		-I/usr/include/efi/x86_64 -c -o $(@D)/loader.o $<
	ld -nostdlib -znocombreloc -shared -Bsymbolic -T /usr/lib/elf_x86_64_efi.lds \
		-L /usr/lib -o $(@D)/loader.so /usr/lib/crt0-efi-x86_64.o $(@D)/loader.o \
		-lefi -lgnuefi
	objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .rel.* \
		-j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10 $(@D)/loader.so $@
ALLOW := --make-arg 'CMDLINE_ALLOW=quiet ^systemd.log_level='
SB_LOADER := --efi --secure-boot --kernel $(CLOUD) --efi-loader $(EFI_LOADER) $(ALLOW)
# A word outside the list: the shim names it and returns an error.
$(eval $(call boot_case,efi-x86-sb-options-refused,$(SB_LOADER) \
	--load-options 'quiet init=/bin/sh' \
	--expect-error "bootshim: error: load options: word 'init=/bin/sh' is not in CMDLINE_ALLOW"))
# Allowed words: appended to the embedded command line, which the kernel
# gets and PCR 12 holds: SHA-256(zeros || SHA-256(that command line)).
SB_ALLOWED_CMDLINE := console=ttyS0 panic=-1 quiet systemd.log_level=info
SB_ALLOWED_PCR12 := $(shell python3 -c 'import hashlib; \
	d = hashlib.sha256(b"$(SB_ALLOWED_CMDLINE)").digest(); \
	print(hashlib.sha256(bytes(32) + d).hexdigest())')
$(eval $(call boot_case,efi-x86-sb-options-allowed,$(SB_LOADER) $(MEASURED) \
	--load-options 'quiet systemd.log_level=info' \
	--expect-cmdline '$(SB_ALLOWED_CMDLINE)' --expect-pcr 12=$(SB_ALLOWED_PCR12)))
boot-efi-x86-sb-options-refused boot-efi-x86-sb-options-allowed: $(EFI_LOADER)

# CMDLINE_ALLOW checked at build time, naming the value.
$(eval $(call boot_case,build-efi-allow-empty-prefix,--efi --kernel $(CLOUD) \
	--make-arg 'CMDLINE_ALLOW=quiet ^' \
	--expect-build-error "CMDLINE_ALLOW='quiet \^': word '\^' is an empty prefix"))
$(eval $(call boot_case,build-efi-allow-quote,--efi --kernel $(CLOUD) \
	--make-arg 'CMDLINE_ALLOW=a"b' \
	--expect-build-error "CMDLINE_ALLOW='a\"b': word 'a\"b' has bytes"))

# ---- the PE as objdump shows it, both architectures: .sbat with the
# bootshim line, .allow, DllCharacteristics with NX_COMPAT (0x0100),
# SectionAlignment 4 KiB, and no section both writable and executable
# (objdump -h: CODE only with READONLY). The build checks the same
# (scripts/check-pe.sh); this keeps objdump's view of it honest.
BOOT_CASES += boot-efi-pe-x86_64 boot-efi-pe-aarch64
boot-efi-pe-x86_64 boot-efi-pe-aarch64: boot-efi-pe-%: $(CASE_DEPS)
	@rm -rf $(TESTS)/efi-pe-$* && mkdir -p $(TESTS)/efi-pe-$*
	@env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(MAKE) --no-print-directory ARCH=$* \
		O=$(TESTS)/efi-pe-$*/o $(TESTS)/efi-pe-$*/o/$*/shim.efi >$(TESTS)/efi-pe-$*/build.log 2>&1 || \
		{ tail -n 20 $(TESTS)/efi-pe-$*/build.log; echo "FAIL efi-pe-$*: build"; exit 1; }
	@f=$(TESTS)/efi-pe-$*/o/$*/shim.efi; d=$(CROSS_$*)objdump; \
	p=$$($$d -p $$f); h=$$($$d -h $$f); s=$$($$d -s -j .sbat $$f); \
	echo "$$p" | grep -q '^DllCharacteristics.*0100$$' || { echo "FAIL efi-pe-$*: no NX_COMPAT"; exit 1; }; \
	echo "$$p" | grep -q '^SectionAlignment.*00001000$$' || { echo "FAIL efi-pe-$*: alignment"; exit 1; }; \
	echo "$$h" | grep -q ' \.sbat ' && echo "$$h" | grep -q ' \.allow ' || \
		{ echo "FAIL efi-pe-$*: no .sbat or .allow"; exit 1; }; \
	echo "$$s" | tr -d '\n' | grep -q 'sbat,1,SBAT Vers' || { echo "FAIL efi-pe-$*: .sbat text"; exit 1; }; \
	$$d -h $$f | awk '/^ +[0-9]+ / && $$4 !~ /000$$/ {bad=1} /CODE/ && !/READONLY/ {bad=1} \
		END {exit bad}' || \
		{ echo "FAIL efi-pe-$*: a writable code section or an unaligned one"; exit 1; }; \
	echo "PASS efi-pe-$* (.sbat, .allow, NX_COMPAT, 4 KiB sections, W^X)"

# ---- make SB_KEY= SB_CERT=: signed and verified by the build; a key that
# does not match the certificate fails the build; without them, unsigned.
BOOT_CASES += boot-efi-sign
boot-efi-sign: $(CASE_DEPS)
	@d=$(TESTS)/efi-sign; rm -rf $$d && mkdir -p $$d && \
	openssl rsa -in /usr/share/ovmf/PkKek-1-snakeoil.key -passin pass:snakeoil \
		-out $$d/snakeoil.key 2>/dev/null && \
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=other -days 1 \
		-keyout $$d/other.key -out $$d/other.pem 2>/dev/null && \
	m="env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(MAKE) --no-print-directory O=$$d/o"; \
	$$m $$d/o/x86_64/shim.efi >$$d/unsigned.log 2>&1 && \
	! sbverify --list $$d/o/x86_64/shim.efi 2>&1 | grep -q '^signature 1' || \
		{ echo "FAIL efi-sign: the default build is not unsigned"; exit 1; }; \
	$$m SB_KEY=$$d/snakeoil.key SB_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem \
		$$d/o/x86_64/shim.efi >$$d/signed.log 2>&1 && \
	grep -q 'Signature verification OK' $$d/signed.log && \
	sbverify --cert /usr/share/ovmf/PkKek-1-snakeoil.pem $$d/o/x86_64/shim.efi >/dev/null 2>&1 || \
		{ tail -n 5 $$d/signed.log; echo "FAIL efi-sign: signing with snakeoil"; exit 1; }; \
	! $$m SB_KEY=$$d/snakeoil.key SB_CERT=$$d/other.pem $$d/o/x86_64/shim.efi \
		>$$d/mismatch.log 2>&1 && grep -q 'does not match' $$d/mismatch.log || \
		{ echo "FAIL efi-sign: a key that does not match the certificate was accepted"; exit 1; }; \
	echo "PASS efi-sign (unsigned by default, signed and verified, a mismatched key refused)"

# ---- Debian 13's edk2 (2025.02), strict-NX builds: EFI_MEMORY_ATTRIBUTE_PROTOCOL
# is there, and the NX_COMPAT shim must load and make the kernel's pages
# executable through it (Debian 12's firmware has no such protocol; the
# unit tests cover the calls). Downloaded by scripts/fetch-firmware.sh.
FW13 := $(abspath $(DOWNLOADS))/debian13/firmware
$(FW13)/ovmf/.stamp $(FW13)/aavmf/.stamp: $(FW13)/%/.stamp: | $(O)/.deps-build
	scripts/fetch-firmware.sh trixie $(if $(filter ovmf,$*),ovmf,qemu-efi-aarch64) $(@D)
	@touch $@
OVMF13 := $(FW13)/ovmf/usr/share/OVMF
AAVMF13 := $(FW13)/aavmf/usr/share/AAVMF
MEMATTR := --expect-console 'bootshim: \[0x[0-9a-f]+\.\.0x[0-9a-f]+\] made executable \(EFI_MEMORY_ATTRIBUTE_PROTOCOL\)'
$(eval $(call boot_case,efi-x86-d13fw-strictnx,--efi --kernel $(CLOUD) --mem 512M \
	--efi-firmware '$(OVMF13)/OVMF_CODE_4M.secboot.strictnx.fd $(OVMF13)/OVMF_VARS_4M.fd smm' \
	$(MEMATTR)))
$(eval $(call boot_case,efi-arm-d13fw-strictnx,$(ARM) --efi --kernel $(ARM_CLOUD) --mem 512M \
	--efi-firmware '$(AAVMF13)/AAVMF_CODE.secboot.strictnx.fd $(AAVMF13)/AAVMF_VARS.fd' \
	$(MEMATTR)))
boot-efi-x86-d13fw-strictnx: $(FW13)/ovmf/.stamp
boot-efi-arm-d13fw-strictnx: $(FW13)/aavmf/.stamp
