#!/bin/sh
# mkesp.sh EFI_APP BOOTNAME OUT: a FAT EFI system partition image holding
# EFI_APP at the removable-media path EFI/BOOT/BOOTNAME (mtools: no root,
# no loop devices). Writable to a USB stick as it is.
set -eu
app=$1 name=$2 out=$3
size_kib=$(( ($(stat -c %s "$app") / 1024) + 4096 ))
rm -f "$out.tmp"
dd if=/dev/zero of="$out.tmp" bs=1024 count="$size_kib" status=none
# FAT12/16/32 by size, as mformat chooses; UEFI reads all three.
mformat -i "$out.tmp" -v BOOTSHIM ::
mmd -i "$out.tmp" ::/EFI ::/EFI/BOOT
mcopy -i "$out.tmp" "$app" "::/EFI/BOOT/$name"
mv "$out.tmp" "$out"
echo "bootshim: wrote $out (EFI/BOOT/$name)"
