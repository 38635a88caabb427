/* UEFI fault injection: the firmware-facing UEFI code (arch/efi/common.c,
 * arch/efi/stub.c, arch/x86_64/efi.c and the core under them) against a
 * fake system table that fails each essential boot service call in turn.
 * Every failure before ExitBootServices must end in an error status
 * returned to the firmware with nothing left allocated, installed or
 * loaded; every failure after the first ExitBootServices call in a
 * shutdown through ResetSystem, with no boot service but memory allocation
 * used and no return; none in a hand-off. The fake also stands in for the
 * machine-level pieces (arch/x86_64/efi_cpu.c): UART, halt and the jump. */
#include "efi_fake.h"

const char *const fake_call_name[FAKE_CALLS] = {
	"GetMemoryMap", "AllocatePool", "AllocatePages", "InstallMultipleProtocolInterfaces",
	"LoadImage", "HandleProtocol(kernel)", "StartImage", "ExitBootServices",
	"HashLogExtendEvent", "ClearMemoryAttributes", "InstallConfigurationTable",
};

/* ---- the payload */
uint8_t fake_kernel[FAKE_KERNEL_SETUP + FAKE_KERNEL_BODY];
uint8_t fake_initrd[8192];
uint8_t fake_kernel_head_apart[FAKE_KERNEL_SETUP];
const char fake_cmdline[] = "console=ttyS0 from=fake";
/* CMDLINE_ALLOW as arch/efi/allow.S would embed it (allow.h declares it
 * const; the fake writes it per run). */
char cmdline_allow[128];
static bool split_kernel;

void fake_setup_header(uint8_t *b)
{
	memset(b, 0, FAKE_KERNEL_SETUP);
	b[0] = 'M', b[1] = 'Z'; /* the kernel's PE stub header */
	b[0x1f1] = FAKE_KERNEL_SETUP / 512 - 1;	/* setup_sects */
	b[0x1fe] = 0x55, b[0x1ff] = 0xaa;	/* boot_flag */
	b[0x200] = 0xeb, b[0x201] = 0x6a;	/* header ends at 0x26c */
	memcpy(b + 0x202, "HdrS", 4);
	b[0x206] = 0x0f, b[0x207] = 0x02;	/* protocol 2.15 */
	b[0x211] = LOADED_HIGH;
	const uint32_t initrd_max = 0x7fffffff, align = 0x200000, cmdline_size = 2047;
	const uint32_t init_size = 0x400000;
	const uint64_t pref = 0x1000000;
	memcpy(b + 0x22c, &initrd_max, 4);
	memcpy(b + 0x230, &align, 4);
	b[0x234] = 1;				/* relocatable */
	b[0x236] = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
	memcpy(b + 0x238, &cmdline_size, 4);
	memcpy(b + 0x258, &pref, 8);
	memcpy(b + 0x260, &init_size, 4);
}

void payload_get(struct payload *p)
{
	memset(p, 0, sizeof(*p));
	p->kernel_head = (struct blob){ split_kernel ? fake_kernel_head_apart : fake_kernel,
					FAKE_KERNEL_SETUP };
	p->kernel = (struct blob){ fake_kernel + FAKE_KERNEL_SETUP, FAKE_KERNEL_BODY };
	p->initrd = (struct blob){ fake_initrd, sizeof(fake_initrd) };
	p->cmdline = (struct blob){ (const uint8_t *)fake_cmdline, sizeof(fake_cmdline) - 1 };
}

/* ---- the fake firmware's state */
struct fake_pages { EFI_PHYSICAL_ADDRESS base; UINTN pages; };
struct fake_handle {
	bool live;
	size_t n;
	EFI_GUID guid[4];
	void *iface[4];
};
struct fake_image {
	bool live;
	EFI_LOADED_IMAGE li;
};

static struct {
	struct fake_config c;
	struct fake_result *r;
	jmp_buf end;
	UINTN key;
	struct fake_pages pages[32];
	size_t n_pages;
	void *pool[16];
	struct fake_handle handles[4];
	struct fake_image images[2];
	CHAR16 self_options[512];
	bool exited;		/* ExitBootServices succeeded */
	bool claimed;		/* pages were claimed: the event may run */
	uint8_t *ram;
} F;

static EFI_LOADED_IMAGE self_li;
static int shim_image_tag; /* the shim's own image handle */

static void misuse(const char *what)
{
	if (!F.r->misuse)
		snprintf(F.r->misuse_what, sizeof(F.r->misuse_what), "%s", what);
	F.r->misuse = true;
}

/* Boot services other than memory allocation after the first
 * ExitBootServices call: "A UEFI OS loader should not make calls to any
 * boot service function other than Memory Allocation Services". */
static void not_after_exit(const char *what)
{
	if (F.r->ebs_calls)
		misuse(what);
}

static bool inject(enum fake_call call)
{
	F.r->calls++;
	if ((F.c.fail_at && F.r->calls == F.c.fail_at) ||
	    (F.c.fail_also && F.r->calls == F.c.fail_also)) {
		F.r->failed = call;
		return true;
	}
	return false;
}

/* ---- memory: the map is a few fixed descriptors plus the claims, carved
 * out of the free RAM as loader data. */
struct fixed { UINT32 type; EFI_PHYSICAL_ADDRESS base; UINT64 pages; };
static const struct fixed fixed_map[] = {
	{ EfiBootServicesData, 0x0, 0xa0 },
	{ EfiReservedMemoryType, 0xa0000, 0x60 },
	{ EfiLoaderCode, 0x100000, 0x100 },		/* the shim itself */
	{ EfiBootServicesCode, 0x200000, 0x1e00 },
	{ EfiConventionalMemory, FAKE_RAM_BASE, FAKE_RAM_SIZE >> 12 },
	{ EfiACPIReclaimMemory, FAKE_RAM_BASE + FAKE_RAM_SIZE, 0x10 },
	{ EfiRuntimeServicesData, FAKE_RAM_BASE + FAKE_RAM_SIZE + 0x10000, 0x10 },
	{ EfiMemoryMappedIO, 0xfec00000, 0x1 },
};

static size_t put_desc(uint8_t *buf, size_t i, UINT32 type, EFI_PHYSICAL_ADDRESS base,
		       UINT64 pages)
{
	if (buf) {
		EFI_MEMORY_DESCRIPTOR d = { .Type = type, .PhysicalStart = base,
					    .NumberOfPages = pages,
					    .Attribute = EFI_MEMORY_WB };
		memset(buf + i * FAKE_DESC_SIZE, 0xa5, FAKE_DESC_SIZE);
		memcpy(buf + i * FAKE_DESC_SIZE, &d, sizeof(d));
	}
	return i + 1;
}

