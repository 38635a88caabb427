/* The Boot Loader Interface (systemd's "BLI", docs/BOOT_LOADER_INTERFACE
 * in systemd): variables under the vendor GUID
 * 4a67b082-0a4c-41cf-b6c7-440b29bb8c4f that systemd-analyze and bootctl
 * read from a booted Linux. Volatile (boot service and runtime access, no
 * NON_VOLATILE): they describe this boot only. Values are UTF-16 strings
 * with their NUL, as systemd-boot writes them.
 *
 * A boot loader that ran before the shim (systemd-boot chainloading it)
 * owns LoaderInfo and the loader times: when LoaderInfo is set already,
 * the shim leaves them alone and only says which PCR it measured into.
 * They are set just before the hand-off, and deleted again if the shim
 * still returns an error to the firmware: the next boot option must not
 * find this boot's. */
#include <efi.h>
#include <efilib.h>

#include "arch.h"
#include "boot.h"
#include "console.h"
#include "measure.h"
#include "version.h"
#include "bli.h"

static EFI_GUID loader_guid = EFI_BLI_LOADER_GUID;

static bool set_string(const CHAR16 *name, const char *value)
{
	CHAR16 w[BLI_VALUE_MAX];
	size_t n = 0;
	for (; value[n] && n + 1 < ARRAY_SIZE(w); n++)
		w[n] = (CHAR16)(uint8_t)value[n];
	w[n] = 0;
	EFI_STATUS st = uefi_call_wrapper(RT->SetVariable, 5, (CHAR16 *)name, &loader_guid,
					  BLI_ATTRIBUTES, (n + 1) * sizeof(CHAR16), w);
	if (EFI_ERROR(st)) {
		char a[BLI_VALUE_MAX];
		size_t i = 0;
		for (; name[i] && i + 1 < sizeof(a); i++)
			a[i] = (char)name[i];
		a[i] = 0;
		con_printf("bootshim: warning: SetVariable(%s): status 0x%llx\n", a,
			   (unsigned long long)st);
		return false;
	}
	return true;
}

/* Decimal, as systemd-boot's efivar_set_uint64_str writes numbers. */
static bool set_decimal(const CHAR16 *name, uint64_t v)
{
	char digits[24], s[24];
	size_t n = 0, k = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		s[k++] = digits[--n];
	s[k] = 0;
	return set_string(name, s);
}

/* Microseconds since the counter started (x86: the TSC since reset, which
 * is what systemd-boot reports; arm64: the generic timer); 0 when the
 * counter's frequency is unknown: then no time is written, as systemd-boot
 * skips a zero. */
static uint64_t efi_bli_usec(uint64_t ticks)
{
	uint64_t hz = arch_ticks_hz();
	if (!hz)
		return 0;
	return ticks / hz * 1000000 + ticks % hz * 1000000 / hz;
}

/* What this boot set, to take back on an error return. */
static const CHAR16 *const names[] = { L"LoaderInfo", L"LoaderTimeInitUSec",
				       L"LoaderTimeExecUSec", L"StubPcrKernelImage" };
static bool set[ARRAY_SIZE(names)];

void efi_bli_handoff(const struct platform *pf)
{
	memset(set, 0, sizeof(set));
	/* EFI_BUFFER_TOO_SMALL: LoaderInfo exists; EFI_NOT_FOUND: it does not. */
	UINTN size = 0;
	bool owner = uefi_call_wrapper(RT->GetVariable, 5, L"LoaderInfo", &loader_guid, NULL,
				       &size, NULL) == EFI_NOT_FOUND;
	uint64_t init = efi_bli_usec(pf->t_entry), exec = efi_bli_usec(arch_ticks());
	if (owner) {
		set[0] = set_string(names[0], "bootshim " BOOTSHIM_VERSION);
		if (init)
			set[1] = set_decimal(names[1], init);
		if (exec)
			set[2] = set_decimal(names[2], exec);
	}
	/* systemd-stub's variable: the PCR the kernel image was measured
	 * into, set only when it was. */
	if (pf->measurer)
		set[3] = set_decimal(names[3], PCR_PAYLOAD);
}

void efi_bli_release(void)
{
	/* "If ... DataSize is zero, then the variable is deleted" (UEFI
	 * 2.10, 8.2 SetVariable). */
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (set[i])
			uefi_call_wrapper(RT->SetVariable, 5, (CHAR16 *)names[i], &loader_guid,
					  BLI_ATTRIBUTES, 0, NULL);
	memset(set, 0, sizeof(set));
}
