#!/bin/sh
# fetch-deb.sh DEBARCH PACKAGE OUTDIR [SUITE]
# Downloads one Debian package for DEBARCH with apt-get download, without
# installing it, and unpacks it into OUTDIR. A foreign architecture uses a
# private package list, so the host's apt configuration stays untouched.
# SUITE, as for fetch-kernel.sh: the host's own suite when absent;
# otherwise a private package list naming that suite (e.g. trixie) on the
# Debian mirror the host's apt sources name, verified by the installed
# archive keyring. The package lists live beside OUTDIR, shared with
# fetch-kernel.sh's for the same DEBARCH and SUITE.
set -eu
debarch=$1 pkg=$2 out=$3 suite=${4:-}
mkdir -p "$out"
out=$(cd "$out" && pwd)
dir=$(dirname "$out")
. "$(dirname "$0")/apt-private.sh"
apt_setup "$debarch" "$suite" "$dir"
work=$out/.deb
rm -rf "$work"
mkdir -p "$work"
(cd "$work" && apt-get $apt_opts download "$pkg" >/dev/null)
dpkg-deb -x "$work"/*.deb "$out"
rm -rf "$work"
echo "fetch-deb: $pkg ($debarch${suite:+, $suite}) -> $out"
