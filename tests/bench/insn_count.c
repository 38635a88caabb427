/* tests/bench/insn_count.c: a QEMU TCG plugin that counts the guest
 * instructions executed from reset to the first instruction of the kernel
 * image, for `make bench` (tests/bench/count.py runs it, with
 * -icount shift=0 so that the count does not depend on the host's load).
 *
 * Arguments (QEMU: -plugin insn_count.so,out=F,stop=HEX,...):
 *   out=FILE      where to write the result (one line of key=value pairs)
 *   stop=HEX:OFF  the bytes at one of the kernel image's entry points and
 *                 that entry's offset in its 4 KiB page (repeatable): the
 *                 first block that begins with those bytes at such an
 *                 address ends the count, and QEMU with it (a kernel image
 *                 is loaded page-aligned, wherever it goes)
 *   mark=HEX:OFF  the bytes at the shim's entry and its page offset: the
 *                 count when a block beginning with them first runs is
 *                 reported as "mark"
 *   copy=LO-HI    an address range (repeatable; relative to the mark's
 *                 address when there is a mark, as the shim may run
 *                 wherever it was loaded): the shim's copy routines, from
 *                 its ELF symbols; the instructions and blocks executed
 *                 there are counted apart ("copy", "copy_blocks")
 * A block's bytes are compared up to the shorter of the block and the
 * signature, and at least MIN_MATCH bytes (a block of fewer never
 * matches).
 *
 * Debian's QEMU 7.2 loads plugins (-plugin) and exports the plugin API,
 * but ships no qemu-plugin.h: the few functions this file calls are
 * declared below as QEMU 7.2's include/qemu/qemu-plugin.h declares them
 * (API version 1). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- QEMU 7.2's plugin API, version 1 (include/qemu/qemu-plugin.h) ---- */
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
#define QEMU_PLUGIN_VERSION 1
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* not read here */
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
/* ---- end of QEMU's API ---- */

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;
QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
					   char **argv);

#define MAX_STOPS 8
#define MAX_COPY 4
#define PAGE_MASK 0xfffu
#define SIG_MAX 32
/* Under -icount a block ends at every I/O-capable instruction (x86's
 * rdtsc, a segment load): a block may hold a single 4-byte instruction. */
#define MIN_MATCH 4
/* Bytes of a block compared: the first instructions' (a block's first
 * SIG_MAX bytes at most). */
#define BLOCK_BYTES SIG_MAX

struct sig {
	uint8_t b[SIG_MAX];
	size_t n;
	uint64_t page_off;
};

struct range {
	uint64_t lo, hi;
};

static struct sig stops[MAX_STOPS], mark;
static struct range copies[MAX_COPY];
static size_t n_stops, n_copies;
static bool have_mark, marked, done;
static uint64_t mark_vaddr;
static const char *out_path;

/* Counters the translated blocks add to inline (single-threaded: QEMU runs
 * its vCPUs round-robin in one thread under -icount). */
static uint64_t total, copy_insns, copy_blocks;
static uint64_t mark_total;

static int parse_hex(const char *s, struct sig *sig)
{
	const char *colon = strchr(s, ':');
	if (!colon)
		return -1;
	size_t len = (size_t)(colon - s);
	char *end;
	sig->page_off = strtoull(colon + 1, &end, 16);
	if (*end || sig->page_off > PAGE_MASK)
		return -1;
	if (len % 2 || len / 2 > SIG_MAX || len / 2 < MIN_MATCH)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		char byte[3] = { s[2 * i], s[2 * i + 1], 0 }, *end;
		sig->b[i] = (uint8_t)strtoul(byte, &end, 16);
		if (*end)
			return -1;
	}
	sig->n = len / 2;
	return 0;
}

/* The block's first bytes, as QEMU decoded its instructions. */
static size_t block_bytes(struct qemu_plugin_tb *tb, uint8_t *buf)
{
	size_t n = 0, insns = qemu_plugin_tb_n_insns(tb);
	for (size_t i = 0; i < insns && n < BLOCK_BYTES; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		size_t sz = qemu_plugin_insn_size(insn);
		if (sz > BLOCK_BYTES - n)
			sz = BLOCK_BYTES - n;
		memcpy(buf + n, qemu_plugin_insn_data(insn), sz);
		n += sz;
	}
	return n;
}