static size_t build_map(uint8_t *buf)
{
	size_t n = 0;
	for (size_t f = 0; f < ARRAY_SIZE(fixed_map); f++) {
		const struct fixed *x = &fixed_map[f];
		if (x->type != EfiConventionalMemory) {
			n = put_desc(buf, n, x->type, x->base, x->pages);
			continue;
		}
		/* Claims in address order, the free rest around them. */
		EFI_PHYSICAL_ADDRESS at = x->base, end = x->base + (x->pages << 12);
		for (;;) {
			struct fake_pages *next = NULL;
			for (size_t i = 0; i < F.n_pages; i++)
				if (F.pages[i].base >= at && (!next || F.pages[i].base < next->base))
					next = &F.pages[i];
			if (!next)
				break;
			if (next->base > at)
				n = put_desc(buf, n, EfiConventionalMemory, at, (next->base - at) >> 12);
			n = put_desc(buf, n, EfiLoaderData, next->base, next->pages);
			at = next->base + (next->pages << 12);
		}
		if (at < end)
			n = put_desc(buf, n, EfiConventionalMemory, at, (end - at) >> 12);
	}
	/* An event that ran after the claims: runtime data scattered high. */
	if (F.claimed)
		for (size_t i = 0; i < F.c.event_descs; i++)
			n = put_desc(buf, n, EfiRuntimeServicesData, 0x80000000ull + 0x2000 * i, 1);
	return n;
}

