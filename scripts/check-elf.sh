#!/bin/sh
# check-elf.sh KIND FILE: refuse an image a loader would reject or misload.
# KIND (a flavour row's CHECK column): pvh, img, rom, efi. A RELATIVE
# relocation is the image's own arch's (R_X86_64_, R_AARCH64_, R_RISCV_...).
set -eu
kind=$1 f=$2
fail() { echo "bootshim: error: $f: $*" >&2; exit 1; }
case $kind in
pvh)
	# QEMU and other VMMs find the entry in a PT_NOTE: Xen, type 0x12.
	readelf -n "$f" | grep -q 'Xen .*0x00000012\|Xen .*Unknown note type: (0x00000012)' ||
		fail "no XEN_ELFNOTE_PHYS32_ENTRY note: a VMM would not start it as PVH"
	readelf -lW "$f" | grep -q 'NOTE' || fail "the PVH note is not in a PT_NOTE segment"
	# Everything is linked at fixed addresses: no relocations may remain.
	[ -z "$(readelf -rW "$f" | grep -v 'There are no relocations')" ] ||
		fail "unexpected relocations"
	;;
img)
	# shim.img relocates itself and handles RELATIVE relocations only.
	bad=$(readelf -rW "$f" | awk '/^[0-9a-f]+ /{print $3}' | grep -v '^R_[A-Z0-9_]*_RELATIVE$' |
		sort -u)
	[ -z "$bad" ] || fail "relocations the shim cannot apply: $bad"
	[ -z "$(nm -u "$f")" ] || fail "undefined symbols: $(nm -u "$f" | tr '\n' ' ')"
	;;
rom)
	[ -z "$(readelf -rW "$f" | grep -v 'There are no relocations')" ] ||
		fail "unexpected relocations: shim.rom executes where it is linked"
	[ -z "$(nm -u "$f")" ] || fail "undefined symbols: $(nm -u "$f" | tr '\n' ' ')"
	;;
efi)
	# The firmware loader applies base relocations only; everything must
	# be defined inside the image.
	bad=$(readelf -rW "$f" | awk '/^[0-9a-f]+ /{print $3}' | grep -v '^R_[A-Z0-9_]*_RELATIVE$' |
		sort -u)
	[ -z "$bad" ] || fail "relocations a UEFI loader cannot apply: $bad"
	undef=$(nm -u "$f")
	[ -z "$undef" ] || fail "undefined symbols: $(echo $undef)"
	;;
*) echo "check-elf: unknown kind $kind" >&2; exit 2 ;;
esac
