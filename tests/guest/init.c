/*
 * bootshim test guest: runs as PID 1 from the initramfs, prints a
 * machine-readable report of what the kernel was handed (command line,
 * initrd payload, memory map, CPUs, firmware interfaces) on the console,
 * then powers the machine off so QEMU exits by itself.
 *
 * Portable Linux userspace only (built for x86_64 and aarch64, static).
 *
 *   gcc -static -Os -Wall -Wextra -o init init.c
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#define TAG "BOOTSHIM-REPORT "

/* ---------------------------------------------------------------- output */

/* Write all of buf; normally this is exactly one write() so a report line
 * reaches the tty in one piece. Loops only on short writes / EINTR. */
static void write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Before the console is set up there is nowhere to print; errors found
 * then are kept here and flushed once fds 0-2 exist. */
static char early[1024];
static size_t early_len;
static int console_ready;

static void emit(const char *buf, size_t len)
{
	if (console_ready) {
		write_all(buf, len);
	} else if (len <= sizeof(early) - early_len) {
		memcpy(early + early_len, buf, len);
		early_len += len;
	}
}

/* Emit "BOOTSHIM-REPORT <key> <formatted value>\n" with a single write. */
static void report(const char *key, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *buf = small;
	int head = snprintf(small, sizeof(small), TAG "%s ", key);

	va_start(ap, fmt);
	int body = vsnprintf(small + head, sizeof(small) - head, fmt, ap);
	va_end(ap);
	if (body < 0)
		return;
	size_t need = (size_t)head + (size_t)body + 2;
	if (need > sizeof(small)) {
		/* long value (e.g. a big hex command line): format again */
		buf = malloc(need);
		if (!buf) {
			static const char oom[] = TAG "error out of memory\n";
			emit(oom, sizeof(oom) - 1);
			return;
		}
		memcpy(buf, small, (size_t)head);
		va_start(ap, fmt);
		vsnprintf(buf + head, need - head, fmt, ap);
		va_end(ap);
	}
	buf[head + body] = '\n';
	emit(buf, (size_t)head + (size_t)body + 1);
	if (buf != small)
		free(buf);
}

/* A line with no value: "BOOTSHIM-REPORT begin" (no trailing space). */
static void marker(const char *key)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), TAG "%s\n", key);

	emit(buf, (size_t)n);
}

static void fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report("error", "%s", msg);
}

/* --------------------------------------------------------------- SHA-256 */

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[64];
	size_t fill;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) +
		     K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->fill = 0;
}

static void sha256_update(struct sha256 *s, const uint8_t *p, size_t n)
{
	s->len += n;
	if (s->fill) {
		size_t take = 64 - s->fill < n ? 64 - s->fill : n;
		memcpy(s->buf + s->fill, p, take);
		s->fill += take;
		p += take;
		n -= take;
		if (s->fill < 64)
			return;
		sha256_block(s->h, s->buf);
		s->fill = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		sha256_block(s->h, p);
	memcpy(s->buf, p, n);
	s->fill = n;
}

static void sha256_final(struct sha256 *s, char hex[65])
{
	uint64_t bits = s->len * 8;
	uint8_t pad[72] = { 0x80 };
	size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

/* ------------------------------------------------------------- helpers */

/* Read a whole (small, possibly size-0-in-stat procfs) file into a
 * NUL-terminated malloc'd buffer. Returns NULL on failure. */
static char *slurp(const char *path, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, len = 0;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (n == 0) {
			buf[len] = '\0';
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (buf && lenp)
		*lenp = len;
	return buf;
}

static void mkdir_p1(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		fail("mkdir %s: %s", path, strerror(errno));
}

static void mount_fs(const char *type, const char *dir)
{
	mkdir_p1(dir);
	/* EBUSY: already mounted (e.g. devtmpfs automount) — fine */
	if (mount(type, dir, type, MS_NOSUID | MS_NOEXEC, NULL) < 0 && errno != EBUSY)
		fail("mount %s on %s: %s", type, dir, strerror(errno));
}

/* Make fds 0,1,2 the console. The initramfs carries no device nodes, so
 * this relies on devtmpfs; fall back to creating the node ourselves, and
 * as a last resort /dev/kmsg so at least printk shows our messages. */
static void setup_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0) {
		mknod("/dev/console", S_IFCHR | 0600, makedev(5, 1));
		fd = open("/dev/console", O_RDWR | O_NOCTTY);
	}
	if (fd < 0) {
		mknod("/dev/kmsg", S_IFCHR | 0600, makedev(1, 11));
		fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY);
	}
	if (fd < 0)
		return; /* nowhere to talk to; still power off below */
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
	console_ready = 1;
	write_all(early, early_len);
}

