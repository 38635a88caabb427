# QEMU boot tests: each case builds a shim through the real build interface
# with its own payload, boots it, and checks the guest's report
# (tests/boot/boot.py: its tables ARCHES and FLAVOURS say what differs
# between architectures and start modes). Cases are independent targets, so make -j runs
# them in parallel.

TESTS := $(abspath $(O))/tests
DEB := $(abspath $(DOWNLOADS))/debian/amd64
CLOUD := $(DEB)/vmlinuz-cloud
GENERIC := $(DEB)/vmlinuz-generic
GUEST_INIT := $(abspath $(O))/guest/x86_64/init
ARM_CLOUD := $(abspath $(DOWNLOADS))/debian/arm64/vmlinuz-cloud
ARM_GENERIC := $(abspath $(DOWNLOADS))/debian/arm64/vmlinuz-generic
ARM_INIT := $(abspath $(O))/guest/aarch64/init
# Debian 13's kernels (scripts/fetch-kernel.sh ... trixie), beside Debian 12's.
D13_CLOUD := $(abspath $(DOWNLOADS))/debian13/amd64/vmlinuz-cloud
D13_GENERIC := $(abspath $(DOWNLOADS))/debian13/amd64/vmlinuz-generic
D13_ARM_CLOUD := $(abspath $(DOWNLOADS))/debian13/arm64/vmlinuz-cloud
D13_ARM_GENERIC := $(abspath $(DOWNLOADS))/debian13/arm64/vmlinuz-generic
# Every case builds in an O of its own but shares the top build's host
# tools and Debian downloads, made once before any case runs.
CASE := tests/boot/boot.py --make-arg HOST=$(abspath $(HOST)) \
	--make-arg DOWNLOADS=$(abspath $(DOWNLOADS))
CASE_DEPS := $(HOST)/bootshim $(HOST)/bootshim-pcr11 $(DEB_STAMPS) \
	$(DOWNLOADS)/debian/amd64/vmlinuz-cloud $(DOWNLOADS)/debian/amd64/vmlinuz-generic \
	$(DOWNLOADS)/debian13/amd64/vmlinuz-cloud $(DOWNLOADS)/debian13/amd64/vmlinuz-generic \
	$(DOWNLOADS)/debian13/arm64/vmlinuz-cloud $(DOWNLOADS)/debian13/arm64/vmlinuz-generic \
	$(O)/guest/x86_64/init $(DOWNLOADS)/debian/arm64/vmlinuz-cloud \
	$(DOWNLOADS)/debian/arm64/vmlinuz-generic $(O)/guest/aarch64/init \
	| $(O)/.deps-run $(O)/.deps-check

comma := ,

# A command line with quotes, '=' and spaces.
QUOTED := console=ttyS0 panic=-1 bootshim.a="x y" b==c "c=d e" tail

# name: arguments to tests/boot/boot.py (boot.py --help lists them)
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

# ---- x86_64: shim.rom as the machine's firmware (-bios), on pc and q35,
# with a virtio disk the guest must read through PCI.
XROM := --rom --disk
$(eval $(call boot_case,xrom-pc-256m,$(XROM) --kernel $(CLOUD) --mem 256M \
	--cmdline '$(QUOTED)' --expect-console '^bootshim: fw_cfg: DMA interface'))
$(eval $(call boot_case,xrom-q35-smp4,$(XROM) --kernel $(GENERIC) --machine q35 --smp 4))
$(eval $(call boot_case,xrom-pc-3584m-smp4,$(XROM) --kernel $(GENERIC) --mem 3584M --smp 4 \
	--expect-high-mem))
$(eval $(call boot_case,xrom-q35-8g-initrd-64m,$(XROM) --kernel $(CLOUD) --machine q35 \
	--mem 8G --blob 67108864 --initrd raw --expect-high-mem))
# fw_cfg without its DMA interface (port I/O reads): the shim must say it
# used port I/O (xrom-pc-256m, with DMA, says the opposite).
$(eval $(call boot_case,xrom-pc-portio,$(XROM) --kernel $(CLOUD) \
	--qemu-arg -global --qemu-arg fw_cfg.dma_enabled=off \
	--expect-console '^bootshim: fw_cfg: port I/O'))
