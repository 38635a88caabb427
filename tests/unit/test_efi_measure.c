/* shim.efi's measured boot and Secure Boot conventions against the fake
 * firmware (efi_fake.h): the EFI_TCG2_PROTOCOL measurer (the events it
 * sends, what the firmware is given to hash, an absent protocol or TPM),
 * the Boot Loader Interface variables (names, attributes, UTF-16 values),
 * EFI_MEMORY_ATTRIBUTE_PROTOCOL before the direct jump, the CMDLINE_ALLOW
 * rule under Secure Boot, and that every failure among them still gives
 * back everything or, in measuring, lets the boot go on. */
#include "efi_fake.h"
#include "measure.h"
#include "version.h"
#include "efi/allow.h"

static const EFI_GUID loader_guid = EFI_BLI_LOADER_GUID;
static const UINT32 volatile_attr = EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS;

static uint64_t fnv_str(const char *s)
{
	return fake_fnv(s, strlen(s), FAKE_FNV_INIT);
}

static void expect_handoff(const struct fake_result *r, const char *what)
{
	if (r->end != FAKE_HANDOFF)
		fail_msg("%s: ended in %d, expected the hand-off\n%s%s", what, r->end, r->con,
			 r->uart);
	if (r->misuse)
		fail_msg("%s: %s", what, r->misuse_what);
}

static void expect_returned(const struct fake_result *r, const char *what)
{
	if (r->end != FAKE_RETURNED)
		fail_msg("%s: ended in %d, expected an error returned to the firmware\n%s", what,
			 r->end, r->con);
	assert_int_equal(r->status, EFI_LOAD_ERROR);
	if (!strstr(r->con, "bootshim: returning an error to the firmware\n"))
		fail_msg("%s: no return line:\n%s", what, r->con);
	if (r->pages_held || r->pools_held || r->handles_held || r->images_held ||
	    r->tables_held)
		fail_msg("%s: left %zu pages, %zu pool buffers, %zu protocol handles, %zu images, "
			 "%zu configuration tables\n%s", what, r->pages_held, r->pools_held,
			 r->handles_held, r->images_held, r->tables_held, r->con);
	assert_int_equal(r->ebs_calls, 0);
	/* No Boot Loader Interface variable of this boot left behind. */
	static const char *const bli[] = { "LoaderInfo", "LoaderTimeInitUSec",
					   "LoaderTimeExecUSec", "StubPcrKernelImage" };
	for (size_t i = 0; i < ARRAY_SIZE(bli); i++)
		if (fake_var_find(r, bli[i], &loader_guid))
			fail_msg("%s: %s left set\n%s", what, bli[i], r->con);
}

/* The three payload events, in order, over the bytes pcr11.txt predicts:
 * the whole bzImage (setup part, then the rest), the initrd, the embedded
 * command line without its NUL. */
static void expect_payload_events(const struct fake_result *r)
{
	assert_true(r->n_ev >= 3);
	static const char *const desc[] = { "bootshim kernel", "bootshim initrd",
					    "bootshim cmdline" };
	uint64_t fnv[3] = {
		fake_fnv(fake_kernel, sizeof(fake_kernel), FAKE_FNV_INIT),
		fake_fnv(fake_initrd, sizeof(fake_initrd), FAKE_FNV_INIT),
		fnv_str(fake_cmdline),
	};
	uint64_t len[3] = { sizeof(fake_kernel), sizeof(fake_initrd), strlen(fake_cmdline) };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(r->ev[i].pcr, PCR_PAYLOAD);
		assert_int_equal(r->ev[i].type, EV_IPL);
		assert_string_equal(r->ev[i].desc, desc[i]);
		assert_int_equal(r->ev[i].len, len[i]);
		assert_true(r->ev[i].fnv == fnv[i]);
	}
}

/* A variable's value as ASCII, checking it is UTF-16 with one final NUL. */
static const char *utf16_value(const struct fake_var *v)
{
	static char s[64];
	assert_non_null(v);
	assert_int_equal(v->attr, volatile_attr); /* volatile: no NON_VOLATILE */
	assert_true(v->size >= 2 && v->size % 2 == 0 && v->size / 2 <= sizeof(s));
	size_t n = v->size / 2;
	for (size_t i = 0; i < n; i++) {
		uint16_t c;
		memcpy(&c, v->data + 2 * i, 2);
		assert_true(i + 1 == n ? c == 0 : (c >= 0x20 && c < 0x7f));
		s[i] = (char)c;
	}
	return s;
}