/* ------------------------------------------------------------- report */

static void report_cmdline(void)
{
	size_t len;
	char *s = slurp("/proc/cmdline", &len);

	if (!s) {
		fail("read /proc/cmdline: %s", strerror(errno));
		return;
	}
	if (len > 0 && s[len - 1] == '\n')
		len--; /* the kernel appends exactly one */
	char *hex = malloc(2 * len + 1);
	if (!hex) {
		fail("cmdline: out of memory");
		free(s);
		return;
	}
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)s[i]);
	hex[2 * len] = '\0';
	report("cmdline", "%s", hex);
	free(hex);
	free(s);
}

static void report_blob(void)
{
	static const char path[] = "/data/blob";
	enum { CHUNK = 1 << 20 };
	struct sha256 ctx;
	struct stat st;
	char hex[65];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno != ENOENT) {
		fail("open %s: %s", path, strerror(errno));
		return;
	}
	if (fd < 0) {
		report("data-bytes", "-1");
		report("data-sha256", "none");
		return;
	}
	uint8_t *buf = malloc(CHUNK);
	if (!buf || fstat(fd, &st) < 0) {
		fail("%s: %s", path, buf ? strerror(errno) : "out of memory");
		close(fd);
		free(buf);
		return;
	}
	sha256_init(&ctx);
	ssize_t n;
	int read_errno = 0;
	for (;;) {
		n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sha256_update(&ctx, buf, (size_t)n);
	}
	if (n < 0)
		read_errno = errno;
	close(fd);
	free(buf);
	if (read_errno) {
		/* no data-* lines: a partial hash would only mislead */
		fail("read %s: %s", path, strerror(read_errno));
		return;
	}
	unsigned long long got = ctx.len; /* sha256_final() adds the padding */
	if ((unsigned long long)st.st_size != got)
		fail("%s: stat says %lld bytes, read %llu", path,
		     (long long)st.st_size, got);
	sha256_final(&ctx, hex);
	report("data-bytes", "%llu", got);
	report("data-sha256", "%s", hex);
}

/* Modules the test initrd carries (/modules/NN-name.ko, for drivers a
 * distribution kernel builds as modules, such as virtio_blk), loaded in
 * name order; then a moment for devtmpfs to show the disk they find. */
static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void load_modules(void)
{
	struct dirent **names;
	int tpm_driver_loaded = 0;
	int n = scandir("/modules", &names, NULL, name_cmp);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		char path[300];
		if (strstr(names[i]->d_name, "-tpm_tis"))
			tpm_driver_loaded = 1;
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "/modules/%s", names[i]->d_name);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0)
				fail("load %s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
		}
		free(names[i]);
	}
	free(names);
	for (int i = 0; i < 200 && access("/dev/vda", F_OK); i++)
		usleep(10000);
	/* A TPM driver among them (arm64: tpm_tis): give its probe, which
	 * talks to the TPM, time to register tpm0. */
	if (tpm_driver_loaded)
		for (int i = 0; i < 200 && access("/sys/class/tpm/tpm0", F_OK); i++)
			usleep(10000);
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* UEFI runtime services at work: the variables efivarfs lists (-1 when
 * the kernel has no EFI runtime, or there is no efivarfs). */