# A vmgenid device, whose table-loader script uses WRITE_POINTER: the
# guest must read back the generation ID QEMU was given (through the
# SSDT's address and /dev/mem: tests/guest/init.c).
$(eval $(call boot_case,xrom-q35-vmgenid,$(XROM) --kernel $(CLOUD) --machine q35 \
	--vmgenid 6b1f2a4e-93c0-4d7e-8a15-0c2d3e4f5a6b \
	--expect-console 'bootshim: ACPI: [0-9]+ fw_cfg files loaded$(comma) 1 pointers written back' \
	--expect-console 'ACPI: SSDT .*VMGENID'))

# ---- x86_64: shim.efi under OVMF, direct hand-off.
EFI := --efi
# What OVMF prints when Secure Boot refuses boot.py's ESP (the virtio disk at
# 00:02.0 of the q35 machine --secure-boot uses), for --expect-refused: not
# the internal shell's "failed to start ... Security Violation" that follows.
OVMF_REFUSED := BdsDxe: failed to load Boot[0-9A-F]+ "UEFI Non-Block Boot Device" from PciRoot\(0x0\)/Pci\(0x2,0x0\): Access Denied
# A virtio-rng device: OVMF's EFI_RNG_PROTOCOL (Debian 12's OVMF has no
# RDRAND driver); the shim passes 64 bytes of it as SETUP_RNG_SEED, which the
# guest must see taken (its length wiped by the kernel).
$(eval $(call boot_case,efi-x86-cloud,$(EFI) --kernel $(CLOUD) --mem 512M --smp 2 \
	--cmdline '$(QUOTED)' --qemu-arg -device --qemu-arg virtio-rng-pci \
	--expect-console 'bootshim: entropy: 64 bytes from EFI_RNG_PROTOCOL' --expect-rng-seed))
# No EFI_RNG_PROTOCOL here, but -cpu max has RDSEED/RDRAND: the seed comes
# from the CPU instead, and the kernel must take it.
$(eval $(call boot_case,efi-x86-generic-6g,$(EFI) --kernel $(GENERIC) --mem 6G --smp 2 \
	--expect-high-mem --qemu-arg -cpu --qemu-arg max \
	--expect-console 'bootshim: entropy: 64 bytes from RD' --expect-rng-seed))
# From the UEFI shell, with arguments: they replace the embedded command
# line while Secure Boot is off. (Under Secure Boot OVMF refuses its
# unsigned shell, so the rule that ignores them then is not booted here.)
$(eval $(call boot_case,efi-x86-shell-args,--efi-shell 'console=ttyS0 panic=-1 from=shell' \
	--kernel $(CLOUD) --expect-cmdline 'console=ttyS0 panic=-1 from=shell'))
# Signed with Debian's snakeoil key under OVMF's Secure Boot: the kernel
# must see Secure Boot on (boot_params.secure_boot).
$(eval $(call boot_case,efi-x86-secure-boot,--efi --secure-boot --kernel $(CLOUD) \
	--expect-console 'secureboot: Secure boot enabled'))
# The stub hand-off: the kernel's EFI stub, initrd through LoadFile2.
$(eval $(call boot_case,efi-x86-stub,--stub --kernel $(CLOUD) --mem 1G --smp 2 \
	--cmdline '$(QUOTED)'))
# A damaged kernel: an error status back to the firmware, which goes on.
$(eval $(call boot_case,efi-x86-bad-magic,$(EFI) --kernel $(CLOUD) \
	--patch-efi '0x202 4 0x21524448' \
	--expect-error 'bootshim: error: kernel: header magic is 0x21524448'))

# ---- issue 9: x86 bare-metal hardening
# 128 MiB below 4 GiB, the rest above: the 64 MiB initrd fits only above
# 4 GiB, which the entry must have identity-mapped before copying it there
# (2 MiB pages: QEMU's default CPU lacks pdpe1gb; 1 GiB pages with -cpu max).
LOW128M := --machine q35$(comma)max-ram-below-4g=128M --mem 1G --blob 67108864 --initrd raw \
	--expect-high-mem --expect-console '\[0x1[0-9a-f]{8}\.\.0x[0-9a-f]{9}\] => initrd'
$(eval $(call boot_case,xrom-q35-low128m-initrd-64m,--rom --kernel $(CLOUD) $(LOW128M) \
	--expect-console 'identity map up to 0x138000000 \(2 MiB pages above 4 GiB\)' \
	--expect-console 'TSC frequency [0-9]+ kHz$(comma) from the PIT over'))
