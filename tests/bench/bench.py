#!/usr/bin/env python3
"""bench.py: boot the same kernel, initrd and command line through the shim
and through the usual alternatives, alternating, and print for each the
median time from QEMU's start to the guest init's report, the part of it
spent before the kernel's clock started, and the shim's own entry-to-jump
time and bytes copied.

  x86_64:  shim.elf (PVH), shim.rom (-bios)
                           vs  QEMU -kernel/-initrd/-append under SeaBIOS (linuxboot)
                           vs  the same under qboot, where QEMU ships it
  aarch64: shim.img, shim.rom (-bios)  vs  QEMU -kernel/-initrd/-append
                                       vs  U-Boot booti of the same Image and initrd

usage: bench.py --arch A --runs N --shim SHIM --kernel K --initrd I
                --cmdline-file F --out DIR"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BOOT = os.path.join(HERE, "..", "boot", "boot.py")
UBOOT = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
QBOOT = "/usr/share/qemu/qboot.rom"
SERIAL = ["-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot"]


def paths(a, cmdline):
    """label -> (QEMU command, boot.py extra arguments)."""
    if a.arch == "x86_64":
        q = ["qemu-system-x86_64", "-m", "1G", "-smp", "1"] + SERIAL + [
            "-device", "isa-debug-exit"]
        direct = ["-kernel", a.kernel, "-initrd", a.initrd, "-append", cmdline]
        ways = {
            "shim.elf (PVH)": (q + ["-kernel", a.shim], []),
            "shim.rom (-bios)": (q + ["-bios", a.shim.replace("shim.elf", "shim.rom")], []),
            "QEMU -kernel/-initrd/-append (SeaBIOS)": (q + direct, []),
        }
        if os.path.exists(QBOOT):
            ways["QEMU -kernel/-initrd/-append (qboot)"] = (q + ["-bios", QBOOT] + direct, [])
        return ways
    q = ["qemu-system-aarch64", "-M", "virt", "-cpu", "max,pauth-impdef=on",
         "-m", "1G", "-smp", "1"] + SERIAL
    size = os.path.getsize(a.initrd)
    return {
        "shim.img (-kernel)": (q + ["-kernel", a.shim], []),
        "shim.rom (-bios)": (q + ["-bios", a.shim.replace("shim.img", "shim.rom")], []),
        "QEMU -kernel/-initrd/-append": (q + [
            "-kernel", a.kernel, "-initrd", a.initrd, "-append", cmdline], []),
        "U-Boot booti": (q + [
            "-bios", UBOOT,
            "-device", f"loader,file={a.kernel},addr=0x40400000,force-raw=on",
            "-device", f"loader,file={a.initrd},addr=0x48000000,force-raw=on"], [
            "--send", "Hit any key to stop autoboot", "\\n",
            "--send", "=> ", f"setenv bootargs '{cmdline}'\\n",
            "--send", "=> ", f"booti 0x40400000 0x48000000:0x{size:x} ${{fdtcontroladdr}}\\n"]),
    }


def boot(name, qemu, extra, out, cmdline_file):
    js = os.path.join(out, name + ".json")
    r = subprocess.run([sys.executable, BOOT, "--name", name,
                        "--log", os.path.join(out, name + ".log"), "--json", js,
                        "--expect-cmdline-file", cmdline_file] + extra + ["--"] + qemu,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    res = json.load(open(js))
    if r.returncode or not res.get("time_to_report"):
        sys.exit(f"bench: {name} failed:\n{r.stdout}")
    return res


def main():
    p = argparse.ArgumentParser()
    for opt in ("--arch", "--shim", "--kernel", "--initrd", "--cmdline-file", "--out"):
        p.add_argument(opt, required=True)
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    cmdline = open(a.cmdline_file, "rb").read().rstrip(b"\n").decode()
    expected = os.path.join(a.out, "cmdline.expected")
    open(expected, "w").write(cmdline)

    ways = paths(a, cmdline)
    results = {k: [] for k in ways}
    for i in range(a.runs):
        # Alternate, so drift in machine load hits every path alike.
        for n, (label, (qemu, extra)) in enumerate(ways.items()):
            results[label].append(boot(f"run{i}-{n}", qemu, extra, a.out, expected))

    def med(label, f):
        return statistics.median(f(r) for r in results[label])

    labels = list(ways)
    total = {k: med(k, lambda r: r["time_to_report"]) for k in labels}
    # Before the kernel's clock: QEMU start to the report, less the
    # kernel's own timestamp of starting init. Less noisy than the total.
    pre = {k: med(k, lambda r: r["time_to_report"] - r["kernel_init_ts"]) for k in labels}
    shims = [k for k in labels if k.startswith("shim.")]
    print(f"\n{a.arch}: median of {a.runs} runs under TCG, from QEMU's start to the guest init's report\n")
    print("| boot path | time to init | before the kernel | shim entry-to-jump | bytes copied |")
    print("|---|---|---|---|---|")
    for k in labels:
        own = (f"{med(k, lambda r: r['shim_us']) / 1000:.1f} ms | {results[k][0]['shim_copied']}"
               if k in shims else "n/a | n/a")
        print(f"| {k} | {total[k]:.2f} s | {pre[k]:.3f} s | {own} |")
    print()
    for shim in shims:
        for k in labels:
            if k not in shims:
                print(f"{shim} / {k}: {total[shim] / total[k]:.3f} (time to init), "
                      f"{pre[shim] / pre[k]:.3f} (before the kernel)")


main()
