/* The SIP core: what happens to every message the transport hands up.
 *
 *   transport -> parse -> (request) validate -> transaction layer -> answer
 *                      -> (response) validate -> transaction layer or drop
 *
 * It owns the transport and the transaction layer, on the signalling
 * thread's loop.  Until the call core lands it answers every request
 * itself (see core/ua.h). */
#ifndef B2BUA_CORE_SIPCORE_H
#define B2BUA_CORE_SIPCORE_H

#include <stdint.h>

struct ev_loop;
struct config;
struct sipcore;

/* Counters, in one place (exported as metrics later). */
struct sipcore_stats {
	uint64_t rx_requests;
	uint64_t rx_responses;
	uint64_t unframed;		/* could not be parsed at all: dropped */
	uint64_t bad_requests;		/* malformed, answered statelessly */
	uint64_t unanswerable;		/* malformed without a usable Via: dropped */
	uint64_t bad_responses;		/* malformed or not for us: dropped */
	uint64_t stray_responses;	/* matched no client transaction */
	uint64_t retransmissions;	/* absorbed by the transaction layer */
	uint64_t dropped_unknown;	/* INVITEs from no trunk, dropped by listener policy */
	uint64_t answered[7];		/* final answers we sent, by class 1xx..6xx */
};

/* Opens every listener of cfg.  returns 0 or an errno value (logged);
 * *scp is set only on success. */
int sipcore_alloc(struct sipcore **scp, struct ev_loop *loop, const struct config *cfg);
void sipcore_free(struct sipcore *sc);
void sipcore_stats(const struct sipcore *sc, struct sipcore_stats *out);
/* the counters in the log (NOTICE): calls, messages, media ports per zone */
void sipcore_log_counters(struct sipcore *sc);
/* the call manager, to give it a routing policy */
struct call_mgr *sipcore_calls(struct sipcore *sc);

#endif
