#!/usr/bin/env python3
"""boot.py: one boot test. Build a shim with a chosen payload through the
real build interface, boot it in QEMU and compare what the guest saw with
what was embedded (tests/boot/runner.py), or check that a bad payload is
refused.

What differs between architectures and start modes is data, in two tables
below: ARCHES (one row per architecture: QEMU binary, machine, CPU, console,
how the shim stops the machine and what exit status that gives, firmware)
and FLAVOURS (one row per architecture and start mode: which file of the
build is started, how QEMU is handed it, what the shim says it was started
by). A boot case is one line of tests/boot/*.mk naming options of this
script; a new architecture or start mode is a row of each table (and,
for a new way of handing the shim over, a function in HANDOVERS).

usage: boot.py --name N --out DIR --kernel FILE --init FILE [options]"""

import argparse
import dataclasses
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from typing import Callable, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import runner  # noqa: E402  (tests/boot/runner.py: runs QEMU, checks the report)


# ---------------------------------------------------------------- the tables

@dataclasses.dataclass(frozen=True)
class Uefi:
    """UEFI firmware for one architecture: pflash code and variable store,
    and the removable-media path's file name on the ESP."""
    code: str
    vars: str
    boot_name: str


@dataclasses.dataclass(frozen=True)
class Arch:
    name: str
    qemu: str                 # QEMU system emulator
    machine: str              # default -M (--machine replaces it)
    cpu: Optional[str]        # -cpu, or None for QEMU's default
    console: str              # the kernel's serial console device (console=)
    exit_args: tuple          # QEMU arguments that let the shim stop the machine
    fail_exit: int            # QEMU's exit status when the shim stops it after an error
    tpm_device: str           # QEMU's TPM TIS device for this machine
    acpi: int                 # does the guest find ACPI tables (outside UEFI)
    uefi: Optional[Uefi]      # firmware for shim.efi
    secure_boot: Optional[Uefi]  # ... with Secure Boot (Debian's snakeoil keys)
    secure_boot_machine: Optional[str]  # -M the Secure Boot firmware needs (SMM)
    uboot: Optional[str]      # U-Boot binary for booti
    kernel_addr: Optional[int]  # where a loader puts a kernel (U-Boot's kernel_addr_r)
    ram_base: int             # physical start of RAM on the default machine
    cross: str                # cross toolchain prefix (x0 trampoline)
    # What the shim and the kernel start at, given the -M options and
    # whether the shim is the machine's firmware: a dict for the banner and
    # kernel_el_console templates (exception levels on aarch64).
    levels: Callable = lambda machine, firmware: {}
    kernel_el_console: Optional[str] = None  # a line the kernel prints about its level
    # How QEMU is handed U-Boot: -bios (it is the firmware), or -kernel (an
    # S-mode U-Boot that QEMU's bundled OpenSBI starts, riscv64).
    uboot_arg: str = "-bios"
    # The removable-media file name (\EFI\BOOT\...) U-Boot's bootefi
    # starts shim.efi from; None: U-Boot has no UEFI flavour row here.
    uboot_efi_name: Optional[str] = None
    # The U-Boot variable naming where bootefi's shim.efi is loaded. U-Boot
    # does not reserve the load buffer: bootefi's own allocations before it
    # reads the image from there may land in it. Seen on riscv64: a 64.5 MB
    # shim.efi (a 32 MiB initrd) loaded at kernel_addr_r, 0x84000000, lost
    # the end of its initrd past 0x88000000, under U-Boot's DTB copy; loaded
    # at ramdisk_addr_r it boots intact.
    uboot_efi_load: str = "kernel_addr_r"


def aarch64_levels(machine, firmware):
    """-M virt,virtualization=on starts the CPU at EL2 (and the kernel stays
    there), secure=on at EL3 (only a firmware sees it: the kernel starts
    at non-secure EL1 or EL2)."""
    opts = machine.split(",")[1:]
    kel = 2 if "virtualization=on" in opts else 1
    el = 3 if firmware and "secure=on" in opts else kel
    return {"el": el, "kel": kel}


ARCHES = {a.name: a for a in (
    Arch(name="x86_64", qemu="qemu-system-x86_64", machine="pc", cpu=None,
         console="ttyS0",
         # isa-debug-exit: the shim writes 1, QEMU exits with (1 << 1) | 1.
         exit_args=("-device", "isa-debug-exit"), fail_exit=3,
         tpm_device="tpm-tis", acpi=1,
         uefi=Uefi("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd",
                   "BOOTX64.EFI"),
         secure_boot=Uefi("/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd",
                          "/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd", "BOOTX64.EFI"),
         # OVMF's Secure Boot build needs SMM, so q35 with a secure flash.
         secure_boot_machine="q35,smm=on",
         uboot=None, kernel_addr=None, ram_base=0, cross=""),
    Arch(name="aarch64", qemu="qemu-system-aarch64", machine="virt",
         # pauth-impdef: QEMU's cheap pointer-authentication algorithm; the
         # architected one makes TCG several times slower.
         cpu="max,pauth-impdef=on", console="ttyAMA0",
         # semihosting SYS_EXIT with status 1.
         exit_args=("-semihosting-config", "enable=on,target=native"), fail_exit=1,
         tpm_device="tpm-tis-device", acpi=0,
         uefi=Uefi("/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/AAVMF/AAVMF_VARS.fd",
                   "BOOTAA64.EFI"),
         secure_boot=None, secure_boot_machine=None,
         uboot="/usr/lib/u-boot/qemu_arm64/u-boot.bin",
         kernel_addr=0x40400000,  # a 2 MiB boundary, U-Boot's kernel_addr_r
         ram_base=0x40000000, cross="aarch64-linux-gnu-",
         levels=aarch64_levels, kernel_el_console=r"CPU: All CPU\(s\) started at EL{kel}",
         uboot_efi_name="BOOTAA64.EFI"),
    Arch(name="riscv64", qemu="qemu-system-riscv64", machine="virt", cpu=None,
         console="ttyS0",
         # virt's test device (sifive,test), always there: the shim writes
         # its FAIL code with status 1 (SBI SRST would exit 0 under QEMU's
         # OpenSBI 1.1).
         exit_args=(), fail_exit=1,
         tpm_device="tpm-tis-device", acpi=0,
         uefi=None, secure_boot=None, secure_boot_machine=None,
         # U-Boot in S-mode, started by QEMU's OpenSBI as its -kernel.
         uboot="/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin", uboot_arg="-kernel",
         kernel_addr=0x84000000,  # U-Boot's kernel_addr_r on qemu-riscv64
         ram_base=0x80000000, cross="riscv64-linux-gnu-", uboot_efi_name="BOOTRISCV64.EFI",
         uboot_efi_load="ramdisk_addr_r"),  # 0x8c300000
)}