# ... with RDRAND (and RDSEED where QEMU has it) for the kernel's seed.
$(eval $(call boot_case,xrom-q35-low128m-cpu-max,--rom --kernel $(CLOUD) $(LOW128M) \
	--qemu-arg -cpu --qemu-arg max \
	--expect-console 'identity map up to 0x140000000 \(1 GiB pages above 4 GiB\)' \
	--expect-console 'bootshim: entropy: 64 bytes from (RDSEED|RDRAND)'))
# A fault in the shim is reported and stops the machine (isa-debug-exit),
# rather than resetting it silently: a faulting instruction planted in the
# built shim (no test hook ships in it), at the first function after the
# entry sets up, before any memory map is read. PVH: a load from 512 GiB,
# which no identity map covers (#PF); shim.rom: ud2 (#UD).
$(eval $(call boot_case,pvh-fault-pf,--kernel $(CLOUD) --patch-code 'pvh_parse 48a10000000080000000' \
	--expect-error 'bootshim: error: cpu: exception 14 at 0x[0-9a-f]+ \(#PF page fault$(comma) error code 0x0$(comma) cr2 0x8000000000\)'))
$(eval $(call boot_case,xrom-fault-ud,--rom --kernel $(CLOUD) --patch-code 'fw_cfg_init 0f0b' \
	--expect-error 'bootshim: error: cpu: exception 6 at 0x[0-9a-f]+ \(#UD invalid opcode$(comma) error code 0x0$(comma) rsp 0x[0-9a-f]+\)'))
# microvm: no CPUID leaf gives the TSC frequency under TCG and there is no
# port 0x61 for the PIT's channel 2 gate (it reads 0xff): the shim must say
# so and report ticks, not a frequency measured against nothing. Debian's
# kernel cannot calibrate there either: tsc_early_khz.
$(eval $(call boot_case,pvh-microvm,--kernel $(CLOUD) --machine microvm --expect-ticks \
	--cmdline 'console=ttyS0 panic=-1 tsc_early_khz=2000000' \
	--expect-console 'TSC frequency unknown: no CPUID leaf states it$(comma) no PIT channel 2 gate'))

# ---- aarch64: shim.img, booted as a Linux Image by QEMU and by U-Boot.
ARM := --arch aarch64 --init $(ARM_INIT)
QUOTED_ARM := $(subst ttyS0,ttyAMA0,$(QUOTED))

$(eval $(call boot_case,img-cloud-512m,$(ARM) --kernel $(ARM_CLOUD) --mem 512M \
	--cmdline '$(QUOTED_ARM)'))
$(eval $(call boot_case,img-generic-2g,$(ARM) --kernel $(ARM_GENERIC) --mem 2G --smp 4 \
	--cmdline '$(QUOTED_ARM)'))
# RAM above 4 GiB, and a 32 MiB uncompressed initrd.
$(eval $(call boot_case,img-6g-initrd-32m,$(ARM) --kernel $(ARM_CLOUD) --mem 6G \
	--blob 33554432 --initrd raw --expect-high-mem))
# Entered at EL2: the kernel must start at EL2 too.
$(eval $(call boot_case,img-el2,$(ARM) --kernel $(ARM_CLOUD) --machine virt$(comma)virtualization=on \
	--smp 2))
$(eval $(call boot_case,img-cmdline-max,$(ARM) --kernel $(ARM_CLOUD) --cmdline-len 2047))
# DTB=: the embedded device tree replaces the loader's (its model shows).
$(eval $(call boot_case,img-embedded-dtb,$(ARM) --kernel $(ARM_CLOUD) --embed-dtb \
	--expect-console 'Machine model: bootshim embedded DTB'))
# U-Boot's booti, as on a board.
$(eval $(call boot_case,img-uboot,$(ARM) --kernel $(ARM_CLOUD) --uboot --smp 2))

$(eval $(call boot_case,build-img-cmdline-too-long,$(ARM) --kernel $(ARM_CLOUD) \
	--cmdline-len 2048 --expect-build-error 'CMDLINE: 2048 bytes exceed'))
$(eval $(call boot_case,build-img-zboot,$(ARM) --kernel $(TESTS)/zboot.efi \
	--expect-build-error 'compressed EFI zboot image'))
$(TESTS)/zboot.efi:
	@mkdir -p $(@D)
	printf 'MZ\0\0zimg' | dd of=$@ bs=4096 conv=sync status=none
