/* TPM 2.0 commands as bytes (TPM 2.0 Library, Part 3) and their responses
 * parsed as untrusted input: every count and size is checked against the
 * bytes that came, and errors name the command, the field and the value.
 * All integers on the wire are big-endian (Part 1, 18.1 "Canonical
 * data"). */
#include "tpm2.h"

/* The size of one TPMS_PCR_SELECTION's pcrSelect: Part 2, 10.6.1 asks at
 * least PCR_SELECT_MIN (3, 24 PCRs); more than 32 bytes (256 PCRs) is no
 * TPM the shim knows. */
#define TPM2_PCR_SELECT_MAX 32
/* A password authorisation with an empty password (Part 1, 19.6.4):
 * sessionHandle, nonceCaller size 0, sessionAttributes 0, hmac size 0. */
#define TPM2_PW_AUTH_BYTES (4 + 2 + 1 + 2)

const char *tpm2_alg_name(uint16_t alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1: return "SHA-1";
	case TPM2_ALG_SHA256: return "SHA-256";
	case TPM2_ALG_SHA384: return "SHA-384";
	case TPM2_ALG_SHA512: return "SHA-512";
	case TPM2_ALG_SM3_256: return "SM3-256";
	default: return "unknown";
	}
}

/* ---- marshalling */

struct writer {
	uint8_t *p;
	size_t n;
};

static void put8(struct writer *w, uint8_t v) { w->p[w->n++] = v; }
static void put16(struct writer *w, uint16_t v) { put8(w, v >> 8), put8(w, (uint8_t)v); }
static void put32(struct writer *w, uint32_t v) { put16(w, v >> 16), put16(w, (uint16_t)v); }

static void header(struct writer *w, uint16_t tag, uint32_t cc)
{
	put16(w, tag);
	put32(w, 0); /* commandSize: end() fills it in */
	put32(w, cc);
}

static size_t end(struct writer *w)
{
	struct writer size = { w->p + 2, 0 };
	put32(&size, (uint32_t)w->n);
	return w->n;
}

/* The authorisation area for one handle: authorizationSize, then a
 * TPMS_AUTH_COMMAND of the password session with the empty password. */
static void put_pw_auth(struct writer *w)
{
	put32(w, TPM2_PW_AUTH_BYTES); /* authorizationSize */
	put32(w, TPM2_RS_PW);	      /* sessionHandle: the password session */
	put16(w, 0);		      /* nonceCaller: empty */
	put8(w, 0);		      /* sessionAttributes */
	put16(w, 0);		      /* hmac: the password, empty */
}

size_t tpm2_marshal_startup(uint8_t *cmd, uint16_t su)
{
	struct writer w = { cmd, 0 };
	header(&w, TPM2_ST_NO_SESSIONS, TPM2_CC_STARTUP);
	put16(&w, su); /* startupType */
	return end(&w);
}

size_t tpm2_marshal_get_capability_pcrs(uint8_t *cmd)
{
	struct writer w = { cmd, 0 };
	header(&w, TPM2_ST_NO_SESSIONS, TPM2_CC_GET_CAPABILITY);
	put32(&w, TPM2_CAP_PCRS); /* capability */
	put32(&w, 0);		  /* property: unused for TPM_CAP_PCRS */
	put32(&w, 1);		  /* propertyCount */
	return end(&w);
}

size_t tpm2_marshal_pcr_extend_sha256(uint8_t *cmd, uint32_t pcr,
				      const uint8_t digest[SHA256_BYTES])
{
	struct writer w = { cmd, 0 };
	header(&w, TPM2_ST_SESSIONS, TPM2_CC_PCR_EXTEND);
	put32(&w, pcr); /* @pcrHandle: a PCR's handle is its index (Part 2, 7.4) */
	put_pw_auth(&w);	    /* a PCR's authValue is empty */
	put32(&w, 1);		    /* TPML_DIGEST_VALUES.count */
	put16(&w, TPM2_ALG_SHA256); /* TPMT_HA.hashAlg */
	memcpy(w.p + w.n, digest, SHA256_BYTES);
	w.n += SHA256_BYTES;
	return end(&w);
}

