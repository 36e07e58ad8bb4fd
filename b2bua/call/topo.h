/* Topology hiding: which received headers may cross to the other leg, and
 * the egress check that looks at every message about to leave for the
 * other leg's identifiers. */
#ifndef B2BUA_CALL_TOPO_H
#define B2BUA_CALL_TOPO_H

#include <stdbool.h>

#include "base/mbuf.h"
#include "sip/sip.h"

enum { TOPO_MAX_TOKENS = 12 };

/* Identifiers that must never appear in a message sent on one leg. */
struct topo_guard {
	const char *tok[TOPO_MAX_TOKENS];
	unsigned n;
};

void topo_guard_add(struct topo_guard *g, const char *tok);
/* the first of the guard's identifiers found in the message (as a whole
 * token: an address "127.0.0.2" does not match inside "127.0.0.21" but
 * does in "127.0.0.2:5060"; a token also starts after a %HH escape), or
 * NULL; one pass over the message for all of them */
const char *topo_leak(const struct topo_guard *g, const struct mbuf *mb);

/* Copies, from a request or response received on one leg, the end-to-end
 * headers the default policy lets cross (Subject, Privacy, Reason, Allow,
 * Content-Disposition, Event, Subscription-State, Accept, Info-Package
 * and the like).  Supported and Require are ours to negotiate per leg and
 * never cross; Server and User-Agent are replaced by our own. */
void topo_copy_headers(struct mbw *w, const struct sip_msg *src);
/* the same, leaving out the headers named in `remove` (comma-separated,
 * case-insensitive; NULL or "" for none) */
void topo_copy_headers_except(struct mbw *w, const struct sip_msg *src, const char *remove);

/* Whether a body carries SDP (directly or as a multipart part). */
bool topo_has_sdp(const struct sip_msg *msg);

#endif
