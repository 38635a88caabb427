/*
 * The guest side of tests/unit/fw_cfg/record.sh: PID 1 of a throw-away
 * initramfs that reads QEMU's fw_cfg device through its I/O ports (selector
 * 0x510, data 0x511; docs/specs/fw_cfg.rst), exactly as shim.rom reads it
 * when there is no DMA, and hex-dumps on COM2 (0x2f8, by port I/O, so that
 * no tty layer or kernel message gets in between):
 *   - the file directory (key FW_CFG_FILE_DIR = 0x19), byte for byte;
 *   - etc/table-loader;
 *   - every file the table-loader ALLOCATEs (etc/acpi/rsdp,
 *     etc/acpi/tables, and etc/vmgenid_guid with -device vmgenid).
 * The dump, line by line:
 *   FWCFG-BEGIN <name> <size> <select>
 *   FWCFG-DATA <up to 32 bytes as hex>
 *   FWCFG-END <name> <FNV-1a 32-bit of the bytes, hex>
 *   FWCFG-DONE
 * (<name> "file_dir" for the directory), or FWCFG-ERROR <what>. Then it
 * powers the machine off.
 *
 *   gcc -static -Os -Wall -Wextra -o record-init record-init.c
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <unistd.h>

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_FILE_DIR 0x19
#define COM2 0x2f8

static void com2_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM2 + 5) & 0x20); i++)
		;
	outb((unsigned char)c, COM2);
}

static void out(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++)
		com2_putc(*p);
}

static void die(const char *what)
{
	out("FWCFG-ERROR %s\n", what);
	reboot(RB_POWER_OFF);
	_exit(1);
}

static void fw_read(uint16_t key, uint8_t *buf, size_t len)
{
	outw(key, FW_CFG_PORT_SEL);
	for (size_t i = 0; i < len; i++)
		buf[i] = inb(FW_CFG_PORT_DATA);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void dump(const char *name, uint16_t key, const uint8_t *buf, size_t len)
{
	uint32_t h = 2166136261u;
	out("FWCFG-BEGIN %s %zu 0x%04x\n", name, len, key);
	for (size_t i = 0; i < len; i += 32) {
		char line[80];
		size_t n = len - i < 32 ? len - i : 32, k = 0;
		for (size_t j = 0; j < n; j++)
			k += (size_t)sprintf(line + k, "%02x", buf[i + j]);
		out("FWCFG-DATA %s\n", line);
	}
	for (size_t i = 0; i < len; i++)
		h = (h ^ buf[i]) * 16777619u;
	out("FWCFG-END %s %08x\n", name, h);
}

static uint8_t *dir;
static uint32_t count;

/* Find a directory entry; dump the file and return its bytes. */
static uint8_t *dump_file(const char *name, uint32_t *size)
{
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = dir + 4 + 64 * (size_t)i;
		if (strncmp((const char *)e + 8, name, 56))
			continue;
		uint16_t key = (uint16_t)(e[4] << 8 | e[5]);
		*size = be32(e);
		uint8_t *buf = malloc(*size ? *size : 1);
		if (!buf)
			die("malloc");
		fw_read(key, buf, *size);
		dump(name, key, buf, *size);
		return buf;
	}
	return NULL;
}

int main(void)
{
	if (ioperm(FW_CFG_PORT_SEL, 2, 1) || ioperm(COM2, 8, 1))
		die("ioperm");
	uint8_t sig[4];
	fw_read(FW_CFG_SIGNATURE, sig, 4);
	if (memcmp(sig, "QEMU", 4))
		die("no fw_cfg signature");
	uint8_t c[4];
	fw_read(FW_CFG_FILE_DIR, c, 4);
	count = be32(c);
	if (count > 4096)
		die("directory count");
	size_t dlen = 4 + 64 * (size_t)count;
	dir = malloc(dlen);
	if (!dir)
		die("malloc");
	fw_read(FW_CFG_FILE_DIR, dir, dlen);
	dump("file_dir", FW_CFG_FILE_DIR, dir, dlen);

	uint32_t len;
	uint8_t *script = dump_file("etc/table-loader", &len);
	if (!script)
		die("no etc/table-loader");
	/* The files the script allocates: command 1, name at byte 4. */
	for (uint32_t i = 0; i + 128 <= len; i += 128) {
		const uint8_t *cmd = script + i;
		char name[57];
		uint32_t size;
		if (cmd[0] != 1 || cmd[1] || cmd[2] || cmd[3])
			continue;
		memcpy(name, cmd + 4, 56);
		name[56] = 0;
		if (!dump_file(name, &size))
			die(name);
	}
	out("FWCFG-DONE\n");
	reboot(RB_POWER_OFF);
	die("reboot");
}