@dataclasses.dataclass(frozen=True)
class Flavour:
    """One start mode of one architecture."""
    file: str                 # what the build makes and QEMU is handed ($(O)/<arch>/FILE)
    handover: str             # how (a key of HANDOVERS)
    banner: str               # the shim's "bootshim: started by ..." (a regex template)
    patch_elf: Optional[str] = None  # the ELF --patch/--patch-code edit ...
    patch_flat: bool = False  # ... and whether FILE is its flat copy, patched alongside
    firmware: bool = False    # the shim is the machine's firmware (-bios)
    uefi: bool = False        # the shim is a UEFI application
    uboot: bool = False       # ... started by U-Boot's own UEFI (bootefi), not from pflash


UEFI_BANNER = r"bootshim: started by UEFI \({handoff} hand-off\)"
FLAVOURS = {
    ("x86_64", "pvh"): Flavour("shim.elf", "kernel", "bootshim: started by PVH",
                               patch_elf="shim.elf"),
    ("x86_64", "rom"): Flavour("shim.rom", "bios",
                               r"bootshim: started by firmware \(-bios\) on {machine_name}",
                               patch_elf="shim.rom.elf", patch_flat=True, firmware=True),
    ("x86_64", "efi"): Flavour("shim.efi", "esp", UEFI_BANNER, uefi=True),
    ("aarch64", "img"): Flavour("shim.img", "kernel",
                                "bootshim: started by Linux Image boot at EL{el}",
                                patch_elf="shim.img.elf", patch_flat=True),
    ("aarch64", "uboot"): Flavour("shim.img", "uboot-booti",
                                  "bootshim: started by Linux Image boot at EL{el}",
                                  patch_elf="shim.img.elf", patch_flat=True),
    ("aarch64", "x0"): Flavour("shim.img", "x0-trampoline",
                               "bootshim: started by Linux Image boot at EL{el}",
                               patch_elf="shim.img.elf", patch_flat=True),
    ("aarch64", "rom"): Flavour("shim.rom", "bios",
                                r"bootshim: started by firmware \(-bios\) at EL{el}",
                                patch_elf="shim.rom.elf", patch_flat=True, firmware=True),
    ("aarch64", "efi"): Flavour("shim.efi", "esp", UEFI_BANNER, uefi=True),
    ("riscv64", "img"): Flavour("shim.img", "kernel",
                                "bootshim: started by RISC-V Linux Image boot in S-mode",
                                patch_elf="shim.img.elf", patch_flat=True),
    ("riscv64", "uboot"): Flavour("shim.img", "uboot-booti",
                                  "bootshim: started by RISC-V Linux Image boot in S-mode",
                                  patch_elf="shim.img.elf", patch_flat=True),
    # shim.efi chainloaded from U-Boot's UEFI, as on boards (riscv64's only
    # UEFI here: Debian 13's EDK2 does not start on QEMU 7.2).
    ("aarch64", "uboot-efi"): Flavour("shim.efi", "uboot-bootefi", UEFI_BANNER, uefi=True,
                                      uboot=True),
    ("riscv64", "uboot-efi"): Flavour("shim.efi", "uboot-bootefi", UEFI_BANNER, uefi=True,
                                      uboot=True),
    # The machine's first code in M-mode, handing the kernel to the
    # OpenSBI fw_dynamic it embeds.
    ("riscv64", "rom"): Flavour("shim.rom", "bios",
                                r"bootshim: started by firmware \(-bios\) in M-mode",
                                patch_elf="shim.rom.elf", patch_flat=True, firmware=True),
}
# The start mode when a case names none.
DEFAULT_MODE = {"x86_64": "pvh", "aarch64": "img", "riscv64": "img"}

# Machines whose virtio devices sit on virtio-mmio rather than PCI: how a
# disk is attached there, and the kernel modules its guest needs.
VIRTIO_MMIO_MACHINES = ("microvm",)
VIRTIO_PCI_MODULES = ("virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci")
VIRTIO_MMIO_MODULES = ("virtio_mmio",)

SERIAL_ARGS = ("-display", "none", "-serial", "stdio", "-monitor", "none")
# A negative UEFI case: the error line, then the shim's line saying it
# returns to the firmware, then the firmware going on to its next boot
# option with our status (runner.py fails a run that ends otherwise: a
# reset, an exit, a hang).
UEFI_ERROR_CONSOLE = (r"bootshim: error: [^\n]*\n(?:[^\n]*\n)*?"
                      r"bootshim: returning an error to the firmware$")
UEFI_NEXT_BOOT = "BdsDxe: failed to start .*: Load Error"
# ... and U-Boot's bootefi, back at its prompt with our status.
UBOOT_EFI_FAILED = r"## Application failed, r = \d+"
# The firmware keeps more RAM to itself than a BIOS does (with SMM, tens
# of MiB).
UEFI_RAM_SLACK_MIB = 48
SNAKEOIL_KEY = "/usr/share/ovmf/PkKek-1-snakeoil.key"  # passphrase "snakeoil"
SNAKEOIL_CERT = "/usr/share/ovmf/PkKek-1-snakeoil.pem"
# A unix socket path has room for 107 bytes (sun_path).
SUN_PATH_MAX = 107


def qemu_base(arch, machine=None, mem="1G", smp=1, reboot=False):
    """The start of every QEMU command on ARCH: binary, machine, CPU, RAM,
    CPUs, the serial console on stdio, the shim's stop device; no reboot
    (a reset ends QEMU) unless the guest's reboot must restart the machine."""
    a = ARCHES[arch]
    cmd = [a.qemu, "-M", machine or a.machine]
    if a.cpu:
        cmd += ["-cpu", a.cpu]
    cmd += ["-m", str(mem), "-smp", str(smp), *SERIAL_ARGS]
    if not reboot:
        cmd.append("-no-reboot")
    return cmd + list(a.exit_args)


def tpm_args(arch, sock):
    """QEMU's TPM, on the control socket of a running swtpm."""
    return ["-chardev", f"socket,id=chrtpm,path={sock}",
            "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
            "-device", f"{ARCHES[arch].tpm_device},tpmdev=tpm0"]


