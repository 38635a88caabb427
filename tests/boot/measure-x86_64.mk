# Measured boot cases (x86): see tests/boot/boot.mk for the row format.
# Both Debian amd64 kernels build the TPM TIS driver in (CONFIG_TCG_TIS=y).

# ---- shim.rom is the firmware: it starts the TPM, measures itself into
# PCR 0 and the payload into PCR 11, and keeps the event log that QEMU's
# ACPI TPM2 table points at. The guest's PCR 11 must be the build's
# pcr11.txt, and the log the kernel exposes must replay to the guest's
# PCRs (0 and 11).
XTPM := --tpm --expect-pcr 11=@pcr11 --expect-eventlog
TPM_VIA := '^bootshim: measured boot: PCR 11 via TPM 2.0 TIS at 0xfed40000$$$$'
TPM_LOG := '^bootshim: measured boot: event log at 0x[0-9a-f]+, 65536 bytes \(ACPI TPM2 LASA/LAML\)$$$$'
$(eval $(call boot_case,xrom-pc-tpm,$(XROM) --kernel $(CLOUD) $(XTPM) --keep \
	--expect-console $(TPM_VIA) --expect-console $(TPM_LOG) \
	--expect-console '^bootshim: measured boot: platform hierarchy disabled$$$$'))
$(eval $(call boot_case,xrom-q35-tpm,$(XROM) --kernel $(GENERIC) --machine q35 $(XTPM) \
	--expect-console $(TPM_VIA)))
# Another command line: another prediction, which the guest's PCR 11 must
# hold too (boot-xrom-tpm-cmdline-differs checks the two predictions differ).
$(eval $(call boot_case,xrom-pc-tpm-cmdline,--rom --kernel $(CLOUD) $(XTPM) --keep \
	--cmdline '$(QUOTED)'))
# A TPM with a SHA-1 bank beside SHA-256: only SHA-256 is extended, and the
# console names the bank left alone.
$(eval $(call boot_case,xrom-pc-tpm-sha1,--rom --kernel $(CLOUD) --tpm-banks sha1$(comma)sha256 \
	--expect-pcr 11=@pcr11 --expect-eventlog \
	--expect-console '^bootshim: warning: measured boot: PCR bank SHA-1 .*only SHA-256 is extended'))
# No TPM: the boot goes on and the console says why nothing was measured.
$(eval $(call boot_case,xrom-pc-no-tpm,--rom --kernel $(CLOUD) \
	--expect-console '^bootshim: measured boot: off \(no TPM at 0xfed40000\)$$$$'))

# The two predictions of the rows above that differ only in the command line.
BOOT_CASES += boot-xrom-tpm-cmdline-differs
boot-xrom-tpm-cmdline-differs: boot-xrom-pc-tpm boot-xrom-pc-tpm-cmdline
	@a=$$(cat $(TESTS)/xrom-pc-tpm/o/x86_64/pcr11.txt); \
	b=$$(cat $(TESTS)/xrom-pc-tpm-cmdline/o/x86_64/pcr11.txt); \
	if [ -n "$$a" ] && [ "$$a" != "$$b" ]; then \
		echo "PASS xrom-tpm-cmdline-differs (pcr11.txt $$a vs $$b)"; \
	else echo "FAIL xrom-tpm-cmdline-differs: pcr11.txt '$$a' and '$$b'"; exit 1; fi

# PCR 0's event covers what the README says: the last 256 KiB of shim.rom
# (everything but the payload), as the guest's event log shows it.
BOOT_CASES += boot-xrom-tpm-pcr0
boot-xrom-tpm-pcr0: boot-xrom-pc-tpm
	@d=$$(tail -c 262144 $(TESTS)/xrom-pc-tpm/o/x86_64/shim.rom | sha256sum | cut -d' ' -f1); \
	if tpm2_eventlog $(TESTS)/xrom-pc-tpm/eventlog.bin | \
		awk '/PCRIndex:/ { pcr = $$2 } /EventType:/ { type = $$2 } \
		     /Digest:/ && pcr == 0 && type == "EV_POST_CODE" { gsub(/"/, "", $$2); print $$2 }' | \
		grep -qx "$$d"; then \
		echo "PASS xrom-tpm-pcr0 (PCR 0 EV_POST_CODE digest $$d)"; \
	else echo "FAIL xrom-tpm-pcr0: no PCR 0 EV_POST_CODE event with digest $$d"; exit 1; fi

# ---- shim.elf after a firmware. SeaBIOS (QEMU's -kernel) starts the TPM
# and keeps a log: the shim extends PCR 11 and appends its events to that
# log, which must still replay (PCR 11 included).
$(eval $(call boot_case,pvh-tpm-seabios,--kernel $(CLOUD) $(XTPM) --expect-console $(TPM_VIA) \
	--expect-console '^bootshim: measured boot: appending to the firmware.s event log at 0x'))
# SeaBIOS's log with a SHA-1 bank beside SHA-256: its events carry SHA-1
# digests the shim does not compute, so PCR 11 is extended and not logged,
# and the console says so; the log still replays (PCRs 0-7).
$(eval $(call boot_case,pvh-tpm-seabios-sha1,--kernel $(CLOUD) --tpm-banks sha1$(comma)sha256 \
	--expect-pcr 11=@pcr11 --expect-eventlog --expect-console \
	'^bootshim: note: measured boot: PCR 11 is extended without logging: the firmware.s event log has digests of banks other than SHA-256'))
# (A TPM present but not started, which the shim leaves alone, has no case:
# QEMU's other x86 firmware, qboot, gives PVH no memory map.)
$(eval $(call boot_case,pvh-no-tpm,--kernel $(CLOUD) \
	--expect-console '^bootshim: measured boot: off \(no TPM at 0xfed40000\)$$$$'))
