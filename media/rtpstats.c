/* RFC 3550 A.3 (loss) and A.8 (jitter in milliseconds) from the state
 * media_rtp_src_update (rtpstats.h) keeps. */
#include "media/rtpstats.h"

int64_t media_rtp_src_lost(const struct media_rtp_src *s)
{
	int64_t expected;

	if (!s->init)
		return 0;
	expected = (int64_t)s->cycles + s->max_seq - s->base_seq + 1;
	return expected - (int64_t)s->received;
}

double media_rtp_src_jitter_ms(const struct media_rtp_src *s, uint32_t clock)
{
	if (!clock)
		return 0;
	return (double)(s->jitter >> 4) * 1000.0 / clock;
}
