#!/bin/bash
# case.sh: one boot test. Build a shim with a chosen payload through the
# real build interface, boot it in QEMU and compare what the guest saw with
# what was embedded (tests/boot/boot.py), or check that a bad payload is
# refused. Options:
#   --name N --out DIR --kernel FILE --init FILE (required; init: tests/guest)
#   --arch x86_64|aarch64                   (default x86_64)
#   --machine OPTS    aarch64: extra -M virt options, e.g. virtualization=on
#   --uboot           aarch64: boot shim.img from U-Boot's booti
#   --uboot-cmd CMD   ... typing CMD at U-Boot's prompt before booti (repeatable)
#   --rom             boot shim.rom as the firmware (-bios)
#   --machine OPTS    x86_64: -M pc or q35 (with --rom), or any -M for PVH
#                     (e.g. microvm; its first word names the machine)
#   --patch-code 'SYMBOL HEX'  plant machine code at a function of the built
#                     shim (any flavour but shim.efi) (tests/boot/patch-code.py)
#   --expect-ticks    x86_64: the shim cannot know the TSC frequency on this
#                     machine: entry-to-jump must be reported in ticks
#   --disk            attach a virtio-blk disk; the guest must read its first sector
#                     (virtio-blk-device on virtio-mmio with --machine microvm)
#   --expect-mtrr     x86_64: /proc/mtrr's write-back ranges must cover the RAM
#   --expect-mcfg 0|1 x86_64: whether ACPI has an MCFG table (PCIe ECAM)
#   --expect-dmi-product TEXT  the DMI product name the guest must see
#   --smbios-serial S x86_64: -smbios type=1,serial=S, which the guest must see
#   --qemu-arg ARG    one more QEMU argument (repeatable)
#   --efi             x86_64: boot shim.efi under OVMF from an ESP's removable path
#   --efi-shell ARGS  ... or from the UEFI shell (startup.nsh) with these arguments
#   --patch-efi 'OFFSET SIZE VALUE'  damage the kernel inside shim.efi (found
#                     by its first KiB) at OFFSET from its start
#   --expect-cmdline TEXT  the command line the guest must see, if not CMDLINE
#   --stub            ... with EFI_HANDOFF=stub (the kernel's own EFI stub)
#   --secure-boot     ... signed with Debian's snakeoil key, under OVMF's
#                     snakeoil Secure Boot variables
#   --expect-cpus N   CPUs the guest must see (default: --smp)
#   --expect-hotplug  the guest takes cpu1 offline and online again (give it
#                     bootshim.test.hotplug=1 in --cmdline)
#   --expect-reboot   the guest reboots once, the second boot powers off
#                     (bootshim.test.reboot=1 in --cmdline; a marker on --disk,
#                     QEMU without -no-reboot)
#   --embed-dtb       aarch64: build with DTB= (QEMU's own DTB, dumped) and check
#                     the shim uses it
#   --reserve 'ADDR SIZE [no-map]'  aarch64: a DTB with this range in
#                     /reserved-memory (QEMU rewrites /memory in a -dtb, but
#                     not that), with the no-map property if asked
#   --blob BYTES      random data file /data/blob in the initrd (default 4096)
#   --initrd gz|raw   initrd compression (default gz); --initrd-path FILE instead
#   --cmdline TEXT    the command line; --cmdline-len N pads it to N bytes
#   --mem SIZE --smp N                      (QEMU -m / -smp; default 1G, 1)
#   --patch 'SECTION OFFSET SIZE VALUE'     damage shim.elf after the build
#   --expect-build-error REGEX              the build must fail saying this
#   --expect-error REGEX                    the boot must fail saying this
#   --expect-high-mem                       the kernel must see RAM above 4 GiB
#   --expect-console REGEX                  the serial output must match this
#   --expect-rng-seed                       x86: the kernel took a SETUP_RNG_SEED
#   --x0-dtb KIND     aarch64: start shim.img from tests/boot/x0-trampoline.S
#                     with x0 pointing at a hostile DTB (QEMU's own, then
#                     damaged): bad-magic, totalsize-past-ram,
#                     address-cells-0, address-cells-5, memory-only-shim
#   --table-loader KIND  x86_64 --rom: -M pc,acpi=off with a hostile
#                     etc/table-loader (tests/boot/hostile-loader.py KIND)
#   --within SECONDS  a negative case must stop the machine within this time
#   --vmgenid GUID    x86_64: a vmgenid device with this generation ID, which
#                     the guest must read back
# Measured boot (a TPM 2.0 from swtpm, one per case, in DIR/tpm):
#   --tpm             attach a TPM (x86_64: -device tpm-tis; aarch64 virt:
#                     -device tpm-tis-device), in every start mode; the
#                     guest must find it (arm64: the initrd loads tpm_tis)
#   --tpm-banks LIST  ... with these PCR banks active (swtpm_setup
#                     --pcr-banks; default sha256), e.g. sha1,sha256
#   --expect-pcr N=HEX|N=@FILE|N=@pcr11  the guest's SHA-256 PCR N must hold
#                     this value (FILE: its first word); @pcr11: the case's
#                     own build's $(O)/<arch>/pcr11.txt (built with the shim)
#   --expect-eventlog the guest's event log (kept as DIR/eventlog.bin) must
#                     parse with tpm2_eventlog and replay to the guest's PCRs,
#                     for every PCR it touches
#   --expect-efivar NAME=REGEX  the Boot Loader Interface variable NAME
#                     (systemd's vendor GUID) as the guest decoded it must
#                     match REGEX entirely ("none": absent); repeatable
#   --expect-refused REGEX  the firmware must refuse to start the image:
#                     the run ends, as a pass, when the console matches REGEX,
#                     with no bootshim or kernel line before it
#   --patch-signed 'OFFSET SIZE VALUE'  --secure-boot: like --patch-efi, but
#                     on the signed shim.efi, after signing
#   --make-arg 'NAME=VALUE'  one more variable for the shim's build (repeatable),
#                     e.g. CMDLINE_ALLOW
#   --efi-loader FILE --load-options TEXT  UEFI: FILE (tests/boot/efi-loader.c,
#                     signed too with --secure-boot) at the removable path
#                     starts \shim.efi with TEXT as its load options
#   --efi-firmware 'CODE VARS [smm]'  UEFI: these firmware images instead of
#                     Debian 12's OVMF/AAVMF (smm: a Secure Boot build, which
#                     needs q35 with SMM and a secure flash)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

