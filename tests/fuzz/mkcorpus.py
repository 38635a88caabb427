#!/usr/bin/env python3
"""Write the seed corpus of every fuzz target, deterministically.

    tests/fuzz/mkcorpus.py [--kernel PATH] [--out tests/fuzz/corpus]

Each file is named for what it holds. The input formats are described at
the top of each tests/fuzz/fuzz_<target>.c. With a real bzImage (default:
$BOOTSHIM_TEST_KERNEL, else build/debian/amd64/vmlinuz-cloud) its first
4 KiB also go in, as x86_64_header/real-<name>, and likewise for an arm64
Image ($BOOTSHIM_TEST_KERNEL_AARCH64, else build/debian/arm64/vmlinuz-cloud)
as aarch64_image/real-<name>, and a RISC-V Image
($BOOTSHIM_TEST_KERNEL_RISCV64, else build/debian13/riscv64/vmlinuz-generic)
as riscv64_image/real-<name>; without one that file is left as it is. The
fdt corpus wraps the unit tests' DTBs (tests/unit/dtb/, written by
tests/unit/dtb/mkdtbs.sh). The table_loader corpus wraps QEMU's recorded
fw_cfg blobs (tests/unit/fw_cfg/, written by tests/unit/fw_cfg/record.py).
The tpm2 corpus wraps swtpm's recorded responses (tests/unit/tpm2/
recorded.h, written by tests/unit/tpm2/record.py).
"""
import argparse
import glob
import os
import struct

# ------------------------------------------------------------ x86_64_header

SETUP_SECTS = 4
SETUP_BYTES = (SETUP_SECTS + 1) * 512
BODY = 0x800123


