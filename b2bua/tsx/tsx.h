/* SIP transactions: RFC 3261 section 17 with the RFC 6026 corrections.
 *
 * The layer owns every client and server transaction of the signalling
 * thread, their retransmission and lifetime timers, and the matching of
 * received requests and responses to them.  It never calls the transport:
 * every message leaves through the tsx_send_h given to tsx_layer_alloc.
 *
 * Lifetime.  A transaction lives until it terminates (its last timer, a
 * timeout or a transport error); the layer then frees it, but only after
 * the layer call in which it terminated has returned, never while one of
 * its callbacks runs.  Just before freeing it, the layer gives the TU an
 * end notice (resph with resp NULL and err 0, or srvh with err 0) after
 * which the pointer must be forgotten.  A TU that keeps no pointer needs no
 * notice; tsx_detach stops every callback, end notice included.
 *
 * Threads: the signalling thread's loop only.  Nothing here is locked.
 */
#ifndef B2BUA_TSX_H
#define B2BUA_TSX_H

#include <stdint.h>

#include "base/mbuf.h"
#include "sip/sip.h"
#include "transport/transport.h"

struct ev_loop;
struct tsx;
struct tsx_layer;

/* Timer base values in seconds.  A zero field takes its default:
 * t1 0.5, t2 4, t4 5 (RFC 3261 17.1.1.1). */
struct tsx_timers {
	double t1, t2, t4;
};

enum tsx_kind {
	TSX_ICT = 0,	/* INVITE client */
	TSX_NICT,	/* non-INVITE client */
	TSX_IST,	/* INVITE server */
	TSX_NIST,	/* non-INVITE server */
	TSX_KIND_COUNT
};

enum tsx_state {
	TSX_CALLING = 0,
	TSX_TRYING,
	TSX_PROCEEDING,
	TSX_COMPLETED,
	TSX_CONFIRMED,
	TSX_ACCEPTED,	/* RFC 6026 */
	TSX_TERMINATED,
};

/* Sends one message.  mb is lent for the call: a transport that queues it
 * takes its own reference.  returns 0 or an errno value (transport error). */
typedef int (tsx_send_h)(const struct tp_dest *dst, struct mbuf *mb, void *arg);

/* Client transaction events.  resp != NULL (err 0) for each provisional and
 * final response passed up, 2xx retransmissions to INVITE included
 * (RFC 6026).  resp == NULL with err:
 *   ETIMEDOUT  timer B or F fired: act as for a 408 (RFC 3261 8.1.3.1)
 *   EALREADY   (a CANCEL only) its INVITE completed before any provisional
 *              arrived, so the CANCEL was never sent (RFC 3261 9.1)
 *   other      the transport failed: act as for a 503 (RFC 3261 8.1.3.1)
 * resp is valid for the duration of the call only. */
typedef void (tsx_resp_h)(struct tsx *ct, const struct sip_msg *resp, int err, void *arg);

/* Server transaction events, for a TU that set a handler:
 *   0          the end notice: the transaction is about to be freed
 *   ETIMEDOUT  timer H fired: no ACK came for our final non-2xx response
 *   other      the transport failed while re-sending a response (17.2.4)
 * The transaction is terminated when this is called. */
typedef void (tsx_srv_h)(struct tsx *st, int err, void *arg);

struct tsx_stats {
	uint64_t created[TSX_KIND_COUNT];
	uint64_t terminated[TSX_KIND_COUNT];
	uint64_t live;		/* allocated and not yet freed */
	uint64_t retransmits;	/* requests, responses and ACKs sent again */
	uint64_t absorbed;	/* retransmitted requests and responses absorbed */
	uint64_t timeouts;	/* timers B, F and H */
	uint64_t tp_errors;	/* sends that failed */
	uint64_t unmatched;	/* responses that matched no client transaction */
};

/* returns 0, EINVAL or ENOMEM; *lp is set only on success.  t may be NULL
 * for the defaults. */
int tsx_layer_alloc(struct tsx_layer **lp, struct ev_loop *loop, const struct tsx_timers *t,
		    tsx_send_h *sendh, void *arg);
/* Stops every timer and frees every transaction, detached or not.  Not to be
 * called from inside a transaction callback.  NULL is fine. */
void tsx_layer_free(struct tsx_layer *l);
void tsx_layer_stats(const struct tsx_layer *l, struct tsx_stats *st);
/* Timer D (RFC 3261 17.1.1.2: at least 32 s over UDP, the default).
 * returns 0 or EINVAL. */
int tsx_layer_set_timer_d(struct tsx_layer *l, double secs);

