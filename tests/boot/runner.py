#!/usr/bin/env python3
"""Run one QEMU command and check the guest's report (tests/boot/boot.py, the
boot harness, assembles the command from its table and calls this; so does
tests/bench/bench.py).

The guest init (tests/guest/init.c) prints "BOOTSHIM-REPORT <key> <value>"
lines between "BOOTSHIM-REPORT begin" and "BOOTSHIM-REPORT end", then powers
off. This harness runs QEMU, logs everything, checks the report against the
--expect-* options, and prints a single PASS/FAIL verdict line.

usage: runner.py --name NAME --log FILE [options] -- QEMU COMMAND...
"""

import argparse
import hashlib
import json
import os
import re
import selectors
import shlex
import signal
import subprocess
import sys
import time

REPORT_RE = re.compile(r"BOOTSHIM-REPORT (\S+)(?: (.*))?")
# The kernel's own timestamp of starting init: QEMU-start-to-report minus
# this is the time spent before the kernel's clock began (firmware, loader,
# decompressor).
INIT_TS_RE = re.compile(r"\[\s*(\d+\.\d+)\] Run /init as init process")
SHIM_TIMING_RE = re.compile(r"bootshim: entry-to-jump (\d+) us, (\d+) bytes copied")
# What measuring took, within entry-to-jump (shim/boot.c).
MEASURE_TIMING_RE = re.compile(r"bootshim: measured boot: (\d+) us$")
FIELDS = ("cmdline", "data-bytes", "data-sha256", "ram-bytes", "ram-top",
          "memtotal-kib", "cpus", "acpi", "efi", "efivars", "vda-sector0-sha256",
          "vmgenid", "setup-data", "tpm", "pcr-sha256", "eventlog-bytes",
          "efivar-LoaderInfo", "efivar-LoaderTimeInitUSec", "efivar-LoaderTimeExecUSec",
          "efivar-StubPcrKernelImage")
PCR_COUNT = 24
# Events that extend no PCR (TCG PC Client PFP: EV_NO_ACTION).
NO_EXTEND_EVENTS = ("EV_NO_ACTION",)
# Signs that a kernel ran: its banner (x86 and arm64), arm64's first line,
# the EFI stub's messages.
KERNEL_STARTED_RE = re.compile(r"Linux version \d|Booting Linux on physical CPU|EFI stub: ")
# The kernel's first console line, whichever part of it runs first: x86's
# decompressor (with earlyprintk=), the EFI stub, or the kernel proper
# (arm64's first line; riscv64's earlycon starts with the banner). The time
# its first bytes arrived is the bench's "time to kernel entry".
KERNEL_FIRST_RE = re.compile(KERNEL_STARTED_RE.pattern +
                             r"|Decompressing Linux|early console in extract_kernel")
# The kernel proper's first line on every path alike (after any EFI stub
# and decompressor): arm64's "Booting Linux", the others' banner.
KERNEL_BANNER_RE = re.compile(r"Linux version \d|Booting Linux on physical CPU")
INT_FIELDS = ("data-bytes", "ram-bytes", "ram-top", "memtotal-kib", "cpus",
              "acpi", "efi", "efivars")
MIB = 1 << 20
KIB = 1 << 10
# MemTotal is RAM less what the kernel keeps from boot: its image, the
# struct pages (64 bytes per 4 KiB page: 1.6 %), early allocations. Seen:
# 36 MiB of 128 MiB (x86, fixed part), 3.1 % of 8 GiB, and with 4 CPUs
# 2.6 % of 3.5 GiB; a margin over that.
MEMTOTAL_LOSS_FRACTION = 0.05
MEMTOTAL_LOSS_MIB = 48
# With RAM above 4 GiB the kernel also keeps a swiotlb bounce buffer below
# it (64 MiB by default; x86 pci_swiotlb_detect, arm64 likewise).
SWIOTLB_MIB = 64
TAIL_LINES = 30


