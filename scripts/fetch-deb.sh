#!/bin/sh
# fetch-deb.sh DEBARCH PACKAGE OUTDIR
# Downloads one Debian package for DEBARCH with apt-get download, without
# installing it, and unpacks it into OUTDIR. A foreign architecture uses a
# private package list, so the host's apt configuration stays untouched.
set -eu
debarch=$1 pkg=$2 out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)
apt_opts=""
# As root, apt would warn that its _apt sandbox user cannot write here.
[ "$(id -u)" = 0 ] && apt_opts="-oAPT::Sandbox::User=root"
if [ "$debarch" != "$(dpkg --print-architecture)" ]; then
	lists=$out/../apt-lists-$debarch
	mkdir -p "$lists/partial"
	lists=$(cd "$lists" && pwd)
	apt_opts="$apt_opts -oAPT::Architecture=$debarch -oAPT::Architectures=$debarch -oDir::State::Lists=$lists"
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
echo "fetch-deb: $pkg ($debarch) -> $out"
