#!/usr/bin/env python3
"""pack-chroot.py --chroot ROOT [boot.py options]: one boot case of
tests/boot/boot.py whose shim is not built by make but packed by the
installed bootshim command inside ROOT, a Debian 12 root with the .deb
installed and no compiler (scripts/chroot-test.sh): chroot ROOT bootshim
pack, with the stub the package installed (its default stub directory,
/usr/lib/bootshim). The case's kernel, initrd, command line (and DTB) go
into ROOT's /tmp, the packed file comes back to where boot.py boots it
from, and everything else (the initrd with its random blob, QEMU, the
checks of what the guest saw) is boot.py's. bootshim inspect, in ROOT
too, must then report the packed file's arch, flavour, initrd SHA-256,
command line, DTB size and PCR 11 as packed."""

import hashlib
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import boot  # noqa: E402  (tests/boot/boot.py: the harness)

# The flavour of each file boot.py boots (its FLAVOURS rows' file).
FLAVOUR_OF_FILE = {"shim.elf": "elf", "shim.rom": "rom", "shim.img": "img", "shim.efi": "efi"}


class ChrootCase(boot.Case):
    root = None  # set by main

    def build(self, cmdline, initrd, dtb):
        """chroot ROOT bootshim pack, then bootshim inspect; (status, log)
        as boot.py's own build returns them, the log in DIR/build.log too."""
        rc, log = self.pack(cmdline, initrd, dtb)
        with open(self.path("build.log"), "w") as f:
            f.write(log + "\n")
        return rc, log

    def pack(self, cmdline, initrd, dtb):
        a, root = self.a, self.root
        flavour = FLAVOUR_OF_FILE[self.flavour.file]
        work = os.path.join("/tmp", "bootshim-case-" + a.name)
        host_work = root + work
        shutil.rmtree(host_work, ignore_errors=True)
        os.makedirs(host_work)
        shutil.copy(a.kernel, os.path.join(host_work, "kernel"))
        shutil.copy(initrd, os.path.join(host_work, "initrd"))
        with open(os.path.join(host_work, "cmdline"), "w") as f:
            f.write(cmdline)
        out = os.path.join(work, "out")
        cmd = ["bootshim", "pack", "--arch", a.arch, "--flavour", flavour,
               "--kernel", f"{work}/kernel", "--initrd", f"{work}/initrd",
               "--cmdline-file", f"{work}/cmdline", "--pcr", "-o", out]
        if dtb:
            shutil.copy(dtb, os.path.join(host_work, "dtb"))
            cmd += ["--dtb", f"{work}/dtb"]
        log = [f"$ chroot {root} {' '.join(cmd)}"]
        r = self.chroot(cmd)
        log.append(r.stdout + r.stderr)
        if r.returncode:
            return r.returncode, "\n".join(log)
        os.makedirs(self.build_dir, exist_ok=True)
        shutil.copy(root + out, self.shim)
        pcr = r.stdout.strip()
        with open(self.pcr11_file(), "w") as f:
            f.write(pcr + "\n")

        # What bootshim inspect says of it, in the same root.
        r = self.chroot(["bootshim", "inspect", out])
        log.append(f"$ chroot {root} bootshim inspect {out}\n{r.stdout}{r.stderr}")
        with open(initrd, "rb") as f:
            initrd_sha = hashlib.sha256(f.read()).hexdigest()
        quoted = cmdline.replace("\\", "\\\\").replace('"', '\\"')
        want = [f"arch: {a.arch}", f"flavour: {flavour} .*",
                f"initrd: [0-9]+ bytes, sha256 {initrd_sha}",
                re.escape(f'cmdline: "{quoted}" ({len(cmdline.encode())} bytes)'),
                f"pcr11: sha256 {pcr} .*", "  check: accepted by the shim's parser"]
        if dtb:
            want.append(f"dtb: {os.path.getsize(dtb)} bytes")
        missing = [w for w in want if not re.search(f"^{w}$", r.stdout, re.M)]
        shutil.rmtree(host_work, ignore_errors=True)
        if r.returncode or missing:
            log.append(f"bootshim inspect: exit {r.returncode}; lines missing: {missing}")
            return 1, "\n".join(log)
        return 0, "\n".join(log)

    def chroot(self, cmd):
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8"}
        return subprocess.run(["chroot", self.root] + cmd, env=env, capture_output=True,
                              text=True)


def main(argv):
    if len(argv) < 2 or argv[0] != "--chroot":
        sys.exit("usage: pack-chroot.py --chroot ROOT [boot.py options]")
    ChrootCase.root = os.path.abspath(argv[1])
    if not os.path.exists(os.path.join(ChrootCase.root, "usr/bin/bootshim")):
        sys.exit(f"pack-chroot.py: {ChrootCase.root}: no bootshim installed "
                 "(scripts/chroot-test.sh installs the .deb)")
    boot.Case = ChrootCase
    return boot.main(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
