#!/bin/bash
# Build the test initramfs (newc cpio) for the bootshim guest.
#
#   mkinitrd.sh OUT INIT [BLOB]
#
# Contents: /init (from INIT, mode 0755), empty /proc /sys /dev /data,
# /data/blob (copy of BLOB, if given) and /data/hello (text of $HELLO, if
# set), and /modules/NN-name.ko for each module in $MODULES (a space-separated
# list in load order; the init loads them in name order). OUT ending in .gz
# is gzip-compressed, otherwise left uncompressed.
# Runs as non-root and is reproducible: owner 0:0, mtimes 0, sorted names.
set -eu
set -o pipefail # a cpio failure must not hide behind gzip

usage() {
	echo "usage: $0 OUT INIT [BLOB]" >&2
	exit 2
}
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	usage
fi
out=$1
init=$2
blob=${3:-}

[ -f "$init" ] || { echo "$0: INIT '$init' not found" >&2; exit 1; }
[ -z "$blob" ] || [ -f "$blob" ] || { echo "$0: BLOB '$blob' not found" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/mkinitrd.XXXXXX")
trap 'rm -rf "$stage"' EXIT HUP INT TERM

mkdir "$stage/proc" "$stage/sys" "$stage/dev" "$stage/data"
cp "$init" "$stage/init"
chmod 0755 "$stage/init" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/data"
if [ -n "$blob" ]; then
	cp "$blob" "$stage/data/blob"
	chmod 0644 "$stage/data/blob"
fi
if [ -n "${MODULES:-}" ]; then
	mkdir "$stage/modules"
	chmod 0755 "$stage/modules"
	i=10
	for m in $MODULES; do
		[ -f "$m" ] || { echo "$0: module '$m' not found" >&2; exit 1; }
		cp "$m" "$stage/modules/$i-$(basename "$m")"
		chmod 0644 "$stage/modules/$i-$(basename "$m")"
		i=$((i + 1))
	done
fi
if [ -n "${HELLO+set}" ]; then
	printf '%s\n' "$HELLO" > "$stage/data/hello"
	chmod 0644 "$stage/data/hello"
fi

# Fixed mtimes for reproducibility (the staging dir itself is never archived).
find "$stage" -mindepth 1 -exec touch -h -d @0 {} +

# Write to a temp file first so an interrupted build never leaves a
# truncated OUT that looks valid to make.
tmp="$out.tmp.$$"
trap 'rm -rf "$stage"; rm -f "$tmp"' EXIT HUP INT TERM

archive() {
	(cd "$stage" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 --reproducible)
}

case $out in
*.gz)
	# A large blob is random test data: -9 buys nothing but minutes.
	level=9
	if [ -n "$blob" ] && [ $(($(wc -c < "$blob"))) -gt $((8 * 1024 * 1024)) ]; then
		level=1
	fi
	archive | gzip -n "-$level" > "$tmp"
	;;
*)
	archive > "$tmp"
	;;
esac
mv -f "$tmp" "$out"
