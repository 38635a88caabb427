#!/usr/bin/env python3
"""bench.py: boot the same kernel, initrd and command line through every
shim flavour and through the usual alternatives (the anchors), and print
per architecture one markdown table: for each path

  (a) the pre-kernel instructions: guest instructions from reset to the
      kernel image's first instruction, counted once (-icount shift=0 and
      the TCG plugin tests/bench/insn_count.c, through count.py: the same
      path gives the same count, but for a firmware or shim polling a device
      that answers in host time, a disk under UEFI, swtpm), and for a shim
      its own part (from its entry, less the copy) and its copy's part;
  (b) the time to kernel entry: QEMU's start to the kernel's first console
      line (its EFI stub, decompressor or banner) and to its banner (the
      kernel proper, after any stub or decompressor), with earlyprintk on
      every path's command line alike;
  (c) the whole boot: QEMU's start to the guest init's report, for the
      default payload and for a 4 MiB incompressible initrd (the demo
      initrd plus a cpio of 4 MiB of random bytes) with `quiet`;

(b) and (c) are medians of --runs boots, alternating paths and payloads so
that drift in the machine's load hits every path alike. Then each shim's
ratios against each anchor of its start mode, and the measured and EL3
rows against their plain twins.

  x86_64:  pc: shim.elf (PVH), shim.rom (-bios)  vs  SeaBIOS -kernel, qboot -kernel
           microvm: shim.elf (PVH), shim.rom  vs  qboot -kernel (microvm's own way)
           OVMF: shim.efi  vs  a UKI of systemd-stub
  aarch64: shim.img (-kernel), shim.rom (-bios)  vs  QEMU's own -kernel, U-Boot booti
           AAVMF: shim.efi  vs  a UKI of systemd-stub
           shim.rom as the EL3 PSCI firmware of 4 CPUs (secure=on), against
           shim.rom at EL1
  riscv64: shim.img (-kernel, under QEMU's OpenSBI), shim.rom (-bios, the
           OpenSBI it embeds)  vs  QEMU -kernel under OpenSBI (direct),
           U-Boot booti (S-mode, under OpenSBI)
  x86_64, aarch64: shim.rom and shim.efi again with a TPM (swtpm, a fresh one
           per boot), where they measure the payload: what measuring costs

The bench builds the shims it boots (make O=<out>/<payload>/build...),
with its own command lines and initrds; the kernel is the one given.

usage: bench.py --arch A --runs N --kernel K --initrd I --cmdline-file F
                --plugin insn_count.so --out DIR [--make-arg NAME=VALUE...]
                [--check] [--paths REGEX] [--counts-only]"""
import argparse
import dataclasses
import datetime
import functools
import glob
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from typing import Callable, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
# The boot harness's tables (QEMU binary, machine, CPU, console and stop
# device, TPM device, firmware per architecture) and its QEMU runner.
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
sys.path.insert(0, HERE)
from boot import ARCHES, qemu_base, tpm_args as qemu_tpm_args  # noqa: E402
from count import count as count_insns  # noqa: E402
RUNNER = os.path.join(HERE, "..", "boot", "runner.py")
QBOOT = "/usr/share/qemu/qboot.rom"
# systemd-stub for the UKI rows (arm64's comes with --arm64-stub).
UKI_STUB = {"x86_64": "/usr/lib/systemd/boot/efi/linuxx64.efi.stub"}

# Every path boots with this much RAM, which its guest must see (runner.py
# checks it on every successful boot), and without UEFI unless it says so.
MEM_MIB = 1024
NO_UEFI = ["--expect-efi", "0"]
# The firmware keeps more RAM to itself than a BIOS does (boot.py too).
UEFI = ["--expect-efi", "1", "--ram-slack", "48"]

# The kernel's early console on every path's command line alike, so that
# its first line comes as soon as it runs: x86's earlyprintk (the
# decompressor of a kernel built with CONFIG_X86_VERBOSE_BOOTUP prints
# too; Debian's does not), earlycon on the DTB arches (QEMU's, U-Boot's and
# the shim's DTB name the UART in /chosen/stdout-path; UEFI's SPCR).
EARLY_CONSOLE = {"x86_64": "earlyprintk=ttyS0", "aarch64": "earlycon", "riscv64": "earlycon"}
# microvm: Debian's kernel cannot calibrate its TSC there under TCG, so
# every microvm path boots with this on the command line.
MICROVM_TSC = "tsc_early_khz=2000000"
# The second payload: this many incompressible bytes more in the initrd,
# which the guest reads back (data-bytes, data-sha256), and a quiet kernel.
BIG_BYTES = 4 << 20
BIG_SEED = 13
BIG_WORD = "quiet"

