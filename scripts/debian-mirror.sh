#!/bin/sh
# debian-mirror.sh: print the first Debian archive URI of the host's apt
# sources (deb822 .sources or one-line .list), for the private package
# lists of fetch-kernel.sh and fetch-firmware.sh (a suite such as trixie on
# the same mirror). The security archive is a separate repository and is
# skipped. Exits 1, saying so, when there is none.
set -eu
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
	/etc/apt/sources.list.d/*.list 2>/dev/null |
	sed -n -e 's/^URIs: *\([^ ]*\).*/\1/p' -e 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\).*/\2/p' |
	grep -v -e security -e '^$' | grep -m1 '/debian/\{0,1\}$' || true)
if [ -z "$mirror" ]; then
	echo "bootshim: error: no Debian mirror in the host's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d/)" >&2
	exit 1
fi
echo "$mirror"
