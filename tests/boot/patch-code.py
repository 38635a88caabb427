#!/usr/bin/env python3
"""patch-code.py ELF SYMBOL HEXBYTES [FLAT]

Overwrite the first bytes of function SYMBOL with HEXBYTES (machine code),
in an ELF64 file or, given FLAT, in the flat binary objcopy made of it
(which starts at the lowest load address). The symbol's run-time address is
mapped through the program headers to where its bytes are stored, so code
that is copied before it runs (shim.rom's .text, loaded in ROM, run in RAM)
is patched at its load address.
The fault tests use it to plant a faulting instruction in a shipped shim,
where a real bug would fault: no test hook is built into the shim."""
import struct
import subprocess
import sys


def symbol_address(path, name):
    for line in subprocess.run(["nm", path], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name and parts[1] in "Tt":
            return int(parts[0], 16)
    sys.exit(f"patch-code: no function {name} in {path}")


def load_segments(data):
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, p_paddr, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and p_filesz:
            yield p_offset, p_vaddr, p_paddr, p_filesz


def main():
    path, name, code = sys.argv[1:4]
    code = bytes.fromhex(code)
    data = bytearray(open(path, "rb").read())
    addr = symbol_address(path, name)
    segs = list(load_segments(data))
    seg = next((s for s in segs if s[1] <= addr and addr + len(code) <= s[1] + s[3]), None)
    if seg is None:
        sys.exit(f"patch-code: {name} at {addr:#x} is in no loaded segment")
    p_offset, p_vaddr, p_paddr, _ = seg
    at = p_offset + addr - p_vaddr
    if len(sys.argv) > 4:
        path = sys.argv[4]
        at = p_paddr + addr - p_vaddr - min(s[2] for s in segs)
        data = bytearray(open(path, "rb").read())
    data[at:at + len(code)] = code
    open(path, "wb").write(data)


main()
