# aarch64 shim.rom as the EL3 runtime firmware under -M virt,secure=on
# (issue 11): PSCI 1.1 over SMC, so that every CPU runs, a CPU goes
# offline and online again, and the guest's poweroff and reboot reach the
# machine (QEMU's secure GPIO). boot.py's default already requires QEMU to
# end by itself with status 0 after the report: that is the power-off.
# Included from tests/boot/boot.mk (ROM, ARM_*, D13_ARM_* come from there).

EL3_HOTPLUG := --smp 4 --cmdline 'console=ttyAMA0 panic=-1 bootshim.test.hotplug=1' \
	--expect-hotplug --expect-console 'bootshim: EL3: PSCI 1.1 for 4 CPUs \(smc\)' \
	--expect-console 'psci: PSCIv1\.1 detected in firmware' \
	--expect-console 'smp: Brought up 1 node, 4 CPUs'

# Non-secure EL1, GICv2 (the default) and GICv3; Debian 12 and 13.
$(eval $(call boot_case,rom-el3-psci-gicv2,$(ROM) --kernel $(ARM_CLOUD) --mem 512M \
	--machine virt$(comma)secure=on $(EL3_HOTPLUG)))
$(eval $(call boot_case,rom-el3-psci-gicv3-d13,$(ROM) --kernel $(D13_ARM_CLOUD) --mem 512M \
	--machine virt$(comma)secure=on$(comma)gic-version=3 $(EL3_HOTPLUG) \
	--expect-console 'GICv3: CPU3: found redistributor 3 '))
# Non-secure EL2 (virtualization=on): KVM-capable on every CPU; Debian 12
# cloud, Debian 13 generic.
$(eval $(call boot_case,rom-el3-el2-psci-gicv3,$(ROM) --kernel $(ARM_CLOUD) --mem 1G \
	--machine virt$(comma)secure=on$(comma)virtualization=on$(comma)gic-version=3 $(EL3_HOTPLUG)))
$(eval $(call boot_case,rom-el3-el2-psci-gicv2-d13,$(ROM) --kernel $(D13_ARM_GENERIC) --mem 1G \
	--machine virt$(comma)secure=on$(comma)virtualization=on$(comma)gic-version=2 $(EL3_HOTPLUG)))
# The guest reboots once (PSCI SYSTEM_RESET, QEMU's secure GPIO restart
# line): the shim starts again (two banners), the second boot finds the
# first one's marker on its disk and powers off.
$(eval $(call boot_case,rom-el3-reboot,$(ROM) --kernel $(ARM_CLOUD) --mem 512M --smp 4 \
	--machine virt$(comma)secure=on --cmdline 'console=ttyAMA0 panic=-1 bootshim.test.reboot=1' \
	--expect-reboot --expect-console 'bootshim-guest: rebooting' \
	--expect-console 'reboot: Restarting system'))

# A CPU the firmware cannot identify (QEMU's DTB, cpu@1's reg made one
# byte, given with -dtb): named on the UART, and the machine stops.
$(TESTS)/el3-bad-cpu-reg.dtb:
	@mkdir -p $(@D)
	qemu-system-aarch64 -M virt,secure=on,dumpdtb=$@ -cpu max -smp 2 -m 1G -display none \
		>/dev/null 2>&1
	fdtput -t s $@ /cpus/cpu@1 reg ''
boot-rom-el3-bad-cpu-reg: $(TESTS)/el3-bad-cpu-reg.dtb
$(eval $(call neg,rom-el3-bad-cpu-reg,$(ROM) --kernel $(ARM_CLOUD) --smp 2 --machine virt$(comma)secure=on \
	--qemu-arg -dtb --qemu-arg $(TESTS)/el3-bad-cpu-reg.dtb,dtb: /cpus/cpu@1: reg is 1 bytes$(comma) not an MPIDR of 1 cells))