# The measured rows: shim.rom and shim.efi again with a TPM; each must say
# it measured, and is compared with its unmeasured twin only.
MEASURED_LINE = "bootshim: measured boot: PCR 11 via"
# What the core prints when the entry has no TPM driver: no such row then.
NO_DRIVER_LINE = "bootshim: measured boot: off (no TPM driver for this entry)"

# U-Boot's ramdisk_addr_r, where the booti rows' initrd goes.
UBOOT_INITRD = {"aarch64": 0x48000000, "riscv64": 0x88300000}

COUNT_TIMEOUT = 300


def machine_line():
    """The machine the figures come from: CPU model, cores, QEMU."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    qemu = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                          text=True).stdout.split("\n")[0]
    qemu = qemu.replace("QEMU emulator version ", "QEMU ")
    return f"{model}, {os.cpu_count()} cores, {qemu}, TCG (no KVM)"


# ---------------------------------------------------------------- payloads

def newc(name, data, mode):
    """One newc cpio member (the kernel's initramfs format,
    Documentation/driver-api/early-userspace/buffer-format.rst)."""
    name_b = name.encode() + b"\0"
    fields = [0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0]
    hdr = b"070701" + b"".join(b"%08X" % f for f in fields) + name_b
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return pad(hdr) + pad(data)


def big_initrd(demo, out):
    """The demo initrd, then an uncompressed cpio holding /data/blob: 4 MiB
    of random bytes (seeded: the same file every time). The kernel takes
    the second archive only at a 4-byte offset (init/initramfs.c), so the
    gzip member is padded with zeros, which it skips. Returns the blob's
    SHA-256, which the guest must report."""
    blob = random.Random(BIG_SEED).randbytes(BIG_BYTES)
    gz = open(demo, "rb").read()
    with open(out + ".tmp", "wb") as f:
        f.write(gz + b"\0" * (-len(gz) % 4))
        f.write(newc("data/blob", blob, 0o100644) + newc("TRAILER!!!", b"", 0))
    os.replace(out + ".tmp", out)
    return hashlib.sha256(blob).hexdigest()


class Payload:
    """One payload: an initrd and a command line (the kernel is the same),
    the shims the bench builds for it (one build per machine variant: the
    microvm one has MICROVM_TSC on its command line) and what the guest
    must report."""

    def __init__(self, a, key, title, initrd, cmdline, expect):
        self.a, self.key, self.title = a, key, title
        self.initrd, self.base_cmdline, self.expect = initrd, cmdline, expect
        self.dir = os.path.join(a.out, key)
        os.makedirs(self.dir, exist_ok=True)
        self.initrd_size = os.path.getsize(initrd)

    def cmdline(self, variant=""):
        return self.base_cmdline + (" " + MICROVM_TSC if variant == "microvm" else "")

    def cmdline_file(self, variant=""):
        path = os.path.join(self.dir, f"cmdline{variant and '-' + variant}.expected")
        open(path, "w").write(self.cmdline(variant))
        return path

    def build_dir(self, variant=""):
        return os.path.join(self.dir, "build" + (variant and "-" + variant))

    def file(self, variant, name):
        """A file of this payload's build for variant (shim.elf, shim.rom.elf, ...)."""
        return os.path.join(self.build_dir(variant), self.a.arch, name)

    def build(self, variant, files):
        """make the shims through the real build interface, in an O of
        their own that shares the top build's host tools and downloads;
        CMDLINE through the environment keeps its bytes."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        env["CMDLINE"] = self.cmdline(variant)
        o = self.build_dir(variant)
        cmd = (["make", "-C", REPO, f"ARCH={self.a.arch}", f"O={o}",
                f"KERNEL={os.path.abspath(self.a.kernel)}",
                f"INITRD={os.path.abspath(self.initrd)}"] + self.a.make_arg +
               [os.path.join(o, self.a.arch, f) for f in sorted(files)])
        log = os.path.join(self.dir, f"build{variant and '-' + variant}.log")
        with open(log, "w") as f:
            if subprocess.run(cmd, env=env, stdout=f, stderr=subprocess.STDOUT).returncode:
                sys.exit(f"bench: building {', '.join(sorted(files))} for the {self.key} "
                         f"payload failed:\n" + "".join(open(log).readlines()[-30:]))


def payloads(a, cmdline):
    demo = Payload(a, "default", "default payload", a.initrd,
                   f"{cmdline} {EARLY_CONSOLE[a.arch]}", [])
    big = os.path.join(a.out, "initrd-4mib.cpio")
    sha = big_initrd(a.initrd, big)
    four = Payload(a, "4mib", "4 MiB initrd, quiet", big,
                   f"{cmdline} {EARLY_CONSOLE[a.arch]} {BIG_WORD}",
                   ["--expect-data-bytes", str(BIG_BYTES), "--expect-sha256", sha])
    return [demo, four]


# ---------------------------------------------------------------- paths

@dataclasses.dataclass
class Path:
    """One way to boot: its QEMU command for a payload, runner.py's
    expectations, the shims it needs built, and how count.py finds the
    shim in it."""
    label: str
    group: Optional[str]            # start mode: shims meet the anchors of theirs
    anchor: bool
    qemu: Callable                  # Payload -> QEMU command
    extra: Callable = lambda p: NO_UEFI   # Payload -> runner.py options
    builds: tuple = ()              # (variant, file) built for each payload
    count: Callable = lambda p: {}  # Payload -> count.py's shim=/rom= (the ELF)
    twin: Optional[str] = None      # compared with this row only
    default_only: bool = False      # booted with the default payload only
    tpm: bool = False               # a fresh swtpm per boot
    # The shim's refusal of a payload too big for this path (a line of its
    # console): that payload's cell says so instead of failing the bench.
    too_big: Optional[str] = None
    # Counting takes minutes (a UEFI firmware runs billions of
    # instructions, slowly under -icount): not done by --check.
    slow_count: bool = False

    def variant(self):
        return self.builds[0][0] if self.builds else ""


def base(a, machine=None, smp=1):
    """Every path's QEMU command starts so: the boot harness's (binary,
    machine, CPU, RAM, serial console, stop device) with -nodefaults: no
    VGA, no default NIC, so that no firmware runs an option ROM or probes
    a device the boot does not use."""
    return qemu_base(a.arch, machine, f"{MEM_MIB}M", smp) + ["-nodefaults"]


def direct(a, p, variant=""):
    return ["-kernel", a.kernel, "-initrd", p.initrd, "-append", p.cmdline(variant)]


def tpm_args(a):
    """QEMU's TPM, on the socket of the swtpm that Swtpm starts."""
    return qemu_tpm_args(a.arch, os.path.join(a.out, "swtpm.sock"))


