#!/bin/sh
# deb-root.sh ROOT: a minimal Debian 12 (bookworm) root for the .deb's
# install test (packaging.mk, check-deb), made once and kept as a cache:
# debootstrap --variant=minbase (Essential and apt: no compiler) from the
# Debian mirror the host's apt sources name (debian-mirror.sh), then its
# package lists (apt-get update), so that apt install ./bootshim_*.deb in
# a copy can resolve the package's Depends. Made in ROOT.tmp and renamed:
# an interrupted run leaves no half-made ROOT. Needs root (debootstrap,
# chroot). Its output goes to ROOT.log.
set -eu
root=$1
suite=bookworm
mirror=$("$(dirname "$0")/debian-mirror.sh")
log=$root.log
rm -rf "$root.tmp"
mkdir -p "$(dirname "$root")"
echo "bootshim: debootstrap $suite from $mirror into $root (once; a minute or so)"
start=$(date +%s)
if ! debootstrap --variant=minbase "$suite" "$root.tmp" "$mirror" >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "bootshim: error: debootstrap $suite $root.tmp $mirror failed (see $log)" >&2
	exit 1
fi
if ! chroot "$root.tmp" apt-get update -q >>"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "bootshim: error: apt-get update in $root.tmp failed (see $log)" >&2
	exit 1
fi
mv "$root.tmp" "$root"
echo "bootshim: $root: Debian $(cat "$root/etc/debian_version") in $(($(date +%s) - start)) s"
