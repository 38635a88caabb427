#!/bin/sh
# chroot-test.sh CACHE ROOT DEB STUB...: install the .deb into a fresh
# Debian 12 root and check what it gives a user there (packaging.mk,
# check-deb). ROOT is made anew as a copy of CACHE (scripts/deb-root.sh's
# debootstrap root, kept), then, in it:
#   apt install ./bootshim_*.deb      (as the README says; Depends resolved
#                                      from the mirror)
#   no compiler: none of cc, gcc, clang, ld, as, cpp is there
#   dpkg -L bootshim has /usr/bin/bootshim, the man page and every STUB
#   (ARCH/FLAVOUR.stub, under /usr/lib/bootshim)
#   bootshim --version names the package's version
#   bootshim inspect of a stub: a shim with no kernel (exit 0);
#   of a file that is no shim (/usr/bin/bootshim itself): exit 2
# The boot cases (tests/boot/pack-deb.mk) then run bootshim pack in ROOT.
# Needs root (chroot). Output: ROOT.log.
set -eu
cache=$1 root=$2 deb=$3
shift 3
log=$root.log
fail() {
	echo "bootshim: error: check-deb: $*" >&2
	exit 1
}
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}
[ -d "$cache/usr" ] || fail "$cache: no Debian root (scripts/deb-root.sh makes it)"
[ -f "$deb" ] || fail "$deb: no such file (make deb)"
start=$(date +%s)
rm -rf "$root"
cp -a "$cache" "$root"
cp "$deb" "$root/tmp/"
name=$(basename "$deb")
if ! in_root sh -c "cd /tmp && apt install -y ./$name" >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	fail "apt install ./$name in $root failed (see $log)"
fi
for c in cc gcc clang ld as cpp; do
	! in_root sh -c "command -v $c" >/dev/null || fail "$root has a compiler tool: $c"
done
files=$(in_root dpkg -L bootshim)
for f in /usr/bin/bootshim /usr/share/man/man1/bootshim.1.gz; do
	echo "$files" | grep -qx "$f" || fail "dpkg -L bootshim lacks $f"
done
version=$(dpkg-deb -f "$deb" Version)
[ "$(in_root bootshim --version)" = "bootshim $version" ] ||
	fail "bootshim --version says '$(in_root bootshim --version)', not 'bootshim $version'"
for s in "$@"; do
	echo "$files" | grep -qx "/usr/lib/bootshim/$s" || fail "dpkg -L bootshim lacks /usr/lib/bootshim/$s"
	out=$(in_root bootshim inspect "/usr/lib/bootshim/$s") ||
		fail "bootshim inspect /usr/lib/bootshim/$s: exit $?"
	echo "$out" | grep -qx "kernel: none.*" || fail "bootshim inspect /usr/lib/bootshim/$s: no 'kernel: none'"
done
rc=0
in_root bootshim inspect /usr/bin/bootshim >/dev/null 2>"$root.inspect.err" || rc=$?
[ "$rc" = 2 ] || fail "bootshim inspect /usr/bin/bootshim: exit $rc, expected 2 (not a shim)"
grep -q "not a shim" "$root.inspect.err" || fail "bootshim inspect /usr/bin/bootshim did not say 'not a shim'"
echo "PASS deb-install ($name into a fresh Debian $(cat "$root/etc/debian_version") root," \
	"no compiler, $# stubs, in $(($(date +%s) - start)) s)"