static EFI_STATUS EFIAPI fake_get_memory_map(UINTN *size, EFI_MEMORY_DESCRIPTOR *map,
					     UINTN *key, UINTN *desc_size, UINT32 *version)
{
	if (inject(FAKE_GET_MEMORY_MAP))
		return EFI_INVALID_PARAMETER;
	UINTN need = build_map(NULL) * FAKE_DESC_SIZE;
	*desc_size = FAKE_DESC_SIZE;
	*version = EFI_MEMORY_DESCRIPTOR_VERSION;
	if (*size < need || !map) {
		*size = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	*size = need;
	build_map((uint8_t *)map);
	*key = F.key;
	return EFI_SUCCESS;
}

static bool in_free_ram(EFI_PHYSICAL_ADDRESS base, UINTN pages)
{
	uint64_t end = base + ((uint64_t)pages << 12);
	if (base < FAKE_RAM_BASE || end > FAKE_RAM_BASE + FAKE_RAM_SIZE || end <= base)
		return false;
	for (size_t i = 0; i < F.n_pages; i++)
		if (base < F.pages[i].base + (F.pages[i].pages << 12) && F.pages[i].base < end)
			return false;
	return true;
}

static EFI_STATUS EFIAPI fake_allocate_pages(EFI_ALLOCATE_TYPE type, EFI_MEMORY_TYPE mtype,
					     UINTN pages, EFI_PHYSICAL_ADDRESS *addr)
{
	if (inject(FAKE_ALLOCATE_PAGES))
		return EFI_OUT_OF_RESOURCES;
	if (type != AllocateAddress || mtype != EfiLoaderData || !pages ||
	    F.n_pages == ARRAY_SIZE(F.pages))
		return EFI_INVALID_PARAMETER;
	if (!in_free_ram(*addr, pages))
		return EFI_NOT_FOUND;
	F.pages[F.n_pages++] = (struct fake_pages){ *addr, pages };
	F.claimed = true;
	F.key++;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_free_pages(EFI_PHYSICAL_ADDRESS base, UINTN pages)
{
	for (size_t i = 0; i < F.n_pages; i++)
		if (F.pages[i].base == base && F.pages[i].pages == pages) {
			F.pages[i] = F.pages[--F.n_pages];
			F.key++;
			return EFI_SUCCESS;
		}
	return EFI_NOT_FOUND;
}

static EFI_STATUS EFIAPI fake_allocate_pool(EFI_MEMORY_TYPE type, UINTN size, VOID **buf)
{
	(void)type;
	if (inject(FAKE_ALLOCATE_POOL))
		return EFI_OUT_OF_RESOURCES;
	for (size_t i = 0; i < ARRAY_SIZE(F.pool); i++)
		if (!F.pool[i]) {
			F.pool[i] = *buf = malloc(size);
			F.key++;
			return EFI_SUCCESS;
		}
	return EFI_OUT_OF_RESOURCES;
}

static EFI_STATUS EFIAPI fake_free_pool(VOID *buf)
{
	for (size_t i = 0; i < ARRAY_SIZE(F.pool); i++)
		if (buf && F.pool[i] == buf) {
			free(buf);
			F.pool[i] = NULL;
			F.key++;
			return EFI_SUCCESS;
		}
	return EFI_INVALID_PARAMETER;
}

/* ---- protocols and images */
static EFI_STATUS EFIAPI fake_install(EFI_HANDLE *handle, ...)
{
	not_after_exit("InstallMultipleProtocolInterfaces");
	if (inject(FAKE_INSTALL_PROTOCOLS))
		return EFI_OUT_OF_RESOURCES;
	struct fake_handle *h = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(F.handles) && !h; i++)
		if (!F.handles[i].live)
			h = &F.handles[i];
	if (!h || *handle)
		return EFI_INVALID_PARAMETER;
	memset(h, 0, sizeof(*h));
	__builtin_ms_va_list ap;
	__builtin_ms_va_start(ap, handle);
	for (;;) {
		EFI_GUID *g = __builtin_va_arg(ap, EFI_GUID *);
		if (!g)
			break;
		void *iface = __builtin_va_arg(ap, void *);
		if (h->n == ARRAY_SIZE(h->guid)) {
			__builtin_ms_va_end(ap);
			return EFI_INVALID_PARAMETER;
		}
		h->guid[h->n] = *g;
		h->iface[h->n++] = iface;
	}
	__builtin_ms_va_end(ap);
	h->live = true;
	*handle = h;
	F.key++;
	return EFI_SUCCESS;
}

/* All the (guid, interface) pairs given must be those installed. */
static EFI_STATUS EFIAPI fake_uninstall(EFI_HANDLE handle, ...)
{
	not_after_exit("UninstallMultipleProtocolInterfaces");
	struct fake_handle *h = handle;
	if (!h || h < F.handles || h >= F.handles + ARRAY_SIZE(F.handles) || !h->live)
		return EFI_INVALID_PARAMETER;
	__builtin_ms_va_list ap;
	__builtin_ms_va_start(ap, handle);
	size_t n = 0;
	EFI_STATUS st = EFI_SUCCESS;
	for (;; n++) {
		EFI_GUID *g = __builtin_va_arg(ap, EFI_GUID *);
		if (!g)
			break;
		void *iface = __builtin_va_arg(ap, void *);
		if (n >= h->n || memcmp(g, &h->guid[n], sizeof(*g)) || iface != h->iface[n])
			st = EFI_INVALID_PARAMETER;
	}
	__builtin_ms_va_end(ap);
	if (st == EFI_SUCCESS && n != h->n)
		st = EFI_INVALID_PARAMETER;
	if (st == EFI_SUCCESS) {
		h->live = false;
		F.key++;
	}
	return st;
}

static struct fake_image *image_of(EFI_HANDLE handle)
{
	struct fake_image *im = handle;
	if (im >= F.images && im < F.images + ARRAY_SIZE(F.images) && im->live)
		return im;
	return NULL;
}

static EFI_STATUS EFIAPI fake_load_image(BOOLEAN boot_policy, EFI_HANDLE parent,
					 EFI_DEVICE_PATH *path, VOID *src, UINTN size,
					 EFI_HANDLE *image)
{
	(void)boot_policy, (void)path;
	not_after_exit("LoadImage");
	if (inject(FAKE_LOAD_IMAGE))
		return EFI_LOAD_ERROR;
	if (parent != &shim_image_tag || !src || size < 2 || memcmp(src, "MZ", 2))
		return EFI_LOAD_ERROR;
	for (size_t i = 0; i < ARRAY_SIZE(F.images); i++)
		if (!F.images[i].live) {
			memset(&F.images[i], 0, sizeof(F.images[i]));
			F.images[i].live = true;
			*image = &F.images[i];
			F.key++;
			/* "Image was loaded and an ImageHandle was created with a
			 * valid EFI_LOADED_IMAGE_PROTOCOL, but the image can not
			 * be started right now" (Secure Boot). */
			return F.c.load_violation ? EFI_SECURITY_VIOLATION : EFI_SUCCESS;
		}
	return EFI_OUT_OF_RESOURCES;
}

static EFI_STATUS EFIAPI fake_unload_image(EFI_HANDLE image)
{
	not_after_exit("UnloadImage");
	struct fake_image *im = image_of(image);
	if (!im)
		return EFI_INVALID_PARAMETER;
	im->live = false;
	F.key++;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_handle_protocol(EFI_HANDLE handle, EFI_GUID *guid, VOID **iface)
{
	not_after_exit("HandleProtocol");
	EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
	if (memcmp(guid, &li_guid, sizeof(li_guid)))
		return EFI_UNSUPPORTED;
	if (handle == &shim_image_tag) {
		if (F.c.optional_fail)
			return EFI_UNSUPPORTED;
		*iface = &self_li;
		return EFI_SUCCESS;
	}
	if (inject(FAKE_HANDLE_PROTOCOL_KERNEL))
		return EFI_UNSUPPORTED;
	struct fake_image *im = image_of(handle);
	if (!im)
		return EFI_INVALID_PARAMETER;
	*iface = &im->li;
	return EFI_SUCCESS;
}

/* What the kernel's EFI stub would find: its load options and the initrd
 * through LoadFile2 on the initrd media device path. */
static void check_stub_handoff(struct fake_image *im)
{
	char opts[256] = { 0 };
	const CHAR16 *w = im->li.LoadOptions;
	assert_non_null(w);
	for (size_t i = 0; i + 1 < sizeof(opts) && w[i]; i++)
		opts[i] = (char)w[i];
	const char *want = F.c.stub_cmdline ? F.c.stub_cmdline : fake_cmdline;
	assert_string_equal(opts, want);
	assert_int_equal(im->li.LoadOptionsSize, (strlen(want) + 1) * 2);
	struct fake_handle *h = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(F.handles); i++)
		if (F.handles[i].live)
			h = &F.handles[i];
	assert_non_null(h);
	assert_int_equal(h->n, 2);
	EFI_LOAD_FILE_PROTOCOL *lf2 = h->iface[1];
	UINTN size = 0;
	assert_int_equal(lf2->LoadFile(lf2, h->iface[0], FALSE, &size, NULL), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, sizeof(fake_initrd));
	uint8_t *buf = malloc(size);
	assert_non_null(buf);
	assert_int_equal(lf2->LoadFile(lf2, h->iface[0], FALSE, &size, buf), EFI_SUCCESS);
	assert_memory_equal(buf, fake_initrd, sizeof(fake_initrd));
	free(buf);
}

static EFI_STATUS EFIAPI fake_start_image(EFI_HANDLE image, UINTN *exit_size, CHAR16 **exit_data)
{
	(void)exit_size, (void)exit_data;
	not_after_exit("StartImage");
	struct fake_image *im = image_of(image);
	if (!im)
		return EFI_INVALID_PARAMETER;
	if (inject(FAKE_START_IMAGE)) {
		/* The kernel's stub ran and returned an error; EDK2 then unloads
		 * an application itself. */
		if (F.c.start_unloads)
			im->live = false;
		return EFI_LOAD_ERROR;
	}
	check_stub_handoff(im);
	F.r->end = FAKE_HANDOFF;
	longjmp(F.end, 1);
}

static EFI_STATUS EFIAPI fake_exit_boot_services(EFI_HANDLE image, UINTN key)
{
	F.r->ebs_calls++;
	if (image != &shim_image_tag)
		return EFI_INVALID_PARAMETER;
	if (F.c.ebs_always_stale || inject(FAKE_EXIT_BOOT_SERVICES)) {
		if (F.c.ebs_status)
			return F.c.ebs_status;
		F.key++; /* an event changed the map since GetMemoryMap */
		return EFI_INVALID_PARAMETER;
	}
	if (key != F.key)
		return EFI_INVALID_PARAMETER;
	F.exited = true;
	return EFI_SUCCESS;
}

/* ---- optional services: GOP, EFI_RNG, variables */
static UINT8 rng_byte;
static EFI_STATUS EFIAPI fake_get_rng(EFI_RNG_PROTOCOL *this, EFI_RNG_ALGORITHM *alg, UINTN len,
				      UINT8 *out)
{
	(void)this, (void)alg;
	for (UINTN i = 0; i < len; i++)
		out[i] = rng_byte++;
	return EFI_SUCCESS;
}
static EFI_RNG_PROTOCOL fake_rng = { NULL, fake_get_rng };
static EFI_GRAPHICS_OUTPUT_MODE_INFORMATION gop_info = {
	.HorizontalResolution = 800, .VerticalResolution = 600,
	.PixelFormat = PixelBlueGreenRedReserved8BitPerColor, .PixelsPerScanLine = 800,
};
static EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE gop_mode = {
	.Info = &gop_info, .FrameBufferBase = 0x80000000, .FrameBufferSize = 800 * 600 * 4,
};
static EFI_GRAPHICS_OUTPUT_PROTOCOL fake_gop = { .Mode = &gop_mode };

/* ---- EFI_TCG2_PROTOCOL and EFI_MEMORY_ATTRIBUTE_PROTOCOL */
uint64_t fake_fnv(const void *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const uint8_t *)p)[i]) * 0x100000001b3ull;
	return h;
}