def measured(a, plain, qemu, builds, count, extra):
    """plain's twin, measuring into a TPM (it must say so)."""
    return Path(plain.label + ", measuring into a TPM", None, False,
                lambda p: qemu(p) + tpm_args(a),
                lambda p: extra(p) + ["--expect-console", "^" + MEASURED_LINE],
                builds, count, twin=plain.label, default_only=True, tpm=True)


def shim_path(label, group, qemu, builds, count, extra=lambda p: NO_UEFI, **kw):
    return Path(label, group, False, qemu, extra, builds, count, **kw)


def dtb_with_bootcmd(a, p, machine, firmware, bootcmd):
    """QEMU's own DTB for this machine and firmware (with firmware, arm64's
    virt has a GED where it would have a PL061) with U-Boot's /config node
    naming the boot command, and no autoboot delay: U-Boot runs it without
    waiting for a key (its autoboot prompt would otherwise make the
    instruction count depend on when input arrived)."""
    dtb = os.path.join(p.dir, f"uboot-{a.arch}.dtb")
    q = base(a, f"{machine},dumpdtb={dtb}") + firmware
    subprocess.run(q, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["fdtput", "-c", dtb, "/config"], check=True)
    subprocess.run(["fdtput", "-t", "i", dtb, "/config", "bootdelay", "0"], check=True)
    subprocess.run(["fdtput", "-t", "s", dtb, "/config", "bootcmd", bootcmd], check=True)
    return dtb


def uboot_path(a, label, group):
    """U-Boot booti of the same Image and initrd, loaded into RAM by QEMU,
    with the command line in bootargs: on aarch64 U-Boot is the firmware
    (-bios), on riscv64 its S-mode build is started by QEMU's OpenSBI."""
    arch = ARCHES[a.arch]
    q = base(a)
    addr, rd = arch.kernel_addr, UBOOT_INITRD[a.arch]

    @functools.lru_cache(maxsize=None)
    def dtb(p):
        return dtb_with_bootcmd(a, p, arch.machine, [arch.uboot_arg, arch.uboot],
                                f"setenv bootargs '{p.cmdline()}'; "
                                f"booti {addr:#x} {rd:#x}:{p.initrd_size:#x} ${{fdtcontroladdr}}")

    def qemu(p):
        return q + [arch.uboot_arg, arch.uboot, "-dtb", dtb(p),
                    "-device", f"loader,file={a.kernel},addr={addr:#x},force-raw=on",
                    "-device", f"loader,file={p.initrd},addr={rd:#x},force-raw=on"]
    return Path(label, group, True, qemu)