blob=4096 fmt=gz mem=1G smp=1 cmdline= cmdline_len= arch=x86_64 machine= uboot= reserve= rom= cpus= disk= efi= efi_shell= sb= patch_efi= want_cmdline= handoff=direct embed_dtb= dtb_arg=
patches=() consoles=() extra=() build_err= boot_err= high= initrd_override=
code_patches=() jump_unit=us uboot_cmds=()
x0_dtb= within=180 table_loader= reboot=
tpm= tpm_banks=sha256 pcr_expect=() tpm_checks=() refused= patch_signed= want_pcr11=
make_args=() efi_loader= load_options= efi_firmware=
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=$2; shift ;;
	--arch) arch=$2; shift ;;
	--machine) machine=,$2; shift ;;
	--uboot) uboot=1 ;;
	--uboot-cmd) uboot=1 uboot_cmds+=("$2"); shift ;;
	--rom) rom=1 ;;
	--disk) disk=1 ;;
	--expect-mtrr) consoles+=(--expect-mtrr-wb) ;;
	--expect-mcfg) consoles+=(--expect-mcfg "$2"); shift ;;
	--expect-dmi-product) consoles+=(--expect-dmi-product "$2"); shift ;;
	--smbios-serial) extra+=(-smbios "type=1,serial=$2"); consoles+=(--expect-dmi-serial "$2"); shift ;;
	--efi) efi=1 ;;
	--efi-shell) efi=1 efi_shell=$2; shift ;;
	--secure-boot) sb=1 ;;
	--stub) efi=1 handoff=stub ;;
	--patch-efi) patch_efi=$2; shift ;;
	--expect-cmdline) want_cmdline=$2; shift ;;
	--qemu-arg) extra+=("$2"); shift ;;
	--expect-cpus) cpus=$2; shift ;;
	--expect-hotplug) consoles+=(--expect-hotplug) ;;
	--expect-reboot) reboot=1 disk=1; consoles+=(--expect-reboot) ;;
	--reserve) reserve=$2; shift ;;
	--embed-dtb) embed_dtb=1 ;;
	--out) out=$2; shift ;;
	--kernel) kernel=$2; shift ;;
	--init) init=$2; shift ;;
	--blob) blob=$2; shift ;;
	--initrd) fmt=$2; shift ;;
	--initrd-path) initrd_override=$2; shift ;;
	--cmdline) cmdline=$2; shift ;;
	--cmdline-len) cmdline_len=$2; shift ;;
	--mem) mem=$2; shift ;;
	--smp) smp=$2; shift ;;
	--patch) patches+=("$2"); shift ;;
	--expect-build-error) build_err=$2; shift ;;
	--expect-error) boot_err=$2; shift ;;
	--expect-high-mem) high=1 ;;
	--expect-console) consoles+=(--expect-console "$2"); shift ;;
	--expect-rng-seed) consoles+=(--expect-rng-seed-taken) ;;
	--patch-code) code_patches+=("$2"); shift ;;
	--expect-ticks) jump_unit=ticks ;;
	--x0-dtb) x0_dtb=$2; shift ;;
	--within) within=$2; shift ;;
	--table-loader) table_loader=$2; shift ;;
	--vmgenid) extra+=(-device "vmgenid,guid=$2"); consoles+=(--expect-vmgenid "$2"); shift ;;
	--tpm) tpm=1 ;;
	--tpm-banks) tpm=1 tpm_banks=$2; shift ;;
	--expect-pcr) pcr_expect+=("$2"); shift ;;
	--expect-eventlog) tpm_checks+=(--expect-eventlog) ;;
	--expect-efivar) tpm_checks+=(--expect-efivar "$2"); shift ;;
	--expect-refused) refused=$2; shift ;;
	--patch-signed) patch_signed=$2; shift ;;
	--make-arg) make_args+=("$2"); shift ;;
	--efi-loader) efi_loader=$2; shift ;;
	--load-options) load_options=$2; shift ;;
	--efi-firmware) efi_firmware=$2; shift ;;
	*) echo "case.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