static bool is_pool(const void *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(F.pool); i++)
		if (p && F.pool[i] == p)
			return true;
	return false;
}

static EFI_STATUS EFIAPI fake_tcg2_get_capability(EFI_TCG2_PROTOCOL *this,
						  EFI_TCG2_BOOT_SERVICE_CAPABILITY *cap)
{
	(void)this;
	not_after_exit("GetCapability");
	if (cap->Size < sizeof(*cap))
		return EFI_BUFFER_TOO_SMALL;
	memset(cap, 0, sizeof(*cap));
	cap->Size = sizeof(*cap);
	cap->StructureVersion = (EFI_TCG2_VERSION){ 1, 1 };
	cap->HashAlgorithmBitmap = 0x1f;
	cap->TPMPresentFlag = F.c.tcg2 == FAKE_TCG2_TPM;
	cap->ActivePcrBanks = F.c.tcg2_banks ? F.c.tcg2_banks : EFI_TCG2_BOOT_HASH_ALG_SHA256;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_tcg2_extend(EFI_TCG2_PROTOCOL *this, UINT64 flags,
					  EFI_PHYSICAL_ADDRESS data, UINT64 len, EFI_TCG2_EVENT *ev)
{
	(void)this;
	not_after_exit("HashLogExtendEvent");
	if (inject(FAKE_HASH_LOG_EXTEND))
		return EFI_DEVICE_ERROR;
	/* What the specification requires of the caller (6.6.5). */
	assert_int_equal(flags, 0);
	assert_int_equal(ev->Header.HeaderSize, sizeof(EFI_TCG2_EVENT_HEADER));
	assert_int_equal(ev->Header.HeaderVersion, EFI_TCG2_EVENT_HEADER_VERSION);
	assert_true(ev->Size >= sizeof(EFI_TCG2_EVENT));
	size_t dlen = ev->Size - sizeof(EFI_TCG2_EVENT);
	assert_true(F.r->n_ev < ARRAY_SIZE(F.r->ev) && dlen < sizeof(F.r->ev[0].desc));
	struct fake_event *e = &F.r->ev[F.r->n_ev++];
	e->pcr = ev->Header.PCRIndex;
	e->type = ev->Header.EventType;
	memcpy(e->desc, ev->Event, dlen);
	e->desc[dlen] = 0;
	e->len = len;
	e->fnv = fake_fnv((const void *)(uintptr_t)data, len, FAKE_FNV_INIT);
	e->pool = is_pool((const void *)(uintptr_t)data);
	return EFI_SUCCESS;
}

/* A spec ID event (TCG_PCClientPCREvent, 32 bytes of header and a
 * 37-byte body), then two TCG_PCR_EVENT2 of one SHA-256 digest each with
 * 5 and 3 bytes of data. */
#define SPEC_ID_BYTES (32 + 37)
#define EVENT2_BYTES(data) (8 + 4 + 2 + 32 + 4 + (data))
uint8_t fake_event_log[SPEC_ID_BYTES + EVENT2_BYTES(5) + EVENT2_BYTES(3)];
const size_t fake_event_log_size = sizeof(fake_event_log);
const size_t fake_event_log_last = SPEC_ID_BYTES + EVENT2_BYTES(5);

static size_t put_event2(uint8_t *p, uint32_t pcr, const char *data)
{
	uint32_t n = (uint32_t)strlen(data), one = 1, type = 0xd; /* EV_IPL */
	uint16_t sha256 = 0x000b;
	memcpy(p, &pcr, 4), memcpy(p + 4, &type, 4), memcpy(p + 8, &one, 4);
	memcpy(p + 12, &sha256, 2);
	memset(p + 14, 0x5a, 32);
	memcpy(p + 46, &n, 4);
	memcpy(p + 50, data, n);
	return 50 + n;
}

static void fake_event_log_fill(void)
{
	memset(fake_event_log, 0, SPEC_ID_BYTES);
	uint32_t body = 37;
	memcpy(fake_event_log + 28, &body, 4);
	memcpy(fake_event_log + 32, "Spec ID Event03", 16);
	size_t at = SPEC_ID_BYTES;
	at += put_event2(fake_event_log + at, 0, "first");
	put_event2(fake_event_log + at, 11, "two");
	if (F.c.log_bad_last) {
		uint16_t unknown = 0x0099;
		memcpy(fake_event_log + at + 12, &unknown, 2);
	}
}

static EFI_STATUS EFIAPI fake_tcg2_get_event_log(EFI_TCG2_PROTOCOL *this,
						 EFI_TCG2_EVENT_LOG_FORMAT format,
						 EFI_PHYSICAL_ADDRESS *first, EFI_PHYSICAL_ADDRESS *last,
						 BOOLEAN *truncated)
{
	(void)this;
	not_after_exit("GetEventLog");
	if (format != EFI_TCG2_EVENT_LOG_FORMAT_TCG_2)
		return EFI_INVALID_PARAMETER;
	fake_event_log_fill();
	*first = (uintptr_t)fake_event_log;
	*last = (uintptr_t)fake_event_log + fake_event_log_last;
	*truncated = FALSE;
	return EFI_SUCCESS;
}

static EFI_TCG2_PROTOCOL fake_tcg2 = {
	.GetCapability = fake_tcg2_get_capability,
	.GetEventLog = fake_tcg2_get_event_log,
	.HashLogExtendEvent = fake_tcg2_extend,
};

/* Configuration tables: the fixed ones, then what the shim installs. */
static EFI_STATUS EFIAPI fake_install_config_table(EFI_GUID *guid, VOID *table)
{
	not_after_exit("InstallConfigurationTable");
	EFI_GUID log = LINUX_EFI_TPM_EVENT_LOG_GUID;
	if (memcmp(guid, &log, sizeof(log)))
		return EFI_INVALID_PARAMETER;
	if (!table) {
		if (!F.r->tpm_log)
			return EFI_NOT_FOUND;
		F.r->tpm_log = NULL;
		F.r->tables_held--;
		return EFI_SUCCESS;
	}
	if (inject(FAKE_INSTALL_CONFIG_TABLE))
		return EFI_OUT_OF_RESOURCES;
	if (!F.r->tpm_log)
		F.r->tables_held++;
	F.r->tpm_log = table;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_clear_attributes(struct efi_memory_attribute_protocol *this,
					       EFI_PHYSICAL_ADDRESS base, UINT64 len, UINT64 attr)
{
	(void)this;
	not_after_exit("ClearMemoryAttributes");
	if (inject(FAKE_CLEAR_MEMORY_ATTRIBUTES))
		return EFI_UNSUPPORTED;
	/* "BaseAddress and Length must be aligned on EFI_PAGE_SIZE" (37.7). */
	if ((base | len) & 0xfff || !len)
		return EFI_INVALID_PARAMETER;
	assert_true(F.r->n_clear < ARRAY_SIZE(F.r->clear));
	F.r->clear[F.r->n_clear++] = (struct fake_memattr_call){ base, len, attr };
	return EFI_SUCCESS;
}

static struct efi_memory_attribute_protocol fake_memattr = {
	.ClearMemoryAttributes = fake_clear_attributes,
};

static EFI_STATUS EFIAPI fake_locate_protocol(EFI_GUID *guid, VOID *reg, VOID **iface)
{
	(void)reg;
	not_after_exit("LocateProtocol");
	EFI_GUID rng = EFI_RNG_PROTOCOL_GUID, gop = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	EFI_GUID tcg2 = EFI_TCG2_PROTOCOL_GUID, memattr = EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID;
	if (!memcmp(guid, &tcg2, sizeof(tcg2)) && F.c.tcg2 != FAKE_TCG2_NONE)
		*iface = &fake_tcg2;
	else if (!memcmp(guid, &memattr, sizeof(memattr)) && F.c.memattr)
		*iface = &fake_memattr;
	else if (F.c.optional_fail)
		return EFI_NOT_FOUND;
	else if (!memcmp(guid, &rng, sizeof(rng)))
		*iface = &fake_rng;
	else if (!memcmp(guid, &gop, sizeof(gop)))
		*iface = &fake_gop;
	else
		return EFI_NOT_FOUND;
	return EFI_SUCCESS;
}

/* ---- variables: a store, with SecureBoot and SetupMode preset */
static void ascii_name(const CHAR16 *w, char *out, size_t n)
{
	size_t i = 0;
	for (; w[i] && i + 1 < n; i++)
		out[i] = (char)w[i];
	out[i] = 0;
}

const struct fake_var *fake_var_find(const struct fake_result *r, const char *name,
				     const EFI_GUID *guid)
{
	for (size_t i = 0; i < r->n_var; i++)
		if (!strcmp(r->var[i].name, name) && !memcmp(&r->var[i].guid, guid, sizeof(*guid)))
			return &r->var[i];
	return NULL;
}

static void var_put(const char *name, const EFI_GUID *guid, UINT32 attr, const void *data,
		    UINTN size)
{
	struct fake_var *v = (struct fake_var *)fake_var_find(F.r, name, guid);
	if (!v) {
		assert_true(F.r->n_var < ARRAY_SIZE(F.r->var));
		v = &F.r->var[F.r->n_var++];
	}
	assert_true(size <= sizeof(v->data));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->guid = *guid;
	v->attr = attr;
	v->size = size;
	memcpy(v->data, data, size);
}

static EFI_STATUS EFIAPI fake_get_variable(CHAR16 *name, EFI_GUID *guid, UINT32 *attr,
					   UINTN *size, VOID *data)
{
	not_after_exit("GetVariable");
	if (F.c.optional_fail)
		return EFI_NOT_FOUND;
	char a[32];
	ascii_name(name, a, sizeof(a));
	const struct fake_var *v = fake_var_find(F.r, a, guid);
	if (!v)
		return EFI_NOT_FOUND;
	if (attr)
		*attr = v->attr;
	if (*size < v->size || !data) {
		*size = v->size;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(data, v->data, v->size);
	*size = v->size;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_set_variable(CHAR16 *name, EFI_GUID *guid, UINT32 attr,
					   UINTN size, VOID *data)
{
	not_after_exit("SetVariable");
	if (F.c.optional_fail)
		return EFI_WRITE_PROTECTED;
	char a[32];
	ascii_name(name, a, sizeof(a));
	if (!size) {
		/* "If ... DataSize is zero, then the variable is deleted." */
		struct fake_var *v = (struct fake_var *)fake_var_find(F.r, a, guid);
		if (!v)
			return EFI_NOT_FOUND;
		*v = F.r->var[--F.r->n_var];
		return EFI_SUCCESS;
	}
	var_put(a, guid, attr, data, size);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_reset_system(EFI_RESET_TYPE type, EFI_STATUS status, UINTN size,
					   CHAR16 *data)
{
	(void)status, (void)size, (void)data;
	F.r->reset_type = type;
	F.r->end = FAKE_RESET;
	longjmp(F.end, 1);
}

static EFI_STATUS EFIAPI fake_output_string(SIMPLE_TEXT_OUTPUT_INTERFACE *this, CHAR16 *s)
{
	(void)this;
	not_after_exit("ConOut");
	size_t n = strlen(F.r->con);
	for (; *s && n + 1 < sizeof(F.r->con); s++)
		if (*s != '\r')
			F.r->con[n++] = (char)*s;
	F.r->con[n] = 0;
	return EFI_SUCCESS;
}

static SIMPLE_TEXT_OUTPUT_INTERFACE con_out = { .OutputString = fake_output_string };
static EFI_BOOT_SERVICES boot_services = {
	.AllocatePages = fake_allocate_pages,
	.FreePages = fake_free_pages,
	.GetMemoryMap = fake_get_memory_map,
	.AllocatePool = fake_allocate_pool,
	.FreePool = fake_free_pool,
	.HandleProtocol = fake_handle_protocol,
	.LoadImage = fake_load_image,
	.StartImage = fake_start_image,
	.UnloadImage = fake_unload_image,
	.ExitBootServices = fake_exit_boot_services,
	.LocateProtocol = fake_locate_protocol,
	.InstallMultipleProtocolInterfaces = fake_install,
	.InstallConfigurationTable = fake_install_config_table,
	.UninstallMultipleProtocolInterfaces = fake_uninstall,
};
static EFI_RUNTIME_SERVICES runtime_services = {
	.GetVariable = fake_get_variable,
	.SetVariable = fake_set_variable,
	.ResetSystem = fake_reset_system,
};
static uint8_t rsdp[36] = "RSD PTR ";
static EFI_CONFIGURATION_TABLE config_tables[] = {
	{ ACPI_20_TABLE_GUID, rsdp },
};
static EFI_SYSTEM_TABLE system_table = {
	.ConOut = &con_out,
	.RuntimeServices = &runtime_services,
	.BootServices = &boot_services,
	.NumberOfTableEntries = 1,
	.ConfigurationTable = config_tables,
};

/* ---- what gnu-efi's libefi would provide */
EFI_SYSTEM_TABLE *ST;
EFI_BOOT_SERVICES *BS;
EFI_RUNTIME_SERVICES *RT;
EFI_GUID gEfiLoadedImageProtocolGuid = LOADED_IMAGE_PROTOCOL;
EFI_GUID gEfiDevicePathProtocolGuid = DEVICE_PATH_PROTOCOL;
EFI_GUID gEfiGlobalVariableGuid = EFI_GLOBAL_VARIABLE;
EFI_GUID gEfiGraphicsOutputProtocolGuid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;

INTN CompareGuid(EFI_GUID *a, EFI_GUID *b)
{
	return memcmp(a, b, sizeof(*a)) != 0;
}

/* ---- the machine-level pieces (arch/x86_64/efi_cpu.c on the machine) */
static uint64_t ticks;
uint64_t arch_ticks(void) { return ticks += 1000; }
uint64_t arch_ticks_hz(void) { return 1000000000; }

void efi_uart_init(void)
{
	if (!F.r->ebs_calls)
		misuse("the UART before ExitBootServices");
}

bool efi_uart_early(void)
{
	return F.c.early_uart;
}

void efi_uart_putc(char c)
{
	size_t n = strlen(F.r->uart);
	if (c != '\r' && n + 1 < sizeof(F.r->uart))
		F.r->uart[n] = c, F.r->uart[n + 1] = 0;
}

/* The CPU's generator (arch/x86_64/entropy.c): none here, so that a
 * firmware without EFI_RNG leaves the kernel without a seed. */
size_t x86_64_entropy(uint8_t *seed, size_t size)
{
	(void)seed, (void)size;
	return 0;
}

/* The PIT window of the TSC's frequency (arch/x86_64/cpu.c): the fake's
 * arch_ticks_hz needs none. */
void x86_64_tsc_ref_start(void)
{
}

void efi_halt(void)
{
	F.r->end = FAKE_HALTED;
	longjmp(F.end, 1);
}

static struct handoff handoff_seen;
void arch_enter_kernel(const struct handoff *h)
{
	if (!F.exited)
		misuse("the jump before ExitBootServices succeeded");
	handoff_seen = *h;
	F.r->h = &handoff_seen;
	F.r->end = FAKE_HANDOFF;
	longjmp(F.end, 1);
}

/* ---- one boot */
/* The direct hand-off as arch/efi/direct.c has it: that file is not linked
 * here, as it and arch/efi/stub.c both define efi_main. */
static const struct efi_handoff direct_handoff = {
	.name = "UEFI (direct hand-off)",
	.boot = bootshim_main,
};

void fake_boot(const struct fake_config *c, struct fake_result *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(F.pool); i++)
		free(F.pool[i]);
	if (!F.ram) {
		F.ram = mmap((void *)FAKE_RAM_BASE, FAKE_RAM_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		assert_true(F.ram == (void *)FAKE_RAM_BASE);
	}
	void *ram = F.ram;
	memset(&F, 0, sizeof(F));
	F.ram = ram;
	F.c = *c;
	F.r = r;
	F.key = 0x1000;
	memset(r, 0, sizeof(*r));
	memset(&self_li, 0, sizeof(self_li));
	if (c->load_options) {
		size_t n = strlen(c->load_options);
		assert_true(n < ARRAY_SIZE(F.self_options));
		for (size_t i = 0; i <= n; i++)
			F.self_options[i] = (CHAR16)c->load_options[i];
		self_li.LoadOptions = F.self_options;
		self_li.LoadOptionsSize = (UINT32)((n + 1) * sizeof(CHAR16));
	}
	snprintf(cmdline_allow, sizeof(cmdline_allow), "%s", c->allow ? c->allow : "");
	split_kernel = c->split_kernel;
	{
		EFI_GUID global = EFI_GLOBAL_VARIABLE, loader = EFI_BLI_LOADER_GUID;
		const UINT32 bs_rt = EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS;
		UINT8 sb = c->secure_boot, setup = 0;
		var_put("SecureBoot", &global, bs_rt, &sb, 1);
		var_put("SetupMode", &global, bs_rt, &setup, 1);
		if (c->loader_info_set)
			var_put("LoaderInfo", &loader, bs_rt, L"systemd-boot 252", 34);
	}
	fake_setup_header(fake_kernel);
	for (size_t i = 0; i < FAKE_KERNEL_BODY; i++)
		fake_kernel[FAKE_KERNEL_SETUP + i] = (uint8_t)(i * 7 + 1);
	memcpy(fake_kernel_head_apart, fake_kernel, FAKE_KERNEL_SETUP);
	for (size_t i = 0; i < sizeof(fake_initrd); i++)
		fake_initrd[i] = (uint8_t)(i * 13 + 5);
	rng_byte = 0;
	if (!setjmp(F.end)) {
		r->status = efi_run(&shim_image_tag, &system_table,
				    c->stub ? &efi_handoff_stub : &direct_handoff);
		r->end = FAKE_RETURNED;
	}
	for (size_t i = 0; i < F.n_pages; i++)
		r->pages_held += F.pages[i].pages;
	for (size_t i = 0; i < ARRAY_SIZE(F.pool); i++)
		r->pools_held += F.pool[i] != NULL;
	for (size_t i = 0; i < ARRAY_SIZE(F.handles); i++)
		r->handles_held += F.handles[i].live;
	for (size_t i = 0; i < ARRAY_SIZE(F.images); i++)
		r->images_held += F.images[i].live;
}

/* ---- the tests */
static const char *end_name(enum fake_end e)
{
	static const char *const n[] = { "returned", "hand-off", "reset", "halted" };
	return n[e];
}

/* A failure before ExitBootServices: an error status, one error line and
 * the line saying so, everything given back. */
static void expect_returned(const struct fake_result *r, const char *what)
{
	if (r->end != FAKE_RETURNED)
		fail_msg("%s: ended in %s, expected an error returned to the firmware\n%s", what,
			 end_name(r->end), r->con);
	assert_int_equal(r->status, EFI_LOAD_ERROR);
	if (!strstr(r->con, "bootshim: error: ") ||
	    !strstr(r->con, "bootshim: returning an error to the firmware\n"))
		fail_msg("%s: console lacks the error or the return line:\n%s", what, r->con);
	if (r->pages_held || r->pools_held || r->handles_held || r->images_held)
		fail_msg("%s: left %zu pages, %zu pool buffers, %zu protocol handles, %zu images\n%s",
			 what, r->pages_held, r->pools_held, r->handles_held, r->images_held,
			 r->con);
	assert_int_equal(r->ebs_calls, 0);
	assert_false(r->misuse);
}

/* A failure after the first ExitBootServices call: a shutdown, the error
 * on the UART, nothing but memory services used after that call. */
static void expect_shutdown(const struct fake_result *r, const char *what)
{
	if (r->end != FAKE_RESET)
		fail_msg("%s: ended in %s, expected ResetSystem\n%s", what, end_name(r->end),
			 r->con);
	assert_int_equal(r->reset_type, EfiResetShutdown);
	if (!strstr(r->uart, "bootshim: error: ") ||
	    !strstr(r->uart, "bootshim: stopping the machine"))
		fail_msg("%s: UART lacks the error or the stop line:\n%s", what, r->uart);
	if (r->misuse)
		fail_msg("%s: %s used after ExitBootServices", what, r->misuse_what);
	assert_non_null(strstr(r->con, "entry-to-jump"));
	assert_null(strstr(r->con, "returning an error"));
}

static void expect_handoff(const struct fake_result *r, const char *what)
{
	if (r->end != FAKE_HANDOFF)
		fail_msg("%s: ended in %s, expected the hand-off\n%s%s", what, end_name(r->end),
			 r->con, r->uart);
	if (r->misuse)
		fail_msg("%s: %s", what, r->misuse_what);
}

/* Count the injectable calls of a good boot, then fail each in turn. */
static void fail_each_call(bool stub)
{
	struct fake_config c = { .stub = stub };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "no fault");
	const int total = r.calls;
	assert_true(total >= (stub ? 6 : 6));
	int seen[FAKE_CALLS] = { 0 };
	for (c.fail_at = 1; c.fail_at <= total; c.fail_at++) {
		fake_boot(&c, &r);
		char what[96];
		snprintf(what, sizeof(what), "%s hand-off, call %d (%s) failing", stub ? "stub" : "direct",
			 c.fail_at, fake_call_name[r.failed]);
		assert_true(r.calls >= c.fail_at);
		seen[r.failed]++;
		if (r.failed == FAKE_EXIT_BOOT_SERVICES) {
			/* A changed map key once: read the map again, leave. */
			expect_handoff(&r, what);
			assert_int_equal(r.ebs_calls, 2);
		} else {
			expect_returned(&r, what);
		}
	}
	/* Each hand-off's essential services were all among the failures. */
	const enum fake_call direct[] = { FAKE_GET_MEMORY_MAP, FAKE_ALLOCATE_POOL,
					  FAKE_ALLOCATE_PAGES, FAKE_EXIT_BOOT_SERVICES };
	const enum fake_call stubs[] = { FAKE_GET_MEMORY_MAP, FAKE_ALLOCATE_POOL,
					 FAKE_INSTALL_PROTOCOLS, FAKE_LOAD_IMAGE,
					 FAKE_HANDLE_PROTOCOL_KERNEL, FAKE_START_IMAGE };
	const enum fake_call *want = stub ? stubs : direct;
	size_t n = stub ? ARRAY_SIZE(stubs) : ARRAY_SIZE(direct);
	for (size_t i = 0; i < n; i++)
		if (!seen[want[i]])
			fail_msg("%s was never failed", fake_call_name[want[i]]);
}

static void test_efi_direct_each_call_fails(void **state)
{
	(void)state;
	fail_each_call(false);
}

static void test_efi_stub_each_call_fails(void **state)
{
	(void)state;
	fail_each_call(true);
}

/* The good direct boot: the claims stay, the zero page describes the
 * final map, the pool buffer holds it, the seed came from EFI_RNG. */
static void test_efi_direct_handoff(void **state)
{
	(void)state;
	struct fake_config c = { 0 };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "direct");
	assert_non_null(r.h);
	assert_true(r.pages_held > 0);
	assert_int_equal(r.pools_held, 1);
	const uint8_t *zp = (const uint8_t *)(uintptr_t)r.h->arg;
	uint64_t kernel = r.h->entry - X86_64BIT_ENTRY_OFFSET;
	assert_true(kernel >= FAKE_RAM_BASE && kernel + FAKE_KERNEL_BODY <= FAKE_RAM_BASE + FAKE_RAM_SIZE);
	assert_memory_equal((const void *)(uintptr_t)kernel, fake_kernel + FAKE_KERNEL_SETUP,
			    FAKE_KERNEL_BODY);
	struct boot_params bp;
	memcpy(&bp, zp, sizeof(bp));
	assert_int_equal(bp.efi_info.efi_loader_signature, EFI64_LOADER_SIGNATURE);
	assert_int_equal(bp.efi_info.efi_systab, (uint32_t)(uintptr_t)&system_table);
	assert_int_equal(bp.efi_info.efi_memdesc_size, FAKE_DESC_SIZE);
	assert_int_equal(bp.screen_info.lfb_base, 0x80000000);
	assert_int_equal(bp.acpi_rsdp_addr, (uintptr_t)rsdp);
	/* The only setup_data: the 64-byte seed EFI_RNG gave (0, 1, 2...). */
	uint64_t sd = bp.hdr.setup_data;
	assert_true(sd == r.h->arg + 4096);
	const uint8_t *node = zp + 4096;
	uint64_t next;
	uint32_t type, len;
	memcpy(&next, node, 8), memcpy(&type, node + 8, 4), memcpy(&len, node + 12, 4);
	assert_int_equal(next, 0);
	assert_int_equal(type, SETUP_RNG_SEED);
	assert_int_equal(len, 64);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(node[16 + i], i);
	assert_non_null(strstr(r.con, "bootshim: started by UEFI (direct hand-off)"));
}

/* With a UART before ExitBootServices, the progress lines go there and
 * not through ConOut; an error, and every line after it, through ConOut,
 * for a user at a screen. */
static void test_efi_progress_on_early_uart(void **state)
{
	(void)state;
	struct fake_config c = { .early_uart = true };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "early UART");
	assert_non_null(strstr(r.uart, "bootshim: started by UEFI (direct hand-off)\n"));
	assert_non_null(strstr(r.uart, "entry-to-jump"));
	assert_null(strstr(r.con, "bootshim: started by"));
	const int total = r.calls;
	bool claim_failed = false;
	for (c.fail_at = 1; c.fail_at <= total && !claim_failed; c.fail_at++) {
		fake_boot(&c, &r);
		if (r.failed != FAKE_ALLOCATE_PAGES)
			continue;
		claim_failed = true;
		expect_returned(&r, "early UART, a claim failing");
		assert_non_null(strstr(r.uart, "bootshim: started by UEFI (direct hand-off)\n"));
		assert_null(strstr(r.con, "bootshim: started by"));
		assert_null(strstr(r.uart, "bootshim: error"));
	}
	assert_true(claim_failed);
}

/* GOP, EFI_RNG, the variables and the own LoadedImage are optional: a
 * firmware without them still boots, with no seed passed. */
static void test_efi_optional_services_fail(void **state)
{
	(void)state;
	struct fake_config c = { .optional_fail = true };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "optional services failing");
	struct boot_params bp;
	memcpy(&bp, (const void *)(uintptr_t)r.h->arg, sizeof(bp));
	assert_int_equal(bp.hdr.setup_data, 0);
	assert_int_equal(bp.screen_info.lfb_base, 0);
}

/* A map that keeps changing: after the first ExitBootServices there is no
 * way back to the firmware. */
static void test_efi_exit_boot_services_always_stale(void **state)
{
	(void)state;
	struct fake_config c = { .ebs_always_stale = true };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_shutdown(&r, "ExitBootServices always stale");
	assert_int_equal(r.ebs_calls, 8);
	assert_non_null(strstr(r.uart, "the memory map kept changing"));
}

static void test_efi_exit_boot_services_error(void **state)
{
	(void)state;
	struct fake_config c = { .fail_at = 0, .ebs_always_stale = true,
				 .ebs_status = EFI_UNSUPPORTED };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_shutdown(&r, "ExitBootServices failing");
	assert_int_equal(r.ebs_calls, 1);
	assert_non_null(strstr(r.uart, "ExitBootServices: status 0x8000000000000003"));
}

/* A stale key, then GetMemoryMap failing on the retry: a shutdown too. */
static void test_efi_get_map_fails_after_exit(void **state)
{
	(void)state;
	struct fake_config c = { 0 };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "no fault");
	c.fail_at = r.calls;		/* the first ExitBootServices: a changed key */
	c.fail_also = r.calls + 1;	/* then the GetMemoryMap to try again */
	fake_boot(&c, &r);
	assert_int_equal(r.failed, FAKE_GET_MEMORY_MAP);
	expect_shutdown(&r, "GetMemoryMap failing after a stale ExitBootServices");
	assert_int_equal(r.ebs_calls, 1);
}