def parse_args(argv):
    if "--" not in argv:
        sys.exit("runner.py: missing '-- QEMU COMMAND...'")
    split = argv.index("--")
    own, qemu = argv[:split], argv[split + 1:]
    if not qemu:
        sys.exit("runner.py: empty QEMU command after '--'")

    p = argparse.ArgumentParser(prog="runner.py", description=__doc__.split("\n")[0])
    p.add_argument("--name", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--timeout", type=float, default=180)
    p.add_argument("--expect-cmdline-file", metavar="F")
    p.add_argument("--expect-sha256", metavar="HEX")
    p.add_argument("--expect-data-bytes", type=int, metavar="N")
    p.add_argument("--expect-ram", type=float, metavar="MiB")
    p.add_argument("--ram-slack", type=float, default=4, metavar="MiB")
    p.add_argument("--expect-high-mem", action="store_true")
    p.add_argument("--expect-cpus", type=int, metavar="N")
    p.add_argument("--expect-acpi", type=int, choices=(0, 1))
    p.add_argument("--expect-efi", type=int, choices=(0, 1))
    p.add_argument("--expect-efivars", action="store_true",
                   help="the guest must list UEFI variables (runtime services work)")
    p.add_argument("--expect-rng-seed-taken", action="store_true",
                   help="x86: the kernel must have taken a SETUP_RNG_SEED (the guest "
                        "sees the node with its length wiped to 0)")
    p.add_argument("--expect-vmgenid", metavar="GUID",
                   help="the VM generation ID the guest must read back")
    p.add_argument("--expect-vda-sha256", metavar="HEX",
                   help="SHA-256 of the first sector of /dev/vda as the guest read it")
    p.add_argument("--expect-mtrr-wb", action="store_true",
                   help="x86: /proc/mtrr's write-back ranges must cover the RAM the guest "
                        "reports (its bytes and its top)")
    p.add_argument("--expect-mcfg", type=int, choices=(0, 1),
                   help="x86: whether ACPI must have an MCFG table (PCIe ECAM)")
    p.add_argument("--expect-dmi-product", metavar="TEXT",
                   help="the DMI (SMBIOS type 1) product name the guest must see")
    p.add_argument("--expect-dmi-serial", metavar="TEXT",
                   help="the DMI (SMBIOS type 1) serial number the guest must see")
    p.add_argument("--expect-console", action="append", default=[], metavar="REGEX")
    p.add_argument("--expect-error", metavar="REGEX",
                   help="negative test: output must match, no report may start")
    p.add_argument("--expect-exit", type=int, metavar="N",
                   help="QEMU exit status required (negative tests; "
                        "without it any status is accepted there)")
    p.add_argument("--expect-refused", metavar="REGEX",
                   help="the firmware must refuse to start the image (Secure Boot): the "
                        "run ends as a pass when the output matches REGEX, with no "
                        "bootshim line and no kernel before it")
    p.add_argument("--expect-tpm", action="store_true",
                   help="the guest must have found a TPM (/sys/class/tpm/tpm0)")
    p.add_argument("--expect-pcr", action="append", default=[], metavar="N=HEX|N=@FILE",
                   help="the guest's SHA-256 PCR N must hold HEX, or the first word of "
                        "FILE (e.g. a build's pcr11.txt); repeatable")
    p.add_argument("--expect-eventlog", action="store_true",
                   help="the guest's TPM event log must parse with tpm2_eventlog and "
                        "replay to the guest's SHA-256 PCRs, for every PCR it extends")
    p.add_argument("--eventlog-file", metavar="FILE",
                   help="where to keep the guest's event log (when it reports one)")
    p.add_argument("--expect-efivar", action="append", default=[], metavar="NAME=REGEX",
                   help="the Boot Loader Interface variable NAME, as the guest decoded "
                        "it, must match REGEX entirely ('none': absent); repeatable")
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--stop-on", metavar="REGEX",
                   help="stop QEMU (as a clean exit) once a line matches, e.g. a firmware "
                        "that goes on to its next boot option after an error; the run "
                        "fails if QEMU ends any other way")
    p.add_argument("--stop-after-report", action="store_true",
                   help="stop QEMU once the report has ended, for machines the guest "
                        "cannot power off")
    p.add_argument("--expect-hotplug", action="store_true",
                   help="the guest (bootshim.test.hotplug=1) must have taken cpu1 offline "
                        "and online again: 'hotplug ok <online after> <online after>'")
    p.add_argument("--expect-reboot", action="store_true",
                   help="the guest (bootshim.test.reboot=1) must have rebooted once: two "
                        "'bootshim: started' banners, and the second boot found the "
                        "first one's marker")
    p.add_argument("--send", nargs=2, action="append", default=[], metavar=("REGEX", "TEXT"),
                   help="type TEXT (backslash escapes allowed) on QEMU's stdin when the "
                        "output matches REGEX; repeatable, in order")
    args = p.parse_args(own)
    args.qemu = qemu
    return args