static uint64_t decimal(const char *s)
{
	assert_true(*s);
	uint64_t v = 0;
	for (; *s; s++) {
		assert_true(*s >= '0' && *s <= '9');
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v;
}

static const char *kernel_cmdline(const struct fake_result *r)
{
	struct boot_params bp;
	memcpy(&bp, (const void *)(uintptr_t)r->h->arg, sizeof(bp));
	return (const char *)(uintptr_t)bp.hdr.cmd_line_ptr;
}

/* ---- EFI_TCG2_PROTOCOL */
static void test_tcg2_direct(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "direct, TPM");
	assert_non_null(strstr(r.con, "bootshim: measured boot: PCR 11 via EFI_TCG2_PROTOCOL\n"));
	assert_int_equal(r.n_ev, 3);
	expect_payload_events(&r);
	/* The bzImage is one span in the image: no copy. */
	assert_false(r.ev[0].pool);
	/* The final memory map, and the event log's copy for the kernel. */
	assert_int_equal(r.pools_held, 2);
	assert_int_equal(r.tables_held, 1);
	assert_non_null(r.tpm_log);
	assert_int_equal(r.tpm_log->version, EFI_TCG2_EVENT_LOG_FORMAT_TCG_2);
	assert_int_equal(r.tpm_log->size, fake_event_log_size);
	assert_int_equal(r.tpm_log->final_events_preboot_size, 0);
	assert_memory_equal(r.tpm_log->log, fake_event_log, fake_event_log_size);
	assert_string_equal(utf16_value(fake_var_find(&r, "StubPcrKernelImage", &loader_guid)),
			    "11");
}

static void test_tcg2_stub(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM, .stub = true };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "stub, TPM");
	assert_int_equal(r.n_ev, 3);
	assert_int_equal(r.tables_held, 0); /* the kernel's stub does it */
	expect_payload_events(&r);
	assert_string_equal(utf16_value(fake_var_find(&r, "StubPcrKernelImage", &loader_guid)),
			    "11");
}

static void test_tcg2_absent(void **state)
{
	(void)state;
	static struct fake_result r;
	for (int stub = 0; stub < 2; stub++) {
		struct fake_config c = { .tcg2 = FAKE_TCG2_NONE, .stub = stub };
		fake_boot(&c, &r);
		expect_handoff(&r, "no EFI_TCG2_PROTOCOL");
		assert_non_null(strstr(r.con, "bootshim: measured boot: off (no EFI_TCG2_PROTOCOL)\n"));
		assert_int_equal(r.n_ev, 0);
		assert_null(fake_var_find(&r, "StubPcrKernelImage", &loader_guid));
		c.tcg2 = FAKE_TCG2_NO_TPM;
		fake_boot(&c, &r);
		expect_handoff(&r, "no TPM");
		assert_non_null(strstr(r.con, "bootshim: measured boot: off (no TPM)\n"));
		assert_int_equal(r.n_ev, 0);
	}
}

/* The bzImage's parts apart: the firmware must still hash them as one
 * file, from a pool copy that is freed at once. */
static void test_tcg2_split_kernel(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM, .split_kernel = true };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "split kernel");
	expect_payload_events(&r);
	assert_true(r.ev[0].pool);
	assert_int_equal(r.pools_held, 2); /* the map, the event log */
}

static void test_tcg2_banks(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM,
				 .tcg2_banks = EFI_TCG2_BOOT_HASH_ALG_SHA1 |
					       EFI_TCG2_BOOT_HASH_ALG_SHA256 };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "sha1 and sha256");
	assert_non_null(strstr(r.con, "the firmware also extends the sha1 bank"));
	assert_null(strstr(r.con, "SHA-256 PCR bank is not active"));
	c.tcg2_banks = EFI_TCG2_BOOT_HASH_ALG_SHA1;
	fake_boot(&c, &r);
	expect_handoff(&r, "sha1 only");
	assert_non_null(strstr(r.con, "bootshim: warning: measured boot: the TPM's SHA-256 PCR "
				      "bank is not active"));
	assert_int_equal(r.n_ev, 3);
}

