# riscv64 boot cases (issue 12), included from tests/boot/boot.mk: Debian
# 13's kernel (trixie: Debian 12 has no riscv64 release) through each
# flavour, compared with what the guest saw as on the other arches.

RV_GENERIC := $(abspath $(DOWNLOADS))/debian13/riscv64/vmlinuz-generic
RV_INIT := $(abspath $(O))/guest/riscv64/init
RV := --arch riscv64 --init $(RV_INIT) --kernel $(RV_GENERIC)

# ---- shim.img, booted as a Linux Image in S-mode by QEMU (-kernel, under
# its bundled OpenSBI 1.1) and by U-Boot's booti (qemu-riscv64_smode).
$(eval $(call boot_case,rv-img-512m,$(RV) --mem 512M --cmdline '$(QUOTED)'))
# One hart and a 32 MiB initrd (gzip, as the demo initrd is).
$(eval $(call boot_case,rv-img-smp1-initrd-32m,$(RV) --mem 512M --smp 1 --blob 33554432))
# Four harts (the kernel starts the others through SBI HSM), RAM past
# 4 GiB, and a 32 MiB uncompressed initrd.
$(eval $(call boot_case,rv-img-4g-smp4-initrd-32m,$(RV) --mem 4G --smp 4 \
	--blob 33554432 --initrd raw --expect-high-mem))
# The command line at riscv's COMMAND_LINE_SIZE less its NUL.
$(eval $(call boot_case,rv-img-cmdline-max,$(RV) --cmdline-len 1023))
# U-Boot's booti, as on a board: it moves the Image to RAM's base plus
# text_offset first.
$(eval $(call boot_case,rv-img-uboot,$(RV) --uboot --smp 2))
# Memory the DTB reserves where the embedded kernel sits (QEMU's tree
# given as -dtb; OpenSBI still adds its own reservation to it): the kernel
# is copied to the next free 2 MiB boundary, then fence.i before the jump.
$(eval $(call boot_case,rv-img-copy,$(RV) --reserve '0x81000000 0x100000' \
	--expect-console 'kernel \(copied 0x[0-9a-f]+ bytes from 0x80400000\)'))

# Bad payloads refused by the build, naming the problem.
$(eval $(call boot_case,build-rv-cmdline-too-long,$(RV) --cmdline-len 1024 \
	--expect-build-error 'CMDLINE: 1024 bytes exceed'))
$(eval $(call boot_case,build-rv-not-image,--arch riscv64 --init $(RV_INIT) --kernel $(RV_INIT) \
	--expect-build-error 'KERNEL=.*magic2 is 0x[0-9a-f]+.*not a RISC-V Image'))