static void report_efivars(void)
{
	static const char dir[] = "/sys/firmware/efi/efivars";
	if (!exists("/sys/firmware/efi/runtime") && !exists(dir)) {
		report("efivars", "-1");
		return;
	}
	if (mount("efivarfs", dir, "efivarfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
	    errno != EBUSY) {
		report("efivars", "-1");
		return;
	}
	struct dirent **names;
	int n = scandir(dir, &names, NULL, NULL);
	int count = 0;
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			count++;
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	report("efivars", "%d", n < 0 ? -1 : count);
}

/* The first sector of the first virtio disk, for the firmware flavour's
 * tests that PCI devices work: "none" without a disk. */
static void report_disk(void)
{
	static const char path[] = "/dev/vda";
	uint8_t sector[512];
	struct sha256 ctx;
	char hex[65];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		report("vda-sector0-sha256", "none");
		return;
	}
	ssize_t n = pread(fd, sector, sizeof(sector), 0);
	close(fd);
	if (n != (ssize_t)sizeof(sector)) {
		fail("read %s: %s", path, n < 0 ? strerror(errno) : "short read");
		return;
	}
	sha256_init(&ctx);
	sha256_update(&ctx, sector, sizeof(sector));
	sha256_final(&ctx, hex);
	report("vda-sector0-sha256", "%s", hex);
}

/* The VM generation ID QEMU's vmgenid device holds (docs/specs/vmgenid.rst),
 * read back as the guest sees it, or "none". The kernel's driver exposes
 * no copy, so: QEMU's SSDT names the buffer's address in a DWord "VGIA"
 * (patched by the table-loader's ADD_POINTER), the GUID lies 40 bytes
 * into that buffer (written by QEMU after WRITE_POINTER) in the little-endian
 * GUID layout, and /dev/mem maps it (ACPI memory is not System RAM, which
 * STRICT_DEVMEM allows; read() would refuse it above the last RAM page). */
#define VMGENID_GUID_OFFSET 40
static void report_vmgenid(void)
{
	static const char dir[] = "/sys/firmware/acpi/tables";
	static const char vgia[] = { 0x08 /* NameOp */, 'V', 'G', 'I', 'A', 0x0c /* DWordPrefix */ };
	uint32_t addr = 0;
	struct dirent **names;
	int n = scandir(dir, &names, NULL, NULL);
	for (int i = 0; i < n; i++) {
		char path[300];
		size_t len;
		char *t = NULL;
		if (!addr && !strncmp(names[i]->d_name, "SSDT", 4)) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			t = slurp(path, &len);
		}
		char *p = t ? memmem(t, len, vgia, sizeof(vgia)) : NULL;
		if (p && p + sizeof(vgia) + 4 <= t + len)
			memcpy(&addr, p + sizeof(vgia), 4); /* AML integers are little-endian */
		free(t);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	if (!addr) {
		report("vmgenid", "none");
		return;
	}
	uint8_t g[16];
	long page = sysconf(_SC_PAGESIZE);
	off_t at = (off_t)addr + VMGENID_GUID_OFFSET, base = at & ~(off_t)(page - 1);
	int fd = open("/dev/mem", O_RDONLY | O_CLOEXEC);
	void *m = fd < 0 ? MAP_FAILED : mmap(NULL, (size_t)(at - base) + sizeof(g), PROT_READ, MAP_SHARED, fd, base);
	if (fd >= 0)
		close(fd);
	if (m == MAP_FAILED) {
		fail("map the vmgenid GUID at 0x%llx via /dev/mem: %s", (unsigned long long)at,
		     strerror(errno));
		return;
	}
	memcpy(g, (uint8_t *)m + (at - base), sizeof(g));
	munmap(m, (size_t)(at - base) + sizeof(g));
	report("vmgenid", "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	       g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12],
	       g[13], g[14], g[15]);
}

/* x86 setup_data as the kernel left it (/sys/kernel/boot_params, ksysfs):
 * "<type>/<bytes>,..." in chain order, "none" without any. The kernel wipes
 * a SETUP_RNG_SEED node's data and sets its len to 0 once it has mixed the
 * seed into its pool (arch/x86/kernel/setup.c), so "0x9/0" shows that the
 * seed the loader passed was taken. */