/* Every injectable call failing in turn, with a TPM, a split kernel (the
 * pool copy), the memory attribute protocol and load options under Secure
 * Boot: a failure in measuring is a warning and the boot goes on with
 * nothing of it left allocated; any other one before ExitBootServices
 * returns an error with everything given back. */
static void each_call_fails(bool stub)
{
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM, .split_kernel = !stub, .memattr = true,
				 .secure_boot = true, .allow = "quiet ^systemd.log_level=",
				 .load_options = "quiet", .stub = stub,
				 .stub_cmdline = "console=ttyS0 from=fake quiet" };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "no fault");
	const int total = r.calls;
	int measured_failures = 0, log_failures = 0;
	for (c.fail_at = 1; c.fail_at <= total; c.fail_at++) {
		fake_boot(&c, &r);
		char what[96];
		snprintf(what, sizeof(what), "%s, call %d (%s) failing", stub ? "stub" : "direct",
			 c.fail_at, fake_call_name[r.failed]);
		if (strstr(r.con, "bootshim: warning: measured boot: PCR ")) {
			/* HashLogExtendEvent, or the pool copy for it. */
			assert_true(r.failed == FAKE_HASH_LOG_EXTEND ||
				    r.failed == FAKE_ALLOCATE_POOL);
			expect_handoff(&r, what);
			assert_int_equal(r.pools_held, stub ? 1 : 2);
			measured_failures++;
		} else if (strstr(r.con, "bootshim: warning: measured boot: AllocatePool of ") ||
			   strstr(r.con, "bootshim: warning: measured boot: InstallConfiguration")) {
			/* No log for the kernel: a warning, the copy freed. */
			assert_true(r.failed == FAKE_INSTALL_CONFIG_TABLE ||
				    r.failed == FAKE_ALLOCATE_POOL);
			expect_handoff(&r, what);
			log_failures++;
			assert_int_equal(r.pools_held, 1);
			assert_int_equal(r.tables_held, 0);
		} else if (r.failed == FAKE_EXIT_BOOT_SERVICES) {
			expect_handoff(&r, what);
		} else {
			expect_returned(&r, what);
		}
	}
	/* Every event's extend, plus (direct) the kernel's pool copy. */
	assert_int_equal(measured_failures, 4 + !stub);
	/* The direct hand-off's log copy and its table. */
	assert_int_equal(log_failures, stub ? 0 : 2);
}

static void test_measure_direct_each_call_fails(void **state)
{
	(void)state;
	each_call_fails(false);
}

static void test_measure_stub_each_call_fails(void **state)
{
	(void)state;
	each_call_fails(true);
}

/* The event log's walker: every field within its bounds. */
static void test_tcg2_event2_size(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM };
	static struct fake_result r;
	fake_boot(&c, &r); /* fills fake_event_log */
	const uint8_t *last = fake_event_log + fake_event_log_last;
	uint64_t n = fake_event_log_size - fake_event_log_last;
	assert_int_equal(tcg2_event2_size(last, n), n);
	for (uint64_t cut = 0; cut < n; cut++)
		assert_int_equal(tcg2_event2_size(last, cut), 0);
	uint8_t ev[64];
	memcpy(ev, last, n);
	uint32_t count = 6; /* more digests than algorithms */
	memcpy(ev + 8, &count, 4);
	assert_int_equal(tcg2_event2_size(ev, n), 0);
	memcpy(ev, last, n);
	uint32_t size = 0xffffffff;
	memcpy(ev + 46, &size, 4);
	assert_int_equal(tcg2_event2_size(ev, sizeof(ev)), 0);
}

/* A log the shim cannot size: no table, a warning, the boot goes on. */
static void test_tcg2_log_bad(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM, .log_bad_last = true };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "unknown digest in the last event");
	assert_non_null(strstr(r.con, "bootshim: warning: measured boot: the event log's last "
				      "entry at 0x"));
	assert_int_equal(r.tables_held, 0);
	assert_int_equal(r.pools_held, 1);
}

