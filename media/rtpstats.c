/* RFC 3550 A.1 (sequence tracking, without probation: a relay counts from
 * the first packet), A.3 (loss) and A.8 (interarrival jitter). */
#include <stdlib.h>
#include <string.h>

#include "media/rtpstats.h"

#define RTP_SEQ_MOD (1u << 16)
#define MAX_DROPOUT 3000u
#define MAX_MISORDER 100u

static void src_init(struct media_rtp_src *s, uint32_t ssrc, uint16_t seq)
{
	memset(s, 0, sizeof(*s));
	s->init = true;
	s->ssrc = ssrc;
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = RTP_SEQ_MOD + 1;
}

void media_rtp_src_update(struct media_rtp_src *s, uint32_t ssrc, uint16_t seq, uint32_t ts,
			  uint32_t arrival)
{
	uint16_t udelta;
	uint32_t transit;
	int32_t d;

	if (!s->init || s->ssrc != ssrc)
		src_init(s, ssrc, seq);
	else {
		udelta = (uint16_t)(seq - s->max_seq);
		if (udelta < MAX_DROPOUT) {
			if (seq < s->max_seq)
				s->cycles += RTP_SEQ_MOD;
			s->max_seq = seq;
		} else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
			/* a very large jump: twice in a row means the sender restarted */
			if (seq == s->bad_seq) {
				src_init(s, ssrc, seq);
			} else {
				s->bad_seq = (seq + 1u) & (RTP_SEQ_MOD - 1);
				return;
			}
		}
		/* else a duplicate or reordered packet: counted, max unchanged */
	}
	s->received++;
	transit = arrival - ts;
	if (s->have_transit) {
		d = (int32_t)(transit - s->transit);
		if (d < 0)
			d = -d;
		s->jitter += (uint32_t)d - ((s->jitter + 8) >> 4);
	}
	s->transit = transit;
	s->have_transit = true;
}

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
