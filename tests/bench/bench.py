#!/usr/bin/env python3
"""bench.py: boot the same kernel, initrd and command line through the shim
and through the usual alternatives, alternating, and print for each the
median time from QEMU's start to the guest init's report, the part of it
spent before the kernel's clock started, and the shim's own entry-to-jump
time and bytes copied.

  x86_64:  shim.elf (PVH), shim.rom (-bios)
                           vs  QEMU -kernel/-initrd/-append under SeaBIOS (linuxboot)
                           vs  the same under qboot, where QEMU ships it
           shim.rom on -M microvm  vs  microvm's own way: qboot, -kernel/-initrd/-append
           shim.efi under OVMF  vs  a UKI of systemd-stub under OVMF
  aarch64: shim.img, shim.rom (-bios)  vs  QEMU -kernel/-initrd/-append
                                       vs  U-Boot booti of the same Image and initrd
           shim.efi under AAVMF  vs  a UKI of systemd-stub under AAVMF
           shim.rom under -M virt,secure=on -smp 4: the shim stays as the EL3
           PSCI firmware and starts the other three CPUs (issue 11)
  riscv64: shim.img (-kernel, under QEMU's OpenSBI), shim.rom (-bios, with the
           OpenSBI it embeds)  vs  QEMU -kernel/-initrd/-append under its OpenSBI
                               vs  U-Boot booti (S-mode, under OpenSBI)
  x86_64, aarch64: shim.rom and shim.efi again with a TPM (swtpm, a fresh one per
           boot), where they measure the payload: what measuring costs

usage: bench.py --arch A --runs N --shim SHIM --kernel K --initrd I
                --cmdline-file F --out DIR"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The boot harness's tables (QEMU binary, machine, CPU, console and stop
# device, TPM device, firmware per architecture) and its QEMU runner.
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
from boot import ARCHES, qemu_base, tpm_args as qemu_tpm_args  # noqa: E402
RUNNER = os.path.join(HERE, "..", "boot", "runner.py")
QBOOT = "/usr/share/qemu/qboot.rom"
# systemd-stub for the UKI rows (arm64's comes with --arm64-stub).
UKI_STUB = {"x86_64": "/usr/lib/systemd/boot/efi/linuxx64.efi.stub", "aarch64": None}


def esp(app, name, out):
    """A FAT image with app at the removable-media path."""
    size_kib = os.path.getsize(app) // 1024 + 4096
    with open(out, "wb") as f:
        f.truncate(size_kib * 1024)
    for cmd in (["mformat", "-i", out, "::"], ["mmd", "-i", out, "::/EFI", "::/EFI/BOOT"],
                ["mcopy", "-i", out, app, "::/EFI/BOOT/" + name]):
        subprocess.run(cmd, check=True)
    return out


def uki(a, stub, objcopy, cmdline, out):
    """A Unified Kernel Image of the same payload on systemd-stub, built as
    systemd 252's documentation shows (objcopy --add-section)."""
    cl = os.path.join(a.out, "uki-cmdline.txt")
    open(cl, "w").write(cmdline)
    subprocess.run([objcopy,
                    "--add-section", ".osrel=/etc/os-release", "--change-section-vma", ".osrel=0x20000",
                    "--add-section", f".cmdline={cl}", "--change-section-vma", ".cmdline=0x30000",
                    "--add-section", f".linux={a.kernel}", "--change-section-vma", ".linux=0x2000000",
                    "--add-section", f".initrd={a.initrd}", "--change-section-vma", ".initrd=0x6000000",
                    stub, out], check=True)
    return out


def efi_ways(a, q, cmdline):
    uefi = ARCHES[a.arch].uefi
    code, vars_, name = uefi.code, uefi.vars, uefi.boot_name
    objcopy = ARCHES[a.arch].cross + "objcopy"
    stub = a.arm64_stub if a.arch == "aarch64" else UKI_STUB[a.arch]
    efi = a.shim.rsplit("/", 1)[0] + "/shim.efi"
    if not os.path.exists(efi) or not stub or not os.path.exists(stub):
        return {}
    v = os.path.join(a.out, "vars.fd")
    subprocess.run(["cp", vars_, v], check=True)
    fw = ["-nic", "none", "-drive", f"if=pflash,format=raw,readonly=on,file={code}",
          "-drive", f"if=pflash,format=raw,snapshot=on,file={v}"]
    disk = lambda img: ["-drive", f"file={img},format=raw,if=virtio,snapshot=on"]
    shim_esp = esp(efi, name, os.path.join(a.out, "shim-esp.img"))
    uki_esp = esp(uki(a, stub, objcopy, cmdline, os.path.join(a.out, "uki.efi")), name,
                  os.path.join(a.out, "uki-esp.img"))
    # The firmware keeps more RAM to itself than a BIOS does (boot.py too).
    uefi = ["--expect-efi", "1", "--ram-slack", "48"]
    return {
        "shim.efi (UEFI)": (q + fw + disk(shim_esp), uefi),
        # Through the firmware's EFI_TCG2_PROTOCOL, which hashes.
        MEASURED_EFI: (q + fw + disk(shim_esp) + tpm_args(a),
                       uefi + ["--expect-console", "^" + MEASURED_LINE]),
        "UKI on systemd-stub (UEFI)": (q + fw + disk(uki_esp), uefi),
    }


