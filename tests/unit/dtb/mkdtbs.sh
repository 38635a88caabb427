#!/bin/sh
# Regenerate the test device trees in this directory (tests/unit/test_fdt.c
# and, through tests/fuzz/mkcorpus.py, the fdt fuzz corpus use them).
#
#   tests/unit/dtb/mkdtbs.sh
#
# qemu-virt-*.dtb: QEMU's own virt DTBs (-machine dumpdtb=), with
#   dtb-randomness=off so that /chosen carries no random rng-seed or
#   kaslr-seed and every run writes the same bytes, then passed through
#   `dtc -I dtb -O dtb` to drop the 1 MiB of free space QEMU leaves at the
#   end. The tests assert what these contain (RAM = -m, PSCI method, ...);
#   a different QEMU version may write different, equally valid bytes.
# *.dts: hand-written trees, compiled with dtc. cells32-v16.dtb is
#   cells32.dts as a version 16 blob (dt_patch converts it to 17).
#
# Needs qemu-system-aarch64 (qemu-system-arm) and dtc (device-tree-compiler).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

qemu_dtb() { # name machine-options mem smp
	qemu-system-aarch64 -M "$2,dtb-randomness=off" -cpu max -m "$3" -smp "$4" \
		-display none -machine dumpdtb="$tmp/$1.raw" >/dev/null 2>&1 ||
		{ echo "mkdtbs.sh: qemu-system-aarch64 -M $2 failed" >&2; exit 1; }
	dtc -q -I dtb -O dtb -o "$1.dtb" "$tmp/$1.raw"
}

qemu_dtb qemu-virt-512m virt 512M 1
qemu_dtb qemu-virt-2g-smp4 virt 2G 4
qemu_dtb qemu-virt-6g-smp2 virt 6G 2
qemu_dtb qemu-virt-el2-1g virt,virtualization=on 1G 1
qemu_dtb qemu-virt-secure-1g virt,secure=on 1G 1

for dts in *.dts; do
	dtc -q -I dts -O dtb -o "${dts%.dts}.dtb" "$dts"
done
dtc -q -I dts -O dtb -V 16 -o cells32-v16.dtb cells32.dts

for f in *.dtb; do
	size=$(wc -c <"$f")
	[ "$size" -lt 16384 ] || { echo "mkdtbs.sh: $f is $size bytes" >&2; exit 1; }
	echo "$f: $size bytes"
done
echo "(from $(qemu-system-aarch64 --version | head -n 1); $(dtc --version))"
