# shim.rom's firmware duties on QEMU's pc, q35 and microvm (issue 11):
# MTRRs (/proc/mtrr's write-back ranges cover the RAM), q35's PCIe ECAM
# (ACPI MCFG), QEMU's SMBIOS (the DMI product name is the machine's, and
# -smbios type=1,serial=... reaches the guest), -smp 4 everywhere, and a
# virtio-blk disk through PCI (pc, q35) or virtio-mmio (microvm). Rows as
# in boot.mk; included from there.

FW_SERIAL := bootshim-i11-serial
PC_PRODUCT := Standard PC (i440FX + PIIX$(comma) 1996)
Q35_PRODUCT := Standard PC (Q35 + ICH9$(comma) 2009)
FW_X86 := --rom --disk --smp 4 --expect-mtrr --smbios-serial $(FW_SERIAL)
# Debian's kernel cannot calibrate its TSC on microvm under TCG (no CPUID
# leaf, no PIT channel 2 gate), and neither can the shim (ticks).
MICROVM_CMDLINE := --cmdline 'console=ttyS0 panic=-1 tsc_early_khz=2000000' --expect-ticks

$(eval $(call boot_case,xrom-fw-pc-smp4,$(FW_X86) --kernel $(CLOUD) --expect-mcfg 0 \
	--expect-dmi-product '$(PC_PRODUCT)' \
	--expect-console '^bootshim: SMBIOS [23]\.[0-9]+: entry point at 0xf[0-9a-f]{4}'))
$(eval $(call boot_case,xrom-fw-q35-smp4,$(FW_X86) --kernel $(GENERIC) --machine q35 \
	--expect-mcfg 1 --expect-dmi-product '$(Q35_PRODUCT)' \
	--expect-console 'PCI: MMCONFIG at \[mem 0xb0000000-0xbfffffff\] reserved'))
# microvm: no SMBIOS (QEMU serves none there: no DMI), no PCI; its ACPI
# tables describe the CPUs and the virtio-mmio devices.
$(eval $(call boot_case,xrom-microvm-smp4,--rom --disk --smp 4 --expect-mtrr --kernel $(CLOUD) \
	--machine microvm $(MICROVM_CMDLINE) --expect-mcfg 0 --expect-dmi-product none))
# microvm,acpi=off: the MP table describes the CPUs and the I/O APIC (the
# generic kernel: Debian's cloud kernel has no CONFIG_X86_MPPARSE). No
# disk: without ACPI the kernel learns virtio-mmio devices only from
# virtio_mmio.device= (CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, which Debian's
# kernels lack). The guest cannot power off without ACPI.
$(eval $(call boot_case,xrom-microvm-noacpi-smp4,--rom --smp 4 --expect-mtrr --kernel $(GENERIC) \
	--machine microvm$(comma)acpi=off $(MICROVM_CMDLINE) \
	--expect-console '^bootshim: no ACPI: MP table for 4 CPUs at 0xf[0-9a-f]{4}'))
# pc,acpi=off: the same MP table on a PC chipset, with SMBIOS.
$(eval $(call boot_case,xrom-pc-noacpi-smp4,--rom --smp 4 --expect-mtrr --kernel $(GENERIC) \
	--machine pc$(comma)acpi=off --expect-dmi-product '$(PC_PRODUCT)' \
	--expect-console '^bootshim: no ACPI: MP table for 4 CPUs'))
# microvm with RAM above 4 GiB (3 GiB below): three write-back ranges.
$(eval $(call boot_case,xrom-microvm-4g,--rom --expect-mtrr --kernel $(CLOUD) --machine microvm \
	--mem 4G $(MICROVM_CMDLINE) --expect-high-mem \
	--expect-console '^bootshim: MTRRs: default uncached$(comma) 3 write-back ranges'))
# A payload too big to keep the ROM above microvm's devices (the cloud
# kernel and a 3 MiB initrd: more than 16.75 MiB) is refused there, not
# booted into a machine whose I/O APIC the ROM hides.
$(eval $(call neg,xrom-microvm-rom-too-big,--rom --kernel $(CLOUD) --machine microvm \
	--blob 3145728 --initrd raw,microvm: the ROM starts at 0x[0-9a-f]+ and hides microvm.s devices))
# QEMU's SMBIOS 3.0 entry point (_SM3_, 64-bit), where q35 is asked for it.
$(eval $(call boot_case,xrom-q35-smbios3,--rom --kernel $(CLOUD) \
	--machine q35$(comma)smbios-entry-point-type=64 --smbios-serial $(FW_SERIAL) \
	--expect-dmi-product '$(Q35_PRODUCT)' --expect-console '^bootshim: SMBIOS 3\.0: entry point' \
	--expect-console 'SMBIOS 3\.0\.0 present'))
# 1023 MiB of RAM needs 10 write-back ranges, more than QEMU's CPUs have
# (8): SeaBIOS's scheme instead, default write-back with the hole below
# 4 GiB uncached (the guest sees no RAM trimmed: boot.py's RAM checks).
$(eval $(call boot_case,xrom-pc-1023m-mtrr-fallback,--rom --kernel $(CLOUD) --mem 1023M \
	--expect-console '^bootshim: MTRRs: default write-back$(comma) 3 uncached ranges of 8' \
	--expect-console 'REPORT mtrr reg00: base=0x03ff00000 \( 1023MB\)$(comma) size=    1MB$(comma) count=1: uncachable;reg01: base=0x040000000 \( 1024MB\)$(comma) size= 1024MB$(comma) count=1: uncachable;reg02: base=0x080000000 \( 2048MB\)$(comma) size= 2048MB$(comma) count=1: uncachable$$$$'))
# The ROM's layout (linker/x86_64-rom.ld) and its e820 entry: the default
# payload lies right below the shim, and the ROM, reserved as SeaBIOS
# reserves its own, starts within the 16.75 MiB above 0xfef00000.
$(eval $(call boot_case,xrom-pc-rom-compact,--rom --kernel $(CLOUD) \
	--expect-console 'kernel \(copied 0x[0-9a-f]+ bytes from 0xff[0-9a-f]{6}\)' \
	--expect-console 'BIOS-e820: \[mem 0x00000000ff[0-9a-f]{6}-0x00000000ffffffff\] reserved'))
# A 15 MiB initrd does not fit there beside the kernel: the larger blob
# that fits (the initrd) stays above 0xfef00000, the kernel goes right
# below the 3 MiB hole at 0xfec00000, and the whole ROM is reserved.
$(eval $(call boot_case,xrom-q35-rom-split,--rom --kernel $(CLOUD) --machine q35 \
	--blob 15728640 --initrd raw \
	--expect-console 'initrd \(copied 0x[0-9a-f]+ bytes from 0xff[0-9a-f]{6}\)' \
	--expect-console 'kernel \(copied 0x[0-9a-f]+ bytes from 0xfd[0-9a-f]{6}\)' \
	--expect-console 'BIOS-e820: \[mem 0x00000000fd[0-9a-f]{6}-0x00000000ffffffff\] reserved'))
