/* Per-source RTP reception statistics (RFC 3550 A.1, A.3, A.8). */
#ifndef MEDIA_RTPSTATS_H
#define MEDIA_RTPSTATS_H

#include <stdbool.h>
#include <stdint.h>

struct media_rtp_src {
	bool init;
	uint32_t ssrc;
	uint16_t max_seq;
	uint32_t cycles;	/* shifted count of sequence number cycles */
	uint32_t base_seq;
	uint32_t bad_seq;
	uint64_t received;
	uint32_t transit;
	bool have_transit;
	uint32_t jitter;	/* scaled by 16 as in A.8 */
};

/* one packet: arrival is the arrival time in the stream's RTP clock units;
 * a new SSRC starts the source again */
void media_rtp_src_update(struct media_rtp_src *s, uint32_t ssrc, uint16_t seq, uint32_t ts,
			  uint32_t arrival);
/* expected minus received since the start (A.3); may be negative with duplicates */
int64_t media_rtp_src_lost(const struct media_rtp_src *s);
double media_rtp_src_jitter_ms(const struct media_rtp_src *s, uint32_t clock);

#endif
