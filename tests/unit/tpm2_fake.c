/* tests/unit/tpm2_fake.h */
#include "unit.h"

#include "tpm2_fake.h"

static int fake_submit(struct tpm2_transport *t, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
		       size_t rsp_cap, size_t *rsp_len, struct error *e)
{
	struct tpm2_fake *f = (struct tpm2_fake *)t;
	if (f->next >= f->n_rsp)
		fail_msg("command %zu sent, only %zu responses canned", f->next + 1, f->n_rsp);
	assert_true(cmd_len <= TPM2_MAX_BUFFER);
	memcpy(f->cmd[f->next], cmd, cmd_len);
	f->cmd_len[f->next] = cmd_len;
	const struct fake_rsp *r = &f->rsp[f->next++];
	if (r->fail)
		return (fail)(e, "fake transport", "submit fails");
	assert_true(r->len <= rsp_cap);
	memcpy(rsp, r->bytes, r->len);
	*rsp_len = r->len;
	return 0;
}

void tpm2_fake_init(struct tpm2_fake *f, const struct fake_rsp *rsp, size_t n)
{
	assert_true(n <= FAKE_MAX);
	memset(f, 0, sizeof(*f));
	f->t.submit = fake_submit;
	memcpy(f->rsp, rsp, n * sizeof(*rsp));
	f->n_rsp = n;
}

uint32_t tpm2_fake_cc(const struct tpm2_fake *f, size_t i)
{
	const uint8_t *c = f->cmd[i];
	return (uint32_t)c[6] << 24 | (uint32_t)c[7] << 16 | (uint32_t)c[8] << 8 | c[9];
}
