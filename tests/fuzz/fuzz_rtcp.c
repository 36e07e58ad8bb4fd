/* libFuzzer harness: the RTCP rewriter the relay runs on every RTCP packet
 * it forwards.  Whatever it keeps must be a compound of whole packets
 * within the buffer, and rewriting it again must not change it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/rtcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = size + 64, n, again;
	uint8_t *buf, *copy;

	buf = malloc(cap ? cap : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	n = media_rtcp_sanitize(buf, size, cap);
	if (n > cap)
		abort();
	if (n) {
		copy = malloc(n + 64);
		if (copy) {
			memcpy(copy, buf, n);
			again = media_rtcp_sanitize(copy, n, n + 64);
			if (again != n || memcmp(copy, buf, n) != 0)
				abort();	/* sanitizing is idempotent */
			free(copy);
		}
	}
	free(buf);
	return 0;
}
