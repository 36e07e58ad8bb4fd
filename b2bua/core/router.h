/* Routing from the policy database: the call core asks it where each new
 * INVITE goes.  It owns the policy snapshot in force (swapped in one step
 * when the loader thread hands over a new one; each call keeps the
 * snapshot it started with) and the per-trunk limits. */
#ifndef B2BUA_CORE_ROUTER_H
#define B2BUA_CORE_ROUTER_H

#include <stdbool.h>

#include "call/call.h"

struct ev_loop;
struct transport;
struct router;

/* Loads the policy of db_path once, then follows its changes on a loader
 * thread.  A missing database is not an error: every call is refused
 * (403) until one exists and the daemon restarts.  returns 0 or an errno;
 * *rp is set only on success. */
int router_alloc(struct router **rp, struct ev_loop *loop, struct transport *tp,
		 const char *db_path);
void router_free(struct router *r);
/* the request's source is one of the policy's trunks */
bool router_source_known(const struct router *r, const struct sip_msg *req);
/* a policy database was found and loaded */
bool router_has_policy(const struct router *r);

/* for call_mgr_set_router() */
int router_route(const struct sip_msg *invite, unsigned in_listener, struct call_route *out,
		 void *arg);
void router_route_done(void *handle, void *arg);
int router_route_next(struct call_route *route, unsigned code, void *arg);

#endif
