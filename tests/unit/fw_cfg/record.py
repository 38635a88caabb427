#!/usr/bin/env python3
"""Record QEMU's real fw_cfg blobs for tests/unit/test_fw_cfg.c and the
table_loader fuzz corpus (tests/fuzz/mkcorpus.py).

    tests/unit/fw_cfg/record.py [--kernel build/debian/amd64/vmlinuz-cloud]

For each machine below it boots a Debian kernel under QEMU (TCG, SeaBIOS,
-kernel/-initrd) with record-init.c as /init. The init reads the fw_cfg
device by port I/O and hex-dumps on COM2 the file directory, etc/table-loader
and every file the script ALLOCATEs; this script checks each dump's size and
FNV-1a hash and writes, under tests/unit/fw_cfg/<machine>/:

    file_dir            the FW_CFG_FILE_DIR (key 0x19) blob, byte for byte
    etc/table-loader    the script
    etc/acpi/rsdp, etc/acpi/tables, etc/vmgenid_guid (q35 only)

Every fw_cfg file is stored without its trailing zero bytes (QEMU pads
etc/acpi/tables to 128 KiB and etc/vmgenid_guid to 4 KiB); its real size is
the one in file_dir, and the tests zero-fill up to it.

The blobs depend on the QEMU version (recorded in <machine>/qemu-version)
and on what the firmware (SeaBIOS here) set before QEMU built the tables
(PCI windows, the PM base); another version writes different but equally
valid bytes, which the tests accept as long as they are consistent.
-kernel adds genroms/linuxboot_dma.bin to the directory, which a shim.rom
boot does not have. vmgenid gets a fixed GUID so that every run writes the
same bytes (test_fw_cfg.c checks it).

Needs gcc (static glibc: libc6-dev), cpio, gzip, qemu-system-x86_64 and the
kernel (`make` fetches it).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

MACHINES = {
    "pc": ["-M", "pc", "-m", "1G"],
    "q35-vmgenid": ["-M", "q35", "-m", "1G", "-smp", "4",
                    "-device", "vmgenid,guid=324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87"],
}


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def parse(text, machine):
    """The dump's blobs, {name: (bytes, select)}."""
    blobs, cur, done = {}, None, False
    for line in text.splitlines():
        line = line.strip("\r\n\x00 ")
        m = re.match(r"FWCFG-(\w+) ?(.*)$", line)
        if not m:
            continue
        kind, rest = m.groups()
        if kind == "ERROR":
            sys.exit(f"record.py: {machine}: the guest says: {rest}")
        elif kind == "BEGIN":
            name, size, select = rest.split()
            cur = (name, int(size), int(select, 16), bytearray())
        elif kind == "DATA":
            cur[3].extend(bytes.fromhex(rest))
        elif kind == "END":
            name, h = rest.split()
            data = bytes(cur[3])
            if name != cur[0] or len(data) != cur[1] or fnv1a(data) != int(h, 16):
                sys.exit(f"record.py: {machine}: {name}: damaged dump")
            blobs[name] = (data, cur[2])
            cur = None
        elif kind == "DONE":
            done = True
    if not done:
        sys.exit(f"record.py: {machine}: the dump is incomplete")
    return blobs


def check_dir(blobs, machine):
    """Each dumped file is in file_dir with its size and select."""
    d = blobs["file_dir"][0]
    n = int.from_bytes(d[:4], "big")
    assert len(d) == 4 + 64 * n
    entries = {}
    for i in range(n):
        e = d[4 + 64 * i: 68 + 64 * i]
        name = e[8:].split(b"\0")[0].decode()
        entries[name] = (int.from_bytes(e[:4], "big"), int.from_bytes(e[4:6], "big"))
    for name, (data, select) in blobs.items():
        if name != "file_dir" and entries.get(name) != (len(data), select):
            sys.exit(f"record.py: {machine}: {name} does not match file_dir")
    return entries


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(TOP, "build/debian/amd64/vmlinuz-cloud"))
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    if not os.path.exists(args.kernel):
        sys.exit(f"record.py: no kernel {args.kernel} (run make, or give --kernel)")
    version = subprocess.run([args.qemu, "--version"], check=True, capture_output=True,
                             text=True).stdout.splitlines()[0]
    with tempfile.TemporaryDirectory() as tmp:
        init = os.path.join(tmp, "init")
        subprocess.run(["gcc", "-static", "-Os", "-Wall", "-Wextra", "-Werror", "-o", init,
                        os.path.join(HERE, "record-init.c")], check=True)
        initrd = os.path.join(tmp, "initrd.gz")
        subprocess.run([os.path.join(TOP, "tests/guest/mkinitrd.sh"), initrd, init],
                       check=True)
        for machine, opts in MACHINES.items():
            dump, console = os.path.join(tmp, machine + ".txt"), os.path.join(tmp, "console")
            cmd = [args.qemu, *opts, "-accel", "tcg", "-display", "none", "-no-reboot",
                   "-serial", "file:" + console, "-serial", "file:" + dump,
                   "-kernel", args.kernel, "-initrd", initrd,
                   "-append", "console=ttyS0 quiet panic=-1"]
            print("record.py:", " ".join(cmd))
            try:
                subprocess.run(cmd, check=True, timeout=600, stdin=subprocess.DEVNULL)
            except subprocess.SubprocessError as ex:
                with open(console, errors="replace") as f:
                    sys.stderr.write(f.read()[-3000:])
                sys.exit(f"record.py: {machine}: {ex}")
            with open(dump, errors="replace") as f:
                blobs = parse(f.read(), machine)
            check_dir(blobs, machine)
            out = os.path.join(args.out, machine)
            shutil.rmtree(out, ignore_errors=True)
            for name, (data, _) in sorted(blobs.items()):
                if name != "file_dir":
                    data = data.rstrip(b"\0")
                path = os.path.join(out, name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(data)
                print(f"{path}: {len(data)} bytes (of {len(blobs[name][0])})")
            with open(os.path.join(out, "qemu-version"), "w") as f:
                f.write(f"{version}\n{' '.join(opts)}\n")


if __name__ == "__main__":
    main()