size_t tpm2_marshal_platform_hierarchy_off(uint8_t *cmd)
{
	struct writer w = { cmd, 0 };
	header(&w, TPM2_ST_SESSIONS, TPM2_CC_HIERARCHY_CONTROL);
	/* @authHandle: platformAuth, which TPM2_Startup(CLEAR) sets to the
	 * Empty Buffer and nobody before the shim has changed. */
	put32(&w, TPM2_RH_PLATFORM);
	put_pw_auth(&w);
	/* enable: TPM_RH_PLATFORM is phEnable; TPM_RH_PLATFORM_NV, which
	 * would hide platform NV indices such as EK certificates, stays. */
	put32(&w, TPM2_RH_PLATFORM);
	put8(&w, 0); /* state: NO (TPMI_YES_NO) */
	return end(&w);
}

/* ---- parsing */

struct reader {
	const uint8_t *p;
	size_t len, off;
	const char *what; /* the command, for messages */
	struct error *e;
};

static int get(struct reader *r, const char *field, size_t bytes, uint32_t *v)
{
	*v = 0;
	if (r->len - r->off < bytes)
		return fail(r->e, r->what, "response ends at byte %zu, inside %s (%zu bytes)",
			    r->len, field, bytes);
	uint32_t x = 0;
	for (size_t i = 0; i < bytes; i++)
		x = x << 8 | r->p[r->off + i];
	r->off += bytes;
	*v = x;
	return 0;
}

/* Whether rc is the format-one error fmt1 about any handle, parameter or
 * session (Part 2, 6.6: the position bits masked off; the mask keeps
 * RC_FMT1, so a format-zero code never matches). */
static bool rc_is(uint32_t rc, uint32_t fmt1)
{
	return (rc & TPM2_RC_FMT1_ERROR) == fmt1;
}

static const char *rc_name(uint32_t rc)
{
	switch (rc) {
	case TPM2_RC_INITIALIZE: return " (TPM_RC_INITIALIZE: TPM2_Startup not sent)";
	case 0x101: return " (TPM_RC_FAILURE: the TPM is in failure mode)";
	case 0x922: return " (TPM_RC_RETRY)";
	case 0x90a: return " (TPM_RC_TESTING)";
	}
	if (rc_is(rc, TPM2_RC_HIERARCHY))
		return " (TPM_RC_HIERARCHY: the hierarchy is disabled)";
	if (rc_is(rc, TPM2_RC_BAD_AUTH))
		return " (TPM_RC_BAD_AUTH: the authorisation value is not the empty one sent)";
	return "";
}

static int parse_header(struct reader *r, uint32_t *rc)
{
	uint32_t tag, size;
	if (r->len < TPM2_HEADER_BYTES)
		return fail(r->e, r->what, "response of %zu bytes, shorter than its %u-byte header",
			    r->len, TPM2_HEADER_BYTES);
	get(r, "tag", 2, &tag);
	get(r, "responseSize", 4, &size);
	get(r, "responseCode", 4, rc);
	if (tag != TPM2_ST_NO_SESSIONS && tag != TPM2_ST_SESSIONS)
		return fail(r->e, r->what, "response tag 0x%04x is neither TPM_ST_NO_SESSIONS nor "
			    "TPM_ST_SESSIONS", tag);
	if (size != r->len)
		return fail(r->e, r->what, "responseSize %u, but %zu bytes came", size, r->len);
	return 0;
}

int tpm2_parse_response(const uint8_t *rsp, size_t len, uint32_t *rc, struct error *e)
{
	struct reader r = { rsp, len, 0, "TPM response", e };
	return parse_header(&r, rc);
}

/* Success, with the tag it must carry, of a response whose header
 * parse_header() has read. */
static int check_success(struct reader *r, uint32_t rc, uint16_t want_tag)
{
	if (rc != TPM2_RC_SUCCESS)
		return fail(r->e, r->what, "response code 0x%x%s", rc, rc_name(rc));
	uint16_t tag = (uint16_t)(r->p[0] << 8 | r->p[1]);
	if (tag != want_tag)
		return fail(r->e, r->what, "response tag 0x%04x, expected 0x%04x", tag, want_tag);
	return 0;
}

/* The header, then success with the tag it must carry. */
static int parse_success(struct reader *r, uint16_t want_tag)
{
	uint32_t rc;
	return parse_header(r, &rc) || check_success(r, rc, want_tag) ? -1 : 0;
}

static int parse_end(struct reader *r)
{
	if (r->off != r->len)
		return fail(r->e, r->what, "%zu bytes left after the response's last field",
			    r->len - r->off);
	return 0;
}