class Run:
    """Result of one QEMU run: raw output lines and timings."""

    def __init__(self):
        self.lines = []            # decoded lines, '\r' removed
        self.status = None         # QEMU exit status; None if we killed it
        self.timed_out = False
        self.spawn_error = None
        self.time_to_report = None
        self.time_to_kernel = None   # when the kernel's first console line began
        self.kernel_first_line = None
        self.time_to_banner = None   # ... and the kernel proper's first line
        self.time_to_exit = None
        self.stopped_on = False    # --stop-on matched and we stopped QEMU


def kill_group(proc):
    """QEMU runs in its own session; take down everything in it."""
    for sig, grace in ((signal.SIGTERM, 3), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(grace)
            return
        except subprocess.TimeoutExpired:
            pass


def run_qemu(cmd, log, timeout, sends=(), stop_after_report=False, stop_on=None):
    """sends: (regex, text) pairs, in order: when the output since the
    previous send matches regex, text is typed on QEMU's stdin (a firmware
    prompt that does not end its line still matches)."""
    run = Run()
    sends = [(re.compile(r), t) for r, t in sends]
    log.write(b"# runner.py: " + shlex.join(cmd).encode() + b"\n")
    log.flush()
    start = time.monotonic()
    deadline = start + timeout
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if sends else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                bufsize=0, start_new_session=True)
    except OSError as e:
        run.spawn_error = f"cannot start QEMU: {e}"
        return run

    def add_line(raw, now, began):
        """began: when the line's first bytes arrived (a line the kernel
        starts and ends much later, x86's "Decompressing Linux... done.",
        counts from its start)."""
        line = raw.decode("utf-8", "replace").replace("\r", "")
        run.lines.append(line)
        if run.time_to_kernel is None and KERNEL_FIRST_RE.search(line):
            run.time_to_kernel = began - start
            run.kernel_first_line = line.strip()[:120]
        if run.time_to_banner is None and KERNEL_BANNER_RE.search(line):
            run.time_to_banner = began - start
        if run.time_to_report is None:
            m = REPORT_RE.search(line)
            if m and m.group(1) == "begin":
                run.time_to_report = now - start

    # Read raw chunks as they come (not line-buffered: a guest that hangs
    # mid-line must still have its partial output logged before timeout).
    fd = proc.stdout.fileno()
    sel = selectors.DefaultSelector()
    sel.register(fd, selectors.EVENT_READ)
    pending = b""
    began = start  # when the bytes in pending began arriving
    typed = ""  # output since the last send, for the next send's regex
    stopped = False  # by us, after a complete report (stop_after_report)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                run.timed_out = True
                break
            if not sel.select(left):
                continue
            chunk = os.read(fd, 65536)
            now = time.monotonic()
            if not chunk:
                break
            log.write(chunk)
            log.flush()
            if sends:
                typed += chunk.decode("utf-8", "replace")
                m = sends[0][0].search(typed)
                if m:
                    proc.stdin.write(sends.pop(0)[1].encode())
                    proc.stdin.flush()
                    typed = typed[m.end():]
            if not pending:
                began = now
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                add_line(raw, now, began)
                began = now  # the next line's first bytes came in this chunk
            recent = run.lines[-len(complete) - 1:]
            hit_stop_on = stop_on and any(re.search(stop_on, l) for l in recent)
            if (stop_after_report and any(REPORT_RE.search(l) and l.split()[1:2] == ["end"]
                                          for l in recent)) or hit_stop_on:
                kill_group(proc)
                stopped = True
                run.stopped_on = bool(hit_stop_on)
                break
        if pending:
            add_line(pending, time.monotonic(), began)
        if stopped:
            run.status = 0
        elif not run.timed_out:
            # stdout closed; QEMU should be exiting now.
            try:
                run.status = proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                run.timed_out = True
    finally:
        # Also reached on KeyboardInterrupt: never leave QEMU behind.
        if proc.poll() is None:
            kill_group(proc)
        sel.close()
        proc.stdout.close()
    run.time_to_exit = time.monotonic() - start
    return run


