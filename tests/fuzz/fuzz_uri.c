/* libFuzzer harness: the URI decoder on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_uri uri;
	struct pl text;
	char *copy;

	/* an exact-size heap copy so ASan catches any read past the end */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	text = pl_make(copy, size);
	if (sip_uri_decode(&uri, &text) == 0) {
		struct pl n, v;
		size_t pos = 0;
		while (sip_param_next(&uri.params, &pos, &n, &v))
			;
	}
	free(copy);
	return 0;
}