boot-build-img-zboot: $(TESTS)/zboot.efi


# ---- aarch64: shim.rom as the firmware of QEMU virt (-bios), at each
# exception level QEMU can start it in.
ROM := $(ARM) --rom
$(eval $(call boot_case,rom-el1,$(ROM) --kernel $(ARM_CLOUD) --mem 512M \
	--cmdline '$(QUOTED_ARM)'))
$(eval $(call boot_case,rom-el2-smp4-4g,$(ROM) --kernel $(ARM_GENERIC) --mem 4G --smp 4 \
	--machine virt$(comma)virtualization=on))
$(eval $(call boot_case,rom-el1-4g-initrd-32m,$(ROM) --kernel $(ARM_CLOUD) --mem 4G \
	--blob 33554432 --initrd raw --smp 4))
# secure=on: the shim is the secure firmware at EL3 and boots the kernel
# at non-secure EL1 (or EL2 with virtualization=on); it stays as the PSCI
# firmware, so every CPU runs and the guest powers the machine off
# (tests/boot/firmware-aarch64.mk has the rest).
$(eval $(call boot_case,rom-el3,$(ROM) --kernel $(ARM_CLOUD) --machine virt$(comma)secure=on))
$(eval $(call boot_case,rom-el3-smp4,$(ROM) --kernel $(ARM_GENERIC) --mem 512M \
	--machine virt$(comma)secure=on$(comma)virtualization=on --smp 4))

# ---- aarch64: shim.efi under AAVMF (its default ACPI configuration: a
# fresh DTB carries /chosen and the linux,uefi-* properties).
$(eval $(call boot_case,efi-arm-cloud,$(ARM) --efi --kernel $(ARM_CLOUD) --mem 512M --smp 2 \
	--cmdline '$(QUOTED_ARM)'))
$(eval $(call boot_case,efi-arm-generic-6g,$(ARM) --efi --kernel $(ARM_GENERIC) --mem 6G \
	--smp 2 --expect-high-mem))
$(eval $(call boot_case,efi-arm-shell-args,$(ARM) --efi-shell 'console=ttyAMA0 from=shell' \
	--kernel $(ARM_CLOUD) --expect-cmdline 'console=ttyAMA0 from=shell'))
$(eval $(call boot_case,efi-arm-stub,$(ARM) --stub --kernel $(ARM_CLOUD) --smp 2 \
	--cmdline '$(QUOTED_ARM)'))
$(eval $(call boot_case,efi-arm-bad-magic,$(ARM) --efi --kernel $(ARM_CLOUD) \
	--patch-efi '56 4 0x21524148' \
	--expect-error 'bootshim: error: kernel: Image magic is 0x21524148'))

# ---- Debian 13 (6.12) kernels: each shim flavour boots one of them, both
# kernel flavours on each architecture.
$(eval $(call boot_case,pvh-d13-cloud,--kernel $(D13_CLOUD) --smp 2 --cmdline '$(QUOTED)'))
$(eval $(call boot_case,xrom-d13-generic,$(XROM) --kernel $(D13_GENERIC) --machine q35 --smp 2))
$(eval $(call boot_case,efi-x86-d13-cloud,$(EFI) --kernel $(D13_CLOUD) --mem 512M))
$(eval $(call boot_case,efi-x86-d13-generic-stub,--stub --kernel $(D13_GENERIC) --mem 1G))
$(eval $(call boot_case,img-d13-cloud,$(ARM) --kernel $(D13_ARM_CLOUD) --mem 512M \
	--cmdline '$(QUOTED_ARM)'))
$(eval $(call boot_case,rom-d13-generic,$(ROM) --kernel $(D13_ARM_GENERIC) --mem 1G --smp 2))
$(eval $(call boot_case,efi-arm-d13-cloud,$(ARM) --efi --kernel $(D13_ARM_CLOUD) --mem 512M))

# ---- issue 9: arm64 hardening
# A no-map reservation in the first 2 MiB block of RAM, where the DTB went
# before: booting.rst keeps the DTB out of any 2 MiB block that must be
# mapped with other attributes, so it must now start at 0x40200000 or above.
$(eval $(call boot_case,img-dtb-nomap-block,$(ARM) --kernel $(ARM_CLOUD) --mem 512M \
	--reserve '0x40180000 0x10000 no-map' \
	--expect-console 'bootshim: \[0x040(0[2-9a-f]|[1-9a-f][0-9a-f])[0-9a-f]{4}\.\.0x[0-9a-f]+\] => dtb'))
