/* libFuzzer harness: what call transfer reads from the network.  The
 * first byte picks the decoder, the rest is its input: %-decoding, a
 * Refer-To value down to the Replaces in its URI headers, a Replaces
 * header value, a message/sipfrag body. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void replaces_check(const struct pl *v)
{
	struct sip_replaces r;

	if (sip_replaces_decode(&r, v) != 0)
		return;
	/* every view lies inside the input */
	const struct pl *f[] = { &r.callid, &r.to_tag, &r.from_tag };
	for (size_t i = 0; i < 3; i++) {
		if (f[i]->l && (f[i]->p < v->p || f[i]->p + f[i]->l > v->p + v->l))
			abort();
	}
	if (!r.callid.l || !r.to_tag.l || !r.from_tag.l)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_addr addr;
	struct pl text, v;
	char buf[512];
	size_t n = 0, pos = 0;
	uint16_t code;
	int err;
	char *copy;

	if (size < 1)
		return 0;
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	text = pl_make(copy, size - 1);
	switch (data[0] % 4) {
	case 0:
		err = sip_pct_decode(&text, buf, (size_t)data[0] % sizeof(buf), &n);
		if (!err && (n >= sizeof(buf) || buf[n] != '\0' || memchr(buf, '\r', n) ||
			     memchr(buf, '\n', n)))
			abort();
		break;
	case 1:
		/* Refer-To: name-addr, then the Replaces among its URI headers */
		if (sip_value_next(&text, &pos, &v, &err) && sip_addr_decode(&addr, &v) == 0 &&
		    sip_uri_header_get(&addr.uri, "Replaces", buf, sizeof(buf), &n) == 0) {
			if (n >= sizeof(buf) || buf[n] != '\0')
				abort();
			v = pl_make(buf, n);
			replaces_check(&v);
		}
		break;
	case 2:
		replaces_check(&text);
		break;
	default:
		if (sip_sipfrag_status(&text, &code) == 0 && (code < 100 || code > 699))
			abort();
		break;
	}
	free(copy);
	return 0;
}
