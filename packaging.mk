# packaging.mk, included by the Makefile: make install, make uninstall,
# make deb, and their tests (check-install, check-deb).
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   every arch's and flavour's
#        payload-free stub in $(PREFIX)/lib/bootshim/<arch>/<flavour>.stub,
#        the bootshim command in $(PREFIX)/bin, its man page in
#        $(PREFIX)/share/man/man1
#   make uninstall [PREFIX=...] [DESTDIR=]        removes exactly those
#   make deb       $(O)/bootshim_<version>_amd64.deb (dpkg-deb): the same
#        files under /usr, for apt install ./bootshim_*.deb on Debian 12

PREFIX ?= /usr/local
DESTDIR ?=
ifeq ($(filter /%,$(PREFIX)),)
$(error PREFIX=$(PREFIX): an absolute directory, such as /usr/local)
endif
BINDIR := $(PREFIX)/bin
STUBSDIR := $(PREFIX)/lib/bootshim
MAN1DIR := $(PREFIX)/share/man/man1

# Every arch's and flavour's stub (the flavour rows, FLAVOURS_<arch>): its
# name under $(STUBSDIR), and where a make of that ARCH builds it
# ($(B)/stubs/<arch>/<flavour>.stub, make stubs); stub_in O,NAME: where
# a build in O has NAME.
STUB_NAMES := $(foreach a,$(ARCHES),$(foreach f,$(FLAVOURS_$(a)),$(a)/$(f).stub))
stub_in = $(1)/$(firstword $(subst /, ,$(2)))/stubs/$(2)

# The flavour rules exist for one ARCH per make: each arch's stubs come
# from a make of that ARCH, one after another (they share $(HOST)).
install-stubs:
	@set -e; for a in $(ARCHES); do \
		$(MAKE) --no-print-directory ARCH=$$a stubs; \
	done

# The installed command looks for its stubs in $(STUBSDIR), which is
# compiled in (BOOTSHIM_STUBS_DIR): a build of its own per PREFIX, beside
# the build's $(HOST)/bootshim (made for the default PREFIX). The sub-make
# builds it with HOST set to INSTALL_HOST, where this rule steps aside.
INSTALL_HOST := $(O)/install-host$(PREFIX)
ifneq ($(abspath $(HOST)),$(abspath $(INSTALL_HOST)))
$(INSTALL_HOST)/bootshim: FORCE
	@$(MAKE) --no-print-directory HOST=$(INSTALL_HOST) PREFIX=$(PREFIX) $@
endif