def parse_report(lines):
    """Return (fields, errors, problems) from the guest's report lines."""
    fields, errors, problems = {}, [], []
    state = "before"  # -> "inside" -> "after"
    for line in lines:
        m = REPORT_RE.search(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2) or ""
        if key == "error":
            errors.append(value)
        elif key == "begin":
            if state != "before":
                problems.append("report started more than once")
            state = "inside"
        elif key == "end":
            if state != "inside":
                problems.append("report 'end' without 'begin'")
            state = "after"
        elif state != "inside":
            problems.append(f"report field {key!r} outside begin/end")
        elif key in fields:
            problems.append(f"report field {key!r} repeated")
        else:
            fields[key] = value
    if state == "before":
        problems.append("no report (no 'BOOTSHIM-REPORT begin')")
    elif state == "inside":
        problems.append("report incomplete (no 'BOOTSHIM-REPORT end')")
    for key in FIELDS:
        if state != "before" and key not in fields:
            problems.append(f"report field {key!r} missing")
    return fields, errors, problems


def show_bytes(b):
    return repr(bytes(b))[1:]  # b'..' -> '..' (keeps escapes readable)


def cmdline_diff(want, got):
    """Short description of the first difference between two byte strings."""
    i = next((k for k in range(min(len(want), len(got))) if want[k] != got[k]),
             min(len(want), len(got)))
    lo, hi = max(i - 16, 0), i + 16

    def window(b):
        return (("..." if lo else "") + show_bytes(b[lo:hi]) +
                ("..." if len(b) > hi else ""))

    return (f"cmdline mismatch at byte {i} (expected {len(want)} bytes, "
            f"got {len(got)}): expected {window(want)} got {window(got)}")


def guest_pcrs(fields):
    """The guest's SHA-256 PCRs as 24 lowercase hex strings, or None."""
    words = fields.get("pcr-sha256", "none").split()
    if words == ["none"]:
        return None
    return [w.lower() for w in words]


def guest_eventlog(fields):
    """(bytes or None, problems): the event log reassembled from the guest's
    eventlog-hex-N lines, checked against its length and SHA-256."""
    count = fields.get("eventlog-bytes", "none")
    if count == "none":
        return None, []
    chunks = []
    while f"eventlog-hex-{len(chunks)}" in fields:
        chunks.append(fields[f"eventlog-hex-{len(chunks)}"])
    try:
        data = bytes.fromhex("".join(chunks))
    except ValueError:
        return None, ["eventlog-hex-* lines are not hex"]
    if str(len(data)) != count:
        return None, [f"event log: {len(data)} bytes in {len(chunks)} eventlog-hex lines, "
                      f"the guest read {count}"]
    if hashlib.sha256(data).hexdigest() != fields.get("eventlog-sha256", ""):
        return None, [f"event log: SHA-256 {hashlib.sha256(data).hexdigest()} of the lines "
                      f"differs from the guest's {fields.get('eventlog-sha256')!r} "
                      f"(damaged on the console)"]
    return data, []


