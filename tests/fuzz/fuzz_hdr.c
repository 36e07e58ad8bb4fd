/* libFuzzer harness: the header value decoders.  The first byte picks the
 * decoder, the rest is the header value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_via via;
	struct sip_addr addr;
	struct sip_cseq cseq;
	struct pl text, n, v;
	size_t pos = 0;
	char *copy;
	int err;

	if (size < 1)
		return 0;
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	text = pl_make(copy, size - 1);
	switch (data[0] % 6) {
	case 0:
		if (sip_via_decode(&via, &text) == 0)
			while (sip_param_next(&via.params, &pos, &n, &v))
				;
		break;
	case 1:
		if (sip_addr_decode(&addr, &text) == 0)
			while (sip_param_next(&addr.params, &pos, &n, &v))
				;
		break;
	case 2:
		(void)sip_cseq_decode(&cseq, &text);
		break;
	case 3:
		while (sip_value_next(&text, &pos, &v, &err))
			(void)sip_addr_decode(&addr, &v);
		break;
	case 4:
		(void)sip_token_list_has(&text, "100rel");
		break;
	default:
		(void)sip_param_get(&text, "tag", &v);
		break;
	}
	free(copy);
	return 0;
}