# An unexpected exception in the shim is reported, then the machine stops
# with a failure status: bootshim_main starts with a load from 4 GiB, where
# QEMU has no RAM (-m 512M): movz x0, #1, lsl #32; ldr x1, [x0]. A data
# abort at EL1, and at EL2 through the other vector table.
FAULT_LOAD := --patch-code 'bootshim_main 2000c0d2010040f9' --expect-error \
	'bootshim: error: cpu: exception 0x25 at 0x[0-9a-f]+ \(data abort$(comma) current EL$(comma) ESR 0x9[67][0-9a-f]{6}$(comma) FAR 0x100000000\)'
$(eval $(call boot_case,img-exception-el1,$(ARM) --kernel $(ARM_CLOUD) --mem 512M $(FAULT_LOAD)))
$(eval $(call boot_case,img-exception-el2,$(ARM) --kernel $(ARM_CLOUD) --mem 512M \
	--machine virt$(comma)virtualization=on $(FAULT_LOAD)))
# EL3 (secure=on), with a GICv3, without and with EL2: the shim announces
# the EL3 registers as read back after its set-up. The enables must match
# what -cpu max has (pointer authentication, SVE, SME with FA64, HCX; more
# on newer QEMU): booting.rst's FEAT_SME_FA64 "SMCR_EL3.FA64 (bit 31) must
# be initialised to 0b1", MDCR_EL3 without TDA and TPM, and HCE, FGTEn,
# ECVEn, HXEn, FGTEn2 only where EL2 exists.
EL3_REST := CPTR_EL3 0x[0-9a-f]+ \(EZ ESM\), MDCR_EL3 0x[0-9a-f]+( \(EnPM2( EnPMS3)?\)| \(EnPMS3\))?, SMCR_EL3 0x[0-9a-f]+ \(FA64( EZT0)?\)$$$$
$(eval $(call boot_case,rom-el3-gicv3-sysregs,$(ROM) --kernel $(ARM_CLOUD) \
	--machine virt$(comma)secure=on$(comma)gic-version=3 \
	--expect-console 'bootshim: EL3: SCR_EL3 0x[0-9a-f]+ \(APK API( ATA)?( GCSEn)? EnTP2( TCR2En)?( PIEn)?\)$(comma) $(EL3_REST)' \
	--expect-console 'GICv3: CPU0: found redistributor'))
$(eval $(call boot_case,rom-el3-el2-gicv3-sysregs,$(ROM) --kernel $(ARM_CLOUD) \
	--machine virt$(comma)secure=on$(comma)virtualization=on$(comma)gic-version=3 \
	--expect-console 'bootshim: EL3: SCR_EL3 0x[0-9a-f]+ \(HCE APK API( ATA)?( FGTEn)?( ECVEn)? HXEn( GCSEn)? EnTP2( TCR2En)?( PIEn)?( FGTEn2)?\)$(comma) $(EL3_REST)' \
	--expect-console 'GICv3: CPU0: found redistributor'))

