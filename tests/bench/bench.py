#!/usr/bin/env python3
"""bench.py: boot the same kernel, initrd and command line through shim.elf
and through QEMU's own direct boot (SeaBIOS with its linuxboot option ROM),
alternating, and print the median time from QEMU's start to the guest
init's report, their ratio, and the shim's own entry-to-jump time.

usage: bench.py --runs N --shim SHIM --kernel BZIMAGE --initrd INITRD
                --cmdline-file F --out DIR"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BOOT = os.path.join(HERE, "..", "boot", "boot.py")
COMMON = ["qemu-system-x86_64", "-m", "1G", "-smp", "1", "-display", "none",
          "-serial", "stdio", "-monitor", "none", "-no-reboot",
          "-device", "isa-debug-exit"]


def boot(name, qemu, out, cmdline_file):
    js = os.path.join(out, name + ".json")
    r = subprocess.run([sys.executable, BOOT, "--name", name,
                        "--log", os.path.join(out, name + ".log"), "--json", js,
                        "--expect-cmdline-file", cmdline_file, "--"] + qemu,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    res = json.load(open(js))
    if r.returncode or not res.get("time_to_report"):
        sys.exit(f"bench: {name} failed:\n{r.stdout}")
    return res


def main():
    p = argparse.ArgumentParser()
    for a in ("--shim", "--kernel", "--initrd", "--cmdline-file", "--out"):
        p.add_argument(a, required=True)
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    cmdline = open(a.cmdline_file, "rb").read().rstrip(b"\n").decode()
    expected = os.path.join(a.out, "cmdline.expected")
    open(expected, "w").write(cmdline)

    paths = {
        "shim.elf (PVH)": COMMON + ["-kernel", a.shim],
        "QEMU -kernel/-initrd/-append (SeaBIOS)": COMMON + [
            "-kernel", a.kernel, "-initrd", a.initrd, "-append", cmdline],
    }
    results = {k: [] for k in paths}
    for i in range(a.runs):
        # Alternate, so drift in machine load hits both paths alike.
        for n, (label, qemu) in enumerate(paths.items()):
            results[label].append(boot(f"run{i}-{n}", qemu, a.out, expected))

    med = {k: statistics.median(r["time_to_report"] for r in v) for k, v in results.items()}
    # Before the kernel's clock: QEMU start to the report, less the kernel's
    # own timestamp of starting init. Less noisy than the total under TCG.
    pre = {k: statistics.median(r["time_to_report"] - r["kernel_init_ts"] for r in v)
           for k, v in results.items()}
    shim_runs = results["shim.elf (PVH)"]
    shim_us = statistics.median(r["shim_us"] for r in shim_runs)
    copied = shim_runs[0]["shim_copied"]
    labels = list(paths)
    print(f"\nmedian of {a.runs} runs, time from QEMU start to the guest init's report (TCG):\n")
    print("| boot path | time to init | of which before the kernel | shim entry-to-jump | bytes copied |")
    print("|---|---|---|---|---|")
    print(f"| {labels[0]} | {med[labels[0]]:.2f} s | {pre[labels[0]]:.3f} s "
          f"| {shim_us / 1000:.1f} ms | {copied} |")
    print(f"| {labels[1]} | {med[labels[1]]:.2f} s | {pre[labels[1]]:.3f} s | n/a | n/a |")
    print(f"\nratio shim / direct: {med[labels[0]] / med[labels[1]]:.3f} (time to init), "
          f"{pre[labels[0]] / pre[labels[1]]:.3f} (before the kernel)")


main()