int tpm2_parse_pcrs(const uint8_t *rsp, size_t len, uint16_t *alg, size_t cap, size_t *n,
		    struct error *e)
{
	struct reader r = { rsp, len, 0, "TPM2_GetCapability(TPM_CAP_PCRS)", e };
	uint32_t more, capability, count;
	*n = 0;
	if (parse_success(&r, TPM2_ST_NO_SESSIONS) || get(&r, "moreData", 1, &more) ||
	    get(&r, "capability", 4, &capability) || get(&r, "TPML_PCR_SELECTION.count", 4, &count))
		return -1;
	if (more > 1)
		return fail(e, r.what, "moreData %u is not a TPMI_YES_NO", more);
	if (capability != TPM2_CAP_PCRS)
		return fail(e, r.what, "capability 0x%x, asked for TPM_CAP_PCRS (0x%x)", capability,
			    TPM2_CAP_PCRS);
	/* Each TPMS_PCR_SELECTION takes at least 3 bytes: a count the bytes
	 * cannot hold is refused before the loop. */
	if (count > (len - r.off) / 3)
		return fail(e, r.what, "TPML_PCR_SELECTION.count %u exceeds what %zu bytes hold",
			    count, len - r.off);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t hash, size_select, any = 0, b;
		if (get(&r, "TPMS_PCR_SELECTION.hash", 2, &hash) ||
		    get(&r, "TPMS_PCR_SELECTION.sizeofSelect", 1, &size_select))
			return -1;
		if (size_select > TPM2_PCR_SELECT_MAX)
			return fail(e, r.what, "sizeofSelect %u of bank 0x%04x exceeds %u", size_select,
				    hash, TPM2_PCR_SELECT_MAX);
		for (uint32_t j = 0; j < size_select; j++) {
			if (get(&r, "TPMS_PCR_SELECTION.pcrSelect", 1, &b))
				return -1;
			any |= b;
		}
		if (!any)
			continue;
		if (*n == cap)
			return fail(e, r.what, "more than %zu active PCR banks", cap);
		alg[(*n)++] = (uint16_t)hash;
	}
	return parse_end(&r);
}

/* After a successful header, the rest of a TPM_ST_SESSIONS response to a
 * command with one password-authorised handle and no response parameters
 * (TPM2_PCR_Extend, TPM2_HierarchyControl: Part 3, 22.2 and 24.8):
 * parameterSize, the parameters (none, skipped if any), then one
 * TPMS_AUTH_RESPONSE (nonceTPM, sessionAttributes, hmac), whose sizes are
 * 0 for a password session. */
static int parse_auth_response(struct reader *r)
{
	uint32_t param_size, nonce, attrs, hmac;
	if (get(r, "parameterSize", 4, &param_size))
		return -1;
	if (param_size > r->len - r->off)
		return fail(r->e, r->what, "parameterSize %u exceeds the %zu bytes left", param_size,
			    r->len - r->off);
	r->off += param_size;
	if (get(r, "nonceTPM.size", 2, &nonce))
		return -1;
	if (nonce > r->len - r->off)
		return fail(r->e, r->what, "nonceTPM.size %u exceeds the %zu bytes left", nonce,
			    r->len - r->off);
	r->off += nonce;
	if (get(r, "sessionAttributes", 1, &attrs) || get(r, "hmac.size", 2, &hmac))
		return -1;
	if (hmac > r->len - r->off)
		return fail(r->e, r->what, "hmac.size %u exceeds the %zu bytes left", hmac,
			    r->len - r->off);
	r->off += hmac;
	return parse_end(r);
}

int tpm2_parse_pcr_extend(const uint8_t *rsp, size_t len, struct error *e)
{
	struct reader r = { rsp, len, 0, "TPM2_PCR_Extend", e };
	return parse_success(&r, TPM2_ST_SESSIONS) || parse_auth_response(&r) ? -1 : 0;
}

int tpm2_parse_platform_hierarchy_off(const uint8_t *rsp, size_t len, bool *already,
				      struct error *e)
{
	struct reader r = { rsp, len, 0, "TPM2_HierarchyControl(TPM_RH_PLATFORM, NO)", e };
	uint32_t rc;
	*already = false;
	if (parse_header(&r, &rc))
		return -1;
	/* With phEnable clear, TPM_RH_PLATFORM is a handle of a disabled
	 * hierarchy: the TPM refuses authHandle with TPM_RC_HIERARCHY
	 * (swtpm: 0x185, handle 1) and only a TPM2_Startup(CLEAR) sets
	 * phEnable again (Part 3, 24.8). An error response is its header
	 * alone. */
	if (rc_is(rc, TPM2_RC_HIERARCHY)) {
		if (parse_end(&r))
			return -1;
		*already = true;
		return 0;
	}
	return check_success(&r, rc, TPM2_ST_SESSIONS) || parse_auth_response(&r) ? -1 : 0;
}

