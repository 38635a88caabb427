#!/bin/sh
# check-pe.sh FILE: refuse a shim.efi the Secure Boot chain would refuse or
# that breaks what the README promises: NX_COMPAT in DllCharacteristics,
# 4 KiB section alignment with every section on a page of its own, no
# section both writable and executable, an .sbat section in SBAT CSV, and
# the .allow section (CMDLINE_ALLOW). The section flags are read from the
# section table itself (objdump -h shows only what BFD makes of them);
# objdump -p and -h show the same for a reader.
set -eu
f=$1
fail() { echo "bootshim: error: $f: $*" >&2; exit 1; }
u() { od -An -t "u$2" -j "$1" -N "$2" "$f" | tr -d ' '; }
IMAGE_DLLCHARACTERISTICS_NX_COMPAT=256
IMAGE_SCN_MEM_EXECUTE=$((0x20000000))
IMAGE_SCN_MEM_WRITE=$((0x80000000))
PAGE=4096

pe=$(u 60 4)
[ "$(od -An -c -j "$pe" -N 4 "$f" | tr -d ' ')" = 'PE\0\0' ] || fail "no PE signature"
nsec=$(u $((pe + 6)) 2)
optsize=$(u $((pe + 20)) 2)
opt=$((pe + 24))
[ "$(u "$opt" 2)" = 523 ] || fail "not PE32+"
align=$(u $((opt + 32)) 4)
[ "$align" = $PAGE ] || fail "SectionAlignment is $align, not $PAGE"
dll=$(u $((opt + 70)) 2)
[ $((dll & IMAGE_DLLCHARACTERISTICS_NX_COMPAT)) -ne 0 ] ||
	fail "DllCharacteristics 0x$(printf %x "$dll") lacks NX_COMPAT (0x100)"
sbat= allow=
i=0
while [ $i -lt "$nsec" ]; do
	s=$((opt + optsize + 40 * i))
	name=$(dd if="$f" bs=1 skip="$s" count=8 status=none | tr -d '\0')
	va=$(u $((s + 12)) 4)
	flags=$(u $((s + 36)) 4)
	[ $((va % PAGE)) -eq 0 ] || fail "section $name at RVA 0x$(printf %x "$va") is not page-aligned"
	if [ $((flags & IMAGE_SCN_MEM_EXECUTE)) -ne 0 ] && [ $((flags & IMAGE_SCN_MEM_WRITE)) -ne 0 ]; then
		fail "section $name is both writable and executable (0x$(printf %x "$flags"))"
	fi
	case $name in
	.sbat) sbat=$(u $((s + 20)) 4) ;;	# its file offset
	.allow) allow=1 ;;
	esac
	i=$((i + 1))
done
[ -n "$sbat" ] || fail "no .sbat section"
[ "$(dd if="$f" bs=1 skip="$sbat" count=7 status=none)" = 'sbat,1,' ] ||
	fail ".sbat does not start with the 'sbat,1,' line"
[ -n "$allow" ] || fail "no .allow section (CMDLINE_ALLOW)"
