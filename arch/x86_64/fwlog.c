/* The event log of the firmware that ran before shim.elf (SeaBIOS, for
 * QEMU's -kernel), so that the shim's PCR 11 events land in the log the
 * kernel reads and the log still replays to the PCRs. The log is where the
 * ACPI TPM2 table's LASA/LAML say (TCG ACPI Specification 1.3, 8.3); its
 * end is found by walking its events (TCG PC Client Platform Firmware
 * Profile, 10.2.1 and 10.4.5). All of it is untrusted: every pointer,
 * length and count is checked, and a log the shim does not understand is
 * left alone (the PCRs are extended all the same). Pure functions over a
 * struct phys_mem window. */
#include "measure.h"
#include "tpm2.h"
#include "fwlog.h"

struct acpi_rsdp {
	char signature[8];	/* "RSD PTR " */
	uint8_t checksum;	/* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;	/* 2 and later: the fields after rsdt */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;	/* over `length` bytes */
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 6.5, 5.2.5.3");
#define RSDP_V1_LEN 20

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI 6.5, 5.2.6");

/* TPM2 table (TCG ACPI Specification 1.3, table 7): after the header,
 * platform class, control area, start method and its 12 bytes of
 * parameters come LAML (u32) and LASA (u64). */
#define TPM2_LAML 64
#define TPM2_LASA 68
#define TPM2_LEN_WITH_LOG 76
/* Tables an RSDT/XSDT may list before the shim stops looking. */
#define ACPI_MAX_TABLES 256

/* [addr, addr+len) through the window, if one range of the memory map
 * (any type) holds it: a pointer from the tables must not lead the shim
 * into device registers, where a read may have side effects. */
static const void *map_ptr(const struct phys_mem *pm, const struct memmap *m, uint64_t addr,
			   uint64_t len)
{
	for (size_t i = 0; i < m->n && i < MEMMAP_MAX; i++) {
		const struct mem_range *r = &m->e[i];
		if (addr >= r->base && addr - r->base <= r->size && len <= r->size - (addr - r->base))
			return phys_ptr(pm, addr, len);
	}
	return NULL;
}

static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

/* A whole table at addr, checked: inside the window, length, checksum. */
static int acpi_table(const struct phys_mem *pm, const struct memmap *m, uint64_t addr, const char *what,
		      const uint8_t **table, uint32_t *len, struct error *e)
{
	const uint8_t *h = map_ptr(pm, m, addr, sizeof(struct acpi_header));
	if (!h)
		return fail(e, "acpi", "%s at 0x%llx is outside memory", what,
			    (unsigned long long)addr);
	memcpy(len, h + 4, sizeof(*len));
	*table = map_ptr(pm, m, addr, *len);
	if (*len < sizeof(struct acpi_header) || !*table)
		return fail(e, "acpi", "%s at 0x%llx: length %u", what, (unsigned long long)addr,
			    *len);
	if (!checksum_ok(*table, *len))
		return fail(e, "acpi", "%s at 0x%llx: bad checksum", what, (unsigned long long)addr);
	return 0;
}

int fwlog_tpm2_area(const struct phys_mem *pm, const struct memmap *m, uint64_t rsdp_addr, uint64_t *lasa,
		    uint32_t *laml, struct error *e)
{
	*lasa = 0;
	*laml = 0;
	struct acpi_rsdp r = { 0 };
	const uint8_t *p = map_ptr(pm, m, rsdp_addr, RSDP_V1_LEN);
	if (!p)
		return fail(e, "acpi", "RSDP at 0x%llx is outside memory",
			    (unsigned long long)rsdp_addr);
	if (memcmp(p, "RSD PTR ", 8) || !checksum_ok(p, RSDP_V1_LEN))
		return fail(e, "acpi", "no valid RSDP at 0x%llx", (unsigned long long)rsdp_addr);
	memcpy(&r, p, RSDP_V1_LEN);
	/* The XSDT where there is one (ACPI 2.0+), else the RSDT. */
	uint64_t sdt = r.rsdt;
	unsigned entry = 4;
	if (r.revision >= 2 && (p = map_ptr(pm, m, rsdp_addr, sizeof(r)))) {
		memcpy(&r, p, sizeof(r));
		const uint8_t *whole =
			r.length >= sizeof(r) ? map_ptr(pm, m, rsdp_addr, r.length) : NULL;
		if (r.xsdt && whole && checksum_ok(whole, r.length)) {
			sdt = r.xsdt;
			entry = 8;
		}
	}
	const uint8_t *t;
	uint32_t len;
	if (acpi_table(pm, m, sdt, entry == 8 ? "XSDT" : "RSDT", &t, &len, e))
		return -1;
	size_t n = (len - sizeof(struct acpi_header)) / entry;
	if (n > ACPI_MAX_TABLES)
		n = ACPI_MAX_TABLES;
	for (size_t i = 0; i < n; i++) {
		uint64_t a = 0;
		memcpy(&a, t + sizeof(struct acpi_header) + i * entry, entry);
		const char *sig = map_ptr(pm, m, a, 4);
		if (!sig || memcmp(sig, "TPM2", 4))
			continue;
		const uint8_t *tpm2;
		if (acpi_table(pm, m, a, "TPM2 table", &tpm2, &len, e))
			return -1;
		if (len < TPM2_LEN_WITH_LOG)
			return 0; /* a TPM2 table without a log area */
		memcpy(laml, tpm2 + TPM2_LAML, sizeof(*laml));
		memcpy(lasa, tpm2 + TPM2_LASA, sizeof(*lasa));
		return 0;
	}
	return 0;
}

/* TCG_PCClientPCREvent (the log's first event, in the SHA-1 format):
 * pcrIndex, eventType, a 20-byte digest, eventDataSize, then the data. */
#define SPEC_EVENT_TYPE 4
#define SPEC_EVENT_DATA_SIZE 28
#define SPEC_EVENT_HEAD 32
/* TCG_EfiSpecIDEvent: signature[16], platformClass (4), four version
 * bytes, numberOfAlgorithms (4), then {algorithmId, digestSize} each,
 * then vendorInfoSize (1 byte at least). */
#define SPEC_ID_NUM_ALGS 24
#define SPEC_ID_ALGS 28
#define SPEC_ID_ALG_SIZE 4
#define SPEC_ID_SIGNATURE "Spec ID Event03"
#define FWLOG_MAX_ALGS 8
/* TCG_PCR_EVENT2: pcrIndex, eventType, count (of digests), then each
 * digest as an algorithm id (2 bytes) and the digest, then eventSize (4)
 * and the data. */
#define EVENT2_COUNT 8
#define EVENT2_HEAD 12
#define EVENT2_ALG_ID 2
#define EVENT2_SIZE 4

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

int fwlog_end(const uint8_t *log, size_t size, size_t *end, const char **why_not,
	      struct error *e)
{
	struct { uint16_t alg, size; } alg[FWLOG_MAX_ALGS];
	*why_not = NULL;
	if (size < SPEC_EVENT_HEAD || get32(log + SPEC_EVENT_TYPE) != EV_NO_ACTION)
		return fail(e, "event log", "the first event is not EV_NO_ACTION");
	uint32_t dsize = get32(log + SPEC_EVENT_DATA_SIZE);
	if (dsize > size - SPEC_EVENT_HEAD || dsize < SPEC_ID_ALGS + 1)
		return fail(e, "event log", "Spec ID event of %u bytes", dsize);
	const uint8_t *spec = log + SPEC_EVENT_HEAD;
	if (memcmp(spec, SPEC_ID_SIGNATURE, sizeof(SPEC_ID_SIGNATURE)))
		return fail(e, "event log", "not a crypto-agile log (no \"%s\")", SPEC_ID_SIGNATURE);
	uint32_t n = get32(spec + SPEC_ID_NUM_ALGS);
	if (n == 0 || n > FWLOG_MAX_ALGS || (dsize - SPEC_ID_ALGS - 1) / SPEC_ID_ALG_SIZE < n)
		return fail(e, "event log", "Spec ID event: numberOfAlgorithms %u", n);
	bool sha256_only = n == 1;
	for (uint32_t i = 0; i < n; i++) {
		alg[i].alg = get16(spec + SPEC_ID_ALGS + SPEC_ID_ALG_SIZE * i);
		alg[i].size = get16(spec + SPEC_ID_ALGS + SPEC_ID_ALG_SIZE * i + 2);
		if (alg[i].alg == TPM2_ALG_SHA256 && alg[i].size != SHA256_BYTES)
			return fail(e, "event log", "SHA-256 digest size %u", alg[i].size);
		if (alg[i].alg != TPM2_ALG_SHA256)
			sha256_only = false;
	}
	/* The events. The firmware clears the area first: a zero header
	 * where an event would start is the end (Linux's parser stops at
	 * one too). Every event carries a digest of every bank. */
	static const uint8_t zero[EVENT2_HEAD];
	size_t off = SPEC_EVENT_HEAD + dsize;
	for (;;) {
		if (size - off < EVENT2_HEAD || !memcmp(log + off, zero, EVENT2_HEAD))
			break;
		size_t at = off;
		uint32_t count = get32(log + off + EVENT2_COUNT);
		if (count != n)
			return fail(e, "event log", "event at offset %zu: %u digests, not %u", at,
				    count, n);
		off += EVENT2_HEAD;
		for (uint32_t i = 0; i < count; i++) {
			if (size - off < EVENT2_ALG_ID)
				return fail(e, "event log", "event at offset %zu is truncated", at);
			uint16_t id = get16(log + off);
			uint32_t k = 0;
			while (k < n && alg[k].alg != id)
				k++;
			if (k == n)
				return fail(e, "event log", "event at offset %zu: algorithm 0x%x "
					    "is not in the Spec ID event", at, id);
			off += EVENT2_ALG_ID;
			if (size - off < alg[k].size)
				return fail(e, "event log", "event at offset %zu is truncated", at);
			off += alg[k].size;
		}
		if (size - off < EVENT2_SIZE || get32(log + off) > size - off - EVENT2_SIZE)
			return fail(e, "event log", "event at offset %zu is truncated", at);
		off += EVENT2_SIZE + get32(log + off);
	}
	*end = off;
	if (!sha256_only)
		*why_not = "the firmware's event log has digests of banks other than SHA-256, "
			   "which bootshim does not compute";
	return 0;
}