console=ttyS0
[ "$arch" = aarch64 ] && console=ttyAMA0
cmdline=${cmdline:-console=$console panic=-1}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ -n "$patch_signed" ] && [ -z "$sb" ]; then
	echo "case.sh: --patch-signed needs --secure-boot (it damages the signed shim.efi)" >&2
	exit 2
fi
# --expect-pcr: @pcr11 is the case's own build's prediction.
for e in "${pcr_expect[@]}"; do
	case $e in
	[0-9]*=@pcr11) want_pcr11=$out/o/$arch/pcr11.txt
		tpm_checks+=(--expect-pcr "${e%%=*}=@$want_pcr11") ;;
	[0-9]*=*) tpm_checks+=(--expect-pcr "$e") ;;
	*) echo "case.sh: --expect-pcr $e: not N=HEX, N=@FILE or N=@pcr11" >&2; exit 2 ;;
	esac
done

# --tpm: one swtpm per QEMU run, from a freshly manufactured state (a reset
# TPM, as PCR 11's prediction assumes), killed whatever way this script ends.
tpm_pid= tpm_qemu=()
tpm_stop() {
	if [ -n "$tpm_pid" ]; then
		kill "$tpm_pid" 2>/dev/null || true
		wait "$tpm_pid" 2>/dev/null || true
		tpm_pid=
	fi
}
trap tpm_stop EXIT
trap 'exit 130' INT TERM HUP
tpm_sock=$out/tpm/swtpm.sock
tpm_start() {
	tpm_stop
	rm -rf "$out/tpm"
	mkdir -p "$out/tpm"
	# A unix socket path has room for 107 bytes (sun_path).
	if [ ${#tpm_sock} -gt 107 ]; then
		echo "FAIL $name: --tpm: socket path $tpm_sock is longer than 107 bytes"
		exit 1
	fi
	if ! swtpm_setup --tpm2 --tpmstate "$out/tpm" --pcr-banks "$tpm_banks" --overwrite \
		>"$out/swtpm-setup.log" 2>&1; then
		echo "FAIL $name: swtpm_setup --pcr-banks $tpm_banks failed:"
		tail -n 5 "$out/swtpm-setup.log"
		exit 1
	fi
	swtpm socket --tpm2 --tpmstate "dir=$out/tpm" --ctrl "type=unixio,path=$tpm_sock" \
		--log "file=$out/swtpm.log,level=1" &
	tpm_pid=$!
	for _ in $(seq 100); do
		[ -S "$tpm_sock" ] && return 0
		kill -0 "$tpm_pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "FAIL $name: swtpm did not open $tpm_sock (see $out/swtpm.log)"
	exit 1
}
if [ -n "$tpm" ]; then
	tpm_qemu=(-chardev "socket,id=chrtpm,path=$tpm_sock" -tpmdev emulator,id=tpm0,chardev=chrtpm)
	if [ "$arch" = x86_64 ]; then
		tpm_qemu+=(-device tpm-tis,tpmdev=tpm0)
	else
		tpm_qemu+=(-device tpm-tis-device,tpmdev=tpm0)
	fi
fi

# Pad the command line with a marker pattern, quotes and '=' included, to
# exactly cmdline_len bytes.
if [ -n "$cmdline_len" ]; then
	cmdline="$cmdline bootshim.test=\"a b=c\" pad="
	while [ ${#cmdline} -lt "$cmdline_len" ]; do cmdline="${cmdline}x=\"1 2\" "; done
	cmdline=${cmdline:0:$cmdline_len}
fi
printf '%s' "${want_cmdline:-$cmdline}" >"$out/cmdline.expected"

head -c "$blob" /dev/urandom >"$out/blob"
sha=$(sha256sum "$out/blob" | cut -d' ' -f1)
initrd=$out/initrd.cpio
[ "$fmt" = gz ] && initrd=$initrd.gz
# With a disk, the initrd carries the virtio modules of the kernel
# (scripts/fetch-kernel.sh keeps them beside it), in load order; under
# UEFI, efivarfs, to list the variables.
modules=
[ -n "$efi" ] && modules="$kernel.modules/efivarfs.ko"
if [ -n "$disk" ]; then
	transport="virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci"
	[[ $machine == ,microvm* ]] && transport=virtio_mmio
	if [ "$transport" = virtio_mmio ] && [ ! -f "$kernel.modules/virtio_mmio.ko" ] &&
		grep -q '^CONFIG_VIRTIO_MMIO=m' "$kernel.config" 2>/dev/null; then
		echo "FAIL $name: --disk on microvm needs $kernel.modules/virtio_mmio.ko (fetched" \
			"by scripts/fetch-kernel.sh since issue 11: delete $kernel to fetch it again)"
		exit 1
	fi
	for m in virtio_ring virtio $transport virtio_blk; do
		[ -f "$kernel.modules/$m.ko" ] && modules="$modules $kernel.modules/$m.ko"
	done
fi
# With a TPM, its TIS driver where the kernel builds it as a module (Debian's
# arm64 kernels; amd64 builds it in), after the modules it depends on
# (fetch-kernel.sh extracts them all; .modinfo names them).
add_module() { # NAME: NAME's dependencies first, then NAME, each once
	local f=$kernel.modules/$1.ko d
	[ -f "$f" ] || return 0
	for d in $(readelf -p .modinfo "$f" | sed -n 's/^ *\[ *[0-9a-f]*\]  depends=//p' |
		tr ',-' ' _'); do
		add_module "$d"
	done
	case " $modules " in *" $f "*) ;; *) modules="$modules $f" ;; esac
}
if [ -n "$tpm" ]; then
	if ! grep -Eq '^CONFIG_TCG_TIS=[ym]' "$kernel.config" 2>/dev/null; then
		echo "FAIL $name: --tpm: $kernel has no TPM TIS driver (CONFIG_TCG_TIS is not set in" \
			"$kernel.config; Debian's arm64 generic kernels lack it: use the cloud ones)"
		exit 1
	fi
	add_module tpm_tis
fi
MODULES=$modules "$repo/tests/guest/mkinitrd.sh" "$initrd" "$init" "$out/blob"
initrd=${initrd_override:-$initrd}

if [ -n "$embed_dtb" ]; then
	# QEMU's DTB for this machine, with a marker the guest can see.
	# With --tpm, the TPM's node too (QEMU connects to swtpm even here).
	[ -n "$tpm" ] && tpm_start
	qemu-system-aarch64 -M "virt${machine}" -cpu max,pauth-impdef=on -m "$mem" -smp "$smp" \
		"${tpm_qemu[@]}" -display none -machine dumpdtb="$out/embed.dtb" >/dev/null 2>&1
	fdtput -t s "$out/embed.dtb" / model "bootshim embedded DTB"
	dtb_arg="DTB=$out/embed.dtb"
fi

# The real build interface; CMDLINE through the environment keeps its bytes.
set +e
# Only the flavour under test: a payload may be too big for another's
# limits (shim.rom's 64 MiB flash on aarch64).
flavour=shim.elf
[ "$arch" = aarch64 ] && flavour=shim.img
[ -n "$rom" ] && flavour=shim.rom
[ -n "$efi" ] && flavour=shim.efi
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL CMDLINE="$cmdline" \
	make -C "$repo" ARCH="$arch" O="$out/o" KERNEL="$kernel" INITRD="$initrd" \
	EFI_HANDOFF="$handoff" ${dtb_arg:+"$dtb_arg"} "${make_args[@]}" "$out/o/$arch/$flavour" \
	$want_pcr11 \
	>"$out/build.log" 2>&1
rc=$?
set -e
if [ -n "$build_err" ]; then
	if [ $rc -ne 0 ] && grep -Eq "$build_err" "$out/build.log"; then
		echo "PASS $name (build refused: $(grep -Eo "bootshim: error: .*" "$out/build.log" | head -n1))"
		exit 0
	fi
	echo "FAIL $name: build exit $rc, expected a failure matching /$build_err/"
	tail -n 20 "$out/build.log"
	exit 1
fi
if [ $rc -ne 0 ]; then
	echo "FAIL $name: build failed"
	tail -n 20 "$out/build.log"
	exit 1
fi

efi_err=()
efi_setup() { # ARCH FIRMWARE_CODE FIRMWARE_VARS BOOTNAME QEMU...
	local a=$1 ovmf=$2 vars=$3 bootname=$4 fw_smm=
	shift 4
	[ -n "$efi_firmware" ] && read -r ovmf vars fw_smm <<<"$efi_firmware"
	shim=$out/o/$a/shim.efi
	if [ -n "$patch_efi" ]; then
		# shellcheck disable=SC2086
		python3 "$here/patch-efi.py" "$kernel" "$shim" $patch_efi
	fi
	if [ -n "$sb" ]; then
		ovmf=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
		vars=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
		# Debian's test key; its passphrase is "snakeoil".
		openssl rsa -in /usr/share/ovmf/PkKek-1-snakeoil.key -passin pass:snakeoil \
			-out "$out/snakeoil.key" 2>/dev/null
		sbsign --key "$out/snakeoil.key" --cert /usr/share/ovmf/PkKek-1-snakeoil.pem \
			--output "$shim.signed" "$shim" >"$out/sbsign.log" 2>&1
		shim=$shim.signed
		if [ -n "$efi_loader" ]; then
			sbsign --key "$out/snakeoil.key" --cert /usr/share/ovmf/PkKek-1-snakeoil.pem \
				--output "$out/loader.efi" "$efi_loader" >>"$out/sbsign.log" 2>&1
			efi_loader=$out/loader.efi
		fi
		if [ -n "$patch_signed" ]; then
			# shellcheck disable=SC2086
			python3 "$here/patch-efi.py" "$kernel" "$shim" $patch_signed
		fi
	fi
	cp "$vars" "$out/vars.fd"
	# The ESP: the shim at the removable-media path, or for the
	# shell, elsewhere with a startup.nsh that runs it with arguments.
	size_kib=$(( $(stat -c %s "$shim") / 1024 + 4096 ))
	dd if=/dev/zero of="$out/esp.img" bs=1024 count="$size_kib" status=none
	mformat -i "$out/esp.img" ::
	if [ -n "$efi_loader" ]; then
		mcopy -i "$out/esp.img" "$shim" ::/shim.efi
		printf '%s' "$load_options" >"$out/options.txt"
		mcopy -i "$out/esp.img" "$out/options.txt" ::/options.txt
		mmd -i "$out/esp.img" ::/EFI ::/EFI/BOOT
		mcopy -i "$out/esp.img" "$efi_loader" "::/EFI/BOOT/$bootname"
	elif [ -n "$efi_shell" ]; then
		mcopy -i "$out/esp.img" "$shim" ::/shim.efi
		printf 'fs0:\\shim.efi %s\r\n' "$efi_shell" >"$out/startup.nsh"
		mcopy -i "$out/esp.img" "$out/startup.nsh" ::/startup.nsh
	else
		mmd -i "$out/esp.img" ::/EFI ::/EFI/BOOT
		mcopy -i "$out/esp.img" "$shim" "::/EFI/BOOT/$bootname"
	fi
	# OVMF's Secure Boot build needs SMM, so q35 with a secure flash.
	[ -n "$sb$fw_smm" ] && set -- "$@" -M q35,smm=on -global driver=cfi.pflash01,property=secure,value=on
	# -nic none: no network boot options to wait for before the shell.
	qemu=("$@" -nic none
		-drive "if=pflash,format=raw,readonly=on,file=$ovmf"
		-drive "if=pflash,format=raw,file=$out/vars.fd"
		-drive "file=$out/esp.img,format=raw,if=virtio")
	# The firmware keeps more RAM to itself than a BIOS does (with SMM,
	# tens of MiB).
	want_efi=1
	expect=(--expect-acpi 1 --expect-efivars --ram-slack 48
		--expect-console "bootshim: started by UEFI \\($handoff hand-off\\)")
	# After an error: the error line, then the shim's line saying it
	# returns to the firmware, then the firmware going on to its next boot
	# option with our status (boot.py fails a run that ends otherwise:
	# a reset, an exit, a hang).
	efi_err=(--expect-console 'bootshim: error: [^\n]*\n(?:[^\n]*\n)*?bootshim: returning an error to the firmware$'
		--stop-on 'BdsDxe: failed to start .*: Load Error')
	fail_exit=0
}

# --x0-dtb: the trampoline, shim.img and the hostile blob as raw images in
# RAM (-device loader: QEMU checks nothing), the CPU started at the
# trampoline at EL1.
X0_IMG=0x40400000	# a 2 MiB boundary, where U-Boot would load an Image
X0_TRAMPOLINE=0x60000000
RAM_BASE=0x40000000	# QEMU virt
x0_dtb_setup() {
	local at=0x48000000 dtb=$out/hostile.dtb ram_end
	ram_end=$(( RAM_BASE + $(numfmt --from=iec "$mem") ))
	[ -n "$tpm" ] && tpm_start
	qemu-system-aarch64 -M "virt$machine" -cpu max,pauth-impdef=on "${common[@]}" \
		"${tpm_qemu[@]}" -machine dumpdtb="$dtb" >/dev/null 2>&1
	case $x0_dtb in
	bad-magic) printf '\xd0\x0d\xfe\xef' | dd of="$dtb" conv=notrunc status=none ;;
	totalsize-past-ram)
		# The last 64 KiB of RAM, claiming 1 MiB (under the 2 MiB the
		# shim accepts): the blob runs past the end of RAM.
		at=$(printf '0x%x' $(( ram_end - 0x10000 )))
		printf '\x00\x10\x00\x00' | dd of="$dtb" bs=1 seek=4 conv=notrunc status=none ;;
	address-cells-0) fdtput -t u "$dtb" / '#address-cells' 0 ;;
	address-cells-5) fdtput -t u "$dtb" / '#address-cells' 5 ;;
	memory-only-shim)
		# RAM only as far as the loader's copy of the shim reaches:
		# the blob itself (above it) lies outside that RAM.
		local top=$(( (X0_IMG + $(stat -c %s "$shim") + 0xfff) & ~0xfff ))
		fdtput -t x "$dtb" /memory@40000000 reg 0 "$RAM_BASE" 0 \
			"$(printf '%x' $(( top - RAM_BASE )))" ;;
	*) echo "case.sh: unknown --x0-dtb $x0_dtb" >&2; exit 2 ;;
	esac
	aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=$X0_TRAMPOLINE -Wl,--build-id=none \
		-Wl,-z,max-page-size=4096 -DDTB_ADDR="$at" -DIMG_ADDR=$X0_IMG \
		-o "$out/x0-trampoline.elf" "$here/x0-trampoline.S"
	qemu+=(-device "loader,file=$out/x0-trampoline.elf,cpu-num=0"
		-device "loader,file=$shim,addr=$X0_IMG,force-raw=on"
		-device "loader,file=$dtb,addr=$at,force-raw=on")
}

