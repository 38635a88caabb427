/* shim.efi's PE header and entry on riscv64. Debian 12's binutils (2.40)
 * has no riscv64 PE target, so objcopy cannot convert the image as it does
 * on x86_64 and aarch64; as gnu-efi does for riscv64, the PE/COFF headers
 * are written here by hand and the linked image is copied out flat
 * (objcopy -O binary), every file offset equal to its RVA. Unlike gnu-efi's
 * header (fixed at .text, .reloc, .data and .rodata), this one names the
 * sections the Secure Boot chain and the README expect on every arch:
 * each on a 4 KiB page of its own, code read+execute only, data read+write
 * only, .sbat and .allow, NX_COMPAT (arch/efi/elf_riscv64.lds lays them
 * out; scripts/check-pe.sh checks the result).
 *
 * The entry relocates the image with gnu-efi's _relocate (.rela,
 * R_RISCV_RELATIVE), then calls efi_main(image, systab). RISC-V UEFI
 * calling convention (UEFI 2.10, 2.3.7): the standard psABI, a0 the image
 * handle, a1 the system table, the status returned in a0. */

/* PE/COFF (Microsoft "PE Format"). */
#define IMAGE_DOS_SIGNATURE		0x5a4d		/* "MZ" */
#define IMAGE_DOS_LFANEW		0x3c		/* e_lfanew: offset of "PE\0\0" */
#define IMAGE_NT_SIGNATURE		0x00004550	/* "PE\0\0" */
#define IMAGE_FILE_MACHINE_RISCV64	0x5064
#define IMAGE_FILE_EXECUTABLE_IMAGE	0x0002
#define IMAGE_FILE_LINE_NUMS_STRIPPED	0x0004
#define IMAGE_FILE_LARGE_ADDRESS_AWARE	0x0020
#define IMAGE_FILE_DEBUG_STRIPPED	0x0200
#define IMAGE_NT_OPTIONAL_HDR64_MAGIC	0x020b
#define IMAGE_SUBSYSTEM_EFI_APPLICATION	10
#define IMAGE_DLLCHARACTERISTICS_NX_COMPAT 0x0100
#define IMAGE_NUMBEROF_DIRECTORY_ENTRIES 16
#define IMAGE_DIRECTORY_ENTRY_BASERELOC	5
#define IMAGE_SCN_CNT_CODE		0x00000020
#define IMAGE_SCN_CNT_INITIALIZED_DATA	0x00000040
#define IMAGE_SCN_MEM_DISCARDABLE	0x02000000
#define IMAGE_SCN_MEM_EXECUTE		0x20000000
#define IMAGE_SCN_MEM_READ		0x40000000
#define IMAGE_SCN_MEM_WRITE		0x80000000
#define IMAGE_REL_BASED_ABSOLUTE	0
/* The linker version the optional header names: binutils 2.40. */
#define LINKER_MAJOR			2
#define LINKER_MINOR			40

#define PAGE_SIZE			4096
#define SECTION_HEADER_BYTES		40	/* IMAGE_SECTION_HEADER */

#define SCN_CODE	(IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_MEM_READ)
#define SCN_RODATA	(IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ)
#define SCN_DATA	(IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE)

/* One section table entry: name, the bytes in use (VirtualSize), its RVA,
 * its bytes in the file (SizeOfRawData, whole pages: FileAlignment) at the
 * same offset as its RVA, no COFF relocations or line numbers. */
.macro section name, start, end, padded_end, flags
	.ascii "\name"
	.fill 8 - (. - 1b), 1, 0	/* the name, NUL-padded to 8 bytes */
	.long \end - \start		/* VirtualSize */
	.long \start - ImageBase	/* VirtualAddress */
	.long \padded_end - \start	/* SizeOfRawData */
	.long \start - ImageBase	/* PointerToRawData */
	.long 0				/* PointerToRelocations */
	.long 0				/* PointerToLinenumbers */
	.short 0			/* NumberOfRelocations */
	.short 0			/* NumberOfLinenumbers */
	.long \flags			/* Characteristics */
.endm

	.section .pe_header, "a"
	/* Data only: no linker relaxation, so that the assembler resolves
	 * the differences of labels within the header itself. */
	.option push
	.option norelax
	.globl ImageBase
ImageBase:
	.short IMAGE_DOS_SIGNATURE
	.fill IMAGE_DOS_LFANEW - 2, 1, 0
	.long pe_header - ImageBase	/* e_lfanew */
