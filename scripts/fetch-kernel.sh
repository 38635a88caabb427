#!/bin/sh
# fetch-kernel.sh DEBARCH FLAVOUR OUTFILE
# Downloads Debian's current kernel package for DEBARCH (amd64, arm64) and
# FLAVOUR (cloud, generic) with apt-get download, without installing it,
# and extracts the kernel image to OUTFILE, and the virtio and efivarfs
# modules (which Debian builds as modules) to OUTFILE.modules/ for the
# tests' initrds.
set -eu
debarch=$1 flavour=$2 out=$3
case $flavour in
generic) meta=linux-image-$debarch ;;
cloud) meta=linux-image-cloud-$debarch ;;
*) echo "fetch-kernel: unknown flavour '$flavour' (cloud, generic)" >&2; exit 2 ;;
esac
work=$(dirname "$out")/$(basename "$out").d
rm -rf "$work"
mkdir -p "$work"

apt_opts=""
# As root, apt would warn that its _apt sandbox user cannot write here.
[ "$(id -u)" = 0 ] && apt_opts="-oAPT::Sandbox::User=root"
if [ "$debarch" != "$(dpkg --print-architecture)" ]; then
	# Foreign architecture: a private package list, so the host's apt
	# configuration stays untouched.
	lists=$(cd "$(dirname "$out")" && pwd)/apt-lists-$debarch
	mkdir -p "$lists/partial"
	apt_opts="$apt_opts -oAPT::Architecture=$debarch -oAPT::Architectures=$debarch -oDir::State::Lists=$lists"
	[ -n "$(ls "$lists" | grep -v partial)" ] || apt-get $apt_opts update >/dev/null
fi

# The meta package depends on the versioned image package: resolve it.
resolve() {
	apt-cache $apt_opts depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1
}
pkg=$(resolve)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
	# A fresh machine may have no package lists yet.
	apt-get $apt_opts update >/dev/null
	pkg=$(resolve)
fi
if [ -z "$pkg" ]; then
	echo "fetch-kernel: cannot resolve $meta; run 'apt-get update' first" >&2
	exit 1
fi
(cd "$work" && apt-get $apt_opts download "$pkg" >/dev/null)
dpkg-deb -x "$work"/*.deb "$work/x"
img=$(ls "$work"/x/boot/vmlinuz-* | head -n1)
rm -rf "$out.modules"
mkdir -p "$out.modules"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk \
	efivarfs; do
	find "$work/x/lib/modules" -name "$m.ko" -exec cp {} "$out.modules/" \;
done
cp "$img" "$out.tmp"
mv "$out.tmp" "$out"
echo "$pkg" >"$out.pkg"
rm -rf "$work"
echo "fetch-kernel: $pkg -> $out"