def replay_eventlog(path):
    """(touched, replayed, problem): run tpm2_eventlog on the log; touched: the
    PCRs its events extend, replayed: PCR -> SHA-256 value from its replay."""
    try:
        r = subprocess.run(["tpm2_eventlog", path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, None, f"tpm2_eventlog {path}: {e}"
    if r.returncode:
        return None, None, (f"tpm2_eventlog {path}: exit {r.returncode}: "
                            f"{r.stderr.strip()[-300:]}")
    touched, replayed, bank, index = set(), {}, None, None
    for line in r.stdout.splitlines():
        m = re.match(r"\s*-?\s*PCRIndex:\s*(\d+)$", line)
        if m:
            index = int(m.group(1))
            continue
        m = re.match(r"\s*EventType:\s*(\S+)$", line)
        if m and index is not None:
            if m.group(1) not in NO_EXTEND_EVENTS:
                touched.add(index)
            index = None
            continue
        m = re.match(r"  (\w+):$", line)
        if m:
            bank = m.group(1)
            continue
        m = re.match(r"\s+(\d+)\s*:\s*0x([0-9a-fA-F]+)$", line)
        if m and bank == "sha256":
            replayed[int(m.group(1))] = m.group(2).lower()
    if not touched:
        return None, None, f"tpm2_eventlog {path}: no event extends a PCR"
    return touched, replayed, None


def check_tpm(args, fields):
    """The TPM checks: --expect-tpm, --expect-pcr, --expect-eventlog,
    --expect-efivar. Keeps the guest's event log in --eventlog-file."""
    bad = []
    if args.expect_tpm and fields.get("tpm", "none") == "none":
        bad.append("tpm: the guest found no TPM (/sys/class/tpm/tpm0)")
    pcrs = guest_pcrs(fields)
    if pcrs is not None and (len(pcrs) != PCR_COUNT or
                             not all(re.fullmatch(r"[0-9a-f]{64}", p) for p in pcrs)):
        bad.append(f"pcr-sha256: not {PCR_COUNT} SHA-256 values: {fields['pcr-sha256'][:100]!r}")
        pcrs = None
    for spec in args.expect_pcr:
        n, _, want = spec.partition("=")
        if not n.isdigit() or int(n) >= PCR_COUNT or not want:
            bad.append(f"--expect-pcr {spec!r}: not N=HEX or N=@FILE with N < {PCR_COUNT}")
            continue
        source = "given"
        if want.startswith("@"):
            source = want[1:]
            try:
                want = open(source).read().split()[0]
            except (OSError, IndexError) as e:
                bad.append(f"--expect-pcr {spec}: cannot read a value from {source}: {e}")
                continue
        want = want.lower()
        if pcrs is None:
            bad.append(f"PCR {n}: expected {want} ({source}), but the guest reports no "
                       f"SHA-256 PCRs")
        elif pcrs[int(n)] != want:
            bad.append(f"PCR {n} mismatch: expected {want} ({source}), "
                       f"the guest has {pcrs[int(n)]}")

    log, problems = guest_eventlog(fields)
    bad += problems
    if log is not None and args.eventlog_file:
        with open(args.eventlog_file, "wb") as f:
            f.write(log)
    if args.expect_eventlog:
        if log is None and not problems:
            bad.append("event log: the guest has none "
                       "(/sys/kernel/security/tpm0/binary_bios_measurements)")
        elif log is not None and not args.eventlog_file:
            bad.append("harness: --expect-eventlog needs --eventlog-file")
        elif log is not None:
            touched, replayed, problem = replay_eventlog(args.eventlog_file)
            if problem:
                bad.append(problem)
            elif pcrs is None:
                bad.append("event log: the guest reports no SHA-256 PCRs to replay against")
            else:
                for i in sorted(touched):
                    if i >= PCR_COUNT:
                        bad.append(f"event log: an event extends PCR {i}, beyond PCR "
                                   f"{PCR_COUNT - 1}")
                    elif i not in replayed:
                        bad.append(f"event log replay: no SHA-256 value for PCR {i} "
                                   f"(its events carry no SHA-256 digest)")
                    elif replayed[i] != pcrs[i]:
                        bad.append(f"event log replay: PCR {i} replays to {replayed[i]}, "
                                   f"the guest has {pcrs[i]}")

    for spec in args.expect_efivar:
        name, _, rx = spec.partition("=")
        key = "efivar-" + name
        if key not in fields:
            known = sorted(k[7:] for k in fields if k.startswith("efivar-"))
            bad.append(f"--expect-efivar {name}: the guest does not report it "
                       f"(it reports {', '.join(known)})")
        elif not re.fullmatch(rx, fields[key]):
            bad.append(f"efivar {name}: {fields[key]!r} does not match /{rx}/")
    return bad


MTRR_RE = re.compile(r"reg\d+: base=0x([0-9a-f]+) \(\s*\d+MB\), size=\s*(\d+)([MK])B, "
                     r"count=\d+: ([\w-]+)$")


def check_firmware_x86(args, fields):
    """--expect-mtrr-wb, --expect-mcfg, --expect-dmi-*: the x86 firmware
    duties as the guest saw them."""
    bad = []
    if args.expect_mtrr_wb:
        mtrr = fields.get("mtrr", "none")
        wb = []
        for line in mtrr.split(";") if mtrr != "none" else []:
            m = MTRR_RE.match(line.strip())
            if not m:
                bad.append(f"mtrr: line {line!r} not understood")
            elif m.group(4) == "write-back":
                size = int(m.group(2)) << (20 if m.group(3) == "M" else 10)
                wb.append((int(m.group(1), 16), size))
        try:
            ram, top = int(fields["ram-bytes"]), int(fields["ram-top"])
        except (KeyError, ValueError):
            ram = top = None
        if not wb:
            bad.append(f"mtrr: no write-back range in /proc/mtrr: {mtrr!r}")
        elif ram is not None:
            end = max(b + n for b, n in wb)
            total = sum(n for _, n in wb)
            if end < top or total < ram:
                bad.append(f"mtrr: write-back ranges cover {total:#x} bytes up to {end:#x}, "
                           f"less than the RAM's {ram:#x} bytes up to {top:#x}: {mtrr!r}")
    if args.expect_mcfg is not None and fields.get("mcfg") != str(args.expect_mcfg):
        bad.append(f"mcfg: expected {args.expect_mcfg}, got {fields.get('mcfg')}")
    for opt, key in ((args.expect_dmi_product, "dmi-product"),
                     (args.expect_dmi_serial, "dmi-serial")):
        if opt is not None and fields.get(key) != opt:
            bad.append(f"{key}: expected {opt!r}, got {fields.get(key)!r}")
    return bad


def check_report(args, fields):
    """Compare a complete report with the --expect-* options."""
    bad = []
    ints = {}
    for key in INT_FIELDS:
        if key in fields:
            try:
                ints[key] = int(fields[key])
            except ValueError:
                bad.append(f"report field {key!r} not an integer: {fields[key]!r}")

    if "cmdline" in fields:
        try:
            got = bytes.fromhex(fields["cmdline"])
        except ValueError:
            bad.append(f"cmdline is not hex: {fields['cmdline'][:80]!r}")
            got = None
        if got is not None and args.expect_cmdline_file:
            try:
                with open(args.expect_cmdline_file, "rb") as f:
                    want = f.read()
            except OSError as e:
                bad.append(f"cannot read --expect-cmdline-file: {e}")
                want = None
            if want is not None and want.endswith(b"\n"):
                want = want[:-1]
            if want is not None and got != want:
                bad.append(cmdline_diff(want, got))

    if args.expect_sha256 is not None and "data-sha256" in fields:
        if fields["data-sha256"].lower() != args.expect_sha256.lower():
            bad.append(f"data-sha256 mismatch: expected {args.expect_sha256}, "
                       f"got {fields['data-sha256']}")

    def want_int(key, want):
        if want is not None and key in ints and ints[key] != want:
            bad.append(f"{key} mismatch: expected {want}, got {ints[key]}")

    want_int("data-bytes", args.expect_data_bytes)
    want_int("cpus", args.expect_cpus)
    want_int("acpi", args.expect_acpi)
    want_int("efi", args.expect_efi)

    if args.expect_efivars and ints.get("efivars", -1) < 1:
        bad.append(f"efivars: expected UEFI variables, got {ints.get('efivars')}")
    # Without UEFI there is no runtime to list variables through.
    if args.expect_efi == 0 and ints.get("efivars", -1) != -1:
        bad.append(f"efivars: expected -1 (no UEFI runtime), got {ints['efivars']}")

    if args.expect_rng_seed_taken and \
            "0x9/0" not in fields.get("setup-data", "").split(","):
        bad.append(f"setup-data {fields.get('setup-data')!r}: no SETUP_RNG_SEED (0x9) "
                   f"that the kernel took (length 0)")

    if args.expect_vmgenid is not None and \
            fields.get("vmgenid", "").lower() != args.expect_vmgenid.lower():
        bad.append(f"vmgenid mismatch: expected {args.expect_vmgenid}, "
                   f"got {fields.get('vmgenid')}")

    if args.expect_vda_sha256 is not None and \
            fields.get("vda-sector0-sha256", "").lower() != args.expect_vda_sha256.lower():
        bad.append(f"vda-sector0-sha256 mismatch: expected {args.expect_vda_sha256}, "
                   f"got {fields.get('vda-sector0-sha256')}")

    if args.expect_ram is not None and "ram-bytes" in ints:
        hi = args.expect_ram * MIB
        lo = (args.expect_ram - args.ram_slack) * MIB
        got = ints["ram-bytes"]
        if not lo <= got <= hi:
            bad.append(f"ram-bytes {got} ({got / MIB:.2f} MiB) outside "
                       f"[{args.expect_ram - args.ram_slack:g}, {args.expect_ram:g}] MiB")

    # The kernel's own count must be what -m gave, less its boot-time
    # keep, and never more than the RAM the memory map reported.
    if args.expect_ram is not None and "memtotal-kib" in ints:
        got = ints["memtotal-kib"] * KIB
        swiotlb = SWIOTLB_MIB if ints.get("ram-top", 0) > 4 << 30 else 0
        lo = (args.expect_ram * (1 - MEMTOTAL_LOSS_FRACTION) - args.ram_slack
              - MEMTOTAL_LOSS_MIB - swiotlb) * MIB
        hi = min(args.expect_ram * MIB, ints.get("ram-bytes", args.expect_ram * MIB))
        if not lo <= got <= hi:
            bad.append(f"memtotal-kib {ints['memtotal-kib']} ({got / MIB:.2f} MiB) outside "
                       f"[{lo / MIB:.2f}, {hi / MIB:.2f}] MiB for -m {args.expect_ram:g}M")

    if args.expect_hotplug:
        bad += check_hotplug(fields.get("hotplug"))
    if args.expect_reboot and fields.get("reboot") != "marker-found":
        bad.append(f"reboot: expected 'marker-found' (the second boot), got "
                   f"{fields.get('reboot')!r}")

    if args.expect_high_mem and "ram-top" in ints and ints["ram-top"] <= 4 << 30:
        bad.append(f"ram-top {ints['ram-top']:#x} not above 4 GiB")
    return bad + check_tpm(args, fields) + check_firmware_x86(args, fields)


def cpu_list(text):
    """'0,2-3' -> {0, 2, 3}; None if it does not parse."""
    cpus = set()
    try:
        for part in text.split(","):
            lo, _, hi = part.partition("-")
            cpus.update(range(int(lo), int(hi or lo) + 1))
    except ValueError:
        return None
    return cpus


def check_hotplug(value):
    """'ok <online after cpu1 went offline> <online after it came back>'."""
    words = (value or "").split()
    if len(words) != 3 or words[0] != "ok":
        return [f"hotplug: expected 'ok OFF-LIST ON-LIST', got {value!r}"]
    off, on = cpu_list(words[1]), cpu_list(words[2])
    if off is None or on is None or 1 in off or 1 not in on or on - off != {1}:
        return [f"hotplug: cpu1 did not go offline and come back: online {words[1]!r} "
                f"then {words[2]!r}"]
    return []


def evaluate(args, run):
    """Return the list of failure reasons (empty: pass)."""
    if run.spawn_error:
        return [run.spawn_error]
    reasons = []
    text = "\n".join(run.lines)
    if run.timed_out:
        reasons.append(f"timeout after {args.timeout:g} s (QEMU killed)")
    # --stop-on names how the run must end (a firmware going on to its next
    # boot option): a run that ended any other way (a reset, an exit, a
    # hang) fails.
    if args.stop_on and not run.stopped_on and not run.timed_out:
        reasons.append(f"--stop-on /{args.stop_on}/ never matched: QEMU ended by itself "
                       f"(status {run.status})")

    for rx in args.expect_console:
        if not re.search(rx, text, re.MULTILINE):
            reasons.append(f"console never matched /{rx}/")
    banners = len(re.findall(r"^bootshim: started by ", text, re.MULTILINE))
    if args.expect_reboot and banners != 2:
        reasons.append(f"--expect-reboot: {banners} 'bootshim: started by' banners, "
                       f"expected 2 (one boot, one after the guest's reboot)")

    if args.expect_refused is not None:
        # The refusal ends the run (--stop-on): before it, neither the
        # shim nor a kernel may have said anything.
        m = re.search(args.expect_refused, text, re.MULTILINE)
        if not m:
            reasons.append(f"the refusal /{args.expect_refused}/ never appeared")
        before = text[:m.start()] if m else text
        for what, rx in (("the shim ran", re.compile(r"bootshim: ")),
                         ("a kernel started", KERNEL_STARTED_RE)):
            hit = rx.search(before)
            if hit:
                line = before[before.rfind("\n", 0, hit.start()) + 1:].split("\n")[0]
                reasons.append(f"{what} although the firmware had to refuse the image: "
                               f"{line.strip()[:120]!r}")
        if run.time_to_report is not None:
            reasons.append("guest report started although the image had to be refused")
        return reasons

    if args.expect_error is not None:
        if not re.search(args.expect_error, text, re.MULTILINE):
            reasons.append(f"expected error /{args.expect_error}/ not seen")
        if run.time_to_report is not None:
            reasons.append("guest report started although an error was expected")
        if (args.expect_exit is not None and not run.timed_out
                and run.status != args.expect_exit):
            reasons.append(f"QEMU exit status {run.status}, expected {args.expect_exit}")
        return reasons

    # Every positive run compares memory with -m and says whether UEFI
    # must be there: a case that forgets cannot pass silently.
    for opt, val in (("--expect-ram", args.expect_ram), ("--expect-efi", args.expect_efi)):
        if val is None:
            reasons.append(f"harness: {opt} missing for a boot expected to succeed")
    fields, errors, problems = parse_report(run.lines)
    reasons += [f"guest error: {e}" for e in errors]
    reasons += problems
    reasons += check_report(args, fields)
    want_exit = 0 if args.expect_exit is None else args.expect_exit
    if not run.timed_out and run.status != want_exit:
        reasons.append(f"QEMU exit status {run.status}, expected {want_exit}")
    return reasons


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    with open(args.log, "wb") as log:
        run = run_qemu(args.qemu, log, args.timeout,
                       [(r, t.encode().decode("unicode_escape")) for r, t in args.send],
                       args.stop_after_report, args.stop_on or args.expect_refused)
        reasons = evaluate(args, run)
        verdict = "PASS" if not reasons else "FAIL: " + "; ".join(reasons)
        log.write(f"\n# runner.py: status={run.status} {verdict}\n".encode())

    shim_us = shim_copied = kernel_init_ts = measure_us = None
    for line in run.lines:
        m = INIT_TS_RE.search(line)
        if m and kernel_init_ts is None:
            kernel_init_ts = float(m.group(1))
        m = SHIM_TIMING_RE.search(line)
        if m:
            shim_us, shim_copied = int(m.group(1)), int(m.group(2))
        m = MEASURE_TIMING_RE.search(line)
        if m:
            measure_us = int(m.group(1))
    if args.json:
        summary = {
            "name": args.name,
            "ok": not reasons,
            "exit_status": run.status,
            "timed_out": run.timed_out,
            "time_to_report": run.time_to_report,
            "time_to_kernel": run.time_to_kernel,
            "kernel_first_line": run.kernel_first_line,
            "time_to_banner": run.time_to_banner,
            "time_to_exit": run.time_to_exit,
            "kernel_init_ts": kernel_init_ts,
            "shim_us": shim_us,
            "shim_copied": shim_copied,
            "measure_us": measure_us,
            "reasons": reasons,
        }
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=2)
            f.write("\n")

    secs = run.time_to_exit or 0.0
    if not reasons:
        print(f"PASS {args.name} ({secs:.1f} s)", flush=True)
        return 0
    print(f"--- last {TAIL_LINES} lines of {args.log} ---")
    for line in run.lines[-TAIL_LINES:]:
        print("    " + line)
    print(f"FAIL {args.name}: " + "; ".join(reasons), flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