def esp(app, name, out):
    """A FAT image with app at the removable-media path."""
    size_kib = os.path.getsize(app) // 1024 + 4096
    with open(out, "wb") as f:
        f.truncate(size_kib * 1024)
    for cmd in (["mformat", "-i", out, "::"], ["mmd", "-i", out, "::/EFI", "::/EFI/BOOT"],
                ["mcopy", "-i", out, app, "::/EFI/BOOT/" + name]):
        subprocess.run(cmd, check=True)
    return out


def uki(a, p, stub, out):
    """A Unified Kernel Image of the payload on systemd-stub, built as
    systemd 252's documentation shows (objcopy --add-section)."""
    cl = os.path.join(p.dir, "uki-cmdline.txt")
    open(cl, "w").write(p.cmdline())
    subprocess.run([ARCHES[a.arch].cross + "objcopy",
                    "--add-section", ".osrel=/etc/os-release", "--change-section-vma", ".osrel=0x20000",
                    "--add-section", f".cmdline={cl}", "--change-section-vma", ".cmdline=0x30000",
                    "--add-section", f".linux={a.kernel}", "--change-section-vma", ".linux=0x2000000",
                    "--add-section", f".initrd={p.initrd}", "--change-section-vma", ".initrd=0x6000000",
                    stub, out], check=True)
    return out


def efi_paths(a, firmware, slow_count):
    """shim.efi and a UKI on systemd-stub, each on an ESP of its own, under
    the arch's UEFI firmware (OVMF, AAVMF)."""
    uefi = ARCHES[a.arch].uefi
    stub = a.arm64_stub if a.arch == "aarch64" else UKI_STUB.get(a.arch)
    if not uefi or not stub or not os.path.exists(stub):
        return []
    v = os.path.join(a.out, "vars.fd")
    shutil.copy(uefi.vars, v)
    q = base(a) + [
        "-nic", "none", "-drive", f"if=pflash,format=raw,readonly=on,file={uefi.code}",
        "-drive", f"if=pflash,format=raw,snapshot=on,file={v}"]
    disk = lambda img: ["-drive", f"file={img},format=raw,if=virtio,snapshot=on"]
    # Made once per payload (lru_cache), after its build.
    shim_esp = functools.lru_cache(maxsize=None)(
        lambda p: esp(p.file("", "shim.efi"), uefi.boot_name, os.path.join(p.dir, "shim-esp.img")))
    uki_esp = functools.lru_cache(maxsize=None)(
        lambda p: esp(uki(a, p, stub, os.path.join(p.dir, "uki.efi")), uefi.boot_name,
                      os.path.join(p.dir, "uki-esp.img")))
    shim_q = lambda p: q + disk(shim_esp(p))
    uki_q = lambda p: q + disk(uki_esp(p))
    builds = (("", "shim.efi"),)
    # The code's ELF: the stub's, which bootshim pack changes only by the
    # payload it adds.
    count = lambda p: {"shim": p.file("", f"stubs/{a.arch}/efi.so")}
    shim = shim_path(f"shim.efi, {firmware}", "uefi", shim_q, builds, count,
                     extra=lambda p: UEFI, slow_count=slow_count)
    shim_tpm = measured(a, shim, shim_q, builds, count, lambda p: UEFI)
    shim_tpm.slow_count = slow_count
    return [shim, shim_tpm,
            Path(f"UKI (systemd-stub), {firmware}", "uefi", True, uki_q, lambda p: UEFI,
                 slow_count=slow_count)]


