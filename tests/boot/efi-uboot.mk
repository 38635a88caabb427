# shim.efi chainloaded from U-Boot's UEFI, as on boards (issue 12): Debian
# 12's U-Boot 2023.01 (u-boot-qemu) loads it from an ESP on a virtio disk
# and starts it with bootefi and its own DTB. What that UEFI lacks (TCG2,
# the memory attribute protocol, an RNG without a device) the shim does
# without, saying so; its runtime variables carry the Boot Loader
# Interface to Linux. Included from tests/boot/boot.mk after riscv64.mk
# (RV_GENERIC, RV_INIT).

UBOOT_EFI_BLI := --expect-efivar 'LoaderInfo=bootshim [0-9][0-9.]*' \
	--expect-efivar 'LoaderTimeExecUSec=[1-9][0-9]*'
RV_EFI := --arch riscv64 --init $(RV_INIT) --kernel $(RV_GENERIC) --uboot-efi

# aarch64: Debian 12's and 13's kernels, both hand-offs.
$(eval $(call boot_case,efi-uboot-arm-cloud,$(ARM) --uboot-efi --kernel $(ARM_CLOUD) --smp 2 \
	--cmdline '$(QUOTED_ARM)' $(UBOOT_EFI_BLI) \
	--expect-console 'bootshim: entropy: 64 bytes from RNDR \(the firmware has no EFI_RNG_PROTOCOL\)' \
	--expect-console 'bootshim: measured boot: off \(no EFI_TCG2_PROTOCOL\)'))
$(eval $(call boot_case,efi-uboot-arm-d13-stub,$(ARM) --uboot-efi --stub --kernel $(D13_ARM_CLOUD) \
	--mem 2G --smp 4 \
	--expect-console 'EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID device path'))

# riscv64: Debian 13's kernel, the boot hart from RISCV_EFI_BOOT_PROTOCOL;
# one and four harts, 512 MiB and 4 GiB, a 32 MiB initrd.
$(eval $(call boot_case,rv-efi-uboot-512m,$(RV_EFI) --mem 512M --cmdline '$(QUOTED)' \
	$(UBOOT_EFI_BLI) --expect-console 'bootshim: boot hart [0-9]+ \(RISCV_EFI_BOOT_PROTOCOL\)' \
	--expect-console 'bootshim: entropy: none \(no EFI_RNG_PROTOCOL, no Zkr\)'))
$(eval $(call boot_case,rv-efi-uboot-4g-smp4-initrd-32m,$(RV_EFI) --mem 4G --smp 4 \
	--blob 33554432 --initrd raw --expect-high-mem))
$(eval $(call boot_case,rv-efi-uboot-stub,$(RV_EFI) --stub --smp 2 \
	--expect-console 'EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID device path'))
# A kernel damaged after the build: the shim says so and returns the error
# to U-Boot ("## Application failed"), which is back at its prompt.
$(eval $(call boot_case,rv-efi-uboot-bad-magic2,$(RV_EFI) --patch-efi '56 4 0x05435358' \
	--expect-error 'bootshim: error: kernel: Image magic2 is 0x05435358'))

EFI_UBOOT_RV_CASES := boot-rv-efi-uboot-512m boot-rv-efi-uboot-4g-smp4-initrd-32m \
	boot-rv-efi-uboot-stub boot-rv-efi-uboot-bad-magic2
$(EFI_UBOOT_RV_CASES): $(DOWNLOADS)/debian13/riscv64/vmlinuz-generic $(O)/guest/riscv64/init