/* ---- commands */

static int submit(struct tpm2_transport *t, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
		  size_t *rsp_len, struct error *e)
{
	return t->submit(t, cmd, cmd_len, rsp, TPM2_MAX_BUFFER, rsp_len, e);
}

int tpm2_startup_clear(struct tpm2_transport *t, bool *already, struct error *e)
{
	uint8_t cmd[TPM2_HEADER_BYTES + 2], rsp[TPM2_MAX_BUFFER];
	size_t len;
	uint32_t rc;
	struct reader r = { rsp, 0, 0, "TPM2_Startup(TPM_SU_CLEAR)", e };
	if (submit(t, cmd, tpm2_marshal_startup(cmd, TPM2_SU_CLEAR), rsp, &len, e))
		return -1;
	r.len = len;
	if (parse_header(&r, &rc))
		return -1;
	/* Part 3, 9.3.1: TPM_RC_INITIALIZE when TPM2_Startup has already
	 * been sent since the last reset. */
	*already = rc == TPM2_RC_INITIALIZE;
	if (rc != TPM2_RC_SUCCESS && rc != TPM2_RC_INITIALIZE)
		return fail(e, r.what, "response code 0x%x%s", rc, rc_name(rc));
	return parse_end(&r);
}

static int get_pcrs(struct tpm2_transport *t, uint8_t *rsp, size_t *len, struct error *e)
{
	uint8_t cmd[TPM2_HEADER_BYTES + 12];
	return submit(t, cmd, tpm2_marshal_get_capability_pcrs(cmd), rsp, len, e);
}

int tpm2_is_started(struct tpm2_transport *t, bool *started, struct error *e)
{
	/* Part 3, 5.6: before TPM2_Startup every command but Startup (and
	 * field upgrade) is answered with TPM_RC_INITIALIZE. GetCapability
	 * changes nothing. */
	uint8_t rsp[TPM2_MAX_BUFFER];
	size_t len;
	uint32_t rc;
	if (get_pcrs(t, rsp, &len, e) || tpm2_parse_response(rsp, len, &rc, e))
		return -1;
	*started = rc != TPM2_RC_INITIALIZE;
	return 0;
}

int tpm2_active_banks(struct tpm2_transport *t, uint16_t *alg, size_t cap, size_t *n,
		      struct error *e)
{
	uint8_t rsp[TPM2_MAX_BUFFER];
	size_t len;
	return get_pcrs(t, rsp, &len, e) || tpm2_parse_pcrs(rsp, len, alg, cap, n, e) ? -1 : 0;
}

int tpm2_pcr_extend_sha256(struct tpm2_transport *t, uint32_t pcr,
			   const uint8_t digest[SHA256_BYTES], struct error *e)
{
	uint8_t cmd[TPM2_HEADER_BYTES + 4 + 4 + TPM2_PW_AUTH_BYTES + 4 + 2 + SHA256_BYTES];
	uint8_t rsp[TPM2_MAX_BUFFER];
	size_t len;
	_Static_assert(sizeof(cmd) == 65, "TPM2_PCR_Extend with one SHA-256 digest is 65 bytes");
	return submit(t, cmd, tpm2_marshal_pcr_extend_sha256(cmd, pcr, digest), rsp, &len, e) ||
			       tpm2_parse_pcr_extend(rsp, len, e)
		       ? -1
		       : 0;
}

int tpm2_disable_platform_hierarchy(struct tpm2_transport *t, bool *already, struct error *e)
{
	uint8_t cmd[TPM2_HEADER_BYTES + 4 + 4 + TPM2_PW_AUTH_BYTES + 4 + 1];
	uint8_t rsp[TPM2_MAX_BUFFER];
	size_t len;
	_Static_assert(sizeof(cmd) == 32, "TPM2_HierarchyControl is 32 bytes");
	return submit(t, cmd, tpm2_marshal_platform_hierarchy_off(cmd), rsp, &len, e) ||
			       tpm2_parse_platform_hierarchy_off(rsp, len, already, e)
		       ? -1
		       : 0;
}
