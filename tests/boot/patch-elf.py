#!/usr/bin/env python3
"""patch-elf.py ELF SECTION OFFSET SIZE VALUE [FLAT]

Overwrite SIZE (1, 2, 4 or 8) bytes, little-endian, at OFFSET inside
SECTION of an ELF64 file, or, given FLAT, inside the flat binary objcopy
made of it (linked at 0, so the section's address is its offset there).
The negative boot tests use it to damage a payload after the build has
validated it, as bit rot or a bad flash write would."""
import struct
import sys


def section_file_offset(data, name):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def sh(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    strtab_off = sh(shstrndx)[4]
    for i in range(shnum):
        s = sh(i)
        n = data[strtab_off + s[0]:].split(b"\0", 1)[0].decode()
        if n == name:
            return s[3], s[4], s[5]
    sys.exit(f"patch-elf: no section {name}")


def main():
    path, name, off, size, value = sys.argv[1:6]
    off, size, value = int(off, 0), int(size), int(value, 0)
    data = bytearray(open(path, "rb").read())
    addr, base, length = section_file_offset(data, name)
    if len(sys.argv) > 6:
        path = sys.argv[6]
        data = bytearray(open(path, "rb").read())
        base = addr
    if off + size > length:
        sys.exit(f"patch-elf: {name}+{off:#x} is past its {length:#x} bytes")
    data[base + off:base + off + size] = value.to_bytes(size, "little")
    open(path, "wb").write(data)


main()