def x86_64_paths(a):
    q = base(a)
    qm = base(a, "microvm")
    elf = lambda v: ((v, "shim.elf"),)
    rom = lambda v: ((v, "shim.rom"),)
    elf_count = lambda v: lambda p: {"shim": p.file(v, "shim.elf")}
    rom_count = lambda v: lambda p: {"rom": p.file(v, "shim.rom.elf")}
    rom_q = lambda p: q + ["-bios", p.file("", "shim.rom")]
    pc_rom = shim_path("shim.rom (-bios), pc", "pc", rom_q, rom(""), rom_count(""))
    paths = [
        shim_path("shim.elf (PVH -kernel), pc", "pc",
                  lambda p: q + ["-kernel", p.file("", "shim.elf")], elf(""), elf_count("")),
        pc_rom,
        measured(a, pc_rom, rom_q, rom(""), rom_count(""), lambda p: NO_UEFI),
        Path("SeaBIOS -kernel, pc", "pc", True, lambda p: q + direct(a, p)),
    ]
    if os.path.exists(QBOOT):
        # microvm's own way: qboot loading -kernel/-initrd/-append.
        mv = lambda p: NO_UEFI + ["--expect-cmdline-file", p.cmdline_file("microvm")]
        paths += [
            Path("qboot -kernel, pc", "pc", True, lambda p: q + ["-bios", QBOOT] + direct(a, p)),
            shim_path("shim.elf (PVH -kernel), microvm", "microvm",
                      lambda p: qm + ["-kernel", p.file("microvm", "shim.elf")],
                      elf("microvm"), elf_count("microvm"), mv),
            # microvm maps its devices just below 0xfef00000: a payload
            # of more than 16.75 MiB is refused (README).
            shim_path("shim.rom (-bios), microvm", "microvm",
                      lambda p: qm + ["-bios", p.file("microvm", "shim.rom")],
                      rom("microvm"), rom_count("microvm"), mv,
                      too_big=r"^bootshim: error: microvm: the ROM starts at .* hides microvm's"),
            Path("qboot -kernel, microvm", "microvm", True,
                 lambda p: qm + ["-bios", QBOOT] + direct(a, p, "microvm"), mv),
        ]
    # OVMF runs some 2.7G instructions to the kernel, for minutes under
    # -icount: make check does not count them.
    return paths + efi_paths(a, "OVMF", slow_count=True)


def aarch64_paths(a):
    q = base(a)
    el3_q = base(a, "virt,secure=on", 4)
    rom_q = lambda p: q + ["-bios", p.file("", "shim.rom")]
    rom = (("", "shim.rom"),)
    rom_count = lambda p: {"rom": p.file("", "shim.rom.elf")}
    plain_rom = shim_path("shim.rom (-bios)", "direct", rom_q, rom, rom_count)
    return [
        shim_path("shim.img (-kernel)", "direct", lambda p: q + ["-kernel", p.file("", "shim.img")],
                  (("", "shim.img"),), lambda p: {"shim": p.file("", "shim.img.elf")}),
        plain_rom,
        measured(a, plain_rom, rom_q, rom, rom_count, lambda p: NO_UEFI),
        # The EL3 PSCI firmware of four CPUs (issue 11), against shim.rom
        # at EL1 on one (QEMU's own PSCI).
        Path("shim.rom (-bios), EL3 PSCI firmware, secure=on, -smp 4", None, False,
             lambda p: el3_q + ["-bios", p.file("", "shim.rom")],
             lambda p: NO_UEFI + ["--expect-cpus", "4"], rom, rom_count,
             twin=plain_rom.label, default_only=True),
        Path("QEMU -kernel", "direct", True, lambda p: q + direct(a, p)),
        uboot_path(a, "U-Boot booti", "direct"),
    ] + efi_paths(a, "AAVMF", slow_count=False)


def riscv64_paths(a):
    q = base(a)
    return [
        shim_path("shim.img (-kernel, under QEMU's OpenSBI)", "direct",
                  lambda p: q + ["-kernel", p.file("", "shim.img")], (("", "shim.img"),),
                  lambda p: {"shim": p.file("", "shim.img.elf")}),
        shim_path("shim.rom (-bios, OpenSBI inside)", "direct",
                  lambda p: q + ["-bios", p.file("", "shim.rom")], (("", "shim.rom"),),
                  lambda p: {"rom": p.file("", "shim.rom.elf")}),
        Path("QEMU -kernel under OpenSBI (direct)", "direct", True, lambda p: q + direct(a, p)),
        uboot_path(a, "U-Boot booti (under OpenSBI)", "direct"),
    ]


PATHS = {"x86_64": x86_64_paths, "aarch64": aarch64_paths, "riscv64": riscv64_paths}


# ---------------------------------------------------------------- running