static void report_setup_data(void)
{
	static const char dir[] = "/sys/kernel/boot_params/setup_data";
	char list[256] = "";
	size_t used = 0;
	for (int i = 0; i < 16; i++) {
		char path[128];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%d/type", dir, i);
		char *type = slurp(path, NULL);
		if (!type)
			break;
		type[strcspn(type, "\n")] = 0;
		snprintf(path, sizeof(path), "%s/%d/data", dir, i);
		long long size = stat(path, &st) ? -1 : (long long)st.st_size;
		int n = snprintf(list + used, sizeof(list) - used, "%s%s/%lld", used ? "," : "",
				 type, size);
		free(type);
		if (n < 0 || (size_t)n >= sizeof(list) - used)
			break;
		used += (size_t)n;
	}
	report("setup-data", "%s", used ? list : "none");
}

/* /proc/iomem lines look like "00100000-bffdffff : System RAM"; nesting is
 * shown by leading spaces. Sum only top-level RAM (children such as
 * "Kernel code" lie inside it). Needs CAP_SYS_ADMIN, else addresses read 0. */
static void report_ram(void)
{
	char *s = slurp("/proc/iomem", NULL);
	unsigned long long total = 0, top = 0;
	int ranges = 0;

	if (!s) {
		fail("read /proc/iomem: %s", strerror(errno));
		return;
	}
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		const char *colon = strstr(line, " : ");
		if (!colon || strcmp(colon + 3, "System RAM") != 0)
			continue;
		char *p = line, *end;
		while (*p == ' ')
			p++;
		unsigned long long lo = strtoull(p, &end, 16);
		if (*end != '-')
			continue;
		unsigned long long hi = strtoull(end + 1, NULL, 16);
		if (hi < lo)
			continue;
		if (p == line) {
			total += hi - lo + 1;
			ranges++;
		}
		if (hi + 1 > top)
			top = hi + 1;
	}
	free(s);
	if (!ranges) {
		fail("no System RAM in /proc/iomem");
		return;
	}
	report("ram-bytes", "%llu", total);
	report("ram-top", "%llu", top);
}

static void report_memtotal(void)
{
	char *s = slurp("/proc/meminfo", NULL);
	char *p = s ? strstr(s, "MemTotal:") : NULL;

	if (!p)
		fail("MemTotal not found in /proc/meminfo");
	else
		report("memtotal-kib", "%llu", strtoull(p + 9, NULL, 10));
	free(s);
}

/* Format is a list like "0-3,5\n". */
static void report_cpus(void)
{
	char *s = slurp("/sys/devices/system/cpu/online", NULL);
	long count = 0;

	if (!s) {
		fail("read /sys/devices/system/cpu/online: %s", strerror(errno));
		return;
	}
	for (char *p = s; *p && *p != '\n';) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (end == p)
			break;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p)
				break;
		}
		count += hi - lo + 1;
		p = end;
		if (*p == ',')
			p++;
	}
	if (count <= 0)
		fail("cannot parse cpu online list \"%s\"", s);
	else
		report("cpus", "%ld", count);
	free(s);
}


/* ------------------------------------------------ firmware duty tests */

