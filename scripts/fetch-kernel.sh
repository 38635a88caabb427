#!/bin/sh
# fetch-kernel.sh DEBARCH FLAVOUR OUTFILE [SUITE]
# Downloads Debian's current kernel package for DEBARCH (amd64, arm64, riscv64) and
# FLAVOUR (cloud, generic) with apt-get download, without installing it,
# and extracts the kernel image to OUTFILE, its config to OUTFILE.config,
# and the virtio, efivarfs and TPM (TIS) modules that kernel builds as
# modules, with the modules they depend on, to OUTFILE.modules/ for the
# tests' initrds, decompressed (Debian 13 ships them as .ko.xz).
# SUITE: the host's own package lists when absent; otherwise a private
# package list naming that suite (e.g. trixie) on the Debian mirror the
# host's apt sources name, verified by the installed archive keyring.
set -eu
debarch=$1 flavour=$2 out=$3 suite=${4:-}
case $flavour in
generic) meta=linux-image-$debarch ;;
cloud) meta=linux-image-cloud-$debarch ;;
*) echo "fetch-kernel: unknown flavour '$flavour' (cloud, generic)" >&2; exit 2 ;;
esac
work=$(dirname "$out")/$(basename "$out").d
rm -rf "$work"
mkdir -p "$work"
dir=$(cd "$(dirname "$out")" && pwd)

. "$(dirname "$0")/apt-private.sh"
apt_setup "$debarch" "$suite" "$dir"

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
if ! (cd "$work" && apt-get $apt_opts download "$pkg" >/dev/null 2>&1); then
	# A private list gone stale: the archive has moved on to a newer
	# kernel. Refresh it once and resolve again.
	[ -n "$private" ] || exit 1
	apt-get $apt_opts update >/dev/null
	pkg=$(resolve)
	(cd "$work" && apt-get $apt_opts download "$pkg" >/dev/null)
fi
dpkg-deb -x "$work"/*.deb "$work/x"
# riscv64's package names its uncompressed Image /boot/vmlinux-*.
img=$(ls "$work"/x/boot/vmlinuz-* "$work"/x/boot/vmlinux-* 2>/dev/null | head -n1)
rm -rf "$out.modules"
mkdir -p "$out.modules"
# Each module, then the modules it depends on (its .modinfo "depends=",
# read with readelf, which reads either architecture's objects), until
# none is missing. Absent ones are built in (or not built at all: the
# kernel's config, kept as OUTFILE.config, says which).
want="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_mmio virtio_blk
efivarfs tpm tpm_tis_core tpm_tis"
while [ -n "$want" ]; do
	next=
	for m in $want; do
		[ -f "$out.modules/$m.ko" ] && continue
		f=$(find "$work/x/lib/modules" "$work/x/usr/lib/modules" \( -name "$m.ko" \
			-o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" \) 2>/dev/null |
			head -n1)
		[ -n "$f" ] || continue
		# The guest's init loads them with finit_module(2) without
		# MODULE_INIT_COMPRESSED_FILE: decompress here.
		case $f in
		*.xz) xz -dc "$f" ;;
		*.zst) zstd -qdc "$f" ;;
		*.gz) gzip -dc "$f" ;;
		*) cat "$f" ;;
		esac >"$out.modules/$m.ko"
		# Module names use '-' and '_' alike; files here use '_'.
		next="$next $(readelf -p .modinfo "$out.modules/$m.ko" |
			sed -n 's/^ *\[ *[0-9a-f]*\]  depends=//p' | tr ',-' ' _')"
	done
	want=$next
done
cp "$work"/x/boot/config-* "$out.config"
cp "$img" "$out.tmp"
mv "$out.tmp" "$out"
echo "$pkg" >"$out.pkg"
rm -rf "$work"
echo "fetch-kernel: $pkg -> $out"
