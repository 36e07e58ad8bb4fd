/* SDES rewriting: the only RTCP content that names the peer. */
#include <string.h>

#include "media/rtcp.h"

#define RTCP_SDES 202
#define SDES_CHUNK_LEN 12	/* SSRC, CNAME type and length, "b2bua", END */

/* a rewritten SDES packet for the chunks of src (sc of them) into dst */
static size_t sdes_rewrite(const uint8_t *src, size_t len, uint8_t *dst, size_t room)
{
	unsigned sc = src[0] & 0x1f, i;
	size_t in = 4, out = 4, words;

	if (4 + (size_t)sc * SDES_CHUNK_LEN > room)
		return 0;
	dst[0] = src[0];
	dst[1] = src[1];
	for (i = 0; i < sc; i++) {
		/* a chunk: SSRC, items until an END (0) byte, padding to 32 bits */
		if (in + 4 > len)
			return 0;
		memcpy(dst + out, src + in, 4);
		in += 4;
		while (in < len && src[in] != 0) {
			if (in + 2 > len || in + 2 + src[in + 1] > len)
				return 0;
			in += 2 + src[in + 1];
		}
		if (in >= len)
			return 0;
		in = (in + 4) & ~(size_t)3;
		dst[out + 4] = 1; /* CNAME */
		dst[out + 5] = sizeof(MEDIA_RTCP_CNAME) - 1;
		memcpy(dst + out + 6, MEDIA_RTCP_CNAME, sizeof(MEDIA_RTCP_CNAME) - 1);
		dst[out + 11] = 0;
		out += SDES_CHUNK_LEN;
	}
	if (in > len)
		return 0;
	words = out / 4 - 1;
	dst[2] = (uint8_t)(words >> 8);
	dst[3] = (uint8_t)words;
	return out;
}

size_t media_rtcp_sanitize(uint8_t *p, size_t len, size_t cap)
{
	uint8_t out[2048];
	size_t in = 0, n = 0;

	if (len < 4 || len > sizeof(out))
		return 0;
	while (in < len) {
		size_t plen;

		if (len - in < 4 || (p[in] >> 6) != 2)
			return 0;
		plen = ((size_t)p[in + 2] << 8 | p[in + 3]) * 4 + 4;
		if (plen > len - in)
			return 0;
		if (p[in + 1] == RTCP_SDES) {
			size_t w = sdes_rewrite(p + in, plen, out + n, sizeof(out) - n);

			if (!w)
				return 0;
			n += w;
		} else {
			if (plen > sizeof(out) - n)
				return 0;
			memcpy(out + n, p + in, plen);
			n += plen;
		}
		in += plen;
	}
	if (n > cap)
		return 0;
	memcpy(p, out, n);
	return n;
}
