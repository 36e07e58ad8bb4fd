/* The rule map of the in-kernel forwarder, as both sides see it: the TC
 * program (kfwd.bpf.c) and the library that fills it (kfwd.c).  Fixed-width
 * fields only, padding spelled out, so that clang -target bpf and the host
 * compiler agree on every offset.  Addresses and ports in network order. */
#ifndef MEDIA_KFWD_ABI_H
#define MEDIA_KFWD_ABI_H

#include <linux/bpf.h>
#include <stdint.h>

#include "media/rtpstats.h"

/* rules in the map: one per forwarded stream direction */
#define MEDIA_KFWD_MAX_RULES 65536u

/* the tc filter's own handle and priority on each interface's ingress: a
 * daemon that starts again replaces what a previous one left there.  Each
 * daemon of a network namespace claims a priority of its own, from
 * MEDIA_KFWD_TC_PRIO up (MEDIA_KFWD_TC_SLOTS of them), with an abstract
 * socket that lives as long as the daemon: a filter at a priority nobody
 * claims is a dead daemon's.  Filters chain, since the program passes on
 * (TC_ACT_UNSPEC) what it has no rule for. */
#define MEDIA_KFWD_TC_HANDLE 0xb2bu
#define MEDIA_KFWD_TC_PRIO 0xb2bu
#define MEDIA_KFWD_TC_SLOTS 16u

/* clock_rate when the rule gives none (G.711) */
#define MEDIA_KFWD_DEFAULT_CLOCK 8000u

struct media_kfwd_key {
	uint32_t addr;		/* our address: the packet's destination */
	uint16_t port;		/* our port */
	uint16_t pad;		/* zero */
};

struct media_kfwd_value {
	/* guards the counters and rtp below; read with BPF_F_LOCK */
	struct bpf_spin_lock lock;
	uint32_t peer_addr;	/* the only source forwarded */
	uint16_t peer_port;
	uint8_t match_ssrc;
	uint8_t out_loopback;	/* out_ifindex is a loopback interface */
	uint32_t ssrc;
	uint32_t out_saddr;	/* the packet leaves from out_saddr:out_sport */
	uint32_t out_daddr;	/* to out_daddr:out_dport */
	uint16_t out_sport;
	uint16_t out_dport;
	uint32_t out_ifindex;
	uint8_t te_map;		/* map payload type te_from to te_to */
	uint8_t te_from;
	uint8_t te_to;
	uint8_t pad;
	uint32_t clock_rate;	/* RTP clock of arrival times, never 0 */
	uint64_t packets;
	uint64_t bytes;		/* of RTP (UDP payload) */
	uint64_t last_ns;	/* bpf_ktime_get_ns (CLOCK_MONOTONIC) of the last one */
	struct media_rtp_src rtp;	/* rtpstats.h: its layout is fixed for both sides */
};

#endif
