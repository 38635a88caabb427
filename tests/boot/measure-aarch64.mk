# Measured boot cases (arm64): see tests/boot/boot.mk for the row format.
# Each --tpm case gets its own swtpm, freshly manufactured (a reset TPM);
# the guest loads tpm_tis from the kernel package's modules and reports
# its SHA-256 PCRs and event log. Only Debian's arm64 cloud kernels build
# the TIS driver (CONFIG_TCG_TIS=m); the generic ones leave it out.

# The measurer line, and the "off" line with its reason.
TPM_VIA := 'bootshim: measured boot: PCR 11 via TPM 2\.0 TIS at 0xc000000$$$$'
MEASURE_OFF = 'bootshim: measured boot: off \($(1)\)$$$$'

# ---- shim.rom is the firmware: TPM2_Startup, its own flash bytes into
# PCR 0, the payload into PCR 11, and an event log the kernel finds
# through the TPM node's linux,sml-base/-size. The guest's PCR 11 must be
# the build's pcr11.txt, and its event log must replay to its PCRs.
MROM := $(ROM) --tpm --expect-pcr 11=@pcr11 --expect-eventlog --expect-console $(TPM_VIA) \
	--expect-console 'bootshim: measured boot: platform hierarchy disabled$$$$'
# At EL1, with the quoted command line (so another PCR 11 than the rows
# below, predicted and measured alike).
$(eval $(call boot_case,rom-tpm-el1,$(MROM) --kernel $(ARM_CLOUD) --mem 512M \
	--cmdline '$(QUOTED_ARM)'))
# At EL2, Debian 13's kernel (Linux 6.12 reads the log the same way).
$(eval $(call boot_case,rom-tpm-el2-d13,$(MROM) --kernel $(D13_ARM_CLOUD) \
	--machine virt$(comma)virtualization=on --smp 2))
# At EL3 (secure=on): the TPM reached through the non-secure address
# space, the kernel at non-secure EL1, and with EL2 at non-secure EL2.
$(eval $(call boot_case,rom-tpm-el3,$(MROM) --kernel $(ARM_CLOUD) --machine virt$(comma)secure=on))
$(eval $(call boot_case,rom-tpm-el3-el2-d13,$(MROM) --kernel $(D13_ARM_CLOUD) \
	--machine virt$(comma)secure=on$(comma)virtualization=on))
# With DTB= (embedded, measured as the fourth PCR 11 event and predicted
# so; QEMU's own DTB is still the one used, as it always gives one).
$(eval $(call boot_case,rom-tpm-embedded-dtb,$(MROM) --kernel $(ARM_CLOUD) --embed-dtb \
	--expect-console 'bootshim: measured boot: 4 events'))
# No TPM: said on the console, and the boot goes on.
$(eval $(call boot_case,rom-no-tpm,$(ROM) --kernel $(ARM_CLOUD) --mem 512M \
	--expect-console $(call MEASURE_OFF,no TPM in the device tree)))

# ---- shim.img runs after another firmware: it measures only into a TPM
# that firmware started, and keeps no event log of its own.
# QEMU's -kernel boot starts nothing: the TPM is there but not started
# (the kernel's driver starts it later; the guest must still find it).
$(eval $(call boot_case,img-tpm-not-started,$(ARM) --tpm --kernel $(ARM_CLOUD) --mem 512M \
	--expect-console $(call MEASURE_OFF,the TPM was not started by the firmware)))
$(eval $(call boot_case,img-no-tpm,$(ARM) --kernel $(D13_ARM_CLOUD) --mem 512M \
	--expect-console $(call MEASURE_OFF,no TPM in the device tree)))
# Under U-Boot, whose tpm_tis_mmio driver starts the TPM when told to:
# shim.img measures into it. U-Boot's booti extends no PCR, so PCR 11 is
# the build's prediction.
$(eval $(call boot_case,img-uboot-tpm,$(ARM) --tpm --kernel $(ARM_CLOUD) --smp 2 \
	--uboot-cmd 'tpm2 init' --uboot-cmd 'tpm2 startup TPM2_SU_CLEAR' --expect-pcr 11=@pcr11 \
	--expect-console 'bootshim: measured boot: PCR 11 via TPM 2\.0 TIS at 0xc000000 \(no event log: the firmware before the shim owns it\)$$$$'))

# Other PCR banks: only SHA-256 is extended, the others named in a warning
# (a policy on them would not match); the SHA-256 PCRs still match the
# prediction and the log. Without a SHA-256 bank: nothing is measured.
$(eval $(call boot_case,rom-tpm-sha1-sha256,$(MROM) --kernel $(ARM_CLOUD) --mem 512M \
	--tpm-banks sha1$(comma)sha256 \
	--expect-console 'bootshim: warning: measured boot: PCR bank SHA-1 \(0x0004\) is active but only SHA-256 is extended'))
$(eval $(call boot_case,rom-tpm-sha1-only,$(ROM) --tpm --tpm-banks sha1 --kernel $(ARM_CLOUD) \
	--mem 512M --expect-console $(call MEASURE_OFF,the TPM has no active SHA-256 PCR bank) \
	--expect-console 'bootshim: measured boot: platform hierarchy disabled$$$$'))

# A DTB (-dtb: QEMU's own for 512 MiB) whose TPM node points at nothing,
# 1 MiB into the empty platform bus: the first read aborts, the abort is
# caught, a warning names the node and address, and both flavours boot on
# unmeasured. Dumped with a firmware loaded (any: U-Boot's): QEMU then
# gives virt an ACPI GED instead of the PL061 GPIO, which a DTB dumped
# without -bios would still describe to a shim.rom boot's kernel (whose
# probe of it then aborts).
TPM_NOTHING_DTB := $(TESTS)/tpm-nothing.dtb
TPM_NOTHING := /platform-bus@c000000/tpm_tis@100000
$(TPM_NOTHING_DTB): | $(O)/.deps-run
	@mkdir -p $(@D)
	qemu-system-aarch64 -M virt -cpu max -m 512M -display none \
		-bios /usr/lib/u-boot/qemu_arm64/u-boot.bin -machine dumpdtb=$@.tmp >/dev/null 2>&1
	fdtput -c $@.tmp $(TPM_NOTHING)
	fdtput -t s $@.tmp $(TPM_NOTHING) compatible tcg,tpm-tis-mmio
	fdtput -t x $@.tmp $(TPM_NOTHING) reg 100000 5000
	mv $@.tmp $@
TPM_NOTHING_ARGS := --kernel $(ARM_CLOUD) --mem 512M --qemu-arg -dtb --qemu-arg $(TPM_NOTHING_DTB) \
	--expect-console 'bootshim: warning: measured boot: tpm: $(TPM_NOTHING): reading 0xc100f00 aborts: nothing answers' \
	--expect-console $(call MEASURE_OFF,the TPM cannot be used: see the warning above)
$(eval $(call boot_case,rom-tpm-nothing-there,$(ROM) $(TPM_NOTHING_ARGS)))
$(eval $(call boot_case,img-tpm-nothing-there,$(ARM) $(TPM_NOTHING_ARGS)))
boot-rom-tpm-nothing-there boot-img-tpm-nothing-there: $(TPM_NOTHING_DTB)