/* ---- the Boot Loader Interface */
static void test_bli_variables(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "BLI");
	assert_string_equal(utf16_value(fake_var_find(&r, "LoaderInfo", &loader_guid)),
			    "bootshim " BOOTSHIM_VERSION);
	/* The fake counter: 1000 ticks a call at 1 GHz, so 1 us a call. */
	uint64_t init = decimal(utf16_value(fake_var_find(&r, "LoaderTimeInitUSec", &loader_guid)));
	uint64_t exec = decimal(utf16_value(fake_var_find(&r, "LoaderTimeExecUSec", &loader_guid)));
	assert_true(init > 0 && exec > init);
	/* The stub hand-off sets them too, before StartImage. */
	c.stub = true;
	fake_boot(&c, &r);
	expect_handoff(&r, "BLI, stub");
	assert_non_null(fake_var_find(&r, "LoaderTimeExecUSec", &loader_guid));
	assert_non_null(fake_var_find(&r, "StubPcrKernelImage", &loader_guid));
}

/* systemd-boot started the shim: its LoaderInfo and times stay. */
static void test_bli_earlier_loader(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM, .loader_info_set = true };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "LoaderInfo set before");
	assert_string_equal(utf16_value(fake_var_find(&r, "LoaderInfo", &loader_guid)),
			    "systemd-boot 252");
	assert_null(fake_var_find(&r, "LoaderTimeInitUSec", &loader_guid));
	assert_null(fake_var_find(&r, "LoaderTimeExecUSec", &loader_guid));
	assert_non_null(fake_var_find(&r, "StubPcrKernelImage", &loader_guid));
}

/* ---- EFI_MEMORY_ATTRIBUTE_PROTOCOL */
static void test_memattr(void **state)
{
	(void)state;
	struct fake_config c = { .memattr = true };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "memory attributes");
	assert_int_equal(r.n_clear, 1);
	assert_int_equal(r.clear[0].attr, EFI_MEMORY_XP);
	/* The kernel's pages, from its load address over its init_size. */
	uint64_t kernel = r.h->entry - X86_64BIT_ENTRY_OFFSET;
	assert_int_equal(r.clear[0].base, kernel);
	assert_true(r.clear[0].len >= 0x400000);
	assert_non_null(strstr(r.con, "made executable (EFI_MEMORY_ATTRIBUTE_PROTOCOL)"));
	/* Without the protocol nothing is asked; the stub hand-off leaves it
	 * to LoadImage. */
	c.memattr = false;
	fake_boot(&c, &r);
	expect_handoff(&r, "no memory attributes");
	assert_int_equal(r.n_clear, 0);
	c.memattr = true;
	c.stub = true;
	fake_boot(&c, &r);
	expect_handoff(&r, "stub, memory attributes");
	assert_int_equal(r.n_clear, 0);
}

/* ---- CMDLINE_ALLOW */
static void test_allow_word(void **state)
{
	(void)state;
	const char *list = "quiet ^systemd.log_level= ^rd.";
	assert_true(allow_word(list, "quiet", 5));
	assert_false(allow_word(list, "quie", 4));		/* exact words are exact */
	assert_false(allow_word(list, "quietly", 7));
	assert_true(allow_word(list, "systemd.log_level=debug", 23));
	assert_true(allow_word(list, "systemd.log_level=", 18));
	assert_false(allow_word(list, "systemd.log_level", 17));	/* shorter than the prefix */
	assert_true(allow_word(list, "rd.break", 8));
	assert_false(allow_word(list, "init=/bin/sh", 12));
	assert_false(allow_word(list, "systemd.log_level=\"x", 20)); /* a quote never */
	assert_false(allow_word("", "quiet", 5));
	assert_false(allow_word(list, "quiet", 0));
	/* The word is a length: "quiet" inside "quietx" when cut at 5. */
	assert_true(allow_word(list, "quietx", 5));
}

static void test_allow_append(void **state)
{
	(void)state;
	const char *list = "quiet ^systemd.log_level=";
	const char emb[] = "console=ttyS0";
	char out[64];
	struct error e;
	assert_int_equal(allow_append(list, emb, strlen(emb), "  quiet   systemd.log_level=debug ",
				      out, sizeof(out), &e), 0);
	assert_string_equal(out, "console=ttyS0 quiet systemd.log_level=debug");
	assert_int_equal(allow_append(list, "", 0, "quiet", out, sizeof(out), &e), 0);
	assert_string_equal(out, "quiet");
	assert_int_equal(allow_append(list, emb, strlen(emb), "quiet init=/bin/sh quiet", out,
				      sizeof(out), &e), -1);
	assert_string_equal(e.msg, "load options: word 'init=/bin/sh' is not in CMDLINE_ALLOW");
	/* No room: refused, not cut. */
	assert_int_equal(allow_append(list, emb, strlen(emb), "quiet", out, 16, &e), -1);
	assert_non_null(strstr(e.msg, "exceeds 15 bytes"));
}

