#!/bin/sh
# fetch-firmware.sh SUITE PACKAGE OUTDIR: download one architecture-
# independent Debian package (ovmf, qemu-efi-aarch64) of another Debian
# release with apt-get download, without installing it, and unpack it into
# OUTDIR. For the UEFI tests on newer firmware than the host's: Debian 13's
# edk2 has EFI_MEMORY_ATTRIBUTE_PROTOCOL and strict-NX builds. A private
# package list for SUITE on the Debian mirror the host's apt sources name,
# verified by the installed archive keyring; the host's apt configuration
# stays untouched.
set -eu
suite=$1 pkg=$2 out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)
apt_opts=
[ "$(id -u)" = 0 ] && apt_opts="-oAPT::Sandbox::User=root"
mirror=$("$(dirname "$0")/debian-mirror.sh")
lists=$out/.apt-lists
mkdir -p "$lists/partial"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
	>"$out/.apt-sources.list"
apt_opts="$apt_opts -oDir::Etc::SourceList=$out/.apt-sources.list -oDir::Etc::SourceParts=/dev/null"
apt_opts="$apt_opts -oDir::State::Lists=$lists"
apt-get $apt_opts update >/dev/null
work=$out/.deb
rm -rf "$work"
mkdir -p "$work"
(cd "$work" && apt-get $apt_opts download "$pkg" >/dev/null)
dpkg-deb -x "$work"/*.deb "$out"
echo "fetch-firmware: $pkg ($suite: $(ls "$work")) -> $out"
rm -rf "$work" "$lists"
