#!/usr/bin/env python3
"""patch-elf.py ELF SECTION OFFSET SIZE VALUE [FLAT]

Overwrite SIZE (1, 2, 4 or 8) bytes, little-endian, at OFFSET inside
SECTION of an ELF64 file, or, given FLAT, inside the flat binary objcopy
made of it (which starts at the lowest load address; payload sections are
loaded where they are linked).
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


def lowest_load_address(data):
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    low = None
    for i in range(phnum):
        p_type, _, _, _, p_paddr, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and p_filesz and (low is None or p_paddr < low):
            low = p_paddr
    return low


def main():
    path, name, off, size, value = sys.argv[1:6]
    off, size, value = int(off, 0), int(size), int(value, 0)
    data = bytearray(open(path, "rb").read())
    addr, base, length = section_file_offset(data, name)
    if len(sys.argv) > 6:
        base = addr - lowest_load_address(data)
        path = sys.argv[6]
        data = bytearray(open(path, "rb").read())
    if off + size > length:
        sys.exit(f"patch-elf: {name}+{off:#x} is past its {length:#x} bytes")
    data[base + off:base + off + size] = value.to_bytes(size, "little")
    open(path, "wb").write(data)


main()