/* Under Secure Boot with the list: allowed words are appended to the
 * embedded command line, the kernel gets that, and PCR 12 measures it. */
static void test_secure_boot_allowed(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM, .secure_boot = true,
				 .allow = "quiet ^systemd.log_level=",
				 .load_options = "shim.efi quiet systemd.log_level=debug" };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "allowed words");
	const char *want = "console=ttyS0 from=fake quiet systemd.log_level=debug";
	assert_string_equal(kernel_cmdline(&r), want);
	assert_int_equal(r.n_ev, 4);
	expect_payload_events(&r);	/* PCR 11 still the embedded one */
	assert_int_equal(r.ev[3].pcr, PCR_CMDLINE_OVERRIDE);
	assert_string_equal(r.ev[3].desc, "bootshim load options");
	assert_true(r.ev[3].fnv == fnv_str(want));
}

static void test_secure_boot_refused(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM, .secure_boot = true,
				 .allow = "quiet ^systemd.log_level=",
				 .load_options = "quiet init=/bin/sh" };
	static struct fake_result r;
	for (int stub = 0; stub < 2; stub++) {
		c.stub = stub;
		fake_boot(&c, &r);
		expect_returned(&r, "a word outside CMDLINE_ALLOW");
		assert_non_null(strstr(r.con, "bootshim: error: load options: word 'init=/bin/sh' "
					      "is not in CMDLINE_ALLOW\n"));
		assert_int_equal(r.n_ev, 0); /* refused before anything was measured */
	}
}

/* Without a list, today's rule: ignored under Secure Boot, replacing the
 * embedded command line (and measured into PCR 12) without it. */
static void test_load_options_rules(void **state)
{
	(void)state;
	struct fake_config c = { .tcg2 = FAKE_TCG2_TPM, .secure_boot = true,
				 .load_options = "quiet init=/bin/sh" };
	static struct fake_result r;
	fake_boot(&c, &r);
	expect_handoff(&r, "Secure Boot, no list");
	assert_non_null(strstr(r.con, "Secure Boot is on: ignoring the load options"));
	assert_string_equal(kernel_cmdline(&r), fake_cmdline);
	assert_int_equal(r.n_ev, 3);
	c.secure_boot = false;
	fake_boot(&c, &r);
	expect_handoff(&r, "Secure Boot off");
	assert_string_equal(kernel_cmdline(&r), "quiet init=/bin/sh");
	assert_int_equal(r.n_ev, 4);
	assert_int_equal(r.ev[3].pcr, PCR_CMDLINE_OVERRIDE);
	assert_true(r.ev[3].fnv == fnv_str("quiet init=/bin/sh"));
}

const struct CMUnitTest efi_measure_tests[] = {
	cmocka_unit_test(test_tcg2_direct),
	cmocka_unit_test(test_tcg2_stub),
	cmocka_unit_test(test_tcg2_absent),
	cmocka_unit_test(test_tcg2_split_kernel),
	cmocka_unit_test(test_tcg2_banks),
	cmocka_unit_test(test_tcg2_event2_size),
	cmocka_unit_test(test_tcg2_log_bad),
	cmocka_unit_test(test_measure_direct_each_call_fails),
	cmocka_unit_test(test_measure_stub_each_call_fails),
	cmocka_unit_test(test_bli_variables),
	cmocka_unit_test(test_bli_earlier_loader),
	cmocka_unit_test(test_memattr),
	cmocka_unit_test(test_allow_word),
	cmocka_unit_test(test_allow_append),
	cmocka_unit_test(test_secure_boot_allowed),
	cmocka_unit_test(test_secure_boot_refused),
	cmocka_unit_test(test_load_options_rules),
};
const size_t efi_measure_count = ARRAY_SIZE(efi_measure_tests);
