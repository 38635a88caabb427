#!/usr/bin/env python3
"""hostile-loader.py KIND OUT: a QEMU table-loader script (etc/table-loader,
hw/acpi/bios-linker-loader.c: 128-byte little-endian commands) with one
command that points outside its blob, for the negative boot tests. The
machine runs with acpi=off, so QEMU offers no script of its own; the blob
is etc/e820, which every x86 QEMU machine has. KIND: pointer-oob,
checksum-oob, write-pointer-oob, allocate-unknown."""
import struct
import sys

ALLOCATE, ADD_POINTER, ADD_CHECKSUM, WRITE_POINTER = 1, 2, 3, 4
ZONE_HIGH = 1
NAME = 56
BLOB = b"etc/e820"
FAR = 0xfffffff0  # an offset no fw_cfg file reaches


def name(n):
    return n.ljust(NAME, b"\0")


def cmd(*fields):
    c = b"".join(fields)
    return c + b"\0" * (128 - len(c))


def allocate(n):
    return cmd(struct.pack("<I", ALLOCATE), name(n), struct.pack("<IB", 64, ZONE_HIGH))


SCRIPTS = {
    "pointer-oob": [allocate(BLOB), cmd(struct.pack("<I", ADD_POINTER), name(BLOB), name(BLOB),
                                        struct.pack("<IB", FAR, 4))],
    "checksum-oob": [allocate(BLOB), cmd(struct.pack("<I", ADD_CHECKSUM), name(BLOB),
                                         struct.pack("<III", 0, 16, FAR))],
    "write-pointer-oob": [allocate(BLOB), cmd(struct.pack("<I", WRITE_POINTER), name(BLOB),
                                              name(BLOB), struct.pack("<IIB", FAR, 0, 8))],
    "allocate-unknown": [allocate(b"etc/no-such-file")],
}

kind, out = sys.argv[1:3]
with open(out, "wb") as f:
    f.write(b"".join(SCRIPTS[kind]))