install: install-stubs $(INSTALL_HOST)/bootshim man/bootshim.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) \
		$(addprefix $(DESTDIR)$(STUBSDIR)/,$(ARCHES))
	install -m 0755 $(INSTALL_HOST)/bootshim $(DESTDIR)$(BINDIR)/bootshim
	install -m 0644 man/bootshim.1 $(DESTDIR)$(MAN1DIR)/bootshim.1
	for s in $(STUB_NAMES); do \
		install -m 0644 $(O)/$${s%%/*}/stubs/$$s $(DESTDIR)$(STUBSDIR)/$$s || exit 1; \
	done

# Exactly what install wrote, and the directories of its own
# ($(STUBSDIR) and its arch directories) once they are empty.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/bootshim $(DESTDIR)$(MAN1DIR)/bootshim.1 \
		$(addprefix $(DESTDIR)$(STUBSDIR)/,$(STUB_NAMES))
	for d in $(addprefix $(DESTDIR)$(STUBSDIR)/,$(ARCHES)) $(DESTDIR)$(STUBSDIR); do \
		if [ -d "$$d" ]; then rmdir "$$d"; fi; \
	done

# ---------------------------------------------------------------- deb
# One package, for the host's Debian architecture (the command; the stubs
# in it are architecture-independent data): make install PREFIX=/usr into
# a staging root laid out as debhelper's (debian/bootshim), the command
# stripped and the man page compressed as Debian policy asks, Depends from
# the command's shared libraries (dpkg-shlibdeps: libc6, libfdt1), md5sums,
# then dpkg-deb with root as every file's owner, rewritten only when its
# bytes change.
DEB_PACKAGE := bootshim
DEB_VERSION ?= $(BOOTSHIM_VERSION)
DEB_ARCH := $(DEBARCH_$(HOST_ARCH))
DEB_MAINTAINER ?= bootshim <bootshim@bootshim.invalid>
DEB_DIR := $(O)/deb
DEB_STAGE := $(DEB_DIR)/debian/$(DEB_PACKAGE)
DEB_FILE := $(O)/$(DEB_PACKAGE)_$(DEB_VERSION)_$(DEB_ARCH).deb
# Every file's time in the package (dpkg-deb clamps to SOURCE_DATE_EPOCH):
# the last commit's, so that the same tree packs the same bytes, and an
# unchanged .deb keeps its time (what is made from it is not made again).
DEB_EPOCH ?= $(or $(shell git log -1 --format=%ct 2>/dev/null),0)
define DEB_DESCRIPTION
Description: boot shim: one bootable file from a Linux kernel, initrd and command line
 bootshim is a freestanding boot shim that carries a Linux kernel, an initrd
 and a kernel command line inside itself, and boots them without a
 bootloader: as a PVH ELF, an x86 or arm64 or RISC-V firmware image (-bios),
 a Linux Image (arm64, RISC-V) or a UEFI application.
 .
 bootshim pack puts a kernel, initrds and a command line into the stub of an
 architecture and flavour, with no compiler, and predicts the PCR 11 value
 of the boot; bootshim inspect says what a shim carries. This package holds
 the command and the stubs of every architecture (x86_64, aarch64,
 riscv64).
endef
export DEB_DESCRIPTION

# The package's files are built in an O of their own (DEB_BUILD), sharing
# the downloads (fetched first, DEB_STAMPS), as the boot tests' builds do:
# nothing else make check runs (make bench in $(O)/<arch>) builds there.
DEB_BUILD := $(O)/deb-build
DEB_MAKE := $(MAKE) --no-print-directory O=$(DEB_BUILD) DOWNLOADS=$(abspath $(DOWNLOADS))

deb: $(DEB_FILE)
# (check-install first: the package is what make install writes)
$(DEB_FILE): FORCE $(DEB_STAMPS) | $(O)/.deps-build $(O)/.deps-deb check-install
	rm -rf $(DEB_DIR)
	@$(DEB_MAKE) install PREFIX=/usr DESTDIR=$(abspath $(DEB_STAGE))
	strip --strip-unneeded --remove-section=.comment --remove-section=.note \
		$(DEB_STAGE)/usr/bin/bootshim
	gzip -9n $(DEB_STAGE)/usr/share/man/man1/bootshim.1
	mkdir -p $(DEB_STAGE)/DEBIAN
	printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' $(DEB_PACKAGE) $(DEB_PACKAGE) \
		>$(DEB_DIR)/debian/control
	cd $(DEB_DIR) && dpkg-shlibdeps -O -e debian/$(DEB_PACKAGE)/usr/bin/bootshim \
		| sed -n 's/^shlibs:Depends=//p' >debian/depends
	@test -s $(DEB_DIR)/debian/depends || \
		{ echo "bootshim: error: dpkg-shlibdeps found no Depends for bootshim" >&2; exit 1; }
	cd $(DEB_STAGE) && find usr -type f | LC_ALL=C sort | xargs md5sum >DEBIAN/md5sums
	{ echo "Package: $(DEB_PACKAGE)"; \
	  echo "Version: $(DEB_VERSION)"; \
	  echo "Architecture: $(DEB_ARCH)"; \
	  echo "Maintainer: $(DEB_MAINTAINER)"; \
	  echo "Installed-Size: $$(du -sk --exclude=DEBIAN $(DEB_STAGE) | cut -f1)"; \
	  echo "Depends: $$(cat $(DEB_DIR)/debian/depends)"; \
	  echo "Section: admin"; \
	  echo "Priority: optional"; \
	  printf '%s\n' "$$DEB_DESCRIPTION"; \
	} >$(DEB_STAGE)/DEBIAN/control
	SOURCE_DATE_EPOCH=$(DEB_EPOCH) dpkg-deb --root-owner-group -Zxz --build $(DEB_STAGE) \
		$@.tmp >/dev/null
	@if cmp -s $@.tmp $@; then rm $@.tmp; w="$@ is up to date"; else mv $@.tmp $@; \
		w="wrote $@"; fi; echo "bootshim: $$w (Depends: $$(cat $(DEB_DIR)/debian/depends))"

# ---------------------------------------------------------------- tests
# check-install: make install into a DESTDIR must write exactly the files
# above, and make uninstall must leave the DESTDIR empty again.
INSTALL_TEST := $(O)/install-test
INSTALL_WANT := $(sort bin/bootshim share/man/man1/bootshim.1 \
	$(addprefix lib/bootshim/,$(STUB_NAMES)))
check-install: $(DEB_STAMPS) | $(O)/.deps-build
	@rm -rf $(INSTALL_TEST)
	@mkdir -p $(O)
	@$(DEB_MAKE) install PREFIX=/opt/bootshim \
		DESTDIR=$(abspath $(INSTALL_TEST)) >$(O)/install-test.log 2>&1 || \
		{ tail -n 20 $(O)/install-test.log; echo "FAIL install"; exit 1; }
	@got=$$(cd $(INSTALL_TEST)/opt/bootshim && find . -type f | sed 's|^\./||' | LC_ALL=C sort); \
	want=$$(printf '%s\n' $(INSTALL_WANT) | LC_ALL=C sort); \
	[ "$$got" = "$$want" ] || { echo "FAIL install: installed"; echo "$$got"; \
		echo "expected"; echo "$$want"; exit 1; }
	@$(INSTALL_TEST)/opt/bootshim/bin/bootshim inspect \
		$(INSTALL_TEST)/opt/bootshim/lib/bootshim/$(firstword $(STUB_NAMES)) | \
		grep -qx 'kernel: none.*' || { echo "FAIL install: a stub is not a shim"; exit 1; }
	@$(DEB_MAKE) uninstall PREFIX=/opt/bootshim \
		DESTDIR=$(abspath $(INSTALL_TEST)) >>$(O)/install-test.log 2>&1
	@left=$$(cd $(INSTALL_TEST) && find . -type f); \
	[ -z "$$left" ] || { echo "FAIL uninstall: left $$left"; exit 1; }
	@echo "PASS install (PREFIX=/opt/bootshim DESTDIR=$(INSTALL_TEST): \
	$(words $(INSTALL_WANT)) files, uninstall removes them)"

# check-deb: the .deb into a fresh Debian 12 root (scripts/chroot-test.sh:
# a copy of the debootstrap root scripts/deb-root.sh makes once and keeps
# in $(DEB_CACHE)), then each arch and flavour packed there by the
# installed command and booted on the host (tests/boot/pack-deb.mk).
DEB_CACHE := $(O)/debian12-root
DEB_ROOT := $(O)/deb-test/root
$(DEB_CACHE)/.stamp: | $(O)/.deps-deb
	scripts/deb-root.sh $(DEB_CACHE)
	@touch $@
$(DEB_ROOT)/.installed: $(DEB_FILE) $(DEB_CACHE)/.stamp scripts/chroot-test.sh
	@mkdir -p $(dir $(DEB_ROOT))
	@scripts/chroot-test.sh $(DEB_CACHE) $(DEB_ROOT) $(DEB_FILE) $(STUB_NAMES)
	@touch $@

include tests/boot/pack-deb.mk

.PHONY: install install-stubs uninstall deb check-install check-deb