# Damaged after the build: the shim says so, and QEMU exits with status 1
# through virt's test device.
$(eval $(call neg,rv-img-bad-magic2,$(RV) --patch '.payload.kernel 56 4 0x05435358',kernel: Image magic2 is 0x05435358))
$(eval $(call neg,rv-img-big-endian,$(RV) --patch '.payload.kernel 24 8 1',kernel: flags 0x1: a big-endian kernel))
$(eval $(call neg,rv-img-uboot-bad-magic2,$(RV) --uboot --patch '.payload.kernel 56 4 0x05435358',kernel: Image magic2 is 0x05435358))
# DTB=: QEMU's own tree (-machine dumpdtb) lacks the reservation OpenSBI
# adds for itself at boot: refused rather than written over the firmware.
$(eval $(call neg,rv-img-embedded-dtb-unreserved,$(RV) --embed-dtb,dtb: the embedded DTB does not reserve \[0x80000000))

# A fault while the shim runs (ld a0, 0(zero) planted at bootshim_main:
# nothing answers at address 0 on virt): its trap vector reports it and
# stops the machine.
$(eval $(call neg,rv-img-exception,$(RV) --patch-code 'bootshim_main 03350000',cpu: exception 0x05 at 0x[0-9a-f]+ \(load access fault$(comma) scause 0x5$(comma) stval 0x0\)))

# ---- shim.rom, the machine's first code in M-mode (QEMU -bios), handing
# the kernel to the OpenSBI fw_dynamic it embeds: every hart starts in
# the shim, one wins the lottery, the others wait in its hold pen until
# OpenSBI is in place. The guest must see all of them.
RV_ROM := $(RV) --rom
# A report OpenSBI wrote after the shim: its PMP region in the shim's
# firmware window, reserved in the DTB the kernel got.
RV_ROM_RESV := --expect-console 'reserved mem: 0x0*80200000\.\.0x0*8027ffff .*mmode_resv0@80200000'
$(eval $(call boot_case,rv-rom-512m-smp1-initrd-32m,$(RV_ROM) --mem 512M --smp 1 \
	--blob 33554432 --cmdline '$(QUOTED)' $(RV_ROM_RESV)))
$(eval $(call boot_case,rv-rom-512m-smp4-initrd-32m,$(RV_ROM) --mem 512M --smp 4 \
	--blob 33554432 --initrd raw --expect-console 'entering OpenSBI at 0x80200000 on hart [0-3]$(comma) 3 others with it'))
$(eval $(call boot_case,rv-rom-4g-smp1-initrd-32m,$(RV_ROM) --mem 4G --smp 1 \
	--blob 33554432 --initrd raw --expect-high-mem))
$(eval $(call boot_case,rv-rom-4g-smp4-initrd-32m,$(RV_ROM) --mem 4G --smp 4 \
	--blob 33554432 --expect-high-mem --cmdline '$(QUOTED)'))
# The ACLINT's MSWI (aclint=on) rather than the SiFive CLINT wakes the held
# harts.
$(eval $(call boot_case,rv-rom-aclint,$(RV_ROM) --machine virt$(comma)aclint=on --smp 3))
# A hart taken offline and back online by the kernel, through OpenSBI's HSM.
$(eval $(call boot_case,rv-rom-hotplug,$(RV_ROM) --smp 2 \
	--cmdline 'console=ttyS0 panic=-1 bootshim.test.hotplug=1' --expect-hotplug))
# A reset runs the shim again (QEMU reloads the -bios image), on every hart.
$(eval $(call boot_case,rv-rom-reboot,$(RV_ROM) --smp 2 \
	--cmdline 'console=ttyS0 panic=-1 bootshim.test.reboot=1' --expect-reboot))
# OPENSBI=: another fw_dynamic (QEMU's own build of OpenSBI 1.1, PIC too);
# an ELF that is not one (the guest's static /init: two loadable segments)
# is refused by the check at boot, before anything is placed.
$(eval $(call boot_case,rv-rom-qemu-opensbi,$(RV_ROM) --smp 2 \
	--make-arg OPENSBI=/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.elf))
$(eval $(call neg,rv-rom-opensbi-not-fw,$(RV_ROM) --make-arg OPENSBI=$(RV_INIT),opensbi: 2 loadable segments$(comma) not one))
# Damaged after the build: said on the UART, and QEMU exits with status 1
# through the test device, as from shim.img; a trap in the shim is reported
# with mcause, mepc and mtval.
$(eval $(call neg,rv-rom-bad-magic2,$(RV_ROM) --smp 2 --patch '.payload.kernel 56 4 0x05435358',kernel: Image magic2 is 0x05435358))
$(eval $(call neg,rv-rom-trap,$(RV_ROM) --patch-code 'rom_dt_harts 00000000',cpu: exception 2 \(illegal instruction\) at 0x[0-9a-f]+$(comma) mtval 0x0))
# A timebase-frequency (QEMU's DTB, given with -dtb) too large to scale
# the hold pen's wait: refused by name before any hart is released.
$(TESTS)/rv-huge-timebase.dtb:
	@mkdir -p $(@D)
	qemu-system-riscv64 -M virt,dumpdtb=$@ -smp 2 -m 1G -display none >/dev/null 2>&1
	fdtput -t x $@ /cpus timebase-frequency ffffffff ffffffff
boot-rv-rom-huge-timebase: $(TESTS)/rv-huge-timebase.dtb
$(eval $(call neg,rv-rom-huge-timebase,$(RV_ROM) --smp 2 \
	--qemu-arg -dtb --qemu-arg $(TESTS)/rv-huge-timebase.dtb,dtb: /cpus timebase-frequency 18446744073709551615 Hz is out of range))

# Every riscv64 case needs Debian 13's kernel and the riscv64 guest.
$(filter boot-rv-% boot-build-rv-%,$(BOOT_CASES)): $(DOWNLOADS)/debian13/riscv64/vmlinuz-generic \
	$(O)/guest/riscv64/init