# ---- The negative boot matrix: one row per hostile input that slipped
# past the build (or that the build cannot see: the machine, the loader's
# DTB, the firmware's tables). Each must end in "bootshim: error: <field>:
# <value>" and a failure exit (x86: isa-debug-exit, QEMU status 3; arm64:
# semihosting, status 1) within NEG_WITHIN seconds: never a hang, a reset
# (-no-reboot makes it a clean exit) or a jump to the kernel.
#   neg: name, how it boots and what is hostile, the error after "bootshim: error: "
NEG_WITHIN := 30
define neg
$(call boot_case,$(1),$(2) --within $(NEG_WITHIN) --expect-error 'bootshim: error: $(3)')
endef
HDR := --kernel $(CLOUD) --patch
HEAD := .payload.kernel_head
# x86 setup header (boot.rst offsets), one field at a time, through shim.elf
# (PVH); shim.rom and shim.efi run the same parser (shim/x86_64_boot.c).
$(eval $(call neg,pvh-bad-boot-flag,$(HDR) '$(HEAD) 0x1fe 2 0x55aa',kernel: boot_flag is 0x55aa))
$(eval $(call neg,pvh-bad-header-end,$(HDR) '$(HEAD) 0x201 1 0x00',kernel: setup header end 0x202 is outside))
$(eval $(call neg,pvh-bad-magic,$(HDR) '$(HEAD) 0x202 4 0x21524448',kernel: header magic is 0x21524448))
$(eval $(call neg,pvh-bad-version,$(HDR) '$(HEAD) 0x206 2 0x020b',kernel: version 0x020b: boot protocol 2.11))
$(eval $(call neg,pvh-bad-setup-sects,$(HDR) '$(HEAD) 0x1f1 1 0x3f',kernel: setup_sects 63))
$(eval $(call neg,pvh-bad-loadflags,$(HDR) '$(HEAD) 0x211 1 0x80',kernel: loadflags 0x80 lacks LOADED_HIGH))
$(eval $(call neg,pvh-bad-xloadflags,$(HDR) '$(HEAD) 0x236 2 0x7e',kernel: xloadflags 0x007e lacks XLF_KERNEL_64))
$(eval $(call neg,pvh-bad-kernel-alignment,$(HDR) '$(HEAD) 0x230 4 0x3000',kernel: kernel_alignment 0x3000 is not a power of two))
$(eval $(call neg,pvh-bad-kernel-alignment-2g,$(HDR) '$(HEAD) 0x230 4 0x80000000',kernel: kernel_alignment 0x80000000 is not))
$(eval $(call neg,pvh-bad-pref-address,$(HDR) '$(HEAD) 0x258 8 0x1000800',kernel: pref_address 0x1000800 is not page aligned))
$(eval $(call neg,pvh-bad-pref-address-4g,$(HDR) '$(HEAD) 0x258 8 0xfff00000',kernel: pref_address 0xfff00000 \+ init_size 0x[0-9a-f]+ is beyond 4 GiB))
$(eval $(call neg,pvh-bad-init-size-0,$(HDR) '$(HEAD) 0x260 4 0',kernel: init_size is 0))
$(eval $(call neg,pvh-bad-init-size-4g,$(HDR) '$(HEAD) 0x260 4 0xfffff000',kernel: pref_address 0x1000000 \+ init_size 0xfffff000 is beyond 4 GiB))
$(eval $(call neg,pvh-bad-initrd-addr-max,$(HDR) '$(HEAD) 0x22c 4 0x7ffff',kernel: initrd_addr_max 0x7ffff is below 1 MiB))
$(eval $(call neg,pvh-bad-cmdline-size-0,$(HDR) '$(HEAD) 0x238 4 0',kernel: cmdline_size is 0))
$(eval $(call neg,pvh-bad-cmdline-size,$(HDR) '$(HEAD) 0x238 4 8',cmdline: 22 bytes exceed the kernel.s cmdline_size 8))
# A truncated kernel: syssize (0x1f4, 16-byte units) claims more
# protected-mode code than was embedded.
$(eval $(call neg,pvh-truncated-kernel,$(HDR) '$(HEAD) 0x1f4 4 0x10000000',kernel: syssize 0x10000000))
# ... and the build, given a truncated file, must refuse it the same way.
$(eval $(call boot_case,build-truncated-kernel,--kernel $(TESTS)/truncated.bzimage \
	--expect-build-error 'KERNEL=.*syssize 0x[0-9a-f]+'))
$(TESTS)/truncated.bzimage: $(DOWNLOADS)/debian/amd64/vmlinuz-cloud
	@mkdir -p $(@D)
	head -c 8388608 $< >$@
