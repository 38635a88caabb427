#!/bin/sh
# kernel-image.sh KERNEL OUT: the uncompressed arm64 Image of KERNEL, which
# may be an Image (Debian 12's and 13's vmlinuz: an Image with its EFI stub)
# or an Image.gz. Anything else, such as an EFI zboot image
# ("MZ" then "zimg", compressed behind a decompressor only UEFI can run),
# is left for the payload check to name.
set -eu
if [ "$(od -An -tx1 -N2 "$1" | tr -d ' ')" = 1f8b ]; then
	gzip -dc "$1" >"$2.tmp"
else
	cp "$1" "$2.tmp"
fi
mv "$2.tmp" "$2"
