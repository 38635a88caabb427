#!/bin/sh
# deps.sh SET [PACKAGE...]: install the Debian packages a make target needs,
# if any are missing. Sets: build (shim + payload), run (QEMU), check
# (tests), deb (packaging.mk: make deb and its test in a Debian 12 root); the
# PACKAGEs are each architecture's own for that set (the Makefile's arch
# rows, PKGS_<set>: its cross compiler, its QEMU, its firmware).
set -eu
set=$1
shift
case $set in
build) pkgs="gcc make binutils libc6-dev cpio gzip xz-utils apt libfdt-dev libssl-dev gnu-efi" ;;
run) pkgs="" ;;
check) pkgs="python3 libcmocka-dev zlib1g-dev clang libclang-rt-14-dev device-tree-compiler mtools
	sbsigntool systemd-boot-efi swtpm swtpm-tools tpm2-tools" ;;
deb) pkgs="dpkg-dev debootstrap" ;;
*) echo "deps: unknown set '$set'" >&2; exit 2 ;;
esac
pkgs="$pkgs $*"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install:$missing" >&2; exit 1; }
	sudo=sudo
fi
# A fresh machine may have no package lists yet.
$sudo apt-get update -q >/dev/null || true
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
