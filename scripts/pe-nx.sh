#!/bin/sh
# pe-nx.sh FILE: set IMAGE_DLLCHARACTERISTICS_NX_COMPAT (0x0100) in a PE32+
# image's optional header, which objcopy cannot set: the image asks the
# firmware to map it W^X (its code never writes itself, its data never
# runs). The CheckSum, which objcopy computed over the old bytes, is zeroed:
# UEFI loaders do not check it, and the Authenticode hash leaves it out.
set -eu
f=$1
u() { od -An -t "u$2" -j "$1" -N "$2" "$f" | tr -d ' '; }
put16() { # OFFSET VALUE, little-endian
	printf "$(printf '\\%03o\\%03o' $(($2 & 255)) $(($2 >> 8)))" |
		dd of="$f" bs=1 seek="$1" conv=notrunc status=none
}
pe=$(u 60 4)
opt=$((pe + 24))
[ "$(u "$opt" 2)" = 523 ] || { echo "bootshim: error: $f: not a PE32+ image" >&2; exit 1; }
dll=$(u $((opt + 70)) 2)
put16 $((opt + 70)) $((dll | 0x100))
put16 $((opt + 64)) 0
put16 $((opt + 66)) 0
