#!/usr/bin/env python3
"""count.py: the deterministic pre-kernel cost of one boot path: guest
instructions executed from reset to the first instruction of the kernel
image, counted by the TCG plugin tests/bench/insn_count.c under
-icount shift=0,sleep=off (the same path counted twice gives the same
figure, unless the guest polls a device that answers in host time: a
UEFI firmware's disk, swtpm, within about 1 %; sleep=off: an idle guest's
clock jumps to its next timer rather than waiting for it in host time).

The kernel's first instruction is the first one executed at any of its
image's entry points, found from the kernel file itself:
  x86_64   the protected-mode entries startup_32 (code32_start's offset)
           and startup_64 (+0x200), the 64-bit EFI handover entry and the
           PE entry point (so SeaBIOS's and qboot's counts include the
           kernel's real-mode setup code, which does for them what the
           shim does itself; an EFI path stops at the kernel's EFI stub)
  aarch64, riscv64  the Image's first instruction and its PE entry point
With --shim ELF (the shim's linked ELF: shim.elf, shim.img.elf,
shim.efi.so; not a -bios ROM, which runs from reset), the shim's own part
starts where its entry point first runs; --copy-syms names the routines
whose instructions are counted apart as the payload copy.

usage: count.py --plugin insn_count.so --kernel K [--shim ELF] [--rom ELF]
                [--copy-syms memmove,memcpy] [--timeout S] -- QEMU COMMAND...
prints one line of JSON: total, own (the shim's part; for --rom all of it),
copy, copy_blocks (iterations of the copy loops, for one-block loops),
kernel_vaddr.

As a module: count(plugin, kernel, qemu, shim=None, rom=None, ...) -> dict."""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

SIG_BYTES = 32
PAGE = 0x1000
# The payload copy: arch/aarch64/el.S copy_clean (the Q-register copy that
# cleans as it goes), else the C library routines.
DEFAULT_COPY_SYMS = ("copy_clean", "memmove", "memcpy")


def pe_rva_to_offset(data, rva):
    """A PE image's RVA as a file offset, through its section table; None if
    the file has no PE header or no section holds the RVA."""
    if data[:2] != b"MZ" or len(data) < 0x40:
        return None
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        return None
    nsec, opt_size = struct.unpack_from("<H", data, pe + 6)[0], struct.unpack_from("<H", data, pe + 20)[0]
    sec = pe + 24 + opt_size
    for i in range(nsec):
        vsize, va, rawsize, raw = struct.unpack_from("<IIII", data, sec + 40 * i + 8)
        if va <= rva < va + max(vsize, rawsize):
            return raw + rva - va
    return None


def pe_entry(data):
    """(file offset, RVA) of a PE image's AddressOfEntryPoint, or None."""
    if data[:2] != b"MZ" or len(data) < 0x40:
        return None
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        return None
    rva = struct.unpack_from("<I", data, pe + 24 + 16)[0]
    off = pe_rva_to_offset(data, rva)
    return None if off is None else (off, rva)


def kernel_entries(path):
    """[(signature bytes, page offset)] of the kernel image's entry points."""
    data = open(path, "rb").read()
    out = []
    if data[0x202:0x206] == b"HdrS":  # x86 boot protocol (boot.rst)
        setup_sects = data[0x1F1] or 4
        pm = (setup_sects + 1) * 512
        handover = struct.unpack_from("<I", data, 0x264)[0]
        entries = [(pm, 0), (pm + 0x200, 0x200)]  # startup_32, startup_64
        if handover:
            entries.append((pm + 0x200 + handover, 0x200 + handover))
        # The PE entry: its RVA is its place in the image as loaded.
        pe = pe_entry(data)
        if pe:
            entries.append(pe)
    else:  # arm64/riscv64 Image: code0 at offset 0, and the EFI stub
        entries = [(0, 0)]
        pe = pe_entry(data)
        if pe:
            entries.append(pe)
    for off, in_image in entries:
        out.append((data[off:off + SIG_BYTES], in_image % PAGE))
    return out


def elf_info(path):
    """(entry, bytes at the entry, {symbol: (value, size)}) of an ELF file."""
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit(f"count.py: {path}: not a 64-bit ELF file")
    entry, phoff = struct.unpack_from("<QQ", data, 24)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    sig = None
    for i in range(phnum):
        p_type, _, p_off, p_vaddr, _, p_filesz = struct.unpack_from("<IIQQQQ", data,
                                                                      phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= entry < p_vaddr + p_filesz:
            o = p_off + entry - p_vaddr
            sig = data[o:o + SIG_BYTES]
    if sig is None:
        sys.exit(f"count.py: {path}: entry point {entry:#x} in no loadable segment")
    syms = {}
    nm = subprocess.run(["nm", "-S", "--defined-only", path], capture_output=True, text=True,
                        check=True).stdout
    for line in nm.splitlines():
        f = line.split()
        if len(f) == 4:
            syms[f[3]] = (int(f[0], 16), int(f[1], 16))
    return entry, sig, syms


def count(plugin, kernel, qemu, shim=None, rom=None, copy_syms=DEFAULT_COPY_SYMS,
          timeout=600):
    """Run qemu (a list) once under the plugin; return the counts."""
    args = [f"stop={sig.hex()}:{off:x}" for sig, off in kernel_entries(kernel)]
    elf = shim or rom
    if elf:
        entry, sig, syms = elf_info(elf)
        base = entry if shim else 0
        if shim:
            args.append(f"mark={sig.hex()}:{entry % PAGE:x}")
        for name in copy_syms:
            if name in syms and syms[name][1]:
                v, size = syms[name]
                args.append(f"copy={v - base:#x}-{v - base + size:#x}")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "count.txt")
        plug = ",".join([f"{os.path.abspath(plugin)}", f"out={out}"] + args)
        cmd = list(qemu) + ["-icount", "shift=0,sleep=off", "-plugin", plug]
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"no kernel entry within {timeout} s: {' '.join(cmd)}")
        if not os.path.exists(out):
            raise RuntimeError(f"QEMU ended (status {r.returncode}) before the kernel's first "
                               f"instruction: {r.stderr.decode(errors='replace')[-2000:]}")
        kv = dict(f.split("=") for f in open(out).read().split())
    res = {k: int(v, 0) for k, v in kv.items()}
    res["own"] = (res["total"] - res["mark"]) if shim else (res["total"] if rom else None)
    return res


def main():
    if "--" not in sys.argv:
        sys.exit(__doc__)
    i = sys.argv.index("--")
    p = argparse.ArgumentParser(usage=__doc__)
    p.add_argument("--plugin", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--shim")
    p.add_argument("--rom")
    p.add_argument("--copy-syms", default=",".join(DEFAULT_COPY_SYMS))
    p.add_argument("--timeout", type=float, default=600)
    a = p.parse_args(sys.argv[1:i])
    try:
        res = count(a.plugin, a.kernel, sys.argv[i + 1:], a.shim, a.rom,
                    [s for s in a.copy_syms.split(",") if s], a.timeout)
    except RuntimeError as e:
        sys.exit(f"count.py: {e}")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
