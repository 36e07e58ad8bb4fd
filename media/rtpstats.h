/* Per-source RTP reception statistics (RFC 3550 A.1, A.3, A.8).
 *
 * The state and its update are shared with the in-kernel forwarder
 * (kfwd.bpf.c), which keeps the same state in its rule map and continues
 * it: so fixed-width fields with the padding spelled out, and the update
 * as an inline function both compilers build (the BPF one may call no
 * function while it holds the rule's lock). */
#ifndef MEDIA_RTPSTATS_H
#define MEDIA_RTPSTATS_H

#include <stdint.h>

struct media_rtp_src {
	uint32_t ssrc;
	uint32_t cycles;	/* shifted count of sequence number cycles */
	uint32_t base_seq;
	uint32_t bad_seq;
	uint64_t received;
	uint32_t transit;
	uint32_t jitter;	/* scaled by 16 as in A.8 */
	uint16_t max_seq;
	uint8_t init;		/* 0 until the first packet */
	uint8_t have_transit;
	uint32_t pad;		/* zero */
};

#define MEDIA_RTP_SEQ_MOD (1u << 16)
#define MEDIA_RTP_MAX_DROPOUT 3000u
#define MEDIA_RTP_MAX_MISORDER 100u

/* RFC 3550 A.1 (sequence tracking, without probation: a relay counts from
 * the first packet) and A.8 (interarrival jitter).  One packet: arrival is
 * its arrival time in the stream's RTP clock units; a new SSRC, or a very
 * large jump twice in a row (the sender restarted), starts the source
 * again. */
static inline __attribute__((always_inline)) void
media_rtp_src_update(struct media_rtp_src *s, uint32_t ssrc, uint16_t seq, uint32_t ts,
		     uint32_t arrival)
{
	int restart = 0, count = 1;
	uint16_t udelta;
	uint32_t transit;
	int32_t d;

	if (!s->init || s->ssrc != ssrc) {
		restart = 1;
	} else {
		udelta = (uint16_t)(seq - s->max_seq);
		if (udelta < MEDIA_RTP_MAX_DROPOUT) {
			if (seq < s->max_seq)
				s->cycles += MEDIA_RTP_SEQ_MOD;
			s->max_seq = seq;
		} else if (udelta <= MEDIA_RTP_SEQ_MOD - MEDIA_RTP_MAX_MISORDER) {
			if (seq == s->bad_seq)
				restart = 1;
			else {
				s->bad_seq = (seq + 1u) & (MEDIA_RTP_SEQ_MOD - 1);
				count = 0;
			}
		}
		/* else a duplicate or reordered packet: counted, max unchanged */
	}
	if (restart) {
		s->init = 1;
		s->ssrc = ssrc;
		s->cycles = 0;
		s->base_seq = seq;
		s->max_seq = seq;
		s->bad_seq = MEDIA_RTP_SEQ_MOD + 1;
		s->received = 0;
		s->transit = 0;
		s->have_transit = 0;
		s->jitter = 0;
	}
	if (!count)
		return;
	s->received++;
	transit = arrival - ts;
	if (s->have_transit) {
		d = (int32_t)(transit - s->transit);
		if (d < 0)
			d = -d;
		s->jitter += (uint32_t)d - ((s->jitter + 8) >> 4);
	}
	s->transit = transit;
	s->have_transit = 1;
}

#ifndef __bpf__
/* expected minus received since the start (A.3); may be negative with duplicates */
int64_t media_rtp_src_lost(const struct media_rtp_src *s);
double media_rtp_src_jitter_ms(const struct media_rtp_src *s, uint32_t clock);
#endif

#endif
