/* libFuzzer harness: the SDP parser on arbitrary bytes, and the writer on
 * whatever it accepts (with and without codec policy and SRTP). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const codecs[] = { "PCMA", "opus" };
	struct media_sdp_origin origin;
	struct media_sdp_leg leg;
	struct media_sdp *sdp;
	char *copy, *out;
	size_t len;
	unsigned i;

	/* an exact-size heap copy so ASan catches any read past the end */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (media_sdp_parse(&sdp, copy, size) == 0) {
		memset(&leg, 0, sizeof(leg));
		leg.addr = "127.0.0.2";
		for (i = 0; i < MEDIA_SDP_MAX_STREAMS; i++) {
			leg.streams[i].port = (uint16_t)(30000 + 2 * i);
			leg.streams[i].te_pt = (size & 1) ? 101 : -1;
			leg.streams[i].rtcp_attr = i & 1;
			leg.streams[i].rtcp_mux = size & 2;
			leg.streams[i].srtp = size & 4;
			leg.streams[i].crypto_suite = "AES_CM_128_HMAC_SHA1_80";
			leg.streams[i].crypto_key = "inline:AAAA";
		}
		if (size & 8) {
			leg.codecs = codecs;
			leg.ncodecs = 2;
		}
		(void)media_sdp_origin_init(&origin);
		for (i = 0; i < sdp->nstreams; i++)
			(void)media_sdp_stream_dir(sdp, &sdp->streams[i]);
		if (media_sdp_write(sdp, &leg, &origin, &out, &len) == 0) {
			struct media_sdp *again;

			/* what we write we can read back */
			if (media_sdp_parse(&again, out, len) != 0)
				abort();
			media_sdp_free(again);
			free(out);
		}
		media_sdp_free(sdp);
	}
	free(copy);
	return 0;
}
