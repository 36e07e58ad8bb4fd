/* The media relay: what the signalling side calls.
 *
 * An engine runs media threads, each with its own libev loop.  A call's
 * streams live on one thread.  Every function here is called from the
 * signalling thread; it sends a command through the thread's queue and
 * ev_async, and the thread applies it in order.  Events (inactivity,
 * statistics) come back through a queue and an ev_async on the signalling
 * loop, where the engine's handler runs.  No call state is shared.
 *
 * A stream relays one m-line between two sides: side 0 (leg A) and side 1
 * (leg B).  Each side has our RTP port and the next one for RTCP in its
 * zone, and the peer's address as its SDP says.
 */
#ifndef MEDIA_MEDIA_H
#define MEDIA_MEDIA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ev.h>

#include "media/crypto.h"
#include "media/sdp.h"

#define MEDIA_MAX_STREAMS MEDIA_SDP_MAX_STREAMS

enum media_latch {
	MEDIA_LATCH_ON = 0,	/* the first packet fixes the peer's address */
	MEDIA_LATCH_STRICT,	/* only the SDP address is accepted */
	MEDIA_LATCH_SSRC,	/* latch, and re-latch when a new SSRC comes from elsewhere */
};

/* one side of a stream as negotiated: the peer as its SDP describes it */
struct media_side {
	/* the peer's RTP address; AF_UNSPEC (e.g. c=0.0.0.0) when unknown:
	 * nothing is sent to it until it is known or latched */
	struct sockaddr_storage rtp;
	/* its RTCP address (a=rtcp, else RTP port + 1); AF_UNSPEC: derived */
	struct sockaddr_storage rtcp;
	bool rtcp_mux;		/* it multiplexes RTCP on the RTP port */
	enum media_latch latch;
	enum media_dir dir;	/* its SDP direction (sendonly: it only sends) */
	uint32_t clock_rate;	/* its audio clock, for jitter; 0: 8000 */
	int te_pt;		/* its telephone-event payload type, -1: none */
	/* SRTP on this side.  An empty rx_key (len 0) is a side we offered
	 * SRTP to that has not answered: its key is not known, so nothing it
	 * sends can be authenticated and all of it is dropped (counted in
	 * srtp_no_key), never relayed as plain RTP. */
	bool srtp;
	struct media_key rx_key;/* its a=crypto: what it encrypts with */
	struct media_key tx_key;/* our a=crypto to it: what we encrypt with */
};

struct media_stream_cfg {
	struct media_side side[2];
	uint32_t timeout_ms;	/* no packet from a sending side for this long; 0: off */
	uint32_t hold_timeout_ms;/* the same for a side that is not sending; 0: off */
};

/* what one side sent us */
struct media_rx_stats {
	uint64_t packets, bytes;	/* RTP relayed onwards */
	int64_t lost;			/* RFC 3550 A.3 cumulative */
	double jitter_ms;		/* RFC 3550 A.8 */
	uint64_t rtcp_packets;
	int64_t rtcp_lost;		/* its last RTCP report block (about us) */
	double rtcp_jitter_ms;
	uint64_t unexpected_source;	/* dropped: not the latched/SDP address */
	uint64_t srtp_auth_fail, srtp_replay;	/* dropped */
	uint64_t srtp_no_key;		/* dropped: sent before its SRTP key was known */
	uint64_t malformed, send_errors;
	uint64_t kernel_packets;	/* of packets, those the kernel forwarded (kfwd.h) */
};

struct media_stream_stats {
	struct media_rx_stats rx[2];	/* rx[s]: what side s sent */
};

enum media_event_type {
	MEDIA_EV_TIMEOUT,	/* ev->side sent nothing for its timeout */
	MEDIA_EV_STATS,		/* a stream ended, its ports back in their pools: ev->stats */
	MEDIA_EV_END,		/* the call's last event; its arg may go */
};

struct media_event {
	enum media_event_type type;
	void *arg;		/* the call's, from media_call_alloc */
	unsigned stream;	/* its index (media_call_stream_add), reused after a removal */
	unsigned seq;		/* the stream's number in the call, in order of adding, never reused */
	unsigned side;
	struct media_stream_stats stats;
};

typedef void(media_event_h)(const struct media_event *ev);

/* in-kernel forwarding of established plain RTP streams (kfwd.h) */
enum media_kfwd_mode {
	MEDIA_KFWD_OFF = 0,	/* every packet through the media threads */
	MEDIA_KFWD_AUTO,	/* in the kernel where it can load; else off, logged */
};

struct media_engine_cfg {
	unsigned threads;	/* media threads, at least 1 */
	enum media_kfwd_mode kfwd;
	struct ev_loop *loop;	/* the signalling loop events are delivered on */
	media_event_h *eventh;
	uint32_t tick_ms;	/* inactivity check period; 0: 1000 */
};

struct media_engine;
struct media_call;

/* starts the threads; 0, EINVAL, ENOMEM, or a pthread error; *mep set only on success */
int media_engine_alloc(struct media_engine **mep, const struct media_engine_cfg *cfg);
/* stops the threads and closes every stream; pending events are dropped.
 * Free every media_call handle first: a handle outliving its engine
 * cannot be freed. */
void media_engine_free(struct media_engine *me);
/* a zone's media address and port range (EEXIST for a known name) */
int media_engine_zone_add(struct media_engine *me, const char *name, const char *addr,
			  uint16_t min, uint16_t max, uint32_t quarantine_ms);
/* a zone's port pool: RTP ports (each with its RTCP port) */
struct media_port_stats {
	unsigned capacity;
	unsigned in_use;	/* held by streams */
	unsigned quarantined;	/* released, not handed out again yet */
};
/* 0 or ENOENT (no such zone) */
int media_engine_zone_ports(struct media_engine *me, const char *zone, struct media_port_stats *out);
unsigned media_engine_threads(const struct media_engine *me);
/* whether established plain RTP streams are forwarded in the kernel: the
 * mode asked for, and the program loaded on the zones' interfaces */
bool media_engine_kfwd(const struct media_engine *me);
/* CPU time one media thread has used */
int media_engine_thread_cpu_ns(const struct media_engine *me, unsigned idx, uint64_t *ns);

/* a call's media, pinned to the next thread; arg comes back in its events */
int media_call_alloc(struct media_call **callp, struct media_engine *me, void *arg);
/* frees the handle now; the thread closes the streams, sends one
 * MEDIA_EV_STATS per stream and MEDIA_EV_END */
void media_call_free(struct media_call *call);
/* Binds our RTP/RTCP sockets for a new stream: side 0 in zone_a, side 1 in
 * zone_b.  ports[s] is our RTP port on side s (RTCP is ports[s] + 1).
 * ENOENT unknown zone, ENOSPC no port, E2BIG MEDIA_MAX_STREAMS open at
 * once (a removed stream's index is free again at once). */
int media_call_stream_add(struct media_call *call, const char *zone_a, const char *zone_b,
			  unsigned *idxp, uint16_t ports[2]);
/* Re-attaches the stream to what the latest offer/answer says, at once
 * and atomically on its thread: a changed address is sent to from now,
 * and a late packet from the old one does not steal the latch back. */
int media_call_stream_update(struct media_call *call, unsigned idx,
			     const struct media_stream_cfg *cfg);
/* closes one stream (rejected mid-call); MEDIA_EV_STATS follows */
int media_call_stream_remove(struct media_call *call, unsigned idx);

/* "IP" + port into a sockaddr_storage (AF_UNSPEC for 0.0.0.0/::); EINVAL */
int media_sockaddr(struct sockaddr_storage *sa, const char *ip, uint16_t port);

#endif
