#!/usr/bin/env python3
"""patch-efi.py KERNEL SHIM OFFSET SIZE VALUE: damage the kernel embedded in
SHIM (a shim.efi, signed or not), found by the kernel file's first KiB:
SIZE bytes at OFFSET from the kernel's start become VALUE (little-endian)."""
import sys

kernel, shim, off, size, value = sys.argv[1:6]
data = bytearray(open(shim, "rb").read())
at = data.find(open(kernel, "rb").read(1024))
if at < 0:
    sys.exit("patch-efi: kernel not found in " + shim)
off, size = at + int(off, 0), int(size)
data[off:off + size] = int(value, 0).to_bytes(size, "little")
open(shim, "wb").write(data)