/* The kernel's stub returned after StartImage; EDK2 has unloaded it
 * already, the shim's UnloadImage finds nothing, still all given back. */
static void test_efi_stub_start_returns_unloaded(void **state)
{
	(void)state;
	struct fake_config c = { .stub = true, .start_unloads = true };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "stub");
	const int total = r.calls;
	for (int at = 1; at <= total; at++) {
		c.fail_at = at;
		fake_boot(&c, &r);
		if (r.failed == FAKE_START_IMAGE) {
			expect_returned(&r, "StartImage returning after the firmware unloaded");
			assert_non_null(strstr(r.con, "StartImage returned: status 0x8000000000000001"));
			return;
		}
	}
	fail_msg("StartImage was never failed");
}

/* Under Secure Boot, an unsigned kernel is loaded but not startable: the
 * image handle exists and must be unloaded too. */
static void test_efi_stub_load_security_violation(void **state)
{
	(void)state;
	struct fake_config c = { .stub = true, .load_violation = true };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_returned(&r, "LoadImage: EFI_SECURITY_VIOLATION");
	assert_non_null(strstr(r.con, "bootshim: error: kernel: LoadImage: status "
				      "0x800000000000001a (not signed for this Secure Boot)"));
}

/* An event after the claims adds 200 descriptors: the zero page, sized
 * at placement from a map of a dozen entries, must hold the final map
 * (128 entries in the page, the rest in SETUP_E820_EXT). */