static bool matches(const struct sig *sig, const uint8_t *buf, size_t n)
{
	size_t len = n < sig->n ? n : sig->n;
	return len >= MIN_MATCH && !memcmp(sig->b, buf, len);
}

static void report(uint64_t at)
{
	FILE *f = fopen(out_path, "w");
	if (!f) {
		perror(out_path);
		_exit(3);
	}
	fprintf(f, "total=%llu mark=%llu copy=%llu copy_blocks=%llu kernel_vaddr=0x%llx "
		"mark_vaddr=0x%llx\n", (unsigned long long)total,
		(unsigned long long)(marked ? mark_total : 0), (unsigned long long)copy_insns,
		(unsigned long long)copy_blocks, (unsigned long long)at,
		(unsigned long long)mark_vaddr);
	fclose(f);
}

/* Runs before the block's own inline add (registered first): "total"
 * counts the instructions before the kernel's first one. */
static void on_stop(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	if (done)
		return;
	done = true;
	report((uint64_t)(uintptr_t)udata);
	/* The count is all this run is for: end QEMU here rather than boot
	 * a kernel under -icount. */
	_exit(0);
}

static void on_mark(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	if (marked)
		return;
	marked = true;
	mark_total = total;
	mark_vaddr = (uint64_t)(uintptr_t)udata;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	uint8_t buf[BLOCK_BYTES];
	size_t n = block_bytes(tb, buf);
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb), insns = qemu_plugin_tb_n_insns(tb);
	for (size_t i = 0; i < n_stops; i++)
		if ((vaddr & PAGE_MASK) == stops[i].page_off && matches(&stops[i], buf, n))
			qemu_plugin_register_vcpu_tb_exec_cb(tb, on_stop, QEMU_PLUGIN_CB_NO_REGS,
							     (void *)(uintptr_t)vaddr);
	if (have_mark && !marked && (vaddr & PAGE_MASK) == mark.page_off && matches(&mark, buf, n))
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_mark, QEMU_PLUGIN_CB_NO_REGS,
						     (void *)(uintptr_t)vaddr);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &total, insns);
	/* The copy routine is known only once the mark has run (its address
	 * is relative to the shim's entry): blocks translated before cannot
	 * be in it, as the shim has not started. */
	for (size_t i = 0; marked && i < n_copies; i++)
		if (vaddr - mark_vaddr >= copies[i].lo && vaddr - mark_vaddr < copies[i].hi) {
			qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
								 &copy_insns, insns);
			qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
								 &copy_blocks, 1);
		}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
					   char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int bad = 0;
		if (!strncmp(a, "out=", 4))
			out_path = a + 4;
		else if (!strncmp(a, "stop=", 5))
			bad = n_stops == MAX_STOPS || parse_hex(a + 5, &stops[n_stops++]);
		else if (!strncmp(a, "mark=", 5))
			bad = parse_hex(a + 5, &mark), have_mark = !bad;
		else if (!strncmp(a, "copy=", 5) && n_copies < MAX_COPY) {
			struct range *r = &copies[n_copies++];
			char *end;
			r->lo = strtoull(a + 5, &end, 0);
			bad = *end != '-';
			if (!bad)
				r->hi = strtoull(end + 1, &end, 0), bad = *end || r->hi <= r->lo;
		} else
			bad = 1;
		if (bad) {
			fprintf(stderr, "insn_count: bad argument '%s' (out=FILE, stop=HEX:PAGEOFF "
				"with %d to %d bytes, mark=HEX:PAGEOFF, copy=LO-HI up to %d times)\n", a,
				MIN_MATCH, SIG_MAX, MAX_COPY);
			return -1;
		}
	}
	if (!out_path || !n_stops) {
		fprintf(stderr, "insn_count: out=FILE and at least one stop=HEX are required\n");
		return -1;
	}
	/* Without a mark the shim is the machine's first code (-bios): its
	 * own part starts at reset and its copy ranges are absolute. */
	marked = !have_mark;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	return 0;
}