/* ---- server side ---- */

/* The core hands every received request here first.  reply_to is where
 * responses go (RFC 3261 18.2.2, worked out by the caller).  req stays the
 * caller's: the transaction copies what it needs.
 *
 * returns
 *   0 and a new server transaction in *stp: the TU must answer it (for an
 *     INVITE the layer has already sent 100 Trying, RFC 3261 17.2.1);
 *   0 with *stp = NULL: an ACK absorbed by an INVITE server transaction
 *     (Completed -> Confirmed, or already Confirmed);
 *   EALREADY: a retransmission, absorbed (the last response re-sent);
 *   ENOENT: an ACK that no INVITE server transaction absorbs (the ACK for a
 *     2xx, RFC 6026 7.1): the TU's business;
 *   EINVAL: a request without the fields matching needs (no Via, no CSeq);
 *   ENOMEM; or the transport errno when the 100 Trying could not be sent
 *     (no transaction is left). */
int tsx_server_recv(struct tsx_layer *l, const struct sip_msg *req, const struct tp_dest *reply_to,
		    struct tsx **stp);

/* Sends a response built by the caller (sip_build_response) on a server
 * transaction and drives its state machine.  The transaction takes its own
 * reference on resp (it re-sends it); the caller keeps its own.
 * returns 0; EINVAL (bad status code or not a server transaction); EPROTO
 * when the state allows no such response (a final after a final, except
 * further 2xx to an INVITE in Accepted); or the transport errno, in which
 * case the transaction is terminated (RFC 3261 17.2.4) and freed when this
 * returns.  After a final response the TU need not keep st: the layer
 * absorbs retransmissions and frees it on its own. */
int tsx_respond(struct tsx *st, uint16_t scode, struct mbuf *resp);

/* Optional: where a server transaction reports timer H, transport
 * failures found while re-sending on its own, and its end. */
void tsx_server_set_handler(struct tsx *st, tsx_srv_h *h, void *arg);

/* RFC 3261 9.2: the INVITE server transaction a CANCEL refers to (the
 * 17.2.3 rules with the method taken as INVITE), or NULL.  A transaction
 * already terminated is not found. */
struct tsx *tsx_server_find_invite(struct tsx_layer *l, const struct sip_msg *cancel);

/* ---- client side ---- */

/* Starts a client transaction for a complete request the caller built,
 * with its own top Via branch (z9hG4bK...).  The transaction takes its own
 * reference on req.  The request is sent at once.
 * returns 0 and *ctp; EINVAL (not a request, no magic-cookie branch, or an
 * ACK: ACK has no client transaction); ENOMEM; or the transport errno when
 * the first send failed (no transaction is left). */
int tsx_client_start(struct tsx **ctp, struct tsx_layer *l, struct mbuf *req,
		     const struct tp_dest *dst, tsx_resp_h *resph, void *arg);

/* A received response.  returns 0 when it matched a client transaction
 * (RFC 3261 17.1.3: top Via branch and CSeq method), ENOENT otherwise.  A
 * 2xx that matches an INVITE transaction the TU has detached returns
 * ENOENT too, so that the core treats it as a stray 2xx (ACK and BYE). */
int tsx_client_recv(struct tsx_layer *l, const struct sip_msg *resp);

/* RFC 3261 9.1: cancels an INVITE client transaction.  The CANCEL is built
 * by the layer from the INVITE (Request-URI, Call-ID, From, To, CSeq number,
 * top Via, Route) and runs in its own non-INVITE client transaction,
 * returned in *cancel_tsx, whose responses go to h.  It is sent at once if
 * a provisional response has arrived, otherwise when the first one does.
 * returns 0; EINVAL (not an INVITE client transaction); EALREADY (a final
 * response arrived or a CANCEL already exists: nothing to cancel); ENOMEM;
 * or the transport errno (no CANCEL transaction is left). */
int tsx_client_cancel(struct tsx *ict, struct tsx **cancel_tsx, tsx_resp_h *h, void *arg);

/* ---- both ---- */

/* The TU forgets the transaction: no more callbacks, not even the end
 * notice; the transaction still runs its timers, absorbs retransmissions
 * and is freed when it ends.  Only for a transaction not yet freed.  NULL
 * is fine. */
void tsx_detach(struct tsx *t);

/* e.g. "tsx:z9hG4bK776asdhds" for log lines */
const char *tsx_id(const struct tsx *t);
enum tsx_kind tsx_kind(const struct tsx *t);
enum tsx_state tsx_state(const struct tsx *t);
const char *tsx_state_name(enum tsx_state s);

#endif