static void test_efi_final_map_grows(void **state)
{
	(void)state;
	struct fake_config c = { .event_descs = 200 };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "200 descriptors added after placement");
	const uint8_t *zp = (const uint8_t *)(uintptr_t)r.h->arg;
	struct boot_params bp;
	memcpy(&bp, zp, sizeof(bp));
	assert_int_equal(bp.e820_entries, 128);
	const uint8_t *node = zp + 4096;
	uint32_t type, len;
	memcpy(&type, node + 8, 4), memcpy(&len, node + 12, 4);
	assert_int_equal(type, SETUP_E820_EXT);
	assert_true(len / 20 + 128 > 200);
	assert_int_equal(bp.efi_info.efi_memmap_size % FAKE_DESC_SIZE, 0);
	assert_true(bp.efi_info.efi_memmap_size / FAKE_DESC_SIZE > 200);
}

const struct CMUnitTest efi_fault_tests[] = {
	cmocka_unit_test(test_efi_direct_handoff),
	cmocka_unit_test(test_efi_direct_each_call_fails),
	cmocka_unit_test(test_efi_stub_each_call_fails),
	cmocka_unit_test(test_efi_optional_services_fail),
	cmocka_unit_test(test_efi_progress_on_early_uart),
	cmocka_unit_test(test_efi_exit_boot_services_always_stale),
	cmocka_unit_test(test_efi_exit_boot_services_error),
	cmocka_unit_test(test_efi_get_map_fails_after_exit),
	cmocka_unit_test(test_efi_stub_start_returns_unloaded),
	cmocka_unit_test(test_efi_stub_load_security_violation),
	cmocka_unit_test(test_efi_final_map_grows),
};
const size_t efi_fault_count = ARRAY_SIZE(efi_fault_tests);

int main(void)
{
	size_t n = efi_fault_count + efi_zero_page_count + efi_measure_count;
	struct CMUnitTest *all = calloc(n, sizeof(*all));
	if (!all)
		return 1;
	memcpy(all, efi_fault_tests, efi_fault_count * sizeof(*all));
	memcpy(all + efi_fault_count, efi_zero_page_tests, efi_zero_page_count * sizeof(*all));
	memcpy(all + efi_fault_count + efi_zero_page_count, efi_measure_tests,
	       efi_measure_count * sizeof(*all));
	int failed = _cmocka_run_group_tests("bootshim-efi", all, n, NULL, NULL);
	free(all);
	return failed ? 1 : 0;
}