/* Whether the kernel command line has `word` as a whole word. */
static int cmdline_has(const char *word)
{
	char *s = slurp("/proc/cmdline", NULL);
	int found = 0;
	size_t n = strlen(word);
	for (char *p = s; p && (p = strstr(p, word)); p += n)
		if ((p == s || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			found = 1;
	free(s);
	return found;
}

static int write_str(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, v, strlen(v));
	close(fd);
	return n == (ssize_t)strlen(v) ? 0 : -1;
}

/* bootshim.test.hotplug=1: take cpu1 offline and online again through
 * the firmware (PSCI CPU_OFF, AFFINITY_INFO, CPU_ON); report the online
 * lists after each step: "hotplug ok <after-off> <after-on>". */
#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"
static void report_hotplug(void)
{
	if (!cmdline_has("bootshim.test.hotplug=1"))
		return;
	if (write_str(CPU1_ONLINE, "0")) {
		fail("hotplug: offline cpu1: %s", strerror(errno));
		return;
	}
	char *off = slurp("/sys/devices/system/cpu/online", NULL);
	if (write_str(CPU1_ONLINE, "1")) {
		fail("hotplug: online cpu1: %s", strerror(errno));
		free(off);
		return;
	}
	char *on = slurp("/sys/devices/system/cpu/online", NULL);
	if (off)
		off[strcspn(off, "\n")] = 0;
	if (on)
		on[strcspn(on, "\n")] = 0;
	report("hotplug", "ok %s %s", off ? off : "?", on ? on : "?");
	free(off);
	free(on);
}

/* bootshim.test.reboot=1: the first boot writes a marker into the second
 * sector of /dev/vda and reboots; the boot after it finds the marker and
 * reports "reboot marker-found". The disk is the one thing the guest
 * writes that a reset keeps. Returns 1 when the machine must reboot now. */
#define REBOOT_MARKER "bootshim reboot test: rebooted once"
#define REBOOT_SECTOR 512
static int reboot_seen; /* reported inside the report */
static int reboot_test(void)
{
	if (!cmdline_has("bootshim.test.reboot=1"))
		return 0;
	char buf[sizeof(REBOOT_MARKER)];
	int fd = open("/dev/vda", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fail("reboot test: open /dev/vda: %s", strerror(errno));
		return 0;
	}
	if (pread(fd, buf, sizeof(buf), REBOOT_SECTOR) != (ssize_t)sizeof(buf)) {
		fail("reboot test: read /dev/vda: %s", strerror(errno));
		close(fd);
		return 0;
	}
	if (!memcmp(buf, REBOOT_MARKER, sizeof(buf))) {
		close(fd);
		reboot_seen = 1;
		return 0;
	}
	int ok = pwrite(fd, REBOOT_MARKER, sizeof(buf), REBOOT_SECTOR) == (ssize_t)sizeof(buf) &&
		 fsync(fd) == 0;
	close(fd);
	if (!ok) {
		fail("reboot test: write /dev/vda: %s", strerror(errno));
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------- TPM */

#define TPM_DIR "/sys/class/tpm/tpm0"
#define PCR_COUNT 24 /* TCG PC Client PFP: PCRs 0-23 */
#define PCR_HEX_MAX (2 * 64) /* the longest bank's digest in hex: SHA-512 */
/* The event log as the kernel got it from the firmware (ACPI TPM2 LASA,
 * the DTB's linux,sml-base, or the EFI stub's copy), through securityfs. */
#define EVENTLOG_PATH "/sys/kernel/security/tpm0/binary_bios_measurements"
/* Bytes per "eventlog-hex-N" line: 2048 hex digits, the size of the
 * longest command line report the console already carries intact. The
 * host checks the reassembled log against eventlog-sha256. */
#define EVENTLOG_CHUNK 1024

/* "tpm <major version>" (or "none"), then for each PCR bank the kernel
 * exposes, "pcr-<bank> <PCR 0> <PCR 1> ... <PCR 23>" in lowercase hex
 * ("pcr-sha256 none" without a TPM or without that bank). */
static void report_tpm(void)
{
	static const char *const banks[] = { "sha1", "sha256", "sha384", "sha512" };

	if (!exists(TPM_DIR)) {
		report("tpm", "none");
		report("pcr-sha256", "none");
		return;
	}
	char *v = slurp(TPM_DIR "/tpm_version_major", NULL);
	if (v)
		v[strcspn(v, "\n")] = 0;
	report("tpm", "%s", v && *v ? v : "unknown");
	free(v);
	for (size_t b = 0; b < sizeof(banks) / sizeof(banks[0]); b++) {
		char dir[64], line[PCR_COUNT * (PCR_HEX_MAX + 1) + 1]; /* values, spaces, NUL */
		size_t used = 0;
		snprintf(dir, sizeof(dir), TPM_DIR "/pcr-%s", banks[b]);
		if (!exists(dir)) {
			if (!strcmp(banks[b], "sha256"))
				report("pcr-sha256", "none");
			continue;
		}
		for (int i = 0; i < PCR_COUNT; i++) {
			char path[96];
			snprintf(path, sizeof(path), "%s/%d", dir, i);
			char *d = slurp(path, NULL);
			if (!d) {
				fail("read %s: %s", path, strerror(errno));
				return;
			}
			d[strcspn(d, "\n")] = 0;
			for (char *c = d; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			int n = snprintf(line + used, sizeof(line) - used, "%s%s", i ? " " : "", d);
			free(d);
			if (n < 0 || (size_t)n >= sizeof(line) - used) {
				fail("%s: PCR values longer than %zu bytes", dir, sizeof(line));
				return;
			}
			used += (size_t)n;
		}
		report(dir + strlen(TPM_DIR "/"), "%s", line);
	}
}

/* "eventlog-bytes N", "eventlog-sha256 H" and the bytes as
 * "eventlog-hex-0", "eventlog-hex-1", ... ; "eventlog-bytes none" when the
 * kernel has no log (no TPM, or no log handed over). */
static void report_eventlog(void)
{
	mkdir_p1("/sys/kernel/security");
	if (mount("securityfs", "/sys/kernel/security", "securityfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 && errno != EBUSY) {
		fail("mount securityfs: %s", strerror(errno));
		return;
	}
	size_t len;
	char *log = slurp(EVENTLOG_PATH, &len);
	if (!log) {
		if (errno != ENOENT)
			fail("read %s: %s", EVENTLOG_PATH, strerror(errno));
		report("eventlog-bytes", "none");
		return;
	}
	struct sha256 ctx;
	char hex[65], chunk[2 * EVENTLOG_CHUNK + 1];
	sha256_init(&ctx);
	sha256_update(&ctx, (const uint8_t *)log, len);
	sha256_final(&ctx, hex);
	report("eventlog-bytes", "%zu", len);
	report("eventlog-sha256", "%s", hex);
	for (size_t at = 0, i = 0; at < len; at += EVENTLOG_CHUNK, i++) {
		size_t n = len - at < EVENTLOG_CHUNK ? len - at : EVENTLOG_CHUNK;
		char key[32];
		for (size_t k = 0; k < n; k++)
			snprintf(chunk + 2 * k, 3, "%02x", (unsigned char)log[at + k]);
		snprintf(key, sizeof(key), "eventlog-hex-%zu", i);
		report(key, "%s", chunk);
	}
	free(log);
}

/* The Boot Loader Interface variables (systemd's vendor GUID) a boot
 * loader sets for the OS, as "efivar-<name> <value>", or "none" when the
 * variable (or efivarfs) is absent. efivarfs files hold the 4-byte
 * attributes, then the data: here a UTF-16LE string, NUL-terminated or not,
 * reported decoded (printable ASCII as is, anything else as \uXXXX). */
#define BLI_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define EFIVAR_ATTR_BYTES 4
static void report_bli(void)
{
	static const char *const names[] = { "LoaderInfo", "LoaderTimeInitUSec",
					     "LoaderTimeExecUSec", "StubPcrKernelImage" };
	for (size_t v = 0; v < sizeof(names) / sizeof(names[0]); v++) {
		char path[160], key[64];
		size_t len;
		snprintf(path, sizeof(path), "/sys/firmware/efi/efivars/%s-" BLI_GUID, names[v]);
		snprintf(key, sizeof(key), "efivar-%s", names[v]);
		char *d = slurp(path, &len);
		if (!d) {
			report(key, "none");
			continue;
		}
		if (len < EFIVAR_ATTR_BYTES || (len - EFIVAR_ATTR_BYTES) % 2) {
			fail("%s: %zu bytes: not attributes and a UTF-16 string", path, len);
			free(d);
			continue;
		}
		char *text = malloc(3 * (len - EFIVAR_ATTR_BYTES) + 1);
		size_t used = 0;
		for (size_t i = EFIVAR_ATTR_BYTES; text && i < len; i += 2) {
			unsigned c = (unsigned char)d[i] | (unsigned char)d[i + 1] << 8;
			if (!c)
				break;
			if (c >= 0x20 && c < 0x7f && c != '\\')
				text[used++] = (char)c;
			else
				used += (size_t)sprintf(text + used, "\\u%04x", c);
		}
		if (text) {
			text[used] = 0;
			report(key, "%s", text);
		} else {
			fail("%s: out of memory", path);
		}
		free(text);
		free(d);
	}
}

/* x86 firmware duties (shim.rom): the MTRRs the kernel found
 * (/proc/mtrr's lines joined by ';', "none" without the file), whether
 * ACPI has an MCFG table (PCIe ECAM), and the DMI (SMBIOS) product name
 * and serial ("none" when absent). */
static void report_firmware_x86(void)
{
	char *m = slurp("/proc/mtrr", NULL);
	if (m) {
		size_t n = strlen(m);
		while (n && m[n - 1] == '\n')
			m[--n] = 0;
		for (char *c = m; *c; c++)
			if (*c == '\n')
				*c = ';';
	}
	report("mtrr", "%s", m && *m ? m : "none");
	free(m);
	report("mcfg", "%d", exists("/sys/firmware/acpi/tables/MCFG"));
	static const char *const dmi[][2] = {
		{ "dmi-product", "/sys/class/dmi/id/product_name" },
		{ "dmi-serial", "/sys/class/dmi/id/product_serial" },
	};
	for (size_t i = 0; i < sizeof(dmi) / sizeof(dmi[0]); i++) {
		char *v = slurp(dmi[i][1], NULL);
		if (v)
			v[strcspn(v, "\n")] = 0;
		report(dmi[i][0], "%s", v && *v ? v : "none");
		free(v);
	}
}

/* Print the demo message, if the initrd carries one. */
static void hello(void)
{
	size_t len;
	char *s = slurp("/data/hello", &len);

	if (!s)
		return;
	if (len && s[len - 1] != '\n')
		s[len++] = '\n'; /* slurp leaves room for the NUL */
	write_all(s, len);
	free(s);
}

int main(void)
{
	/* Errors from here until setup_console() are buffered in early[]. */
	mkdir_p1("/dev");
	if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, NULL) < 0 && errno != EBUSY)
		fail("mount devtmpfs on /dev: %s", strerror(errno));
	setup_console();
	mount_fs("proc", "/proc");
	mount_fs("sysfs", "/sys");

	hello();
	load_modules();

	/* Keep asynchronous kernel messages (e.g. "tsc: Refined TSC
	 * clocksource calibration") from being spliced into report lines:
	 * the 8250 driver prints printk output directly while our tty output
	 * is still queued. Emergency messages still get through. */
	klogctl(6 /* SYSLOG_ACTION_CONSOLE_OFF */, NULL, 0);

	if (reboot_test()) {
		static const char msg[] = "bootshim-guest: rebooting (bootshim.test.reboot=1)\n";
		write_all(msg, sizeof(msg) - 1);
		tcdrain(1);
		sync();
		reboot(RB_AUTOBOOT);
		fail("reboot(RB_AUTOBOOT): %s", strerror(errno));
	}

	marker("begin");
	report_cmdline();
	report_blob();
	report_ram();
	report_memtotal();
	report_cpus();
	report("acpi", "%d", exists("/sys/firmware/acpi/tables"));
	report("efi", "%d", exists("/sys/firmware/efi"));
	report_efivars();
	report_disk();
	report_vmgenid();
	report_setup_data();
	report_tpm();
	report_eventlog();
	report_bli();
	report_hotplug();
	if (reboot_seen)
		report("reboot", "marker-found");
	report_firmware_x86();
	marker("end");

	/* tty writes return once queued; make sure everything left the UART
	 * before the machine disappears. */
	tcdrain(1);
	klogctl(7 /* SYSLOG_ACTION_CONSOLE_ON */, NULL, 0);

	sync();
	reboot(RB_POWER_OFF);
	fail("reboot(RB_POWER_OFF): %s", strerror(errno));
	reboot(RB_HALT_SYSTEM);
	for (;;)
		pause(); /* PID 1 must never exit */
}