class Swtpm:
    """A freshly manufactured swtpm (TPM 2.0, SHA-256 bank) on the socket
    tpm_args names, for one boot."""

    def __init__(self, out):
        self.state = os.path.join(out, "tpm")
        self.sock = os.path.join(out, "swtpm.sock")
        shutil.rmtree(self.state, ignore_errors=True)
        os.makedirs(self.state)
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        subprocess.run(["swtpm_setup", "--tpm2", "--tpmstate", self.state,
                        "--pcr-banks", "sha256", "--overwrite"],
                       stdout=subprocess.DEVNULL, check=True)
        self.proc = subprocess.Popen(["swtpm", "socket", "--tpm2",
                                      "--tpmstate", f"dir={self.state}",
                                      "--ctrl", f"type=unixio,path={self.sock}"])
        for _ in range(100):
            if os.path.exists(self.sock) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(self.sock):
            self.close()
            sys.exit(f"bench: swtpm did not open {self.sock}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait()


class NoTpm:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def tpm_for(a, path):
    return Swtpm(a.out) if path.tpm else NoTpm()


def boot(a, path, p, name):
    """One boot through runner.py; its JSON summary, or None when a
    measured row's shim has no TPM driver."""
    js = os.path.join(p.dir, name + ".json")
    log = os.path.join(p.dir, name + ".log")
    with tpm_for(a, path):
        r = subprocess.run([sys.executable, RUNNER, "--name", name, "--log", log, "--json", js,
                            "--expect-cmdline-file", p.cmdline_file(),
                            "--expect-ram", str(MEM_MIB)] + p.expect + path.extra(p) +
                           ["--"] + path.qemu(p),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    res = json.load(open(js))
    text = open(log, errors="replace").read()
    if r.returncode and path.tpm and NO_DRIVER_LINE in text:
        return None
    refused = path.too_big and re.search(path.too_big, text, re.M)
    if refused:
        return {"too_big": refused.group(0)}
    if r.returncode or not res.get("time_to_report"):
        sys.exit(f"bench: {path.label} ({p.title}) failed:\n{r.stdout}")
    return res


def count(a, path, p):
    """count.py's figures for one path with the default payload."""
    with tpm_for(a, path):
        try:
            return count_insns(a.plugin, a.kernel, path.qemu(p), timeout=COUNT_TIMEOUT,
                               **path.count(p))
        except RuntimeError as e:
            sys.exit(f"bench: counting {path.label}: {e}")


# ---------------------------------------------------------------- the table

def insns(n):
    if n is None:
        return "n/a"
    if n >= 1_000_000_000:
        return f"{n / 1e9:.2f}G"
    if n >= 10_000_000:
        return f"{n / 1e6:.1f}M"
    if n >= 1_000_000:
        return f"{n / 1e6:.2f}M"
    if n >= 10_000:
        return f"{n / 1e3:.0f}k"
    if n >= 1000:
        return f"{n / 1e3:.1f}k"
    return str(n)


def mbytes(n):
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n} B"


def secs(t, places):
    return "n/a" if t is None else f"{t:.{places}f} s"


def ratio(x, y):
    return "n/a" if x is None or not y else f"{x / y:.2f}×"


# An anchor that runs fewer instructions than this (QEMU's arm64 -kernel:
# 6) is compared by difference alone: a ratio to it means nothing.
TINY = 1000


def insn_ratio(x, y):
    """Ratio and difference of two counts: '0.52× (−21.2M)'."""
    if x is None or y is None:
        return "n/a"
    diff = ("+" if x >= y else "−") + insns(abs(x - y))
    return diff if y < TINY else f"{ratio(x, y)} ({diff})"


PACK_RUNS = 5


def pack_times(a, pl):
    """{flavour: median seconds} of `bootshim pack` writing this payload
    into each of the default build's stubs, as a user of the installed
    command would (issue 14)."""
    stubs = os.path.join(pl.build_dir(), a.arch, "stubs")
    out, times = os.path.join(pl.dir, "packed"), {}
    for stub in sorted(glob.glob(os.path.join(stubs, a.arch, "*.stub"))):
        flavour = os.path.basename(stub)[:-len(".stub")]
        cmd = [a.bootshim, "pack", "--stubs", stubs, "--arch", a.arch, "--flavour", flavour,
               "--kernel", a.kernel, "--initrd", pl.initrd,
               "--cmdline-file", pl.cmdline_file(), "-o", out]
        runs = []
        for _ in range(PACK_RUNS):
            t = time.monotonic()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            runs.append(time.monotonic() - t)
        times[flavour] = statistics.median(runs)
    return times


def main():
    p = argparse.ArgumentParser()
    for opt in ("--arch", "--kernel", "--initrd", "--cmdline-file", "--out", "--plugin"):
        p.add_argument(opt, required=True)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--arm64-stub", help="systemd-stub for arm64 (linuxaa64.efi.stub)")
    p.add_argument("--make-arg", action="append", default=[], metavar="NAME=VALUE",
                   help="passed to the bench's own shim builds (HOST=, DOWNLOADS=)")
    p.add_argument("--paths", metavar="REGEX",
                   help="only the paths whose label matches (and their twins' plain rows)")
    p.add_argument("--counts-only", action="store_true",
                   help="only the instruction counts: no boots")
    p.add_argument("--bootshim", help="the host's bootshim command, to time its pack")
    p.add_argument("--check", action="store_true",
                   help="make check's run: no count of the paths under UEFI firmware "
                        "(minutes each)")
    a = p.parse_args()
    a.out = os.path.abspath(a.out)
    os.makedirs(a.out, exist_ok=True)
    cmdline = open(a.cmdline_file, "rb").read().rstrip(b"\n").decode()

    loads = payloads(a, cmdline)
    paths = PATHS[a.arch](a)
    if a.paths:
        keep = {x.label for x in paths if re.search(a.paths, x.label)}
        keep |= {x.twin for x in paths if x.label in keep and x.twin}
        paths = [x for x in paths if x.label in keep]
    started = time.monotonic()
    for pl in loads:
        want = {}
        for path in paths:
            if path.default_only and pl.key != "default":
                continue
            for variant, f in path.builds:
                want.setdefault(variant, set()).add(f)
        for variant, files in want.items():
            pl.build(variant, files)
    built = time.monotonic()

    # (a) the counts, once each: the same path gives the same count.
    default = loads[0]
    counts = {}
    for path in paths:
        if a.check and path.slow_count:
            continue
        t = time.monotonic()
        counts[path.label] = count(a, path, default)
        print(f"bench: counted {path.label}: {counts[path.label]['total']} instructions "
              f"({time.monotonic() - t:.1f} s)", file=sys.stderr)
    counted = time.monotonic()

    # (b), (c): alternating boots.
    results = {(pl.key, path.label): [] for pl in loads for path in paths}
    too_big = {}
    for i in range(0 if a.counts_only else a.runs):
        for pl in loads:
            for n, path in enumerate(list(paths)):
                if (path.default_only and pl.key != "default") or (pl.key, path.label) in too_big:
                    continue
                res = boot(a, path, pl, f"run{i}-{n}")
                if res is None:
                    print(f"bench: this shim has no TPM driver ('{NO_DRIVER_LINE}'): "
                          f"no '{path.label}' row", file=sys.stderr)
                    paths.remove(path)
                elif "too_big" in res:
                    too_big[(pl.key, path.label)] = res["too_big"]
                else:
                    results[(pl.key, path.label)].append(res)
    booted = time.monotonic()

    def med(key, label, field):
        vals = [r[field] for r in results[(key, label)] if r.get(field) is not None]
        return statistics.median(vals) if vals else None

    rows = {}
    for path in paths:
        c = counts.get(path.label, {})
        shim = c.get("own") is not None
        copied = [r["shim_copied"] for r in results[("default", path.label)]
                  if r.get("shim_copied") is not None]
        rows[path.label] = {
            "anchor": path.anchor, "group": path.group, "twin": path.twin,
            "counted": bool(c), "insns": c.get("total"),
            # The shim's own work from its entry, less its payload copy.
            "own": c["own"] - c["copy"] if shim else None,
            "copy": c["copy"] if shim else None,
            "copy_blocks": c["copy_blocks"] if shim else None,
            "bytes_copied": copied[0] if copied else None,
            "first_line": med("default", path.label, "time_to_kernel"),
            "banner": med("default", path.label, "time_to_banner"),
            "init": med("default", path.label, "time_to_report"),
            "init_4mib": None if path.default_only else med("4mib", path.label, "time_to_report"),
            "too_big_4mib": too_big.get(("4mib", path.label)),
            "shim_us": med("default", path.label, "shim_us"),
            "measure_us": med("default", path.label, "measure_us"),
        }
    date = datetime.date.today().isoformat()
    packs = pack_times(a, default) if a.bootshim else {}
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump({"arch": a.arch, "runs": a.runs, "date": date, "machine": machine_line(),
                   "cmdline": default.base_cmdline, "rows": rows, "pack_seconds": packs},
                  f, indent=2)
    if not a.counts_only:
        print_table(a, rows, default.base_cmdline, date)
    if packs:
        size = os.path.getsize(a.kernel) + default.initrd_size
        print(f"\n`bootshim pack` of the default payload ({size / 1e6:.1f} MB), wall time, "
              f"median of {PACK_RUNS}: " +
              ", ".join(f"{fl} {t * 1000:.0f} ms" for fl, t in sorted(packs.items())) +
              " (no compiler: the stub is copied and the payload written into it)")
    print(f"bench: {a.arch}: builds {built - started:.0f} s, counts {counted - built:.0f} s, "
          f"boots {booted - counted:.0f} s", file=sys.stderr)


def print_table(a, rows, cmdline, date):
    notes = {}  # footnote mark -> text
    print(f"\n### {a.arch}\n")
    print(f"{date}, {machine_line()}; times are medians of {a.runs} alternating runs. "
          f"Command line: `{cmdline}` (the 4 MiB column: `{BIG_WORD}` added"
          + (f"; on microvm `{MICROVM_TSC}` too" if a.arch == "x86_64" else "") + ").\n")
    print("| boot path | instructions to the kernel | shim's own | copy (bytes) | "
          "to the kernel's first line | to its banner | to init | to init, 4 MiB initrd |")
    print("|---|---|---|---|---|---|---|---|")
    for label, r in rows.items():
        name = f"**{label}**" if r["anchor"] else label
        total = insns(r["insns"])
        if not r["counted"]:
            total = "not counted¹"
            notes["¹"] = ("`make check-bench` leaves out the counts under OVMF, which "
                          "take minutes each; `make bench` has them")
        copy = ("n/a" if r["copy"] is None else
                insns(r["copy"]) + (f" ({mbytes(r['bytes_copied'])})"
                                    if r["bytes_copied"] is not None else ""))
        big = secs(r["init_4mib"], 2)
        if r["too_big_4mib"]:
            big = "too big²"
            notes["²"] = f"refused by the shim: `{r['too_big_4mib'][:100]}...`"
        print(f"| {name} | {total} | {insns(r['own'])} | {copy} | "
              f"{secs(r['first_line'], 3)} | {secs(r['banner'], 3)} | "
              f"{secs(r['init'], 2)} | {big} |")
    for mark in (m for m in "¹²" if m in notes):
        print(f"\n{mark} {notes[mark]}")

    print("\nEach shim against each anchor (**bold** above) of its start mode:\n")
    print("| shim / anchor | instructions | first line | banner | init | init, 4 MiB |")
    print("|---|---|---|---|---|---|")
    for label, r in rows.items():
        if r["anchor"] or r["twin"]:
            continue
        for alabel, ar in rows.items():
            if not ar["anchor"] or ar["group"] != r["group"]:
                continue
            print(f"| {label} / {alabel} | {insn_ratio(r['insns'], ar['insns'])} | "
                  f"{ratio(r['first_line'], ar['first_line'])} | "
                  f"{ratio(r['banner'], ar['banner'])} | {ratio(r['init'], ar['init'])} | "
                  f"{ratio(r['init_4mib'], ar['init_4mib'])} |")
    print()
    for label, r in rows.items():
        if not r["twin"] or r["twin"] not in rows:
            continue
        t = rows[r["twin"]]
        more = (f" (+{insns(r['insns'] - t['insns'])})"
                if r["insns"] is not None and t["insns"] is not None else "")
        if "TPM" in label:
            own = (f"; the shim's own 'measured boot' {r['measure_us'] / 1000:.1f} ms"
                   if r["measure_us"] is not None else "")
            jump = (f"entry-to-jump {r['shim_us'] / 1000:.1f} ms with a TPM, "
                    f"{t['shim_us'] / 1000:.1f} ms without{own}; "
                    if r["shim_us"] is not None and t["shim_us"] is not None else "")
            print(f"- measuring ({r['twin']}): {insns(r['insns'])} instructions to the "
                  f"kernel with a TPM, {insns(t['insns'])} without{more}; {jump}time to "
                  f"init {secs(r['init'], 2)}, {secs(t['init'], 2)} (the kernel's TPM "
                  f"driver included)")
        else:
            print(f"- {label}: {insns(r['insns'])} instructions to the kernel (all CPUs), "
                  f"time to init {secs(r['init'], 2)}; {r['twin']} at EL1 on 1 CPU: "
                  f"{insns(t['insns'])}, {secs(t['init'], 2)}")


main()
