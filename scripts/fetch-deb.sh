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
apt_opts=""
# As root, apt would warn that its _apt sandbox user cannot write here.
[ "$(id -u)" = 0 ] && apt_opts="-oAPT::Sandbox::User=root"
private=
if [ "$debarch" != "$(dpkg --print-architecture)" ]; then
	private=1
	apt_opts="$apt_opts -oAPT::Architecture=$debarch -oAPT::Architectures=$debarch"
fi
if [ -n "$suite" ]; then
	private=1
	mirror=$("$(dirname "$0")/debian-mirror.sh")
	sources=$dir/apt-sources-$suite-$debarch.list
	# Written whole and renamed: another fetch may be reading it.
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
		>"$sources.$$"
	mv "$sources.$$" "$sources"
	apt_opts="$apt_opts -oDir::Etc::SourceList=$sources -oDir::Etc::SourceParts=/dev/null"
fi
if [ -n "$private" ]; then
	lists=$dir/apt-lists-${suite:+$suite-}$debarch
	mkdir -p "$lists/partial"
	apt_opts="$apt_opts -oDir::State::Lists=$lists"
	# One apt at a time per package list (make -j; scripts/fetch-kernel.sh).
	exec 9>"$lists.lock"
	flock 9
	[ -n "$(ls "$lists" | grep -v partial)" ] || apt-get $apt_opts update >/dev/null
fi
work=$out/.deb
rm -rf "$work"
mkdir -p "$work"
(cd "$work" && apt-get $apt_opts download "$pkg" >/dev/null)
dpkg-deb -x "$work"/*.deb "$out"
rm -rf "$work"
echo "fetch-deb: $pkg ($debarch${suite:+, $suite}) -> $out"