# The measured rows: shim.rom and shim.efi again with a TPM, each of which
# must say it measured; each is compared with its unmeasured twin.
MEASURED = "shim.rom (-bios), measuring into a TPM"
MEASURED_EFI = "shim.efi (UEFI), measuring into a TPM"
TWIN = {MEASURED: "shim.rom (-bios)", MEASURED_EFI: "shim.efi (UEFI)"}
MEASURED_LINE = "bootshim: measured boot: PCR 11 via"
# What the core prints when the entry has no TPM driver (a shim built
# before measured boot reached that flavour): no such row then.
NO_DRIVER_LINE = "bootshim: measured boot: off (no TPM driver for this entry)"


def tpm_args(a):
    """QEMU's TPM, on the socket of the swtpm that boot() starts (Swtpm)."""
    return qemu_tpm_args(a.arch, os.path.join(a.out, "swtpm.sock"))


def measured_way(a, q, rom):
    """The TPM row for shim.rom."""
    return {MEASURED: (q + ["-bios", rom] + tpm_args(a),
                       NO_UEFI + ["--expect-console", "^" + MEASURED_LINE])}


class Swtpm:
    """A freshly manufactured swtpm (TPM 2.0, SHA-256 bank) on the socket
    measured_way names, for one boot."""

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

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait()
# Every path boots with this much RAM, which its guest must see (boot.py
# checks it on every successful boot), and without UEFI unless it says so.
MEM_MIB = 1024
NO_UEFI = ["--expect-efi", "0"]


# microvm: Debian's kernel cannot calibrate its TSC there under TCG, so both
# microvm rows boot with this on the command line; shim.rom gets its own
# build with it (the same kernel and initrd).
MICROVM_TSC = " tsc_early_khz=2000000"