mem_mib=$(( $(numfmt --from=iec "$mem") / 1048576 ))
want_efi=0 # the guest must see no UEFI unless efi_setup says so
common=(-m "$mem" -smp "$smp" -display none -serial stdio -monitor none -no-reboot)
[ -n "$reboot" ] && unset 'common[-1]' # the guest's reboot must restart the machine
if [ "$arch" = x86_64 ]; then
	shim=$out/o/x86_64/shim.elf
	if [ -z "$rom" ]; then
		for p in "${patches[@]}"; do
			# shellcheck disable=SC2086
			python3 "$here/patch-elf.py" "$shim" $p
		done
		for p in "${code_patches[@]}"; do
			# shellcheck disable=SC2086
			python3 "$here/patch-code.py" "$shim" $p
		done
	fi
	fail_exit=3 # isa-debug-exit: (1 << 1) | 1
	if [ -n "$efi" ]; then
		efi_setup x86_64 /usr/share/OVMF/OVMF_CODE_4M.fd /usr/share/OVMF/OVMF_VARS_4M.fd \
			BOOTX64.EFI qemu-system-x86_64 "${common[@]}" -device isa-debug-exit
	elif [ -n "$rom" ]; then
		shim=$out/o/x86_64/shim.rom
		for p in "${patches[@]}"; do
			# shellcheck disable=SC2086
			python3 "$here/patch-elf.py" "$shim.elf" $p "$shim"
		done
		for p in "${code_patches[@]}"; do
			# shellcheck disable=SC2086
			python3 "$here/patch-code.py" "$shim.elf" $p "$shim"
		done
		m=${machine#,}
		qemu=(qemu-system-x86_64 -M "${m:-pc}" "${common[@]}" -device isa-debug-exit
			-bios "$shim")
		if [ -n "$table_loader" ]; then
			# QEMU builds no ACPI tables, and no script, with acpi=off.
			python3 "$here/hostile-loader.py" "$table_loader" "$out/table-loader"
			qemu[2]="${m:-pc},acpi=off"
			qemu+=(-fw_cfg "name=etc/table-loader,file=$out/table-loader")
		fi
		m=${m%%,*}
		expect=(--expect-acpi 1 --expect-console "bootshim: started by firmware \\(-bios\\) on ${m:-pc}")
		# No ACPI: the guest cannot power the machine off.
		if [[ $machine == *acpi=off* ]]; then
			expect+=(--expect-acpi 0 --stop-after-report)
		fi
	else
		m=${machine#,}
		qemu=(qemu-system-x86_64 ${m:+-M "$m"} "${common[@]}" -device isa-debug-exit
			-kernel "$shim")
		expect=(--expect-acpi 1 --expect-console 'bootshim: started by PVH')
	fi
else
	shim=$out/o/aarch64/shim.img
	[ -n "$rom" ] && shim=$out/o/aarch64/shim.rom
	for p in "${patches[@]}"; do
		# shellcheck disable=SC2086
		python3 "$here/patch-elf.py" "$shim.elf" $p "$shim"
	done
	for p in "${code_patches[@]}"; do
		# shellcheck disable=SC2086
		python3 "$here/patch-code.py" "$shim.elf" $p "$shim"
	done
	# pauth-impdef: QEMU's cheap pointer-authentication algorithm; the
	# architected one makes TCG several times slower.
	qemu=(qemu-system-aarch64 -M "virt$machine" -cpu max,pauth-impdef=on "${common[@]}"
		-semihosting-config enable=on,target=native)
	fail_exit=1 # semihosting SYS_EXIT with status 1
	el=1
	[[ $machine == *virtualization=on* ]] && el=2
	kel=$el # where the kernel starts
	started="Linux Image boot at EL$el"
	if [ -n "$rom" ]; then
		[[ $machine == *secure=on* ]] && el=3
		started="firmware \\(-bios\\) at EL$el"
	fi
	expect=(--expect-acpi 0 --expect-console "bootshim: started by $started"
		--expect-console "CPU: All CPU\\(s\\) started at EL$kel")
	if [ -n "$efi" ]; then
		efi_setup aarch64 /usr/share/AAVMF/AAVMF_CODE.fd /usr/share/AAVMF/AAVMF_VARS.fd \
			BOOTAA64.EFI "${qemu[@]}"
	fi
	if [ -n "$reserve" ]; then
		[ -n "$tpm" ] && tpm_start
		qemu-system-aarch64 -M "virt$machine" -cpu max,pauth-impdef=on "${common[@]}" \
			"${tpm_qemu[@]}" -machine dumpdtb="$out/virt.dtb" >/dev/null 2>&1
		fdtput -c "$out/virt.dtb" /reserved-memory
		fdtput -t x "$out/virt.dtb" /reserved-memory '#address-cells' 2
		fdtput -t x "$out/virt.dtb" /reserved-memory '#size-cells' 2
		fdtput -t x "$out/virt.dtb" /reserved-memory ranges # empty: the kernel needs it
		read -r raddr rsize rnomap <<<"$reserve"
		fdtput -c "$out/virt.dtb" "/reserved-memory/test@$raddr"
		fdtput -t x "$out/virt.dtb" "/reserved-memory/test@$raddr" reg 0 "$raddr" 0 "$rsize"
		[ "$rnomap" = no-map ] && fdtput -t s "$out/virt.dtb" "/reserved-memory/test@$raddr" no-map ''
		qemu+=(-dtb "$out/virt.dtb")
	fi
	if [ -n "$uboot" ]; then
		# U-Boot as the firmware, the shim loaded where U-Boot's own
		# kernel_addr_r would put a kernel, and booti typed at its prompt.
		qemu+=(-bios /usr/lib/u-boot/qemu_arm64/u-boot.bin
			-device "loader,file=$shim,addr=0x40400000,force-raw=on")
		expect+=(--send 'Hit any key to stop autoboot' '\n')
		for c in "${uboot_cmds[@]}"; do
			expect+=(--send '=> ' "$c\\n")
		done
		expect+=(--send '=> ' 'booti 0x40400000 - ${fdtcontroladdr}\n'
			--expect-console 'Starting kernel')
	elif [ -n "$x0_dtb" ]; then
		x0_dtb_setup
	elif [ -n "$rom" ]; then
		qemu+=(-bios "$shim")
	elif [ -z "$efi" ]; then
		qemu+=(-kernel "$shim")
	fi
fi

qemu+=("${tpm_qemu[@]}" "${extra[@]}")
if [ -n "$disk" ]; then
	# A disk of known random content behind virtio-blk-pci.
	head -c 1048576 /dev/urandom >"$out/disk.img"
	vda=$(head -c 512 "$out/disk.img" | sha256sum | cut -d' ' -f1)
	if [[ $machine == ,microvm* ]]; then
		qemu+=(-drive "file=$out/disk.img,format=raw,if=none,id=vd0" -device virtio-blk-device,drive=vd0)
	else
		qemu+=(-drive "file=$out/disk.img,format=raw,if=virtio")
	fi
	expect+=(--expect-vda-sha256 "$vda")
fi

# Not exec: the EXIT trap stops swtpm after QEMU.
[ -n "$tpm" ] && tpm_start
if [ -n "$boot_err" ]; then
	# UEFI: efi_setup's requirements (efi_err) too.
	python3 "$here/boot.py" --name "$name" --log "$out/serial.log" --timeout "$within" \
		--expect-error "$boot_err" --expect-exit "$fail_exit" "${efi_err[@]}" -- "${qemu[@]}"
	exit
fi
if [ -n "$refused" ]; then
	python3 "$here/boot.py" --name "$name" --log "$out/serial.log" --timeout "$within" \
		--expect-refused "$refused" -- "${qemu[@]}"
	exit
fi
# With --tpm the guest must find the TPM, and its event log, when it has
# one, is kept for the host's replay.
[ -n "$tpm" ] && tpm_checks+=(--expect-tpm)
python3 "$here/boot.py" --name "$name" --log "$out/serial.log" --timeout 300 \
	--json "$out/result.json" --eventlog-file "$out/eventlog.bin" "${tpm_checks[@]}" \
	--expect-cmdline-file "$out/cmdline.expected" \
	--expect-sha256 "$sha" --expect-data-bytes "$blob" \
	--expect-ram "$mem_mib" --expect-cpus "${cpus:-$smp}" --expect-efi "$want_efi" \
	--expect-console "bootshim: entry-to-jump [0-9]+ $jump_unit" \
	"${expect[@]}" "${consoles[@]}" ${high:+--expect-high-mem} -- "${qemu[@]}"
