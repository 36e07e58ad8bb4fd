/* In-kernel forwarding of plain RTP: a TC ingress eBPF program that relays
 * an established stream's RTP without waking the media thread.
 *
 * A rule says: an RTP packet (IPv4/UDP) that arrives at our address:port
 * `local` from the latched peer `peer` (and, with match_ssrc, with that
 * SSRC) leaves from `out_local` to `out_peer`, with its telephone-event
 * payload type mapped.  The program counts it and continues the RFC 3550
 * reception state (rtpstats.h) the media thread started.  Anything else
 * (another source, another SSRC, RTCP on the RTP port, a fragment, IPv6)
 * goes on to our socket, where the media thread handles it as before.
 *
 * One handle per engine; rules are keyed by `local`.  Every call may come
 * from any thread (each a system call on the kernel's map).
 */
#ifndef MEDIA_KFWD_H
#define MEDIA_KFWD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "media/rtpstats.h"

struct media_kfwd;

struct media_kfwd_rule {
	struct sockaddr_in local;	/* our RTP socket that receives */
	struct sockaddr_in peer;	/* the only source forwarded */
	bool match_ssrc;		/* forward only packets of ssrc */
	uint32_t ssrc;
	struct sockaddr_in out_local;	/* our RTP socket of the other side */
	struct sockaddr_in out_peer;	/* where it goes */
	int te_from, te_to;		/* telephone-event PT in and out; -1: none */
	uint32_t clock_rate;		/* RTP clock for jitter; 0: 8000 */
	struct media_rtp_src src;	/* the reception state to continue from */
};

struct media_kfwd_counts {
	uint64_t packets, bytes;	/* forwarded by the kernel under this rule */
	uint64_t last_ns;		/* CLOCK_MONOTONIC of the last one; 0: none */
	struct media_rtp_src src;	/* the reception state now */
};

/* Loads the program and attaches it on ingress of every interface that
 * owns one of the IPv4 addresses (n of them).  0; ENOTSUP (no BPF, no such
 * interface, wildcard or IPv6 addresses only) or EPERM (not privileged):
 * the caller relays in user space. */
int media_kfwd_open(struct media_kfwd **kp, const struct sockaddr_in *addrs, unsigned n);
/* detaches the program from every interface and frees its map */
void media_kfwd_close(struct media_kfwd *k);
/* inserts or replaces the rule of r->local; EINVAL (not IPv4, an address
 * on none of the attached interfaces, or from another interface into
 * loopback, which the kernel would refuse), ENOSPC (map full) */
int media_kfwd_add(struct media_kfwd *k, const struct media_kfwd_rule *r);
/* the counts of local's rule so far; ENOENT */
int media_kfwd_read(struct media_kfwd *k, const struct sockaddr_in *local,
		    struct media_kfwd_counts *out);
/* removes local's rule and, if out is not NULL, gives its final counts; ENOENT */
int media_kfwd_del(struct media_kfwd *k, const struct sockaddr_in *local,
		   struct media_kfwd_counts *out);

#endif