def microvm_ways(a, cmdline):
    """shim.rom on microvm against microvm's own default: qboot loading
    -kernel/-initrd/-append."""
    if not os.path.exists(QBOOT):
        return {}
    line = cmdline + MICROVM_TSC
    build = os.path.join(a.out, "microvm-build")
    env = dict(os.environ, CMDLINE=line)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(k, None)
    subprocess.run(["make", "-C", os.path.join(HERE, "..", ".."), "ARCH=x86_64",
                    f"O={build}", f"KERNEL={a.kernel}", f"INITRD={a.initrd}",
                    f"{build}/x86_64/shim.rom"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    expected = os.path.join(a.out, "cmdline-microvm.expected")
    open(expected, "w").write(line)
    extra = NO_UEFI + ["--expect-cmdline-file", expected]
    q = qemu_base("x86_64", "microvm", f"{MEM_MIB}M", 1)
    return {
        "shim.rom (-bios) on microvm": (q + ["-bios", f"{build}/x86_64/shim.rom"],
                                        extra),
        "QEMU -kernel/-initrd/-append on microvm (qboot)": (q + [
            "-bios", QBOOT, "-kernel", a.kernel, "-initrd", a.initrd, "-append", line], extra),
    }
# The EL3 row: shim.rom as the PSCI firmware of four CPUs, compared with
# shim.rom at EL1 on one (QEMU's own PSCI) only.
EL3 = "shim.rom (-bios), EL3 PSCI firmware, secure=on, -smp 4"
EL3_TWIN = {EL3: "shim.rom (-bios)"}


# U-Boot's ramdisk_addr_r on qemu-riscv64, where the booti row's initrd goes.
RISCV64_UBOOT_INITRD = 0x88300000


def riscv64_paths(a, cmdline):
    """riscv64 (issue 12): shim.img under QEMU's bundled OpenSBI, and
    shim.rom as the machine's first code handing the kernel to the OpenSBI
    it embeds, against QEMU's own direct boot under its OpenSBI and
    against U-Boot's booti (its S-mode build, which OpenSBI starts as
    -kernel)."""
    q = qemu_base(a.arch, mem=f"{MEM_MIB}M", smp=1)
    arch, size = ARCHES[a.arch], os.path.getsize(a.initrd)
    addr = arch.kernel_addr
    rom = a.shim.replace("shim.img", "shim.rom")
    return {
        "shim.img (-kernel)": (q + ["-kernel", a.shim], NO_UEFI),
        "shim.rom (-bios)": (q + ["-bios", rom], NO_UEFI),
        "QEMU -kernel/-initrd/-append": (q + [
            "-kernel", a.kernel, "-initrd", a.initrd, "-append", cmdline], NO_UEFI),
        "U-Boot booti": (q + [
            arch.uboot_arg, arch.uboot,
            "-device", f"loader,file={a.kernel},addr={addr:#x},force-raw=on",
            "-device", f"loader,file={a.initrd},addr={RISCV64_UBOOT_INITRD:#x},force-raw=on"],
            NO_UEFI + [
            "--send", "Hit any key to stop autoboot", "\\n",
            "--send", "=> ", f"setenv bootargs '{cmdline}'\\n",
            "--send", "=> ",
            f"booti {addr:#x} {RISCV64_UBOOT_INITRD:#x}:0x{size:x} ${{fdtcontroladdr}}\\n"]),
    }


def paths(a, cmdline):
    """label -> (QEMU command, boot.py extra arguments)."""
    if a.arch == "riscv64":
        return riscv64_paths(a, cmdline)
    if a.arch == "x86_64":
        q = qemu_base(a.arch, mem=f"{MEM_MIB}M", smp=1)
        direct = ["-kernel", a.kernel, "-initrd", a.initrd, "-append", cmdline]
        rom = a.shim.replace("shim.elf", "shim.rom")
        ways = {
            "shim.elf (PVH)": (q + ["-kernel", a.shim], NO_UEFI),
            "shim.rom (-bios)": (q + ["-bios", rom], NO_UEFI),
            **measured_way(a, q, rom),
            "QEMU -kernel/-initrd/-append (SeaBIOS)": (q + direct, NO_UEFI),
        }
        if os.path.exists(QBOOT):
            ways["QEMU -kernel/-initrd/-append (qboot)"] = (q + ["-bios", QBOOT] + direct, NO_UEFI)
        ways.update(microvm_ways(a, cmdline))
        ways.update(efi_ways(a, q, cmdline))
        return ways
    q = qemu_base(a.arch, mem=f"{MEM_MIB}M", smp=1)
    size = os.path.getsize(a.initrd)
    rom = a.shim.replace("shim.img", "shim.rom")
    el3_q = qemu_base(a.arch, "virt,secure=on", f"{MEM_MIB}M", 4)
    uboot, addr = ARCHES[a.arch].uboot, ARCHES[a.arch].kernel_addr
    ways = {
        "shim.img (-kernel)": (q + ["-kernel", a.shim], NO_UEFI),
        "shim.rom (-bios)": (q + ["-bios", rom], NO_UEFI),
        **measured_way(a, q, rom),
        EL3: (el3_q + ["-bios", rom], NO_UEFI + ["--expect-cpus", "4"]),
        "QEMU -kernel/-initrd/-append": (q + [
            "-kernel", a.kernel, "-initrd", a.initrd, "-append", cmdline], NO_UEFI),
        "U-Boot booti": (q + [
            "-bios", uboot,
            "-device", f"loader,file={a.kernel},addr={addr:#x},force-raw=on",
            "-device", f"loader,file={a.initrd},addr=0x48000000,force-raw=on"], NO_UEFI + [
            "--send", "Hit any key to stop autoboot", "\\n",
            "--send", "=> ", f"setenv bootargs '{cmdline}'\\n",
            "--send", "=> ", f"booti {addr:#x} 0x48000000:0x{size:x} ${{fdtcontroladdr}}\\n"]),
    }
    ways.update(efi_ways(a, q, cmdline))
    return ways


def boot(name, qemu, extra, out, cmdline_file):
    js = os.path.join(out, name + ".json")
    tpm = Swtpm(out) if "-tpmdev" in qemu else None
    try:
        r = subprocess.run([sys.executable, RUNNER, "--name", name,
                            "--log", os.path.join(out, name + ".log"), "--json", js,
                            "--expect-cmdline-file", cmdline_file,
                            "--expect-ram", str(MEM_MIB)] + extra + ["--"] + qemu,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    finally:
        if tpm:
            tpm.close()
    res = json.load(open(js))
    if r.returncode and tpm and NO_DRIVER_LINE in open(os.path.join(out, name + ".log"),
                                                       errors="replace").read():
        return None
    if r.returncode or not res.get("time_to_report"):
        sys.exit(f"bench: {name} failed:\n{r.stdout}")
    return res


def main():
    p = argparse.ArgumentParser()
    for opt in ("--arch", "--shim", "--kernel", "--initrd", "--cmdline-file", "--out"):
        p.add_argument(opt, required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--arm64-stub", help="systemd-stub for arm64 (linuxaa64.efi.stub)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    cmdline = open(a.cmdline_file, "rb").read().rstrip(b"\n").decode()
    expected = os.path.join(a.out, "cmdline.expected")
    open(expected, "w").write(cmdline)

    ways = paths(a, cmdline)
    results = {k: [] for k in ways}
    for i in range(a.runs):
        # Alternate, so drift in machine load hits every path alike.
        for n, (label, (qemu, extra)) in enumerate(list(ways.items())):
            res = boot(f"run{i}-{n}", qemu, extra, a.out, expected)
            if res is None:
                print(f"bench: this shim has no TPM driver ('{NO_DRIVER_LINE}'): "
                      f"no '{label}' row", file=sys.stderr)
                del ways[label], results[label]
                continue
            results[label].append(res)

    def med(label, f):
        return statistics.median(f(r) for r in results[label])

    labels = list(ways)
    total = {k: med(k, lambda r: r["time_to_report"]) for k in labels}
    # Before the kernel's clock: QEMU start to the report, less the
    # kernel's own timestamp of starting init. Less noisy than the total.
    pre = {k: med(k, lambda r: r["time_to_report"] - r["kernel_init_ts"]) for k in labels}
    # The measured row is compared with its unmeasured twin (below) only.
    shims = [k for k in labels if k.startswith("shim.")]
    # Each shim against the alternatives of its own start mode.
    peers = {k: [x for x in labels if x not in shims and ("UEFI" in x) == ("UEFI" in k)
                 and ("microvm" in x) == ("microvm" in k)]
             for k in shims if k not in TWIN and k not in EL3_TWIN}
    print(f"\n{a.arch}: median of {a.runs} runs under TCG, from QEMU's start to the guest init's report\n")
    print("| boot path | time to init | before the kernel | shim entry-to-jump | bytes copied |")
    print("|---|---|---|---|---|")
    for k in labels:
        # No us on microvm: the shim cannot know the TSC's frequency there.
        ticks = k in shims and any(r["shim_us"] is None for r in results[k])
        own = ("ticks only | n/a" if ticks else
               f"{med(k, lambda r: r['shim_us']) / 1000:.1f} ms | {results[k][0]['shim_copied']}"
               if k in shims else "n/a | n/a")
        print(f"| {k} | {total[k]:.2f} s | {pre[k]:.3f} s | {own} |")
    print()
    for measured, plain in TWIN.items():
        if measured not in labels or plain not in labels:
            continue
        jump = {k: med(k, lambda r: r["shim_us"]) / 1000 for k in (plain, measured)}
        own = [r["measure_us"] for r in results[measured] if r.get("measure_us") is not None]
        print(f"measuring ({plain.split()[0]}): entry-to-jump {jump[measured]:.1f} ms with a "
              f"TPM, {jump[plain]:.1f} ms without (+{jump[measured] - jump[plain]:.1f} ms"
              + (f"; the shim's own 'measured boot' time {statistics.median(own) / 1000:.1f} ms"
                 if own else "") +
              f"); time to init {total[measured]:.2f} s, {total[plain]:.2f} s "
              f"(the kernel's TPM driver included)")
    for el3, plain in EL3_TWIN.items():
        if el3 in labels and plain in labels:
            print(f"EL3 PSCI firmware, 4 CPUs: time to init {total[el3]:.2f} s, "
                  f"{total[plain]:.2f} s at EL1 on 1 CPU; entry-to-jump "
                  f"{med(el3, lambda r: r['shim_us']) / 1000:.1f} ms, "
                  f"{med(plain, lambda r: r['shim_us']) / 1000:.1f} ms")
    for shim in peers:
        for k in peers[shim]:
            print(f"{shim} / {k}: {total[shim] / total[k]:.3f} (time to init), "
                  f"{pre[shim] / pre[k]:.3f} (before the kernel)")


main()