def bzimage(version=0x020F, hdr_end=0x26C, setup_sects=SETUP_SECTS, file_len=None,
            e820=3, seed=1, length=SETUP_BYTES, **fields):
    """A setup part like the unit tests' synthetic one. Bytes 0..7 carry the
    file length, byte 8 the e820 table size, 9..16 its seed."""
    b = bytearray(length)
    if file_len is None:
        file_len = (setup_sects or 4) * 512 + 512 + BODY
    struct.pack_into("<QBQ", b, 0, file_len, e820, seed)
    b[0x1F1] = setup_sects
    struct.pack_into("<H", b, 0x1FE, 0xAA55)
    b[0x200] = 0xEB
    b[0x201] = hdr_end - 0x202
    b[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", b, 0x206, version)
    f = dict(loadflags=0x01, initrd_addr_max=0x7FFFFFFF, kernel_alignment=0x200000,
             relocatable=1, xloadflags=0x3, cmdline_size=2047, pref_address=0x1000000,
             init_size=0x3378000)
    f.update(fields)
    b[0x211] = f["loadflags"]
    struct.pack_into("<I", b, 0x22C, f["initrd_addr_max"])
    struct.pack_into("<I", b, 0x230, f["kernel_alignment"])
    b[0x234] = f["relocatable"]
    struct.pack_into("<H", b, 0x236, f["xloadflags"])
    struct.pack_into("<I", b, 0x238, f["cmdline_size"])
    struct.pack_into("<Q", b, 0x258, f["pref_address"])
    if hdr_end >= 0x264:
        struct.pack_into("<I", b, 0x260, f["init_size"])
    return bytes(b)


def x86_64_header(kernel):
    c = {
        "synthetic-2.15": bzimage(),
        "synthetic-setup-sects-0": bzimage(setup_sects=0),
        "synthetic-2.12-short-header": bzimage(version=0x020C, hdr_end=0x264),
        "synthetic-e820-ext": bzimage(e820=150, seed=7),
        "synthetic-body-wins": bzimage(init_size=0x1000, file_len=SETUP_BYTES + 0x4000123),
        "synthetic-header-only": bzimage(length=0x26C),
        "synthetic-old-2.11": bzimage(version=0x020B),
        "synthetic-4g-edge": bzimage(pref_address=(4 << 30) - 0x3378000),
    }
    if kernel and os.path.exists(kernel):
        with open(kernel, "rb") as f:
            head = bytearray(f.read(4096))
        struct.pack_into("<Q", head, 0, os.path.getsize(kernel))
        c["real-" + os.path.basename(os.path.realpath(kernel))] = bytes(head)
    return c

# ------------------------------------------------------------ aarch64_image


def arm64(text_offset=0, image_size=0x2000000, flags=0xA, magic=0x644D5241,
          code1=0x14000000, length=4096):
    """An arm64 Image header (booting.rst) padded to `length` bytes."""
    b = bytearray(length)
    struct.pack_into("<IIQQQQQQII", b, 0, 0x91005A4D, code1, text_offset, image_size,
                     flags, 0, 0, 0, magic, 0x40)
    return bytes(b)


def aarch64_corpus(kernel):
    c = {
        "synthetic": arm64(),
        "synthetic-text-offset": arm64(text_offset=0x80000, flags=0x2),
        "synthetic-pre-3.17": arm64(image_size=0, text_offset=0),
        "synthetic-header-only": arm64(image_size=64, length=64),
        "zboot": arm64(code1=0x676D697A),
    }
    if kernel and os.path.exists(kernel):
        with open(kernel, "rb") as f:
            head = f.read(4096)
        if head[:2] != b"\x1f\x8b":  # an Image, not an Image.gz
            c["real-" + os.path.basename(os.path.realpath(kernel))] = head
    return c

# ------------------------------------------------------------ riscv64_image


def riscv64(text_offset=0x200000, image_size=0x1E6C000, flags=0, version=0x2,
            magic=0x5643534952, magic2=0x05435352, length=4096):
    """A RISC-V Image header (boot-image-header.rst) padded to `length` bytes."""
    b = bytearray(length)
    struct.pack_into("<IIQQQIIQQII", b, 0, 0x106F5A4D, 0x00010D60, text_offset, image_size,
                     flags, version, 0, 0, magic, magic2, 0x40)
    return bytes(b)


def riscv64_corpus(kernel):
    c = {
        "synthetic": riscv64(),
        "synthetic-m-mode": riscv64(text_offset=0),
        "synthetic-no-magic": riscv64(magic=0, version=0x3),
        "synthetic-header-only": riscv64(image_size=64, length=64),
        "version-0.1": riscv64(magic2=0, version=0x1),
        "big-endian": riscv64(flags=1),
    }
    if kernel and os.path.exists(kernel):
        with open(kernel, "rb") as f:
            c["real-" + os.path.basename(os.path.realpath(kernel))] = f.read(4096)
    return c

# ------------------------------------------------------------ pvh

BASE = 0x1000
MAGIC = 0x336EC578

QEMU_MAP = [  # what QEMU's PVH memmap looks like for -m 1G
    (0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xF0000, 0x10000, 2),
    (0x100000, 0x3FEE0000, 1), (0x3FFE0000, 0x20000, 2),
    (0xFEFFC000, 0x4000, 2), (0xFFFC0000, 0x40000, 2),
]


def pvh(si_off, entries, map_off=0x100, version=1, size=None, rsdp=0xF5A40, n=None):
    n = len(entries) if n is None else n
    if size is None:
        size = max(si_off + 56, map_off + 24 * len(entries))
    b = bytearray(size)
    struct.pack_into("<H", b, 0, si_off)
    si = struct.pack("<IIIIQQQQII", MAGIC, version, 0, 0, 0, 0, rsdp, BASE + map_off, n, 0)
    b[si_off:si_off + 56] = si[:size - si_off]
    for i, (a, s, t) in enumerate(entries):
        struct.pack_into("<QQII", b, map_off + 24 * i, a, s, t, 0)
    return bytes(b)


def pvh_corpus():
    many = [(i << 21, 1 << 20, 1 + (i % 5)) for i in range(256)]
    overlapping = [(0, 1 << 30, 1), (0x9F000, 0x61000, 2), (0xE0000, 0x1000, 3),
                   (0x7000_0000, 0x1000_0000, 4), (0xFFFFFFFFFFFFF000, 0x2000, 1)]
    return {
        "qemu-1g": pvh(0x40, QEMU_MAP),
        "overlapping": pvh(0x40, overlapping),
        "unaligned": pvh(0x43, QEMU_MAP, map_off=0x101),
        "start-info-at-end": pvh(0x200, QEMU_MAP, size=0x200 + 56),
        "256-entries": pvh(0x40, many, map_off=0x80),
        "version-0": pvh(0x40, QEMU_MAP, version=0),
    }

# ------------------------------------------------------------ e820


def e820(entries, marks=()):
    b = bytes([len(marks)])
    for a, s, t in list(entries) + list(marks):
        b += struct.pack("<QQI", a, s, t)
    return b


def e820_corpus():
    top = 0xFFFFFFFFFFFFFFFF
    return {
        "qemu-1g": e820(QEMU_MAP),
        "qemu-1g-marked": e820(QEMU_MAP, [(0x7000, 0x1000, 2), (0x20000, 0x10, 2)]),
        "overlaps": e820([(0, 0x100000, 1), (0x40000, 0x2000, 2), (0x41000, 0x2000, 3),
                          (0x80000, 0x100000, 4), (0x100000, 0x1000, 1), (0x100000, 0x0, 5)]),
        "adjacent": e820([(i * 0x1000, 0x1000, 1 if i % 3 else 2) for i in range(32)],
                         [(0x3800, 0x1000, 2)]),
        "top": e820([(top - 0xFFF, 0x2000, 1), (top, 5, 1), (top - 0x100000, 0x10000, 2)],
                    [(top - 0x800, 0x1000, 3)]),
        "full": e820([(i * 0x2000, 0x1000, 1) for i in range(256)], [(0x800, 0x100, 2)]),
    }

# ------------------------------------------------------------ place


def place_input(ranges, busy, items, shift=12):
    """ranges: (flags, base, size) in units of 2^shift; items as dicts
    (granule: the trailing byte, 1 + log2 of the granule)."""
    b = bytes([len(ranges) - 1, len(busy), len(items) - 1, shift])
    for flags, base, size in ranges:
        b += struct.pack("<BII", flags, base, size)
    for flags, base, size in busy:
        b += struct.pack("<BII", flags, base, size)
    for it in items:
        b += struct.pack("<BBIIIIIIBBI", it.get("flags", 0), it.get("align", 12), it["size"],
                         it.get("min", 0), it.get("max", 0), it.get("pref", 0),
                         it.get("src", 0), it.get("src_len", 0), it.get("near", 0),
                         it.get("near_align", 0), it.get("near_size", 0))
    if any("granule" in it for it in items):
        b += bytes(it.get("granule", 0) for it in items)
    return b


def place_corpus():
    # QEMU -m 1G in pages, plus 4..8 GiB.
    pc = [(0, 0, 0x9F), (3, 0xF0, 0x10), (0, 0x100, 0x3FEE0), (3, 0x3FFE0, 0x20),
          (0, 0x100000, 0x100000)]
    shim = [(0, 0x100, 0x40)]  # the shim's own image at 1 MiB
    # linux_plan's four items (kernel, initrd, cmdline, zero page).
    boot = [
        dict(flags=0x20 | 2 | 8, align=21, size=0x3378, min=0x1000, max=0x100000 - 0x1000,
             src=0x200, src_len=0xD83),
        dict(flags=0x10 | 1 | 2 | 4 | 8, size=0x800, min=0x100, pref=0x80000,
             src=0x1000, src_len=0x800),
        dict(flags=0x10 | 2, align=4, size=1, min=0x10, src=0x1800, src_len=30),
        dict(flags=0x10, size=2, min=0x10),
    ]
    low_high = [dict(flags=1, size=0x10), dict(flags=0, size=0x10, align=16),
                dict(flags=0x80 | 2 | 8, size=0x10, src=3, src_len=0x10)]
    # linux_plan on arm64: the initrd stays in a window near the kernel.
    virt = [(0, 0x40000, 0x40000)]  # 1 GiB of RAM at 1 GiB
    arm = [
        dict(flags=0x2 | 8, align=21, size=0x2000, min=0, src=0x40000, src_len=0x1800),
        dict(flags=1 | 2 | 8, size=0x800, src=0x42000, src_len=0x800, near=1,
             near_align=30, near_size=0x800000),
        dict(flags=1, size=0x10, near=2, near_align=21, near_size=0x4000),
    ]
    # arm64's DTB in whole 2 MiB blocks of RAM: a reservation (no-map) in
    # the first block, RAM ending mid-block.
    virt_nomap = [(0, 0x40000, 0x3FF80), (3, 0x40000, 0x10)]
    arm_dtb = arm[:2] + [dict(size=0x3, granule=22)]
    return {
        "arm64-dtb-granule": place_input(virt_nomap, [(0, 0x40200, 0x100)], arm_dtb),
        "arm64-near": place_input(virt, [(0, 0x40000, 0x100)], arm),
        "pc-boot": place_input(pc, shim, boot),
        "pc-low-high": place_input(pc, [], low_high),
        "tight": place_input([(0, 0, 0x10), (3, 4, 1)], [(0, 8, 2)],
                             [dict(flags=1, size=3), dict(size=3, align=13),
                              dict(size=4)]),
        "top": place_input([(0x80, 0x10, 0x10), (0x80 | 3, 0x4, 0x1)], [(0xC0, 2, 0)],
                           [dict(flags=1, size=2, align=12), dict(size=1)]),
        "impossible": place_input([(0, 0, 0x10)], [], [dict(size=0x11)]),
    }


# ------------------------------------------------------------ fdt


def fdt_input(dtb, cmdline=b"console=ttyAMA0 root=/dev/vda2", seed=False, initrd=True,
              high=False, long=False, seed_shift=0, uefi=False, update=False):
    """Flags byte, command line length and bytes, then the DTB."""
    flags = (1 if seed else 0) | (2 if initrd else 0) | (4 if high else 0) | \
        (8 if long else 0) | (seed_shift << 4) | (0x40 if uefi else 0) | \
        (0x80 if update else 0)
    assert len(cmdline) < 256
    return bytes([flags, len(cmdline)]) + cmdline + dtb


def fdt_corpus(dtb_dir):
    c = {}
    for path in sorted(glob.glob(os.path.join(dtb_dir, "*.dtb"))):
        name = os.path.basename(path)[:-4]
        with open(path, "rb") as f:
            dtb = f.read()
        c[name] = fdt_input(dtb)
        if name in ("qemu-virt-512m", "cells32", "reserved"):
            c[name + "-seed-long-cmdline"] = fdt_input(
                dtb, b'init="/bin/sh -c x" quiet ', seed=True, long=True, seed_shift=3)
            c[name + "-high-initrd-no-cmdline"] = fdt_input(dtb, b"", high=True)
        if name in ("qemu-virt-512m", "reserved", "cells32"):
            # A UEFI boot: every property dt_patch adds, the longest
            # command line, then the memory map update.
            c[name + "-uefi"] = fdt_input(dtb, b"console=ttyAMA0 ", seed=True, long=True,
                                          seed_shift=3, uefi=True, update=True)
            c[name + "-update-without-uefi"] = fdt_input(dtb, update=True)
    return c


# ------------------------------------------------------------ table_loader


def table_loader_input(dir_blob, script, pool=b""):
    """u16 directory length, directory; u16 script length, script; pool."""
    assert len(dir_blob) < 65536 and len(script) < 65536
    return (struct.pack("<H", len(dir_blob)) + dir_blob +
            struct.pack("<H", len(script)) + script + pool)


def fw_dir(files):
    """A FW_CFG_FILE_DIR blob: [(name, size)], selects from 0x20."""
    b = struct.pack(">I", len(files))
    for i, (name, size) in enumerate(files):
        b += struct.pack(">IHH56s", size, 0x20 + i, 0, name.encode())
    return b


def loader_cmd(cmd, *fields):
    """A 128-byte table-loader command: (kind, value) fields in order."""
    b = struct.pack("<I", cmd)
    for kind, v in fields:
        b += {"name": lambda x: struct.pack("56s", x.encode()),
              "u32": lambda x: struct.pack("<I", x),
              "u8": lambda x: struct.pack("B", x)}[kind](v)
    return b.ljust(128, b"\0")


def alloc(name, align, zone):
    return loader_cmd(1, ("name", name), ("u32", align), ("u8", zone))


def ptr(dst, src, off, size):
    return loader_cmd(2, ("name", dst), ("name", src), ("u32", off), ("u8", size))


def csum(name, off, start, length):
    return loader_cmd(3, ("name", name), ("u32", off), ("u32", start), ("u32", length))


def wrptr(dst, src, dst_off, src_off, size):
    return loader_cmd(4, ("name", dst), ("name", src), ("u32", dst_off), ("u32", src_off),
                      ("u8", size))


def table_loader_corpus(fw_cfg_dir):
    c = {}
    for machine in sorted(os.listdir(fw_cfg_dir)):
        d = os.path.join(fw_cfg_dir, machine)
        if not os.path.isfile(os.path.join(d, "file_dir")):
            continue
        with open(os.path.join(d, "file_dir"), "rb") as f:
            dir_blob = f.read()
        with open(os.path.join(d, "etc", "table-loader"), "rb") as f:
            script = f.read()
        with open(os.path.join(d, "etc", "acpi", "tables"), "rb") as f:
            tables = f.read()
        n = struct.unpack(">I", dir_blob[:4])[0]
        sizes = {dir_blob[12 + 64 * i: 68 + 64 * i].split(b"\0")[0].decode():
                 struct.unpack(">I", dir_blob[4 + 64 * i: 8 + 64 * i])[0] for i in range(n)}
        # record.py trims trailing zeros: back to the size QEMU serves, and
        # to the last non-zero command.
        full = script.ljust(sizes["etc/table-loader"], b"\0")
        short = script.ljust(-(-len(script) // 128) * 128, b"\0")
        c["qemu-" + machine] = table_loader_input(dir_blob, full, tables)
        c["qemu-" + machine + "-short"] = table_loader_input(dir_blob, short)
    # Hand-made: 16 files at once (LOADER_MAX_FILES; 17 in the directory),
    # an RSDP of revision 2, WRITE_POINTERs of 4 and 8 bytes, an unknown
    # command.
    files = [("etc/acpi/rsdp", 36), ("etc/acpi/tables", 256), ("addr", 8)] + \
        [(f"f{i:02d}", 8) for i in range(14)]
    script = alloc("etc/acpi/rsdp", 16, 2) + alloc("etc/acpi/tables", 64, 1)
    script += b"".join(alloc(f"f{i:02d}", 8, 1) for i in range(14))
    script += ptr("etc/acpi/rsdp", "etc/acpi/tables", 16, 4)
    script += ptr("etc/acpi/rsdp", "etc/acpi/tables", 24, 8)
    script += ptr("etc/acpi/tables", "etc/acpi/rsdp", 100, 4)
    script += ptr("etc/acpi/tables", "f00", 104, 8)
    script += csum("etc/acpi/rsdp", 8, 0, 20) + csum("etc/acpi/rsdp", 32, 0, 36)
    script += csum("etc/acpi/tables", 9, 0, 256)
    script += wrptr("addr", "f13", 0, 7, 8) + wrptr("addr", "etc/acpi/tables", 4, 255, 4)
    script += loader_cmd(5, ("name", "unknown"))
    c["synthetic-max-files"] = table_loader_input(fw_dir(files), script, bytes(range(1, 64)))
    return c


# ------------------------------------------------------------ efi_memmap

EFI_DESC = 48  # what OVMF and AAVMF use: 8 bytes past EFI_MEMORY_DESCRIPTOR


def efi_map(descs, desc_size=EFI_DESC, for_kernel=False, tail=b""):
    """Flags, u16 descriptor size, then (type, phys, pages) descriptors
    with attribute UC|WC|WT|WB and 0xa5 in the padding and extra bytes."""
    b = struct.pack("<BH", 1 if for_kernel else 0, desc_size)
    for t, phys, pages in descs:
        d = struct.pack("<IIQQQQ", t, 0xA5A5A5A5, phys, 0, pages, 0xF)
        b += d[:desc_size].ljust(desc_size, b"\xa5")
    return b + tail


def efi_memmap_corpus():
    # An OVMF-like map of a 512 MiB q35 guest: every EFI type, out of order.
    ovmf = [(7, 0x0, 0x9F), (0, 0x9F000, 0x1), (1, 0x100000, 0x200),
            (2, 0x300000, 0x100), (3, 0x400000, 0x80), (4, 0x480000, 0x80),
            (5, 0x500000, 0x10), (6, 0x510000, 0x10), (8, 0x520000, 0x20),
            (9, 0x540000, 0x8), (10, 0x548000, 0x8), (11, 0xFEC00000, 0x1),
            (12, 0xFED00000, 0x1), (13, 0x550000, 0x1), (14, 0x100000000, 0x40000),
            (15, 0x140000000, 0x100), (0x70000000, 0x151000000, 0x1),
            (0x80000000, 0x152000000, 0x1), (7, 0x1000000, 0x1E000)]
    top = 0xFFFFFFFFFFFFFFFF
    many = [(7 if i % 2 else 4, i << 20, 16) for i in range(249)]
    return {
        "ovmf-free-now": efi_map(ovmf),
        "ovmf-for-kernel": efi_map(ovmf, for_kernel=True),
        "desc-40": efi_map(ovmf[:6], desc_size=40, for_kernel=True),
        "desc-4096": efi_map(ovmf[:2], desc_size=4096),
        "desc-39": efi_map(ovmf[:3], desc_size=39),
        "tail": efi_map(ovmf[:4], tail=b"\x07" * 47),
        "pages-edges": efi_map([(7, 0, top >> 12), (0, 0x2000, 0), (9, top - 0xFFF, 1),
                                (7, 0xFFFFFFFF00000000, top >> 12),
                                (7, 0x100000, (top >> 12) + 1)], for_kernel=True),
        "249-descriptors": efi_map(many, desc_size=40),
    }


# ------------------------------------------------------------ tpm2

def recorded_responses(path):
    """The C arrays of tests/unit/tpm2/recorded.h (swtpm's answers, written
    by tests/unit/tpm2/record.py), by name."""
    import re
    text = open(path).read()
    return {m.group(1): bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", m.group(2)))
            for m in re.finditer(r"static const uint8_t (\w+)\[\] = \{([^}]*)\}", text)}


def tpm2_corpus(recorded):
    """Byte 0 the target (see fuzz_tpm2.c), then swtpm's response; for the
    TIS target a burstCount byte before it."""
    r = recorded_responses(recorded)
    return {
        "pcrs-default-banks": b"\x00" + r["rsp_getcap_default_banks"],
        "pcrs-sha256-only": b"\x00" + r["rsp_getcap_sha256_only"],
        "pcrs-before-startup": b"\x00" + r["rsp_getcap_before_startup"],
        "extend": b"\x01" + r["rsp_pcr_extend"],
        "extend-bad-pcr": b"\x01" + r["rsp_pcr_extend_bad_pcr"],
        "header-startup-again": b"\x02" + r["rsp_startup_again"],
        "header-pcr-read": b"\x02" + r["rsp_pcr_read_11"],
        "tis-extend-burst-4": b"\x03\x03" + r["rsp_pcr_extend"],
        "tis-extend-burst-64": b"\x03\x3f" + r["rsp_pcr_extend"],
        "tis-startup-burst-1": b"\x03\x00" + r["rsp_startup"],
        "ph-off": b"\x04" + r["rsp_ph_disable"],
        "ph-off-already": b"\x04" + r["rsp_ph_disable_again"],
        "ph-off-bad-auth": b"\x04" + r["rsp_ph_disable_bad_auth"],
    }


# ------------------------------------------------------------ shim_image

def payload_index(base_addr, kernel_addr, machine=183):
    """A payload index (shim/payload_index.h) at address base_addr, the
    kernel (256 bytes) and initrd (16) at kernel_addr, "quiet" after it."""
    k = kernel_addr - base_addr
    rel = [(0, 0), (k, k + 256), (k + 256, k + 272), (104, 110), (0, 0)]
    ix = b"bootshim payload" + struct.pack("<II", 1, machine)
    ix += b"".join(struct.pack("<qq", a, b) for a, b in rel)
    return ix + b"quiet\0"


def shim_image_corpus():
    """Small images of each format whose file offsets differ from their
    addresses, as tests/unit/test_shim_image.c builds them."""
    kernel = bytes(range(256)) + bytes(16)
    raw = bytearray(0x1200)
    raw[0x100:0x100 + 110] = payload_index(0x100, 0x1000, machine=62)
    raw[0x1000:0x1110] = kernel
    elf = bytearray(0x1200)
    elf[0:4] = b"\x7fELF"
    elf[4], elf[5] = 2, 1  # ELFCLASS64, ELFDATA2LSB
    struct.pack_into("<QHH", elf, 0x20, 64, 0, 0)  # e_phoff
    struct.pack_into("<HH", elf, 0x36, 56, 2)  # e_phentsize, e_phnum
    for i, (off, vaddr) in enumerate([(0x200, 0x40000000), (0x1000, 0x40200000)]):
        struct.pack_into("<IIQQQQQQ", elf, 64 + 56 * i, 1, 5, off, vaddr, vaddr, 0x200, 0x200,
                         0x1000)
    elf[0x200:0x200 + 110] = payload_index(0x40000000, 0x40200000)
    elf[0x1000:0x1110] = kernel
    pe = bytearray(0x1200)
    pe[0:2] = b"MZ"
    struct.pack_into("<I", pe, 0x3C, 0x80)
    pe[0x80:0x84] = b"PE\0\0"
    struct.pack_into("<H", pe, 0x86, 2)  # NumberOfSections
    struct.pack_into("<H", pe, 0x94, 0xF0)  # SizeOfOptionalHeader
    for i, (va, off) in enumerate([(0x5000, 0x400), (0x9000, 0x1000)]):
        struct.pack_into("<IIII", pe, 0x188 + 40 * i + 8, 0x200, va, 0x200, off)
    pe[0x400:0x400 + 110] = payload_index(0x5000, 0x9000)
    pe[0x1000:0x1110] = kernel
    return {"raw": bytes(raw), "elf-two-segments": bytes(elf), "pe-two-sections": bytes(pe)}


# ------------------------------------------------------------ fwlog

def acpi_sum(b):
    return (-sum(b)) & 0xFF


def acpi_table(sig, body):
    h = bytearray(sig + struct.pack("<IBB6s8sI4sI", 36 + len(body), 1, 0, b"BOCHS ",
                                    b"BXPC    ", 1, b"BXPC", 1) + body)
    h[9] = acpi_sum(h)
    return bytes(h)


def crypto_agile_log(events, algs=((0x0B, 32),)):
    """A TCG crypto-agile log: the Spec ID event (SHA-1 format), then
    TCG_PCR_EVENT2s (pcr, type, data) with zero digests of each bank."""
    spec = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(algs))
    spec += b"".join(struct.pack("<HH", a, n) for a, n in algs) + b"\0"
    log = struct.pack("<II", 0, 3) + bytes(20) + struct.pack("<I", len(spec)) + spec
    for pcr, typ, data in events:
        log += struct.pack("<III", pcr, typ, len(algs))
        log += b"".join(struct.pack("<H", a) + bytes(n) for a, n in algs)
        log += struct.pack("<I", len(data)) + data
    return log


def fwlog_corpus():
    """Event logs as SeaBIOS leaves them, and ACPI memory at 0x1000: an
    RSDP (2.0) at its start, an XSDT, a TPM2 table with LAML/LASA."""
    base = 0x1000
    tpm2 = acpi_table(b"TPM2", struct.pack("<HHQI12sIQ", 0, 0, 0, 6, bytes(12), 0x10000,
                                           0x7FFF0000))
    xsdt = acpi_table(b"XSDT", struct.pack("<Q", base + 0x80))
    rsdp = bytearray(b"RSD PTR " + b"\0" + b"BOCHS " + b"\2" + struct.pack("<I", 0) +
                     struct.pack("<IQ", 36, base + 0x40) + b"\0\0\0\0")
    rsdp[8] = acpi_sum(rsdp[:20])
    rsdp[32] = acpi_sum(rsdp)
    mem = bytearray(0x80 + len(tpm2))
    mem[0:36], mem[0x40:0x40 + len(xsdt)], mem[0x80:] = rsdp, xsdt, tpm2
    return {
        "acpi-tpm2": bytes(mem),
        "log-seabios": crypto_agile_log([(0, 8, b"SeaBIOS"), (4, 0xD, b"Booting BCV")]),
        "log-sha1-sha256": crypto_agile_log([(0, 8, b"SeaBIOS")], ((4, 20), (0x0B, 32))),
        "log-empty": crypto_agile_log([]),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--kernel", default=os.environ.get("BOOTSHIM_TEST_KERNEL") or
                    "build/debian/amd64/vmlinuz-cloud")
    ap.add_argument("--arm64-kernel", dest="aarch64_kernel", default=os.environ.get("BOOTSHIM_TEST_KERNEL_AARCH64") or
                    "build/debian/arm64/vmlinuz-cloud")
    ap.add_argument("--riscv64-kernel",
                    default=os.environ.get("BOOTSHIM_TEST_KERNEL_RISCV64") or
                    "build/debian13/riscv64/vmlinuz-generic")
    ap.add_argument("--out", default=os.path.join(here, "corpus"))
    ap.add_argument("--dtb-dir", default=os.path.join(here, "..", "unit", "dtb"))
    ap.add_argument("--fw-cfg-dir", default=os.path.join(here, "..", "unit", "fw_cfg"))
    ap.add_argument("--tpm2-recorded",
                    default=os.path.join(here, "..", "unit", "tpm2", "recorded.h"))
    args = ap.parse_args()
    corpora = {
        "x86_64_header": x86_64_header(args.kernel),
        "aarch64_image": aarch64_corpus(args.aarch64_kernel),
        "riscv64_image": riscv64_corpus(args.riscv64_kernel),
        "pvh": pvh_corpus(),
        "e820": e820_corpus(),
        "place": place_corpus(),
        "fdt": fdt_corpus(args.dtb_dir),
        "table_loader": table_loader_corpus(args.fw_cfg_dir),
        "efi_memmap": efi_memmap_corpus(),
        "tpm2": tpm2_corpus(args.tpm2_recorded),
        "shim_image": shim_image_corpus(),
        "fwlog": fwlog_corpus(),
    }
    # QEMU's virt DTBs are about 8 KiB; a table-loader input with QEMU's
    # ACPI tables as its file contents up to 15 KiB.
    limit = {"fdt": 16384, "table_loader": 16384, "efi_memmap": 16384}
    for target, files in corpora.items():
        d = os.path.join(args.out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in sorted(files.items()):
            assert len(data) <= limit.get(target, 8192), (target, name, len(data))
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print(f"{d}: {len(files)} files")


if __name__ == "__main__":
    main()
