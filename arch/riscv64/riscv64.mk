# Interim standalone build of the riscv64 shims, until issue 12's Part 1
# (the Makefile's flavour table) lands and riscv64 becomes rows of it:
#
#   make -f arch/riscv64/riscv64.mk [O=build] [KERNEL=Image] [INITRD=...] [CMDLINE="..."]
#   make -f arch/riscv64/riscv64.mk run
#
# Debian 13 (trixie) riscv64 packages are fetched with apt-get download
# through a private package list (suite trixie on the host's Debian
# mirror, checked against the installed debian-archive-keyring); the
# cross compiler, QEMU, OpenSBI and U-Boot are the host's Debian 12 ones.

O ?= build
ARCH := riscv64
DEBARCH := riscv64
B := $(O)/riscv64
HOST := $(B)/host
D13 := $(O)/debian13/riscv64
CROSS := riscv64-linux-gnu-
CONSOLE := ttyS0

all: $(B)/shim.img

# ---------------------------------------------------------------- packages
# Debian 13's kernel: an uncompressed Image with the RISC-V header (and an
# EFI stub), which fetch-kernel.sh extracts with its config and modules.
DEFAULT_KERNEL := $(D13)/vmlinuz-generic
$(D13)/vmlinuz-generic:
	@mkdir -p $(@D)
	scripts/fetch-kernel.sh riscv64 generic $@ trixie

# The same private package list fetch-kernel.sh writes and locks (its
# lists directory and lock file): one apt at a time on it.
D13_SOURCES := $(abspath $(D13))/apt-sources-trixie-riscv64.list
D13_LISTS := $(abspath $(D13))/apt-lists-trixie-riscv64
D13_APT := -oAPT::Architecture=riscv64 -oAPT::Architectures=riscv64 \
	-oDir::State::Lists=$(D13_LISTS) -oDir::Etc::SourceList=$(D13_SOURCES) \
	-oDir::Etc::SourceParts=/dev/null $(if $(filter 0,$(shell id -u)),-oAPT::Sandbox::User=root)
# deb-trixie PACKAGE,OUTDIR: download PACKAGE and unpack it into OUTDIR.
define deb-trixie
	@mkdir -p $(D13_LISTS)/partial $(2)/.deb
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"$$(scripts/debian-mirror.sh) trixie main" >$(D13_SOURCES)
	flock $(D13_LISTS).lock sh -c '[ -n "$$(ls $(D13_LISTS) | grep -v partial)" ] || \
		apt-get $(D13_APT) update >/dev/null'
	cd $(2)/.deb && flock $(D13_LISTS).lock apt-get $(D13_APT) download $(1) >/dev/null
	dpkg-deb -x $(2)/.deb/*.deb $(2)
	rm -rf $(2)/.deb
endef
LIBFDT := $(D13)/libfdt
$(LIBFDT)/.stamp:
	$(call deb-trixie,libfdt-dev,$(LIBFDT))
	@touch $@
LIBSSL := $(D13)/libssl
$(LIBSSL)/.stamp:
	$(call deb-trixie,libssl-dev,$(LIBSSL))
	@touch $@
