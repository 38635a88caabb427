#!/bin/sh
# pack-files.sh ARCH B HOST [OLD]: bootshim pack's files for ARCH, from the
# stubs in B/stubs, checked with the binutils and sbsigntool:
#  - every flavour packed again from the stub gives make's file byte for
#    byte, and --pcr gives what bootshim-pcr11 reads from it;
#  - shim.elf's program headers (readelf), shim.efi's sections (objdump:
#    .payload last), check-pe.sh, sbverify before and after sbsign;
#  - several --initrd are the concatenation; bad input leaves an existing
#    output untouched and no temporary file;
#  - with OLD (a directory of the shims make linked before the packer),
#    the raw images are byte-identical to those, shim.elf's PT_LOADs have
#    the same addresses and sizes, and PCR 11 is the same.
# Prints the time of a pack of a 15 MiB payload.
set -eu
arch=$1 b=$2 host=$3 old=${4:-}
pack="$host/bootshim pack --stubs $b/stubs --arch $arch"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL pack-files $arch: $*" >&2; exit 1; }
cmdline=$(cat "$b/cmdline.txt")
case $arch in
x86_64) flavours="elf rom efi" kernel=$(sed -n 1p "$b/payload-files.txt" | cut -d' ' -f1) ;;
*) flavours="img rom efi" kernel=$b/Image ;;
esac
initrd=$(sed -n 1p "$b/payload-files.txt" | cut -d' ' -f2)
out_of() { case $1 in elf) echo shim.elf ;; img) echo shim.img ;; rom) echo shim.rom ;; efi) echo shim.efi ;; esac; }

for f in $flavours; do
	o=$(out_of "$f")
	pcr=$($pack --flavour "$f" --kernel "$kernel" --initrd "$initrd" --cmdline "$cmdline" \
		--pcr -o "$t/$o" 2>/dev/null)
	cmp -s "$t/$o" "$b/$o" || fail "$f: packed again, differs from make's $b/$o"
	[ "$pcr" = "$("$host/bootshim-pcr11" "$t/$o")" ] || fail "$f: --pcr $pcr differs from bootshim-pcr11"
	if [ -n "$old" ] && [ -f "$old/pcr11.txt" ]; then
		[ "$pcr" = "$(cat "$old/pcr11.txt")" ] || fail "$f: PCR 11 $pcr, the linked shims' $(cat "$old/pcr11.txt")"
	fi
done
echo "pack-files $arch: every flavour packed again byte-identical, --pcr = bootshim-pcr11"

# Several initrds: the concatenation.
head -c 1000 "$initrd" >"$t/i1"
tail -c +1001 "$initrd" >"$t/i2"
f=$(echo $flavours | cut -d' ' -f1) o=$(out_of "$f")
$pack --flavour "$f" --kernel "$kernel" --initrd "$t/i1" --initrd "$t/i2" --cmdline "$cmdline" \
	-o "$t/two" 2>/dev/null
cmp -s "$t/two" "$b/$o" || fail "--initrd A --initrd B differs from their concatenation"

# Bad input: the old output stays, nothing half-written is left.
cp "$b/$o" "$t/keep"
if $pack --flavour "$f" --kernel "$initrd" --initrd "$initrd" --cmdline x -o "$t/keep" 2>"$t/err"; then
	fail "a kernel that is no kernel was packed"
fi
grep -q '^bootshim: error: KERNEL=' "$t/err" || fail "bad kernel: $(cat "$t/err")"
cmp -s "$t/keep" "$b/$o" || fail "a failed pack changed the existing output"
[ -z "$(ls "$t" | grep '\.tmp\.')" ] || fail "a failed pack left a temporary file"
echo "pack-files $arch: several --initrd concatenated; a refused pack leaves the output alone"

# ELF: the payload's PT_LOADs.
if [ "$arch" = x86_64 ]; then
	loads() { readelf -lW "$1" | awk '$1 == "LOAD" {print $3, $4, $5, $6, $7}'; }
	[ "$(loads "$b/shim.elf" | wc -l)" = 5 ] || fail "shim.elf: not 5 PT_LOADs"
	readelf -n "$b/shim.elf" | grep -q 'Xen' || fail "shim.elf: no PVH note"
	if [ -n "$old" ]; then
		[ "$(loads "$b/shim.elf")" = "$(loads "$old/shim.elf")" ] ||
			fail "shim.elf's PT_LOADs differ from the linked one's"
		echo "pack-files $arch: shim.elf's PT_LOADs = the linked shim.elf's"
	fi
fi
# Raw images: the linked ones, byte for byte.
if [ -n "$old" ]; then
	for f in $flavours; do
		o=$(out_of "$f")
		case $o in shim.img|shim.rom) ;; *) continue ;; esac
		[ -f "$old/$o" ] || continue
		if cmp -s "$b/$o" "$old/$o"; then
			echo "pack-files $arch: $o byte-identical to the linked one"
		elif [ "$arch/$o" = x86_64/shim.rom ]; then
			echo "pack-files $arch: $o: the compact layout (helper X), not the linked one's"
		else
			fail "$o differs from the linked one"
		fi
	done
fi

# PE: .payload last, the script's checks, signing after packing.
# (the section table read with od, as check-pe.sh does: the host's objdump
# knows no aarch64 or riscv64 PE)
u() { od -An -t "u$2" -j "$1" -N "$2" "$b/shim.efi" | tr -d ' '; }
pe=$(u 60 4)
last=$((pe + 24 + $(u $((pe + 20)) 2) + 40 * ($(u $((pe + 6)) 2) - 1)))
[ "$(dd if="$b/shim.efi" bs=1 skip=$last count=8 status=none | tr -d '\0')" = .payload ] ||
	fail "shim.efi: .payload is not the last section"
scripts/check-pe.sh "$b/shim.efi"
sbverify --list "$b/shim.efi" 2>&1 | grep -q 'No signature table present' ||
	fail "shim.efi: signed before signing"
openssl req -new -x509 -newkey rsa:2048 -nodes -subj /CN=pack-test -days 1 \
	-keyout "$t/k.pem" -out "$t/c.pem" 2>/dev/null
sbsign --key "$t/k.pem" --cert "$t/c.pem" --output "$t/signed.efi" "$b/shim.efi" 2>/dev/null
sbverify --cert "$t/c.pem" "$t/signed.efi" >/dev/null 2>&1 || fail "shim.efi: signed, does not verify"
echo "pack-files $arch: shim.efi: .payload last, check-pe.sh, sbsign + sbverify"

# A 15 MiB payload (kernel + 15 MiB initrd).
head -c $((15 * 1024 * 1024)) /dev/urandom >"$t/big"
s=$(date +%s%N)
$pack --flavour "$f" --kernel "$kernel" --initrd "$t/big" --cmdline "$cmdline" -o "$t/big.out" 2>/dev/null
e=$(date +%s%N)
echo "pack-files $arch: $f with a 15 MiB initrd ($(stat -c %s "$t/big.out") bytes): $(( (e - s) / 1000000 )) ms"