pe_header:
	.long IMAGE_NT_SIGNATURE
	/* COFF file header */
	.short IMAGE_FILE_MACHINE_RISCV64
	.short (section_table_end - section_table) / SECTION_HEADER_BYTES /* NumberOfSections */
	.long 0				/* TimeDateStamp: reproducible */
	.long 0				/* PointerToSymbolTable */
	.long 0				/* NumberOfSymbols */
	.short section_table - optional_header /* SizeOfOptionalHeader */
	.short IMAGE_FILE_EXECUTABLE_IMAGE | IMAGE_FILE_LINE_NUMS_STRIPPED | \
	       IMAGE_FILE_LARGE_ADDRESS_AWARE | IMAGE_FILE_DEBUG_STRIPPED
optional_header:
	.short IMAGE_NT_OPTIONAL_HDR64_MAGIC
	.byte LINKER_MAJOR, LINKER_MINOR
	.long _etext_pad - _text		/* SizeOfCode */
	.long _image_end - _etext_pad		/* SizeOfInitializedData */
	.long 0					/* SizeOfUninitializedData: .bss is in .data */
	.long _start - ImageBase		/* AddressOfEntryPoint */
	.long _text - ImageBase			/* BaseOfCode */
	/* Windows-specific fields */
	.quad 0					/* ImageBase: the loader relocates */
	.long PAGE_SIZE				/* SectionAlignment */
	.long PAGE_SIZE				/* FileAlignment: file offset == RVA */
	.short 0, 0				/* Major/MinorOperatingSystemVersion */
	.short 0, 0				/* Major/MinorImageVersion */
	.short 0, 0				/* Major/MinorSubsystemVersion */
	.long 0					/* Win32VersionValue */
	.long _image_end - ImageBase		/* SizeOfImage */
	.long _text - ImageBase			/* SizeOfHeaders: the first page */
	.long 0					/* CheckSum: not checked by UEFI loaders */
	.short IMAGE_SUBSYSTEM_EFI_APPLICATION
	.short IMAGE_DLLCHARACTERISTICS_NX_COMPAT /* code never written, data never run */
	.quad 0, 0, 0, 0			/* stack and heap reserve and commit */
	.long 0					/* LoaderFlags */
	.long IMAGE_NUMBEROF_DIRECTORY_ENTRIES
	/* Data directories: only the base relocation table. */
	.fill IMAGE_DIRECTORY_ENTRY_BASERELOC, 8, 0
	.long _reloc - ImageBase, _ereloc - _reloc
	.fill IMAGE_NUMBEROF_DIRECTORY_ENTRIES - IMAGE_DIRECTORY_ENTRY_BASERELOC - 1, 8, 0
section_table:
1:	section .text,    _text,    _etext,    _etext_pad,    SCN_CODE
1:	section .reloc,   _reloc,   _ereloc,   _ereloc_pad,   SCN_RODATA | IMAGE_SCN_MEM_DISCARDABLE
1:	section .sbat,    _sbat,    _esbat,    _esbat_pad,    SCN_RODATA
1:	section .allow,   _allow,   _eallow,   _eallow_pad,   SCN_RODATA
1:	section .data,    _data,    _edata,    _edata_pad,    SCN_DATA
1:	section .dynamic, _dynamic, _edynamic, _edynamic_pad, SCN_RODATA
1:	section .rela,    _rela,    _erela,    _erela_pad,    SCN_RODATA
1:	section .payload, _payload, _epayload, _epayload_pad, SCN_RODATA
section_table_end:
	.option pop

	.text
	.globl _start
	.type _start, %function
_start:
	/* ra and the two arguments, in a frame that keeps sp 16-byte aligned
	 * (psABI). */
	addi sp, sp, -32
	sd ra, 24(sp)
	sd a0, 0(sp)
	sd a1, 8(sp)
	mv a2, a0
	mv a3, a1
	lla a0, ImageBase
	lla a1, _DYNAMIC
	call _relocate
	bnez a0, 1f
	ld a0, 0(sp)
	ld a1, 8(sp)
	call efi_main
1:	ld ra, 24(sp)
	addi sp, sp, 32
	ret
	.size _start, . - _start

/* The PE loader relocates an image whose preferred base (0) it cannot
 * use only if it has a base relocation directory: one block for the page
 * at RVA 0 holding two IMAGE_REL_BASED_ABSOLUTE ("skipped") entries, the
 * block size (12) a multiple of 4 as the PE format asks. The image
 * relocates itself (_relocate, above). */
	.section .reloc, "a"
	.long 0			/* page RVA */
	.long 12		/* block size: this header and two entries */
	.short IMAGE_REL_BASED_ABSOLUTE << 12, IMAGE_REL_BASED_ABSOLUTE << 12

	.section .note.GNU-stack, "", %progbits