boot-build-truncated-kernel: $(TESTS)/truncated.bzimage
# Memory: a kernel whose init_size RAM cannot hold, RAM smaller than the
# real kernel's init_size (51.5 MiB), and an initrd (104 MiB) larger than
# all RAM (96 MiB, where the kernel fits).
$(eval $(call neg,pvh-no-room,$(HDR) '$(HEAD) 0x260 4 0x7000000' --mem 128M,kernel: no room for 0x7000000 bytes))
$(eval $(call neg,xrom-ram-below-init-size,--rom --kernel $(CLOUD) --mem 40M,kernel: no room for 0x3378000 bytes))
$(eval $(call neg,xrom-initrd-over-ram,--rom --kernel $(CLOUD) --mem 96M --blob 109051904 --initrd raw,initrd: no room for 0x[0-9a-f]+ bytes))
$(eval $(call neg,xrom-bad-magic,--rom $(HDR) '$(HEAD) 0x202 4 0x21524448',kernel: header magic is 0x21524448))
# shim.rom running a hostile etc/table-loader (tests/boot/hostile-loader.py).
$(eval $(call neg,xrom-loader-pointer-oob,--rom --kernel $(CLOUD) --table-loader pointer-oob,table-loader: ADD_POINTER: offset 4294967280\+4 outside .etc/e820.))
$(eval $(call neg,xrom-loader-checksum-oob,--rom --kernel $(CLOUD) --table-loader checksum-oob,table-loader: ADD_CHECKSUM: range outside .etc/e820. \(40 bytes\): checksum at 0 over 16\+4294967280))
$(eval $(call neg,xrom-loader-write-pointer-oob,--rom --kernel $(CLOUD) --table-loader write-pointer-oob,table-loader: WRITE_POINTER: offsets 4294967280/0 outside .etc/e820.))
$(eval $(call neg,xrom-loader-allocate-unknown,--rom --kernel $(CLOUD) --table-loader allocate-unknown,table-loader: ALLOCATE: no fw_cfg file .etc/no-such-file.))
# arm64: the Image header, and an image_size RAM cannot hold.
$(eval $(call neg,img-bad-magic,$(ARM) --kernel $(ARM_CLOUD) --patch '.payload.kernel 56 4 0x21524148',kernel: Image magic is 0x21524148))
$(eval $(call neg,rom-ram-below-image-size,$(ROM) --kernel $(ARM_CLOUD) --mem 24M,kernel: no room for 0x[0-9a-f]+ bytes))
$(eval $(call neg,img-image-size-over-ram,$(ARM) --kernel $(ARM_CLOUD) --mem 128M --patch '.payload.kernel 16 8 0x10000000',kernel: no room for 0x10000000 bytes))
# 128 MiB of RAM, 32 MiB of it reserved in the DTB where the 56 MiB initrd
# sits: what is left cannot hold it anywhere.
$(eval $(call neg,img-initrd-no-room,$(ARM) --kernel $(ARM_CLOUD) --mem 128M --blob 58720256 --initrd raw --reserve '0x41000000 0x2000000',initrd: no room for 0x[0-9a-f]+ bytes))
$(eval $(call neg,rom-bad-magic,$(ROM) --kernel $(ARM_CLOUD) --patch '.payload.kernel 56 4 0x21524148',kernel: Image magic is 0x21524148))
$(eval $(call neg,rom-el3-bad-magic,$(ROM) --kernel $(ARM_CLOUD) --machine virt$(comma)secure=on --patch '.payload.kernel 56 4 0x21524148',kernel: Image magic is 0x21524148))
# A hostile DTB in x0 (tests/boot/x0-trampoline.S stands in for a loader).
X0 := $(ARM) --kernel $(ARM_CLOUD) --x0-dtb
# Until a DTB names the PL011, errors go out through semihosting.
$(eval $(call neg,img-dtb-bad-magic,$(X0) bad-magic,dtb: FDT_ERR_BADMAGIC))
$(eval $(call neg,img-dtb-totalsize-past-ram,$(X0) totalsize-past-ram,dtb: totalsize 1048576 .*RAM))
$(eval $(call neg,img-dtb-address-cells-0,$(X0) address-cells-0,dtb: #address-cells is 0))
$(eval $(call neg,img-dtb-address-cells-5,$(X0) address-cells-5,dtb: #address-cells 5 is not 1 or 2))
# A /memory that covers only the shim: the blob itself lies outside it.
$(eval $(call neg,img-dtb-memory-only-shim,$(X0) memory-only-shim,dtb: totalsize [0-9]+ at 0x[0-9a-f]+ is not all in the RAM /memory describes))

# Measured boot and Secure Boot (issue 10), one file per area.
include tests/boot/measure-x86_64.mk tests/boot/measure-aarch64.mk tests/boot/measure-efi.mk
# Firmware duties (issue 11): aarch64 shim.rom as the EL3 PSCI firmware;
# x86_64 shim.rom on pc, q35 and microvm.
include tests/boot/firmware-aarch64.mk
include tests/boot/firmware-x86_64.mk
# riscv64 (issue 12): its flavours' cases.
include tests/boot/riscv64.mk
# shim.efi under U-Boot's bootefi, aarch64 and riscv64 (issue 12).
include tests/boot/efi-uboot.mk

check-boot: $(BOOT_CASES)

.PHONY: check-boot $(BOOT_CASES)