# ---------------------------------------------------------------- options

OPTIONS_HELP = """Start modes (default: pvh on x86_64, img on aarch64): --start MODE, or
its shorthands --rom, --uboot, --uboot-efi, --efi, --efi-shell, --stub, --x0-dtb. Rows:
""" + "\n".join(f"  {a:8} {m:6} {f.file} via {f.handover}" for (a, m), f in FLAVOURS.items())


def parse_args(argv):
    p = argparse.ArgumentParser(prog="boot.py", description=__doc__.split("\n\n")[0],
                                epilog=OPTIONS_HELP,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    o = p.add_argument
    o("--name", required=True)
    o("--out", required=True, metavar="DIR", help="the case's directory (emptied first)")
    o("--kernel", required=True, metavar="FILE")
    o("--init", required=True, metavar="FILE", help="the guest's /init (tests/guest)")
    o("--arch", default="x86_64", choices=sorted(ARCHES), help="(default x86_64)")
    o("--machine", metavar="OPTS",
      help="QEMU's -M, the same on every architecture: the machine and its options, e.g. "
           "q35, microvm, pc,acpi=off, virt,virtualization=on, virt,secure=on,gic-version=3 "
           "(default: the arch's machine, pc or virt; its first word names the machine)")
    o("--start", metavar="MODE", help="the start mode, a FLAVOURS row (list below)")
    o("--rom", dest="start", action="store_const", const="rom",
      help="boot shim.rom as the firmware (-bios)")
    o("--uboot", dest="start", action="store_const", const="uboot",
      help="aarch64, riscv64: boot shim.img from U-Boot's booti")
    o("--uboot-cmd", action="append", default=[], metavar="CMD",
      help="... typing CMD at U-Boot's prompt before booti (repeatable; implies --uboot)")
    o("--efi", dest="start", action="store_const", const="efi",
      help="boot shim.efi under OVMF/AAVMF from an ESP's removable path")
    o("--uboot-efi", dest="start", action="store_const", const="uboot-efi",
      help="aarch64, riscv64: boot shim.efi from U-Boot's bootefi (an ESP's removable path)")
    o("--efi-shell", metavar="ARGS",
      help="... or from the UEFI shell (startup.nsh) with these arguments (implies --efi)")
    o("--stub", action="store_true",
      help="... with EFI_HANDOFF=stub (the kernel's own EFI stub; implies --efi)")
    o("--secure-boot", action="store_true",
      help="... signed with Debian's snakeoil key, under OVMF's snakeoil Secure Boot variables")
    o("--patch-efi", metavar="'OFFSET SIZE VALUE'",
      help="damage the kernel inside shim.efi (found by its first KiB) at OFFSET from its start")
    o("--patch-signed", metavar="'OFFSET SIZE VALUE'",
      help="--secure-boot: like --patch-efi, but on the signed shim.efi, after signing")
    o("--x0-dtb", metavar="KIND",
      choices=("bad-magic", "totalsize-past-ram", "address-cells-0", "address-cells-5",
               "memory-only-shim"),
      help="aarch64: start shim.img from tests/boot/x0-trampoline.S with x0 pointing at a "
           "hostile DTB (QEMU's own, then damaged): %(choices)s")
    o("--patch-code", action="append", default=[], metavar="'SYMBOL HEX'",
      help="plant machine code at a function of the built shim (any flavour but shim.efi) "
           "(tests/boot/patch-code.py)")
    o("--patch", action="append", default=[], metavar="'SECTION OFFSET SIZE VALUE'",
      help="damage the shim's ELF after the build (and its flat image: tests/boot/patch-elf.py)")
    o("--expect-ticks", action="store_true",
      help="x86_64: the shim cannot know the TSC frequency on this machine: entry-to-jump "
           "must be reported in ticks")
    o("--disk", action="store_true",
      help="attach a virtio-blk disk; the guest must read its first sector "
           "(virtio-blk-device on virtio-mmio with --machine microvm)")
    o("--expect-mtrr", action="store_true",
      help="x86_64: /proc/mtrr's write-back ranges must cover the RAM")
    o("--expect-mcfg", type=int, choices=(0, 1),
      help="x86_64: whether ACPI has an MCFG table (PCIe ECAM)")
    o("--expect-dmi-product", metavar="TEXT", help="the DMI product name the guest must see")
    o("--smbios-serial", metavar="S",
      help="x86_64: -smbios type=1,serial=S, which the guest must see")
    o("--qemu-arg", action="append", default=[], metavar="ARG",
      help="one more QEMU argument (repeatable)")
    o("--expect-cmdline", metavar="TEXT", help="the command line the guest must see, if not CMDLINE")
    o("--expect-cpus", type=int, metavar="N", help="CPUs the guest must see (default: --smp)")
    o("--expect-hotplug", action="store_true",
      help="the guest takes cpu1 offline and online again (give it bootshim.test.hotplug=1 "
           "in --cmdline)")
    o("--expect-reboot", action="store_true",
      help="the guest reboots once, the second boot powers off (bootshim.test.reboot=1 in "
           "--cmdline; a marker on --disk, QEMU without -no-reboot)")
    o("--embed-dtb", action="store_true",
      help="aarch64, riscv64: build with DTB= (QEMU's own DTB, dumped) and check the shim "
           "uses it")
    o("--reserve", metavar="'ADDR SIZE [no-map]'",
      help="aarch64, riscv64: a DTB with this range in /reserved-memory (QEMU rewrites "
           "/memory in a -dtb, but not that), with the no-map property if asked")
    o("--keep", action="store_true",
      help="keep the case's build and images after it passed (a later check reads them)")
    o("--blob", type=int, default=4096, metavar="BYTES",
      help="random data file /data/blob in the initrd (default 4096)")
    o("--initrd", default="gz", choices=("gz", "raw"), help="initrd compression (default gz)")
    o("--initrd-path", metavar="FILE", help="this initrd instead of the built one")
    o("--cmdline", metavar="TEXT", help="the command line (default: console=<arch's> panic=-1)")
    o("--cmdline-len", type=int, metavar="N", help="pad the command line to N bytes")
    o("--mem", default="1G", metavar="SIZE", help="QEMU -m (default 1G)")
    o("--smp", type=int, default=1, metavar="N", help="QEMU -smp (default 1)")
    o("--expect-build-error", metavar="REGEX", help="the build must fail saying this")
    o("--expect-error", metavar="REGEX", help="the boot must fail saying this")
    o("--expect-high-mem", action="store_true", help="the kernel must see RAM above 4 GiB")
    o("--expect-console", action="append", default=[], metavar="REGEX",
      help="the serial output must match this (repeatable)")
    o("--expect-rng-seed", action="store_true", help="x86: the kernel took a SETUP_RNG_SEED")
    o("--table-loader", metavar="KIND",
      help="x86_64 --rom: acpi=off added to -M, with a hostile etc/table-loader "
           "(tests/boot/hostile-loader.py KIND)")
    o("--within", type=float, default=180, metavar="SECONDS",
      help="a negative case must stop the machine within this time")
    o("--vmgenid", metavar="GUID",
      help="x86_64: a vmgenid device with this generation ID, which the guest must read back")
    g = p.add_argument_group("measured boot (a TPM 2.0 from swtpm, one per case, in DIR/tpm)")
    o = g.add_argument
    o("--tpm", action="store_true",
      help="attach a TPM (the arch's TIS device: x86_64 tpm-tis, aarch64 virt "
           "tpm-tis-device), in every start mode; the guest must find it (arm64: the initrd "
           "loads tpm_tis)")
    o("--tpm-banks", metavar="LIST",
      help="... with these PCR banks active (swtpm_setup --pcr-banks; default sha256), e.g. "
           "sha1,sha256 (implies --tpm)")
    o("--expect-pcr", action="append", default=[], metavar="N=HEX|N=@FILE|N=@pcr11",
      help="the guest's SHA-256 PCR N must hold this value (FILE: its first word); @pcr11: "
           "the case's own build's $(O)/<arch>/pcr11.txt (built with the shim)")
    o("--expect-eventlog", action="store_true",
      help="the guest's event log (kept as DIR/eventlog.bin) must parse with tpm2_eventlog "
           "and replay to the guest's PCRs, for every PCR it touches")
    o("--expect-efivar", action="append", default=[], metavar="NAME=REGEX",
      help="the Boot Loader Interface variable NAME (systemd's vendor GUID) as the guest "
           "decoded it must match REGEX entirely ('none': absent); repeatable")
    o("--expect-refused", metavar="REGEX",
      help="the firmware must refuse to start the image: the run ends, as a pass, when the "
           "console matches REGEX, with no bootshim or kernel line before it")
    o("--make-arg", action="append", default=[], metavar="NAME=VALUE",
      help="one more variable for the shim's build (repeatable), e.g. CMDLINE_ALLOW")
    o("--efi-loader", metavar="FILE",
      help="UEFI: FILE (tests/boot/efi-loader.c, signed too with --secure-boot) at the "
           "removable path starts \\shim.efi with --load-options as its load options")
    o("--load-options", default="", metavar="TEXT", help="see --efi-loader")
    o("--efi-firmware", metavar="'CODE VARS [smm]'",
      help="UEFI: these firmware images instead of Debian 12's OVMF/AAVMF (smm: a Secure "
           "Boot build, which needs q35 with SMM and a secure flash)")
    # "--qemu-arg -cpu": a value that starts with '-' is still the value.
    takes_value = {s for a in p._actions if a.nargs != 0 for s in a.option_strings}
    joined, i = [], 0
    while i < len(argv):
        if argv[i] in takes_value and i + 1 < len(argv):
            joined.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            joined.append(argv[i])
            i += 1
    args = p.parse_args(joined)

    if args.uboot_cmd:
        args.start = args.start or "uboot"
    if args.efi_shell is not None or args.stub:
        args.start = args.start or "efi"
    if args.x0_dtb:
        args.start = args.start or "x0"
    args.start = args.start or DEFAULT_MODE[args.arch]
    args.tpm = args.tpm or args.tpm_banks is not None
    args.tpm_banks = args.tpm_banks or "sha256"
    if (args.arch, args.start) not in FLAVOURS:
        p.error(f"no start mode {args.start!r} on {args.arch}: "
                f"{', '.join(m for a, m in FLAVOURS if a == args.arch)}")
    if args.patch_signed and not args.secure_boot:
        p.error("--patch-signed needs --secure-boot (it damages the signed shim.efi)")
    flavour = FLAVOURS[args.arch, args.start]
    if (args.patch or args.patch_code) and not flavour.patch_elf:
        p.error(f"--patch/--patch-code: {flavour.file} has no ELF to patch (--patch-efi)")
    for spec in args.expect_pcr:
        if not re.fullmatch(r"[0-9]+=.+", spec):
            p.error(f"--expect-pcr {spec}: not N=HEX, N=@FILE or N=@pcr11")
    return args


def mebibytes(size):
    """QEMU's -m SIZE (a number with an optional K, M, G or T suffix,
    powers of 1024; plain numbers are MiB) in MiB."""
    m = re.fullmatch(r"(\d+)([KMGT]?)", size.upper())
    if not m:
        sys.exit(f"boot.py: --mem {size}: not a size like 512M or 4G")
    shift = {"K": -10, "": 0, "M": 0, "G": 10, "T": 20}[m.group(2)]
    n = int(m.group(1))
    return n << shift if shift >= 0 else n >> -shift


class Fail(Exception):
    """A case that cannot go on: the message follows 'FAIL <name>: '."""


# ---------------------------------------------------------------- one case

class Case:
    def __init__(self, args):
        self.a = args
        self.arch = ARCHES[args.arch]
        self.flavour = FLAVOURS[args.arch, args.start]
        self.out = os.path.abspath(args.out)
        shutil.rmtree(self.out, ignore_errors=True)
        os.makedirs(self.out)
        self.machine = args.machine or self.arch.machine
        self.handoff = "stub" if args.stub else "direct"
        self.tpm_proc = None
        self.tpm_sock = os.path.join(self.out, "tpm", "swtpm.sock")
        self.build_dir = os.path.join(self.out, "o", args.arch)
        self.shim = os.path.join(self.build_dir, self.flavour.file)
        fw = self.uefi_firmware()
        if fw and fw[2] and args.machine:
            raise Fail(f"--machine {args.machine}: this firmware needs -M "
                       f"{self.arch.secure_boot_machine}")
        if fw and fw[2]:
            self.machine = self.arch.secure_boot_machine

    def path(self, *names):
        return os.path.join(self.out, *names)

    def run(self, cmd, log=None, **kw):
        """Run a host tool; its output goes to LOG (in DIR) or is dropped."""
        with open(self.path(log), "a") if log else open(os.devnull, "w") as f:
            r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, **kw)
        if r.returncode:
            raise Fail(f"{cmd[0]} failed (exit {r.returncode})" +
                       (f": see {self.path(log)}" if log else f": {' '.join(cmd)}"))

    # ---- the TPM: one swtpm per QEMU run, from a freshly manufactured
    # state (a reset TPM, as PCR 11's prediction assumes), stopped however
    # the case ends.
    def tpm_stop(self):
        if self.tpm_proc:
            self.tpm_proc.terminate()
            try:
                self.tpm_proc.wait(5)
            except subprocess.TimeoutExpired:
                self.tpm_proc.kill()
                self.tpm_proc.wait()
            self.tpm_proc = None

    def tpm_start(self):
        if not self.a.tpm:
            return
        self.tpm_stop()
        state = self.path("tpm")
        shutil.rmtree(state, ignore_errors=True)
        os.makedirs(state)
        if len(self.tpm_sock) > SUN_PATH_MAX:
            raise Fail(f"--tpm: socket path {self.tpm_sock} is longer than {SUN_PATH_MAX} bytes")
        with open(self.path("swtpm-setup.log"), "w") as log:
            r = subprocess.run(["swtpm_setup", "--tpm2", "--tpmstate", state,
                                "--pcr-banks", self.a.tpm_banks, "--overwrite"],
                               stdout=log, stderr=subprocess.STDOUT)
        if r.returncode:
            tail = open(self.path("swtpm-setup.log")).read().splitlines()[-5:]
            raise Fail(f"swtpm_setup --pcr-banks {self.a.tpm_banks} failed:\n" + "\n".join(tail))
        self.tpm_proc = subprocess.Popen(
            ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={state}",
             "--ctrl", f"type=unixio,path={self.tpm_sock}",
             "--log", f"file={self.path('swtpm.log')},level=1"])
        for _ in range(100):
            if os.path.exists(self.tpm_sock):
                return
            if self.tpm_proc.poll() is not None:
                break
            time.sleep(0.05)
        raise Fail(f"swtpm did not open {self.tpm_sock} (see {self.path('swtpm.log')})")

    def tpm_qemu(self):
        return tpm_args(self.a.arch, self.tpm_sock) if self.a.tpm else []

    def base(self, machine=None):
        return qemu_base(self.a.arch, machine or self.machine, self.a.mem, self.a.smp,
                         reboot=self.a.expect_reboot)

    def dump_dtb(self, dtb, machine=None):
        """QEMU's own DTB for this machine (with the TPM's node, when there
        is one: QEMU connects to swtpm even here)."""
        self.tpm_start()
        subprocess.run(self.base(machine) + self.tpm_qemu() + ["-machine", f"dumpdtb={dtb}"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        if not os.path.exists(dtb):
            raise Fail(f"QEMU did not dump its DTB to {dtb}")

    def uefi_firmware(self):
        """(code, vars, smm) for a UEFI case, else None."""
        if not self.flavour.uefi or self.flavour.uboot:
            return None
        if self.a.secure_boot:
            if not self.arch.secure_boot:
                raise Fail(f"--secure-boot: no Secure Boot firmware for {self.a.arch}")
            return self.arch.secure_boot.code, self.arch.secure_boot.vars, True
        if self.a.efi_firmware:
            words = self.a.efi_firmware.split()
            return words[0], words[1], "smm" in words[2:]
        return self.arch.uefi.code, self.arch.uefi.vars, False

    # ---- the payload
    def cmdline(self):
        a = self.a
        line = a.cmdline if a.cmdline else f"console={self.arch.console} panic=-1"
        # Pad with a marker pattern, quotes and '=' included, to exactly N bytes.
        if a.cmdline_len is not None:
            line += ' bootshim.test="a b=c" pad='
            while len(line) < a.cmdline_len:
                line += 'x="1 2" '
            line = line[:a.cmdline_len]
        return line

    def module_path(self, name):
        return f"{self.a.kernel}.modules/{name}.ko"

    def modules(self):
        """Kernel modules for the initrd, in load order: efivarfs under
        UEFI (to list the variables); with a disk, the virtio modules of
        the kernel (scripts/fetch-kernel.sh keeps them beside it); with a
        TPM, its TIS driver where the kernel builds it as a module
        (Debian's arm64 kernels), after the modules it depends on."""
        a, mods = self.a, []
        if self.flavour.uefi:
            mods.append(self.module_path("efivarfs"))
        if a.disk or a.expect_reboot:
            mmio = self.machine.split(",")[0] in VIRTIO_MMIO_MACHINES
            transport = VIRTIO_MMIO_MODULES if mmio else VIRTIO_PCI_MODULES
            config = self.kernel_config()
            if mmio and not os.path.exists(self.module_path("virtio_mmio")) and \
                    re.search(r"^CONFIG_VIRTIO_MMIO=m", config, re.M):
                raise Fail(f"--disk on microvm needs {self.module_path('virtio_mmio')} "
                           f"(fetched by scripts/fetch-kernel.sh since issue 11: delete "
                           f"{a.kernel} to fetch it again)")
            for m in ("virtio_ring", "virtio", *transport, "virtio_blk"):
                if os.path.exists(self.module_path(m)):
                    mods.append(self.module_path(m))
        if a.tpm:
            if not re.search(r"^CONFIG_TCG_TIS=[ym]", self.kernel_config(), re.M):
                raise Fail(f"--tpm: {a.kernel} has no TPM TIS driver (CONFIG_TCG_TIS is not "
                           f"set in {a.kernel}.config; Debian's arm64 generic kernels lack "
                           f"it: use the cloud ones)")
            self.add_module("tpm_tis", mods)
        return mods

    def kernel_config(self):
        try:
            return open(self.a.kernel + ".config").read()
        except OSError:
            return ""

    def add_module(self, name, mods):
        """NAME's dependencies first (its .modinfo depends=), then NAME, each once."""
        f = self.module_path(name)
        if not os.path.exists(f):
            return
        info = subprocess.run(["readelf", "-p", ".modinfo", f], capture_output=True,
                              text=True).stdout
        for line in info.splitlines():
            m = re.search(r"\]\s+depends=(.*)$", line)
            if m:
                for dep in m.group(1).replace(",", " ").replace("-", "_").split():
                    self.add_module(dep, mods)
        if f not in mods:
            mods.append(f)

    def make_initrd(self, blob):
        initrd = self.path("initrd.cpio" + (".gz" if self.a.initrd == "gz" else ""))
        env = dict(os.environ, MODULES=" ".join(self.modules()))
        self.run([os.path.join(REPO, "tests", "guest", "mkinitrd.sh"), initrd, self.a.init,
                  blob], env=env)
        return self.a.initrd_path or initrd

    def build(self, cmdline, initrd, dtb):
        """The real build interface, only the flavour under test (a payload
        may be too big for another's limits: aarch64 shim.rom's 64 MiB
        flash); CMDLINE through the environment keeps its bytes.
        Returns (exit status, log text)."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        env["CMDLINE"] = cmdline
        cmd = ["make", "-C", REPO, f"ARCH={self.a.arch}", f"O={self.path('o')}",
               f"KERNEL={self.a.kernel}", f"INITRD={initrd}", f"EFI_HANDOFF={self.handoff}"]
        if dtb:
            cmd.append(f"DTB={dtb}")
        cmd += self.a.make_arg + [self.shim]
        if self.wants_pcr11():
            cmd.append(self.pcr11_file())
        with open(self.path("build.log"), "w") as log:
            rc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
        return rc, open(self.path("build.log"), errors="replace").read()

    def pcr11_file(self):
        return os.path.join(self.build_dir, "pcr11.txt")

    def wants_pcr11(self):
        return any(e.endswith("=@pcr11") for e in self.a.expect_pcr)

    def patch_built(self):
        """--patch and --patch-code: the ELF, and the flat image made of it."""
        f = self.flavour
        elf = os.path.join(self.build_dir, f.patch_elf or "")
        flat = [self.shim] if f.patch_flat else []
        for spec in self.a.patch:
            self.run([sys.executable, os.path.join(HERE, "patch-elf.py"), elf,
                      *spec.split(), *flat])
        for spec in self.a.patch_code:
            self.run([sys.executable, os.path.join(HERE, "patch-code.py"), elf,
                      *spec.split(), *flat])

    # ---- expectations
    def expectations(self):
        """runner.py options every successful boot of this flavour must meet."""
        a, f = self.a, self.flavour
        name = self.machine.split(",")[0]
        opts = self.machine.split(",")[1:]
        levels = self.arch.levels(self.machine, f.firmware)
        banner = f.banner.format(machine_name=name, handoff=self.handoff, **levels)
        exp = ["--expect-console", banner]
        if f.uefi:
            # OVMF and AAVMF give the guest ACPI; U-Boot's UEFI, the DTB.
            acpi = self.arch.acpi if f.uboot else 1
            return exp + ["--expect-acpi", str(acpi), "--expect-efi", "1", "--expect-efivars",
                          "--ram-slack", str(UEFI_RAM_SLACK_MIB)]
        exp += ["--expect-efi", "0"]
        if self.arch.kernel_el_console:
            exp += ["--expect-console", self.arch.kernel_el_console.format(**levels)]
        if "acpi=off" in opts and self.arch.acpi:
            # No ACPI: the guest cannot power the machine off.
            exp += ["--expect-acpi", "0", "--stop-after-report"]
        else:
            exp += ["--expect-acpi", str(self.arch.acpi)]
        return exp

    # ---- the whole case
    def main(self):
        a = self.a
        cmdline = self.cmdline()
        with open(self.path("cmdline.expected"), "w") as f:
            f.write(a.expect_cmdline if a.expect_cmdline is not None else cmdline)
        blob = self.path("blob")
        data = os.urandom(a.blob)
        with open(blob, "wb") as f:
            f.write(data)
        initrd = self.make_initrd(blob)

        dtb = None
        if a.embed_dtb:
            # QEMU's DTB for this machine, with a marker the guest can see.
            dtb = self.path("embed.dtb")
            self.dump_dtb(dtb)
            self.run(["fdtput", "-t", "s", dtb, "/", "model", "bootshim embedded DTB"])

        rc, log = self.build(cmdline, initrd, dtb)
        if a.expect_build_error:
            if rc and re.search(a.expect_build_error, log, re.M):
                said = re.search(r"bootshim: error: .*", log)
                print(f"PASS {a.name} (build refused: {said.group(0) if said else ''})")
                return 0
            tail = "\n".join(log.splitlines()[-20:])
            raise Fail(f"build exit {rc}, expected a failure matching "
                       f"/{a.expect_build_error}/\n{tail}")
        if rc:
            raise Fail("build failed\n" + "\n".join(log.splitlines()[-20:]))
        self.patch_built()

        self.sends = []
        self.consoles = []
        qemu = HANDOVERS[self.flavour.handover](self)
        qemu += reserve_dtb(self) + self.tpm_qemu() + a.qemu_arg
        checks = []
        if a.smbios_serial is not None:
            qemu += ["-smbios", f"type=1,serial={a.smbios_serial}"]
            checks += ["--expect-dmi-serial", a.smbios_serial]
        if a.vmgenid:
            qemu += ["-device", f"vmgenid,guid={a.vmgenid}"]
            checks += ["--expect-vmgenid", a.vmgenid]
        if a.disk or a.expect_reboot:
            qemu += self.disk(checks)

        common = ["--name", a.name, "--log", self.path("serial.log")]
        for regex, text in self.sends:
            common += ["--send", regex, text]
        self.tpm_start()
        if a.expect_error is not None:
            fail = ["--expect-exit", str(self.arch.fail_exit)]
            if self.flavour.uefi:
                # The firmware goes on to its next boot option, with our status.
                next_boot = UBOOT_EFI_FAILED if self.flavour.uboot else UEFI_NEXT_BOOT
                fail = ["--expect-console", UEFI_ERROR_CONSOLE, "--stop-on", next_boot,
                        "--expect-exit", "0"]
            return runner.main(common + ["--timeout", str(a.within),
                                         "--expect-error", a.expect_error] + fail +
                               ["--"] + qemu)
        if a.expect_refused is not None:
            return runner.main(common + ["--timeout", str(a.within),
                                         "--expect-refused", a.expect_refused, "--"] + qemu)

        checks += ["--json", self.path("result.json"),
                   "--eventlog-file", self.path("eventlog.bin"),
                   "--expect-cmdline-file", self.path("cmdline.expected"),
                   "--expect-sha256", hashlib.sha256(data).hexdigest(),
                   "--expect-data-bytes", str(a.blob),
                   "--expect-ram", str(mebibytes(a.mem)),
                   "--expect-cpus", str(a.expect_cpus or a.smp),
                   "--expect-console",
                   f"bootshim: entry-to-jump [0-9]+ {'ticks' if a.expect_ticks else 'us'}"]
        checks += self.expectations() + self.consoles
        for rx in a.expect_console:
            checks += ["--expect-console", rx]
        # With --tpm the guest must find the TPM; its event log, when it has
        # one, is kept for the host's replay.
        if a.tpm:
            checks.append("--expect-tpm")
        for spec in a.expect_pcr:
            n, _, want = spec.partition("=")
            checks += ["--expect-pcr", f"{n}=@{self.pcr11_file()}" if want == "@pcr11" else spec]
        if a.expect_eventlog:
            checks.append("--expect-eventlog")
        for spec in a.expect_efivar:
            checks += ["--expect-efivar", spec]
        for flag, on in (("--expect-mtrr-wb", a.expect_mtrr), ("--expect-hotplug", a.expect_hotplug),
                         ("--expect-reboot", a.expect_reboot),
                         ("--expect-rng-seed-taken", a.expect_rng_seed),
                         ("--expect-high-mem", a.expect_high_mem)):
            if on:
                checks.append(flag)
        if a.expect_mcfg is not None:
            checks += ["--expect-mcfg", str(a.expect_mcfg)]
        if a.expect_dmi_product is not None:
            checks += ["--expect-dmi-product", a.expect_dmi_product]
        return runner.main(common + ["--timeout", "300"] + checks + ["--"] + qemu)

    def disk(self, checks):
        """A disk of known random content behind virtio-blk: PCI, or
        virtio-mmio on machines without PCI."""
        img = self.path("disk.img")
        data = os.urandom(1 << 20)
        with open(img, "wb") as f:
            f.write(data)
        checks += ["--expect-vda-sha256", hashlib.sha256(data[:512]).hexdigest()]
        if self.machine.split(",")[0] in VIRTIO_MMIO_MACHINES:
            return ["-drive", f"file={img},format=raw,if=none,id=vd0",
                    "-device", "virtio-blk-device,drive=vd0"]
        return ["-drive", f"file={img},format=raw,if=virtio"]


# ---------------------------------------------------------------- hand-overs
# How QEMU is handed the shim: each returns the QEMU command so far
# (Case.main adds the TPM, --qemu-arg and the disk), may queue text to
# type (case.sends) and console lines to expect (case.consoles).

def handover_kernel(case):
    """QEMU's -kernel: a PVH ELF note (x86_64) or a Linux Image header
    (aarch64)."""
    return case.base() + ["-kernel", case.shim]


def handover_bios(case):
    """-bios: the shim is the machine's firmware. --table-loader: QEMU
    builds no ACPI tables, and no script, with acpi=off: a hostile script
    of ours instead."""
    machine = case.machine
    extra = []
    if case.a.table_loader:
        loader = case.path("table-loader")
        case.run([sys.executable, os.path.join(HERE, "hostile-loader.py"),
                  case.a.table_loader, loader])
        machine += ",acpi=off"
        extra = ["-fw_cfg", f"name=etc/table-loader,file={loader}"]
    return case.base(machine) + ["-bios", case.shim] + extra


def handover_uboot_booti(case):
    """U-Boot as the firmware, the shim loaded where U-Boot's own
    kernel_addr_r would put a kernel, and booti typed at its prompt (after
    any --uboot-cmd)."""
    addr = f"{case.arch.kernel_addr:#x}"
    case.sends.append(("Hit any key to stop autoboot", "\\n"))
    for c in case.a.uboot_cmd:
        case.sends.append(("=> ", c + "\\n"))
    case.sends.append(("=> ", f"booti {addr} - ${{fdtcontroladdr}}\\n"))
    case.consoles += ["--expect-console", "Starting kernel"]
    return case.base() + [
        case.arch.uboot_arg, case.arch.uboot,
        "-device", f"loader,file={case.shim},addr={addr},force-raw=on"]


def handover_uboot_bootefi(case):
    """U-Boot's own UEFI, as boards chainload UEFI applications: shim.efi
    at the removable-media path of an ESP on a virtio disk, loaded to
    arch.uboot_efi_load and started by bootefi typed at U-Boot's prompt, with
    U-Boot's DTB (installed in the configuration table)."""
    a, arch = case.a, case.arch
    if a.patch_efi:
        case.run([sys.executable, os.path.join(HERE, "patch-efi.py"), a.kernel, case.shim,
                  *a.patch_efi.split()])
    esp = case.path("esp.img")
    case.run([os.path.join(REPO, "scripts", "mkesp.sh"), case.shim, arch.uboot_efi_name, esp])
    case.sends.append(("Hit any key to stop autoboot", "\\n"))
    load = "${" + arch.uboot_efi_load + "}"
    case.sends.append(("=> ", f"virtio scan; load virtio 0:1 {load} "
                              f"EFI/BOOT/{arch.uboot_efi_name}; "
                              f"bootefi {load} ${{fdtcontroladdr}}\\n"))
    # -nic none: no network boot to try first.
    return case.base() + [arch.uboot_arg, arch.uboot, "-nic", "none",
                          "-drive", f"file={esp},format=raw,if=virtio"]


X0_TRAMPOLINE = 0x60000000
X0_DTB = 0x48000000


def handover_x0_trampoline(case):
    """--x0-dtb: the trampoline, shim.img and a hostile blob as raw images
    in RAM (-device loader: QEMU checks nothing), the CPU started at the
    trampoline."""
    a, arch = case.a, case.arch
    dtb, at = case.path("hostile.dtb"), X0_DTB
    case.dump_dtb(dtb)
    ram_end = arch.ram_base + mebibytes(a.mem) * (1 << 20)
    kind = a.x0_dtb
    if kind == "bad-magic":
        patch_bytes(dtb, 0, b"\xd0\x0d\xfe\xef")
    elif kind == "totalsize-past-ram":
        # The last 64 KiB of RAM, claiming 1 MiB (under the 2 MiB the shim
        # accepts): the blob runs past the end of RAM.
        at = ram_end - 0x10000
        patch_bytes(dtb, 4, b"\x00\x10\x00\x00")
    elif kind in ("address-cells-0", "address-cells-5"):
        case.run(["fdtput", "-t", "u", dtb, "/", "#address-cells", kind[-1]])
    elif kind == "memory-only-shim":
        # RAM only as far as the loader's copy of the shim reaches: the
        # blob itself (above it) lies outside that RAM.
        top = (arch.kernel_addr + os.path.getsize(case.shim) + 0xfff) & ~0xfff
        case.run(["fdtput", "-t", "x", dtb, f"/memory@{arch.ram_base:x}", "reg", "0",
                  f"{arch.ram_base:#x}", "0", f"{top - arch.ram_base:x}"])
    tramp = case.path("x0-trampoline.elf")
    case.run([f"{arch.cross}gcc", "-nostdlib", "-static", f"-Wl,-Ttext={X0_TRAMPOLINE:#x}",
              "-Wl,--build-id=none", "-Wl,-z,max-page-size=4096", f"-DDTB_ADDR={at:#x}",
              f"-DIMG_ADDR={arch.kernel_addr:#x}", "-o", tramp,
              os.path.join(HERE, "x0-trampoline.S")])
    return case.base() + [
        "-device", f"loader,file={tramp},cpu-num=0",
        "-device", f"loader,file={case.shim},addr={arch.kernel_addr:#x},force-raw=on",
        "-device", f"loader,file={dtb},addr={at:#x},force-raw=on"]


def handover_esp(case):
    """shim.efi on an ESP (a virtio disk) under UEFI firmware in pflash:
    at the removable-media path, or for the shell elsewhere with a
    startup.nsh that runs it with arguments, or started by --efi-loader."""
    a = case.a
    code, vars_, smm = case.uefi_firmware()
    shim = case.shim
    if a.patch_efi:
        case.run([sys.executable, os.path.join(HERE, "patch-efi.py"), a.kernel, shim,
                  *a.patch_efi.split()])
    loader = a.efi_loader
    if a.secure_boot:
        key = case.path("snakeoil.key")
        case.run(["openssl", "rsa", "-in", SNAKEOIL_KEY, "-passin", "pass:snakeoil",
                  "-out", key])
        signed = shim + ".signed"
        case.run(["sbsign", "--key", key, "--cert", SNAKEOIL_CERT, "--output", signed, shim],
                 log="sbsign.log")
        shim = signed
        if loader:
            case.run(["sbsign", "--key", key, "--cert", SNAKEOIL_CERT,
                      "--output", case.path("loader.efi"), loader], log="sbsign.log")
            loader = case.path("loader.efi")
        if a.patch_signed:
            case.run([sys.executable, os.path.join(HERE, "patch-efi.py"), a.kernel, shim,
                      *a.patch_signed.split()])
    shutil.copy(vars_, case.path("vars.fd"))
    esp = case.path("esp.img")
    with open(esp, "wb") as f:
        f.truncate((os.path.getsize(shim) // 1024 + 4096) * 1024)
    case.run(["mformat", "-i", esp, "::"])
    boot = "::/EFI/BOOT/" + case.arch.uefi.boot_name
    if loader:
        case.run(["mcopy", "-i", esp, shim, "::/shim.efi"])
        with open(case.path("options.txt"), "w") as f:
            f.write(a.load_options)
        case.run(["mcopy", "-i", esp, case.path("options.txt"), "::/options.txt"])
        case.run(["mmd", "-i", esp, "::/EFI", "::/EFI/BOOT"])
        case.run(["mcopy", "-i", esp, loader, boot])
    elif a.efi_shell is not None:
        case.run(["mcopy", "-i", esp, shim, "::/shim.efi"])
        with open(case.path("startup.nsh"), "w") as f:
            f.write(f"fs0:\\shim.efi {a.efi_shell}\r\n")
        case.run(["mcopy", "-i", esp, case.path("startup.nsh"), "::/startup.nsh"])
    else:
        case.run(["mmd", "-i", esp, "::/EFI", "::/EFI/BOOT"])
        case.run(["mcopy", "-i", esp, shim, boot])
    smm_args = ["-global", "driver=cfi.pflash01,property=secure,value=on"] if smm else []
    # -nic none: no network boot options to wait for before the shell.
    return case.base() + smm_args + [
        "-nic", "none",
        "-drive", f"if=pflash,format=raw,readonly=on,file={code}",
        "-drive", f"if=pflash,format=raw,file={case.path('vars.fd')}",
        "-drive", f"file={esp},format=raw,if=virtio"]


HANDOVERS = {
    "kernel": handover_kernel,
    "bios": handover_bios,
    "uboot-booti": handover_uboot_booti,
    "uboot-bootefi": handover_uboot_bootefi,
    "x0-trampoline": handover_x0_trampoline,
    "esp": handover_esp,
}


def reserve_dtb(case):
    """--reserve: QEMU's DTB with a /reserved-memory range, given as -dtb."""
    if not case.a.reserve:
        return []
    dtb = case.path("virt.dtb")
    case.dump_dtb(dtb)
    words = case.a.reserve.split()
    addr, size, nomap = words[0], words[1], words[2:] == ["no-map"]
    node = f"/reserved-memory/test@{addr}"
    edits = [["-c", dtb, "/reserved-memory"],
             ["-t", "x", dtb, "/reserved-memory", "#address-cells", "2"],
             ["-t", "x", dtb, "/reserved-memory", "#size-cells", "2"],
             ["-t", "x", dtb, "/reserved-memory", "ranges"],  # empty: the kernel needs it
             ["-c", dtb, node],
             ["-t", "x", dtb, node, "reg", "0", addr, "0", size]]
    if nomap:
        edits.append(["-t", "s", dtb, node, "no-map", ""])
    for edit in edits:
        case.run(["fdtput"] + edit)
    return ["-dtb", dtb]


def patch_bytes(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


# A passed case keeps its logs and results, not its build and images: ~200
# cases each with a shim build, an initrd and a disk would take tens of GB.
# (A failed one keeps everything; --keep keeps a case's, BOOTSHIM_TEST_KEEP=1
# every passed one's.)
TIDY_MIN_BYTES = 1 << 20


def tidy(out):
    shutil.rmtree(os.path.join(out, "o"), ignore_errors=True)
    for name in os.listdir(out):
        path = os.path.join(out, name)
        if os.path.isfile(path) and os.path.getsize(path) >= TIDY_MIN_BYTES and \
                not name.endswith((".log", ".json")):
            os.unlink(path)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
    case = None
    try:
        case = Case(args)
        rc = case.main()
        if rc == 0 and not args.keep and not os.environ.get("BOOTSHIM_TEST_KEEP"):
            tidy(args.out)
        return rc
    except Fail as e:
        print(f"FAIL {args.name}: {e}", flush=True)
        return 1
    finally:
        if case:
            case.tpm_stop()


if __name__ == "__main__":
    sys.exit(main())
