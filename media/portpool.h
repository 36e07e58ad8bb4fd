/* A pool of RTP ports for one zone's media address.
 *
 * Ports are even (RTP) with RTCP on the next one (RFC 3550 11).  A
 * released port waits in quarantine before it is handed out again, so
 * that late packets of the old call never reach a new one.  Thread-safe:
 * signalling takes ports, media threads release them after closing.
 */
#ifndef MEDIA_PORTPOOL_H
#define MEDIA_PORTPOOL_H

#include <stdint.h>

/* a monotonic clock in milliseconds (tests inject their own) */
typedef uint64_t(media_clock_h)(void *arg);

struct media_portpool;

/* the monotonic clock used when none is given */
uint64_t media_clock_ms(void *arg);

/* ports min..max inclusive (an odd min starts at min+1; the last RTP port
 * is the highest even one with its RTCP port still <= max).  Returns 0,
 * EINVAL (no even pair in the range) or ENOMEM; *poolp set only on
 * success.  clock NULL: media_clock_ms. */
int media_portpool_alloc(struct media_portpool **poolp, uint16_t min, uint16_t max,
			 uint32_t quarantine_ms, media_clock_h *clock, void *arg);
void media_portpool_free(struct media_portpool *pool);
/* the next free even port, least recently released first; ENOSPC when
 * every port is in use or in quarantine */
int media_portpool_take(struct media_portpool *pool, uint16_t *portp);
/* returns a taken port; EINVAL for a port not taken from this pool */
int media_portpool_release(struct media_portpool *pool, uint16_t port);
/* ports that take() could hand out now */
unsigned media_portpool_available(struct media_portpool *pool);
/* ports taken and not released, and released ones still in quarantine */
void media_portpool_usage(struct media_portpool *pool, unsigned *in_use, unsigned *quarantined);
unsigned media_portpool_capacity(const struct media_portpool *pool);

#endif
